#!/usr/bin/python3
"""Write two full periods of history into a migrated SQLite database, for the political
report's benchmark (bench/run --report; README "Measured figures").

    bench/report_history.py --db FILE [--seed N]

The database must have been made with `tilsyn migrate --config` of a bench/make_config.py
configuration (its institutions are read from it). For every institution it writes, as the
engine would have recorded them, the cycles of two periods (quality report 6-18: 2024-08-05 and
2026-08-03; 0-6: 2025-08-04 and 2027-08-02; learning dialogue: 2024-09-02 and 2026-09-07), each
with its events (board statement with signals to the political level, conversation with
development and supervision points and assessments of the period before, plan submitted and
approved; four learning conversations with focus areas), its deadlines, and a supervision case
for one conversation in five (opened, support agreed, resolved or not). The audit chain's
hashes are placeholders: the report does not read them (`audit verify` would refuse this file).
Deterministic for a seed.
"""
import argparse
import json
import random
import sqlite3
import sys
from datetime import date, datetime, timedelta, timezone

GOALS = ["learning", "communities", "wellbeing"]
HASH = "0" * 64
SIGNALS = [
    "Vi ønsker flere pædagoger i indskolingen og mere tid til den enkelte elev.",
    "Bestyrelsen er bekymret for trivslen i udskolingen og beder om en fælles indsats.",
    "Flere ressourcer til specialundervisning og inklusion i almenklasserne.",
    "Mindre papirarbejde, så medarbejderne kan bruge tiden sammen med børnene.",
]


def seconds(day, hour=10):
    return int(datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc).timestamp())


