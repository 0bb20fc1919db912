#!/bin/sh
# ledger-import.sh -- 'plenum ledger import' reads what real spreadsheets
# write (issue 11, item 2): typed dates in either date system, percents and
# numbers stored as numbers or text, CSV in GB18030, UTF-16 or UTF-8 with a
# mark, ; and tab separators, people and units by name; edited progress
# columns become a progress report or a warning, never "unchanged" in silence.
#
# The LibreOffice-made files are committed (tests/fixtures/lo, remade by
# tests/fixtures/make-lo.py): this test needs no LibreOffice.
# With PLENUM_TEST_PG=postgresql://... the database is a fresh schema of it
# (tests/cli/testdb.sh), made again from the demo where a fresh copy is needed.
# Usage: tests/cli/ledger-import.sh ./plenum
set -u
PLENUM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
LO=$(cd "$(dirname "$0")/../fixtures/lo" && pwd)
TMP=$(mktemp -d /tmp/plenum-limport-XXXXXX)
. "$(dirname "$0")/testdb.sh"
trap 'testdb_cleanup; rm -rf "$TMP"' EXIT
export PLENUM_TODAY=2026-11-25
export PLENUM_DB="$(db demo)"
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect CODE DESCRIPTION -- COMMAND...: runs it, output in $TMP/out (stdout and stderr), stderr alone in $TMP/err
expect() {
	want=$1; what=$2; shift 3
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	cat "$TMP/err" >>"$TMP/out"
	if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, wanted $want"; sed 's/^/    /' "$TMP/out" | head -20; fi
}
has() {
	if grep -qF -- "$1" "$TMP/out"; then ok; else bad "$2: no \"$1\" in the output"; sed 's/^/    /' "$TMP/out" | head -10; fi
}
hasnt() {
	if grep -qF -- "$1" "$TMP/out"; then bad "$2: unexpected \"$1\""; else ok; fi
}
# a fresh copy of the demo, with its signed checkpoints (the chain must match them)
# (on PostgreSQL: the schema made again and the demo loaded into it)
fresh() {
	if [ -n "$PG" ]; then
		db_reset demo; rm -f "$PLENUM_CHECKPOINTS"
		"$PLENUM" demo >/dev/null 2>&1 || bad "demo"
		return
	fi
	cp "$TMP/base.db" "$PLENUM_DB"; cp "$TMP/base.db.checkpoints" "$PLENUM_DB.checkpoints" 2>/dev/null
}

"$PLENUM" demo >/dev/null 2>&1 || { echo "FAIL: demo"; exit 1; }
[ -n "$PG" ] || { cp "$PLENUM_DB" "$TMP/base.db"; cp "$PLENUM_DB.checkpoints" "$TMP/base.db.checkpoints" 2>/dev/null; }
"$PLENUM" report ledger --format csv --lang zh -o "$TMP/l.csv" >/dev/null || { echo "FAIL: ledger csv"; exit 1; }

# ---- LibreOffice's files: each holds task t-1-2 as the demo has it ----
for f in ledger-1900.xlsx ledger-1904.xlsx ledger-excel2007.xlsx ledger-text.xlsx \
	ledger-gb18030.csv ledger-utf16.csv ledger-utf8bom.csv; do
	expect 0 "$f imports" -- "$PLENUM" ledger import "$LO/$f"
	has "1 rows: 0 created, 0 updated, 1 unchanged, 0 rejected; 0 with a progress report" "$f: the same task"
done

