#!/usr/bin/env bash
# The dashboard's lists at scale, measured with wrk (Debian) on loopback.
#
#   bench/dashboard_bench.sh [BUILD_DIR] [DURATION_SECONDS] [INSTITUTIONS]
#
# Setup: bench/make_config.py with 10,000 institutions (or INSTITUTIONS) in 20 areas and two full
# periods of history written by bench/report_history.py (44,024 cycles and cases at 10,000, most
# of them finished), then `serve` on that SQLite file. The director and the chief of area-01
# sign in with a token (a session cookie each). For each page, first one request on its own
# (the person's visible cycles computed from the database), then wrk -t1 -c4 for DURATION
# seconds (mostly answered from what was computed, which is kept up to 1 s):
#   1. the director's "Afventer dig" (/)             goal p99 < 50 ms
#   2. the area chief's "Afventer dig" (/)           goal p99 < 20 ms
#   3. a search in "Alle forløb" (/forloeb?q=…)      goal p99 < 50 ms
# shellcheck source=../tests/support/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tests/support/lib.sh"
BUILD=${1:-build}
DURATION=${2:-10}
INSTITUTIONS=${3:-10000}
need_tilsyn "$(cd "$BUILD" && pwd)/tilsyn"
need_command wrk "apt-get install wrk"
make_tmp dashboard-bench

"$PY" "$SOURCE_DIR/bench/make_config.py" --institutions "$INSTITUTIONS" --csv --out "$tmp/config.yaml"
C=(--config "$tmp/config.yaml" --db "sqlite:$tmp/bench.db")
"$TILSYN" migrate "${C[@]}" >/dev/null
echo "# history: $("$PY" "$SOURCE_DIR/bench/report_history.py" --db "$tmp/bench.db" | tail -1)"
director=$("$TILSYN" user token "${C[@]}" --email mette.holm@example.dk | grep -o 'tls_[0-9a-f]*')
chief_email=$(grep -o 'chief\.area-01@[^"]*' "$tmp/config.yaml" | head -1)
chief=$("$TILSYN" user token "${C[@]}" --email "$chief_email" | grep -o 'tls_[0-9a-f]*')

start_serve "$tmp/serve.log" "${C[@]}" || { cat "$tmp/serve.log" >&2; exit 1; }
url=http://127.0.0.1:$serve_port
cookie() {  # the session cookie a token's sign-in sets
    curl -s -i -X POST --data "token=$1" "$url/login" | tr -d '\r' |
        sed -n 's/^[Ss]et-[Cc]ookie: \(tilsyn_session=[0-9a-f]*\).*/\1/p' | head -1
}
measure() {  # NAME COOKIE PATH
    sleep 1.1  # past what was kept: the first request computes the lists again
    curl -s -o /dev/null -w "# $1: first request %{time_total} s, %{size_download} bytes\n" \
        -H "Cookie: $2" "$url$3"
    echo "# $1: wrk -t1 -c4 -d${DURATION}s $3"
    wrk -t1 -c4 -d"${DURATION}s" --latency -H "Cookie: $2" "$url$3" |
        grep -E 'Requests/sec|  50%|  99%|Non-2xx'
}
director_cookie=$(cookie "$director")
chief_cookie=$(cookie "$chief")
measure "director, Afventer dig" "$director_cookie" /
measure "area chief of area-01, Afventer dig" "$chief_cookie" /
measure "director, search in Alle forløb" "$director_cookie" "/forloeb?q=skole+12&sort=navn"
echo "# serve resident memory: $(ps -o rss= -p "$serve_pid" | awk '{printf "%.0f MB", $1 / 1024}')"