class History:
    def __init__(self, db, seed):
        self.db = db
        self.rng = random.Random(seed)
        self.cycles, self.events, self.deadlines = [], [], []
        self.seq = db.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]

    def event(self, cycle, name, actor, payload, day, before="", after=""):
        self.seq += 1
        self.events.append((self.seq, cycle, name, actor, json.dumps(payload, ensure_ascii=False),
                            before, after, seconds(day), HASH, HASH))
        return self.seq

    def deadline(self, cycle, step, due, done=1, round_=0):
        self.deadlines.append((cycle, step, round_, "due", 0, due.isoformat(), seconds(due, 6),
                               done))

    def point(self, theme_band, period):
        goal = self.rng.choice(GOALS)
        return {"title": "Punkt om " + goal, "goal": goal,
                "theme": f"tema-{period}-{theme_band}-{self.rng.randint(1, 3)}"}

    def supervision_case(self, parent, inst, point, day, resolved):
        case = parent + "/tilsyn-1"
        self.cycles.append((case, "supervision", "", inst, parent,
                            "Resolved" if resolved else "ActionPlanDue", "", "{}",
                            day.isoformat(), seconds(day)))
        self.event(case, "case_opened", "system", point, day)
        self.event(case, "support_agreed", "chief@example.dk",
                   {"support": "Sparring med PPR", "provided_by": "PPR",
                    "by_date": (day + timedelta(days=60)).isoformat()}, day + timedelta(days=5))
        self.deadline(case, "resolution", day + timedelta(days=180), 1 if resolved else 0)
        if resolved:
            self.event(case, "supervision_resolved", "chief@example.dk", {"note": "Løst."},
                       day + timedelta(days=90))

    def quality_report(self, config_id, inst, band, start, earlier):
        cid = f"{config_id}/{inst}/{start.isoformat()}"
        approved = start + timedelta(days=200 + self.rng.randint(-10, 10))
        self.cycles.append((cid, "quality_report", config_id, inst, "", "AwaitingPublication", "",
                            json.dumps({"start": start.isoformat(),
                                        "plan_approval": approved.isoformat()}),
                            start.isoformat(), seconds(approved)))
        self.event(cid, "cycle_opened", "system", {}, start)
        self.event(cid, "report_submitted", "leader@example.dk", {}, start + timedelta(days=60))
        signal = {"signals_political": self.rng.choice(SIGNALS)}
        if self.rng.random() < 0.7:
            signal["signals_goal"] = self.rng.choice(GOALS)
        if self.rng.random() < 0.5:
            signal["signals_theme"] = f"tema-{start.year}-{band}-{self.rng.randint(1, 3)}"
        self.event(cid, "board_statement_submitted", "board@example.dk", signal,
                   start + timedelta(days=90))
        dev = [self.point(band, start.year) for _ in range(self.rng.randint(1, 3))]
        sup = []
        if self.rng.random() < 0.2:
            sup = [dict(self.point(band, start.year), reason="concern")]
        held = {"development_points": dev, "supervision_points": sup}
        if earlier:
            held["assessments"] = [
                {"point": f"{earlier}:development:1",
                 "result": self.rng.choice(["achieved", "partly", "not_achieved"]),
                 "note": "Vurderet på samtalen."}]
        conversation = start + timedelta(days=130)
        seq = self.event(cid, "conversation_held", "chief@example.dk", held, conversation)
        if sup:
            self.supervision_case(cid, inst, sup[0], conversation, self.rng.random() < 0.5)
        self.event(cid, "plan_submitted", "leader@example.dk",
                   {"actions": [{"point": "development:1", "action": "Handling"}],
                    "involvement": "Drøftet med personale og bestyrelse."},
                   start + timedelta(days=180))
        self.event(cid, "plan_approved", "chief@example.dk", {}, approved)
        for step, days in [("quality_report", 70), ("board_statement", 98),
                           ("quality_conversation", 140), ("development_plan", 196),
                           ("plan_approval", 210), ("publication", 217)]:
            self.deadline(cid, step, start + timedelta(days=days))
        return seq

    def learning_dialogue(self, inst, band, start):
        cid = f"learning-dialogue/{inst}/{start.isoformat()}"
        self.cycles.append((cid, "learning_dialogue", "learning-dialogue", inst, "",
                            "DialogueCompleted", "", json.dumps({"start": start.isoformat()}),
                            start.isoformat(), seconds(start + timedelta(days=700))))
        self.event(cid, "cycle_opened", "system", {}, start)
        earlier = None
        for round_ in range(4):
            day = start + timedelta(days=182 * round_)
            self.event(cid, "data_package_published", "admin@example.dk", {},
                       day + timedelta(days=10))
            self.event(cid, "observation_feedback_submitted", "other@example.dk",
                       {"observer_institution": "x", "feedback": "Rolig stemning."},
                       day + timedelta(days=50))
            held = {"focus_areas": [self.point(band, start.year)], "supervision_points": []}
            if earlier:
                held["assessments"] = [{"point": f"{earlier}:focus:1", "result": "achieved",
                                        "note": "Ja."}]
            earlier = self.event(cid, "learning_conversation_held", "chief@example.dk", held,
                                 day + timedelta(days=65))
            self.event(cid, "one_to_one_held", "chief@example.dk", {"note": "Opfølgning."},
                       day + timedelta(days=90))
            for step, days in [("data_package", 14), ("observation", 56),
                               ("learning_conversation", 70), ("one_to_one", 98)]:
                self.deadline(cid, step, day + timedelta(days=days), 1, round_ + 1)

    def flush(self):
        self.db.executemany("INSERT INTO cycles (id, workflow, cycle_config, institution_id, "
                            "parent_id, state, timeline, anchors, started_on, updated_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.cycles)
        self.db.executemany("INSERT INTO events (seq, cycle_id, event, actor, payload, "
                            "state_before, state_after, at, prev_hash, hash) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.events)
        self.db.executemany("INSERT INTO deadlines (cycle_id, step, round, kind, level, due_on, "
                            "fire_at, done) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", self.deadlines)
        self.cycles, self.events, self.deadlines = [], [], []


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    db = sqlite3.connect(args.db)
    if db.execute("SELECT COUNT(*) FROM cycles").fetchone()[0]:
        sys.exit(f"{args.db} already has cycles: give a freshly migrated database")
    institutions = db.execute("SELECT id, kind FROM institutions ORDER BY id").fetchall()
    history = History(db, args.seed)
    periods = {"6-18": [date(2024, 8, 5), date(2026, 8, 3)],
               "0-6": [date(2025, 8, 4), date(2027, 8, 2)]}
    dialogues = [date(2024, 9, 2), date(2026, 9, 7)]
    for inst, kind in institutions:
        band = "0-6" if kind == "daycare" else "6-18"
        earlier = None
        for start in periods[band]:
            earlier = history.quality_report(f"quality-report-{band}", inst, band, start, earlier)
        for start in dialogues:
            history.learning_dialogue(inst, band, start)
        if len(history.events) > 50000:
            history.flush()
    history.flush()
    db.commit()
    counts = [db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("cycles", "events", "deadlines")]
    print(f"{len(institutions)} institutions: {counts[0]} cycles and cases, {counts[1]} events, "
          f"{counts[2]} deadlines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
