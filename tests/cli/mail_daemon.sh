#!/usr/bin/env bash
# Mail delivery and the `serve` daemon against REAL servers: an aiosmtpd SMTP server writing to
# a Maildir, the file transport, SQLite or PostgreSQL.
#
#   tests/cli/mail_daemon.sh PATH/TO/tilsyn sqlite
#   tests/cli/mail_daemon.sh PATH/TO/tilsyn postgres     (URL from TILSYN_TEST_PG_URL)
#   tests/cli/mail_daemon.sh PATH/TO/tilsyn postgresql://postgres@127.0.0.1:PORT/tilsyn_test
#
#   1. SMTP delivery of the first reminders (64) to aiosmtpd: one message each, RFC 2047
#      subjects that decode to Danish, unique Message-IDs equal to the outbox's.
#   2. SMTP down, then up: the second reminders wait with one failed attempt and the error;
#      after the 1-minute retry each arrives exactly once.
#   3. `serve` on the real clock (file transport): overdue escalations arrive within ~20 s; SIGHUP
#      with an invalid config keeps the daemon and its configuration; SIGHUP with a changed one
#      (another mail folder and sender, daycare cycles due) applies it, mail included; SIGTERM
#      exits 0.
#   4. kill -9 of `serve` in the middle of thousands of SMTP deliveries, restart: nothing lost,
#      nothing queued twice, a message delivered twice carries the same Message-ID. What the
#      killed node had claimed waits for its lease (5 minutes): a `tick --at` 6 minutes ahead
#      delivers it.
#   5. (PostgreSQL only) two `tick` processes at the same moment on ~10,000 due mails: each
#      Message-ID arrives exactly once, every outbox row is sent, the audit trail is intact.
#
# Time is an input wherever the product takes one (`tick --at`); nothing sleeps waiting for a
# deadline. Sections 3 and 4 run `serve`, which has no --at: their cycles start 16 weeks (on a
# Monday) before today, so escalations are overdue on the real clock whatever the date. Waits
# for processes to start, deliver or stop are polls with timeouts.
#
# sqlite: new database files in a temp folder. A PostgreSQL URL: new databases with unique names
# are created on that server (through the URL's database) and dropped at the end. `postgres`: the
# URL is taken from TILSYN_TEST_PG_URL; when that is unset the script exits 77 (skipped), or 1
# when TILSYN_REQUIRE_POSTGRES=1. Everything is written below one temp folder, removed on exit;
# the processes this script starts are stopped by their ids on exit (and, through setpriv
# --pdeathsig, when the script is killed). Prints "ok - ..." /
# "not ok - ..." per check and "N passed, M failed" last; exits non-zero when any check fails.
# shellcheck source=../support/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"
usage="usage: $0 PATH/TO/tilsyn sqlite|postgres|postgresql://..."
need_tilsyn "${1:?$usage}"
resolve_backend "${2:?$usage}"
MAKE_CONFIG=$SOURCE_DIR/bench/make_config.py
need_command jq
[[ -x $PY ]] || { echo "$PY is needed" >&2; exit 1; }
if ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
    echo "aiosmtpd is needed for $PY (Debian package python3-aiosmtpd)" >&2
    exit 1
fi
make_tmp mail
begin_checks

# start_maildir_smtp NAME PORT MAILDIR: aiosmtpd writing to MAILDIR (created with its
# cur/new/tmp), its log in $tmp/NAME.smtp.log; sets smtp_pid; 1 when it does not answer within
# 15 s.
start_maildir_smtp() {
    mkdir -p "$3/cur" "$3/new" "$3/tmp"
    start_smtp "$tmp/$1.smtp.log" "$2" aiosmtpd.handlers.Mailbox "$3"
}
# eml_count DIR: the .eml files in DIR (a file transport's folder); 0 when there is no DIR.
eml_count() {
    if [[ -d $1 ]]; then find "$1" -maxdepth 1 -name '*.eml' | wc -l; else echo 0; fi
}
# mail_count MAILDIR: messages in the Maildir.
mail_count() { find "$1/new" "$1/cur" -type f | wc -l; }

# The messages of a Maildir (or of a folder of .eml files) as JSON lines, one per message
# (support.mail.describe: message_id, subject, subject_raw, subject_ascii, from, to, rcpt, date,
# content_type, charset, body); `scan_ids FOLDER` prints only the Message-IDs, one a line.
scan() { support_py mail full "$1"; }
scan_ids() { support_py mail ids "$1"; }

# ---- tilsyn ----------------------------------------------------------------------------------
# run_in NAME DB CONFIG ARGS...: run NAME ARGS --db DB --config CONFIG.
run_in() {
    local name=$1 db=$2 config=$3
    shift 3
    run "$name" "$@" --db "$db" --config "$config"
}
# expect0 NAME DB CONFIG ARGS...: run_in, and a check that it exits 0.
expect0() {
    run_in "$@"
    local name=$1
    shift 3
    if [[ $code -eq 0 ]]; then
        pass "$name: tilsyn $* exits 0"
    else
        fail "$name: tilsyn $*: exit $code" "$tmp/$name.out" "$tmp/$name.err"
    fi
}

