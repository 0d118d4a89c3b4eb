#!/usr/bin/env bash
# Workflow scenario through the real `tilsyn` binary on config/aarhus.yaml, against a fresh
# database: opening cycles, one school from start to published plan, refused events that change
# nothing, a supervision case and its escalations, coalesced reminders after downtime, a config
# change in the middle of a cycle, and tamper detection in the audit trail.
#
#   tests/cli/workflow_scenario.sh PATH/TO/tilsyn sqlite
#   tests/cli/workflow_scenario.sh PATH/TO/tilsyn postgresql://postgres@127.0.0.1:PORT/tilsyn_test
#   tests/cli/workflow_scenario.sh PATH/TO/tilsyn postgres
#
# sqlite: a new database file in a temp folder. A PostgreSQL URL: a new database with a unique
# name is created on that server (through the URL's database) and dropped at the end, so runs
# can share a server. `postgres`: the URL is taken from TILSYN_TEST_PG_URL; when that is unset
# the script exits 77 (skipped), or 1 when TILSYN_REQUIRE_POSTGRES=1.
#
# Time is an input: every tick and event has an explicit --at; nothing sleeps. Everything is
# written below one temp folder, removed on exit. Prints "ok - ..." / "not ok - ..." per check
# and "N passed, M failed" last; exits non-zero when any check fails.
# shellcheck source=../support/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"
usage="usage: $0 PATH/TO/tilsyn sqlite|postgres|postgresql://..."
need_tilsyn "${1:?$usage}"
resolve_backend "${2:?$usage}"
need_command jq
make_tmp scenario
begin_checks
make_db scenario

# The shipped configuration, copied so that nothing (e.g. the file mail transport, which is
# relative to the config's folder) can write outside the temp folder. Only the transport differs.
CONFIG=$(copy_config "$tmp" file:mail)

# run_db NAME ARGS...: run NAME ARGS --db DB --config CONFIG (RUN_CONFIG overrides the
# configuration).
run_db() {
    local name=$1
    shift
    run "$name" "$@" --db "$DB" --config "${RUN_CONFIG:-$CONFIG}"
}
# ev NAME ID EVENT DATA EMAIL AT
ev() { run_db "$1" event "$2" "$3" --data "$4" --as "$5" --at "$6"; }

# expect_event NAME ID EVENT DATA EMAIL AT: applies an event that must succeed.
expect_event() {
    ev "$@"
    if [[ $code -eq 0 ]]; then
        pass "$1: $3 by $5 accepted"
    else
        fail "$1: $3 by $5: exit $code, expected 0" "$tmp/$1.out" "$tmp/$1.err"
    fi
}

# What a refused event must leave alone.
dump() {
    q "$DB" "SELECT id, state, anchors, timeline, updated_at FROM cycles ORDER BY id"
    q "$DB" "SELECT id, cycle_id, step, round, kind, level, due_on, fire_at, done FROM deadlines ORDER BY id"
    q "$DB" "SELECT count(*), coalesce(max(seq), 0) FROM events"
    q "$DB" "SELECT count(*), coalesce(max(id), 0) FROM outbox"
    q "$DB" "SELECT count(*) FROM users"
}

# status_json NAME [ARGS...]: status --format json; one object per line in $tmp/NAME.out.
status_json() {
    local name=$1
    shift
    run_db "$name" status --format json "$@"
}

# state_of NAME ID: the state of instance ID in status output NAME (empty when absent).
state_of() { jq -r --arg id "$2" 'select(.id == $id) | .state' "$tmp/$1.out"; }

LEADER_OF() { echo "leder.$1@example.dk"; }
BOARD_OF() { echo "bestyrelse.$1@example.dk"; }
CHIEF_SYD=chief.syd@example.dk
CHIEF_NORD=chief.nord@example.dk
DIRECTOR=$(sed -n 's/^  director: {.*email: "\([^"]*\)".*/\1/p' "$CONFIG")
[[ -n $DIRECTOR ]] || { echo "no director in $CONFIG" >&2; exit 1; }
START=2026-08-03
QR=quality-report-6-18

echo "# backend: $DB"

# ==== 1. migrate; the first tick opens the 6-18 cycles; a second tick at the same moment is idle ====
run_db migrate migrate
if [[ $code -eq 0 ]]; then pass "migrate exits 0"; else fail "migrate: exit $code" "$tmp/migrate.out" "$tmp/migrate.err"; fi

