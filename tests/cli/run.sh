#!/bin/sh
# run.sh -- black-box tests of the plenum command line: exit codes, help,
# the demo meeting's record against the seed article, import errors, the
# export/import round trip, the workflow and the compliance check.
# Usage: tests/cli/run.sh ./plenum
# With PLENUM_TEST_PG=postgresql://... every database is a fresh schema of
# that PostgreSQL database instead of a file (make check runs both); the
# checks of SQLite files alone (backup, restore, no file left) are skipped
# there, each with a line saying so.
set -u
PLENUM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
TMP=$(mktemp -d)
PG=${PLENUM_TEST_PG:-}
schemas=""
cleanup() {
	[ -n "${PLENUM_TEST_KEEP:-}" ] || for s in $schemas; do psql -X -q "$PG" -c "DROP SCHEMA IF EXISTS $s CASCADE" >/dev/null 2>&1; done
	rm -rf "$TMP"
}
trap cleanup EXIT
export PLENUM_TODAY=2026-11-25
# db NAME: the database called NAME in this run (a file, or a schema made
# on first use); sql DB QUERY: one value from it.
db() {
	if [ -z "$PG" ]; then echo "$TMP/$1.db"; return; fi
	s="plenum_cli_$$_$1"
	if [ ! -e "$TMP/.schema-$1" ]; then
		psql -X -q "$PG" -c "DROP SCHEMA IF EXISTS $s CASCADE; CREATE SCHEMA $s" >/dev/null && touch "$TMP/.schema-$1"
	fi
	case $PG in *\?*) echo "$PG&options=-csearch_path%3D$s,public" ;; *) echo "$PG?options=-csearch_path%3D$s,public" ;; esac
}
sql() {
	if [ -z "$PG" ]; then sqlite3 "$1" "$2"; else psql -X -q -At "$1" -c "$2"; fi
}
sqlite_only() {
	if [ -n "$PG" ]; then echo "cli: skipped on PostgreSQL: $1"; return 1; fi
	return 0
}
if [ -n "$PG" ]; then
	for n in demo none two torn forged fb fb2 three four b2 deep; do
		db "$n" >/dev/null; schemas="$schemas plenum_cli_$$_$n"
	done
	export PLENUM_AUDIT_KEY="$TMP/.plenum-audit-key" PLENUM_CHECKPOINTS="$TMP/checkpoints"
fi
export PLENUM_DB="$(db demo)"
unset LANG
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
# has TEXT DESCRIPTION: the last output contains TEXT
has() {
	if grep -qF -- "$1" "$TMP/out"; then ok; else bad "$2: no \"$1\" in the output"; fi
}
hasnt() {
	if grep -qF -- "$1" "$TMP/out"; then bad "$2: unexpected \"$1\""; else ok; fi
}

# ---- usage and help ----
expect 0 "help" -- "$PLENUM" --help
has "meeting" "help lists commands"
expect 2 "no command" -- "$PLENUM"
expect 2 "unknown command" -- "$PLENUM" frobnicate
for c in init demo import export check setting; do
	expect 0 "$c --help" -- "$PLENUM" "$c" --help
	has "usage: plenum $c" "$c --help"
done
for c in "meeting list" "meeting show" "task list" "task show" "task report" "task act" "task extend" "task decide" "initiative tree" "audit verify"; do
	# shellcheck disable=SC2086
	expect 0 "$c --help" -- "$PLENUM" $c --help
	has "usage:" "$c --help"
done
expect 2 "unknown option" -- "$PLENUM" meeting list --colour
has "unknown option \"--colour\"" "unknown option is named"
expect 2 "missing database" -- "$PLENUM" --db "$(db none)" meeting list
has "no database" "missing database is named"
if sqlite_only "a read command creates no file"; then [ ! -e "$TMP/none.db" ] && ok || bad "a read command created a database"; fi

