#!/usr/bin/env bash
# End-to-end checks of the real `tilsyn` binary on the shipped configuration and on a broken
# one. Usage: tests/cli/end_to_end.sh PATH/TO/tilsyn   (run from the repository root)
# Prints one line per check and "N passed, M failed"; exits non-zero when any check fails.
# shellcheck source=../support/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"
need_tilsyn "${1:?usage: $0 PATH/TO/tilsyn}"
CONFIG=config/aarhus.yaml
[[ -f $CONFIG ]] || { echo "run from the repository root (no $CONFIG)" >&2; exit 1; }
make_tmp e2e
begin_checks

# ---- (a) the shipped configuration is valid --------------------------------------------------
run check check --config "$CONFIG"
# Warnings only (the political report's, located, in Danish) may go to stderr.
if [[ $code -eq 0 ]] && grep -q ': ok: ' "$tmp/check.out" && ! grep -qv ': advarsel: ' "$tmp/check.err"; then
    pass "check $CONFIG exits 0 with a summary (and warnings only)"
else
    fail "check $CONFIG: exit $code" "$tmp/check.out" "$tmp/check.err"
fi

# ---- (b) ten different mistakes on ten different lines ----------------------------------------
cat >"$tmp/broken.yaml" <<'EOF'
organisation:
  name: "Test Kommune"
  timezone: Europe/Aarhus
  director: { name: "Dora", email: "director@@example.dk" }
calendar:
  holidays: denmark
  closed_days: ["12-24", "02-30"]
  send_at: "25:00"
mail:
  from: "Tilsyn <tilsyn@example.dk>"
  transport: "ftp://mail.example.dk"
areas:
  - { id: syd, name: "Syd", chief: { name: "Carl", email: "chief.syd@example.dk" } }
  - { id: syd, name: "Syd igen", chief: { name: "Cis", email: "cis@example.dk" } }
institutions:
  - { id: alpha, name: "Alpha Skole", kind: scool, area: syd, leader: { email: "leader.alpha@example.dk" } }
  - { id: beta, name: "Beta Skole", kind: school, area: nord, leader: { email: "leader.beta@example.dk" } }
cycles:
  - id: qr
    workflow: quality_report
    institutions: { kinds: [school, youth] }
    starts: { first: 2026-02-30, every: 2 years }
    steps:
      quality_report:       { due: "start + 10 weeks" }
      board_statement:      { due: "quality_report + 4 wekes" }
      quality_conversation: { due: "board_statement + 6 weeks" }
      development_plan:     { due: "quality_conversation + 8 weeks" }
      plan_approval:        { due: "development_plan + 10 workdays" }
      publication:          { due: "plan_approval + 5 workdays" }
    reminders: ["-14 days", "-3 workdays"]
    escalation:
      - { after: "1 workday", to: [leader, area_chef] }
      - { after: "10 workdays", to: [director] }
EOF
# Mistakes: unknown zone (3), bad e-mail (4), impossible closed day (7), bad send_at (8), bad
# transport (11), duplicate area (14), unknown kind (16), unknown area (17), impossible start
# date (22), unknown unit (25), unknown role (32).
run broken check --config "$tmp/broken.yaml"
located=$(grep -cE '^[^:]+:[0-9]+:[0-9]+: ' "$tmp/broken.err" || true)
distinct=$({ grep -oE '^[^:]+:[0-9]+:' "$tmp/broken.err" || true; } | sort -u | wc -l)
if [[ $code -eq 2 && $located -ge 10 && $distinct -ge 10 && ! -s $tmp/broken.out ]]; then
    pass "check on ten mistakes exits 2 with $located located problems on $distinct lines"
else
    fail "check on ten mistakes: exit $code, $located located lines, $distinct distinct" \
        "$tmp/broken.err"
fi

# ---- (c) plan --format json over two years ------------------------------------------------------
run plan_json plan --config "$CONFIG" --from 2026-08-01 --to 2028-08-01 --format json
if [[ $code -ne 0 ]]; then
    fail "plan --format json: exit $code" "$tmp/plan_json.err"
elif "$PY" - "$tmp/plan_json.out" >"$tmp/plan_json.check" 2>&1 <<'EOF'; then
import datetime as dt
import json
import sys
from zoneinfo import ZoneInfo

from dateutil.easter import easter

zone = ZoneInfo("Europe/Copenhagen")
closed = {(12, 24), (12, 31)}  # config/aarhus.yaml calendar.closed_days


def holidays(year):
    e = easter(year)
    days = {dt.date(year, 1, 1), dt.date(year, 12, 25), dt.date(year, 12, 26)}
    for offset in (-3, -2, 0, 1, 39, 49, 50):
        days.add(e + dt.timedelta(days=offset))
    if year <= 2023:
        days.add(e + dt.timedelta(days=26))  # Store bededag, abolished from 2024
    return days


cache = {}


def working_day(d):
    if d.year not in cache:
        cache[d.year] = holidays(d.year)
    return d.weekday() < 5 and d not in cache[d.year] and (d.month, d.day) not in closed


