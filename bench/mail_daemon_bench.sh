#!/usr/bin/env bash
# mail_daemon_bench.sh: the mail and daemon performance goals, measured over the real CLI binary
# (quoted in the README; never run as a test).
#
#   bench/mail_daemon_bench.sh [smtp|memory|latency|all] [options]
#
#   smtp     Delivery to a local SMTP server (aiosmtpd's Sink, /usr/bin/python3): a config of N
#            institutions with mail.transport smtp://127.0.0.1:PORT; migrate; tick 2026-08-03
#            --no-mail (opens cycles); tick 2026-09-28 --no-mail (queues the -14 days reminders);
#            then times `tilsyn tick --at 2026-09-28T09:01`, which delivers the outbox.
#            messages/s = sent / wall time. Also prints the CPU aiosmtpd used meanwhile.
#            Goal: >= 200 messages/s.
#   memory   Daemon resident memory: a config of N institutions (--csv); migrate; tick
#            2026-08-03 --no-mail (opens cycles); then `tilsyn serve` on the real clock with a
#            file transport into WORKDIR/memmail. VmRSS/VmHWM from /proc/PID/status after
#            startup and after its first pass (tick plus mail delivery run dry), then SIGTERM.
#            Goal: < 100 MB (VmHWM). make_config.py allows at most 99,999 institutions.
#   latency  From a due moment to the reminder queued, with M pending deadlines: a config of
#            2,000 institutions, cycles opened, then M open reminders/escalations inserted
#            directly with SQL (fire_at scattered over 2027-2035, like workflow_bench's
#            tick-idle). The level-1 reminders of K cycles are moved to 2026-08-10 09:00 plus
#            k minutes; then K `tilsyn tick --at <that minute> --no-mail` each queue exactly
#            one reminder, and their wall times are the latency (a daemon wakes at the due
#            moment, so what it adds is its tick). The CLI's times include process start,
#            config load and database open, an upper bound on the daemon's in-process tick;
#            K idle ticks (nothing due) are timed too for comparison.
#            Goal: p99 < 50 ms.
#
# Options:
#   --smtp-institutions N     (2000)
#   --port PORT               SMTP port of aiosmtpd (2525)
#   --mem-institutions N      (99999)
#   --mem-wait S              memory: longest wait for the outbox to drain, seconds (900)
#   --latency-deadlines M     (1000000)
#   --latency-ticks K         (100)
#   --workdir DIR             scratch directory (a fresh mktemp -d under /tmp; kept with --keep)
#   --keep                    keep the workdir
#   --build DIR               build directory holding tilsyn (build)
#
# Each part prints one summary line: "SUMMARY <goal>: <figure> (goal <goal>): meets|MISSES".
# shellcheck source=../tests/support/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tests/support/lib.sh"
WHAT=all
SMTP_N=2000
PORT=2525
MEM_N=99999
MEM_WAIT=900
LAT_M=1000000
LAT_K=100
WORKDIR=""
BUILD="$SOURCE_DIR/build"

while [[ $# -gt 0 ]]; do
    case "$1" in
        smtp|memory|latency|all) WHAT="$1" ;;
        --smtp-institutions) SMTP_N="$2"; shift ;;
        --port) PORT="$2"; shift ;;
        --mem-institutions) MEM_N="$2"; shift ;;
        --mem-wait) MEM_WAIT="$2"; shift ;;
        --latency-deadlines) LAT_M="$2"; shift ;;
        --latency-ticks) LAT_K="$2"; shift ;;
        --workdir) WORKDIR="$2"; shift ;;
        --keep) keep_tmp=1 ;;
        --build) BUILD="$2"; shift ;;
        -h|--help) sed -n '2,40p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done

need_tilsyn "$BUILD/tilsyn"
if [[ -z "$WORKDIR" ]]; then make_tmp mail-daemon-bench; WORKDIR=$tmp; fi
mkdir -p "$WORKDIR"
WORKDIR="$(cd "$WORKDIR" && pwd)"
tmp=$WORKDIR  # removed on exit unless --keep

