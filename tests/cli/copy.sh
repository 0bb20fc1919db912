#!/bin/sh
# copy.sh -- plenum copy between stores: an org moved with its audit chain
# (verify passes on the destination, the export reads back byte for byte),
# passwords kept, the search index as the source's, a generated org of
# 2,000 tasks and a second org whose ids the destination uses already
# (ids moved), an existing org refused without --replace and nothing
# written, a failed copy leaving nothing behind, bad usage refused.
# SQLite to SQLite always; with PLENUM_TEST_PG_URL (make pg-test sets it)
# also SQLite -> PostgreSQL -> SQLite.
# Usage: tests/cli/copy.sh ./plenum
set -u
PLENUM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
GEN=$(cd "$(dirname "$0")/../../bench" && pwd)/gen.sql
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export PLENUM_TODAY=2026-11-25
unset PLENUM_DB LANG
# A database URL keeps its audit key and checkpoints in the working
# directory: the temporary one, never the source tree.
cd "$TMP" || exit 1
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect CODE DESCRIPTION -- COMMAND...: runs it, output in $TMP/out
expect() {
	want=$1; what=$2; shift 3
	"$@" >"$TMP/out" 2>&1
	got=$?
	if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, wanted $want"; sed 's/^/    /' "$TMP/out" | head -20; fi
}
has() { if grep -qF -- "$1" "$TMP/out"; then ok; else bad "$2: no \"$1\" in the output"; fi; }
hasnt() { if grep -qF -- "$1" "$TMP/out"; then bad "$2: unexpected \"$1\""; else ok; fi; }
# same_export DESCRIPTION DB1 DB2 [ORG]: the org's exports without the audit list are identical
same_export() {
	"$PLENUM" export --db "$2" --org "${4:-jiangmen}" --no-audit >"$TMP/e1" 2>&1 &&
		"$PLENUM" export --db "$3" --org "${4:-jiangmen}" --no-audit >"$TMP/e2" 2>&1
	if [ $? = 0 ] && cmp -s "$TMP/e1" "$TMP/e2"; then ok; else bad "$1: the exports differ"; diff "$TMP/e1" "$TMP/e2" | head -10; fi
}
# search_rows DB ORG: the org's search index, one "kind|title|body" line a row, sorted
search_rows() {
	case $1 in
	postgres*) psql -X -q -At -d "$1" -c "SELECT s.kind, replace(s.title, E'\n', '~'), replace(s.body, E'\n', '~')
		FROM search_index s JOIN org o ON o.id = s.org_id WHERE o.key = '$2'" ;;
	*) sqlite3 "$1" "SELECT s.kind, replace(s.title, char(10), '~'), replace(s.body, char(10), '~')
		FROM search_index s JOIN org o ON o.id = s.org_id WHERE o.key = '$2'" ;;
	esac | LC_ALL=C sort
}
# same_search DESCRIPTION DB1 DB2 [ORG]: the org's search index holds the same rows on both
same_search() {
	search_rows "$2" "${4:-jiangmen}" >"$TMP/s1" 2>&1
	search_rows "$3" "${4:-jiangmen}" >"$TMP/s2" 2>&1
	if [ -s "$TMP/s1" ] && cmp -s "$TMP/s1" "$TMP/s2"; then ok; else bad "$1: the search indexes differ"; diff "$TMP/s1" "$TMP/s2" | head -10; fi
}

A="$TMP/a.db"
B="$TMP/b.db"
expect 0 "demo" -- "$PLENUM" --db "$A" demo
printf 'correct horse battery\n' >"$TMP/pw"
expect 0 "a user with a password" -- "$PLENUM" --db "$A" user add copier --role secretary --password-file "$TMP/pw"

# ---- usage ----
expect 0 "copy --help" -- "$PLENUM" copy --help
has "usage: plenum copy" "copy --help"
expect 2 "no --from" -- "$PLENUM" copy --to "$B"
has "--from" "the missing option is named"
expect 2 "no --to" -- "$PLENUM" copy --from "$A"
has "--to" "the missing option is named"
expect 2 "same database" -- "$PLENUM" copy --from "$A" --to "$A"
has "same database" "same database named"
expect 2 "unknown org" -- "$PLENUM" copy --from "$A" --to "$B" --org nope
has 'no org "nope"' "the org is named"
if [ -e "$B" ]; then bad "a refused copy created the destination"; else ok; fi

