#!/usr/bin/env bash
# scripts/demo-data on a new SQLite database: the demo's cycles are where the dashboard tour
# expects them (a supervision case under sharpened follow-up, a plan awaiting approval).
# shellcheck source=../support/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"
cd "$SOURCE_DIR"
need_tilsyn build/tilsyn  # the binary scripts/demo-data runs
need_command jq
make_tmp demo
begin_checks
db=sqlite:$tmp/demo.db
build/tilsyn migrate --db "$db" >/dev/null
scripts/demo-data --db "$db" >"$tmp/out"
build/tilsyn status --db "$db" --format json --all >"$tmp/status.jsonl"
expect() {
    local got
    got=$(jq -r --arg id "$1" 'select(.id == $id) | "\(.state) \(if .sharpened then "sharpened" else "-" end)"' \
        "$tmp/status.jsonl")
    if [[ $got == "$2" ]]; then pass "$1: $got"; else fail "$1: $got, expected $2"; fi
}
expect quality-report-6-18/beder-skole/2026-08-03/tilsyn-1 "ActionPlanDue sharpened"
expect quality-report-6-18/beder-skole/2026-08-03 "PlanInPreparation sharpened"
expect quality-report-6-18/frederiksbjerg-skole/2026-08-03 "PlanAwaitingApproval -"
expect quality-report-6-18/bakkegaardsskolen/2026-08-03 "AwaitingConversation -"
expect learning-dialogue/boernehuset-solsikken/2026-09-07 "AwaitingDataPackage -"
expect learning-dialogue/vuggestuen-maelkeboetten/2026-09-07 "AwaitingOneToOne sharpened"
expect learning-dialogue/vuggestuen-maelkeboetten/2026-09-07/tilsyn-1 "ActionPlanDue sharpened"
n=$(grep -c -- '->' "$tmp/out")
if [[ $n == 23 ]]; then pass "23 demo events applied"; else fail "$n demo events applied, expected 23"; fi
if tail -n 1 "$tmp/out" | grep -Eq '^admin@tilsyn.local: tls_[0-9a-f]{64}$'; then
    pass "the administrator's token is printed last"
else
    fail "no administrator token on the last line"
fi
# The political reports of both age bands have data.
for year_goal in "2026 wellbeing 1 1 1" "2027 wellbeing 1 1 1" "2027 learning 1 0 0"; do
    read -r year goal dev sup cases <<<"$year_goal"
    row=$(build/tilsyn report political --db "$db" --year "$year" --format csv | grep "^$year,[^,]*,all,$goal,")
    if [[ $row == "$year,"*",all,$goal,$dev,$sup,$cases,"* ]]; then
        pass "report $year, $goal: $dev development, $sup supervision points, $cases cases"
    else
        fail "report $year, $goal: '$row'"
    fi
done
finish
