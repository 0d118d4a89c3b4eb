"""Backup and restore of a running SQLite database (issue 18), with real processes:

  1. `tilsyn backup` taken while `serve` takes a stream of API events restores (`tilsyn
     restore`) to a database whose audit chain verifies and which holds every event the API
     acknowledged before the backup began;
  2. `restore` into the database `serve` has open is refused in Danish, and changes nothing;
  3. `backup` on a full disk (RLIMIT_FSIZE) fails, leaves no partial file, and leaves an older
     copy under the target name as it was.

usage: backup_test.py PATH/TO/tilsyn
"""
import os
import random
import resource
import shutil
import signal
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
from support.serve import Serve  # noqa: E402

INSTITUTIONS = 60


def events_of(path):
    """The (cycle, event) pairs of a database's audit trail; the connection is closed after (an
    open one would count as the database in use)."""
    conn = sqlite3.connect(path)
    try:
        return set(conn.execute("SELECT cycle_id, event FROM events").fetchall())
    finally:
        conn.close()


def leftovers(folder):
    """Files a backup may have left beside its target."""
    return [name for name in os.listdir(folder) if ".partial-" in name]


def main():
    checks = Checks()
    tmp = tempfile.mkdtemp(prefix="tilsyn-backup-")
    daemon = None
    try:
        start = overdue_start()
        config = os.path.join(tmp, "config.yaml")
        write_big_config(config, INSTITUTIONS, csv_file=True)
        with open(config, encoding="utf-8") as f:
            text = set_transport(f.read(), "file:mail")
        with open(config, "w", encoding="utf-8") as f:
            f.write(move_start(text, "quality-report-6-18", start))
        db_path = os.path.join(tmp, "tilsyn.db")
        tilsyn = Tilsyn(sys.argv[1], config, "sqlite:" + db_path)
        tilsyn.run("migrate")
        cycles, chiefs = {}, {}
        for row in [r for r in institution_rows(INSTITUTIONS) if r["kind"] == "school"][:15]:
            area = row["area"]
            if area not in chiefs:
                chiefs[area] = tilsyn.add_user(f"chief.{area}@example.dk", "area_chief",
                                               "--area", area)
            leader = tilsyn.add_user(f"leader.{row['id']}@example.dk", "leader",
                                     "--institution", row["id"])
            cycles[f"quality-report-6-18/{row['id']}/{start.isoformat()}"] = (leader, chiefs[area])

        daemon = Serve(tilsyn, tmp)
        daemon.start()
        stream = EventStream(daemon.port, cycles, random.Random(18))
        stream.start()
        deadline = time.monotonic() + 60
        while len(stream.acknowledged) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        checks.require(len(stream.acknowledged) >= 20, "serve acknowledges a stream of events",
                       daemon.log_tail())

        # 1. A backup while the events go on.
        copy = os.path.join(tmp, "backup", "tilsyn-copy.db")
        os.makedirs(os.path.dirname(copy))
        before_backup = list(stream.acknowledged)
        backup = tilsyn.run("backup", "--to", copy, check=False)
        during = len(stream.acknowledged) - len(before_backup)
        time.sleep(0.3)
        stream.stop.set()
        stream.join(timeout=30)
        checks.check(backup.returncode == 0 and "sikkerhedskopi i" in backup.stdout,
                     f"backup while serve takes events ({during} acknowledged during it): "
                     + backup.stdout.strip(), backup.stderr)
        checks.check(not leftovers(os.path.dirname(copy)), "no partial file is left")
        restored = os.path.join(tmp, "restored.db")
        copy_of = Tilsyn(sys.argv[1], config, "sqlite:" + restored)
        restore = copy_of.run("restore", "--from", copy, check=False)
        checks.check(restore.returncode == 0, "restore into a new database: "
                     + restore.stdout.strip(), restore.stderr)
        audit = copy_of.run("audit", "verify", check=False)
        checks.check(audit.returncode == 0 and "intact" in audit.stdout,
                     "the restored audit chain verifies: " + audit.stdout.strip(), audit.stderr)
        stored = events_of(restored)
        missing = [pair for pair in before_backup if pair not in stored]
        checks.check(not missing, f"the restored database holds all {len(before_backup)} events "
                     "acknowledged before the backup", "\n".join(map(str, missing[:10])))
        listed = copy_of.run("status", "--format", "json", check=False)
        checks.check(listed.returncode == 0 and listed.stdout.count('"id"') >= len(cycles),
                     "the restored database answers status", listed.stderr)

        # 2. The database serve has open is not replaced.
        live_events = len(events_of(db_path))
        refused = tilsyn.run("restore", "--from", copy, check=False)
        checks.check(refused.returncode == 1 and "er i brug" in refused.stderr
                     and f"proces {daemon.process.pid}" in refused.stderr,
                     "restore into the database serve has open is refused, naming serve's "
                     "process: " + refused.stderr.strip())
        status, _ = api.call(daemon.port, "GET", "/healthz")
        checks.check(status == 200 and len(events_of(db_path)) == live_events,
                     "serve goes on, with its events as they were")
        daemon.stop()
        daemon = None

        # 3. A full disk: the older copy stays, and nothing else is left.
        with open(copy, "rb") as f:
            old_copy = f.read()

        def small_disk():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

        full = tilsyn.run("backup", "--to", copy, check=False, preexec_fn=small_disk)
        with open(copy, "rb") as f:
            unchanged = f.read() == old_copy
        checks.check(full.returncode == 1 and full.stderr.startswith("tilsyn backup: ")
                     and unchanged and not leftovers(os.path.dirname(copy)),
                     "a backup on a full disk fails, the copy under the target name stays as "
                     "it was, no partial file: " + full.stderr.strip())
        fresh = os.path.join(tmp, "backup", "fresh.db")
        full = tilsyn.run("backup", "--to", fresh, check=False, preexec_fn=small_disk)
        checks.check(full.returncode == 1 and not os.path.exists(fresh)
                     and not leftovers(os.path.dirname(copy)),
                     "a backup on a full disk leaves no file under a new target name")
        restore = tilsyn.run("restore", "--from", copy, check=False)
        checks.check(restore.returncode == 0, "with serve stopped, restore replaces the "
                     "database: " + restore.stdout.strip(), restore.stderr)
        audit = tilsyn.run("audit", "verify", check=False)
        checks.check(audit.returncode == 0 and events_of(db_path) == stored,
                     "it holds the backup's events, and its chain verifies")
    finally:
        if daemon:
            daemon.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
