#!/usr/bin/python3
"""Write a synthetic Tilsyn configuration for benchmarks.

    bench/make_config.py [--institutions N] [--out FILE] [--csv]

Same organisation, calendar, mail and cycles as config/aarhus.yaml (the cycles block is a
copy; keep it in sync), 20 areas area-01..area-20 and N institutions inst-00001...
with kinds cycling school/daycare/youth, one flow-style mapping per line. With --csv the
institutions go to NAME.csv beside FILE (header
id,name,kind,area,leader_name,leader_email,board_name,board_email; RFC 4180 quoting, CRLF)
and the config says `institutions_csv: NAME.csv`. Deterministic: the same arguments give
the same bytes. Standard library only.
"""
import argparse
import csv
import os
import sys

AREAS = 20
KINDS = ("school", "daycare", "youth")
KIND_NOUN = {"school": "Skole", "daycare": "Børnehuset", "youth": "Ungdomsklubben"}
FIRST = ("Anne", "Mette", "Lars", "Henrik", "Susanne", "Jens", "Pia", "Søren", "Lone",
         "Morten", "Karen", "Peter", "Birgitte", "Rasmus", "Hanne", "Thomas", "Camilla",
         "Mads", "Louise", "Jesper", "Trine", "Ole", "Ida", "Niels", "Helle", "Jørgen")
LAST = ("Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
        "Sørensen", "Rasmussen", "Jørgensen", "Møller", "Madsen", "Kristensen", "Østergaard",
        "Kjær", "Lund", "Holm", "Bruun", "Dahl", "Aagaard", "Vestergaard", "Skov", "Bak")
PLACES = ("Nord", "Øst", "Syd", "Vest", "Midtby", "Skovbrynet", "Åbrinken", "Engen")

HEADER = """\
# Synthetic Tilsyn configuration written by bench/make_config.py (@N@ institutions).
# Shape: /work/shared/interface.md §3; organisation, calendar, mail and cycles as in
# config/aarhus.yaml. All people and addresses are made up.

organisation:
  name: "Aarhus Kommune, Børn og Unge"
  timezone: Europe/Copenhagen
  dashboard_url: "http://127.0.0.1:8080"
  director: { name: "Mette Kjærgaard Holm", email: "mette.holm@example.dk" }

calendar:
  holidays: denmark
  closed_days: ["12-24", "12-31"]
  send_at: "08:00"

mail:
  from: "Tilsyn <tilsyn@example.dk>"
  transport: "file:../var/mail"

"""

CYCLES = """\
cycles:
  # Quality report for schools and youth clubs (6-18): even years.
  - id: quality-report-6-18
    workflow: quality_report
    institutions: { kinds: [school, youth] }
    starts: { first: 2026-08-03, every: 2 years }
    steps:
      quality_report:       { due: "start + 10 weeks" }
      board_statement:      { due: "quality_report + 4 weeks" }
      quality_conversation: { due: "board_statement + 6 weeks" }
      development_plan:     { due: "quality_conversation + 8 weeks" }
      plan_approval:        { due: "development_plan + 10 workdays" }
      publication:          { due: "plan_approval + 5 workdays" }
    reminders: ["-14 days", "-3 workdays"]
    escalation:
      - { after: "1 workday", to: [leader, area_chief] }
      - { after: "10 workdays", to: [director] }
    supervision:                # the case a supervision point opens
      action_plan: { due: "given + 3 weeks" }
      follow_up:   { every: "4 weeks" }
      resolution:  { due: "given + 6 months" }
      reminders: ["-5 workdays"]
      escalation:
        - { after: "0 days", to: [area_chief] }
        - { after: "5 workdays", to: [director] }

  # Quality report for daycare (0-6): odd years.
  - id: quality-report-0-6
    workflow: quality_report
    institutions: { kinds: [daycare] }
    starts: { first: 2027-08-02, every: 2 years }
    steps:
      quality_report:       { due: "start + 10 weeks" }
      board_statement:      { due: "quality_report + 4 weeks" }
      quality_conversation: { due: "board_statement + 6 weeks" }
      development_plan:     { due: "quality_conversation + 8 weeks" }
      plan_approval:        { due: "development_plan + 10 workdays" }
      publication:          { due: "plan_approval + 5 workdays" }
    reminders: ["-14 days", "-3 workdays"]
    escalation:
      - { after: "1 workday", to: [leader, area_chief] }
      - { after: "10 workdays", to: [director] }
    supervision:
      action_plan: { due: "given + 3 weeks" }
      follow_up:   { every: "4 weeks" }
      resolution:  { due: "given + 6 months" }
      reminders: ["-5 workdays"]
      escalation:
        - { after: "0 days", to: [area_chief] }
        - { after: "5 workdays", to: [director] }

  # The framework for local follow-up: four learning conversations over two years,
  # one round every six months ("round" is the start of the round).
  - id: learning-dialogue
    workflow: learning_dialogue
    institutions: { kinds: [school, daycare, youth] }
    starts: { first: 2026-09-07, every: 2 years }
    rounds: { count: 4, every: "6 months" }
    steps:
      data_package:          { due: "round + 2 weeks" }
      observation:           { due: "data_package + 6 weeks" }
      learning_conversation: { due: "observation + 2 weeks" }
      one_to_one:            { due: "learning_conversation + 4 weeks" }
    reminders: ["-5 workdays"]
    escalation:
      - { after: "2 workdays", to: [area_chief] }
      - { after: "10 workdays", to: [director] }
    supervision:
      action_plan: { due: "given + 3 weeks" }
      follow_up:   { every: "4 weeks" }
      resolution:  { due: "given + 6 months" }
      reminders: ["-5 workdays"]
      escalation:
        - { after: "0 days", to: [area_chief] }
        - { after: "5 workdays", to: [director] }
"""


