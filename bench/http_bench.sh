#!/usr/bin/env bash
# HTTP throughput of `tilsyn serve` measured with wrk (Debian) on loopback.
#
#   bench/http_bench.sh [BUILD_DIR] [DURATION_SECONDS] [INSTITUTIONS]
#
# Setup: bench/make_config.py with 10,000 institutions (or INSTITUTIONS, for a quick check of
# the script) in 20 areas (500 per area), cycles of both age bands opened by
# `tick --at 2027-08-10T09:00`, an area chief for area-01.
#   1. GET /api/v1/cycles?area=area-01 as that chief (every active cycle of the area, ~500):
#      wrk -t1 -c8; requests/s and latency percentiles. Goal: >= 5,000/s, p99 < 20 ms.
#   2. POST /api/v1/cycles/{id}/events: cycle_cancelled as the admin on distinct cycles (each
#      is accepted once, so every request is a real state change, audit row and deadline
#      update). Goal: >= 1,000/s. Non-2xx answers are reported and must be 0.
# SQLite by default; set TILSYN_BENCH_PG_URL=postgresql://... to use a PostgreSQL database.
# shellcheck source=../tests/support/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tests/support/lib.sh"
BUILD=${1:-build}
DURATION=${2:-10}
INSTITUTIONS=${3:-10000}
need_tilsyn "$(cd "$BUILD" && pwd)/tilsyn"
need_command wrk "apt-get install wrk"
make_tmp http-bench

"$PY" "$SOURCE_DIR/bench/make_config.py" --institutions "$INSTITUTIONS" --csv --out "$tmp/config.yaml"
DB=${TILSYN_BENCH_PG_URL:-sqlite:$tmp/bench.db}
C=(--config "$tmp/config.yaml" --db "$DB")
"$TILSYN" migrate "${C[@]}" >/dev/null
echo "# setup: $("$TILSYN" tick "${C[@]}" --at 2027-08-10T09:00 --no-mail | head -1)"
chief=$("$TILSYN" user add "${C[@]}" --email chief.bench@example.dk --role area_chief --area area-01 |
        grep -o 'tls_[0-9a-f]*')

start_serve "$tmp/serve.log" "${C[@]}" || { cat "$tmp/serve.log" >&2; exit 1; }
pid=$serve_pid
admin=$(grep -o 'tls_[0-9a-f]*' "$tmp/serve.log")
url=http://127.0.0.1:$serve_port
rows=$(curl -sf -H "Authorization: Bearer $chief" "$url/api/v1/cycles?area=area-01" |
       "$PY" -c 'import json,sys; print(json.load(sys.stdin)["count"])')
bytes=$(curl -sf -H "Authorization: Bearer $chief" "$url/api/v1/cycles?area=area-01" | wc -c)
echo "# GET /api/v1/cycles?area=area-01: $rows cycles, $bytes bytes per answer"
wrk -t1 -c8 -d"${DURATION}s" --latency -H "Authorization: Bearer $chief" \
    "$url/api/v1/cycles?area=area-01" | tee "$tmp/get.txt"

# Distinct cycle ids (all areas) for the POST run, as a Lua table.
curl -sf -H "Authorization: Bearer $admin" "$url/api/v1/cycles" |
    "$PY" -c '
import json, sys
ids = [c["id"] for c in json.load(sys.stdin)["cycles"] if c["workflow"] == "quality_report"]
print("ids = {" + ",".join(json.dumps(i) for i in ids) + "}")' >"$tmp/ids.lua"
cat >"$tmp/post.lua" <<LUA
dofile("$tmp/ids.lua")
local i = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $admin"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"event":"cycle_cancelled","data":{"reason":"benchmark"}}'
request = function()
  i = i + 1
  if i > #ids then i = 1 end
  return wrk.format(nil, "/api/v1/cycles/" .. ids[i] .. "/events")
end
LUA
n_ids=$(grep -o '","' "$tmp/ids.lua" | wc -l)
# Short, so the ids do not run out (every request an accepted event); accepted/s is counted
# from wrk's totals either way.
post_seconds=2
echo "# POST cycle_cancelled on distinct cycles ($((n_ids + 1)) available), ${post_seconds} s"
wrk -t1 -c4 -d"${post_seconds}s" --latency -s "$tmp/post.lua" "$url" | tee "$tmp/post.txt"
"$PY" - "$tmp/post.txt" "$post_seconds" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
total = int(re.search(r"(\d+) requests in", text).group(1))
refused = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
refused = int(refused.group(1)) if refused else 0
print(f"# POST: {total - refused} events accepted, {refused} refused: "
      f"{(total - refused) / float(sys.argv[2]):.0f} accepted events/s")
PY
echo "# serve RSS after the runs: $(ps -o rss= -p "$pid" | awk '{printf "%.0f MB", $1/1024}')"