# ---- SQLite to SQLite ----
expect 0 "copy to a new file" -- "$PLENUM" copy --from "$A" --to "$B"
has 'copied org "jiangmen"' "copy says what it copied"
expect 0 "audit verify on the copy" -- "$PLENUM" --db "$B" audit verify
has "audit chain intact" "the chain verifies on the destination"
same_export "copy" "$A" "$B"
# The users' password hashes came along: they can log in on the copy.
h1=$(sqlite3 "$A" "SELECT password_hash FROM app_user WHERE login = 'copier'")
h2=$(sqlite3 "$B" "SELECT password_hash FROM app_user WHERE login = 'copier'")
if [ -n "$h1" ] && [ "$h1" = "$h2" ]; then ok; else bad "the password hash was not copied ('$h1' vs '$h2')"; fi
# The chain: the source's entries, then the copy's own.
na=$(sqlite3 "$A" "SELECT count(*) FROM audit")
nb=$(sqlite3 "$B" "SELECT count(*) FROM audit")
if [ "$nb" = $((na + 1)) ]; then ok; else bad "chain on the copy: $nb entries, wanted $((na + 1))"; fi

same_search "copy" "$A" "$B"

# ---- a generated org of a few thousand tasks (bench/gen.sql at scale
# 0.02: 2,000 tasks, 16,000 progress reports, 20,000 attendance rows, its
# rows written outside plenum and so sealed by the copy's entry), copied
# through the bulk load: export and search index as the source's ----
G="$TMP/g.db"
G2="$TMP/g2.db"
expect 0 "demo for the generated org" -- "$PLENUM" --db "$G" demo
sqlite3 "$G" -cmd ".parameter set :scale 0.02" <"$GEN" >/dev/null
tasks=$(sqlite3 "$G" "SELECT count(*) FROM task")
if [ "$tasks" -ge 2000 ]; then ok; else bad "gen.sql made $tasks tasks"; fi
expect 0 "copy of the generated org" -- "$PLENUM" copy --from "$G" --to "$G2"
expect 0 "audit verify on the generated org's copy" -- "$PLENUM" --db "$G2" audit verify
same_export "generated org" "$G" "$G2"
same_search "generated org" "$G" "$G2"

# ---- an org whose ids the destination uses already (two stores' orgs in
# one database): the ids move, the references with them ----
E="$TMP/e.db"
F="$TMP/f.db"
expect 0 "demo for a second org" -- "$PLENUM" --db "$E" demo
sqlite3 "$E" "UPDATE org SET key = 'kaiping'; UPDATE app_user SET login = 'kp-' || login"
expect 0 "copy the generated org" -- "$PLENUM" copy --from "$G" --to "$F"
expect 0 "copy a second org onto the same ids" -- "$PLENUM" copy --from "$E" --to "$F" --org kaiping
lo=$(sqlite3 "$F" "SELECT min(t.id) FROM task t JOIN org o ON o.id = t.org_id WHERE o.key = 'kaiping'")
hi=$(sqlite3 "$F" "SELECT max(t.id) FROM task t JOIN org o ON o.id = t.org_id WHERE o.key = 'jiangmen'")
if [ "$lo" -gt "$hi" ]; then ok; else bad "the second org's task ids ($lo...) overlap the first's (...$hi)"; fi
expect 0 "audit verify of the second org" -- "$PLENUM" --db "$F" --org kaiping audit verify
expect 0 "audit verify of the first org" -- "$PLENUM" --db "$F" --org jiangmen audit verify
same_export "second org, ids moved" "$E" "$F" kaiping
same_search "second org, ids moved" "$E" "$F" kaiping
same_export "first org beside the second" "$G" "$F"

# ---- an existing org is refused, and nothing is written ----
expect 0 "a change in the source" -- "$PLENUM" --db "$A" task report t-1-2 --percent 60 --done "copy test"
expect 1 "copy onto an existing org" -- "$PLENUM" copy --from "$A" --to "$B"
has 'org "jiangmen" is already in the destination' "the refusal names the org"
has "--replace" "the refusal says how to replace"
nb2=$(sqlite3 "$B" "SELECT count(*) FROM audit")
if [ "$nb2" = "$nb" ]; then ok; else bad "a refused copy wrote to the destination ($nb -> $nb2 entries)"; fi
hasnt "copy test" "nothing of the source's change reached the destination"
if "$PLENUM" export --db "$B" --no-audit | grep -qF "copy test"; then bad "refused copy wrote the report"; else ok; fi

# ---- --replace: the same org again; the replaced chain's checkpoints
# belong to a chain plenum ended, not to the new one ----
expect 0 "copy --replace" -- "$PLENUM" copy --from "$A" --to "$B" --replace --json
has '"replaced": true' "--json says it replaced"
expect 0 "audit verify after --replace" -- "$PLENUM" --db "$B" audit verify
same_export "copy --replace" "$A" "$B"
# The same through export and import --replace of the org's own document.
expect 0 "export" -- "$PLENUM" --db "$B" export -o "$TMP/b.json"
expect 0 "import --replace of its own export" -- "$PLENUM" --db "$B" import "$TMP/b.json" --replace
expect 0 "audit verify after import --replace" -- "$PLENUM" --db "$B" audit verify