def person(i, salt):
    return "%s %s" % (FIRST[(i * 7 + salt) % len(FIRST)], LAST[(i * 11 + salt * 3) % len(LAST)])


def yq(s):
    """A YAML double-quoted scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def institutions(n):
    for k in range(1, n + 1):
        kind = KINDS[(k - 1) % len(KINDS)]
        iid = "inst-%05d" % k
        name = "%s %s %05d" % (KIND_NOUN[kind], PLACES[k % len(PLACES)], k)
        if k % 5 == 0:
            name += ", afdeling %s" % PLACES[(k // 5) % len(PLACES)]  # exercises CSV quoting
        yield {
            "id": iid,
            "name": name,
            "kind": kind,
            "area": "area-%02d" % ((k - 1) % AREAS + 1),
            "leader_name": person(k, 0),
            "leader_email": "leder.%s@example.dk" % iid,
            "board_name": "Bestyrelsen, %s" % name,
            "board_email": "bestyrelse.%s@example.dk" % iid,
        }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--institutions", type=int, default=10000, metavar="N")
    ap.add_argument("--out", default="tilsyn-bench.yaml", metavar="FILE")
    ap.add_argument("--csv", action="store_true",
                    help="put the institutions in NAME.csv beside FILE")
    a = ap.parse_args(argv)
    if a.institutions < 0 or a.institutions > 99999:
        ap.error("--institutions must be between 0 and 99999")

    out = [HEADER.replace("@N@", str(a.institutions)), "areas:\n"]
    for k in range(1, AREAS + 1):
        aid = "area-%02d" % k
        out.append("  - { id: %s, name: %s, chief: { name: %s, email: %s } }\n"
                   % (aid, yq("Område %02d" % k), yq(person(k, 5)), yq("chief.%s@example.dk" % aid)))
    out.append("\n")

    if a.csv:
        stem = os.path.splitext(os.path.basename(a.out))[0]
        csv_name = stem + ".csv"
        csv_path = os.path.join(os.path.dirname(a.out), csv_name)
        with open(csv_path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
            w.writerow(["id", "name", "kind", "area", "leader_name", "leader_email",
                        "board_name", "board_email"])
            for r in institutions(a.institutions):
                w.writerow([r["id"], r["name"], r["kind"], r["area"], r["leader_name"],
                            r["leader_email"], r["board_name"], r["board_email"]])
        out.append("institutions_csv: %s\n" % csv_name)
    else:
        out.append("institutions:\n")
        for r in institutions(a.institutions):
            out.append("  - { id: %s, name: %s, kind: %s, area: %s, leader: { name: %s, email: %s },"
                       " board: { email: %s } }\n"
                       % (r["id"], yq(r["name"]), r["kind"], r["area"], yq(r["leader_name"]),
                          yq(r["leader_email"]), yq(r["board_email"])))
    out.append("\n")
    out.append(CYCLES)

    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