# ---- the demo ----
expect 0 "demo loads" -- "$PLENUM" demo
has "imported org \"jiangmen\"" "demo import"
expect 0 "demo loads twice (replace)" -- "$PLENUM" demo
expect 0 "meeting list" -- "$PLENUM" meeting list
has "m-2026-jm-xiongan" "meeting list shows the seed meeting"
expect 0 "meeting show (en)" -- "$PLENUM" meeting show m-2026-jm-xiongan --lang en
for fact in "Chen Anming" "Wu Xiaohui" "Zhang Yuanxing" "Yi Zhongqiang" "Ling Chuanmao" "Wang Jun" \
	"Xiong'an New Area" "science and technology leading" "basic research" "innovation platforms" \
	"industrial revitalization" "trillion-yuan industrial cities" "energy, electronic information and equipment manufacturing" \
	"silicon energy, new energy power batteries and intelligent equipment" "digital and intelligent transformation" \
	"traditional industry" "park reconstruction" "Greater Bay Area" "industrial agglomeration area" \
	"pioneering start-up areas" "industrial chain" "Intermediate People's Court" "Municipal Procuratorate" \
	"main responsible comrades" "learning secretary" "relevant municipal units" "Exchange speech" "Keynote"; do
	has "$fact" "meeting show carries the article's fact"
done
has "[red]" "meeting show shows red tasks"
has "[green]" "meeting show shows green tasks"
expect 0 "meeting show (zh)" -- "$PLENUM" meeting show m-2026-jm-xiongan --lang zh
for fact in "陈岸明" "吴晓晖" "雄安新区" "科技引领" "工业振兴" "园区再造" "万亿工业城市" "硅能源" "新能源电池" "智能装备" \
	"中级人民法院" "人民检察院" "主要负责同志" "学习秘书" "市直有关单位" "交流发言" "牵头"; do
	has "$fact" "meeting show in Chinese"
done
expect 0 "leave and make-up shown" -- "$PLENUM" meeting show m-2026-q1
has "on leave" "leave shown"
has "made up on 2026-04-02" "make-up shown"
expect 2 "unknown meeting" -- "$PLENUM" meeting show m-none
has "no meeting \"m-none\"" "unknown meeting named"
expect 0 "meeting show --json" -- "$PLENUM" meeting show m-2026-jm-xiongan --json
jq -e '.decisions | length == 3 and (.[1].tasks | length) >= 8' "$TMP/out" >/dev/null && ok || bad "meeting --json shape"

# ---- initiatives and tasks ----
expect 0 "initiative tree" -- "$PLENUM" initiative tree
has "2.1.1 Energy cluster" "tree shows directions"
expect 0 "initiative tree --json" -- "$PLENUM" initiative tree --json
jq -e '[.[] | select(.depth == 0)] | length == 4' "$TMP/out" >/dev/null && ok || bad "tree --json roots"
expect 0 "red tasks" -- "$PLENUM" task list --light red
has "t-2-1-2" "overdue task is red"
hasnt "t-1-2 " "green task not in red list"
expect 0 "tasks of a unit (lead or supporting)" -- "$PLENUM" task list --unit u-jm-commerce --json
jq -e 'map(.key) | index("t-3-3") and index("t-2-1-2")' "$TMP/out" >/dev/null && ok || bad "unit filter"
expect 0 "tasks under an initiative" -- "$PLENUM" task list --initiative i-2-2 --json
jq -e 'length == 3' "$TMP/out" >/dev/null && ok || bad "initiative filter includes sub-directions"
expect 2 "bad light" -- "$PLENUM" task list --light purple
expect 2 "unknown unit" -- "$PLENUM" task list --unit u-none
has 'no unit "u-none"' "unknown unit named"
expect 2 "unknown group" -- "$PLENUM" meeting list --group g-none
expect 0 "task show" -- "$PLENUM" task show t-3-3
has "extension" "task show lists workflow"
has "2026-06-30 -> 2026-08-31" "task show lists the extension"
expect 2 "report with bad percent" -- "$PLENUM" task report t-1-2 --percent 140 --done x
has "--percent" "bad percent is named"
expect 2 "report without done" -- "$PLENUM" task report t-1-2 --percent 50
expect 2 "report period before the task starts" -- "$PLENUM" task report t-2-1-3 --percent 70 --done x --from 2026-01-01 --to 2026-06-30
has "period_from: before the task starts (2026-06-01)" "the period's field named"
expect 0 "file a progress report" -- "$PLENUM" task report t-2-1-3 --percent 70 --done "签约装备项目3个" --problems "用地" --next "开工" \
	--from 2026-06-01 --to 2026-06-30
