#!/usr/bin/env bash
# scripts/demo-data on a new SQLite database: the demo's cycles are where the dashboard tour
# expects them (a supervision case under sharpened follow-up, a plan awaiting approval).
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=sqlite:$tmp/demo.db
build/tilsyn migrate --db "$db" >/dev/null
scripts/demo-data --db "$db" >"$tmp/out"
state() {
    build/tilsyn status --db "$db" --format json --all |
        /usr/bin/python3 -c 'import json,sys
rows={r["id"]:r for r in map(json.loads, sys.stdin)}
r=rows[sys.argv[1]]
print(r["state"], "sharpened" if r["sharpened"] else "-")' "$1"
}
failed=0
expect() {
    local got; got=$(state "$1")
    if [[ $got == "$2" ]]; then echo "ok - $1: $got"; else echo "not ok - $1: $got, expected $2"; failed=1; fi
}
expect quality-report-6-18/beder-skole/2026-08-03/tilsyn-1 "ActionPlanDue sharpened"
expect quality-report-6-18/beder-skole/2026-08-03 "PlanInPreparation sharpened"
expect quality-report-6-18/frederiksbjerg-skole/2026-08-03 "PlanAwaitingApproval -"
expect quality-report-6-18/bakkegaardsskolen/2026-08-03 "AwaitingConversation -"
expect learning-dialogue/boernehuset-solsikken/2026-09-07 "AwaitingDataPackage -"
expect learning-dialogue/vuggestuen-maelkeboetten/2026-09-07 "AwaitingOneToOne sharpened"
expect learning-dialogue/vuggestuen-maelkeboetten/2026-09-07/tilsyn-1 "ActionPlanDue sharpened"
n=$(grep -c -- '->' "$tmp/out")
if [[ $n == 23 ]]; then echo "ok - 23 demo events applied"; else echo "not ok - $n demo events applied, expected 23"; failed=1; fi
if tail -n 1 "$tmp/out" | grep -Eq '^admin@tilsyn.local: tls_[0-9a-f]{64}$'; then
    echo "ok - the administrator's token is printed last"
else
    echo "not ok - no administrator token on the last line"; failed=1
fi
# The political reports of both age bands have data.
for year_goal in "2026 wellbeing 1 1 1" "2027 wellbeing 1 1 1" "2027 learning 1 0 0"; do
    read -r year goal dev sup cases <<<"$year_goal"
    row=$(build/tilsyn report political --db "$db" --year "$year" --format csv | grep "^$year,[^,]*,all,$goal,")
    if [[ $row == "$year,"*",all,$goal,$dev,$sup,$cases,"* ]]; then
        echo "ok - report $year, $goal: $dev development, $sup supervision points, $cases cases"
    else
        echo "not ok - report $year, $goal: '$row'"; failed=1
    fi
done
exit $failed
