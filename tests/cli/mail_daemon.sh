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
set -Eeuo pipefail

TILSYN=${1:?usage: $0 PATH/TO/tilsyn sqlite|postgres|postgresql://...}
BACKEND=${2:?usage: $0 PATH/TO/tilsyn sqlite|postgres|postgresql://...}
# The Debian python: aiosmtpd is installed for it; `python3` on PATH may be another build.
PY=/usr/bin/python3

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE_DIR=$here/../../config
SOURCE_CONFIG=$SOURCE_DIR/aarhus.yaml
MAKE_CONFIG=$here/../../bench/make_config.py

if [[ $BACKEND == postgres ]]; then
    if [[ -z ${TILSYN_TEST_PG_URL:-} ]]; then
        if [[ ${TILSYN_REQUIRE_POSTGRES:-0} == 1 ]]; then
            echo "TILSYN_REQUIRE_POSTGRES=1 but TILSYN_TEST_PG_URL is not set;" \
                "start a server with scripts/pg-test-server start DIR" >&2
            exit 1
        fi
        echo "skipped: TILSYN_TEST_PG_URL is not set (set TILSYN_REQUIRE_POSTGRES=1 to make this a failure)"
        exit 77
    fi
    BACKEND=$TILSYN_TEST_PG_URL
fi

[[ -x $TILSYN ]] || { echo "not executable: $TILSYN" >&2; exit 1; }
[[ -f $SOURCE_CONFIG ]] || { echo "no $SOURCE_CONFIG" >&2; exit 1; }
[[ -f $MAKE_CONFIG ]] || { echo "no $MAKE_CONFIG" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is needed" >&2; exit 1; }
[[ -x $PY ]] || { echo "$PY is needed" >&2; exit 1; }
if ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
    echo "aiosmtpd is needed for $PY (Debian package python3-aiosmtpd)" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tilsyn-mail.XXXXXX")
pg_admin_url=""
pg_databases=()
# The processes this script started in the background and has not reaped yet (a reaped child's
# pid may belong to someone else by now).
declare -A live_pids=()
cleanup() {
    local rc=$? pid i
    for pid in "${!live_pids[@]}"; do
        if running "$pid"; then
            kill -TERM "$pid" 2>/dev/null || true
            for ((i = 0; i < 50; i++)); do running "$pid" || break; sleep 0.1; done
            running "$pid" && kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    for name in "${pg_databases[@]}"; do
        psql "$pg_admin_url" -XAtq -v ON_ERROR_STOP=1 \
            -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 ||
            echo "warning: could not drop database $name" >&2
    done
    rm -rf -- "$tmp"
    exit "$rc"
}
trap cleanup EXIT

passed=0
failed=0
on_error() {
    ((BASH_SUBSHELL == 0)) || return 0
    echo "not ok - aborted at line $1: $2"
    echo "$passed passed, $((failed + 1)) failed"
}
trap 'on_error "$LINENO" "$BASH_COMMAND"' ERR

pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() {
    failed=$((failed + 1))
    echo "not ok - $1"
    shift
    local f
    for f in "$@"; do
        if [[ -f $f ]]; then
            [[ -s $f ]] && sed 's/^/    | /' "$f" | tail -40
        else
            printf '%s\n' "$f" | sed 's/^/    | /' | head -40
        fi
    done
    return 0
}

# ---- processes ---------------------------------------------------------------------------------
# Background processes get SIGTERM when this script dies, even by SIGKILL (a ctest timeout).
guard=()
if setpriv --pdeathsig TERM -- true 2>/dev/null; then guard=(setpriv --pdeathsig TERM --); fi
# running PID: the process exists and is not a zombie (kill -0 succeeds on an unreaped child).
running() {
    local stat
    read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
    stat=${stat##*) }
    [[ -n $stat && ${stat:0:1} != Z ]]
}
now_us() { echo "${EPOCHREALTIME/./}"; }
# wait_until SECONDS COMMAND...: polls COMMAND every $poll seconds (0.05 unless set, e.g.
# `poll=0.5 wait_until ...` for a query that should not load the machine); 1 when it has not
# succeeded in time.
wait_until() {
    local limit=$1
    shift
    local end=$(($(now_us) + limit * 1000000))
    until "$@"; do
        (($(now_us) < end)) || return 1
        sleep "${poll:-0.05}"
    done
}
not_running() { ! running "$1"; }
# wait_exit PID SECONDS: waits for the child PID to end and sets $exit_code; 1 on timeout.
wait_exit() {
    exit_code=""
    wait_until "$2" not_running "$1" || return 1
    exit_code=0
    wait "$1" || exit_code=$?
    unset "live_pids[$1]"
}
# elapsed START_US: seconds since START_US, one decimal.
elapsed() { awk -v a="$1" -v b="$(now_us)" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }
free_port() {
    "$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# smtp_up PORT: an SMTP server answers 220 on PORT.
smtp_up() {
    "$PY" - "$1" <<'EOF' 2>/dev/null
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)
    s.settimeout(2)
    ok = s.recv(3) == b"220"
    s.sendall(b"QUIT\r\n")
    s.close()
except OSError:
    sys.exit(1)
sys.exit(0 if ok else 1)
EOF
}
smtp_down() { ! smtp_up "$1"; }
# start_smtp NAME PORT MAILDIR: aiosmtpd writing to MAILDIR (created with its cur/new/tmp); sets
# smtp_pid; 1 when it does not answer within 15 s.
start_smtp() {
    local name=$1 port=$2 maildir=$3
    mkdir -p "$maildir/cur" "$maildir/new" "$maildir/tmp"
    "${guard[@]}" "$PY" -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$maildir" \
        >>"$tmp/$name.smtp.log" 2>&1 &
    smtp_pid=$!
    live_pids[$smtp_pid]=1
    wait_until 15 smtp_up "$port" && running "$smtp_pid"
}
# stop_smtp PID PORT: SIGTERM, then waits until it is gone and the port refuses connections.
stop_smtp() {
    kill -TERM "$1" 2>/dev/null || true
    wait_exit "$1" 10 || { kill -KILL "$1" 2>/dev/null || true; wait_exit "$1" 5 || true; }
    wait_until 10 smtp_down "$2"
}
# eml_count DIR: the .eml files in DIR (a file transport's folder); 0 when there is no DIR.
eml_count() {
    if [[ -d $1 ]]; then find "$1" -maxdepth 1 -name '*.eml' | wc -l; else echo 0; fi
}
# mail_count MAILDIR: messages in the Maildir.
mail_count() { find "$1/new" "$1/cur" -type f | wc -l; }

# The messages of a Maildir (or of a folder of .eml files) as JSON lines, one per message: message_id, subject (decoded), subject_raw,
# subject_ascii (the raw header is ASCII only), from, to, rcpt (the envelope recipient aiosmtpd
# recorded), date (ISO, parsed from Date), content_type, charset, body (decoded text).
# `scan_ids MAILDIR` prints only the Message-IDs, one a line.
cat >"$tmp/scan_maildir.py" <<'EOF'
import email, email.utils, json, os, sys
from email.header import decode_header, make_header

def messages(folder):
    """A Maildir's messages (new/ and cur/), or the *.eml files of a folder."""
    if os.path.isdir(os.path.join(folder, "new")):
        paths = [os.path.join(folder, sub, name) for sub in ("new", "cur")
                 for name in sorted(os.listdir(os.path.join(folder, sub)))]
    else:
        paths = [os.path.join(folder, name) for name in sorted(os.listdir(folder))
                 if name.endswith(".eml")]
    for path in paths:
        with open(path, "rb") as f:
            yield email.message_from_binary_file(f)

mode, maildir = sys.argv[1], sys.argv[2]
out = sys.stdout
for m in messages(maildir):
    mid = (m.get("Message-ID") or "").strip()
    if mode == "ids":
        out.write(mid + "\n")
        continue
    raw = m.get("Subject") or ""
    try:
        subject = str(make_header(decode_header(raw)))
    except Exception as e:
        subject = "UNDECODABLE: %s" % e
    try:
        date = email.utils.parsedate_to_datetime(m.get("Date")).isoformat()
    except Exception:
        date = ""
    charset = m.get_content_charset() or ""
    try:
        body = m.get_payload(decode=True).decode(charset or "ascii")
    except Exception as e:
        body = "UNDECODABLE: %s" % e
    to = str(make_header(decode_header(m.get("To") or "")))
    out.write(json.dumps({
        "message_id": mid, "subject": subject, "subject_raw": raw,
        "subject_ascii": all(ord(c) < 128 for c in raw),
        "from": m.get("From") or "", "to": to, "rcpt": m.get("X-RcptTo") or "",
        "date": date, "content_type": m.get_content_type(), "charset": charset.lower(),
        "body": body}, ensure_ascii=False) + "\n")
EOF
scan() { "$PY" "$tmp/scan_maildir.py" full "$1"; }
scan_ids() { "$PY" "$tmp/scan_maildir.py" ids "$1"; }

# ---- databases ---------------------------------------------------------------------------------
# new_db NAME: a fresh, empty database; prints its URL.
case $BACKEND in
sqlite)
    new_db() { echo "sqlite:$tmp/$1.db"; }
    # q URL SQL: rows on stdout, columns separated by '|'.
    q() { sqlite3 -batch -noheader "${1#sqlite:}" "$2"; }
    ;;
postgresql://* | postgres://*)
    command -v psql >/dev/null || { echo "psql is needed for $BACKEND" >&2; exit 1; }
    pg_admin_url=$BACKEND
    url_query=""
    [[ $BACKEND == *\?* ]] && url_query="?${BACKEND#*\?}"
    url_base=${BACKEND%%\?*}
    run_id="$(date +%s)_$$_${RANDOM}${RANDOM}"
    new_db() {
        local name="tilsyn_mail_${1}_$run_id"
        psql "$pg_admin_url" -XAtq -v ON_ERROR_STOP=1 -c "CREATE DATABASE $name" >/dev/null ||
            { echo "cannot create database $name through $pg_admin_url" >&2; return 1; }
        echo "${url_base%/*}/$name$url_query"
    }
    q() { psql "$1" -XAtq -v ON_ERROR_STOP=1 -c "$2"; }
    ;;
*)
    echo "second argument: sqlite, postgres or a postgresql:// URL, not '$BACKEND'" >&2
    exit 2
    ;;
esac
postgres_backend() { [[ -n $pg_admin_url ]]; }
# make_db NAME: sets DB to a fresh database (recorded for dropping).
make_db() {
    DB=$(new_db "$1")
    if postgres_backend; then
        local base=${DB%%\?*}
        pg_databases+=("${base##*/}")
    fi
}
count() { q "$1" "$2" | tr -d '[:space:]'; }

# run NAME DB CONFIG ARGS...: tilsyn ARGS --db DB --config CONFIG; stdout in $tmp/NAME.out,
# stderr in $tmp/NAME.err, the exit code in $code.
run() {
    local name=$1 db=$2 config=$3
    shift 3
    code=0
    "$TILSYN" "$@" --db "$db" --config "$config" >"$tmp/$name.out" 2>"$tmp/$name.err" || code=$?
}
# expect0 NAME DB CONFIG ARGS...: run, and a check that it exits 0.
expect0() {
    run "$@"
    local name=$1
    shift 3
    if [[ $code -eq 0 ]]; then
        pass "$name: tilsyn $* exits 0"
    else
        fail "$name: tilsyn $*: exit $code" "$tmp/$name.out" "$tmp/$name.err"
    fi
}

# copy_config DIR TRANSPORT [FIRST]: config/aarhus.yaml copied to DIR/aarhus.yaml (with
# config/templates when it names templates) with mail.transport set to TRANSPORT and, with
# FIRST, the quality-report-6-18 cycles starting on FIRST instead of 2026-08-03; prints the path.
copy_config() {
    local dir=$1 transport=$2 first=${3:-}
    mkdir -p "$dir"
    sed "s|^\(  transport: \)\"[^\"]*\"|\1\"$transport\"|" "$SOURCE_CONFIG" >"$dir/aarhus.yaml"
    grep -q "^  transport: \"$transport\"" "$dir/aarhus.yaml" ||
        { echo "could not set the mail transport in $dir/aarhus.yaml" >&2; return 1; }
    if grep -q '^ *templates:' "$SOURCE_CONFIG" && [[ -d $SOURCE_DIR/templates ]]; then
        cp -r "$SOURCE_DIR/templates" "$dir/"
    fi
    [[ -z $first ]] || set_first "$dir/aarhus.yaml" "$first"
    without_learning_dialogue "$dir/aarhus.yaml"
    echo "$dir/aarhus.yaml"
}
# without_learning_dialogue FILE: drops the learning-dialogue cycle (the last list item under
# `cycles:`), so this test's mail counts are the quality report's alone.
without_learning_dialogue() {
    "$PY" - "$1" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
start = text.find("\n  - id: learning-dialogue\n")
if start < 0:
    sys.exit("no learning-dialogue cycle in " + path)
end = text.find("\n  - id: ", start + 1)
text = text[:start + 1] + (text[end + 1:] if end >= 0 else "")
open(path, "w", encoding="utf-8").write(text)
PY
}
# set_first FILE DATE: the 6-18 quality report cycles start on DATE.
set_first() {
    sed -i "s/starts: { first: 2026-08-03, every: 2 years }/starts: { first: $2, every: 2 years }/" "$1"
    [[ $(grep -c "starts: { first: $2, every: 2 years }" "$1") -eq 1 ]] ||
        { echo "could not move the start of quality-report-6-18 in $1" >&2; return 1; }
}
# big_config FILE N TRANSPORT: bench/make_config.py's N institutions with TRANSPORT.
big_config() {
    "$PY" "$MAKE_CONFIG" --institutions "$2" --out "$1"
    without_learning_dialogue "$1"
    sed -i "s|^\(  transport: \)\"[^\"]*\"|\1\"$3\"|" "$1"
    grep -q "^  transport: \"$3\"" "$1" || { echo "could not set the transport in $1" >&2; return 1; }
}

# A start date on the real clock: the Monday 16 weeks ago. quality_report (start + 10 weeks) is
# then 6 weeks overdue, past both escalations (1 and 10 working days), on any date.
today=$(TZ=Europe/Copenhagen date +%F)
REAL_START=$(date -d "$today -16 weeks -$(($(date -d "$today -16 weeks" +%u) - 1)) days" +%F)
# local_time [DATE-SPEC]: a TIME for --at, in the configured zone (now by default).
local_time() { TZ=Europe/Copenhagen date -d "${1:-now}" +%Y-%m-%dT%H:%M:%S%:z; }

t_all=$(now_us)
echo "# backend: ${pg_admin_url:+postgresql via }${pg_admin_url:-sqlite}; temp $tmp; real date $today; serve cycles start $REAL_START"

# =================================================================================================
# 1. SMTP delivery to a real server
# =================================================================================================
t=$(now_us)
echo "# 1. SMTP delivery of the first reminders"
make_db s1
DB1=$DB
PORT1=$(free_port)
MAIL1=$tmp/maildir1
CONFIG1=$(copy_config "$tmp/s1" "smtp://127.0.0.1:$PORT1")
if start_smtp s1 "$PORT1" "$MAIL1"; then
    pass "aiosmtpd answers on 127.0.0.1:$PORT1"
else
    fail "aiosmtpd did not start on 127.0.0.1:$PORT1" "$tmp/s1.smtp.log"
    echo "$passed passed, $failed failed"
    exit 1
fi
SMTP1=$smtp_pid

expect0 migrate1 "$DB1" "$CONFIG1" migrate
run open1 "$DB1" "$CONFIG1" tick --at 2026-08-03T09:00
if [[ $code -eq 0 ]] && grep -qE '(^|[^0-9])64 cycles opened' "$tmp/open1.out"; then
    pass "tick at 2026-08-03T09:00 opens 64 cycles"
else
    fail "tick at 2026-08-03T09:00: exit $code, expected '64 cycles opened'" "$tmp/open1.out" "$tmp/open1.err"
fi

run remind1 "$DB1" "$CONFIG1" tick --at 2026-09-28T09:00
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
                    and (.subject | contains("2026-10-12")) | not) | .message_id' "$tmp/mail1.jsonl")
if [[ -z $bad ]]; then
    pass "every body is Danish UTF-8 text with the due date (12. oktober 2026) and a dashboard link"
else
    fail "bodies without the due date or the dashboard link" "$bad" "$(jq -r '.body' "$tmp/mail1.jsonl" | head -12)"
fi

run remind1b "$DB1" "$CONFIG1" tick --at 2026-09-28T09:00
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
run down2 "$DB1" "$CONFIG1" tick --at 2026-10-07T09:00
queued=$(sed -nE 's/.* ([0-9]+) mails queued.*/\1/p' "$tmp/down2.out")
queued=${queued:-0}
if [[ $code -eq 0 && $queued -eq 64 ]] &&
    grep -qE ': 0 sent, 64 to retry, 0 given up, 64 waiting' "$tmp/down2.out"; then
    pass "tick at 2026-10-07T09:00 with the server down: 64 second reminders queued, 0 sent, 64 to retry"
else
    fail "tick at 2026-10-07T09:00 (server down): exit $code, $queued queued; expected 64 and '0 sent, 64 to retry, 0 given up, 64 waiting'" \
        "$tmp/down2.out" "$tmp/down2.err"
fi
run list2 "$DB1" "$CONFIG1" outbox list --status pending
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

if start_smtp s1 "$PORT1" "$MAIL1"; then
    pass "aiosmtpd is back on 127.0.0.1:$PORT1"
else
    fail "aiosmtpd did not restart on 127.0.0.1:$PORT1" "$tmp/s1.smtp.log"
fi
SMTP1=$smtp_pid

run early2 "$DB1" "$CONFIG1" tick --at 2026-10-07T09:00:30
n=$(mail_count "$MAIL1")
if [[ $code -eq 0 && $n -eq 64 ]] && grep -qE ': 0 sent, 0 to retry, 0 given up, 64 waiting' "$tmp/early2.out"; then
    pass "tick at 09:00:30, before the retry is due: nothing sent, 64 waiting"
else
    fail "tick at 2026-10-07T09:00:30: exit $code, Maildir $n (expected 64), expected '0 sent, ..., 64 waiting'" \
        "$tmp/early2.out" "$tmp/early2.err"
fi

run up2 "$DB1" "$CONFIG1" tick --at 2026-10-07T09:05
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
make_db s3
DB3=$DB
CONFIG3=$(copy_config "$tmp/s3" "file:mail" "$REAL_START")
MAIL3=$tmp/s3/mail
expect0 migrate3 "$DB3" "$CONFIG3" migrate
run open3 "$DB3" "$CONFIG3" tick --at "${REAL_START}T09:00" --no-mail
opened3=$(sed -nE 's/.* ([0-9]+) cycles opened.*/\1/p' "$tmp/open3.out")
if [[ $code -eq 0 && ${opened3:-0} -ge 64 ]]; then
    pass "tick at ${REAL_START}T09:00 opens $opened3 cycles"
else
    fail "tick at ${REAL_START}T09:00: exit $code, ${opened3:-no} cycles opened, expected at least 64" "$tmp/open3.out" "$tmp/open3.err"
fi

"${guard[@]}" "$TILSYN" serve --listen "127.0.0.1:$(free_port)" --node serve-3 --db "$DB3" --config "$CONFIG3" \
    >"$tmp/serve3.log" 2>&1 &
SERVE3=$!
live_pids[$SERVE3]=1
t_serve=$(now_us)
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
sed -e 's|^\(  transport: \)"[^"]*"|\1"file:mail-b"|' \
    -e 's|^\(  from: \)"[^"]*"|\1"Tilsyn Aarhus <tilsyn-ny@example.dk>"|' \
    -e "s/starts: { first: 2027-08-02, every: 2 years }/starts: { first: $REAL_START, every: 2 years }/" \
    "$tmp/s3/valid.yaml" >"$tmp/s3/changed.yaml"
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
make_db s4
DB4=$DB
PORT4=$(free_port)
MAIL4=$tmp/maildir4
mkdir -p "$tmp/s4"
CONFIG4=$tmp/s4/big.yaml
big_config "$CONFIG4" 2000 "smtp://127.0.0.1:$PORT4"
set_first "$CONFIG4" "$REAL_START"
if start_smtp s4 "$PORT4" "$MAIL4"; then pass "aiosmtpd answers on 127.0.0.1:$PORT4"; else fail "aiosmtpd did not start on $PORT4" "$tmp/s4.smtp.log"; fi
SMTP4=$smtp_pid
expect0 migrate4 "$DB4" "$CONFIG4" migrate
run open4 "$DB4" "$CONFIG4" tick --at "${REAL_START}T09:00" --no-mail
opened4=$(sed -nE 's/.* ([0-9]+) cycles opened.*/\1/p' "$tmp/open4.out")
if [[ $code -eq 0 && ${opened4:-0} -ge 1000 ]]; then
    pass "2000 institutions: tick at ${REAL_START}T09:00 opens $opened4 cycles"
else
    fail "tick at ${REAL_START}T09:00 on 2000 institutions: exit $code, ${opened4:-no} cycles opened" "$tmp/open4.out" "$tmp/open4.err"
fi

"${guard[@]}" "$TILSYN" serve --listen "127.0.0.1:$(free_port)" --node crash-a --db "$DB4" --config "$CONFIG4" \
    >"$tmp/serve4a.log" 2>&1 &
SERVE4A=$!
live_pids[$SERVE4A]=1
t_serve=$(now_us)
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

"${guard[@]}" "$TILSYN" serve --listen "127.0.0.1:$(free_port)" --node crash-b --db "$DB4" --config "$CONFIG4" \
    >"$tmp/serve4b.log" 2>&1 &
SERVE4B=$!
live_pids[$SERVE4B]=1
t_serve=$(now_us)
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
run late4 "$DB4" "$CONFIG4" tick --at "$later"
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
    make_db s5
    DB5=$DB
    PORT5=$(free_port)
    MAIL5=$tmp/maildir5
    mkdir -p "$tmp/s5"
    CONFIG5=$tmp/s5/big.yaml
    # 5000 institutions: 3333 schools and youth clubs, each cycle overdue on 2026-11-24 with
    # two escalations (leader and area chief, then director): 9999 mails.
    big_config "$CONFIG5" 5000 "smtp://127.0.0.1:$PORT5"
    if start_smtp s5 "$PORT5" "$MAIL5"; then pass "aiosmtpd answers on 127.0.0.1:$PORT5"; else fail "aiosmtpd did not start on $PORT5" "$tmp/s5.smtp.log"; fi
    SMTP5=$smtp_pid
    expect0 migrate5 "$DB5" "$CONFIG5" migrate
    run open5 "$DB5" "$CONFIG5" tick --at 2026-08-03T09:00 --no-mail
    if [[ $code -eq 0 ]] && grep -qE '(^|[^0-9])3333 cycles opened' "$tmp/open5.out"; then
        pass "5000 institutions: tick at 2026-08-03T09:00 opens 3333 cycles"
    else
        fail "tick at 2026-08-03T09:00: exit $code, expected '3333 cycles opened'" "$tmp/open5.out" "$tmp/open5.err"
    fi
    AT5=2026-11-24T09:00
    t_race=$(now_us)
    "${guard[@]}" "$TILSYN" tick --at "$AT5" --db "$DB5" --config "$CONFIG5" >"$tmp/race-a.out" 2>"$tmp/race-a.err" &
    RACE_A=$!
    "${guard[@]}" "$TILSYN" tick --at "$AT5" --db "$DB5" --config "$CONFIG5" >"$tmp/race-b.out" 2>"$tmp/race-b.err" &
    RACE_B=$!
    live_pids[$RACE_A]=1
    live_pids[$RACE_B]=1
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
    run audit5 "$DB5" "$CONFIG5" audit verify
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
echo "$passed passed, $failed failed"
((failed == 0)) || exit 1