required = {"at", "date", "institution", "cycle", "step", "kind", "to"}
optional = {"round", "level"}
kinds = {"start", "due", "reminder", "escalation"}
errors = []
counts = {k: 0 for k in kinds}
previous = None
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
for n, line in enumerate(lines, 1):
    def bad(why):
        errors.append(f"line {n}: {why}: {line}")
    try:
        item = json.loads(line)
    except ValueError as e:
        bad(f"not JSON ({e})")
        continue
    keys = set(item)
    if not required <= keys or not keys <= required | optional:
        bad(f"fields {sorted(keys)}")
        continue
    if item["kind"] not in kinds:
        bad("unknown kind")
        continue
    counts[item["kind"]] += 1
    if not all(isinstance(item[k], str) and item[k] for k in ("institution", "cycle", "step")):
        bad("empty institution, cycle or step")
    if not isinstance(item["to"], list) or not item["to"] or \
            not all(isinstance(a, str) and "@" in a for a in item["to"]):
        bad("'to' is not a non-empty list of addresses")
    if item["kind"] == "escalation" and not isinstance(item.get("level"), int):
        bad("escalation without a level")
    at = dt.datetime.fromisoformat(item["at"])
    date = dt.date.fromisoformat(item["date"])
    if at.date() != date:
        bad("'at' is not on 'date'")
    if (at.hour, at.minute, at.second) != (8, 0, 0):
        bad("not 08:00 local time")
    expected = dt.datetime.combine(date, dt.time(8, 0), tzinfo=zone).utcoffset()
    if at.utcoffset() != expected:
        bad(f"offset {at.utcoffset()} but Copenhagen has {expected}")
    if item["kind"] != "start" and not working_day(date):
        bad("not a Danish working day")
    if not (dt.date(2026, 8, 1) <= date < dt.date(2028, 8, 1)):
        bad("outside the period")
    if previous is not None and at < previous:
        bad("out of time order")
    previous = at
if not lines:
    errors.append("no output")
if any(counts[k] == 0 for k in kinds):
    errors.append(f"a kind never occurs: {counts}")
for e in errors[:20]:
    print(e)
print(f"{len(lines)} items {counts}, {len(errors)} errors")
sys.exit(1 if errors else 0)
EOF
    pass "plan --format json: $(tail -1 "$tmp/plan_json.check")"
else
    fail "plan --format json fails the checks" "$tmp/plan_json.check"
fi

# ---- (d) plan --format ics ------------------------------------------------------------------------
run plan_ics plan --config "$CONFIG" --from 2026-08-01 --to 2028-08-01 --format ics
if [[ $code -ne 0 ]]; then
    fail "plan --format ics: exit $code" "$tmp/plan_ics.err"
elif "$PY" - "$tmp/plan_ics.out" >"$tmp/plan_ics.check" 2>&1 <<'EOF'; then
import datetime as dt
import sys

import icalendar

data = open(sys.argv[1], "rb").read()
errors = []
if not data.endswith(b"\r\n"):
    errors.append("does not end with CRLF")
if data.count(b"\n") != data.count(b"\r\n") or data.count(b"\r") != data.count(b"\r\n"):
    errors.append("a line end that is not CRLF")
lines = data.split(b"\r\n")[:-1]
long = [n for n, line in enumerate(lines, 1) if len(line) > 75]
if long:
    errors.append(f"{len(long)} lines longer than 75 octets, first at line {long[0]}")
raw_events = data.count(b"\r\nBEGIN:VEVENT\r\n")
raw_dtstart = sum(1 for line in lines if line.startswith(b"DTSTART;VALUE=DATE:"))
cal = icalendar.Calendar.from_ical(data)
events = list(cal.walk("VEVENT"))
uids = set()
for ev in events:
    for prop in ("UID", "DTSTAMP", "DTSTART"):
        if prop not in ev:
            errors.append(f"an event without {prop}")
    start = ev.get("DTSTART")
    if start is None or type(start.dt) is not dt.date:
        errors.append(f"DTSTART is not a date: {start.to_ical() if start else None}")
    uids.add(str(ev.get("UID")))
if not events:
    errors.append("no events")
if len(events) != raw_events or raw_dtstart != raw_events:
    errors.append(f"{len(events)} parsed events, {raw_events} BEGIN:VEVENT, "
                  f"{raw_dtstart} DTSTART;VALUE=DATE lines")
if len(uids) != len(events):
    errors.append(f"{len(events) - len(uids)} duplicate UIDs")
for e in errors[:20]:
    print(e)
print(f"{len(events)} events, {len(lines)} lines, {len(errors)} errors")
sys.exit(1 if errors else 0)
EOF
    pass "plan --format ics: $(tail -1 "$tmp/plan_ics.check")"
else
    fail "plan --format ics fails the checks" "$tmp/plan_ics.check"
fi

# ---- (e) migrate twice ----------------------------------------------------------------------------
run migrate1 migrate --config "$CONFIG" --db "sqlite:$tmp/x.db"
if [[ $code -eq 0 && -f $tmp/x.db ]] && grep -q 'institutions: [1-9][0-9]* added' "$tmp/migrate1.out"; then
    pass "migrate creates the database"
else
    fail "first migrate: exit $code" "$tmp/migrate1.out" "$tmp/migrate1.err"
fi
run migrate2 migrate --config "$CONFIG" --db "sqlite:$tmp/x.db"
if [[ $code -eq 0 ]] && grep -q 'up to date' "$tmp/migrate2.out" &&
    grep -q 'institutions: 0 added, 0 updated' "$tmp/migrate2.out"; then
    pass "a second migrate is up to date and adds nothing"
else
    fail "second migrate: exit $code" "$tmp/migrate2.out" "$tmp/migrate2.err"
fi

finish