# ---- the demo's ledger re-encoded as Chinese Excel and Notepad save it ----
iconv -f UTF-8 -t GB18030 "$TMP/l.csv" >"$TMP/gb.csv"
expect 0 "a GB18030 ledger imports" -- "$PLENUM" ledger import "$TMP/gb.csv"
has "15 rows: 0 created, 0 updated, 15 unchanged, 0 rejected; 0 with a progress report" "GB18030 found"
expect 0 "a GB18030 ledger declared" -- "$PLENUM" ledger import --encoding gbk "$TMP/gb.csv"
has "15 unchanged" "GBK read as GB18030"
iconv -f UTF-8 -t UTF-16 "$TMP/l.csv" >"$TMP/u16.csv"
expect 0 "a UTF-16 ledger imports" -- "$PLENUM" ledger import "$TMP/u16.csv"
has "15 unchanged" "UTF-16 found by its mark"
sed 's/","/";"/g' "$TMP/l.csv" >"$TMP/semi.csv"
expect 0 "a semicolon ledger imports" -- "$PLENUM" ledger import "$TMP/semi.csv"
has "15 unchanged" "; separator found"
# undecidable: one message naming the encoding, not one per column
printf 'key,title\nt-1-2,caf\351\n' >"$TMP/latin1.csv"
expect 2 "a Latin-1 file is refused" -- "$PLENUM" ledger import "$TMP/latin1.csv"
has "row 2, column 2: not valid UTF-8" "the cell named"
has "declare its encoding" "the way out named"
[ "$(wc -l <"$TMP/err")" = 1 ] && ok || bad "one message, not $(wc -l <"$TMP/err")"
expect 2 "an unknown encoding" -- "$PLENUM" ledger import --encoding latin1 "$TMP/latin1.csv"
has "encoding: \"latin1\" is not one of" "the encoding named"

# ---- dates and percents as a spreadsheet leaves them; people and units by name ----
fresh
printf 'key,due_on,starts_on,cadence,lead_unit,supporting_units,responsible,percent\nt-1-2,2027/6/30,2026年6月1日,每月,市科学技术局,市财政局,Zhang Yuanxing,40%%\n' >"$TMP/forms.csv"
expect 0 "dates, labels and names as a spreadsheet shows them" -- "$PLENUM" ledger import "$TMP/forms.csv"
has "1 rows: 0 created, 0 updated, 1 unchanged, 0 rejected; 0 with a progress report" "read as the same values"
printf 'key,due_on\nt-1-2,46843\nt-1-3,2027-07-01 00:00:00\n' >"$TMP/serial.csv"
expect 0 "a serial day and a midnight time" -- "$PLENUM" ledger import "$TMP/serial.csv"
has "2 updated" "both dates read"
expect 0 "task show" -- "$PLENUM" task show t-1-2
has "2026-06-01 .. 2028-03-31" "46843 is 2028-03-31"
printf 'key,due_on,percent\nt-1-2,6/30/2027,40\nt-1-3,2027-07-01,half\n' >"$TMP/amb.csv"
expect 2 "an ambiguous date and a bad percent are rejected" -- "$PLENUM" ledger import "$TMP/amb.csv"
has "row 2, column due_on: " "the date's row and column"
has "6/30/2027" "the value named"
has "row 3, column percent: expected a whole percent from 0 to 100 (45 or 45%), got \"half\"" "the percent named"

# the workbook with names (keys beside them under 牵头单位编号...): names as shown read as the same values;
# an edited name is read over the key beside it
fresh
printf '编号,牵头单位编号,牵头单位,配合单位编号,配合单位,责任领导编号,责任领导,报送周期代码,报送周期\nt-1-2,u-jm-sci,市科学技术局,u-jm-finance,市财政局,p-zhang-yuanxing,Zhang Yuanxing,monthly,每月\n' >"$TMP/names.csv"
expect 0 "a ledger with names and keys" -- "$PLENUM" ledger import "$TMP/names.csv"
has "1 rows: 0 created, 0 updated, 1 unchanged, 0 rejected; 0 with a progress report" "names as shown change nothing"
hasnt "warning" "every column known"
printf '编号,牵头单位编号,牵头单位,配合单位编号,配合单位,责任领导编号,责任领导,报送周期代码,报送周期\nt-1-2,u-jm-sci,市财政局,u-jm-finance,市科学技术局,p-zhang-yuanxing,Zhang Yuanxing,monthly,每季度\n' >"$TMP/names.csv"
expect 0 "names edited" -- "$PLENUM" ledger import "$TMP/names.csv"
has "1 updated" "the edited names applied"
has "changed: lead_unit 1, supporting_units 1, cadence 1" "each edited name counted as its field"
expect 0 "task show" -- "$PLENUM" task show t-1-2
has "lead: Municipal Finance Bureau; supporting: Municipal Science and Technology Bureau" "units by name"
has "reports quarterly" "cadence by its label"
# a rule of the task record broken in the write names the row
printf 'key,lead_unit_name\nt-1-2,市科学技术局\n' >"$TMP/names.csv"
expect 2 "the lead unit as a supporting unit" -- "$PLENUM" ledger import "$TMP/names.csv"
has "row 2: supporting_units: the lead unit cannot also be a supporting unit" "the row named"
printf 'key,lead_unit_name\nt-1-2,市没有这个局\n' >"$TMP/names.csv"
expect 2 "an unknown name" -- "$PLENUM" ledger import "$TMP/names.csv"
has "row 2, column lead_unit: no unit \"市没有这个局\"" "the unknown name named"

