"""Who is told, and who may act: a table test of every step of every workflow, through the
real `tilsyn` binary on real SQLite files.

usage: who_is_told.py PATH/TO/tilsyn

For each step of the quality report cycle, the supervision case and the learning dialogue the
tables below say, from the domain (shared/interface.md §4, shared/domain.md, shared/glossary.md
and the README), who is reminded of it, who gets each escalation level, and who may send each
event. The test moves a cycle to the step with `event --as` (the right person), moves time with
`tick --at` to the reminder days and the escalation days (nothing sleeps), lets the tick deliver
the outbox to the file transport, and reads every delivered .eml with Python's email package.
For each tick it asserts the exact set of To: addresses of each reminder and escalation level,
that each Subject names the step's Danish title and the tilbud, and that nobody else got mail.
For each event it lets every person try it (on a copy of the database, so the story goes on
unchanged): exactly the expected roles are accepted (exit 0); the others are refused (exit 2)
and the instance's `status --format json` line, the audit trail and the outbox are unchanged.

The expected tables are data written from the documents, never computed from the product's
code. A row the product does not (yet) do as the documents say is listed in KNOWN_GAPS with the
reason: its check prints "not ok - ... # TODO ..." and does not fail the test, so the gap stays
visible; once the product does it, the check prints "ok - ... # TODO ... now passes" as a hint to
take the row off the list.

Three worlds, each its own configuration folder, database and mail folder (so the mail of one
workflow never mixes with another's): the quality report cycle; the supervision case (a quick
quality report whose conversation gives a supervision point); the learning dialogue (two
cycles in lockstep: one with the defaults and an observer from the YAML, one with `by:` on the
data package and the 1:1 and its observer assigned late). All dates lie between June 2026 and
February 2027, away from Danish public holidays, so that each tick's window (reminder, first
and second escalation) is plain calendar arithmetic.

Prints "ok - ..." / "not ok - ..." per check and "# N failed" last; exits 1 when a check failed.
"""
import datetime
import email
import email.policy
import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tests/
from support.check import Checks  # noqa: E402
from support.cli import Tilsyn  # noqa: E402

# ==== the world: people and tilbud =============================================================

DIRECTOR = "direktoer@example.dk"
ADMINISTRATION = "forvaltning@example.dk"  # organisation.administration: the admin role's mail
ADMIN_USER = "admin@example.dk"  # a user with the admin role (someone in forvaltningen)
CHIEF = {"syd": "chef.syd@example.dk", "nord": "chef.nord@example.dk"}
TILBUD = {  # id: (name, area)
    "aaskolen": ("Åskolen", "syd"),
    "bakkeskolen": ("Bakkeskolen", "syd"),
    "nordskolen": ("Nordskolen", "nord"),
}


def leader(inst):
    return f"leder.{inst}@example.dk"


def board(inst):
    return f"bestyrelse.{inst}@example.dk"


CONFIG_HEAD = """\
organisation:
  name: "Testkommune, Børn og Unge"
  timezone: Europe/Copenhagen
  dashboard_url: "http://127.0.0.1:8080"
  director: { name: "Dorte Direktør", email: "direktoer@example.dk" }
  administration: { name: "Forvaltningen", email: "forvaltning@example.dk" }
calendar:
  holidays: denmark
  closed_days: ["12-24", "12-31"]
  send_at: "08:00"
mail:
  from: "Tilsyn <tilsyn@example.dk>"
  transport: "file:mail"
areas:
  - { id: syd, name: "Område Syd", chief: { name: "Sara Syd", email: "chef.syd@example.dk" } }
  - { id: nord, name: "Område Nord", chief: { name: "Niels Nord", email: "chef.nord@example.dk" } }
institutions:
  - { id: aaskolen, name: "Åskolen", kind: school, area: syd,
      leader: { name: "Åse Leder", email: "leder.aaskolen@example.dk" },
      board: { name: "Skolebestyrelsen ved Åskolen", email: "bestyrelse.aaskolen@example.dk" } }
  - { id: bakkeskolen, name: "Bakkeskolen", kind: school, area: syd,
      leader: { name: "Bent Bakke", email: "leder.bakkeskolen@example.dk" },
      board: { email: "bestyrelse.bakkeskolen@example.dk" } }
  - { id: nordskolen, name: "Nordskolen", kind: school, area: nord,
      leader: { name: "Nina Nord", email: "leder.nordskolen@example.dk" },
      board: { email: "bestyrelse.nordskolen@example.dk" } }
"""