expect 0 "the light follows" -- "$PLENUM" task show t-2-1-3 --json
jq -e '.percent == 70 and .light.color == "green" and (.reports | last | .done) == "签约装备项目3个" and (.reports | last | .period_to) == "2026-06-30"' "$TMP/out" >/dev/null && ok || bad "report changes the light"
n0=$(sql "$PLENUM_DB" "SELECT count(*) FROM progress_report")
expect 0 "report with a key" -- "$PLENUM" task report t-2-1-3 --percent 71 --done "重试" --idempotency-key k-71
expect 0 "the same report again" -- "$PLENUM" task report t-2-1-3 --percent 71 --done "重试" --idempotency-key k-71
has "already filed" "a retried report is not filed twice"
n1=$(sql "$PLENUM_DB" "SELECT count(*) FROM progress_report")
[ "$n1" = $((n0 + 1)) ] && ok || bad "retried report: $n0 -> $n1 reports, wanted one more"
# a long history: task show lists the latest reports and says how many earlier ones it leaves out
i=0
while [ $i -lt 22 ]; do
	"$PLENUM" task report t-2-1-2 --percent 50 --done "报告 $i" >/dev/null 2>&1 || bad "report $i on t-2-1-2"
	i=$((i + 1))
done
expect 0 "task show after many reports" -- "$PLENUM" task show t-2-1-2
has "报告 21" "the newest report is shown"
hasnt "报告 0" "the oldest is not"
total=$(sql "$PLENUM_DB" "SELECT count(*) FROM progress_report r JOIN task t ON t.id = r.task_id WHERE t.key = 't-2-1-2'")
has "($((total - 20)) earlier reports not shown)" "task show counts the reports it leaves out"
expect 2 "another report under the same key" -- "$PLENUM" task report t-2-1-3 --percent 72 --done "别的" --idempotency-key k-71
has "was used for another request" "key reuse named"
expect 1 "illegal move" -- "$PLENUM" task act t-1-2 close
has "allowed now" "illegal move lists the legal ones"
expect 0 "dispatch" -- "$PLENUM" task act t-q1-1 dispatch --note "交办宣传部"
expect 1 "extension after due" -- "$PLENUM" task extend t-2-1-2 --to 2027-01-31 --reason "late"
has "before the due date" "extension refused after due date"
expect 2 "impossible date" -- "$PLENUM" task list --due-from 2026-02-30

# ---- compliance ----
expect 0 "check" -- "$PLENUM" check --group g-jm-tlcg --year 2026
has "not filed with the superior by 2026-01-31" "plan filed late"
has "Yi Zhongqiang has not made up" "missing make-up"
has "no approver recorded" "leave without approver"
has "46 days after the meeting" "late make-up"
hasnt "Member C (illustrative) attended" "member who joined in July"
expect 2 "check bad year" -- "$PLENUM" check --year 20x6
expect 0 "check --json" -- "$PLENUM" check --year 2026 --json
jq -e '.findings | map(.rule) | index("plan_filed") and index("makeup")' "$TMP/out" >/dev/null && ok || bad "check --json"
expect 0 "settings" -- "$PLENUM" setting set check.attendance_rate 60
expect 0 "check with new threshold" -- "$PLENUM" check --year 2026
hasnt "attended 2 of 3" "threshold setting is used"
expect 2 "bad setting" -- "$PLENUM" setting set check.attendance_rate 200

