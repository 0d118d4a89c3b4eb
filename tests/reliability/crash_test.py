"""Crash test: `kill -9` of `tilsyn serve` at random moments during a large tick and a stream
of API events, a restart each time, then a clean run to the end; afterwards:

  1. the audit chain verifies (`tilsyn audit verify`);
  2. no outbox message is lost: every one is sent and the SMTP server received it;
  3. no reminder or escalation went out twice except with the same Message-ID;
  4. every open deadline matches its instance's state;
  5. every event the API acknowledged (200) is in the audit trail.

usage: crash_test.py PATH/TO/tilsyn [--kills N] [--institutions N] [--seed S]

CI runs a short form (ctest `crash_test`); the full one is `--kills 50 --institutions 3000`.
Real parts only: a real SQLite file, a real SMTP server (aiosmtpd), real processes and
signals. Waits are polls with timeouts. Prints "ok - ..." / "not ok - ..." per check.
"""
import argparse
import email
import email.policy
import datetime
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

from aiosmtpd.controller import Controller

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))

# The step each state of the cycle workflows waits for (workflows/*.hpp); final states: none.
STATE_STEP = {
    "ReportInPreparation": "quality_report", "AwaitingBoardStatement": "board_statement",
    "AwaitingConversation": "quality_conversation", "ConversationScheduled": "quality_conversation",
    "PlanInPreparation": "development_plan", "PlanAwaitingApproval": "plan_approval",
    "AwaitingPublication": "publication", "Completed": None, "Cancelled": None,
    "AwaitingDataPackage": "data_package", "AwaitingObservation": "observation",
    "AwaitingLearningConversation": "learning_conversation", "AwaitingOneToOne": "one_to_one",
    "DialogueCompleted": None, "DialogueCancelled": None,
}
SUPERVISION_STEPS = {"ActionPlanDue": {"action_plan", "resolution"},
                     "FollowUp": {"follow_up", "resolution"}, "Resolved": set()}