# mail_config DIR TRANSPORT [FIRST]: config/aarhus.yaml copied to DIR (copy_config) with
# TRANSPORT, without the learning-dialogue cycle (so this test's mail counts are the quality
# report's alone) and, with FIRST, the quality-report-6-18 cycles starting on FIRST instead of
# 2026-08-03; prints the path.
mail_config() {
    copy_config "$1" "$2" --drop-cycle learning-dialogue ${3:+--first "quality-report-6-18=$3"}
}
# big_config FILE N TRANSPORT [FIRST]: bench/make_config.py's N institutions with TRANSPORT
# (and FIRST as in mail_config).
big_config() {
    "$PY" "$MAKE_CONFIG" --institutions "$2" --out "$1" --transport "$3" \
        --drop-cycle learning-dialogue ${4:+--first "quality-report-6-18=$4"}
}

# A start date on the real clock: the Monday 16 weeks ago. quality_report (start + 10 weeks) is
# then 6 weeks overdue, past both escalations (1 and 10 working days), on any date.
today=$(TZ=Europe/Copenhagen date +%F)
REAL_START=$(support_py config overdue-start)
# local_time [DATE-SPEC]: a TIME for --at, in the configured zone (now by default).
local_time() { TZ=Europe/Copenhagen date -d "${1:-now}" +%Y-%m-%dT%H:%M:%S%:z; }

t_all=$(now_us)
echo "# backend: ${pg_admin_url:+postgresql via }${pg_admin_url:-sqlite}; temp $tmp; real date $today; serve cycles start $REAL_START"

# =================================================================================================
# 1. SMTP delivery to a real server
# =================================================================================================
t=$(now_us)
echo "# 1. SMTP delivery of the first reminders"
make_db mail_s1
DB1=$DB
PORT1=$(free_port)
MAIL1=$tmp/maildir1
CONFIG1=$(mail_config "$tmp/s1" "smtp://127.0.0.1:$PORT1")
if start_maildir_smtp s1 "$PORT1" "$MAIL1"; then
    pass "aiosmtpd answers on 127.0.0.1:$PORT1"
else
    fail "aiosmtpd did not start on 127.0.0.1:$PORT1" "$tmp/s1.smtp.log"
    echo "$passed passed, $failed failed"
    exit 1
fi
SMTP1=$smtp_pid

expect0 migrate1 "$DB1" "$CONFIG1" migrate
run_in open1 "$DB1" "$CONFIG1" tick --at 2026-08-03T09:00
if [[ $code -eq 0 ]] && grep -qE '(^|[^0-9])64 cycles opened' "$tmp/open1.out"; then
    pass "tick at 2026-08-03T09:00 opens 64 cycles"
else
    fail "tick at 2026-08-03T09:00: exit $code, expected '64 cycles opened'" "$tmp/open1.out" "$tmp/open1.err"
fi

run_in remind1 "$DB1" "$CONFIG1" tick --at 2026-09-28T09:00
if [[ $code -eq 0 ]] && grep -qE '(^|[^0-9])64 reminders' "$tmp/remind1.out" &&
    grep -qE 'smtp://127\.0\.0\.1:'"$PORT1"': 64 sent, 0 to retry, 0 given up, 0 waiting' "$tmp/remind1.out"; then
    pass "tick at 2026-09-28T09:00 queues 64 reminders and sends them through smtp://127.0.0.1:$PORT1"
else
    fail "tick at 2026-09-28T09:00: exit $code, expected 64 reminders, '64 sent, 0 to retry, 0 given up, 0 waiting'" \
        "$tmp/remind1.out" "$tmp/remind1.err"
fi

n=$(mail_count "$MAIL1")
if [[ $n -eq 64 ]]; then pass "the Maildir holds exactly 64 messages"; else fail "the Maildir holds $n messages, expected 64"; fi

scan "$MAIL1" >"$tmp/mail1.jsonl"
bad=$(jq -c 'select((.subject | startswith("Påmindelse:")) | not) | .subject' "$tmp/mail1.jsonl")
if [[ -z $bad && $n -gt 0 ]]; then
    pass "every subject decodes to Danish text starting 'Påmindelse:' (e.g. $(jq -r '.subject' "$tmp/mail1.jsonl" | head -1))"
else
    fail "subjects that do not decode to 'Påmindelse: ...'" "$bad"
fi
bad=$(jq -c 'select((.subject_ascii and (.subject_raw | test("=\\?utf-8\\?[bq]\\?"; "i"))) | not) | .subject_raw' "$tmp/mail1.jsonl")
if [[ -z $bad ]]; then
    pass "every raw Subject header is ASCII, RFC 2047 encoded"
else
    fail "raw Subject headers not RFC 2047 encoded" "$bad"
