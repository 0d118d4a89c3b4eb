"""Crash test: `kill -9` of `tilsyn serve` at random moments during a large tick and a stream
of API events, a restart each time, then a clean run to the end; afterwards:

  1. the audit chain verifies (`tilsyn audit verify`);
  2. no outbox message is lost: every one is sent and the SMTP server received it;
  3. no reminder or escalation went out twice except with the same Message-ID;
  4. every open deadline matches the step its instance's state waits for (as the API reports
     it: `step` in GET /api/v1/cycles?all=true);
  5. every event the API acknowledged (200) is in the audit trail.

usage: crash_test.py PATH/TO/tilsyn [--kills N] [--institutions N] [--seed S]

CI runs a short form (ctest `crash_test`); the full one is `--kills 50 --institutions 3000`.
Real parts only: a real SQLite file, a real SMTP server (aiosmtpd), real processes and
signals. Waits are polls with timeouts. Prints "ok - ..." / "not ok - ..." per check.
"""
import argparse
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tests/
from support import api  # noqa: E402
from support.check import Checks  # noqa: E402
from support.cli import Tilsyn  # noqa: E402
from support.config import (institution_rows, move_start, overdue_start,  # noqa: E402
                            set_transport, write_big_config)
from support.events import EventStream  # noqa: E402
from support.ports import free_port  # noqa: E402
from support.serve import Serve, ServeError  # noqa: E402
from support.smtp import SmtpServer  # noqa: E402

# A supervision case's resolution deadline (the configuration's supervision.resolution) runs
# through all its open states, beside the step each state waits for, which is all the product
# reports of it.
RESOLUTION_STEP = "resolution"


def started(daemon, checks, what):
    """Starts serve; a failed check (with its log) when it does not listen."""
    try:
        daemon.start()
        return checks.check(True, what)
    except ServeError as e:
        return checks.check(False, what, str(e)[-2000:])


def listed_instances(port, token):
    """Every cycle and supervision case, final ones included, as the API lists them: id ->
    its summary (state, step, final, ...)."""
    status, body = api.call(port, "GET", "/api/v1/cycles?all=true", token, timeout=60)
    assert status == 200, (status, body)
    return {item["id"]: item for item in body["cycles"]}