class Recorder:
    """An aiosmtpd handler that records every message it accepts."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []  # (message_id, rcpt, subject)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.messages.append((str(message["Message-ID"] or ""), rcpt,
                                      str(message["Subject"] or "")))
        return "250 OK"


class Results:
    def __init__(self):
        self.failed = 0

    def check(self, ok, what, detail=""):
        print(("ok - " if ok else "not ok - ") + what)
        if not ok:
            self.failed += 1
            if detail:
                for line in str(detail).splitlines()[:20]:
                    print("    | " + line)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Daemon:
    def __init__(self, tilsyn, config, db, port, log):
        # A stable node name, as a deployment gives each host: a restarted node takes its own
        # outbox claims back at once instead of waiting out their lease.
        self.args = [tilsyn, "serve", "--config", config, "--db", db, "--listen",
                     f"127.0.0.1:{port}", "--node", "crash-test-node"]
        self.port = port
        self.log = log
        self.process = None

    def start(self):
        self.process = subprocess.Popen(self.args, stdout=open(self.log, "a"),
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                if self.process.poll() is not None:
                    return False
                time.sleep(0.02)
        return False

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def terminate(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return None


class EventStream(threading.Thread):
    """Posts the next event of random quality-report cycles through the API, as the users the
    workflow names; keeps the (cycle, event) pairs the API acknowledged with 200."""

    def __init__(self, port, cycles, tokens, rng):
        super().__init__(daemon=True)
        self.port = port
        self.cycles = cycles  # id -> (leader token, chief token)
        self.tokens = tokens
        self.rng = rng
        self.acknowledged = []
        self.stop = threading.Event()
        self.state = {}

    def post(self, cycle, event, data, token):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        body = json.dumps({"event": event, "data": data})
        conn.request("POST", f"/api/v1/cycles/{cycle}/events", body=body,
                     headers={"Authorization": f"Bearer {token}",
                              "Content-Type": "application/json"})
        response = conn.getresponse()
        answer = json.loads(response.read() or b"{}")
        conn.close()
        return response.status, answer

    def run(self):
        ids = list(self.cycles)
        while not self.stop.is_set():
            cycle = self.rng.choice(ids)
            leader, chief = self.cycles[cycle]
            state = self.state.get(cycle, "ReportInPreparation")
            step = {
                "ReportInPreparation": ("report_submitted", {}, leader),
                "AwaitingBoardStatement": ("board_statement_submitted", {"assessment": "Ok."}, leader),
                "AwaitingConversation": ("conversation_held", {
                    "development_points": [{"title": "Læsning", "goal": "learning"}],
                    "supervision_points": ([{"title": "Fravær", "reason": "concern",
                                             "goal": "wellbeing"}]
                                           if self.rng.random() < 0.3 else [])}, chief),
                "PlanInPreparation": ("plan_submitted", {"text": "Plan"}, leader),
                "PlanAwaitingApproval": ("plan_approved", {}, chief),
            }.get(state)
            if not step:
                continue
            event, data, token = step
            try:
                status, answer = self.post(cycle, event, data, token)
            except (OSError, http.client.HTTPException, json.JSONDecodeError):
                time.sleep(0.05)  # the daemon is down: try again later
                continue
            if status == 200:
                self.acknowledged.append((cycle, event))
                self.state[cycle] = answer["state"]
            elif status == 409:
                self.state[cycle] = answer.get("state", state)
            time.sleep(0.002)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tilsyn")
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--institutions", type=int, default=600)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tilsyn = os.path.abspath(args.tilsyn)
    results = Results()
    tmp = tempfile.mkdtemp(prefix="tilsyn-crash-")
    print(f"# seed {args.seed}, {args.kills} kills, {args.institutions} institutions, temp {tmp}")
    recorder = Recorder()
    smtp_port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    daemon = None
    try:
        config = os.path.join(tmp, "config.yaml")
        subprocess.run(["/usr/bin/python3", os.path.join(SOURCE, "bench", "make_config.py"),
                        "--institutions", str(args.institutions), "--csv", "--out", config],
                       check=True)
        # Cycles on the real clock: the 6-18 quality report started 16 weeks before today (so
        # escalations are due at the first tick), SMTP to the recorder.
        today = datetime.date.today()
        start = today - datetime.timedelta(days=today.weekday(), weeks=16)
        text = open(config, encoding="utf-8").read()
        text = re.sub(r'(transport: )"[^"]*"', rf'\1"smtp://127.0.0.1:{smtp_port}"', text)
        text = text.replace("first: 2026-08-03", f"first: {start.isoformat()}", 1)
        open(config, "w", encoding="utf-8").write(text)
        db_path = os.path.join(tmp, "crash.db")
        db = "sqlite:" + db_path
        common = ["--config", config, "--db", db]
        subprocess.run([tilsyn, "migrate", *common], check=True, capture_output=True)
        # Tokens for the event stream: area chiefs and the leaders of the first 40 schools.
        tokens = {}
        institutions = [line.split(",") for line in
                        open(config.replace(".yaml", ".csv"), encoding="utf-8").read().splitlines()[1:]]

        def token(email, role, *scope):
            out = subprocess.run([tilsyn, "user", "add", *common, "--email", email, "--role", role,
                                  *scope], check=True, capture_output=True, text=True).stdout
            return re.search(r"tls_[0-9a-f]{64}", out).group(0)

        cycles = {}
        schools = [row for row in institutions if row[2] == "school"][:40]
        chiefs = {}
        for row in schools:
            area = row[3]
            if area not in chiefs:
                chiefs[area] = token(f"crash.chief.{area}@example.dk", "area_chief", "--area", area)
            leader = token(f"crash.leader.{row[0]}@example.dk", "leader", "--institution", row[0])
            cycles[f"quality-report-6-18/{row[0]}/{start.isoformat()}"] = (leader, chiefs[area])

        port = free_port()
        daemon = Daemon(tilsyn, config, db, port, os.path.join(tmp, "serve.log"))
        stream = EventStream(port, cycles, tokens, rng)
        stream.start()
        kills = 0
        for _ in range(args.kills):
            if not daemon.start():
                results.check(False, "serve starts after a kill -9",
                              open(daemon.log).read()[-2000:])
                break
            time.sleep(rng.uniform(0.05, 1.5))
            daemon.kill9()
            kills += 1
        results.check(kills == args.kills, f"{kills} kill -9 of serve during the tick and the events")
        # The last run goes to the end: everything due is fired and delivered.
        results.check(daemon.start(), "serve starts for the final run")
        time.sleep(1.0)
        stream.stop.set()
        stream.join(timeout=30)
        deadline = time.monotonic() + 600
        now = int(time.time())
        while time.monotonic() < deadline:
            with sqlite3.connect(db_path, timeout=30) as conn:
                pending = conn.execute(
                    "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'").fetchone()[0]
                due = conn.execute("SELECT COUNT(*) FROM deadlines WHERE done = 0 AND "
                                   "kind <> 'due' AND fire_at <= ?", (now,)).fetchone()[0]
            if pending == 0 and due == 0:
                break
            time.sleep(0.5)
        results.check(pending == 0 and due == 0,
                      f"the final run fired everything due and delivered the outbox "
                      f"({pending} unsent, {due} due left)")
        code = daemon.terminate()
        results.check(code == 0, f"SIGTERM: serve exits 0 (got {code})")

        audit = subprocess.run([tilsyn, "audit", "verify", *common], capture_output=True, text=True)
        results.check(audit.returncode == 0 and "intact" in audit.stdout,
                      "the audit chain verifies: " + audit.stdout.strip(), audit.stderr)

        conn = sqlite3.connect(db_path)
        outbox = conn.execute("SELECT message_id, status FROM outbox").fetchall()
        with recorder.lock:
            received = list(recorder.messages)
        received_ids = {m[0] for m in received}
        lost = [mid for mid, status in outbox if status != "sent" or mid not in received_ids]
        results.check(not lost and outbox,
                      f"no outbox message lost: {len(outbox)} queued, all sent and received",
                      "\n".join(lost[:20]))
        by_content = {}
        for mid, rcpt, subject in received:
            by_content.setdefault((rcpt, subject), set()).add(mid)
        twice = {k: v for k, v in by_content.items() if len(v) > 1}
        redelivered = len(received) - len(received_ids)
        results.check(not twice,
                      f"no reminder or escalation went out twice with different Message-IDs "
                      f"({len(received)} deliveries, {redelivered} re-deliveries of the same "
                      f"Message-ID after a kill)",
                      "\n".join(f"{k}: {sorted(v)}" for k, v in list(twice.items())[:10]))

        wrong = []
        rows = conn.execute("SELECT id, workflow, state FROM cycles").fetchall()
        open_due = {}
        for cycle_id, step in conn.execute(
                "SELECT cycle_id, step FROM deadlines WHERE done = 0 AND kind = 'due'"):
            open_due.setdefault(cycle_id, set()).add(step)
        open_any = {r[0] for r in conn.execute("SELECT DISTINCT cycle_id FROM deadlines WHERE done = 0")}
        for cycle_id, workflow, state in rows:
            steps = open_due.get(cycle_id, set())
            if workflow == "supervision":
                allowed = SUPERVISION_STEPS.get(state)
                ok = allowed is not None and steps <= allowed and (bool(steps) == bool(allowed))
            else:
                expected = STATE_STEP.get(state, "?")
                ok = (steps == {expected}) if expected else cycle_id not in open_any
            if not ok:
                wrong.append(f"{cycle_id} {state}: open {sorted(steps)}")
        results.check(not wrong, f"every open deadline matches its instance's state "
                                 f"({len(rows)} instances)", "\n".join(wrong[:20]))

        events = set(conn.execute("SELECT cycle_id, event FROM events").fetchall())
        missing = [pair for pair in stream.acknowledged if pair not in events]
        results.check(not missing and stream.acknowledged,
                      f"every event the API acknowledged is in the audit trail "
                      f"({len(stream.acknowledged)} acknowledged)", "\n".join(map(str, missing[:20])))
        conn.close()
    finally:
        if daemon and daemon.process and daemon.process.poll() is None:
            daemon.process.kill()
        controller.stop()
        if results.failed == 0:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"# {results.failed} failed")
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