fi
distinct=$(jq -r '.message_id' "$tmp/mail1.jsonl" | sort -u | grep -c . || true)
if [[ $distinct -eq 64 ]]; then pass "the 64 Message-IDs are all different"; else fail "$distinct distinct Message-IDs among $n messages"; fi
if diff <(jq -r '.message_id' "$tmp/mail1.jsonl" | sort) <(q "$DB1" "SELECT message_id FROM outbox" | sort) >"$tmp/ids1.diff"; then
    pass "the Maildir's Message-IDs are exactly the outbox's"
else
    fail "Message-IDs in the Maildir and in the outbox differ" "$tmp/ids1.diff"
fi
bad=$(jq -c '(.rcpt | ascii_downcase) as $rcpt
             | select((.from | test("<tilsyn@example\\.dk>$")) and .date == "2026-09-28T09:00:00+02:00"
                      and .content_type == "text/plain" and .charset == "utf-8"
                      and $rcpt != "" and (.to | ascii_downcase | contains("<" + $rcpt + ">"))
                      | not) | {from, to, rcpt, date, content_type, charset}' "$tmp/mail1.jsonl")
if [[ -z $bad ]]; then
    pass "every message: From the config, To the envelope recipient, Date 2026-09-28 09:00 +02:00, text/plain UTF-8"
else
    fail "messages with wrong From, To, Date or Content-Type" "$bad"
fi
bad=$(jq -c 'select((.body | contains("http://127.0.0.1:8080/cycles/quality-report-6-18/")) and (.body | test("12\\. oktober 2026"))
                    and (.subject | contains("12.10.2026")) | not) | .message_id' "$tmp/mail1.jsonl")
if [[ -z $bad ]]; then
    pass "every body is Danish UTF-8 text with the due date (12. oktober 2026) and a dashboard link"
else
    fail "bodies without the due date or the dashboard link" "$bad" "$(jq -r '.body' "$tmp/mail1.jsonl" | head -12)"
fi

run_in remind1b "$DB1" "$CONFIG1" tick --at 2026-09-28T09:00
n=$(mail_count "$MAIL1")
if [[ $code -eq 0 && $n -eq 64 ]] && grep -qE '(^|[^0-9])0 mails queued' "$tmp/remind1b.out"; then
    pass "a second tick at 2026-09-28T09:00 queues and sends nothing (Maildir still 64)"
else
    fail "second tick at 2026-09-28T09:00: exit $code, Maildir $n" "$tmp/remind1b.out" "$tmp/remind1b.err"
fi
echo "# 1. took $(elapsed "$t") s"

# =================================================================================================
# 2. SMTP down, then up
# =================================================================================================
t=$(now_us)
echo "# 2. SMTP down, then up"
if stop_smtp "$SMTP1" "$PORT1"; then
    pass "aiosmtpd stopped; 127.0.0.1:$PORT1 refuses connections"
else
    fail "aiosmtpd on 127.0.0.1:$PORT1 did not stop"
fi
mark=$(count "$DB1" "SELECT coalesce(max(id), 0) FROM outbox")
run_in down2 "$DB1" "$CONFIG1" tick --at 2026-10-07T09:00
queued=$(sed -nE 's/.* ([0-9]+) mails queued.*/\1/p' "$tmp/down2.out")
queued=${queued:-0}
if [[ $code -eq 0 && $queued -eq 64 ]] &&
    grep -qE ': 0 sent, 64 to retry, 0 given up, 64 waiting' "$tmp/down2.out"; then
    pass "tick at 2026-10-07T09:00 with the server down: 64 second reminders queued, 0 sent, 64 to retry"
else
    fail "tick at 2026-10-07T09:00 (server down): exit $code, $queued queued; expected 64 and '0 sent, 64 to retry, 0 given up, 64 waiting'" \
        "$tmp/down2.out" "$tmp/down2.err"
fi
run_in list2 "$DB1" "$CONFIG1" outbox list --status pending
rows=$(grep -cE '^[0-9]+ +pending +1 ' "$tmp/list2.out" || true)
errors=$(grep -cE '^ {40,}[^ ]' "$tmp/list2.out" || true)
if [[ $code -eq 0 && $rows -eq 64 && $errors -eq 64 ]]; then
    pass "outbox list --status pending: 64 messages with 1 attempt, each with its error ($(grep -E '^ {40,}[^ ]' "$tmp/list2.out" | head -1 | sed 's/^ *//' | cut -c1-110))"
else
    fail "outbox list --status pending: exit $code, $rows rows 'pending 1', $errors error lines; expected 64 and 64" \
        "$tmp/list2.out" "$tmp/list2.err"
fi
retry_at=$(date -d 2026-10-07T09:01:00+02:00 +%s)
bad=$(q "$DB1" "SELECT id, attempts, next_attempt_at, last_error FROM outbox WHERE id > $mark AND NOT
             (status = 'pending' AND attempts = 1 AND last_error <> '' AND next_attempt_at = $retry_at)")
if [[ -z $bad && $(count "$DB1" "SELECT count(*) FROM outbox WHERE id > $mark") -eq 64 ]]; then
    pass "in the database: 64 pending, attempts 1, last_error set, next attempt 2026-10-07T09:01 (one minute later)"
else
    fail "outbox rows after the failed attempt" "$bad"
fi

if start_maildir_smtp s1 "$PORT1" "$MAIL1"; then
    pass "aiosmtpd is back on 127.0.0.1:$PORT1"
else
    fail "aiosmtpd did not restart on 127.0.0.1:$PORT1" "$tmp/s1.smtp.log"
fi
SMTP1=$smtp_pid

run_in early2 "$DB1" "$CONFIG1" tick --at 2026-10-07T09:00:30
n=$(mail_count "$MAIL1")
if [[ $code -eq 0 && $n -eq 64 ]] && grep -qE ': 0 sent, 0 to retry, 0 given up, 64 waiting' "$tmp/early2.out"; then
    pass "tick at 09:00:30, before the retry is due: nothing sent, 64 waiting"
else
    fail "tick at 2026-10-07T09:00:30: exit $code, Maildir $n (expected 64), expected '0 sent, ..., 64 waiting'" \
        "$tmp/early2.out" "$tmp/early2.err"
fi

run_in up2 "$DB1" "$CONFIG1" tick --at 2026-10-07T09:05
if [[ $code -eq 0 ]] && grep -qE ': 64 sent, 0 to retry, 0 given up, 0 waiting' "$tmp/up2.out"; then
    pass "tick at 2026-10-07T09:05 with the server up: 64 sent, 0 waiting"
else
    fail "tick at 2026-10-07T09:05: exit $code, expected '64 sent, 0 to retry, 0 given up, 0 waiting'" \
        "$tmp/up2.out" "$tmp/up2.err"
fi
scan_ids "$MAIL1" | sort | uniq -c | awk '{ print $2 " " $1 }' >"$tmp/mail2.counts"
q "$DB1" "SELECT message_id FROM outbox WHERE id > $mark" | sort >"$tmp/retry2.ids"
bad=$(join -a1 -e 0 -o 1.1,2.2 "$tmp/retry2.ids" "$tmp/mail2.counts" | awk '$2 != 1')
n=$(mail_count "$MAIL1")
if [[ -z $bad && $n -eq 128 && $(awk '$2 != 1' "$tmp/mail2.counts" | grep -c . || true) -eq 0 ]]; then
    pass "each of the 64 retried messages arrived exactly once (Maildir: 128 messages, every Message-ID once)"
else
    fail "retried messages not delivered exactly once (Maildir $n, expected 128); Message-ID and count:" \
        "$bad" "$(awk '$2 != 1' "$tmp/mail2.counts" | head)"
fi
n=$(count "$DB1" "SELECT count(*) FROM outbox WHERE status <> 'sent'")
if [[ $n -eq 0 ]]; then pass "the outbox has no pending or failed message"; else fail "$n outbox messages not sent" "$(q "$DB1" "SELECT id, status, attempts, last_error FROM outbox WHERE status <> 'sent'")"; fi
stop_smtp "$SMTP1" "$PORT1" || true
echo "# 2. took $(elapsed "$t") s"

# =================================================================================================
# 3. the serve daemon on the real clock
# =================================================================================================
t=$(now_us)
echo "# 3. serve on the real clock, SIGHUP with a broken and with a changed config, SIGTERM"
make_db mail_s3
DB3=$DB
CONFIG3=$(mail_config "$tmp/s3" "file:mail" "$REAL_START")
MAIL3=$tmp/s3/mail
expect0 migrate3 "$DB3" "$CONFIG3" migrate
run_in open3 "$DB3" "$CONFIG3" tick --at "${REAL_START}T09:00" --no-mail
opened3=$(sed -nE 's/.* ([0-9]+) cycles opened.*/\1/p' "$tmp/open3.out")
if [[ $code -eq 0 && ${opened3:-0} -ge 64 ]]; then
    pass "tick at ${REAL_START}T09:00 opens $opened3 cycles"
else
    fail "tick at ${REAL_START}T09:00: exit $code, ${opened3:-no} cycles opened, expected at least 64" "$tmp/open3.out" "$tmp/open3.err"
fi

t_serve=$(now_us)
start_serve "$tmp/serve3.log" --node serve-3 --db "$DB3" --config "$CONFIG3" ||
    fail "serve-3 did not start listening" "$tmp/serve3.log"
SERVE3=$serve_pid
# all_delivered3: the daemon has queued mail, and every outbox row is sent and in the folder.
all_delivered3() {
    local rows
    rows=$(count "$DB3" "SELECT count(*) FROM outbox") || return 1
    ((rows > 0)) || return 1
    [[ $(count "$DB3" "SELECT count(*) FROM outbox WHERE status <> 'sent'") -eq 0 ]] || return 1
    [[ $(eml_count "$MAIL3") -eq $rows ]]
}
if poll=0.2 wait_until 20 all_delivered3; then
    rows3=$(count "$DB3" "SELECT count(*) FROM outbox")
    pass "serve queued and delivered the overdue escalations within 20 s: $rows3 mails in $(elapsed "$t_serve") s"
else
    fail "serve: after 20 s $(count "$DB3" "SELECT count(*) FROM outbox") queued, $(count "$DB3" "SELECT count(*) FROM outbox WHERE status = 'sent'") sent, $(eml_count "$MAIL3") files" \
        "$tmp/serve3.log"
fi
n=$(count "$DB3" "SELECT count(*) FROM outbox WHERE subject LIKE 'Overskredet frist:%'")
if [[ $n -ge 64 ]]; then
    pass "$n of them are escalations ('Overskredet frist: ...'), at least one per cycle"
else
    fail "$n escalations queued by serve, expected at least 64" "$(q "$DB3" "SELECT subject FROM outbox LIMIT 5")"
fi

# SIGHUP with an invalid configuration: the daemon keeps running with the one it has.
rows_before=$(count "$DB3" "SELECT count(*) FROM outbox")
cp "$CONFIG3" "$tmp/s3/valid.yaml"
printf 'organisation:\n  name: "Aarhus Kommune\n  timezone: [Europe/Copenhagen\n' >"$tmp/s3/broken.yaml"
mv "$tmp/s3/broken.yaml" "$CONFIG3"
kill -HUP "$SERVE3"
if wait_until 10 grep -q 'keeping the configuration' "$tmp/serve3.log"; then
    pass "SIGHUP with invalid YAML: the log says the configuration in use is kept ($(grep -m1 'keeping the configuration' "$tmp/serve3.log" | cut -c1-120))"
else
    fail "SIGHUP with invalid YAML: no 'keeping the configuration' in the log within 10 s" "$tmp/serve3.log"
fi
if grep -qF "$CONFIG3:" "$tmp/serve3.log"; then
    pass "the log names the problem as $CONFIG3:LINE:COLUMN"
else
    fail "the log does not name the problem in $CONFIG3" "$tmp/serve3.log"
fi
sleep 0.5  # a crash on the bad config would show by now
if running "$SERVE3"; then pass "serve is still running after SIGHUP with a broken config"; else fail "serve died after SIGHUP" "$tmp/serve3.log"; fi
n=$(count "$DB3" "SELECT count(*) FROM outbox")
if [[ $n -eq $rows_before ]]; then pass "the failed reload queued nothing ($n outbox rows)"; else fail "the failed reload changed the outbox from $rows_before to $n rows"; fi

# SIGHUP with a valid, changed configuration: another mail folder and sender, and the daycare
# cycles (normally from 2027-08-02) starting on $REAL_START, so that the reload's tick opens
# them with overdue deadlines and queues escalations, delivered by the new configuration.
MAIL3B=$tmp/s3/mail-b
mark=$(count "$DB3" "SELECT coalesce(max(id), 0) FROM outbox")
cp "$tmp/s3/valid.yaml" "$tmp/s3/changed.yaml"
support_py config edit "$tmp/s3/changed.yaml" --transport file:mail-b \
    --sender "Tilsyn Aarhus <tilsyn-ny@example.dk>" --first "quality-report-0-6=$REAL_START"
mv "$tmp/s3/changed.yaml" "$CONFIG3"
files_a=$(eml_count "$MAIL3")
kill -HUP "$SERVE3"
if wait_until 10 grep -q 'configuration reloaded' "$tmp/serve3.log"; then
    pass "SIGHUP with a valid changed config: 'configuration reloaded'"
else
    fail "SIGHUP with a valid config: no 'configuration reloaded' in the log within 10 s" "$tmp/serve3.log"
fi
# new_sent3: the reload queued mail and all of it is sent.
new_sent3() {
    local n
    n=$(count "$DB3" "SELECT count(*) FROM outbox WHERE id > $mark") || return 1
    ((n > 0)) && [[ $(count "$DB3" "SELECT count(*) FROM outbox WHERE id > $mark AND status = 'sent'") -eq $n ]]
}
if poll=0.2 wait_until 20 new_sent3; then
    new3=$(count "$DB3" "SELECT count(*) FROM outbox WHERE id > $mark")
    pass "the reload's tick opened the daycare cycles and sent their $new3 escalations"
else
    new3=$(count "$DB3" "SELECT count(*) FROM outbox WHERE id > $mark")
    fail "after the reload: $new3 new mails, $(count "$DB3" "SELECT count(*) FROM outbox WHERE id > $mark AND status = 'sent'") sent within 20 s (expected some, all sent)" "$tmp/serve3.log"
fi
files_b=$(eml_count "$MAIL3B")
files_a2=$(eml_count "$MAIL3")
if ((new3 > 0 && files_b == new3 && files_a2 == files_a)); then
    pass "they went through the reloaded transport: $files_b in mail-b, none more in the old folder"
else
    fail "after SIGHUP changed mail.transport to file:mail-b: $files_b of $new3 new mails in mail-b, $((files_a2 - files_a)) in the old folder $MAIL3 (the daemon keeps the mailer it started with)"
fi
# The From of the mails queued after the reload, wherever they went.
q "$DB3" "SELECT message_id FROM outbox WHERE id > $mark" >"$tmp/new3.ids"
{
    scan "$MAIL3"
    [[ ! -d $MAIL3B ]] || scan "$MAIL3B"
} | jq -r '[.message_id, .from] | @tsv' | grep -F -f "$tmp/new3.ids" | cut -f2 | sort | uniq -c >"$tmp/new3.from"
if [[ -s $tmp/new3.ids && $(wc -l <"$tmp/new3.from") -eq 1 ]] && grep -q '<tilsyn-ny@example\.dk>$' "$tmp/new3.from"; then
    pass "the mails queued after the reload carry the reloaded sender (From: ... <tilsyn-ny@example.dk>)"
else
    fail "the mails queued after the reload do not all carry the reloaded From (Tilsyn Aarhus <tilsyn-ny@example.dk>); count and From:" "$tmp/new3.from"
fi

rows_before=$(count "$DB3" "SELECT count(*) FROM outbox")
t_term=$(now_us)
kill -TERM "$SERVE3"
if wait_exit "$SERVE3" 10 && [[ $exit_code -eq 0 ]]; then
    pass "SIGTERM: serve exits 0 in $(elapsed "$t_term") s"
else
    fail "SIGTERM: serve ${exit_code:+exited $exit_code}${exit_code:-still running after 10 s}" "$tmp/serve3.log"
fi
if grep -q 'stopped' "$tmp/serve3.log" && [[ $(count "$DB3" "SELECT count(*) FROM outbox") -eq $rows_before ]] &&
    [[ $(count "$DB3" "SELECT count(*) FROM outbox WHERE status <> 'sent'") -eq 0 ]]; then
    pass "the log ends with 'stopped'; nothing is left pending"
else
    fail "after SIGTERM: no 'stopped' in the log, or mail left pending" "$tmp/serve3.log" \
        "$(q "$DB3" "SELECT status, count(*) FROM outbox GROUP BY status")"
fi
echo "# 3. took $(elapsed "$t") s"

# =================================================================================================
# 4. kill -9 in the middle of a large delivery, restart
# =================================================================================================
t=$(now_us)
echo "# 4. kill -9 of serve during SMTP delivery of a large batch, restart"
make_db mail_s4
DB4=$DB
PORT4=$(free_port)
MAIL4=$tmp/maildir4
mkdir -p "$tmp/s4"
CONFIG4=$tmp/s4/big.yaml
big_config "$CONFIG4" 2000 "smtp://127.0.0.1:$PORT4" "$REAL_START"
if start_maildir_smtp s4 "$PORT4" "$MAIL4"; then pass "aiosmtpd answers on 127.0.0.1:$PORT4"; else fail "aiosmtpd did not start on $PORT4" "$tmp/s4.smtp.log"; fi
SMTP4=$smtp_pid
expect0 migrate4 "$DB4" "$CONFIG4" migrate
run_in open4 "$DB4" "$CONFIG4" tick --at "${REAL_START}T09:00" --no-mail
opened4=$(sed -nE 's/.* ([0-9]+) cycles opened.*/\1/p' "$tmp/open4.out")
if [[ $code -eq 0 && ${opened4:-0} -ge 1000 ]]; then
    pass "2000 institutions: tick at ${REAL_START}T09:00 opens $opened4 cycles"
else
    fail "tick at ${REAL_START}T09:00 on 2000 institutions: exit $code, ${opened4:-no} cycles opened" "$tmp/open4.out" "$tmp/open4.err"
fi

t_serve=$(now_us)
start_serve "$tmp/serve4a.log" --node crash-a --db "$DB4" --config "$CONFIG4" ||
    fail "crash-a did not start listening" "$tmp/serve4a.log"
SERVE4A=$serve_pid
KILL_AT=600
# kill_moment: KILL_AT messages have arrived, or the daemon has died (checked below).
kill_moment() { [[ $(mail_count "$MAIL4") -ge $KILL_AT ]] || ! running "$SERVE4A"; }
if wait_until 240 kill_moment && running "$SERVE4A"; then
    # (stderr hidden: bash would report the job "Killed")
    { kill -KILL "$SERVE4A"; wait_exit "$SERVE4A" 10 || true; } 2>/dev/null
    pass "kill -9 of serve after $(mail_count "$MAIL4") messages arrived ($(elapsed "$t_serve") s; exit status ${exit_code:-?})"
else
    running "$SERVE4A" && status="still running" || status="not running"
    kill -KILL "$SERVE4A" 2>/dev/null || true
    fail "serve ($status) did not deliver $KILL_AT messages within 240 s ($(mail_count "$MAIL4") arrived)" "$tmp/serve4a.log"
fi
rows4=$(count "$DB4" "SELECT count(*) FROM outbox")
pending4=$(count "$DB4" "SELECT count(*) FROM outbox WHERE status = 'pending'")
held4=$(count "$DB4" "SELECT count(*) FROM outbox WHERE status = 'pending' AND claimed_by = 'crash-a'")
if ((pending4 > 0 && rows4 >= 3000)); then
    pass "the kill landed mid-delivery: $rows4 queued, $pending4 still pending ($held4 claimed by the killed node)"
else
    fail "the kill did not land mid-delivery: $rows4 queued, $pending4 pending (expected thousands queued, some pending)"
fi

t_serve=$(now_us)
start_serve "$tmp/serve4b.log" --node crash-b --db "$DB4" --config "$CONFIG4" ||
    fail "crash-b did not start listening" "$tmp/serve4b.log"
SERVE4B=$serve_pid
# free_rows_done: no pending row left but those under the killed node's unexpired claim.
free_rows_done() {
    [[ $(count "$DB4" "SELECT count(*) FROM outbox WHERE status = 'pending' AND claimed_by <> 'crash-a'") -eq 0 ]]
}
if poll=0.5 wait_until 300 free_rows_done; then
    pass "the restarted serve delivered every message not under the killed node's claim ($(elapsed "$t_serve") s)"
else
    fail "the restarted serve left $(count "$DB4" "SELECT count(*) FROM outbox WHERE status = 'pending' AND claimed_by <> 'crash-a'") messages pending after 300 s" \
        "$tmp/serve4b.log"
fi
n=$(count "$DB4" "SELECT count(*) FROM outbox")
if [[ $n -eq $rows4 ]]; then
    pass "the restart queued nothing again ($n outbox rows before and after)"
else
    fail "the restarted serve changed the outbox from $rows4 to $n rows"
fi
held4=$(count "$DB4" "SELECT count(*) FROM outbox WHERE status = 'pending'")
if ((held4 <= 50)); then
    pass "$held4 messages wait for the killed node's claim to expire (at most one batch of 50)"
else
    fail "$held4 messages still pending, more than one claimed batch" "$(q "$DB4" "SELECT claimed_by, count(*) FROM outbox WHERE status = 'pending' GROUP BY claimed_by")"
fi
kill -TERM "$SERVE4B"
if wait_exit "$SERVE4B" 10 && [[ $exit_code -eq 0 ]]; then
    pass "SIGTERM: the restarted serve exits 0"
else
    fail "SIGTERM of the restarted serve: ${exit_code:+exit $exit_code}${exit_code:-still running after 10 s}" "$tmp/serve4b.log"
fi
# The claims expire 5 minutes (DeliveryPolicy::lease) after they were taken: a tick 6 minutes
# from now delivers what the killed node held.
later=$(local_time "now + 6 minutes")
run_in late4 "$DB4" "$CONFIG4" tick --at "$later"
if [[ $code -eq 0 ]] && grep -qE ": $held4 sent, 0 to retry, 0 given up, 0 waiting" "$tmp/late4.out"; then
    pass "tick at $later (after the claims' lease): the $held4 held messages sent, 0 waiting"
else
    fail "tick at $later: exit $code, expected '$held4 sent, 0 to retry, 0 given up, 0 waiting'" "$tmp/late4.out" "$tmp/late4.err"
fi
rows4=$(count "$DB4" "SELECT count(*) FROM outbox")
n=$(count "$DB4" "SELECT count(*) FROM outbox WHERE status <> 'sent'")
if [[ $n -eq 0 ]]; then pass "all $rows4 outbox rows are sent"; else fail "$n of $rows4 outbox rows not sent"; fi
scan_ids "$MAIL4" | sort >"$tmp/mail4.ids"
files4=$(grep -c . "$tmp/mail4.ids" || true)
distinct4=$(sort -u "$tmp/mail4.ids" | grep -c . || true)
if [[ $distinct4 -eq $rows4 ]] && diff <(sort -u "$tmp/mail4.ids") <(q "$DB4" "SELECT message_id FROM outbox" | sort) >"$tmp/ids4.diff"; then
    pass "distinct Message-IDs in the Maildir = outbox rows = $rows4; $((files4 - distinct4)) delivered twice, under the same Message-ID"
else
    fail "Maildir: $files4 messages, $distinct4 distinct Message-IDs; outbox: $rows4 rows" "$tmp/ids4.diff"
fi
stop_smtp "$SMTP4" "$PORT4" || true
echo "# 4. took $(elapsed "$t") s"

# =================================================================================================
# 5. two nodes racing on PostgreSQL
# =================================================================================================
if postgres_backend; then
    t=$(now_us)
    echo "# 5. two tick processes at the same moment on one PostgreSQL database"
    make_db mail_s5
    DB5=$DB
    PORT5=$(free_port)
    MAIL5=$tmp/maildir5
    mkdir -p "$tmp/s5"
    CONFIG5=$tmp/s5/big.yaml
    # 5000 institutions: 3333 schools and youth clubs, each cycle overdue on 2026-11-24 with
    # two escalations (leader and area chief, then director): 9999 mails.
    big_config "$CONFIG5" 5000 "smtp://127.0.0.1:$PORT5"
    if start_maildir_smtp s5 "$PORT5" "$MAIL5"; then pass "aiosmtpd answers on 127.0.0.1:$PORT5"; else fail "aiosmtpd did not start on $PORT5" "$tmp/s5.smtp.log"; fi
    SMTP5=$smtp_pid
    expect0 migrate5 "$DB5" "$CONFIG5" migrate
    run_in open5 "$DB5" "$CONFIG5" tick --at 2026-08-03T09:00 --no-mail
    if [[ $code -eq 0 ]] && grep -qE '(^|[^0-9])3333 cycles opened' "$tmp/open5.out"; then
        pass "5000 institutions: tick at 2026-08-03T09:00 opens 3333 cycles"
    else
        fail "tick at 2026-08-03T09:00: exit $code, expected '3333 cycles opened'" "$tmp/open5.out" "$tmp/open5.err"
    fi
    AT5=2026-11-24T09:00
    t_race=$(now_us)
    start_bg "$TILSYN" tick --at "$AT5" --db "$DB5" --config "$CONFIG5" >"$tmp/race-a.out" 2>"$tmp/race-a.err"
    RACE_A=$bg_pid
    start_bg "$TILSYN" tick --at "$AT5" --db "$DB5" --config "$CONFIG5" >"$tmp/race-b.out" 2>"$tmp/race-b.err"
    RACE_B=$bg_pid
    codes=""
    for pid in "$RACE_A" "$RACE_B"; do
        if poll=0.5 wait_exit "$pid" 600; then codes+="$exit_code "; else codes+="timeout "; kill -KILL "$pid" 2>/dev/null || true; fi
    done
    if [[ $codes == "0 0 " ]]; then
        pass "two ticks at $AT5 started together both exit 0 ($(elapsed "$t_race") s)"
    else
        fail "two ticks at $AT5: exit codes $codes" "$tmp/race-a.out" "$tmp/race-a.err" "$tmp/race-b.out" "$tmp/race-b.err"
    fi
    sed 's/^/# node a: /' "$tmp/race-a.out" | head -2
    sed 's/^/# node b: /' "$tmp/race-b.out" | head -2
    rows5=$(count "$DB5" "SELECT count(*) FROM outbox")
    queued5=$(cat "$tmp/race-a.out" "$tmp/race-b.out" | sed -nE 's/.* ([0-9]+) mails queued.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
    sent5=$(cat "$tmp/race-a.out" "$tmp/race-b.out" | sed -nE 's/.*: ([0-9]+) sent, .*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
    if [[ $rows5 -ge 9000 && $queued5 -eq $rows5 && $sent5 -eq $rows5 ]]; then
        pass "$rows5 mails due: together the two nodes queued $queued5 and sent $sent5, each exactly once"
    else
        fail "outbox $rows5 rows (expected ~10,000); the nodes reported $queued5 queued and $sent5 sent"
    fi
    n=$(count "$DB5" "SELECT count(*) FROM outbox WHERE status <> 'sent'")
    if [[ $n -eq 0 ]]; then pass "every outbox row is sent"; else fail "$n outbox rows not sent" "$(q "$DB5" "SELECT status, count(*) FROM outbox GROUP BY status")"; fi
    scan_ids "$MAIL5" | sort >"$tmp/mail5.ids"
    files5=$(grep -c . "$tmp/mail5.ids" || true)
    twice5=$(uniq -d "$tmp/mail5.ids" | grep -c . || true)
    if [[ $files5 -eq $rows5 && $twice5 -eq 0 ]] && diff "$tmp/mail5.ids" <(q "$DB5" "SELECT message_id FROM outbox" | sort) >"$tmp/ids5.diff"; then
        pass "the Maildir holds $files5 messages: each outbox Message-ID exactly once"
    else
        fail "Maildir: $files5 messages, $twice5 Message-IDs more than once; outbox $rows5 rows" "$tmp/ids5.diff" "$(uniq -d "$tmp/mail5.ids" | head)"
    fi
    run_in audit5 "$DB5" "$CONFIG5" audit verify
    if [[ $code -eq 0 ]] && grep -qi intact "$tmp/audit5.out"; then
        pass "audit verify: intact ($(head -1 "$tmp/audit5.out" | cut -c1-100))"
    else
        fail "audit verify after the race: exit $code" "$tmp/audit5.out" "$tmp/audit5.err"
    fi
    stop_smtp "$SMTP5" "$PORT5" || true
    echo "# 5. took $(elapsed "$t") s"
else
    echo "# 5. two nodes racing: PostgreSQL only, skipped on $BACKEND"
fi

echo "# total $(elapsed "$t_all") s"
finish