# ---- export and import ----
expect 0 "export" -- "$PLENUM" export -o "$TMP/one.json"
expect 0 "import into a new database" -- "$PLENUM" --db "$(db two)" import "$TMP/one.json"
expect 0 "export again" -- "$PLENUM" --db "$(db two)" export -o "$TMP/two.json"
jq -S 'del(.audit)' "$TMP/one.json" >"$TMP/one.data.json"; jq -S 'del(.audit)' "$TMP/two.json" >"$TMP/two.data.json"
cmp -s "$TMP/one.data.json" "$TMP/two.data.json" && ok || bad "export, import, export differ in the data"
expect 0 "export again without the audit" -- "$PLENUM" --db "$(db two)" export --no-audit -o "$TMP/two.noaudit.json"
expect 0 "export without the audit" -- "$PLENUM" export --no-audit -o "$TMP/one.noaudit.json"
cmp -s "$TMP/one.noaudit.json" "$TMP/two.noaudit.json" && ok || bad "export --no-audit, import, export differ"
# The chain comes along, checked, and ends with the import's own entry.
[ "$(jq '.audit | length' "$TMP/two.json")" = "$(($(jq '.audit | length' "$TMP/one.json") + 1))" ] && ok || bad "the chain was not carried"
[ "$(jq -r '.audit[-1].action' "$TMP/two.json")" = import ] && ok || bad "the import's entry is not last"
[ "$(jq -r '.audit[-2].hash' "$TMP/two.json")" = "$(jq -r '.audit[-1].hash' "$TMP/one.json")" ] && ok || bad "the carried head"
expect 0 "the carried chain verifies" -- "$PLENUM" --db "$(db two)" audit verify
has "audit chain intact" "carried chain intact"
# A torn export (a task's state behind its transitions) and a forged chain are refused.
jq '(.tasks[] | select(.key == "t-1-1")).state = "registered"' "$TMP/one.json" >"$TMP/torn.json"
expect 2 "a torn export is refused" -- "$PLENUM" --db "$(db torn)" import "$TMP/torn.json"
has 'is "registered" but its last transition moved it to' "torn task named"
jq '.audit[0].actor = "cli:someone-else"' "$TMP/one.json" >"$TMP/forged.json"
expect 2 "a forged chain is refused" -- "$PLENUM" --db "$(db forged)" import "$TMP/forged.json"
has "audit[0]: was altered" "forged entry named"
expect 2 "import the same org again" -- "$PLENUM" --db "$(db two)" import "$TMP/one.json"
has "--replace" "existing org refused"
# an observer's feedback note comes in with the meeting and shows on its record
jq '(.meetings[] | select(.key == "m-2026-q3")).feedback = [{"written_on": "2026-10-12", "text": "建议增加专题研讨时间", "filed_by": "user:observer"}]' \
	"$TMP/one.json" >"$TMP/fb.json"
expect 0 "import with feedback" -- "$PLENUM" --db "$(db fb)" import "$TMP/fb.json"
expect 0 "meeting show with feedback" -- "$PLENUM" --db "$(db fb)" meeting show m-2026-q3 --lang zh
has "列席旁听反馈意见" "feedback heading"
has "2026-10-12  省委宣传部列席旁听人员（示意）" "feedback author by name"
has "建议增加专题研讨时间" "feedback text"
jq '(.meetings[] | select(.key == "m-2026-q3")).feedback = [{"written_on": "2026-10-12", "text": " "}]' "$TMP/one.json" >"$TMP/fb2.json"
expect 2 "feedback without author or text" -- "$PLENUM" --db "$(db fb2)" import "$TMP/fb2.json"
has "feedback[0].filed_by" "missing author named"
has "feedback[0].text: must not be empty" "blank text named"

printf '{"org": {"key": "x", "name": "X"}, "persons": [{"key": "p-1", "name": "P", "unit": "u-9"}], "meetings": [1]}' >"$TMP/bad.json"
expect 2 "bad import" -- "$PLENUM" --db "$(db three)" import "$TMP/bad.json"
has 'persons[0].unit: no unit "u-9"' "problem path"
has "meetings[0]: expected a meeting record" "second problem"
expect 2 "nothing written" -- "$PLENUM" --db "$(db three)" meeting list
has "no org" "no org after a failed import"
printf '{"org": {"key": "x", "name": "\377"}}' >"$TMP/utf.json"
expect 2 "invalid UTF-8" -- "$PLENUM" --db "$(db three)" import "$TMP/utf.json"
has "UTF-8" "invalid UTF-8 named"
printf '{"org": ' >"$TMP/cut.json"
expect 2 "malformed JSON" -- "$PLENUM" --db "$(db three)" import "$TMP/cut.json"
has "line 1" "malformed JSON position"
expect 2 "missing file" -- "$PLENUM" --db "$(db three)" import "$TMP/nope.json"

