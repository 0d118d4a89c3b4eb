"""A real `tilsyn serve` for the HTTP tests: the small configuration (support.config), a fresh
database (SQLite file, or a new database on the PostgreSQL server of TILSYN_TEST_PG_URL),
users with tokens, cycles opened by a real `tick`, and the daemon listening on a free loopback
port.

Cycles start on the Monday 16 weeks before today, so on the real clock the first deadline
(start + 10 weeks) has passed: those cycles are overdue whatever the date.
"""
import datetime
import os
import shutil
import tempfile

from support import api
from support.cli import Tilsyn, find_token
from support.config import (NAUGHTY_NAME, SMALL_CYCLE, SMALL_INSTITUTIONS, overdue_start,
                            small_config)
from support.database import Database
from support.serve import Serve

__all__ = ["NAUGHTY_NAME", "USERS", "INSTITUTIONS", "can_see", "Server"]

# name -> (email, role, area, institution)
USERS = {
    "director": ("director@example.dk", "director", None, None),
    "chief_syd": ("chief.syd@example.dk", "area_chief", "syd", None),
    "chief_nord": ("chief.nord@example.dk", "area_chief", "nord", None),
    "leader_frydenlund": ("leder.frydenlund@example.dk", "leader", None, "frydenlund"),
    "board_frydenlund": ("bestyrelse.frydenlund@example.dk", "board", None, "frydenlund"),
    "leader_nordskole": ("leder.nordskole@example.dk", "leader", None, "nordskole"),
}

INSTITUTIONS = SMALL_INSTITUTIONS


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
    """The world of the HTTP tests. backend: "sqlite" or a PostgreSQL server URL."""

    def __init__(self, tilsyn, backend):
        self.tmp = tempfile.mkdtemp(prefix="tilsyn-http-")
        self.start = overdue_start()
        self.config = os.path.join(self.tmp, "config.yaml")
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(small_config(self.start))
        os.makedirs(os.path.join(self.tmp, "mail"))
        self.database = Database(backend, self.tmp, "tilsyn_http")
        self.db = self.database.url
        self.tilsyn = Tilsyn(tilsyn, self.config, self.db)
        self.serve = Serve(self.tilsyn, self.tmp)
        self.cli("migrate")
        opened = self.cli("tick", "--at", f"{self.start.isoformat()}T09:00", "--no-mail")
        assert "3 cycles opened" in opened, opened
        self.tokens = {}
        for name, (email, role, area, inst) in USERS.items():
            scope = (["--area", area] if area else []) + (["--institution", inst] if inst else [])
            self.tokens[name] = self.tilsyn.add_user(email, role, *scope)
        self.cycle = {inst: f"{SMALL_CYCLE}/{inst}/{self.start.isoformat()}"
                      for inst in INSTITUTIONS}
        self.first_stdout = self.launch()
        token = find_token(self.first_stdout)
        assert token, "serve printed no administrator token on first run:\n" + self.first_stdout
        self.tokens["admin"] = token

    @property
    def port(self):
        return self.serve.port

    @property
    def url(self):
        return self.serve.url

    @property
    def stderr_path(self):
        return self.serve.stderr_path

    def cli(self, *args, check=True):
        """`tilsyn VERB ...` on this world; its stdout."""
        return self.tilsyn.run(*args, check=check).stdout

    def launch(self):
        """Starts serve; returns what it printed on stdout before listening."""
        return self.serve.start()

    def stop(self):
        """SIGTERM; returns serve's exit code."""
        return self.serve.stop(timeout=30)

    def close(self):
        self.stop()
        self.database.drop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def request(self, method, path, token=None, body=None, headers=None, connection=None):
        """One HTTP request; returns (status, headers dict with lower-case names, body text)."""
        return api.request(self.port, method, path, token, body, headers, connection)

    def api(self, method, path, user=None, body=None, headers=None):
        """Like request, as USER (a name of USERS or "admin"), with the body parsed as JSON."""
        return api.call(self.port, method, path, self.tokens[user] if user else None, body,
                        headers)

    def event(self, institution, user, event, data=None):
        return api.post_event(self.port, self.tokens[user], self.cycle[institution], event, data)

    def drive_to_plan_approval(self, institution, leader, chief):
        """report, board statement, conversation scheduled and held, plan submitted."""
        steps = [
            (leader, "report_submitted", {"url": "https://example.dk/rapport.pdf"}),
            (leader, "board_statement_submitted",
             {"assessment": "Bestyrelsen er enig.", "on_behalf_of_board": True}),
            (chief, "conversation_scheduled", {"date": datetime.date.today().isoformat()}),
            (chief, "conversation_held",
             {"development_points": [{"title": "Mere læsning", "goal": "learning"}]}),
            (leader, "plan_submitted", {"text": "Vi læser mere."}),
        ]
        for user, event, data in steps:
            status, body = self.event(institution, user, event, data)
            assert status == 200, (event, status, body)
