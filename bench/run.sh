#!/bin/sh
# run.sh -- measures the API on the Jiangmen demo plus the province-scale
# dataset (gen.sql) with wrk: requests per second and latency of the main
# reads and of filing progress reports, the dashboard right after a write,
# peak resident memory and start-up time, and prints every figure against
# its budget (DESIGN.md section 6) in one table. The answer cache serving
# the same list from memory is the ceiling; the same list query in the
# database's own shell is the floor. Loopback only; each run is bounded.
#
# One column per store, in one run: SQLite always; PostgreSQL on a
# throwaway cluster (scripts/pg-test-cluster, fsync off, stopped on exit)
# when BENCH_PG=1, or by default when the PostgreSQL server is installed;
# BENCH_PG=0 leaves the column empty ("-"). BENCH_DB=postgresql://... uses
# that (empty) database instead of a throwaway cluster. Both stores get the
# same dataset (gen.sql; gen-pg.sql, its restatement for PostgreSQL), the
# same wrk workload against a server of their own, and the same floor
# query (sqlite3 shell; psql).
#
# Usage: bench/run.sh [./plenum]   (make bench; BENCH_SCALE=1 for the full
# province, BENCH_SECONDS per wrk run, BENCH_CONNECTIONS, BENCH_AFTER_WRITE
# dashboards timed right after a report, BENCH_PG=0|1, BENCH_DB=postgresql://...)
set -eu
PLENUM=$(cd "$(dirname "${1:-./plenum}")" && pwd)/$(basename "${1:-./plenum}")
HERE=$(cd "$(dirname "$0")" && pwd)
DUR=${BENCH_SECONDS:-5}
CONN=${BENCH_CONNECTIONS:-16}
AFTER=${BENCH_AFTER_WRITE:-100}
SCALE=${BENCH_SCALE:-0.1}
TMP=$(mktemp -d)
PID=
PGDIR=
trap 'if [ -n "$PID" ]; then kill $PID 2>/dev/null || true; fi
      if [ -n "$PGDIR" ]; then "$HERE/../scripts/pg-test-cluster" stop "$PGDIR"; rm -rf "$PGDIR"; fi
      rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
export PLENUM_TODAY=2026-11-25

# ---- results: one file per store, "name value" lines ----
put() { echo "$2 $3" >>"$TMP/res.$1"; }
get() { awk -v k="$2" '$1 == k { v = $2 } END { print v == "" ? "-" : v }' "$TMP/res.$1" 2>/dev/null || echo -; }

# ---- a query in the store's own shell, one value per line ----
dbq() {   # db sql
	case $1 in
	postgres*) psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" ;;
	*) sqlite3 "$1" "$2" ;;
	esac
}

# ---- the workload, against a server at $B for store $1 ----
wrk_run() {   # store name label wrk-args...: req/s, p50, p99 (ms), non-2xx
	store=$1; name=$2; label=$3; shift 3
	printf '%-40s ' "$label"
	wrk -t2 -c"$CONN" -d"${DUR}s" --latency -H "$H" "$@" 2>&1 |
		awk 'function ms(x) { if (x ~ /us$/) return x / 1000; if (x ~ /ms$/) return x + 0; if (x ~ /s$/) return x * 1000; return x }
		     /Requests\/sec/ { rps = $2 } /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
		     /Non-2xx/ { bad = $NF } END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad ? bad : 0 }' >"$TMP/w"
	read -r rps p50 p99 bad <"$TMP/w"
	printf '%8s req/s  p50 %7s ms  p99 %7s ms  non-2xx %s\n' "$rps" "$p50" "$p99" "$bad"
	put "$store" "$name.rps" "$rps"
	put "$store" "$name.p50" "$p50"
	put "$store" "$name.p99" "$p99"
	put "$store" "$name.bad" "$bad"
}

percentile() {   # p file: the p-th percentile of the numbers in file (ms)
	sort -n "$2" | awk -v p="$1" '{ v[NR] = $1 } END { i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; printf "%.2f", v[i] }'
}

