#!/bin/sh
# commands.sh -- the command table is the one source of the command line's
# texts: every command in it (plenum help --table) is listed by plenum
# --help, answers plenum CMD --help and plenum help CMD (exit 0, naming each
# of its options), refuses an unknown option and an option without its value
# naming the option (exit 2), and has its section in the manual page, which
# groff renders without a warning and whose ENVIRONMENT names every variable
# the sources read.
# With PLENUM_TEST_PG=postgresql://... the (empty) database is a fresh schema
# of it (tests/cli/testdb.sh): no command here may get past its options.
# Usage: tests/cli/commands.sh ./plenum (from the top of the tree)
set -u
PLENUM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
TMP=$(mktemp -d)
. "$(dirname "$0")/testdb.sh"
trap 'testdb_cleanup; rm -rf "$TMP"' EXIT
export PLENUM_CONFIG="$TMP/empty.conf" PLENUM_DB="$(db none)"
: >"$PLENUM_CONFIG"
unset LANG
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$1"; then ok; else bad "$2"; fi; }

"$PLENUM" help --table >"$TMP/table" 2>"$TMP/err"
check "[ \$? = 0 ]" "plenum help --table: $(cat "$TMP/err")"
n=$(wc -l <"$TMP/table")
check "[ $n -ge 30 ]" "the table holds every command (found $n)"
"$PLENUM" --help >"$TMP/help"
check "! grep -qi 'later' '$TMP/help'" "plenum --help is current (no 'later')"
"$PLENUM" help --man --date 2026-01-01 >"$TMP/plenum.1"
check "grep -q '^.TH PLENUM 1 \"2026-01-01\"' '$TMP/plenum.1'" "the manual's header has the date given"
preconv "$TMP/plenum.1" | groff -man -Tutf8 -ww -z >"$TMP/groff.err" 2>&1
check "[ ! -s '$TMP/groff.err' ]" "groff -ww renders the manual without warnings: $(head -3 "$TMP/groff.err")"
LANG=C.UTF-8 MANWIDTH=200 man -l "$TMP/plenum.1" >"$TMP/man.txt" 2>"$TMP/man.err"
check "[ ! -s '$TMP/man.err' ] && [ -s '$TMP/man.txt' ]" "man -l renders the manual: $(head -3 "$TMP/man.err")"

# shellcheck disable=SC2034
while IFS='	' read -r name opts; do
	check "grep -Eq '^  $name +[a-z]' '$TMP/help'" "plenum --help lists $name"
	# shellcheck disable=SC2086
	"$PLENUM" $name --help >"$TMP/out" 2>&1
	check "[ \$? = 0 ]" "plenum $name --help exits 0"
	check "grep -q '^usage: plenum $name' '$TMP/out'" "plenum $name --help starts with its usage"
	# shellcheck disable=SC2086
	"$PLENUM" help $name >"$TMP/out2" 2>&1
	check "cmp -s '$TMP/out' '$TMP/out2'" "plenum help $name is plenum $name --help"
	check "grep -q '^   plenum $name\$' '$TMP/man.txt'" "the manual has a section for plenum $name"
	sed -n "/^   plenum $name\$/,/^   plenum /p" "$TMP/man.txt" >"$TMP/section"
	# shellcheck disable=SC2086
	"$PLENUM" $name --no-such-option >"$TMP/out3" 2>&1
	check "[ \$? = 2 ] && grep -q 'unknown option \"--no-such-option\"' '$TMP/out3'" \
		"plenum $name refuses an unknown option naming it: $(head -1 "$TMP/out3")"
	for o in $opts; do
		opt=${o%=}
		check "grep -q -- '$opt' '$TMP/out'" "plenum $name --help mentions $opt"
		check "grep -q -- '$opt' '$TMP/section'" "the manual's plenum $name mentions $opt"
		if [ "$o" != "$opt" ]; then
			# shellcheck disable=SC2086
			"$PLENUM" $name $opt >"$TMP/out3" 2>&1
			check "[ \$? = 2 ] && grep -q 'option $opt needs a value' '$TMP/out3'" \
				"plenum $name $opt without a value is refused naming it: $(head -1 "$TMP/out3")"
		fi
	done
done <"$TMP/table"

# A family without its subcommand: its list on --help, exit 2 without it.
for fam in $(cut -f1 "$TMP/table" | grep ' ' | cut -d' ' -f1 | sort -u); do
	"$PLENUM" "$fam" --help >"$TMP/out" 2>&1
	check "[ \$? = 0 ]" "plenum $fam --help exits 0"
	for sub in $(grep "^$fam " "$TMP/table" | cut -f1 | cut -d' ' -f2); do
		check "grep -Eq '^  $sub +[a-z]' '$TMP/out'" "plenum $fam --help lists $sub"
	done
	"$PLENUM" "$fam" >"$TMP/out" 2>&1
	check "[ \$? = 2 ] && grep -q 'usage: plenum $fam ' '$TMP/out'" "plenum $fam alone is bad usage"
	"$PLENUM" "$fam" frobnicate >"$TMP/out" 2>&1
	check "[ \$? = 2 ] && grep -q 'no $fam command \"frobnicate\"' '$TMP/out'" "plenum $fam frobnicate is named"
done
"$PLENUM" help frobnicate >"$TMP/out" 2>&1
check "[ \$? = 2 ] && grep -q 'no command \"frobnicate\"' '$TMP/out'" "plenum help of no command"

# Every option a handler reads (cli_opt/cli_flag, which abort on a name not in
# the command's table) is in an option table of the same file.
if [ -d src/cli ]; then
	for f in src/cli/cmd_*.c; do
		for o in $(grep -oE 'cli_(opt|flag)\(r, "[a-z-]+"\)' "$f" | grep -oE '"[a-z-]+"' | tr -d '"' | sort -u); do
			check "grep -q '{ \"$o\", ' '$f'" "$f reads --$o, which none of its option tables has"
		done
	done
fi

# Every variable the sources read is in the manual's ENVIRONMENT.
sed -n '/^ENVIRONMENT/,/^[A-Z]/p' "$TMP/man.txt" >"$TMP/env"
if [ -d src ]; then
	for v in $(grep -rhoE 'getenv\("[A-Z_]+"\)|sibling_path\(svc, "[A-Z_]+"' src | grep -oE '"[A-Z_]+"' | tr -d '"' | sort -u); do
		check "grep -q '^       $v' '$TMP/env'" "the manual's ENVIRONMENT names $v"
	done
fi
check "grep -q '/etc/plenum.conf' '$TMP/man.txt'" "the manual names the configuration file"

echo "commands: $pass passed, $fail failed"
[ "$fail" = 0 ]