# Every step "+ 2 weeks" (or 10 workdays) after the one before, so that a step armed on a Monday
# A is due on Monday A+14: reminders A+7 (-7 days) and A+10 (-2 workdays, a Thursday);
# escalation level 1 on A+15 (1 workday after), level 2 on A+17 (3 workdays after).
SUPERVISION_YAML = """\
    supervision:
      action_plan: { due: "given + 2 weeks" }
      follow_up:   { every: "3 weeks" }
      resolution:  { due: "given + 12 weeks" }
      reminders: ["-3 workdays"]
      escalation:
        - { after: "0 days", to: [area_chief] }
        - { after: "3 workdays", to: [director] }
"""
QR_CONFIG = CONFIG_HEAD + """\
cycles:
  - id: qr
    workflow: quality_report
    institutions: { ids: [aaskolen] }
    starts: { first: 2026-08-03, every: 2 years }
    steps:
      quality_report:       { due: "start + 2 weeks" }
      board_statement:      { due: "quality_report + 2 weeks" }
      quality_conversation: { due: "board_statement + 2 weeks" }
      development_plan:     { due: "quality_conversation + 2 weeks" }
      plan_approval:        { due: "development_plan + 10 workdays" }
      publication:          { due: "plan_approval + 10 workdays" }
    reminders: ["-7 days", "-2 workdays"]
    escalation:
      - { after: "1 workday", to: [leader, area_chief] }
      - { after: "3 workdays", to: [director] }
""" + SUPERVISION_YAML

LD_STEPS_YAML = """\
    steps:
      data_package:          {{ due: "round + 2 weeks"{dp_by} }}
      observation:           {{ due: "data_package + 2 weeks" }}
      learning_conversation: {{ due: "observation + 2 weeks" }}
      one_to_one:            {{ due: "learning_conversation + 2 weeks"{oto_by} }}
    reminders: ["-3 workdays"]
    escalation:
      - {{ after: "1 workday", to: [leader, area_chief] }}
      - {{ after: "3 workdays", to: [director] }}
"""
LD_CONFIG = CONFIG_HEAD + """\
cycles:
  - id: ld
    workflow: learning_dialogue
    institutions: { ids: [aaskolen] }
    starts: { first: 2026-08-03, every: 2 years }
    rounds: { count: 4, every: "6 months" }
    observers: { aaskolen: bakkeskolen }
""" + LD_STEPS_YAML.format(dp_by="", oto_by="") + SUPERVISION_YAML + """\
  - id: ld-by
    workflow: learning_dialogue
    institutions: { ids: [nordskolen] }
    starts: { first: 2026-08-03, every: 2 years }
    rounds: { count: 4, every: "6 months" }
""" + LD_STEPS_YAML.format(dp_by=", by: [area_chief]", oto_by=", by: [director]") + SUPERVISION_YAML

# ==== the expected tables ======================================================================
#
# Roles in the tables: leader, board (the tilbud's own), area_chief (its area's), director,
# admin (forvaltningen: its mail goes to organisation.administration), observer (the observing
# tilbud's leader). The README: the observation's reminders and escalations go to the observing
# institution's leader, never the observed one's, and to the area chief while no observer is
# assigned; so in the observation step an escalation level's `leader` means the observer.

# Steps: (id, Danish title as glossary.md words it, the roles reminded of it): interface.md §4,
# "Reminders for a step go to the people who act on it".
QR_STEPS = [
    ("quality_report", "Kvalitetsrapport", {"leader"}),
    # The leader is reminded too: it may record the statement on the board's behalf.
    ("board_statement", "Bestyrelsens udtalelse", {"board", "leader"}),
    ("quality_conversation", "Kvalitetssamtale", {"area_chief"}),
    ("development_plan", "Lokal udviklingsplan", {"leader"}),
    ("plan_approval", "Godkendelse af udviklingsplan", {"area_chief"}),
    ("publication", "Offentliggørelse", {"leader"}),
]
QR_ESCALATION = {1: {"leader", "area_chief"}, 2: {"director"}}  # QR_CONFIG's escalation

CASE_STEPS = [
    ("action_plan", "Handleplan", {"leader"}),
    ("follow_up", "Opfølgning", {"area_chief"}),  # recurring
    ("resolution", "Afslutning", {"area_chief"}),
]
CASE_ESCALATION = {1: {"area_chief"}, 2: {"director"}}  # SUPERVISION_YAML's escalation

# The learning dialogue with the defaults (cycle ld) and with `by:` (cycle ld-by: the data
# package by the area chief, the 1:1 by the director).
LD_STEPS = {
    "ld": [
        ("data_package", "Datapakke", {"admin"}),
        ("observation", "Læringsmiljøobservation", {"observer"}),
        ("learning_conversation", "Læringssamtale", {"area_chief", "leader"}),
        ("one_to_one", "1:1 ledelsesopfølgning", {"area_chief"}),
    ],
    "ld-by": [
        ("data_package", "Datapakke", {"area_chief"}),
        ("observation", "Læringsmiljøobservation", {"observer"}),
        ("learning_conversation", "Læringssamtale", {"area_chief", "leader"}),
        ("one_to_one", "1:1 ledelsesopfølgning", {"director"}),
    ],
}
LD_ESCALATION = {1: {"leader", "area_chief"}, 2: {"director"}}  # LD_CONFIG's escalation

# Notices of decisions (interface.md §4, "Every decision reaches the people it concerns"):
# event: (words the Subject holds, roles told). Any other event tells nobody.
NOTICES = {
    "plan_returned": (["retur"], {"leader"}),
    "plan_approved": (["godkendt"], {"leader", "board"}),
    "conversation_scheduled": (["kvalitetssamtale"], {"leader", "board"}),
    "case_opened": (["tilsynspunkt"], {"leader", "board"}),  # a supervision point given
    "supervision_resolved": (["afsluttet"], {"leader", "board"}),
    "observer_assigned": (["observ"], {"observer"}),
}