workload() {   # store db-argument
	store=$1; db=$2
	PORT=$((20000 + $$ % 10000))
	if [ "$store" = pg ]; then PORT=$((PORT + 1)); fi
	START=$(date +%s%N)
	"$PLENUM" --db "$db" serve --quiet --listen 127.0.0.1:$PORT >"$TMP/serve.out" 2>&1 &
	PID=$!
	until curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null; do sleep 0.01; done
	start_ms=$(( ($(date +%s%N) - START) / 1000000 ))
	echo "start-up: $start_ms ms (to the first answer)"
	put "$store" startup "$start_ms"
	TOKEN=$("$PLENUM" --db "$db" user token secretary --name bench)
	H="Authorization: Bearer $TOKEN"
	B="http://127.0.0.1:$PORT/api/v1"
	# the first dashboard recounts the lights (gen.sql wrote outside plenum: no counts yet)
	first=$(curl -s -o /dev/null -w '%{time_total}' -H "$H" "$B/dashboard")
	put "$store" dash.first "$(echo "$first" | awk '{ printf "%.1f", $1 * 1000 }')"
	sleep 1      # the recount runs after that answer
	echo "wrk: 2 threads, $CONN connections, ${DUR}s each, on $(nproc) cores"
	wrk_run "$store" health "GET /health (smallest answer)" "$B/health"
	wrk_run "$store" cached "GET /tasks 100 (cached: the ceiling)" "$B/tasks?limit=100"
	wrk_run "$store" list "GET /tasks 100 (list, uncached)" -s "$TMP/uncached.lua" "$B/tasks"
	wrk_run "$store" record "GET /tasks/{key} (one record)" "$B/tasks/t-2-1-3"
	wrk_run "$store" meeting "GET /meetings/{key} (whole record)" "$B/meetings/m-2026-jm-xiongan"
	wrk_run "$store" dash "GET /dashboard" "$B/dashboard"
	wrk_run "$store" search "GET /search?q=硅能源" "$B/search?q=%E7%A1%85%E8%83%BD%E6%BA%90"
	before=$(dbq "$db" "select count(*) from progress_report")
	wrk_run "$store" post "POST /tasks/{key}/reports" -s "$TMP/report.lua" "$B/tasks"
	after=$(dbq "$db" "select count(*) from progress_report")
	echo "progress reports stored during the write run: $((after - before))"
	put "$store" post.stored "$((after - before))"
	# the dashboard right after a write: a report (all to one task, whose
	# record and answers then show a long history), then the dashboard, AFTER times
	: >"$TMP/dash_after"
	i=0
	while [ $i -lt "$AFTER" ]; do
		curl -s -o "$TMP/post.json" -H "$H" -H 'Content-Type: application/json' \
			-d '{"percent": 56, "done": "after-write bench"}' "$B/tasks/bt-1/reports"
		curl -s -o /dev/null -w '%{time_total}\n' -H "$H" "$B/dashboard" | awk '{ printf "%.3f\n", $1 * 1000 }' >>"$TMP/dash_after"
		i=$((i + 1))
	done
	put "$store" dash.after.p50 "$(percentile 50 "$TMP/dash_after")"
	put "$store" dash.after.p99 "$(percentile 99 "$TMP/dash_after")"
	echo "GET /dashboard right after a report: p50 $(get "$store" dash.after.p50) ms, p99 $(get "$store" dash.after.p99) ms ($AFTER times)"
	put "$store" post.bytes "$(wc -c <"$TMP/post.json")"
	put "$store" record.bytes "$(curl -s -H "$H" "$B/tasks/bt-1" | wc -c)"
	put "$store" rss.serving "$(awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' /proc/$PID/status)"
	put "$store" rss.file "$(awk '/RssFile/ { printf "%.1f", $2 / 1024 }' /proc/$PID/status)"
	put "$store" rss.anon "$(awk '/RssAnon/ { printf "%.1f", $2 / 1024 }' /proc/$PID/status)"
	echo "peak resident memory: $(get "$store" rss.serving) MB (now: library code and other file pages" \
		"$(get "$store" rss.file) MB, private heap and stacks $(get "$store" rss.anon) MB)"
	# whole-org reads, streamed: the year's light history and the notice
	t=$(curl -s -o /dev/null -w '%{time_total}' -H "$H" "$B/lights/history?year=2026")
	put "$store" history "$(echo "$t" | awk '{ printf "%.0f", $1 * 1000 }')"
	t=$(curl -s -o "$TMP/notice.md" -w '%{time_total}' -H "$H" "$B/notice.md")
	put "$store" notice "$(echo "$t" | awk '{ printf "%.0f", $1 * 1000 }')"
	put "$store" rss.reports "$(awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' /proc/$PID/status)"
	echo "light history of the year: $(get "$store" history) ms; notice: $(get "$store" notice) ms" \
		"($(wc -c <"$TMP/notice.md") bytes); peak memory after them $(get "$store" rss.reports) MB"
	kill -TERM $PID
	wait $PID 2>/dev/null || true
	# a new day: the same database served the next morning; its first
	# dashboard (the counts move only the tasks whose light changes that day)
	PLENUM_TODAY=2026-11-26 "$PLENUM" --db "$db" serve --quiet --listen 127.0.0.1:$PORT >"$TMP/serve.out" 2>&1 &
	PID=$!
	until curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null; do sleep 0.01; done
	t=$(curl -s -o /dev/null -w '%{time_total}' -H "$H" "$B/dashboard")
	put "$store" dash.newday "$(echo "$t" | awk '{ printf "%.1f", $1 * 1000 }')"
	echo "the next day: first dashboard $(get "$store" dash.newday) ms"
	kill -TERM $PID
	wait $PID 2>/dev/null || true
	PID=
}

