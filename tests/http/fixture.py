"""A real `tilsyn serve` for HTTP tests: a small configuration, a fresh database (SQLite file,
or a new database on the PostgreSQL server of TILSYN_TEST_PG_URL), users with tokens, cycles
opened by a real `tick`, and the daemon listening on a free loopback port.

Cycles start on the Monday 16 weeks before today, so on the real clock the first deadline
(start + 10 weeks) has passed: those cycles are overdue whatever the date.
"""
import datetime
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse

NAUGHTY_NAME = "<script>alert(1)</script> Børnehus"

CONFIG = """\
organisation:
  name: "Testkommune, Børn og Unge"
  timezone: Europe/Copenhagen
  dashboard_url: "http://127.0.0.1:8080"
  director: {{ name: "Dorte Direktør", email: "director@example.dk" }}
calendar:
  holidays: denmark
  closed_days: ["12-24", "12-31"]
  send_at: "08:00"
mail:
  from: "Tilsyn <tilsyn@example.dk>"
  transport: "file:mail"
areas:
  - {{ id: syd, name: "Område Syd", chief: {{ name: "Sara Syd", email: "chief.syd@example.dk" }} }}
  - {{ id: nord, name: "Område Nord", chief: {{ name: "Niels Nord", email: "chief.nord@example.dk" }} }}
institutions:
  - {{ id: frydenlund, name: "Frydenlund Skole", kind: school, area: syd,
      leader: {{ name: "Lene Leder", email: "leder.frydenlund@example.dk" }},
      board: {{ email: "bestyrelse.frydenlund@example.dk" }} }}
  - {{ id: boernehus, name: "{naughty}", kind: daycare, area: syd,
      leader: {{ name: "Bo Børn", email: "leder.boernehus@example.dk" }},
      board: {{ email: "bestyrelse.boernehus@example.dk" }} }}
  - {{ id: nordskole, name: "Nordskolen", kind: school, area: nord,
      leader: {{ name: "Nina Nord", email: "leder.nordskole@example.dk" }},
      board: {{ email: "bestyrelse.nordskole@example.dk" }} }}
cycles:
  - id: qr
    workflow: quality_report
    institutions: {{ kinds: [school, daycare, youth] }}
    starts: {{ first: {first}, every: 2 years }}
    steps:
      quality_report:       {{ due: "start + 10 weeks" }}
      board_statement:      {{ due: "quality_report + 4 weeks" }}
      quality_conversation: {{ due: "board_statement + 6 weeks" }}
      development_plan:     {{ due: "quality_conversation + 8 weeks" }}
      plan_approval:        {{ due: "development_plan + 10 workdays" }}
      publication:          {{ due: "plan_approval + 5 workdays" }}
    reminders: ["-14 days", "-3 workdays"]
    escalation:
      - {{ after: "1 workday", to: [leader, area_chief] }}
      - {{ after: "10 workdays", to: [director] }}
    supervision:
      action_plan: {{ due: "given + 3 weeks" }}
      follow_up:   {{ every: "4 weeks" }}
      resolution:  {{ due: "given + 6 months" }}
      reminders: ["-5 workdays"]
      escalation:
        - {{ after: "0 days", to: [area_chief] }}
"""

# name -> (email, role, area, institution)
USERS = {
    "director": ("director@example.dk", "director", None, None),
    "chief_syd": ("chief.syd@example.dk", "area_chief", "syd", None),
    "chief_nord": ("chief.nord@example.dk", "area_chief", "nord", None),
    "leader_frydenlund": ("leder.frydenlund@example.dk", "leader", None, "frydenlund"),
    "board_frydenlund": ("bestyrelse.frydenlund@example.dk", "board", None, "frydenlund"),
    "leader_nordskole": ("leder.nordskole@example.dk", "leader", None, "nordskole"),
}

INSTITUTIONS = {"frydenlund": "syd", "boernehus": "syd", "nordskole": "nord"}


def can_see(user, institution):
    """interface.md §5 visibility, as the tests expect it."""
    if user == "admin":
        return True
    _, role, area, inst = USERS[user]
    if role == "director":
        return True
    if role == "area_chief":
        return INSTITUTIONS[institution] == area
    return inst == institution


