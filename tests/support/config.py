"""Configurations for the tests and benchmarks.

  small_config()        the HTTP and fault tests' world: 2 areas, 3 institutions, one cycle
  write_big_config()    a synthetic organisation of N institutions in 20 areas
                        (bench/make_config.py is its command line)
  edit_file() and the text edits: another mail transport or sender, a cycle moved to another
                        start, a cycle left out
  overdue_start()       a start date whose first deadline has passed on the real clock

    python3 -m support.config edit FILE [--transport T] [--sender S] [--first CYCLE=DATE]...
                                        [--drop-cycle CYCLE]...
    python3 -m support.config overdue-start
"""
import argparse
import csv
import datetime
import os
import re
import sys
import zoneinfo

from support import SOURCE_DIR

SHIPPED_CONFIG = os.path.join(SOURCE_DIR, "config", "aarhus.yaml")
ZONE = zoneinfo.ZoneInfo("Europe/Copenhagen")

# ---- the small world -----------------------------------------------------------------------

NAUGHTY_NAME = "<script>alert(1)</script> Børnehus"

# organisation, calendar, mail and roles as config/aarhus.yaml has them (without its mail
# templates).
PREAMBLE = """\
organisation:
  name: "{name}"
  timezone: Europe/Copenhagen
  dashboard_url: "http://127.0.0.1:8080"
  director: {{ name: "{director}", email: "{director_email}" }}

calendar:
  holidays: denmark
  closed_days: ["12-24", "12-31"]
  send_at: "08:00"

mail:
  from: "Tilsyn <tilsyn@example.dk>"
  transport: "{transport}"

roles:
  area_chief: "Børn og Unge-chef"
  director: "Direktør for Børn og Unge"

"""

SMALL_WORLD = """\
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

# The small world's institutions (id -> area) and its one cycle's id.
SMALL_INSTITUTIONS = {"frydenlund": "syd", "boernehus": "syd", "nordskole": "nord"}
SMALL_CYCLE = "qr"


def small_config(first, naughty=NAUGHTY_NAME, transport="file:mail"):
    """The small world's YAML: cycles `qr` of all three institutions starting on `first` (a
    date), the daycare named `naughty` (an HTML-escaping test by default)."""
    return (PREAMBLE.format(name="Testkommune, Børn og Unge", director="Dorte Direktør",
                            director_email="director@example.dk", transport=transport)
            + SMALL_WORLD.format(first=first.isoformat(), naughty=naughty))


def overdue_start(today=None):
    """The Monday 16 weeks before today (in Copenhagen): a cycle starting then has its first
    deadline (start + 10 weeks) 6 weeks behind it, past both escalations, whatever the date."""
    today = today or datetime.datetime.now(ZONE).date()
    return today - datetime.timedelta(days=today.weekday(), weeks=16)


# ---- the large synthetic organisation ------------------------------------------------------

AREAS = 20
MAX_INSTITUTIONS = 99999
KINDS = ("school", "daycare", "youth")
KIND_NOUN = {"school": "Skole", "daycare": "Børnehuset", "youth": "Ungdomsklubben"}
FIRST = ("Anne", "Mette", "Lars", "Henrik", "Susanne", "Jens", "Pia", "Søren", "Lone",
         "Morten", "Karen", "Peter", "Birgitte", "Rasmus", "Hanne", "Thomas", "Camilla",
         "Mads", "Louise", "Jesper", "Trine", "Ole", "Ida", "Niels", "Helle", "Jørgen")
LAST = ("Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
        "Sørensen", "Rasmussen", "Jørgensen", "Møller", "Madsen", "Kristensen", "Østergaard",
        "Kjær", "Lund", "Holm", "Bruun", "Dahl", "Aagaard", "Vestergaard", "Skov", "Bak")
PLACES = ("Nord", "Øst", "Syd", "Vest", "Midtby", "Skovbrynet", "Åbrinken", "Engen")
CSV_FIELDS = ("id", "name", "kind", "area", "leader_name", "leader_email", "board_name",
              "board_email")

BIG_HEADER = """\
# Synthetic Tilsyn configuration written by bench/make_config.py ({n} institutions).
# Shape: /work/shared/interface.md §3; organisation, calendar, mail and cycles as in
# config/aarhus.yaml. All people and addresses are made up.

