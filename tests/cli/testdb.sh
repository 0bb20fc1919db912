# testdb.sh -- sourced by the CLI test scripts: where their databases live.
# Without PLENUM_TEST_PG a database is a file in $TMP; with
# PLENUM_TEST_PG=postgresql://... it is a fresh schema of that PostgreSQL
# database (make pg-check), dropped again by testdb_cleanup. NOT a test
# framework: each script keeps its own ok/bad counters.
#   db NAME           the database called NAME (a file, or a schema made on first use)
#   db_reset NAME     the same, emptied (file removed, schema dropped and made again)
#   sql DB QUERY      one value from it (sqlite3 or psql)
#   sqlite_only WHY   returns 1 on PostgreSQL, printing why the check is skipped
#   testdb_cleanup    drops the schemas made (call it from the script's EXIT trap, before $TMP goes)
# Needs $TMP set before use.
PG=${PLENUM_TEST_PG:-}
db() {
	if [ -z "$PG" ]; then echo "$TMP/$1.db"; return; fi
	s="plenum_cli_$$_$1"
	if [ ! -e "$TMP/.schema-$1" ]; then
		PGOPTIONS="-c client_min_messages=warning" psql -X -q "$PG" -c "DROP SCHEMA IF EXISTS $s CASCADE; CREATE SCHEMA $s" >/dev/null && touch "$TMP/.schema-$1"
	fi
	case $PG in *\?*) echo "$PG&options=-csearch_path%3D$s,public" ;; *) echo "$PG?options=-csearch_path%3D$s,public" ;; esac
}
db_reset() {
	if [ -z "$PG" ]; then rm -f "$TMP/$1.db" "$TMP/$1.db-wal" "$TMP/$1.db-shm" "$TMP/$1.db.checkpoints"; else rm -f "$TMP/.schema-$1"; fi
	db "$1" >/dev/null
}
sql() {
	if [ -z "$PG" ]; then sqlite3 "$1" "$2"; else psql -X -q -At "$1" -c "$2"; fi
}
sqlite_only() {
	if [ -n "$PG" ]; then echo "cli: skipped on PostgreSQL: $1"; return 1; fi
	return 0
}
testdb_cleanup() {
	[ -n "$PG" ] && [ -z "${PLENUM_TEST_KEEP:-}" ] || return 0
	for f in "$TMP"/.schema-*; do
		[ -e "$f" ] || continue
		PGOPTIONS="-c client_min_messages=warning" psql -X -q "$PG" -c "DROP SCHEMA IF EXISTS plenum_cli_$$_${f##*/.schema-} CASCADE" >/dev/null 2>&1
	done
}
# A URL has no file beside it: its audit key and checkpoints go in $TMP.
if [ -n "$PG" ]; then
	export PLENUM_AUDIT_KEY="$TMP/.plenum-audit-key" PLENUM_CHECKPOINTS="$TMP/checkpoints"
fi