SUMMARY=()
summary() {  # name figure goal ok(0/1)
    local verdict=MISSES
    [[ "$4" == 1 ]] && verdict=meets
    local line="SUMMARY $1: $2 (goal $3): $verdict"
    echo "$line"
    SUMMARY+=("$line")
}
now_ns() { date +%s%N; }
ms_since() { echo "scale=3; ($(now_ns) - $1) / 1000000" | bc; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# config FILE N [--csv]: a make_config.py config with the transport $TRANSPORT
config() {
    local file="$1" n="$2"; shift 2
    "$PY" "$SOURCE_DIR/bench/make_config.py" --institutions "$n" --out "$file" \
        --transport "$TRANSPORT" "$@"
}
timed() {  # label command...: runs it, prints its output and wall time
    local label="$1"; shift
    local s; s=$(now_ns)
    "$@"
    echo "  [$label: $(ms_since "$s") ms]"
}

echo "mail_daemon_bench: $(nproc) cores, $TILSYN, workdir $WORKDIR"

# ---------------------------------------------------------------------------------------------
bench_smtp() {
    echo; echo "== smtp: delivery of the queued outbox to aiosmtpd (Sink) on 127.0.0.1:$PORT, $SMTP_N institutions"
    local dir="$WORKDIR/smtp"; mkdir -p "$dir"
    TRANSPORT="smtp://127.0.0.1:$PORT" config "$dir/smtp.yaml" "$SMTP_N"
    local C=(--config "$dir/smtp.yaml" --db "sqlite:$dir/smtp.db")
    start_smtp "$dir/aiosmtpd.log" "$PORT" aiosmtpd.handlers.Sink ||
        { cat "$dir/aiosmtpd.log"; echo "aiosmtpd did not start on $PORT" >&2; return 1; }
    local smtpd=$smtp_pid
    timed migrate "$TILSYN" migrate "${C[@]}"
    timed "open tick" "$TILSYN" tick --at 2026-08-03T09:00 --no-mail "${C[@]}"
    timed "queue tick" "$TILSYN" tick --at 2026-09-28T09:00 --no-mail "${C[@]}"
    local c0 c1 s out ms sent
    c0=$(cpu_ticks "$smtpd")
    s=$(now_ns)
    out=$(/usr/bin/time -o "$dir/tick.time" -f "%U %S" "$TILSYN" tick --at 2026-09-28T09:01 "${C[@]}")
    ms=$(ms_since "$s")
    c1=$(cpu_ticks "$smtpd")
    echo "$out"
    sent=$(sed -n 's/.*: \([0-9]*\) sent,.*/\1/p' <<<"$out")
    [[ -n "$sent" && "$sent" -gt 0 ]] || { echo "nothing sent" >&2; return 1; }
    local rate smtpd_cpu_ms share
    rate=$(echo "scale=1; $sent * 1000 / $ms" | bc)
    smtpd_cpu_ms=$(( (c1 - c0) * 1000 / $(getconf CLK_TCK) ))
    share=$(echo "scale=0; $smtpd_cpu_ms * 100 / $ms" | bc)
    # Tilsyn's own CPU (user + system of the whole tick, start-up included) per message.
    local per_message
    per_message=$(awk -v n="$sent" '{printf "%.3f", ($1 + $2) * 1000 / n}' "$dir/tick.time")
    echo "  delivery tick: $sent messages in $ms ms = $rate messages/s; aiosmtpd CPU meanwhile" \
         "$smtpd_cpu_ms ms ($share% of the wall time; near 100% would mean the server is the bottleneck);" \
         "tilsyn's CPU $per_message ms per message"
    stop_bg "$smtpd"
    summary "smtp delivery" "$rate messages/s ($sent in $ms ms, aiosmtpd at $share% CPU)" \
        ">= 200 messages/s" "$(echo "$rate >= 200" | bc)"
    summary "smtp, tilsyn's CPU per message" "$per_message ms" "< 0.2 ms" \
        "$(echo "$per_message < 0.2" | bc)"
}

# ---------------------------------------------------------------------------------------------
bench_memory() {
    echo; echo "== memory: tilsyn serve with $MEM_N institutions (CSV), file transport"
    local dir="$WORKDIR/memory"; mkdir -p "$dir/memmail"
    TRANSPORT="file:$dir/memmail" config "$dir/mem.yaml" "$MEM_N" --csv
    local C=(--config "$dir/mem.yaml" --db "sqlite:$dir/mem.db")
    timed migrate "$TILSYN" migrate "${C[@]}"
    timed "open tick" "$TILSYN" tick --at 2026-08-03T09:00 --no-mail "${C[@]}"
    local log="$dir/serve.log"
    local s; s=$(now_ns)
    start_serve "$log" "${C[@]}" || { cat "$log"; echo "serve did not start" >&2; return 1; }
    local pid=$serve_pid
    local rss0 hwm0; rss0=$(status_kb "$pid" VmRSS); hwm0=$(status_kb "$pid" VmHWM)
    echo "  after startup ($(ms_since "$s") ms): VmRSS $((rss0 / 1024)) MB, VmHWM $((hwm0 / 1024)) MB"
    # First pass: the tick (logged when it does anything), then mail delivery until the outbox
    # has nothing pending (at most MEM_WAIT seconds; the delivery may take long).
    local n maxrss=$rss0 r pending=-1 rss_tick="" hwm_tick=""
    for _ in $(seq $((MEM_WAIT * 2))); do
        kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "serve died" >&2; return 1; }
        r=$(status_kb "$pid" VmRSS); (( r > maxrss )) && maxrss=$r
        if [[ -z "$rss_tick" ]] && grep -q "info tick " "$log"; then
            rss_tick=$r; hwm_tick=$(status_kb "$pid" VmHWM)
            echo "  after the first tick ($(ms_since "$s") ms): VmRSS $((rss_tick / 1024)) MB, VmHWM $((hwm_tick / 1024)) MB"
        fi
        if [[ -n "$rss_tick" ]]; then
            pending=$(sqlite3 "$dir/mem.db" "SELECT count(*) FROM outbox WHERE status = 'pending'" 2>/dev/null || echo -1)
            [[ "$pending" == 0 ]] && break
        fi
        sleep 0.5
    done
    n=$(sqlite3 "$dir/mem.db" "SELECT count(*) FROM outbox WHERE status = 'sent'" 2>/dev/null || echo "?")
    [[ "$pending" == 0 ]] || echo "  (stopped waiting after ${MEM_WAIT} s with $pending mails still pending)"
    local rss1 hwm1; rss1=$(status_kb "$pid" VmRSS); hwm1=$(status_kb "$pid" VmHWM)
    echo "  after the first pass ($(ms_since "$s") ms, $n mail files): VmRSS $((rss1 / 1024)) MB," \
         "VmHWM $((hwm1 / 1024)) MB (sampled max VmRSS $((maxrss / 1024)) MB)"
    sed -n '1,20p' "$log" | sed 's/^/  serve| /'
    stop_bg "$pid" 60
    tail -n 2 "$log" | sed 's/^/  serve| /'
    summary "daemon memory" "VmHWM $((hwm1 / 1024)) MB, VmRSS $((rss1 / 1024)) MB after the first pass ($MEM_N institutions, $n mails sent)" \
        "< 100 MB" "$(( hwm1 < 100 * 1024 ? 1 : 0 ))"
}