"""


def _person(i, salt):
    return "%s %s" % (FIRST[(i * 7 + salt) % len(FIRST)], LAST[(i * 11 + salt * 3) % len(LAST)])


def _quoted(s):
    """A YAML double-quoted scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def institution_rows(n):
    """The N synthetic institutions inst-00001..., kinds cycling school/daycare/youth, as
    dicts with the CSV_FIELDS; every fifth name has a comma (it exercises CSV quoting)."""
    for k in range(1, n + 1):
        kind = KINDS[(k - 1) % len(KINDS)]
        iid = "inst-%05d" % k
        name = "%s %s %05d" % (KIND_NOUN[kind], PLACES[k % len(PLACES)], k)
        if k % 5 == 0:
            name += ", afdeling %s" % PLACES[(k // 5) % len(PLACES)]
        yield {"id": iid, "name": name, "kind": kind, "area": "area-%02d" % ((k - 1) % AREAS + 1),
               "leader_name": _person(k, 0), "leader_email": "leder.%s@example.dk" % iid,
               "board_name": "Bestyrelsen, %s" % name,
               "board_email": "bestyrelse.%s@example.dk" % iid}


def shipped_cycles():
    """The `cycles:` block of config/aarhus.yaml (to the end of the file)."""
    with open(SHIPPED_CONFIG, encoding="utf-8") as f:
        text = f.read()
    start = re.search(r"^cycles:\n", text, re.M)
    if not start:
        raise ValueError(f"no cycles: block in {SHIPPED_CONFIG}")
    return text[start.start():]


def write_big_config(path, institutions, csv_file=False):
    """Writes the synthetic configuration to `path`: the organisation, calendar, mail and
    cycles of config/aarhus.yaml, areas area-01..area-20, and `institutions` institutions,
    one flow-style mapping a line; or, with csv_file, in NAME.csv beside `path` (RFC 4180
    quoting, CRLF), which the configuration names in institutions_csv. Deterministic: the same
    arguments give the same bytes. Returns the CSV's path, or None."""
    if not 0 <= institutions <= MAX_INSTITUTIONS:
        raise ValueError(f"institutions must be between 0 and {MAX_INSTITUTIONS}")
    out = [BIG_HEADER.format(n=institutions),
           PREAMBLE.format(name="Aarhus Kommune, Børn og Unge", director="Mette Kjærgaard Holm",
                           director_email="mette.holm@example.dk", transport="file:../var/mail"),
           "areas:\n"]
    for k in range(1, AREAS + 1):
        aid = "area-%02d" % k
        out.append("  - { id: %s, name: %s, chief: { name: %s, email: %s } }\n"
                   % (aid, _quoted("Område %02d" % k), _quoted(_person(k, 5)),
                      _quoted("chief.%s@example.dk" % aid)))
    out.append("\n")
    csv_path = None
    if csv_file:
        csv_name = os.path.splitext(os.path.basename(path))[0] + ".csv"
        csv_path = os.path.join(os.path.dirname(path), csv_name)
        with open(csv_path, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
            writer.writerow(CSV_FIELDS)
            for row in institution_rows(institutions):
                writer.writerow([row[field] for field in CSV_FIELDS])
        out.append("institutions_csv: %s\n" % csv_name)
    else:
        out.append("institutions:\n")
        for r in institution_rows(institutions):
            out.append("  - { id: %s, name: %s, kind: %s, area: %s, "
                       "leader: { name: %s, email: %s }, board: { email: %s } }\n"
                       % (r["id"], _quoted(r["name"]), r["kind"], r["area"],
                          _quoted(r["leader_name"]), _quoted(r["leader_email"]),
                          _quoted(r["board_email"])))
    out.append("\n")
    out.append(shipped_cycles())
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(out))
    return csv_path


# ---- edits ---------------------------------------------------------------------------------

def _replace_once(pattern, replacement, text, what):
    result, n = re.subn(pattern, replacement, text, flags=re.M)
    if n != 1:
        raise ValueError(f"{what}: {n} places match /{pattern}/, expected 1")
    return result


def set_transport(text, transport):
    """mail.transport set to `transport`."""
    return _replace_once(r'^(  transport: )"[^"]*"', lambda m: f'{m.group(1)}"{transport}"',
                         text, "mail transport")


def set_sender(text, sender):
    """mail.from set to `sender`."""
    return _replace_once(r'^(  from: )"[^"]*"', lambda m: f'{m.group(1)}"{sender}"', text,
                         "mail sender")


def _cycle_block(text, cycle_id):
    """(start, end) of the list item `  - id: CYCLE_ID` under cycles: (to the next item)."""
    start = text.find(f"\n  - id: {cycle_id}\n")
    if start < 0:
        raise ValueError(f"no cycle {cycle_id}")
    end = text.find("\n  - id: ", start + 1)
    return start + 1, (end + 1 if end >= 0 else len(text))


def move_start(text, cycle_id, first):
    """The first start of cycle `cycle_id` moved to `first` (a date or an ISO date string)."""
    start, end = _cycle_block(text, cycle_id)
    block = _replace_once(r"(starts: \{ first: )[0-9-]+", lambda m: f"{m.group(1)}{first}",
                          text[start:end], f"start of {cycle_id}")
    return text[:start] + block + text[end:]


def drop_cycle(text, cycle_id):
    """The configuration without cycle `cycle_id`."""
    start, end = _cycle_block(text, cycle_id)
    return text[:start] + text[end:]


def edit_file(path, transport=None, sender=None, starts=(), drop=()):
    """Applies the edits to the file in place. starts: (cycle id, date) pairs."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if transport is not None:
        text = set_transport(text, transport)
    if sender is not None:
        text = set_sender(text, sender)
    for cycle_id, first in starts:
        text = move_start(text, cycle_id, first)
    for cycle_id in drop:
        text = drop_cycle(text, cycle_id)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def add_edit_arguments(parser):
    """The edit options, for this module's CLI and bench/make_config.py."""
    parser.add_argument("--transport", help="mail.transport, e.g. smtp://127.0.0.1:2525")
    parser.add_argument("--sender", help="mail.from")
    parser.add_argument("--first", action="append", default=[], metavar="CYCLE=DATE",
                        help="the first start of a cycle (repeatable)")
    parser.add_argument("--drop-cycle", action="append", default=[], metavar="CYCLE",
                        help="leave a cycle out (repeatable)")


def apply_edit_arguments(path, args):
    """edit_file with the options add_edit_arguments defined."""
    starts = []
    for item in args.first:
        cycle_id, _, first = item.partition("=")
        datetime.date.fromisoformat(first)
        starts.append((cycle_id, first))
    edit_file(path, args.transport, args.sender, starts, args.drop_cycle)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m support.config",
                                     description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    edit = sub.add_parser("edit", help="edit a configuration file in place")
    edit.add_argument("file")
    add_edit_arguments(edit)
    sub.add_parser("overdue-start", help="print overdue_start()")
    args = parser.parse_args(argv)
    try:
        if args.command == "edit":
            apply_edit_arguments(args.file, args)
        else:
            print(overdue_start().isoformat())
    except ValueError as e:
        parser.exit(1, f"{parser.prog}: {e}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