# ---- output encoding, feed links, server flags ----
expect 0 "a report that looks like a formula" -- "$PLENUM" task report t-2-1-3 --percent 71 --done "=cmd|' /C calc'!A0"
expect 0 "ledger csv" -- "$PLENUM" report ledger --format csv --lang en
has "\"'=cmd|' /C calc'!A0\"" "a formula cell goes out behind a quote"
hasnt ",\"=cmd" "no cell starts with ="
expect 0 "calendar without a base URL" -- "$PLENUM" report calendar
hasnt "127.0.0.1:8080" "no made-up address in the feed"
hasnt "URL:" "no links without --base-url"
expect 0 "calendar with a base URL" -- "$PLENUM" report calendar --base-url https://plenum.example.gov/
has "URL:https://plenum.example.gov/#/meeting/m-2026-q1" "links use the base URL"
for u in "javascript:alert(1)" "https://" "http://a b" "https://x/?q=1"; do
	expect 2 "bad --base-url $u" -- "$PLENUM" report calendar --base-url "$u"
	has "--base-url" "bad base URL named"
done
for f in "--max-connections 0" "--per-address many" "--header-timeout -1" "--body-timeout 99999" "--base-url ftp://x"; do
	# shellcheck disable=SC2086
	expect 2 "serve $f" -- timeout 10 "$PLENUM" serve --listen 127.0.0.1:1 $f
	has "${f%% *}" "serve names the flag"
done
expect 2 "serve --web-root that is not a folder" -- timeout 10 "$PLENUM" serve --listen 127.0.0.1:1 --web-root "$TMP/none"
has "--web-root" "web root named"

# ---- users ----
expect 2 "user add without role" -- "$PLENUM" user add someone
expect 0 "user add" -- sh -c "echo 'a-long-password' | '$PLENUM' user add clerk --role secretary --person p-secretary"
expect 1 "user add twice" -- sh -c "echo 'a-long-password' | '$PLENUM' user add clerk --role secretary"
has 'login "clerk" is taken' "duplicate login named"
expect 2 "reporter without unit" -- sh -c "echo 'a-long-password' | '$PLENUM' user add rep2 --role reporter"
has "unit" "reporter needs a unit"
expect 2 "short password" -- sh -c "echo 'short' | '$PLENUM' user add clerk2 --role viewer"
has "at least 8" "password length named"
expect 2 "unknown role" -- sh -c "echo 'a-long-password' | '$PLENUM' user add clerk3 --role king"
expect 0 "token" -- "$PLENUM" user token clerk
grep -q '^plm_' "$TMP/out" && ok || bad "token printed"
expect 0 "tokens" -- "$PLENUM" user tokens clerk
grep -qE '^[0-9]+	[0-9-]+T[0-9:]+Z	cli$' "$TMP/out" && ok || bad "tokens listed: id, date, name"
hasnt "plm_" "the secret is never listed"
expect 2 "revoke: a token id is a number" -- "$PLENUM" user revoke clerk first
has "TOKEN-ID" "revoke names the argument"
expect 2 "revoke: no such token" -- "$PLENUM" user revoke clerk 999999
expect 2 "revoke: no token id" -- "$PLENUM" user revoke clerk
expect 0 "disable" -- "$PLENUM" user disable clerk
expect 0 "tokens of a disabled user" -- "$PLENUM" user tokens clerk
hasnt "cli" "disabling revoked the tokens"
expect 1 "no token for a disabled user" -- "$PLENUM" user token clerk
expect 2 "unknown user" -- "$PLENUM" user passwd nobody --password-file /dev/null
expect 0 "routes" -- "$PLENUM" routes
has "GET /api/v1/tasks/{key}" "route list"
expect 0 "routes --rules" -- "$PLENUM" routes --rules
has "| GET | /api/v1/tasks/{key} | admin, secretary, member, viewer, reporter (read task) | reporter: its unit's tasks" "who may do what"