expected_cycles=$(grep -cE '^  - \{ id: [^,]+, name: .*, kind: (school|youth),' "$CONFIG")
run_db tick1 tick --at "${START}T09:00"
if [[ $code -eq 0 ]] && grep -qE "(^|[^0-9])$expected_cycles cycles opened" "$tmp/tick1.out"; then
    pass "tick at ${START}T09:00 prints '$expected_cycles cycles opened' (every school and youth club)"
else
    fail "tick at ${START}T09:00: exit $code, expected '$expected_cycles cycles opened'" "$tmp/tick1.out" "$tmp/tick1.err"
fi
n=$(count "$DB" "SELECT count(*) FROM cycles WHERE cycle_config = '$QR' AND started_on = '$START'")
if [[ $n -eq $expected_cycles ]]; then
    pass "the database holds $expected_cycles $QR cycles started $START"
else
    fail "cycles of $QR started $START: $n, expected $expected_cycles"
fi

before=$(dump)
outbox_before=$(count "$DB" "SELECT count(*) FROM outbox")
run_db tick2 tick --at "${START}T09:00"
if [[ $code -eq 0 ]] && grep -qE '(^|[^0-9])0 cycles opened' "$tmp/tick2.out" &&
    grep -qE '(^|[^0-9])0 mails queued' "$tmp/tick2.out"; then
    pass "a second tick at the same moment opens no cycle and queues no mail"
else
    fail "second tick: exit $code, expected '0 cycles opened' and '0 mails queued'" "$tmp/tick2.out" "$tmp/tick2.err"
fi
if [[ $(dump) == "$before" && $(count "$DB" "SELECT count(*) FROM outbox") -eq $outbox_before ]]; then
    pass "the second tick changed nothing in cycles, deadlines, events or the outbox"
else
    fail "the second tick changed the data" "$(diff <(echo "$before") <(dump) | head -20)"
fi

# ==== 2. beder-skole (area syd) from cycle start to published plan ===============================
S=beder-skole
C=$QR/$S/$START
expect_event beder-report "$C" report_submitted '{"url":"https://beder-skole.example.dk/kvalitetsrapport.pdf"}' "$(LEADER_OF $S)" 2026-08-17T10:00
expect_event beder-board "$C" board_statement_submitted \
    '{"assessment":"Skolebestyrelsen finder rapporten retvisende.","interpretation":"Trivslen er steget.","signals_local":"Mere fokus på læsning.","signals_political":""}' \
    "$(BOARD_OF $S)" 2026-08-24T10:00
expect_event beder-scheduled "$C" conversation_scheduled '{"date":"2026-09-01"}' "$CHIEF_SYD" 2026-08-25T10:00
expect_event beder-held "$C" conversation_held \
    '{"development_points":[{"title":"Læsning i indskolingen","goal":"learning"}],"supervision_points":[]}' \
    "$CHIEF_SYD" 2026-09-01T12:00
expect_event beder-plan1 "$C" plan_submitted '{"text":"Udviklingsplan, første udkast"}' "$(LEADER_OF $S)" 2026-09-02T10:00
expect_event beder-returned "$C" plan_returned '{"comment":"Tilføj mål for trivsel."}' "$CHIEF_SYD" 2026-09-03T10:00
expect_event beder-plan2 "$C" plan_submitted '{"text":"Udviklingsplan, andet udkast"}' "$(LEADER_OF $S)" 2026-09-04T10:00
expect_event beder-approved "$C" plan_approved '{}' "$CHIEF_SYD" 2026-09-07T10:00
# The decisions are told: the return to the leader, the approval to the leader and the board.
run_db beder-outbox outbox list
decision_mails() { grep -F "$1" "$tmp/beder-outbox.out" | grep -c -F "$2" || true; }
if [[ $code -eq 0 && $(decision_mails "Udviklingsplan sendt retur" "$(LEADER_OF $S)") -eq 1 &&
      $(decision_mails "Udviklingsplan godkendt" "$(LEADER_OF $S)") -eq 1 &&
      $(decision_mails "Udviklingsplan godkendt" "$(BOARD_OF $S)") -eq 1 ]]; then
    pass "the returned plan's mail is queued for the leader, the approval's for leader and board"
else
    fail "outbox list: exit $code; expected one return mail (leader) and two approval mails" "$tmp/beder-outbox.out"
fi
expect_event beder-published "$C" plan_published '{"url":"https://beder-skole.example.dk/udviklingsplan.pdf"}' "$(LEADER_OF $S)" 2026-09-08T10:00

