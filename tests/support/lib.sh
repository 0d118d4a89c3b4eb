# shellcheck shell=bash disable=SC2034  # (variables set here for the scripts that source it)
# tests/support/lib.sh: the preamble the shell tests (tests/cli/*.sh) and the shell
# benchmarks (bench/*.sh) share. Source it first:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"
#
# It sets `set -Eeuo pipefail` and an EXIT trap that stops the background processes started
# with start_bg (also start_serve, start_smtp) that still run, drops the PostgreSQL databases
# made with make_db and removes $tmp (kept, and named, when keep_tmp=1). Then:
#
#   need_tilsyn PATH            TILSYN=PATH, which must be executable
#   need_command NAME [WHY]     NAME must be on PATH
#   make_tmp NAME               tmp= a new folder ${TMPDIR:-/tmp}/tilsyn-NAME.XXXXXX
#   support_py MODULE ARGS...   /usr/bin/python3 -m support.MODULE (tests/support/*.py)
#   begin_checks, pass, fail, finish
#                               "ok - ..." / "not ok - ..." lines, "N passed, M failed" last
#   run NAME ARGS...            tilsyn ARGS: stdout in $tmp/NAME.out, stderr in $tmp/NAME.err,
#                               the exit status in $code
#   resolve_backend ARG, postgres_backend, make_db NAME, q URL SQL, count URL SQL
#   start_bg, stop_bg, running, wait_until, wait_exit, now_us, elapsed, free_port
#   start_serve LOG ARGS..., start_smtp LOG PORT HANDLER..., stop_smtp, smtp_up
#   copy_config DIR TRANSPORT [EDITS...]
set -Eeuo pipefail

SUPPORT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TESTS_DIR=$(dirname "$SUPPORT_DIR")
SOURCE_DIR=$(dirname "$TESTS_DIR")
# The Debian python: aiosmtpd, dateutil and icalendar are installed for it; `python3` on PATH
# may be another build.
PY=/usr/bin/python3

tmp=""
keep_tmp=0
pg_admin_url=""
pg_databases=()
run_id="$(date +%s)_$$_${RANDOM}${RANDOM}"
# The processes started in the background and not reaped yet (a reaped child's pid may belong
# to someone else by now).
declare -A live_pids=()

_lib_exit() {
    local rc=$? pid name
    for pid in "${!live_pids[@]}"; do
        stop_bg "$pid" 5
    done
    for name in "${pg_databases[@]}"; do
        psql "$pg_admin_url" -XAtq -v ON_ERROR_STOP=1 \
            -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 ||
            echo "warning: could not drop database $name" >&2
    done
    if [[ -n $tmp && $keep_tmp == 1 ]]; then
        echo "kept $tmp"
    elif [[ -n $tmp ]]; then
        rm -rf -- "$tmp"
    fi
    exit "$rc"
}
trap _lib_exit EXIT

# support_py MODULE ARGS...: a module of the tests' Python support package.
support_py() {
    local module=$1
    shift
    PYTHONPATH="$TESTS_DIR${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m "support.$module" "$@"
}

need_tilsyn() {
    TILSYN=$1
    [[ -x $TILSYN ]] || { echo "not executable: $TILSYN (scripts/build builds it)" >&2; exit 1; }
}

need_command() {
    command -v "$1" >/dev/null || { echo "$1 is needed${2:+ ($2)}" >&2; exit 1; }
}

make_tmp() {
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/tilsyn-$1.XXXXXX")
}

# ---- checks --------------------------------------------------------------------------------------
# begin_checks: counts from zero; an unexpected failure (set -e) ends the run saying where, once
# (command substitutions inherit the ERR trap and would repeat it).
begin_checks() {
    passed=0
    failed=0
    trap '_on_error "$LINENO" "$BASH_COMMAND"' ERR
}
_on_error() {
    ((BASH_SUBSHELL == 0)) || return 0
    echo "not ok - aborted at line $1: $2"
    echo "$passed passed, $((failed + 1)) failed"
}
pass() {
    passed=$((passed + 1))
    echo "ok - $1"
}
# fail WHAT [DETAIL...]: each DETAIL a file (shown when not empty) or a text; up to 40 lines of
# each, the first and the last 20 of a longer one.
fail() {
    failed=$((failed + 1))
    echo "not ok - $1"
    shift
    local f
    for f in "$@"; do
        if [[ -f $f ]]; then
            _detail <"$f"
        else
            printf '%s\n' "$f" | _detail
        fi
    done
    return 0
}
_detail() {
    awk '{ line[NR] = $0 }
         END {
             for (i = 1; i <= NR; i++) {
                 if (NR > 40 && i == 21) { print "    | ... " NR - 40 " lines ..."; i = NR - 20; continue }
                 print "    | " line[i]
             }
         }'
}
# finish: the last line; exits 1 when a check failed.
finish() {
    echo "$passed passed, $failed failed"
    ((failed == 0)) || exit 1
}

# run NAME ARGS...: tilsyn ARGS; stdout in $tmp/NAME.out, stderr in $tmp/NAME.err, status in $code.
run() {
    local name=$1
    shift
    code=0
    "$TILSYN" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || code=$?
}