# ---- backup and restore (more in tests/api/backup.test.mjs) ----
for c in backup restore; do
	expect 0 "$c --help" -- "$PLENUM" "$c" --help
	has "usage: plenum $c" "$c --help"
done
expect 2 "restore needs a file" -- "$PLENUM" restore
if sqlite_only "backup and restore are of SQLite files (pg_dump on PostgreSQL, docs/SCALING.md)"; then
	expect 0 "backup" -- "$PLENUM" backup -o "$TMP/b.db"
	has "chain intact" "backup says what it checked"
	expect 0 "restore into a new file" -- "$PLENUM" --db "$(db b2)" restore "$TMP/b.db"
	expect 0 "the restored database reads" -- "$PLENUM" --db "$(db b2)" task show t-1-2
fi

# ---- hostile ledger files (issue 10): refused at once with the limit named, exit 2 ----
FIX=$(cd "$(dirname "$0")/../fixtures/xlsx" && pwd)
expect 2 "column past XFD" -- "$PLENUM" ledger import "$FIX/col7.xlsx"
has "cell AAAAAAA2 is past column XFD, the limit of 16384 columns" "the column limit named"
expect 2 "decompression bomb" -- "$PLENUM" ledger import "$FIX/bomb.xlsx"
has "inflates past the limit of" "the inflated-size limit named"
expect 2 "four million rows" -- "$PLENUM" ledger import "$FIX/rows.xlsx"
has "more than the limit of 200000 rows" "the row limit named"
# an org document nested 40 deep: refused before it is parsed
{ printf '{"org": {"key": "x", "name": "x"}, "notes": '; i=0; while [ $i -lt 40 ]; do printf '['; i=$((i + 1)); done
  i=0; while [ $i -lt 40 ]; do printf ']'; i=$((i + 1)); done; printf '}\n'; } > "$TMP/deep.json"
expect 2 "JSON nested too deep" -- "$PLENUM" --db "$(db deep)" import "$TMP/deep.json"
has "nested deeper than the limit of 32 levels" "the depth limit named"
# a blank line keeps its row: the problem names the row a spreadsheet shows
printf 'key,due_on\r\n\r\nt-1-2,2027-02-30\r\n' > "$TMP/blank.csv"
expect 2 "a bad date after a blank line" -- "$PLENUM" ledger import "$TMP/blank.csv"
has "row 3, column due_on" "the row number counts the blank line"
# a row of the demo ledger whose dates were typed in Excel (serial days with a date format)
expect 0 "Excel dates import as dates" -- "$PLENUM" ledger import "$FIX/ledger-dates.xlsx"
has "1 rows: 0 created, 0 updated, 1 unchanged, 0 rejected" "an Excel date is the same date"

# ---- init and audit ----
expect 0 "init with an org" -- "$PLENUM" --db "$(db four)" init --org demo2 --name "测试市委"
expect 0 "empty org lists nothing" -- "$PLENUM" --db "$(db four)" meeting list
has "no meetings" "empty list"
expect 0 "audit verify" -- "$PLENUM" audit verify
has "audit chain intact" "audit intact"
victim=$(sql "$PLENUM_DB" "SELECT min(id) + 2 FROM audit")
sql "$PLENUM_DB" "UPDATE audit SET actor = 'someone else' WHERE id = $victim" >/dev/null && ok || bad "tamper"
expect 1 "audit verify after tampering" -- "$PLENUM" audit verify
has "entry $victim (#3," "tampering found names the entry"
has "was altered" "tampering found"
if sqlite_only "no backup of a broken chain (backups are of SQLite files)"; then
	expect 1 "no backup of a broken audit chain" -- "$PLENUM" backup -o "$TMP/broken.db"
	has "was altered" "the failed backup says why"
	[ ! -e "$TMP/broken.db" ] && ok || bad "a failed backup left a file"
fi

# ---- papers: PDF layout, metadata and HTML, read back with poppler ----
if "$(dirname "$0")/papers.sh" "$PLENUM"; then ok; else bad "papers (tests/cli/papers.sh)"; fi

echo "cli: $pass passed, $fail failed"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
