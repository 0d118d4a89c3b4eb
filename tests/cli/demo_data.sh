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
n=$(grep -c -- '->' "$tmp/out")
if [[ $n == 12 ]]; then echo "ok - 12 demo events applied"; else echo "not ok - $n demo events applied, expected 12"; failed=1; fi
exit $failed