status_json beder-status --all
state=$(state_of beder-status "$C" 2>/dev/null) || state=""
if [[ $code -eq 0 && $state == Completed ]]; then
    pass "status --all --format json shows $C as Completed"
else
    fail "status --all --format json: exit $code, state of $C is '$state', expected Completed" "$tmp/beder-status.err"
fi
run_db audit1 audit verify
if [[ $code -eq 0 ]] && grep -qi intact "$tmp/audit1.out"; then
    pass "audit verify exits 0 and says intact"
else
    fail "audit verify: exit $code, expected 0 and 'intact'" "$tmp/audit1.out" "$tmp/audit1.err"
fi

# ==== 3. refused events change nothing ============================================================
S=holme-skole  # area syd
C=$QR/$S/$START
expect_event holme-report "$C" report_submitted '{}' "$(LEADER_OF $S)" 2026-09-08T10:00
expect_event holme-board "$C" board_statement_submitted '{"assessment":"Retvisende."}' "$(BOARD_OF $S)" 2026-09-08T11:00
# The cycle now waits for the quality conversation: conversation_held is allowed in this state
# (for the area chief of syd), so the role and area refusals below are about role and area.
HELD='{"development_points":[{"title":"Trivsel","goal":"wellbeing"}],"supervision_points":[]}'

# refuse NAME DESCRIPTION STDERR_PATTERN ID EVENT DATA EMAIL: the event must exit 2, say why on
# stderr (matching STDERR_PATTERN, an extended regex; empty: anything non-empty) and leave the
# data as it was.
refuse() {
    local name=$1 what=$2 pattern=$3
    shift 3
    local before after
    before=$(dump)
    ev "$name" "$@" 2026-09-09T10:00
    after=$(dump)
    if [[ $code -ne 2 ]]; then
        fail "$what: exit $code, expected 2" "$tmp/$name.out" "$tmp/$name.err"
    elif [[ ! -s $tmp/$name.err ]] || { [[ -n $pattern ]] && ! grep -qE "$pattern" "$tmp/$name.err"; }; then
        fail "$what: exit 2 but stderr does not explain (expected /$pattern/)" "$tmp/$name.err"
    else
        pass "$what: exit 2 ($(head -c 120 "$tmp/$name.err" | head -1))"
    fi
    if [[ $before == "$after" ]]; then
        pass "$what: cycles, deadlines, events, outbox and users unchanged"
    else
        fail "$what: the data changed" "$(diff <(echo "$before") <(echo "$after") | head -20)"
    fi
}
# stderr: the Danish message (in the descriptions' and the configuration's words), then the code.
refuse wrong-state "plan_approved while awaiting the conversation (wrong state)" \
    '^tilsyn: »Godkend udviklingsplan« er ikke muligt nu, hvor forløbet står i »Afventer kvalitetssamtale«\..*\[not_allowed_in_state event; hændelser nu: .*conversation_held' \
    "$C" plan_approved '{}' "$CHIEF_SYD"
refuse wrong-role "conversation_held sent by the leader (wrong role)" \
    'er en opgave for Børn og Unge-chef, og du er logget ind som Leder\..*\[role_not_allowed event\]' \
    "$C" conversation_held "$HELD" "$(LEADER_OF $S)"
refuse other-area "conversation_held sent by the area chief of nord (another area)" \
    '^tilsyn: Forløbet findes ikke, eller du har ikke adgang til det\. \[not_found id\]$' \
    "$C" conversation_held "$HELD" "$CHIEF_NORD"
refuse bad-json "conversation_held with malformed JSON --data" 'JSON.*\[bad_json\]' \
    "$C" conversation_held '{"development_points":[{"title":"Trivsel",' "$CHIEF_SYD"
refuse no-points "conversation_held without a development point" \
    '^tilsyn: Angiv mindst ét udviklingspunkt\. \[field_required development_points\]$' \
    "$C" conversation_held '{"development_points":[],"supervision_points":[]}' "$CHIEF_SYD"
refuse unknown-event "an unknown event" '\[unknown_event event; hændelser nu: ' \
    "$C" frobnicate '{}' "$CHIEF_SYD"
refuse unknown-user "an event as an unknown user" 'nobody@example\.dk' \
    "$C" conversation_held "$HELD" nobody@example.dk