# a title row above the header, as a 台账 often has: not read; rows keep their numbers
fresh
printf '江门市重点任务台账（2026年）,,\n编号,办结时限,备注\nt-1-2,2027-06-31,x\n' >"$TMP/title.csv"
expect 2 "a ledger with a title row" -- "$PLENUM" ledger import "$TMP/title.csv"
has "row 3, column due_on: expected a real date YYYY-MM-DD between 1990 and 2200, got 2027-06-31" "the row a spreadsheet shows"
printf '江门市重点任务台账（2026年）,,\n编号,办结时限,备注\nt-1-2,2027-06-30,x\n' >"$TMP/title.csv"
expect 0 "a ledger with a title row" -- "$PLENUM" ledger import "$TMP/title.csv"
has "row 2, column 3: \"备注\" is not a ledger column; not read" "an unknown column named"
has "1 rows: 0 created, 0 updated, 1 unchanged, 0 rejected; 0 with a progress report; 1 warning" "the title row is not a task"

# ---- edited progress columns: a report by the importer, or a warning per row ----
fresh
python3 - "$TMP/l.csv" "$TMP/edited.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
h = rows[0]
col = {n: h.index(n) for n in ("编号", "进度", "最新进展", "办理状态", "最近报送")}
for r in rows[1:]:
    if r[col["编号"]] == "t-1-2":          # in progress: a report
        r[col["进度"]] = "60%"
        r[col["最新进展"]] = "第二批项目立项"
    if r[col["编号"]] == "t-1-1":          # closed: takes no report
        r[col["进度"]] = "90"
    if r[col["编号"]] == "t-2-1-3":        # the state is the workflow's
        r[col["办理状态"]] = "closed"
    if r[col["编号"]] == "t-1-3":          # a date alone is no report
        r[col["最近报送"]] = "2026-11-20"
csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline="")).writerows(rows)
EOF
expect 0 "an edited ledger imports" -- "$PLENUM" ledger import "$TMP/edited.csv"
has "15 rows: 0 created, 0 updated, 14 unchanged, 0 rejected; 1 with a progress report; changed: percent 1, latest_report 1; 3 warnings (edits not applied)" "the summary counts what changed"
has "row 2, column percent: the task is closed and takes no progress report; not read" "a closed task warned"
has "row 7, column state: \"closed\" is not the task's state (in_progress)" "a state edit warned"
has "row 4, column last_report_on: changed to 2026-11-20 without a new percent or latest report" "a date alone warned"
expect 0 "task show" -- "$PLENUM" task show t-1-2
has "2026-11-25   60%  第二批项目立项" "the report filed today with the percent and text"
has "Progress: 60%" "the task's progress"
expect 0 "the audit chain" -- "$PLENUM" audit verify
has "chain intact" "the report and the import sealed in the audit chain"
# a week later the same file shows last week's lights: one warning for them all, not one per row
expect 0 "an older ledger" -- env PLENUM_TODAY=2027-01-10 "$PLENUM" ledger import "$TMP/l.csv"
has "rows show a light other than today's" "the lights named"
[ "$(grep -c "column light" "$TMP/err")" = 1 ] && ok || bad "one line for the lights, not $(grep -c "column light" "$TMP/err")"
expect 0 "the same file again" -- "$PLENUM" ledger import "$TMP/edited.csv"
has "15 unchanged, 0 rejected; 0 with a progress report" "a report is filed once"

echo "ledger import: $pass passed, $fail failed"
[ "$fail" = 0 ]
