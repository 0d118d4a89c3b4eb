#!/usr/bin/env bash
# scripts/demo-data on a new SQLite database: the demo's cycles are where the dashboard tour
# expects them (a supervision case under sharpened follow-up, a plan awaiting approval).
# shellcheck source=../support/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"
cd "$SOURCE_DIR"
need_tilsyn build/tilsyn  # the binary scripts/demo-data runs
need_command jq
need_command sqlite3
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
expect quality-report-6-18/holme-skole/2026-08-03 "PlanInPreparation -"
expect learning-dialogue/boernehuset-solsikken/2026-09-07 "AwaitingDataPackage -"
# Its conversation started round 2 at once; the 1:1 goes beside the round.
expect learning-dialogue/vuggestuen-maelkeboetten/2026-09-07 "AwaitingDataPackage sharpened"
# Round 1's data package, recorded once for every daycare and every school.
expect learning-dialogue/boernehaven-skovbrynet/2026-09-07 "AwaitingObservation -"
expect learning-dialogue/beder-skole/2026-09-07 "AwaitingObservation sharpened"
if grep -q '^Datapakke klar registreret for 25 dagtilbud i runde 1$' "$tmp/out" &&
    grep -q '^Datapakke klar registreret for 49 skoler i runde 1$' "$tmp/out"; then
    pass "one data package for all 25 daycares and one for all 49 schools"
else
    fail "event-all did not record the data packages: $(grep Datapakke "$tmp/out")"
fi
expect learning-dialogue/vuggestuen-maelkeboetten/2026-09-07/tilsyn-1 "ActionPlanDue sharpened"
# The mails scripts/run's serve delivers to var/mail: the observer told of its task, the
# conversation's invitation and its update, the returned plan.
build/tilsyn outbox list --status pending --db "$db" >"$tmp/outbox"
for mail in "leder.boernehaven-trige-bakke@example.dk>? +Læringsmiljøobservation i Børnehaven Skovbrynet" \
    "leder.holme-skole@example.dk>? +Kvalitetssamtale: Holme Skole – 09.11.2026 kl. 09:00" \
    "bestyrelse.holme-skole@example.dk>? +Kvalitetssamtale: Holme Skole – 12.11.2026 kl. 09:00" \
    "leder.holme-skole@example.dk>? +Udviklingsplan sendt retur: Holme Skole"; do
    if grep -qE "$mail" "$tmp/outbox"; then pass "queued: $mail"; else fail "not queued: $mail"; fi
done
# event-all refuses as a whole, in Danish, and changes nothing.
events_before=$(sqlite3 "$tmp/demo.db" "SELECT count(*) FROM events")
refuse() {  # DESCRIPTION EXPECTED-MESSAGE-FRAGMENT ARGS...
    local what=$1 want=$2 code=0
    shift 2
    build/tilsyn event-all --db "$db" learning-dialogue data_package_published "$@" \
        --at 2026-09-19T09:00 >"$tmp/all.out" 2>"$tmp/all.err" || code=$?
    if [[ $code == 2 ]] && grep -qF "$want" "$tmp/all.err"; then
        pass "event-all $what: exit 2, \"$want\""
    else
        fail "event-all $what: exit $code, $(cat "$tmp/all.err")"
    fi
}
refuse "twice" "er allerede registreret for alle dagtilbud i runde 1" \
    --kind daycare --round 1 --as admin@tilsyn.local
refuse "for a round the dialogue does not have" "Runde 7 findes ikke" \
    --kind daycare --round 7 --as admin@tilsyn.local
refuse "for a round not reached" "Ingen fritidstilbud er i runde 2" \
    --kind youth --round 2 --as admin@tilsyn.local
refuse "by an unknown kind" "er ikke en type tilbud" --kind hospital --round 1 --as admin@tilsyn.local
if [[ $(sqlite3 "$tmp/demo.db" "SELECT count(*) FROM events") == "$events_before" ]]; then
    pass "the refused event-all calls recorded nothing"
else
    fail "refused event-all calls changed the audit trail"
fi
n=$(grep -c -- '->' "$tmp/out")
if [[ $n == 39 ]]; then pass "39 demo events applied"; else fail "$n demo events applied, expected 39"; fi
# Documents on the cycles (issue 16): seven PDFs stored, each proven by the audit trail, and
# two approved plans pinned for the public page.
docs=$(sqlite3 "$tmp/demo.db" "SELECT count(*) FROM documents WHERE content_type = 'application/pdf'")
if [[ $docs == 7 ]]; then pass "7 demo documents stored as PDF"; else fail "$docs PDF documents, expected 7"; fi
if build/tilsyn audit verify --db "$db" | grep -q "intact: .* events, 7 documents"; then
    pass "audit verify proves the 7 documents"
else
    fail "audit verify: $(build/tilsyn audit verify --db "$db")"
fi
pinned=$(sqlite3 "$tmp/demo.db" "SELECT count(*) FROM events WHERE event = 'plan_approved' AND documents LIKE '%pinned_from%'")
if [[ $pinned == 2 ]]; then pass "2 approved plans pin their file"; else fail "$pinned pinned plans, expected 2"; fi
if tail -n 1 "$tmp/out" | grep -Eq '^admin@tilsyn.local: tls_[0-9a-f]{64}$'; then
    pass "the administrator's token is printed last"
else
    fail "no administrator token on the last line"
fi
# The political reports of both age bands have data (CSV as Excel reads it: ';', Danish
# titles; columns 7-10 are focus areas, development points, supervision points and cases
# opened: the learning dialogue's conversations give focus areas, the quality conversation
# development points).
for year_goal in "2026 wellbeing 0 2 1 1" "2027 wellbeing 1 0 1 1" "2027 learning 1 0 0 0"; do
    read -r year goal focus dev sup cases <<<"$year_goal"
    case $goal in
        wellbeing) title="Sundhed og trivsel" ;;
        learning) title="Læring og udvikling" ;;
    esac
    row=$(build/tilsyn report political --db "$db" --year "$year" --format csv |
        grep "^$year;[^;]*;I alt;Effektmål;$title;" | tr -d '\r')
    counts=$(cut -d';' -f7-10 <<<"$row")
    if [[ $counts == "$focus;$dev;$sup;$cases" ]]; then
        pass "report $year, $goal: $focus focus areas, $dev development, $sup supervision points, $cases cases"
    else
        fail "report $year, $goal: '$row'"
    fi
done
finish