# ==== 5. 30 days of downtime: one reminder per deadline, not one per missed reminder ===========
S=kragelundskolen  # untouched since its cycle opened
C=$QR/$S/$START
run_db tick-0910 tick --at 2026-09-10T09:00
if [[ $code -eq 0 ]]; then pass "tick at 2026-09-10T09:00 exits 0"; else fail "tick at 2026-09-10T09:00: exit $code" "$tmp/tick-0910.err"; fi
mark=$(count "$DB" "SELECT coalesce(max(id), 0) FROM outbox")
# quality_report is due 2026-10-12; its reminders (-14 days: 2026-09-28, -3 workdays: 2026-10-07)
# both fall in the downtime.
run_db tick-1010 tick --at 2026-10-10T09:00
if [[ $code -eq 0 ]]; then pass "tick at 2026-10-10T09:00 after 30 days of downtime exits 0"; else fail "tick at 2026-10-10T09:00: exit $code" "$tmp/tick-1010.err"; fi
mine=$(q "$DB" "SELECT recipient FROM outbox WHERE id > $mark AND body LIKE '%/cycles/$C%'")
n=$(printf '%s' "$mine" | grep -c . || true)
if [[ $n -eq 1 && $mine == *"<$(LEADER_OF $S)>"* ]]; then
    pass "$S: exactly one reminder queued for quality_report, to its leader"
else
    fail "$S: $n mails queued for $C, expected one to $(LEADER_OF $S)" "$mine"
fi
dups=$(q "$DB" "SELECT recipient, subject, count(*) FROM outbox WHERE id > $mark GROUP BY recipient, subject HAVING count(*) > 1")
total=$(count "$DB" "SELECT count(*) FROM outbox WHERE id > $mark")
if [[ -z $dups && $total -gt 0 ]]; then
    pass "the downtime tick queued $total mails, none twice to the same person about the same thing"
else
    fail "the downtime tick queued $total mails, some repeated" "$dups"
fi

# ==== 6. a config change in the middle of a cycle does not move the running cycle's deadlines ====
CHANGED=$(copy_config "$tmp/changed" file:mail)
sed -i "/id: $QR\$/,/id: quality-report-0-6\$/ s/board_statement: *{ due: \"quality_report + 4 weeks\" }/board_statement:      { due: \"quality_report + 8 weeks\" }/" \
    "$CHANGED"
RUN_CONFIG=$CHANGED run_db check-changed check
if [[ $code -eq 0 ]] && grep -q 'quality_report + 8 weeks' "$CHANGED" && ! cmp -s "$CONFIG" "$CHANGED"; then
    pass "the changed config (board_statement: quality_report + 8 weeks) is valid"
else
    fail "the changed config: check exit $code" "$tmp/check-changed.out" "$tmp/check-changed.err"
fi
S=rundhoejskolen  # area syd
C=$QR/$S/$START
RUN_CONFIG=$CHANGED ev changed-report "$C" report_submitted '{}' "$(LEADER_OF $S)" 2026-10-12T10:00
if [[ $code -eq 0 ]]; then
    pass "report_submitted with --config of the changed file accepted"
else
    fail "report_submitted with the changed config: exit $code" "$tmp/changed-report.out" "$tmp/changed-report.err"
fi
due=$(q "$DB" "SELECT due_on FROM deadlines WHERE cycle_id = '$C' AND kind = 'due' AND step = 'board_statement'")
if [[ $due == 2026-11-09 ]]; then
    pass "the running cycle's board_statement is due 2026-11-09, 4 weeks after the submission (not 8)"
else
    fail "board_statement due of $C: '$due', expected 2026-11-09 (submitted 2026-10-12 + 4 weeks)"
fi

# ==== 4. a supervision point opens a case; sharpened follow-up; escalations ======================
S=malling-skole  # area syd
C=$QR/$S/$START
CASE=$C/tilsyn-1
expect_event malling-report "$C" report_submitted '{}' "$(LEADER_OF $S)" 2026-10-12T10:00
expect_event malling-board "$C" board_statement_submitted '{"signals_political":"Flere ressourcer til specialundervisning."}' "$(BOARD_OF $S)" 2026-10-13T10:00
ev malling-held "$C" conversation_held \
    '{"development_points":[{"title":"Læsning","goal":"learning"}],"supervision_points":[{"title":"Højt fravær","reason":"concern","goal":"wellbeing"}]}' \
    "$CHIEF_SYD" 2026-10-14T10:00
if [[ $code -eq 0 ]] && grep -qF "$CASE" "$tmp/malling-held.out"; then
    pass "conversation_held with a supervision point opens a case and names it ($CASE)"
else
    fail "conversation_held with a supervision point: exit $code, stdout does not name $CASE" "$tmp/malling-held.out" "$tmp/malling-held.err"