class Server:
    def __init__(self, tilsyn, backend):
        self.tilsyn = os.path.abspath(tilsyn)
        self.tmp = tempfile.mkdtemp(prefix="tilsyn-http-")
        today = datetime.date.today()
        monday = today - datetime.timedelta(days=today.weekday())
        self.start = monday - datetime.timedelta(weeks=16)
        self.config = os.path.join(self.tmp, "config.yaml")
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(CONFIG.format(first=self.start.isoformat(), naughty=NAUGHTY_NAME))
        os.makedirs(os.path.join(self.tmp, "mail"))
        self.pg_admin_url = None
        self.pg_db = None
        if backend == "sqlite":
            self.db = "sqlite:" + os.path.join(self.tmp, "tilsyn.db")
        else:
            self.pg_admin_url = backend
            self.pg_db = "tilsyn_http_" + secrets.token_hex(4)
            self.psql(f"CREATE DATABASE {self.pg_db}")
            parts = urllib.parse.urlsplit(backend)
            self.db = urllib.parse.urlunsplit(parts._replace(path="/" + self.pg_db))
        self.process = None
        self.cli("migrate")
        opened = self.cli("tick", "--at", f"{self.start.isoformat()}T09:00", "--no-mail")
        assert "3 cycles opened" in opened, opened
        self.tokens = {}
        for name, (email, role, area, inst) in USERS.items():
            args = ["user", "add", "--email", email, "--role", role]
            if area:
                args += ["--area", area]
            if inst:
                args += ["--institution", inst]
            out = self.cli(*args)
            self.tokens[name] = re.search(r"tls_[0-9a-f]{64}", out).group(0)
        self.cycle = {inst: f"qr/{inst}/{self.start.isoformat()}" for inst in INSTITUTIONS}
        self.first_stdout = self.launch()
        match = re.search(r"tls_[0-9a-f]{64}", self.first_stdout)
        assert match, "serve printed no administrator token on first run:\n" + self.first_stdout
        self.tokens["admin"] = match.group(0)

    def psql(self, sql):
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", self.pg_admin_url, "-c", sql],
                       check=True, capture_output=True)

    def cli(self, *args, check=True):
        result = subprocess.run([self.tilsyn, args[0], "--config", self.config, "--db", self.db,
                                 *args[1:]], capture_output=True, text=True)
        if check and result.returncode != 0:
            raise AssertionError(f"tilsyn {' '.join(args)} failed: {result.stderr}")
        return result.stdout

    def launch(self):
        """Starts serve on a free port; returns what it printed on stdout before listening."""
        self.stdout_path = os.path.join(self.tmp, "serve.out")
        self.stderr_path = os.path.join(self.tmp, "serve.err")
        self.process = subprocess.Popen(
            [self.tilsyn, "serve", "--config", self.config, "--db", self.db, "--listen",
             "127.0.0.1:0"],
            stdout=open(self.stdout_path, "w"), stderr=open(self.stderr_path, "w"),
            cwd=self.tmp)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with open(self.stderr_path, encoding="utf-8") as f:
                match = re.search(r"HTTP API and dashboard on http://127\.0\.0\.1:(\d+)/", f.read())
            if match:
                self.port = int(match.group(1))
                self.url = f"http://127.0.0.1:{self.port}"
                with open(self.stdout_path, encoding="utf-8") as f:
                    return f.read()
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        with open(self.stderr_path, encoding="utf-8") as f:
            raise AssertionError("serve did not start listening:\n" + f.read())

    def stop(self):
        """SIGTERM; returns serve's exit code."""
        if not self.process:
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.process = None
        return code

    def close(self):
        self.stop()
        if self.pg_db:
            try:
                self.psql(f"DROP DATABASE IF EXISTS {self.pg_db} WITH (FORCE)")
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)

    def request(self, method, path, token=None, body=None, headers=None, connection=None):
        """One HTTP request; returns (status, headers dict with lower-case names, body text)."""
        conn = connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            sent.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        data = response.read().decode("utf-8")
        result = (response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        if connection is None:
            conn.close()
        return result

    def api(self, method, path, user=None, body=None, headers=None):
        """Like request, with the body parsed as JSON."""
        token = self.tokens[user] if user else None
        status, headers, data = self.request(method, path, token, body, headers)
        try:
            parsed = json.loads(data) if data else None
        except json.JSONDecodeError:
            raise AssertionError(f"{method} {path}: body is not JSON: {data[:200]}")
        return status, parsed

    def event(self, institution, user, event, data=None):
        return self.api("POST", f"/api/v1/cycles/{self.cycle[institution]}/events", user,
                        {"event": event, "data": data or {}})

    def drive_to_plan_approval(self, institution, leader, chief):
        """report, board statement, conversation scheduled and held, plan submitted."""
        steps = [
            (leader, "report_submitted", {"url": "https://example.dk/rapport.pdf"}),
            (leader, "board_statement_submitted", {"assessment": "Bestyrelsen er enig."}),
            (chief, "conversation_scheduled", {"date": datetime.date.today().isoformat()}),
            (chief, "conversation_held",
             {"development_points": [{"title": "Mere læsning", "goal": "learning"}]}),
            (leader, "plan_submitted", {"text": "Vi læser mere."}),
        ]
        for user, event, data in steps:
            status, body = self.event(institution, user, event, data)
            assert status == 200, (event, status, body)