# ---- per store: the dataset's size, the wrk scripts and the floor ----
prepare() {   # store db shell-label
	store=$1; db=$2
	echo "dataset at scale $SCALE: $(dbq "$db" "select (select count(*) from task) || ' tasks, ' ||
		(select count(*) from progress_report) || ' progress reports, ' || (select count(*) from attendance) ||
		' attendance rows, ' || (select count(*) from meeting) || ' meetings'")"
	MAXID=$(dbq "$db" "select max(id) from task")
	NTASKS=$(dbq "$db" "select count(*) from task where key like 'bt-%'")
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
	cat >"$TMP/report.lua" <<LUA
-- each report to another of the generated tasks, as units file them
-- (wrk.format without headers keeps those of -H, the token among them)
wrk.headers["Content-Type"] = "application/json"
request = function()
	return wrk.format("POST", "/api/v1/tasks/bt-" .. math.random(1, $NTASKS) .. "/reports",
		nil, '{"percent": 55, "done": "bench progress report"}')
end
LUA
	# The floor: 500 pages of the list's query (the columns a list shows, its
	# joins, the latest report from the task row: what GET /tasks runs, one page
	# and one more row each) after random ids, in the store's own shell
	# (sqlite3, psql), one process; the same statements on both stores.
	awk -v max="$MAXID" 'BEGIN { srand(1); for (i = 0; i < 500; i++) printf "select t.id, t.initiative_id, t.version, t.key, t.code, t.title, t.title_en, t.state, t.cadence, i.key, i.title, d.key, m.key, m.title, lu.key, lu.name, lu.name_en, t.starts_on, t.due_on, t.weight, t.last_percent, t.last_report_on from task t join initiative i on i.id = t.initiative_id left join decision d on d.id = t.decision_id left join meeting m on m.id = d.meeting_id join unit lu on lu.id = t.lead_unit_id where t.org_id = 1 and t.id > %d order by t.id limit 101;\n", int(rand() * (max - 200)) }' >"$TMP/floor.sql"
	t0=$(date +%s%N)
	case $db in
	postgres*) psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$TMP/floor.sql" >/dev/null ;;
	*) sqlite3 "$db" <"$TMP/floor.sql" >/dev/null ;;
	esac
	t1=$(date +%s%N)
	put "$store" floor "$(( 500 * 1000000000 / (t1 - t0) ))"
	echo "floor, the list's query in the $3 shell: $(get "$store" floor) pages/s on one core, process start included"
}