# Who may send each event (interface.md §4, README): the roles accepted; everyone else is
# refused. Actors: the roles above plus other_area_chief (the other area's), other_leader and
# other_board (another tilbud's, neither observed nor observing).
ACTORS = ["admin", "director", "area_chief", "other_area_chief", "leader", "board", "observer",
          "other_leader", "other_board"]

REASON = {"reason": "Prøvehandling i testen."}
QR_EVENTS = {  # state: [(event, payload, roles accepted)]
    "ReportInPreparation": [
        ("report_submitted", {"url": "https://aaskolen.example.dk/kvalitetsrapport.pdf"},
         {"leader"}),
        ("cycle_cancelled", REASON, {"admin"}),
    ],
    "AwaitingBoardStatement": [
        # The board gives its statement; a leader may record it only on the board's behalf,
        # saying so (README); the area chief records that none came.
        ("board_statement_submitted", {"assessment": "Rapporten er retvisende.",
                                       "signals_political": "Flere lærere."}, {"board"}),
        ("board_statement_missing", REASON, {"area_chief"}),
    ],
    "AwaitingConversation": [
        ("conversation_scheduled", {"date": "2026-08-19"}, {"area_chief"}),
        ("conversation_held", {"development_points": [{"title": "Læsning", "goal": "learning"}],
                               "supervision_points": []}, {"area_chief"}),
    ],
    "PlanInPreparation": [
        ("plan_submitted", {"text": "Udviklingsplan, første udkast."}, {"leader"}),
    ],
    "PlanAwaitingApproval": [
        ("plan_returned", {"comment": "Tilføj mål for trivsel."}, {"area_chief"}),
        ("plan_approved", {}, {"area_chief"}),
    ],
    "AwaitingPublication": [
        ("plan_published", {"url": "https://aaskolen.example.dk/udviklingsplan.pdf"},
         {"leader"}),
    ],
}
# The leader's statement on the board's behalf (the board itself is not asked to say so).
ON_BEHALF = ("board_statement_submitted", {"assessment": "Rapporten er retvisende.",
                                           "on_behalf_of_board": True}, {"leader"})
CASE_EVENTS = {
    "ActionPlanDue": [
        ("action_plan_submitted", {"text": "Handleplan for fravær."}, {"leader"}),
        ("supervision_resolved", {"note": "Fraværet er nede."}, {"area_chief"}),
    ],
    "FollowUp": [
        ("follow_up_held", {"note": "Fraværet falder."}, {"area_chief"}),
        ("supervision_resolved", {"note": "Fraværet er nede."}, {"area_chief"}),
    ],
}
LEARNING_HELD = {"focus_areas": [{"title": "Sprog i hverdagen", "goal": "learning"}],
                 "supervision_points": []}
ONE_TO_ONE = {"note": "Talt om sprogindsatsen."}


def ld_events(cycle_config, observer_institution):
    """Who may send what in each state of a learning dialogue (README: the data package is
    forvaltningen's and the 1:1 the area chief's, the director's too, unless `by:` says
    otherwise; only the assigned observer's leader sends the feedback; an observer is assigned
    by forvaltningen or the area chief; a 1:1 with none due is refused)."""
    by = cycle_config == "ld-by"
    return {
        "AwaitingDataPackage": [
            ("data_package_published", {"url": "https://example.dk/datapakker/skole-1.pdf"},
             {"area_chief"} if by else {"admin"}),
            ("observer_assigned", {"observer_institution": observer_institution},
             {"admin", "area_chief"}),
            ("one_to_one_held", ONE_TO_ONE, set()),
            ("cycle_cancelled", REASON, {"admin"}),
        ],
        "AwaitingObservation": [
            ("observation_feedback_submitted",
             {"observer_institution": observer_institution, "feedback": "God ro i klassen."},
             {"observer"}),
            ("observation_not_held", REASON, {"area_chief"}),
            ("observer_assigned", {"observer_institution": observer_institution},
             {"admin", "area_chief"}),
        ],
        "AwaitingLearningConversation": [
            ("learning_conversation_held", LEARNING_HELD, {"area_chief"}),
            ("one_to_one_held", ONE_TO_ONE, set()),
        ],
        "OneToOneDue": [  # AwaitingDataPackage of round 2, with round 1's 1:1 due beside it
            ("one_to_one_held", ONE_TO_ONE, {"director"} if by else {"area_chief", "director"}),
        ],
    }


# Where the product does not (yet) do what the documents say: (world, step or event, kind) ->
# (roles it tells too, roles it leaves out, why). Kind is reminder, escalation or notice. Such a
# row's check is a TODO while the product does exactly that (see the module's docstring); any
# other difference fails.
KNOWN_GAPS = {}  # none left: every notice reaches whom the documents name

# ==== running the worlds =======================================================================

checks = Checks()


def check(ok, what, detail=""):
    return checks.check(ok, what, detail)


