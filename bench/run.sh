#!/bin/sh
# run.sh -- measures the API on the Jiangmen demo with wrk: requests per
# second and latency of the main reads and of filing progress reports, peak
# resident memory and start-up time. The answer cache serving the same list
# from memory is the ceiling for a response of that size. Loopback only;
# each run is bounded.
# Usage: bench/run.sh [./plenum]   (make bench)
set -eu
PLENUM=$(cd "$(dirname "${1:-./plenum}")" && pwd)/$(basename "${1:-./plenum}")
DUR=${BENCH_SECONDS:-5}
CONN=${BENCH_CONNECTIONS:-16}
TMP=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$TMP"' EXIT
export PLENUM_TODAY=2026-11-25
"$PLENUM" --db "$TMP/b.db" demo >/dev/null
SCALE=${BENCH_SCALE:-0.1}
# The province-scale dataset of DESIGN.md section 6, at BENCH_SCALE (1.0 = full).
sqlite3 "$TMP/b.db" -cmd ".parameter set :scale $SCALE" < "$(dirname "$0")/gen.sql" >/dev/null
echo "dataset at scale $SCALE: $(sqlite3 "$TMP/b.db" "select (select count(*) from task) || ' tasks, ' ||
	(select count(*) from progress_report) || ' progress reports, ' || (select count(*) from attendance) ||
	' attendance rows, ' || (select count(*) from meeting) || ' meetings'")"
PORT=$((20000 + $$ % 10000))
START=$(date +%s%N)
"$PLENUM" --db "$TMP/b.db" serve --quiet --listen 127.0.0.1:$PORT >"$TMP/serve.out" 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null; do sleep 0.01; done
echo "start-up: $(( ($(date +%s%N) - START) / 1000000 )) ms (to the first answer)"
TOKEN=$("$PLENUM" --db "$TMP/b.db" user token secretary --name bench)
H="Authorization: Bearer $TOKEN"
B="http://127.0.0.1:$PORT/api/v1"

MAXID=$(sqlite3 "$TMP/b.db" "select max(id) from task")
cat >"$TMP/uncached.lua" <<LUA
-- a different full page each time, so the answer cache cannot help: the
-- cursor is the base-36 id of the task before the page, as the server gives
local function b36(n)
	local s, d = "", "0123456789abcdefghijklmnopqrstuvwxyz"
	repeat local r = n % 36; s = d:sub(r + 1, r + 1) .. s; n = math.floor(n / 36) until n == 0
	return s
end
request = function()
	return wrk.format(nil, "/api/v1/tasks?limit=100&cursor=c" .. b36(math.random(1, $MAXID - 200)))
end
LUA
NTASKS=$(sqlite3 "$TMP/b.db" "select count(*) from task where key like 'bt-%'")
cat >"$TMP/report.lua" <<LUA
-- each report to another of the generated tasks, as units file them
-- (wrk.format without headers keeps those of -H, the token among them)
wrk.headers["Content-Type"] = "application/json"
request = function()
	return wrk.format("POST", "/api/v1/tasks/bt-" .. math.random(1, $NTASKS) .. "/reports",
		nil, '{"percent": 55, "done": "bench progress report"}')
end
LUA

run() {
	name=$1; shift
	printf '%-34s ' "$name"
	wrk -t2 -c"$CONN" -d"${DUR}s" --latency -H "$H" "$@" 2>&1 |
		awk '/Requests\/sec/ { rps = $2 } /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
		     /Non-2xx/ { bad = $NF } END { printf "%10.0f req/s  p50 %8s  p99 %8s  non-2xx %s\n", rps, p50, p99, bad ? bad : 0 }'
}

echo "wrk: 2 threads, $CONN connections, ${DUR}s each, on $(nproc) cores"
run "GET /health (smallest answer)" "$B/health"
run "GET /tasks 100 (cached: the ceiling)" "$B/tasks?limit=100"
run "GET /tasks 100 (list, uncached)" -s "$TMP/uncached.lua" "$B/tasks"
run "GET /tasks/{key} (one record)" "$B/tasks/t-2-1-3"
printf '%-34s %s\n' "GET /dashboard, first answer" "$(curl -s -o /dev/null -w '%{time_total}s' -H "$H" "$B/dashboard")"
run "GET /meetings/{key} (whole record)" "$B/meetings/m-2026-jm-xiongan"
run "GET /dashboard" "$B/dashboard"
run "GET /search?q=硅能源" "$B/search?q=%E7%A1%85%E8%83%BD%E6%BA%90"
before=$(sqlite3 "$TMP/b.db" "select count(*) from progress_report")
run "POST /tasks/{key}/reports" -s "$TMP/report.lua" "$B/tasks"
after=$(sqlite3 "$TMP/b.db" "select count(*) from progress_report")
echo "progress reports stored during the write run: $((after - before))"
# The floor: 500 pages of the same 100 tasks with their latest reports,
# each after a random id, through the sqlite3 shell in one process.
awk -v max="$MAXID" 'BEGIN { srand(1); for (i = 0; i < 500; i++) printf "select t.key, t.title, t.due_on, (select percent from progress_report p where p.task_id = t.id order by reported_on desc limit 1) from task t where t.id > %d order by t.id limit 100;\n", int(rand() * (max - 200)) }' >"$TMP/floor.sql"
t0=$(date +%s%N)
sqlite3 "$TMP/b.db" <"$TMP/floor.sql" >/dev/null
t1=$(date +%s%N)
echo "floor, the same pages in the sqlite3 shell: $(( 500 * 1000000000 / (t1 - t0) )) pages/s on one core, process start included"
echo "peak resident memory: $(awk '/VmHWM/ { print $2 " kB" }' /proc/$PID/status)" \
	"(now: library code and other file pages $(awk '/RssFile/ { print $2 " kB" }' /proc/$PID/status)," \
	"private heap and stacks $(awk '/RssAnon/ { print $2 " kB" }' /proc/$PID/status))"
kill -TERM $PID
wait $PID 2>/dev/null || true
