#!/bin/sh
# torture-db.sh -- failing-database torture (like curl's torture mode): runs
# representative commands with the Nth database call made to fail
# (PLENUM_DB_FAIL=N, see src/store/db.h), for N = 1, 1+S, 1+2S, ... until a
# run makes fewer than N calls. Every run must either succeed or fail with a
# clean one-line error (exit 1 or 2, no crash, no sanitizer report, no leak
# under `make asan`), and leave the database consistent: integrity_check ok,
# `plenum audit verify` intact, and the data either untouched or exactly as a
# clean run leaves it (a write is all or nothing).
# Usage: TORTURE_STRIDE=S tests/cli/torture-db.sh ./plenum [--quick|--full]
#   S defaults to 1 (every call); --quick: the three writes and one read
#   (for make check); --full adds the demo import replacing the org (about
#   1,500 calls, every TORTURE_IMPORT_STRIDE-th, default 10).
# With PLENUM_TEST_PG=postgresql://... the databases are PostgreSQL databases
# of that cluster (each fresh copy CREATE DATABASE ... TEMPLATE the demo's,
# dropped at the end); integrity_check, a check of SQLite's file, is skipped.
set -u
PLENUM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FULL=${2:-}
STRIDE=${TORTURE_STRIDE:-1}
TMP=$(mktemp -d)
. "$(dirname "$0")/testdb.sh"
# pgdb NAME: the URL of database NAME of this run in PLENUM_TEST_PG's cluster
pgdb() { echo "$PG" | sed "s|^\(postgresql://[^/?]*/\)[^?]*|\1plenum_torture_$$_$1|"; }
pgadmin() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$PG" -c "$1" >/dev/null; }
cleanup() {
	if [ -n "$PG" ]; then
		pgadmin "DROP DATABASE IF EXISTS plenum_torture_$$_w"
		pgadmin "DROP DATABASE IF EXISTS plenum_torture_$$_base"
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
export PLENUM_TODAY=2026-11-25
unset PLENUM_DB_FAIL LANG
pass=0
fail=0
runs=0
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if [ -n "$PG" ]; then
	BASE=$(pgdb base)
	W=$(pgdb w)
	pgadmin "CREATE DATABASE plenum_torture_$$_base TEMPLATE template0 ENCODING 'UTF8'" || { echo "FAIL: create database"; exit 1; }
	psql -X -q "$BASE" -c "CREATE EXTENSION IF NOT EXISTS pg_trgm" >/dev/null || { echo "FAIL: pg_trgm"; exit 1; }
	"$PLENUM" --db "$BASE" demo >/dev/null 2>&1 || { echo "FAIL: demo"; exit 1; }
	cp "$PLENUM_CHECKPOINTS" "$TMP/base.checkpoints" 2>/dev/null
else
	BASE="$TMP/base.db"
	W="$TMP/w.db"
	"$PLENUM" --db "$BASE" demo >/dev/null 2>&1 || { echo "FAIL: demo"; exit 1; }
	sqlite3 "$BASE" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
fi

# What a write changes: row counts and versions of what the commands touch.
fingerprint() {
	if [ -n "$PG" ]; then
		psql -X -q -At "$1" -c "SELECT (SELECT count(*) FROM progress_report), (SELECT count(*) FROM audit),
			(SELECT count(*) FROM task_transition), (SELECT coalesce(sum(version), 0) FROM task),
			(SELECT string_agg(name || '=' || value, ',' ORDER BY name) FROM setting), (SELECT count(*) FROM task),
			(SELECT count(*) FROM meeting)" 2>&1
		return
	fi
	sqlite3 "$1" "SELECT (SELECT count(*) FROM progress_report), (SELECT count(*) FROM audit),
		(SELECT count(*) FROM task_transition), (SELECT total(version) FROM task),
		(SELECT group_concat(name || '=' || value) FROM setting), (SELECT count(*) FROM task),
		(SELECT count(*) FROM meeting)" 2>&1
}

# The signed checkpoints go with the copy: an old copy of the database beside
# newer checkpoints is what a truncated chain looks like (audit verify says so).
fresh() {
	if [ -n "$PG" ]; then
		pgadmin "DROP DATABASE IF EXISTS plenum_torture_$$_w" &&
			pgadmin "CREATE DATABASE plenum_torture_$$_w TEMPLATE plenum_torture_$$_base" || bad "fresh copy"
		rm -f "$PLENUM_CHECKPOINTS"
		[ ! -f "$TMP/base.checkpoints" ] || cp "$TMP/base.checkpoints" "$PLENUM_CHECKPOINTS"
		return
	fi
	rm -f "$W" "$TMP/w.db-wal" "$TMP/w.db-shm" "$TMP/w.db.checkpoints"
	cp "$BASE" "$W"
	[ ! -f "$BASE.checkpoints" ] || cp "$BASE.checkpoints" "$TMP/w.db.checkpoints"
}

# torture NAME ARGS...: the sweep for one command.
torture() {
	name=$1; shift
	fresh
	before=$(fingerprint "$W")
	"$PLENUM" --db "$W" "$@" >/dev/null 2>"$TMP/err" || { bad "$name: fails with no failure injected"; cat "$TMP/err"; return; }
	after=$(fingerprint "$W")
	n=1
	while :; do
		fresh
		PLENUM_DB_FAIL=$n "$PLENUM" --db "$W" "$@" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		runs=$((runs + 1))
		if ! grep -q "PLENUM_DB_FAIL: database call" "$TMP/err"; then
			[ "$rc" = 0 ] || bad "$name: exit $rc with nothing injected at call $n"
			break
		fi
		case $rc in
		0|1|2) ;;
		*) bad "$name: call $n failed: exit $rc (crash?)"; sed 's/^/    /' "$TMP/err" | head -20 ;;
		esac
		if grep -qE "Sanitizer|runtime error|Assertion" "$TMP/err"; then
			bad "$name: call $n failed: sanitizer report"; sed 's/^/    /' "$TMP/err" | head -30
		fi
		if [ "$rc" != 0 ] && ! grep -q "^plenum: " "$TMP/err"; then
			bad "$name: call $n failed: exit $rc without a message"
		fi
		if [ -z "$PG" ]; then
			ic=$(sqlite3 "$W" "PRAGMA integrity_check" 2>&1)
			[ "$ic" = ok ] || bad "$name: call $n failed: integrity_check: $ic"
		fi
		"$PLENUM" --db "$W" audit verify >"$TMP/verify" 2>&1 || {
			bad "$name: call $n failed: audit verify"; sed 's/^/    /' "$TMP/verify" | head -5; }
		now=$(fingerprint "$W")
		if [ "$now" != "$before" ] && [ "$now" != "$after" ]; then
			bad "$name: call $n failed: half a write is left: $now (before $before, after $after)"
		fi
		if [ "$rc" = 0 ] && [ "$now" != "$after" ] && [ "$before" != "$after" ]; then
			bad "$name: call $n failed: exit 0 but the write is missing"
		fi
		pass=$((pass + 1))
		n=$((n + STRIDE))
	done
	# the first call of every command is a database call (db_open): a sweep
	# that made none fail means the driver ignored PLENUM_DB_FAIL
	[ "$n" -gt 1 ] || bad "$name: no database call was made to fail (PLENUM_DB_FAIL not honoured)"
	echo "torture-db: $name: $((n - 1)) database calls swept (stride $STRIDE)"
}

torture "task report" task report t-1-2 --percent 60 --done torture
torture "task act" task act t-2-3 close --note torture
torture "setting set" setting set light.due_soon_days 3
torture "meeting show" meeting show m-2026-jm-xiongan
if [ "$FULL" != --quick ]; then
	torture "task show" task show t-1-2
	torture "export" export -o "$TMP/x.json"
	torture "report ledger" report ledger --format csv -o "$TMP/l.csv"
fi
if [ "$FULL" = --full ]; then
	# about 1,500 calls: every 10th unless TORTURE_IMPORT_STRIDE says otherwise
	STRIDE=${TORTURE_IMPORT_STRIDE:-10}
	torture "demo (import, replacing the org)" demo
fi
echo "torture-db: $pass runs with a database call failed (of $runs), $fail problems"
[ "$fail" = 0 ]