# ---- SQLite ----
echo "== SQLite"
DB="$TMP/b.db"
"$PLENUM" --db "$DB" demo >/dev/null
# The province-scale dataset of DESIGN.md section 6, at BENCH_SCALE (1.0 = full).
t0=$(date +%s)
sqlite3 "$DB" -cmd ".parameter set :scale $SCALE" <"$HERE/gen.sql" >/dev/null
echo "generated in $(( $(date +%s) - t0 )) s (gen.sql)"
prepare sqlite "$DB" sqlite3
workload sqlite "$DB"

# ---- PostgreSQL: a throwaway cluster unless BENCH_DB names a database ----
PGURL=${BENCH_DB:-}
if [ -z "$PGURL" ]; then
	case ${BENCH_PG:-} in
	1) want=1 ;;
	0) want= ;;
	*) if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then want=1; else want=; fi ;;
	esac
	if [ -n "$want" ]; then
		PGDIR=$(mktemp -d /tmp/plenum-bench-pg-XXXXXX)
		PGURL=$("$HERE/../scripts/pg-test-cluster" start "$PGDIR" </dev/null)
	else
		echo "(no PostgreSQL column: BENCH_PG=0, or no PostgreSQL server installed (scripts/install-deps))"
	fi
fi
if [ -n "$PGURL" ]; then
	echo "== PostgreSQL"
	"$PLENUM" --db "$PGURL" demo >/dev/null
	t0=$(date +%s)
	psql -X -q -v ON_ERROR_STOP=1 -v scale="$SCALE" -d "$PGURL" -f "$HERE/gen-pg.sql" >/dev/null
	echo "generated in $(( $(date +%s) - t0 )) s (gen-pg.sql)"
	prepare pg "$PGURL" psql
	workload pg "$PGURL"
fi

# ---- the table ----
row() {   # figure budget key [unit]
	printf '| %-44s | %-16s | %12s | %12s |\n' "$1" "$2" "$(get sqlite "$3")" "$(get pg "$3")"
}
echo
echo "budgets (DESIGN.md section 6) at scale $SCALE on $(nproc) cores, wrk on the same machine:"
printf '| %-44s | %-16s | %12s | %12s |\n' "figure" "budget" "SQLite" "PostgreSQL"
printf '|%s|%s|%s|%s|\n' "----------------------------------------------" "------------------" "--------------" "--------------"
row "list of 100 tasks, uncached (req/s)" ">= 8,000" list.rps
row "list of 100 tasks, uncached, p99 (ms)" "<= 10" list.p99
row "  floor: the list's query in the shell (pages/s)" "-" floor
row "  ceiling: the list from the answer cache (req/s)" "-" cached.rps
row "one task's record (req/s)" ">= 16,000" record.rps
row "dashboard under wrk, p99 (ms)" "<= 20" dash.p99
row "dashboard right after a report, p50 (ms)" "-" dash.after.p50
row "dashboard right after a report, p99 (ms)" "<= 20" dash.after.p99
row "dashboard, first with no counts (full recount, ms)" "-" dash.first
row "dashboard, first of the next day (ms)" "-" dash.newday
row "progress reports filed (req/s)" ">= 1,200" post.rps
row "progress reports filed, p99 (ms)" "<= 50" post.p99
row "progress reports refused or failed" "0" post.bad
row "a report's answer (bytes)" "bounded" post.bytes
row "a task's record after $((8 + AFTER)) reports (bytes)" "bounded" record.bytes
row "peak resident memory serving (MB)" "<= 24" rss.serving
row "  of which library and other file pages (MB)" "-" rss.file
row "peak after light history and notice (MB)" "-" rss.reports
row "light history of a year (ms)" "-" history
row "supervision notice (ms)" "-" notice
row "start-up to the first answer (ms)" "<= 100" startup
