#!/bin/sh
# edges.sh -- black-box tests of the storage edges: reads that never wait for
# a writer (CLI and server), 503 with Retry-After for a write that cannot get
# the lock, read-only databases readable, settings changed by the CLI seen by
# a running server, 0-byte and foreign files refused with the file named, and
# an invalid PLENUM_TODAY refused.
# With PLENUM_TEST_PG=postgresql://... the database is a fresh schema of it
# (tests/cli/testdb.sh) and the lock held is the orgs' advisory lock (the
# write lock of db_lock_org); the read-only and bad-file checks are of SQLite
# files and skipped there, each with a line saying so.
# Usage: tests/cli/edges.sh ./plenum
set -u
PLENUM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
TMP=$(mktemp -d)
SERVER=
HOLDER=
. "$(dirname "$0")/testdb.sh"
cleanup() {
	testdb_cleanup
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
	[ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null
	chmod -R u+w "$TMP" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
export PLENUM_TODAY=2026-11-25
DB="$(db e)"
export PLENUM_DB="$DB"
unset LANG
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect() {
	want=$1; what=$2; shift 3
	"$@" >"$TMP/out" 2>&1 3>&-
	got=$?
	if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, wanted $want"; sed 's/^/    /' "$TMP/out" | head -10; fi
}
has() {
	if grep -qF -- "$1" "$TMP/out"; then ok; else bad "$2: no \"$1\" in the output"; sed 's/^/    /' "$TMP/out" | head -5; fi
}

"$PLENUM" demo >/dev/null 2>&1 || { echo "FAIL: demo"; exit 1; }

# hold_lock DB: another process takes the write lock of DB and keeps it
# until release_lock (or 20 s): on PostgreSQL, every org's advisory lock.
hold_lock() {
	rm -f "$TMP/hold" "$TMP/held"
	mkfifo "$TMP/hold"
	if [ -n "$PG" ]; then
		{
			echo "BEGIN; SELECT count(pg_advisory_xact_lock(hashtextextended(current_schema() || '/' || CAST(id AS TEXT), 0))) FROM org;"
			echo "\\! touch '$TMP/held'"
			cat "$TMP/hold" >/dev/null
			echo "COMMIT;"
		} | psql -X -q -v ON_ERROR_STOP=1 "$1" >"$TMP/holder.out" 2>&1 &
	else
	# sqlite3 takes the lock, says so, then waits for the fifo's writer to close it.
	sqlite3 -bail -cmd ".timeout 5000" "$1" "BEGIN IMMEDIATE;" ".system touch '$TMP/held'" \
		".system cat '$TMP/hold' >/dev/null" >"$TMP/holder.out" 2>&1 &
	fi
	HOLDER=$!
	exec 3>"$TMP/hold"
	for _ in $(seq 1 100); do
		[ -e "$TMP/held" ] && return 0
		sleep 0.05
	done
	echo "FAIL: could not take the lock"; cat "$TMP/holder.out"
}
release_lock() {
	exec 3>&-
	wait "$HOLDER" 2>/dev/null
	HOLDER=
}

# ---- CLI reads while another process holds the write lock ----
hold_lock "$DB"
expect 0 "task list while a writer holds the lock" -- "$PLENUM" task list
has "t-2-2-2" "task list answers"
expect 0 "task show while locked" -- "$PLENUM" task show t-2-2-2
expect 0 "meeting show while locked" -- "$PLENUM" meeting show m-2026-jm-xiongan
expect 0 "audit verify while locked" -- "$PLENUM" audit verify
expect 0 "export while locked" -- "$PLENUM" export -o "$TMP/x.json"
release_lock

# ---- a read-only database in a read-only directory ----
if sqlite_only "edges: a read-only database file, 0-byte and foreign files"; then
RO="$TMP/ro"
mkdir "$RO"
cp "$DB" "$RO/ro.db"
[ -e "$DB-wal" ] && cp "$DB-wal" "$RO/ro.db-wal"
"$PLENUM" --db "$RO/ro.db" task list >/dev/null 2>&1     # replays and checkpoints the -wal
sqlite3 "$RO/ro.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null 2>&1
rm -f "$RO/ro.db-wal" "$RO/ro.db-shm"
cp "$PLENUM" "$TMP/plenum"
chmod 444 "$RO/ro.db"
chmod 555 "$RO"
chmod 755 "$TMP"
AS=
[ "$(id -u)" = 0 ] && AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
for cmd in "task list" "task show t-2-2-2" "audit verify" "meeting list" "setting list"; do
	# shellcheck disable=SC2086
	expect 0 "$cmd on a read-only database" -- $AS "$TMP/plenum" --db "$RO/ro.db" $cmd
done
# shellcheck disable=SC2086
expect 1 "a write to a read-only database" -- $AS "$TMP/plenum" --db "$RO/ro.db" task report t-1-2 --percent 50 --done x
has "ro.db" "the read-only file is named"
has "read-only" "the message says read-only"

# ---- bad files ----
: >"$TMP/zero.db"
for cmd in "task list" "task report t-1-2 --percent 5 --done x" "audit verify" "demo" "serve --listen 127.0.0.1:1"; do
	# shellcheck disable=SC2086
	expect 2 "$cmd on a 0-byte file" -- timeout 10 "$PLENUM" --db "$TMP/zero.db" $cmd
	has "zero.db\" is an empty file" "the 0-byte file is named"
done
[ ! -s "$TMP/zero.db" ] && ok || bad "a 0-byte file was written to"
expect 0 "init on a 0-byte file" -- "$PLENUM" --db "$TMP/zero.db" init
printf 'these are my notes, not a database\n' >"$TMP/notes.db"
expect 2 "a text file" -- "$PLENUM" --db "$TMP/notes.db" task list
has "notes.db\" is not a plenum database" "the foreign file is named"
sqlite3 "$TMP/other.db" "CREATE TABLE t (x); INSERT INTO t VALUES (1);"
expect 2 "another program's SQLite file" -- "$PLENUM" --db "$TMP/other.db" import "$TMP/x.json"
has "another program" "another program's database is named"
[ "$(sqlite3 "$TMP/other.db" "SELECT count(*) FROM sqlite_master")" = 1 ] && ok || bad "another program's database was changed"
fi

# ---- PLENUM_TODAY ----
for d in 2026-02-29 tomorrow 1989-12-31; do
	PLENUM_TODAY=$d expect 2 "PLENUM_TODAY=$d" -- "$PLENUM" task report t-1-2 --percent 42 --done x
	has "PLENUM_TODAY" "the variable is named"
done
PLENUM_TODAY=2026-02-29 expect 2 "serve with a bad PLENUM_TODAY" -- timeout 10 "$PLENUM" serve --listen 127.0.0.1:1

# ---- the server: reads answered and writes refused quickly while locked ----
TOKEN=$("$PLENUM" user token secretary 2>/dev/null)
start_server() {
	for _ in 1 2 3 4 5; do
		PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 20000))
		"$PLENUM" serve --listen "127.0.0.1:$PORT" --threads 2 --quiet >"$TMP/serve.out" 2>&1 &
		SERVER=$!
		for _ in $(seq 1 50); do
			curl -s "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 && return 0
			kill -0 "$SERVER" 2>/dev/null || break
			sleep 0.05
		done
		kill "$SERVER" 2>/dev/null
		SERVER=
	done
	echo "FAIL: the server did not start"; 	return 1
}
api() { curl -s -H "Authorization: Bearer $TOKEN" "$@"; }
if start_server; then
	URL="http://127.0.0.1:$PORT/api/v1"
	# settings set from the CLI reach the running server
	# (every worker thread has read the settings: several connections first)
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		api "$URL/tasks/t-2-2-2" >"$TMP/out"
	done
	has '"color":"yellow"' "t-2-2-2 is due soon"
	expect 0 "setting set" -- "$PLENUM" setting set light.due_soon_days 1
	for _ in 1 2 3 4; do
		api "$URL/tasks/t-2-2-2" >"$TMP/out"
		has '"color":"green"' "the server sees the setting changed by the CLI"
	done

	hold_lock "$DB"
	posts=
	for i in 1 2; do
		api -o "$TMP/post$i" -D "$TMP/head$i" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
			-d '{"percent": 50, "done": "x"}' "$URL/tasks/t-1-2/reports" >"$TMP/code$i" 3>&- &
		posts="$posts $!"
	done
	sleep 0.1
	curl -s -m 2 -o /dev/null -w '%{http_code}' "$URL/health" >"$TMP/out"
	has "200" "/health answers within 2 s while writers wait on the lock"
	api -m 2 -o /dev/null -w '%{http_code}' "$URL/tasks/t-2-2-2" >"$TMP/out"
	has "200" "a GET answers within 2 s while writers wait on the lock"
	# shellcheck disable=SC2086
	wait $posts
	for i in 1 2; do
		cp "$TMP/code$i" "$TMP/out"
		has "503" "a write that cannot get the lock"
		cp "$TMP/head$i" "$TMP/out"
		has "Retry-After" "503 carries Retry-After"
		cp "$TMP/post$i" "$TMP/out"
		has '"code":"busy"' "503 has a JSON error"
	done
	release_lock
	api -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		-d '{"percent": 50, "done": "after"}' "$URL/tasks/t-1-2/reports" >"$TMP/out"
	has "201" "writes work again once the lock is free"
	kill "$SERVER" 2>/dev/null
	wait "$SERVER" 2>/dev/null
	SERVER=
else
	fail=$((fail + 1))
fi

# -o naming something that is not a regular file (a pipe, /dev/null) writes
# into it and never replaces it (an export once renamed a file over /dev/null).
mkfifo "$TMP/pipe"
timeout 20 cat "$TMP/pipe" >"$TMP/piped" &
READER=$!
expect 0 "export -o a pipe" -- timeout 20 "$PLENUM" export -o "$TMP/pipe"
wait "$READER"
if [ -p "$TMP/pipe" ]; then ok; else bad "export -o a pipe: the pipe was replaced"; fi
if grep -q '"org"' "$TMP/piped"; then ok; else bad "export -o a pipe: the reader got no document"; fi
mkfifo "$TMP/pipe2"
timeout 20 cat "$TMP/pipe2" >"$TMP/piped2" &
READER=$!
expect 0 "report -o a pipe" -- timeout 20 "$PLENUM" report minutes --meeting m-2026-jm-xiongan --format md -o "$TMP/pipe2"
wait "$READER"
if [ -p "$TMP/pipe2" ] && [ -s "$TMP/piped2" ]; then ok; else bad "report -o a pipe: replaced, or nothing read"; fi

echo "edges: $pass passed, $fail failed"
[ "$fail" = 0 ]