fi

status_json malling-status --at 2026-10-14T11:00
first=$(head -1 "$tmp/malling-status.out")
if [[ $code -eq 0 ]] && jq -e --arg s "$S" '.institution == $s and .sharpened == true' <<<"$first" >/dev/null 2>&1; then
    pass "status lists $S first, flagged sharpened"
else
    fail "status: exit $code; first line is not $S with sharpened true" "$first" "$tmp/malling-status.err"
fi
case_line=$(jq -c --arg id "$CASE" 'select(.id == $id)' "$tmp/malling-status.out") || case_line=""
if jq -e '.workflow == "supervision" and .next_due == "2026-11-04" and .sharpened == true' <<<"$case_line" >/dev/null 2>&1; then
    pass "status shows the supervision case, its action plan due 2026-11-04 (given + 3 weeks)"
else
    fail "status line of $CASE" "${case_line:-(absent)}"
fi
run_db malling-table status --at 2026-10-14T11:00
if [[ $code -eq 0 ]] && head -3 "$tmp/malling-table.out" | grep -F "$CASE" | grep -q 'TILSYNSPUNKT'; then
    pass "status (table) shows the case near the top, marked TILSYNSPUNKT"
else
    fail "status (table): exit $code" "$(head -5 "$tmp/malling-table.out")"
fi

# case_mail_recipients MARK: recipients of mails about the case queued after outbox id MARK.
case_mail_recipients() { q "$DB" "SELECT recipient FROM outbox WHERE id > $1 AND body LIKE '%/cycles/$CASE%' ORDER BY id"; }

mark=$(count "$DB" "SELECT coalesce(max(id), 0) FROM outbox")
run_db tick-1104 tick --at 2026-11-04T09:00
got=$(case_mail_recipients "$mark")
if [[ $code -eq 0 && $got != *"<$CHIEF_SYD>"* && $got != *"<$DIRECTOR>"* ]]; then
    pass "on the due date (2026-11-04) nothing is escalated yet"
else
    fail "tick at 2026-11-04T09:00: exit $code; mails about the case" "$got" "$tmp/tick-1104.err"
fi

mark=$(count "$DB" "SELECT coalesce(max(id), 0) FROM outbox")
run_db tick-1105 tick --at 2026-11-05T09:00  # due + 1 working day
got=$(case_mail_recipients "$mark")
if [[ $code -eq 0 && $got == *"<$CHIEF_SYD>"* && $got != *"<$DIRECTOR>"* ]]; then
    pass "due + 1 working day (2026-11-05): an escalation to the syd area chief, not yet to the director"
else
    fail "tick at 2026-11-05T09:00: exit $code; mails about the case" "$got" "$tmp/tick-1105.err"
fi

mark=$(count "$DB" "SELECT coalesce(max(id), 0) FROM outbox")
run_db tick-1111 tick --at 2026-11-11T09:00  # due + 5 working days
got=$(case_mail_recipients "$mark")
if [[ $code -eq 0 && $got == *"<$DIRECTOR>"* && $got != *"<$CHIEF_SYD>"* ]]; then
    pass "due + 5 working days (2026-11-11): an escalation to the director ($DIRECTOR)"
else
    fail "tick at 2026-11-11T09:00: exit $code; mails about the case" "$got" "$tmp/tick-1111.err"
fi

# ==== 7. audit verify detects tampering ==========================================================
run_db audit2 audit verify
if [[ $code -eq 0 ]] && grep -qi intact "$tmp/audit2.out"; then
    pass "audit verify is still intact after the whole scenario"
else
    fail "audit verify before tampering: exit $code" "$tmp/audit2.out" "$tmp/audit2.err"
fi
seq=$(count "$DB" "SELECT seq FROM events WHERE cycle_id = '$QR/beder-skole/$START' AND event = 'report_submitted'")
q "$DB" "UPDATE events SET payload = '{\"url\":\"https://evil.example.com/\"}' WHERE seq = $seq" >/dev/null
run_db audit3 audit verify
cat "$tmp/audit3.out" "$tmp/audit3.err" >"$tmp/audit3.all"
if [[ $code -eq 1 ]] && grep -qE "(^|[^0-9])$seq([^0-9]|$)" "$tmp/audit3.all"; then
    pass "after changing the payload of event $seq, audit verify exits 1 and names event $seq"
else
    fail "audit verify after tampering with event $seq: exit $code, expected 1 naming $seq" "$tmp/audit3.all"
fi

finish