def deadlines_match_steps(conn, instances):
    """The instances whose open deadlines do not match the step their state waits for."""
    rows = conn.execute("SELECT id, workflow, state FROM cycles").fetchall()
    open_due = {}
    for cycle_id, step in conn.execute(
            "SELECT cycle_id, step FROM deadlines WHERE done = 0 AND kind = 'due'"):
        open_due.setdefault(cycle_id, set()).add(step)
    open_any = {r[0] for r in conn.execute("SELECT DISTINCT cycle_id FROM deadlines WHERE done = 0")}
    wrong = []
    for cycle_id, workflow, state in rows:
        shown = instances.get(cycle_id)
        steps = open_due.get(cycle_id, set())
        if shown is None or shown["state"] != state:
            wrong.append(f"{cycle_id} {state}: the API shows {shown and shown['state']}")
            continue
        if workflow == "supervision":
            allowed = set() if shown["final"] else {shown["step"], RESOLUTION_STEP}
            ok = steps <= allowed and (bool(steps) == bool(allowed))
        elif shown["final"]:
            ok = cycle_id not in open_any
        else:
            ok = steps == {shown["step"]}
        if not ok:
            wrong.append(f"{cycle_id} {state} (step {shown['step']}): open {sorted(steps)}")
    return rows, wrong


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tilsyn")
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--institutions", type=int, default=600)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    checks = Checks()
    tmp = tempfile.mkdtemp(prefix="tilsyn-crash-")
    print(f"# seed {args.seed}, {args.kills} kills, {args.institutions} institutions, temp {tmp}")
    smtp = SmtpServer()
    daemon = None
    try:
        # Cycles on the real clock: the 6-18 quality report started 16 weeks before today (so
        # escalations are due at the first tick), SMTP to the recorder.
        start = overdue_start()
        config = os.path.join(tmp, "config.yaml")
        write_big_config(config, args.institutions, csv_file=True)
        with open(config, encoding="utf-8") as f:
            text = set_transport(f.read(), f"smtp://127.0.0.1:{smtp.port}")
        with open(config, "w", encoding="utf-8") as f:
            f.write(move_start(text, "quality-report-6-18", start))
        db_path = os.path.join(tmp, "crash.db")
        tilsyn = Tilsyn(args.tilsyn, config, "sqlite:" + db_path)
        tilsyn.run("migrate")
        admin = tilsyn.add_user("crash.admin@example.dk", "admin")
        # Tokens for the event stream: area chiefs and the leaders of the first 40 schools.
        cycles = {}
        chiefs = {}
        schools = [row for row in institution_rows(args.institutions)
                   if row["kind"] == "school"][:40]
        for row in schools:
            area = row["area"]
            if area not in chiefs:
                chiefs[area] = tilsyn.add_user(f"crash.chief.{area}@example.dk", "area_chief",
                                               "--area", area)
            leader = tilsyn.add_user(f"crash.leader.{row['id']}@example.dk", "leader",
                                     "--institution", row["id"])
            cycles[f"quality-report-6-18/{row['id']}/{start.isoformat()}"] = (leader, chiefs[area])

        # A stable port for the event stream across restarts, and a stable node name, as a
        # deployment gives each host: a restarted node takes its own outbox claims back at
        # once instead of waiting out their lease.
        port = free_port()
        daemon = Serve(tilsyn, tmp, listen=f"127.0.0.1:{port}", node="crash-test-node")
        stream = EventStream(port, cycles, rng)
        stream.start()
        kills = 0
        for _ in range(args.kills):
            try:
                daemon.start()
            except ServeError as e:
                checks.check(False, "serve starts after a kill -9", str(e)[-2000:])
                break
            time.sleep(rng.uniform(0.05, 1.5))
            daemon.kill9()
            kills += 1
        checks.check(kills == args.kills,
                     f"{kills} kill -9 of serve during the tick and the events")
        # The last run goes to the end: everything due is fired and delivered.
        started(daemon, checks, "serve starts for the final run")
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
        checks.check(pending == 0 and due == 0,
                     f"the final run fired everything due and delivered the outbox "
                     f"({pending} unsent, {due} due left)")
        instances = listed_instances(port, admin)
        code = daemon.stop()
        checks.check(code == 0, f"SIGTERM: serve exits 0 (got {code})")

        audit = tilsyn.run("audit", "verify", check=False)
        checks.check(audit.returncode == 0 and "intact" in audit.stdout,
                     "the audit chain verifies: " + audit.stdout.strip(), audit.stderr)

        conn = sqlite3.connect(db_path)
        outbox = conn.execute("SELECT message_id, status FROM outbox").fetchall()
        received = [(m.message_id, rcpt, m.subject) for m in smtp.messages()
                    for rcpt in m.recipients]
        received_ids = {m[0] for m in received}
        lost = [mid for mid, status in outbox if status != "sent" or mid not in received_ids]
        checks.check(not lost and outbox,
                     f"no outbox message lost: {len(outbox)} queued, all sent and received",
                     "\n".join(lost[:20]))
        by_content = {}
        for mid, rcpt, subject in received:
            by_content.setdefault((rcpt, subject), set()).add(mid)
        twice = {k: v for k, v in by_content.items() if len(v) > 1}
        redelivered = len(received) - len(received_ids)
        checks.check(not twice,
                     f"no reminder or escalation went out twice with different Message-IDs "
                     f"({len(received)} deliveries, {redelivered} re-deliveries of the same "
                     f"Message-ID after a kill)",
                     "\n".join(f"{k}: {sorted(v)}" for k, v in list(twice.items())[:10]))

        rows, wrong = deadlines_match_steps(conn, instances)
        checks.check(not wrong, f"every open deadline matches the step its instance's state "
                                f"waits for ({len(rows)} instances)", "\n".join(wrong[:20]))

        events = set(conn.execute("SELECT cycle_id, event FROM events").fetchall())
        missing = [pair for pair in stream.acknowledged if pair not in events]
        checks.check(not missing and stream.acknowledged,
                     f"every event the API acknowledged is in the audit trail "
                     f"({len(stream.acknowledged)} acknowledged)",
                     "\n".join(map(str, missing[:20])))
        conn.close()
    finally:
        if daemon:
            daemon.close()
        smtp.stop()
        if checks.failed == 0:
            shutil.rmtree(tmp, ignore_errors=True)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