def check_known(ok, known, what, detail, gap):
    """A check with a KNOWN_GAPS row: when it fails exactly as the row says (known), it is
    reported as TODO and does not count."""
    if ok:
        print(f"ok - {what} # TODO now passes: take it off KNOWN_GAPS ({gap})", flush=True)
    elif known:
        print(f"not ok - {what} # TODO {gap}", flush=True)
        for line in str(detail).splitlines()[:8]:
            print("    | " + line, flush=True)
    else:
        checks.check(False, what, f"{detail}\n(known gap, but not this: {gap})")


def day(text):
    return datetime.date.fromisoformat(text)


def at(date, hhmm):
    return f"{date.isoformat()}T{hhmm}"


class World(Tilsyn):
    """One configuration folder with its SQLite database and its mail folder."""

    def __init__(self, binary, root, name, config_text):
        self.name = name
        self.dir = os.path.join(root, name)
        self.mail = os.path.join(self.dir, "mail")
        os.makedirs(self.mail)
        config = os.path.join(self.dir, "config.yaml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(config_text)
        self.db_path = os.path.join(self.dir, "tilsyn.db")
        super().__init__(binary, config, "sqlite:" + self.db_path)
        self.seen = set()  # the mail folder's files already read

    def setup(self):
        checks.require(self.run("migrate", check=False).returncode == 0, f"{self.name}: migrate")
        self.add_user(ADMIN_USER, "admin")
        self.add_user(DIRECTOR, "director")
        for area, chief in CHIEF.items():
            self.add_user(chief, "area_chief", "--area", area)
        for inst in TILBUD:
            self.add_user(leader(inst), "leader", "--institution", inst)
            self.add_user(board(inst), "board", "--institution", inst)

    # ---- mail ----

    def tick(self, when):
        """tick --at WHEN; returns the messages it delivered to the mail folder, parsed."""
        result = self.run("tick", "--at", when, check=False)
        checks.require(result.returncode == 0, f"{self.name}: tick --at {when} exits 0",
                       result.stdout + result.stderr)
        new = sorted(set(os.listdir(self.mail)) - self.seen)
        self.seen.update(new)
        messages = []
        for name in new:
            if not name.endswith(".eml"):
                continue
            with open(os.path.join(self.mail, name), "rb") as f:
                messages.append(email.message_from_binary_file(f, policy=email.policy.default))
        sent = re.search(r"(\d+) sent", result.stdout)
        check(sent and int(sent.group(1)) == len(messages),
              f"{self.name}: tick {when}: as many .eml files as the tick says it sent "
              f"({len(messages)})", result.stdout)
        return messages

    # ---- events ----

    def event(self, cycle, event, data, actor, when, db=None):
        args = ["event", cycle, event, "--data", json.dumps(data), "--as", actor, "--at", when]
        if db is None:
            return self.run(*args, check=False)
        return Tilsyn(self.binary, self.config, "sqlite:" + db).run(*args, check=False)

    def apply(self, cycle, event, data, actor, when):
        """An event of the story: it must be accepted."""
        result = self.event(cycle, event, data, actor, when)
        checks.require(result.returncode == 0,
                       f"{self.name}: {event} on {cycle} by {actor} at {when} accepted",
                       result.stdout + result.stderr)
        return result

    def status(self, cycle, db=None):
        runner = self if db is None else Tilsyn(self.binary, self.config, "sqlite:" + db)
        result = runner.run("status", "--format", "json", "--all", check=False)
        for line in result.stdout.splitlines():
            item = json.loads(line)
            if item.get("id") == cycle:
                return item
        return None

    def copy_db(self, name):
        """A consistent copy of the database (SQLite's backup), for trying events."""
        path = os.path.join(self.dir, name + ".db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        src = sqlite3.connect(self.db_path)
        dst = sqlite3.connect(path)
        src.backup(dst)
        src.close()
        dst.close()
        return path


def trail(db):
    """(events in the audit trail, mails in the outbox) of a database."""
    con = sqlite3.connect(db)
    try:
        return (con.execute("SELECT count(*) FROM events").fetchone()[0],
                con.execute("SELECT count(*) FROM outbox").fetchone()[0])
    finally:
        con.close()


# ---- who is told ----

def resolve(roles, inst, observer=None, step=None):
    """The addresses of `roles` for tilbud `inst`; in the observation step a leader is the
    observer's (the area chief's while there is none)."""
    area = TILBUD[inst][1]
    out = set()
    for role in roles:
        if role == "leader" and step == "observation":
            role = "observer"
        if role == "leader":
            out.add(leader(inst))
        elif role == "board":
            out.add(board(inst))
        elif role == "area_chief":
            out.add(CHIEF[area])
        elif role == "director":
            out.add(DIRECTOR)
        elif role == "admin":
            out.add(ADMINISTRATION)
        elif role == "observer":
            out.add(leader(observer) if observer else CHIEF[area])
        else:
            raise ValueError(role)
    return out


class Told:
    """Mail one tick must deliver about one tilbud: a reminder, an escalation level or a notice."""

    def __init__(self, world, inst, kind, key, words, roles, observer=None, level=None,
                 body=None):
        self.world, self.inst, self.kind, self.key = world, inst, kind, key
        self.words, self.observer, self.level, self.body = words, observer, level, body
        self.addresses = self.resolve(roles)

    def resolve(self, roles):
        step = self.key if self.kind != "notice" else None
        return resolve(roles, self.inst, self.observer, step)

    def label(self):
        what = {"reminder": "reminder", "escalation": f"escalation level {self.level}",
                "notice": "notice"}[self.kind]
        return f"{self.world}: {self.key} {what} for {self.inst}"

    def matches(self, subject):
        s = subject.casefold()
        return TILBUD[self.inst][0].casefold() in s and all(w.casefold() in s for w in self.words)


def reminder(world, inst, step, title, roles, observer=None):
    return Told(world, inst, "reminder", step, ["påmindelse", title], roles, observer)


def escalation(world, inst, step, title, level, roles, observer=None):
    return Told(world, inst, "escalation", step, ["overskredet", title], roles, observer,
                level=level)


def notice(world, inst, event, observer=None, body=None):
    words, roles = NOTICES[event]
    return Told(world, inst, "notice", event, words, roles, observer, body=body)


def addresses_of(message):
    header = message["To"]
    return [a.addr_spec.lower() for a in header.addresses] if header else []


def expect_mail(world, when, told):
    """tick --at WHEN must deliver exactly `told` (a list of Told), and nothing else."""
    messages = world.tick(when)
    got = {id(t): [] for t in told}
    stray = []
    for message in messages:
        subject = str(message["Subject"] or "")
        candidates = [t for t in told if t.matches(subject)]
        if len(candidates) > 1:  # the same subject for two tilbud or steps: by recipient
            candidates = [t for t in candidates
                          if set(addresses_of(message)) & t.addresses] or candidates[:1]
        if candidates:
            got[id(candidates[0])].append(message)
        else:
            stray.append(message)
    for t in told:
        messages_of = got[id(t)]
        to = sorted(a for m in messages_of for a in addresses_of(m))
        what = f"{t.label()} at {when}: To {sorted(t.addresses)}"
        gap = KNOWN_GAPS.get((world.name, t.key, t.kind))
        if gap:
            extra, missing, why = gap
            known = (t.addresses | t.resolve(extra)) - t.resolve(missing)
            check_known(to == sorted(t.addresses), to == sorted(known), what, f"got To {to}",
                        why)
        else:
            check(to == sorted(t.addresses), what, f"got To {to}")
        if t.body:
            bodies = [m.get_content() for m in messages_of]
            check(all(t.body in b for b in bodies),
                  f"{t.label()}: the body says {t.body!r}", "\n".join(bodies))
    check(not stray, f"{world.name}: tick {when}: nobody else got mail"
          + (f" (expected {len(told)} kinds of mail)" if told else " (nothing due)"),
          "\n".join(f"To {addresses_of(m)}: {m['Subject']}" for m in stray))
    return messages


def check_subjects(messages, what):
    """Every message has one To, a Subject, a From and a Message-ID."""
    bad = [f"{m['To']}: {m['Subject']}" for m in messages
           if len(addresses_of(m)) != 1 or not m["Subject"] or not m["Message-ID"]]
    check(not bad, f"{what}: every message has one To, a Subject and a Message-ID", "\n".join(bad))


# ---- who may act ----

def actors(cycle_inst, other_inst, observer=None):
    """The actors' e-mail addresses for a cycle of `cycle_inst`; other_inst is another tilbud
    (neither observed nor observing)."""
    area = TILBUD[cycle_inst][1]
    other_area = "nord" if area == "syd" else "syd"
    people = {"admin": ADMIN_USER, "director": DIRECTOR, "area_chief": CHIEF[area],
              "other_area_chief": CHIEF[other_area], "leader": leader(cycle_inst),
              "board": board(cycle_inst), "other_leader": leader(other_inst),
              "other_board": board(other_inst)}
    if observer:
        people["observer"] = leader(observer)
    return {role: people[role] for role in ACTORS if role in people}


def try_events(world, cycle, state, rows, people, when, only=None, what=""):
    """Every person of `people` (or of `only`) tries each event of `rows`, each on a copy of
    the database in `state`: exactly the roles listed are accepted."""
    before = world.status(cycle)
    check(before is not None and before["state"] == state,
          f"{world.name}: {cycle} is in {state} for the who-may-act table",
          f"status: {before}")
    for event, data, allowed in rows:
        accepted, refused_ok, wrong = [], [], []
        scratch = world.copy_db("scratch")
        for role, person in people.items():
            if only is not None and role not in only:
                continue
            if role in allowed:
                db = world.copy_db("accept")
                result = world.event(cycle, event, data, person, when, db=db)
                if result.returncode == 0:
                    accepted.append(role)
                else:
                    wrong.append(f"{role} ({person}) refused, exit {result.returncode}: "
                                 f"{result.stderr.strip()}")
                continue
            trail_before = trail(scratch)
            result = world.event(cycle, event, data, person, when, db=scratch)
            after = world.status(cycle, db=scratch)
            if result.returncode != 2:
                wrong.append(f"{role} ({person}) exit {result.returncode}, expected 2 "
                             f"(refused): {result.stdout.strip()} {result.stderr.strip()}")
                scratch = world.copy_db("scratch")
            elif after != before or trail(scratch) != trail_before:
                wrong.append(f"{role} ({person}) refused but the data changed: {after}")
                scratch = world.copy_db("scratch")
            elif not result.stderr.strip():
                wrong.append(f"{role} ({person}) refused without saying why")
            else:
                refused_ok.append(role)
        shown = sorted(allowed) if allowed else "nobody"
        check(not wrong and sorted(accepted) == sorted(r for r in allowed if r in people),
              f"{world.name}: {cycle}: {event}{' ' + what if what else ''} in {state}: "
              f"accepted from {shown}, refused (exit 2, nothing changed) from the "
              f"{len(refused_ok)} others", "\n".join(wrong))


# ==== the quality report cycle ==================================================================

def step_window(world, when_armed, told_by_tick, quiet=True):
    """The ticks of a step armed on Monday A (due A+14): with quiet, nothing on A+6; the
    reminders on A+8 (the -7 days one) and A+11 (the -2 workdays one, or the only one),
    escalation level 1 on A+15 and level 2 on A+18. told_by_tick: {"r1"|"r2"|"l1"|"l2": [Told]};
    only the ticks named there (and the quiet one) run."""
    a = when_armed
    for key, offset in (("quiet", 6), ("r1", 8), ("r2", 11), ("l1", 15), ("l2", 18)):
        if key in told_by_tick or (key == "quiet" and quiet):
            told = told_by_tick.get(key, [])
            check_subjects(expect_mail(world, at(a + datetime.timedelta(days=offset), "09:00"),
                                       told), f"{world.name}: tick A+{offset}")


def quality_report(binary, root):
    start = day("2026-06-08")  # seven 3-week windows, all before Christmas
    w = World(binary, root, "quality_report", QR_CONFIG.replace("2026-08-03", start.isoformat()))
    w.setup()
    inst = "aaskolen"
    cycle = f"qr/{inst}/{start}"
    people = actors(inst, "bakkeskolen")
    expect_mail(w, at(start, "09:00"), [])  # opens the cycle; nobody is told yet
    check(w.status(cycle) is not None, f"{w.name}: the tick opened {cycle}")
    held = {"development_points": [{"title": "Læsning", "goal": "learning"}],
            "supervision_points": []}
    # The story: each step waits past both escalations, then the events that end it (event,
    # payload, role). The plan is returned once, after its deadline: the leader has a new one
    # (10 workdays) for the development plan, reminded and escalated again.
    story = [
        ("quality_report", [("report_submitted", {}, "leader")]),
        ("board_statement", [("board_statement_submitted",
                              {"assessment": "Rapporten er retvisende."}, "board")]),
        ("quality_conversation", [("conversation_scheduled", {"date": "2026-08-19"},
                                   "area_chief"),
                                  ("conversation_held", held, "area_chief")]),
        ("development_plan", [("plan_submitted", {"text": "Første udkast."}, "leader")]),
        ("plan_approval", [("plan_returned", {"comment": "Tilføj mål for trivsel."},
                            "area_chief")]),
        ("development_plan", [("plan_submitted", {"text": "Andet udkast."}, "leader"),
                              ("plan_approved", {}, "area_chief")]),
        ("publication", [("plan_published", {"url": "https://aaskolen.example.dk/plan.pdf"},
                          "leader")]),
    ]
    steps = {step: (title, reminded) for step, title, reminded in QR_STEPS}
    check(list(dict.fromkeys(step for step, _events in story))
          == [step for step, _title, _reminded in QR_STEPS],
          f"{w.name}: the story passes every step of the table, in order")
    armed = start
    tabled = set()
    for step, events in story:
        title, reminded = steps[step]
        state = w.status(cycle)["state"]
        step_window(w, armed, {
            "r1": [reminder(w.name, inst, step, title, reminded)],
            "r2": [reminder(w.name, inst, step, title, reminded)],
            "l1": [escalation(w.name, inst, step, title, 1, QR_ESCALATION[1])],
            "l2": [escalation(w.name, inst, step, title, 2, QR_ESCALATION[2])],
        })
        done = armed + datetime.timedelta(days=21)
        if state not in tabled:
            tabled.add(state)
            try_events(w, cycle, state, QR_EVENTS[state], people, at(done, "09:30"))
        if step == "board_statement":
            try_events(w, cycle, state, [ON_BEHALF], people, at(done, "09:30"),
                       only=set(people) - {"board"}, what="on the board's behalf")
            refused = w.event(cycle, "board_statement_submitted",
                              {"assessment": "Rapporten er retvisende."}, people["leader"],
                              at(done, "09:40"))
            check(refused.returncode == 2 and "on_behalf_of_board" in refused.stderr,
                  f"{w.name}: the leader's board statement without on_behalf_of_board is "
                  "refused (exit 2), naming on_behalf_of_board",
                  f"exit {refused.returncode}: {refused.stderr}")
        for minute, (event, data, role) in enumerate(events):
            w.apply(cycle, event, data, people[role], at(done, f"10:{minute * 10:02d}"))
            told = []
            if event in NOTICES:
                told = [notice(w.name, inst, event, body=data.get("comment"))]
            expect_mail(w, at(done, f"10:{minute * 10 + 5:02d}"), told)
        armed = done
    final = w.status(cycle)
    check(final and final["state"] == "Completed", f"{w.name}: {cycle} is Completed",
          f"status: {final}")
    expect_mail(w, at(armed + datetime.timedelta(days=28), "09:00"), [])


# ==== the supervision case ======================================================================

def supervision_case(binary, root):
    w = World(binary, root, "supervision", QR_CONFIG)
    w.setup()
    inst = "aaskolen"
    given = day("2026-08-03")
    cycle = f"qr/{inst}/{given}"
    case = cycle + "/tilsyn-1"
    people = actors(inst, "bakkeskolen")
    expect_mail(w, at(given, "09:00"), [])
    # The quality report goes quickly to a conversation with a supervision point, and on to a
    # published plan (a return first), all on the first day: its own reminders never fire.
    w.apply(cycle, "report_submitted", {}, people["leader"], at(given, "10:00"))
    w.apply(cycle, "board_statement_submitted", {"assessment": "Retvisende."}, people["board"],
            at(given, "10:05"))
    w.apply(cycle, "conversation_held",
            {"development_points": [{"title": "Læsning", "goal": "learning"}],
             "supervision_points": [{"title": "Fravær", "reason": "law", "goal": "wellbeing"}]},
            people["area_chief"], at(given, "10:10"))
    check(w.status(case) is not None, f"{w.name}: the supervision point opened {case}")
    expect_mail(w, at(given, "10:15"), [notice(w.name, inst, "case_opened")])
    for event, data, role, minutes in [
            ("plan_submitted", {"text": "Første udkast."}, "leader", "10:20"),
            ("plan_returned", {"comment": "Tilføj mål for fravær."}, "area_chief", "10:30"),
            ("plan_submitted", {"text": "Andet udkast."}, "leader", "10:40"),
            ("plan_approved", {}, "area_chief", "10:50"),
            ("plan_published", {"url": "https://aaskolen.example.dk/plan.pdf"}, "leader",
             "11:00")]:
        w.apply(cycle, event, data, people[role], at(given, minutes))
        told = []
        if event in NOTICES:
            body = data.get("comment")
            told = [notice(w.name, inst, event, body=body)]
        expect_mail(w, at(given, minutes[:4] + "5"), told)

    (ap, ap_title, ap_roles), (fu, fu_title, fu_roles), (res, res_title, res_roles) = CASE_STEPS

    def window(step, title, roles, armed, quiet=True):
        step_window(w, armed, {
            "r2": [reminder(w.name, inst, step, title, roles)],  # -3 workdays: A+9, a Wednesday
            "l1": [escalation(w.name, inst, step, title, 1, CASE_ESCALATION[1])],
            "l2": [escalation(w.name, inst, step, title, 2, CASE_ESCALATION[2])],
        }, quiet)

    # The action plan (due given + 2 weeks), then the follow-ups (every 3 weeks after the one
    # before), while the resolution (due given + 12 weeks) waits.
    window(ap, ap_title, ap_roles, given)
    done = given + datetime.timedelta(days=21)
    try_events(w, case, "ActionPlanDue", CASE_EVENTS["ActionPlanDue"], people, at(done, "09:30"))
    w.apply(case, "action_plan_submitted", {"text": "Handleplanen."}, people["leader"],
            at(done, "10:00"))
    expect_mail(w, at(done, "10:05"), [])
    # Follow-up armed on A, due A+21: the ticks of a 2-week step one week later.
    for n in (1, 2):
        armed = done
        window(fu, fu_title, fu_roles, armed + datetime.timedelta(days=7))
        done = armed + datetime.timedelta(days=28)
        if n == 1:
            try_events(w, case, "FollowUp", CASE_EVENTS["FollowUp"], people, at(done, "09:30"))
        w.apply(case, "follow_up_held", {"note": f"Opfølgning {n}."}, people["area_chief"],
                at(done, "10:00"))
        expect_mail(w, at(done, "10:05"), [])
    # The resolution, due given + 12 weeks = 2026-10-26, beside follow-up 3 (due 2026-11-09).
    window(res, res_title, res_roles, given + datetime.timedelta(weeks=10), quiet=False)
    resolved = given + datetime.timedelta(weeks=13)
    note = "Fraværet er nede på kommunens niveau."
    w.apply(case, "supervision_resolved", {"note": note}, people["area_chief"],
            at(resolved, "10:00"))
    expect_mail(w, at(resolved, "10:05"), [notice(w.name, inst, "supervision_resolved",
                                                  body=note)])
    final = w.status(case)
    check(final and final["state"] == "Resolved", f"{w.name}: {case} is resolved",
          f"status: {final}")
    # Follow-up 3's reminder (2026-11-04) and escalations died with the case.
    expect_mail(w, at(resolved + datetime.timedelta(days=14), "09:00"), [])


# ==== the learning dialogue =====================================================================

def learning_dialogue(binary, root):
    w = World(binary, root, "learning_dialogue", LD_CONFIG)
    w.setup()
    start = day("2026-08-03")
    # cycle config: (tilbud, its observer from the YAML or None, the observer assigned later,
    # another tilbud)
    cycles = {"ld": ("aaskolen", "bakkeskolen", None, "nordskolen"),
              "ld-by": ("nordskolen", None, "aaskolen", "bakkeskolen")}
    ids = {c: f"{c}/{inst}/{start}" for c, (inst, *_rest) in cycles.items()}
    observer = {c: yaml_observer for c, (_i, yaml_observer, _l, _o) in cycles.items()}
    expect_mail(w, at(start, "09:00"), [])

    def steps(index):
        return {c: LD_STEPS[c][index] for c in cycles}

    def window(index, armed, after_reminder=None):
        """A step of both dialogues, armed on Monday A: its one reminder (-3 workdays: A+9,
        read on A+11), then after_reminder(A+11), then its escalations."""
        now = steps(index)

        def told(kind, level=None):
            out = []
            for c, (step, title, reminded) in now.items():
                inst = cycles[c][0]
                if kind == "r":
                    out.append(reminder(w.name, inst, step, title, reminded, observer[c]))
                else:
                    out.append(escalation(w.name, inst, step, title, level, LD_ESCALATION[level],
                                          observer[c]))
            return out

        step_window(w, armed, {"r2": told("r")})
        if after_reminder:
            after_reminder(armed + datetime.timedelta(days=11))
        step_window(w, armed, {"l1": told("l", 1), "l2": told("l", 2)}, quiet=False)

    def table(state, key, when):
        for c, (inst, _yaml, late, other) in cycles.items():
            people = actors(inst, other, observer[c])
            rows = ld_events(c, observer[c] or late)[key]
            try_events(w, ids[c], state, rows, people, when)

    # ---- round 1: the data package (forvaltningen's; the area chief's in ld-by) ----
    window(0, start)
    done = start + datetime.timedelta(days=21)
    table("AwaitingDataPackage", "AwaitingDataPackage", at(done, "09:30"))
    for c in cycles:
        role = "area_chief" if c == "ld-by" else "admin"
        inst, _y, _l, other = cycles[c]
        w.apply(ids[c], "data_package_published", {"url": "https://example.dk/datapakke.pdf"},
                actors(inst, other)[role], at(done, "10:00"))
    expect_mail(w, at(done, "10:05"), [])

    # ---- the observation: ld's observer comes from the YAML; ld-by has none until the area
    # chief assigns one after the reminder ----
    def assign_late(when_day):
        inst, _y, late, other = cycles["ld-by"]
        w.apply(ids["ld-by"], "observer_assigned", {"observer_institution": late},
                CHIEF[TILBUD[inst][1]], at(when_day, "10:00"))
        observer["ld-by"] = late
        expect_mail(w, at(when_day, "10:05"), [notice(w.name, inst, "observer_assigned", late)])

    armed = done
    window(1, armed, after_reminder=assign_late)
    done = armed + datetime.timedelta(days=21)
    table("AwaitingObservation", "AwaitingObservation", at(done, "09:30"))
    for c in cycles:
        w.apply(ids[c], "observation_feedback_submitted",
                {"observer_institution": observer[c], "feedback": "God ro i klassen."},
                leader(observer[c]), at(done, "10:00"))
    expect_mail(w, at(done, "10:05"), [])

    # ---- the learning conversation ----
    armed = done
    window(2, armed)
    done = armed + datetime.timedelta(days=21)
    table("AwaitingLearningConversation", "AwaitingLearningConversation", at(done, "09:30"))
    for c in cycles:
        inst = cycles[c][0]
        w.apply(ids[c], "learning_conversation_held", LEARNING_HELD, CHIEF[TILBUD[inst][1]],
                at(done, "10:00"))
    expect_mail(w, at(done, "10:05"), [])

    # ---- round 1's 1:1, beside round 2 (which waits for its data package) ----
    armed = done
    window(3, armed)
    done = armed + datetime.timedelta(days=21)
    table("AwaitingDataPackage", "OneToOneDue", at(done, "09:30"))
    for c in cycles:
        inst = cycles[c][0]
        holder = DIRECTOR if c == "ld-by" else CHIEF[TILBUD[inst][1]]
        w.apply(ids[c], "one_to_one_held", ONE_TO_ONE, holder, at(done, "10:00"))
        state = w.status(ids[c])
        check(state and state["state"] == "AwaitingDataPackage",
              f"{w.name}: {ids[c]}: the 1:1 leaves round 2 waiting for its data package",
              f"status: {state}")
    expect_mail(w, at(done, "10:05"), [])

    # ---- round 2 starts 6 months after the first: its data package is due 2027-02-17 (a
    # Wednesday), its reminder on Friday 2027-02-12; nothing in between ----
    expect_mail(w, "2027-02-11T09:00", [])
    step, title, _r = LD_STEPS["ld"][0]
    expect_mail(w, "2027-02-15T09:00", [
        reminder(w.name, cycles[c][0], step, title, LD_STEPS[c][0][2]) for c in cycles])


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    binary = os.path.abspath(argv[1])
    root = tempfile.mkdtemp(prefix="tilsyn-who-is-told-")
    try:
        for world in (quality_report, supervision_case, learning_dialogue):
            print(f"# {world.__name__}", flush=True)
            world(binary, root)
    finally:
        if os.environ.get("TILSYN_KEEP_TMP") == "1":
            print(f"# kept {root}", flush=True)
        else:
            shutil.rmtree(root, ignore_errors=True)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