# ---- a copy that fails part way leaves nothing: database calls made to fail
# in turn (PLENUM_DB_FAIL) on a fresh destination; after each, the org is
# either absent or whole (its chain verifies, its export is the source's) ----
C="$TMP/c.db"
absent=0
for n in 25 50 100 200 400 800 1600 3200; do
	rm -f "$C" "$C"-wal "$C"-shm "$C".checkpoints
	"$PLENUM" --db "$C" init >/dev/null 2>&1
	PLENUM_DB_FAIL=$n "$PLENUM" copy --from "$A" --to "$C" >"$TMP/fail" 2>&1
	rc=$?
	orgs=$(sqlite3 "$C" "SELECT count(*) FROM org")
	rows=$(sqlite3 "$C" "SELECT (SELECT count(*) FROM task) + (SELECT count(*) FROM audit)")
	if [ "$orgs" = 0 ]; then
		absent=$((absent + 1))
		if [ "$rc" = 1 ] && [ "$rows" = 0 ]; then ok; else bad "PLENUM_DB_FAIL=$n: exit $rc, no org but $rows rows"; fi
	else
		expect 0 "PLENUM_DB_FAIL=$n: the org written is whole" -- "$PLENUM" --db "$C" audit verify
		same_export "PLENUM_DB_FAIL=$n" "$A" "$C"
	fi
done
if [ "$absent" -ge 3 ]; then ok; else bad "only $absent injected failures fell inside the copy's write"; fi

# ---- SQLite -> PostgreSQL -> SQLite ----
if [ -n "${PLENUM_TEST_PG_URL:-}" ]; then
	# The database may hold other tests' orgs: this one names its own.
	PG=$PLENUM_TEST_PG_URL
	D="$TMP/d.db"
	expect 0 "copy to PostgreSQL" -- "$PLENUM" copy --from "$A" --to "$PG" --org jiangmen --replace
	has "the PostgreSQL database" "the URL is not printed"
	hasnt "postgresql://" "the URL is not printed"
	expect 0 "audit verify on PostgreSQL" -- "$PLENUM" --db "$PG" --org jiangmen audit verify
	has "audit chain intact" "the chain verifies on PostgreSQL"
	same_export "SQLite -> PostgreSQL" "$A" "$PG"
	expect 1 "copy onto PostgreSQL's existing org" -- "$PLENUM" copy --from "$A" --to "$PG"
	expect 0 "copy back to SQLite" -- "$PLENUM" copy --from "$PG" --to "$D" --org jiangmen
	expect 0 "audit verify after the round trip" -- "$PLENUM" --db "$D" audit verify
	same_export "PostgreSQL -> SQLite" "$A" "$D"
	same_search "SQLite -> PostgreSQL" "$A" "$PG"
	same_search "PostgreSQL -> SQLite" "$A" "$D"
	# The generated org, both ways; then the second org onto the same ids.
	G3="$TMP/g3.db"
	expect 0 "generated org to PostgreSQL" -- "$PLENUM" copy --from "$G" --to "$PG" --org jiangmen --replace
	expect 0 "audit verify of the generated org on PostgreSQL" -- "$PLENUM" --db "$PG" --org jiangmen audit verify
	same_export "generated org, SQLite -> PostgreSQL" "$G" "$PG"
	same_search "generated org, SQLite -> PostgreSQL" "$G" "$PG"
	expect 0 "generated org back to SQLite" -- "$PLENUM" copy --from "$PG" --to "$G3" --org jiangmen
	expect 0 "audit verify of the generated org back on SQLite" -- "$PLENUM" --db "$G3" audit verify
	same_export "generated org, PostgreSQL -> SQLite" "$G" "$G3"
	same_search "generated org, PostgreSQL -> SQLite" "$G" "$G3"
	expect 0 "second org to PostgreSQL" -- "$PLENUM" copy --from "$E" --to "$PG" --org kaiping --replace
	expect 0 "audit verify of the second org on PostgreSQL" -- "$PLENUM" --db "$PG" --org kaiping audit verify
	same_export "second org, SQLite -> PostgreSQL" "$E" "$PG" kaiping
	# PostgreSQL gives no other writer an id of the copied range.
	expect 0 "a write after the copies" -- "$PLENUM" --db "$PG" --org kaiping task report t-1-2 --percent 70 --done "after the copy"
	expect 0 "audit verify after a write" -- "$PLENUM" --db "$PG" --org kaiping audit verify
	h3=$(sqlite3 "$D" "SELECT password_hash FROM app_user WHERE login = 'copier'")
	if [ "$h1" = "$h3" ]; then ok; else bad "the password hash did not survive the round trip"; fi
else
	echo "copy.sh: PostgreSQL skipped (PLENUM_TEST_PG_URL not set; make pg-test sets it)"
fi

echo "copy.sh: $pass passed, $fail failed"
[ "$fail" = 0 ]
