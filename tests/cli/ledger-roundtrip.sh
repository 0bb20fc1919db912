#!/bin/sh
# ledger-roundtrip.sh -- the ledger out to LibreOffice and back (issue 11):
# export the demo ledger as XLSX, edit it in LibreOffice Calc headless
# (python3-uno: a percent and a latest report of t-1-2, the due date of
# t-2-1-3, typed as a user types them), save it as xlsx, import it, and check
# that the edits were applied -- a progress report with that percent and
# text, the due date moved -- and that nothing else changed.
#
# Needs libreoffice-calc-nogui and python3-uno (scripts/install-deps).
# Usage: tests/cli/ledger-roundtrip.sh ./plenum
# With PLENUM_TEST_PG=postgresql://... the database is a fresh schema of it
# (tests/cli/testdb.sh).
set -u
PLENUM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FIX=$(cd "$(dirname "$0")/../fixtures" && pwd)
TMP=$(mktemp -d /tmp/plenum-roundtrip-XXXXXX)
. "$(dirname "$0")/testdb.sh"
trap 'testdb_cleanup; rm -rf "$TMP"' EXIT
export PLENUM_TODAY=2026-11-25
export PLENUM_DB="$(db demo)"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
has() {
	if grep -qF -- "$1" "$TMP/out"; then ok; else bad "$2: no \"$1\" in the output"; sed 's/^/    /' "$TMP/out" | head -10; fi
}

if ! command -v soffice >/dev/null || ! /usr/bin/python3 -c 'import uno' 2>/dev/null; then
	echo "FAIL: the round trip needs libreoffice-calc-nogui and python3-uno: run scripts/install-deps"
	exit 1
fi
"$PLENUM" demo >/dev/null 2>&1 || { echo "FAIL: demo"; exit 1; }
for lang in zh en; do
	"$PLENUM" report ledger --lang $lang -o "$TMP/l-$lang.xlsx" >/dev/null || { echo "FAIL: report ledger"; exit 1; }
done
"$PLENUM" report ledger --format csv --lang en -o "$TMP/before.csv" >/dev/null

# The Chinese ledger, as a secretary edits it.
if ! /usr/bin/python3 "$FIX/lo-edit.py" "$TMP/l-zh.xlsx" "$TMP/edited.xlsx" \
	t-1-2 percent 60% t-1-2 latest_report 第二批项目完成立项 t-2-1-3 due_on 2027-04-30 >"$TMP/out" 2>&1; then
	bad "LibreOffice edit"; cat "$TMP/out"
fi
"$PLENUM" ledger import "$TMP/edited.xlsx" >"$TMP/out" 2>&1 || bad "import of the edited ledger: exit $?"
has "15 rows: 0 created, 1 updated, 13 unchanged, 0 rejected; 1 with a progress report; changed:" "one report, one update"
has "percent 1" "the percent counted"
has "latest_report 1" "the latest report counted"
has "due_on 1" "the due date counted"
if grep -q "warning" "$TMP/out"; then bad "no warning expected"; sed 's/^/    /' "$TMP/out"; else ok; fi
"$PLENUM" task show t-1-2 >"$TMP/out" 2>&1
has "2026-11-25   60%  第二批项目完成立项" "the progress report, filed today"
"$PLENUM" task show t-2-1-3 >"$TMP/out" 2>&1
has "2026-06-01 .. 2027-04-30" "the due date moved"

# Nothing else changed: the ledger after differs from the ledger before only
# in the cells edited and in what follows from them (the light, the date of
# the latest report).
"$PLENUM" report ledger --format csv --lang en -o "$TMP/after.csv" >/dev/null
if /usr/bin/python3 - "$TMP/before.csv" "$TMP/after.csv" >"$TMP/out" 2>&1 <<'EOF'
import csv, sys
a = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
b = list(csv.reader(open(sys.argv[2], encoding="utf-8-sig")))
allowed = {("t-1-2", "percent"), ("t-1-2", "latest_report"), ("t-1-2", "last_report_on"), ("t-1-2", "light"),
           ("t-2-1-3", "due_on"), ("t-2-1-3", "light")}
h = a[0]
assert len(a) == len(b), "rows %d then %d" % (len(a), len(b))
diffs = {(x[0], h[i]) for x, y in zip(a[1:], b[1:]) for i in range(len(h)) if x[i] != y[i]}
extra = diffs - allowed
assert not extra, "changed besides the edits: %s" % sorted(extra)
assert ("t-1-2", "percent") in diffs and ("t-2-1-3", "due_on") in diffs, sorted(diffs)
print("only the edits changed:", sorted(diffs))
EOF
then ok; else bad "nothing else changed"; cat "$TMP/out"; fi

# The English ledger of now, re-saved by LibreOffice with no edit, comes back unchanged.
"$PLENUM" report ledger --lang en -o "$TMP/l-en2.xlsx" >/dev/null
/usr/bin/python3 "$FIX/lo-edit.py" "$TMP/l-en2.xlsx" "$TMP/resaved.xlsx" >"$TMP/out" 2>&1 || bad "LibreOffice re-save"
"$PLENUM" ledger import "$TMP/resaved.xlsx" >"$TMP/out" 2>&1 || bad "import of the re-saved ledger: exit $?"
has "15 rows: 0 created, 0 updated, 15 unchanged, 0 rejected; 0 with a progress report" "a re-saved ledger is unchanged"
# The ledger from before the edit, imported after it: its progress columns show
# an earlier report, which is not filed again over the newer one.
/usr/bin/python3 "$FIX/lo-edit.py" "$TMP/l-en.xlsx" "$TMP/old.xlsx" >"$TMP/out" 2>&1 || bad "LibreOffice re-save"
"$PLENUM" ledger import "$TMP/old.xlsx" >"$TMP/out" 2>&1 || bad "import of the older ledger: exit $?"
has "0 with a progress report" "no report from an older file"
has "row 3: the progress columns show the report of 2026-11-10 (40%), older than the task's latest (2026-11-25, 60%)" "the older file named"

echo "ledger round trip: $pass passed, $fail failed"
[ "$fail" = 0 ]
