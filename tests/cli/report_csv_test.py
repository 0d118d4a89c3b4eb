"""The political report's CSV as Excel reads it in Denmark, through the real `tilsyn` binary
on a real SQLite file: two schools of the small world get statements (one beginning with "=",
one with "-"), conversations and plans through `tilsyn event`; `report political --format csv`
is read with Python's csv (delimiter ';', encoding utf-8-sig) and checked cell by cell against
hand-counted rows. Then the Markdown and HTML outputs print the same statements escaped.

usage: report_csv_test.py PATH/TO/tilsyn

Prints "ok - …" / "not ok - …" per check; exits 1 when one fails.
"""
import csv
import datetime
import io
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tests/
from support.check import Checks  # noqa: E402
from support.cli import Tilsyn  # noqa: E402
from support.config import small_config  # noqa: E402

CHIEF_SYD = "chief.syd@example.dk"
CHIEF_NORD = "chief.nord@example.dk"
FORMULA = '=HYPERLINK("http://x";"klik") Flere pædagoger'
DASH = "-Mere tid til faglighed"

HEADER = ["År", "Aldersgruppe", "Område", "Opdelt efter", "Emne", "Forløb", "Fokusområder",
          "Udviklingspunkter", "Tilsynspunkter", "Tilsynssager åbnet", "Tilsynssager afsluttet",
          "Tilsynssager åbne", "Tidligere punkter nået", "Delvist nået", "Ikke nået",
          "Aftalt understøttelse", "Planer godkendt til tiden", "Planer godkendt for sent",
          "Planer ikke godkendt endnu", "Udtalelser", "Citater"]


def figures(dev=0, sup=0, opened=0, open_=0):
    """The ten figure cells: focus areas, development and supervision points, cases opened,
    resolved, open, earlier points achieved, partly, not, support agreed."""
    return [str(n) for n in (0, dev, sup, opened, 0, open_, 0, 0, 0, 0)]


def expected_rows():
    """Every row of the 2026 (6-18) report, counted by hand from run()'s events."""
    start = ["2026", "6-18"]
    empty5 = [""] * 5
    rows = []
    for area, goals, plans, statements in (
            ("Område Syd", {"Læring og udvikling": figures(dev=1),
                            "Fællesskaber": figures(),
                            "Sundhed og trivsel": figures(sup=1, opened=1, open_=1)},
             ["0", "0", "1"], "1"),
            ("Område Nord", {"Læring og udvikling": figures(),
                             "Fællesskaber": figures(dev=1),
                             "Sundhed og trivsel": figures(dev=1)},
             ["1", "0", "0"], "1"),
            ("I alt", {"Læring og udvikling": figures(dev=1),
                       "Fællesskaber": figures(dev=1),
                       "Sundhed og trivsel": figures(dev=1, sup=1, opened=1, open_=1)},
             ["1", "0", "1"], "2")):
        for goal, cells in goals.items():
            rows.append(start + [area, "Effektmål", goal, ""] + cells + empty5)
        cycles = "2" if area == "I alt" else "1"
        rows.append(start + [area, "Udviklingsplaner", "Alle", cycles] + [""] * 10 + plans +
                    [statements, ""])
    rows.append(start + ["I alt", "Tema", "Uden tema", ""] +
                figures(dev=3, sup=1, opened=1, open_=1) + empty5)
    # Statements: the one about wellbeing, then the one without a subject; a cell that begins
    # with = or - is neutralised with a leading '.
    rows.append(start + ["I alt", "Bestyrelsernes udtalelser", "Sundhed og trivsel", ""] +
                [""] * 13 + ["1", "'" + FORMULA + " (Område Syd)"])
    rows.append(start + ["I alt", "Bestyrelsernes udtalelser", "Uden emne", ""] + [""] * 13 +
                ["1", "'" + DASH + " (Område Nord)"])
    return rows