# ---------------------------------------------------------------------------------------------
p_of() {  # quantile q of the numbers on stdin (nearest rank)
    sort -n | awk -v q="$1" '{a[NR] = $1} END {i = int(q * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR; print a[i]}'
}
bench_latency() {
    echo; echo "== latency: due moment to reminder queued by tilsyn serve, $LAT_M extra open deadlines, $LAT_K reminders"
    local dir="$WORKDIR/latency"; mkdir -p "$dir/mail"
    TRANSPORT="file:$dir/mail" config "$dir/lat.yaml" 2000
    local C=(--config "$dir/lat.yaml" --db "sqlite:$dir/lat.db")
    local db="$dir/lat.db"
    timed migrate "$TILSYN" migrate "${C[@]}"
    timed "open tick" "$TILSYN" tick --at 2026-08-03T09:00 --no-mail "${C[@]}"
    local cycles; cycles=$(sqlite3 "$db" "SELECT count(*) FROM cycles")
    (( cycles >= LAT_K )) || { echo "only $cycles cycles for $LAT_K reminders" >&2; return 1; }
    local first span=$((9 * 365 * 24 * 3600)) s
    first=$(date -d 2027-01-04T08:00:00+01:00 +%s)
    s=$(now_ns)
    # M reminders/escalations over the cycles, fire_at pseudo-random over 2027-2035 (as
    # workflow_bench's tick-idle): in the firing index, never due during the run.
    sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
CREATE TEMP TABLE cyc (n INTEGER PRIMARY KEY, id TEXT);
INSERT INTO cyc SELECT row_number() OVER (ORDER BY id) - 1, id FROM cycles;
WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < $LAT_M)
INSERT INTO deadlines (cycle_id, step, round, kind, level, due_on, fire_at, done)
SELECT (SELECT id FROM cyc WHERE n = i % $cycles),
       CASE (i / 4) % 5 WHEN 0 THEN 'board_statement' WHEN 1 THEN 'quality_conversation'
            WHEN 2 THEN 'development_plan' WHEN 3 THEN 'plan_approval' ELSE 'publication' END,
       i / 20 % 50,
       CASE WHEN i % 4 < 2 THEN 'reminder' ELSE 'escalation' END,
       i % 2 + 1,
       date($first + ((i * 2654435761) % $span), 'unixepoch'),
       $first + ((i * 2654435761) % $span),
       0