# ---- databases -----------------------------------------------------------------------------------
# resolve_backend ARG: BACKEND=sqlite, or a PostgreSQL URL: ARG itself, or for `postgres` the URL
# of TILSYN_TEST_PG_URL; when that is unset the script exits 77 (skipped), or 1 when
# TILSYN_REQUIRE_POSTGRES=1.
resolve_backend() {
    BACKEND=$1
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
    case $BACKEND in
    sqlite) ;;
    postgresql://* | postgres://*)
        need_command psql "for $BACKEND"
        pg_admin_url=$BACKEND
        ;;
    *)
        echo "backend: sqlite, postgres or a postgresql:// URL, not '$BACKEND'" >&2
        exit 2
        ;;
    esac
}
postgres_backend() { [[ -n $pg_admin_url ]]; }
# make_db NAME: DB= a fresh database: sqlite:$tmp/NAME.db, or on the PostgreSQL server a new
# database with a unique name (runs can share the server), dropped on exit.
make_db() {
    if ! postgres_backend; then
        DB="sqlite:$tmp/$1.db"
        return
    fi
    local name="tilsyn_$1_$run_id" query="" base=${pg_admin_url%%\?*}
    [[ $pg_admin_url == *\?* ]] && query="?${pg_admin_url#*\?}"
    psql "$pg_admin_url" -XAtq -v ON_ERROR_STOP=1 -c "CREATE DATABASE $name" >/dev/null ||
        { echo "cannot create database $name through $pg_admin_url" >&2; exit 1; }
    pg_databases+=("$name")
    DB="${base%/*}/$name$query"
}
# q URL SQL: the rows on stdout, columns separated by '|'.
q() {
    case $1 in
    sqlite:*) sqlite3 -batch -noheader "${1#sqlite:}" "$2" ;;
    *) psql "$1" -XAtq -v ON_ERROR_STOP=1 -c "$2" ;;
    esac
}
# count URL SQL: one number.
count() { q "$1" "$2" | tr -d '[:space:]'; }

# ---- processes -----------------------------------------------------------------------------------
# Background processes get SIGTERM when this script dies, even by SIGKILL (a ctest timeout).
_guard=()
if setpriv --pdeathsig TERM -- true 2>/dev/null; then _guard=(setpriv --pdeathsig TERM --); fi
# start_bg COMMAND...: COMMAND in the background (redirect the call to redirect its output);
# its pid in $bg_pid.
start_bg() {
    "${_guard[@]}" "$@" &
    bg_pid=$!
    live_pids[$bg_pid]=1
}
# running PID: the process exists and is not a zombie (kill -0 succeeds on an unreaped child).
running() {
    local stat
    read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
    stat=${stat##*) }
    [[ -n $stat && ${stat:0:1} != Z ]]
}
not_running() { ! running "$1"; }
now_us() { echo "${EPOCHREALTIME/./}"; }
# elapsed START_US: seconds since START_US, one decimal.
elapsed() { awk -v a="$1" -v b="$(now_us)" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }
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
# wait_exit PID SECONDS: waits for the child PID to end and sets $exit_code; 1 on timeout.
wait_exit() {
    exit_code=""
    wait_until "$2" not_running "$1" || return 1
    exit_code=0
    wait "$1" || exit_code=$?
    unset "live_pids[$1]"
}
# stop_bg PID [SECONDS]: SIGTERM, SIGKILL after SECONDS (10) when it still runs; reaps it (its
# status in $exit_code).
stop_bg() {
    kill -TERM "$1" 2>/dev/null || true
    if ! wait_exit "$1" "${2:-10}"; then
        kill -KILL "$1" 2>/dev/null || true
        wait_exit "$1" 5 || true
    fi
}
free_port() { support_py ports; }

# start_serve LOG ARGS...: `tilsyn serve --listen 127.0.0.1:0 ARGS` in the background, stdout
# and stderr to LOG; waits (60 s) until it listens. Sets serve_pid and serve_port; 1 when it
# exits or does not listen in time.
start_serve() {
    local log=$1
    shift
    start_bg "$TILSYN" serve --listen 127.0.0.1:0 "$@" >"$log" 2>&1
    serve_pid=$bg_pid
    serve_port=""
    wait_until 60 _serve_started "$log" && [[ -n $serve_port ]]
}
_serve_started() {
    serve_port=$(sed -nE 's|.*HTTP API and dashboard on http://127\.0\.0\.1:([0-9]+)/.*|\1|p' "$1")
    [[ -n $serve_port ]] || not_running "$serve_pid"
}

# smtp_up PORT: an SMTP server answers 220 on 127.0.0.1:PORT.
smtp_up() { support_py smtp greets "$1" 2>/dev/null; }
smtp_down() { ! smtp_up "$1"; }
# start_smtp LOG PORT HANDLER [HANDLER-ARGS...]: aiosmtpd on 127.0.0.1:PORT with the handler
# (e.g. aiosmtpd.handlers.Sink), output appended to LOG; sets smtp_pid; 1 when it does not answer
# within 15 s.
start_smtp() {
    local log=$1 port=$2
    shift 2
    start_bg "$PY" -m aiosmtpd -n -l "127.0.0.1:$port" -c "$@" >>"$log" 2>&1
    smtp_pid=$bg_pid
    wait_until 15 smtp_up "$port" && running "$smtp_pid"
}
# stop_smtp PID PORT: stops it and waits until the port refuses connections.
stop_smtp() {
    stop_bg "$1" 10
    wait_until 10 smtp_down "$2"
}

# ---- configuration -------------------------------------------------------------------------------
# copy_config DIR TRANSPORT [EDITS...]: config/aarhus.yaml and its templates copied to DIR, with
# mail.transport set to TRANSPORT (nothing is written outside DIR then) and the EDITS of
# `python3 -m support.config edit` (--first CYCLE=DATE, --drop-cycle CYCLE, ...); prints the path.
copy_config() {
    local dir=$1 transport=$2
    shift 2
    mkdir -p "$dir"
    cp "$SOURCE_DIR/config/aarhus.yaml" "$dir/aarhus.yaml"
    cp -r "$SOURCE_DIR/config/templates" "$dir/"
    support_py config edit "$dir/aarhus.yaml" --transport "$transport" "$@"
    echo "$dir/aarhus.yaml"
}