def run(tilsyn, checks):
    tilsyn.run("migrate")
    tilsyn.run("tick", "--at", "2026-08-03T09:00", "--no-mail")

    def event(cycle, name, data, who, at):
        tilsyn.run("event", f"qr/{cycle}/2026-08-03", name, "--data", data, "--as", who,
                   "--at", at)

    event("frydenlund", "report_submitted", "{}", "leder.frydenlund@example.dk",
          "2026-10-01T10:00")
    event("frydenlund", "board_statement_submitted",
          '{"signals_political":%s,"signals_goal":"wellbeing"}' % json_text(FORMULA),
          "bestyrelse.frydenlund@example.dk", "2026-10-02T10:00")
    event("frydenlund", "conversation_held",
          '{"board_representative":"Bo Formand",'
          '"development_points":[{"title":"Læsning","goal":"learning"}],'
          '"supervision_points":[{"title":"Fravær","reason":"concern","goal":"wellbeing"}]}',
          CHIEF_SYD, "2026-11-20T10:00")
    event("nordskole", "report_submitted", "{}", "leder.nordskole@example.dk", "2026-10-01T10:00")
    event("nordskole", "board_statement_submitted",
          '{"signals_political":%s}' % json_text(DASH), "bestyrelse.nordskole@example.dk",
          "2026-10-02T10:00")
    event("nordskole", "conversation_held",
          '{"board_representative":"Nanna Formand",'
          '"development_points":[{"title":"Fællesskab","goal":"communities"},'
          '{"title":"Ro","goal":"wellbeing"}],"supervision_points":[]}',
          CHIEF_NORD, "2026-11-20T10:00")
    event("nordskole", "plan_submitted",
          '{"actions":[{"point":"development:1","action":"Klassemøder"},'
          '{"point":"development:2","action":"Faste pladser"}],'
          '"involvement":"Drøftet i pædagogisk råd og skolebestyrelsen."}',
          "leder.nordskole@example.dk", "2026-12-01T10:00")
    event("nordskole", "plan_approved", "{}", CHIEF_NORD, "2026-12-03T10:00")

    # The bytes as written (text mode would turn CRLF into LF).
    raw = subprocess.run(tilsyn.command("report", "political", "--year", "2026", "--format", "csv"),
                         capture_output=True, check=True).stdout
    out = raw.decode("utf-8")
    checks.check(raw.startswith(b"\xef\xbb\xbf"), "the CSV begins with a UTF-8 byte-order mark",
                 raw[:20])
    checks.check(all(line.endswith("\r") for line in out.split("\n")[:-1]),
                 "every line ends with CRLF")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    checks.require(rows and rows[0] == HEADER, "the Danish header row, 21 columns", rows[:1])
    expected = expected_rows()
    checks.check(len(rows) - 1 == len(expected), f"{len(expected)} rows after the header",
                 f"{len(rows) - 1} rows")
    for n, (got, want) in enumerate(zip(rows[1:], expected), start=2):
        checks.check(len(got) == 21, f"row {n} has 21 cells", got)
        for col, (g, w) in enumerate(zip(got, want)):
            if g != w:
                checks.check(False, f"row {n} ({' / '.join(want[2:5])}), {HEADER[col]}: {w!r}",
                             f"got {g!r}")
                break
        else:
            checks.check(True, f"row {n} ({' / '.join(want[2:5])}): every cell as counted")

    md = tilsyn.run("report", "political", "--year", "2026", "--format", "md").stdout
    # A leading "=" is escaped in Markdown (it could underline the line before as a heading).
    checks.check('»\\=HYPERLINK("http://x";"klik") Flere pædagoger« (Område Syd)' in md and
                  "Frydenlund" not in md and "Nordskolen" not in md,
                  "Markdown quotes the statements and names areas only", md)
    html = tilsyn.run("report", "political", "--year", "2026", "--format", "html").stdout
    checks.check("<svg role=\"img\"" in html and "@media print" in html and "<script" not in html,
                 "the HTML page has its SVG charts and print stylesheet, and no script")


def json_text(text):
    return json.dumps(text, ensure_ascii=False)


def main():
    binary = sys.argv[1]
    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="tilsyn-report-csv.") as tmp:
        config = os.path.join(tmp, "tilsyn.yaml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(small_config(datetime.date(2026, 8, 3)))
        run(Tilsyn(binary, config, "sqlite:" + os.path.join(tmp, "t.db")), checks)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