FROM seq;
COMMIT;
ANALYZE;
SQL
    echo "  inserted $LAT_M deadlines with SQL in $(ms_since "$s") ms;" \
         "open deadlines now $(sqlite3 "$db" "SELECT count(*) FROM deadlines WHERE done = 0")"
    # Probes: LAT_K cycles get all their deadlines shifted so that their first (-14 days)
    # reminder falls on t0 + k * gap (real clock), their quality report due 14 days later.
    # The daemon is started after this and wakes at each of them by itself.
    local gap=2 t0
    t0=$(( $(date +%s) + 60 ))
    sqlite3 "$db" >/dev/null <<SQL
BEGIN;
CREATE TEMP TABLE probe AS
    SELECT row_number() OVER (ORDER BY d.id) - 1 AS k, d.cycle_id, d.fire_at AS old
    FROM deadlines d
    WHERE d.kind = 'reminder' AND d.level = 1 AND d.step = 'quality_report' AND d.done = 0
    ORDER BY d.id LIMIT $LAT_K;
UPDATE deadlines SET
    fire_at = fire_at + ($t0 + (SELECT k FROM probe p WHERE p.cycle_id = deadlines.cycle_id) * $gap
                         - (SELECT old FROM probe p WHERE p.cycle_id = deadlines.cycle_id)),
    due_on = date(unixepoch(due_on) + ($t0 + (SELECT k FROM probe p WHERE p.cycle_id = deadlines.cycle_id) * $gap
                         - (SELECT old FROM probe p WHERE p.cycle_id = deadlines.cycle_id)), 'unixepoch')
WHERE step = 'quality_report' AND cycle_id IN (SELECT cycle_id FROM probe);
COMMIT;
SELECT fire_at FROM deadlines WHERE kind = 'reminder' AND level = 1 AND step = 'quality_report'
    AND cycle_id IN (SELECT cycle_id FROM probe) ORDER BY fire_at;
SQL
    sqlite3 "$db" "SELECT fire_at FROM deadlines WHERE kind = 'reminder' AND level = 1 AND step = 'quality_report' AND fire_at >= $t0 AND fire_at < $t0 + $LAT_K * $gap ORDER BY fire_at" >"$dir/probes.txt"
    [[ $(wc -l <"$dir/probes.txt") -eq $LAT_K ]] || { echo "probe setup failed" >&2; return 1; }
    local log="$dir/serve.log"
    TZ=UTC start_serve "$log" "${C[@]}" || { cat "$log"; echo "serve did not start" >&2; return 1; }
    local pid=$serve_pid
    local last=$(( t0 + (LAT_K - 1) * gap ))
    echo "  serve started; startup pass (overdue escalations of the other cycles), then the" \
         "probes from $(date -u -d "@$t0" +%T) to $(date -u -d "@$last" +%T) UTC"
    while (( $(date +%s) < last + 3 )); do
        kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "serve died" >&2; return 1; }
        sleep 1
    done
    stop_bg "$pid" 60
    # Each probe: the first log line "tick ...: ... 1 reminders" at or after its fire_at; the
    # latency is that line's timestamp (written after the tick's transaction committed) minus
    # the due moment.
    "$PY" - "$dir/probes.txt" "$log" >"$dir/latencies.txt" <<'PY'
import sys, re, datetime
probes = [int(x) for x in open(sys.argv[1]).read().split()]
lines = []
for line in open(sys.argv[2], encoding="utf-8", errors="replace"):
    m = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \S+ tick .*?: 0 cycles opened, (\d+) reminders", line)
    if m:
        t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
        lines.append((t.timestamp(), int(m.group(2))))
for p in probes:
    after = [t for t, n in lines if t >= p and n >= 1]
    print("%.3f" % ((after[0] - p) * 1000) if after else "missing")
PY
    if grep -q missing "$dir/latencies.txt"; then
        echo "  $(grep -c missing "$dir/latencies.txt") probes without a tick line; serve log:"; tail -n 20 "$log"
        return 1
    fi
    local p50 p99 pmax
    p50=$(p_of 0.5 <"$dir/latencies.txt"); p99=$(p_of 0.99 <"$dir/latencies.txt"); pmax=$(p_of 1 <"$dir/latencies.txt")
    echo "  $LAT_K reminders: due moment to tick logged: median $p50 ms, p99 $p99 ms, max $pmax ms"
    grep -m 3 " 1 reminders" "$log" | sed 's/^/  serve| /'
    summary "due-to-queued latency" "p99 $p99 ms (median $p50 ms) over $LAT_K reminders queued by serve, $LAT_M+ open deadlines" \
        "p99 < 50 ms" "$(echo "$p99 < 50" | bc)"
}

case "$WHAT" in
    smtp) bench_smtp ;;
    memory) bench_memory ;;
    latency) bench_latency ;;
    all) bench_smtp; bench_memory; bench_latency ;;
esac
echo
printf '%s\n' "${SUMMARY[@]}"
