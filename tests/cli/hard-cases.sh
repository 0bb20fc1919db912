#!/bin/sh
# hard-cases.sh -- the hard-case meetings of tests/fixtures/hard-cases.json,
# imported, shown, rendered as minutes and brief in both languages and
# checked, fact by fact: what each report must say, and what it must not
# (a fact that was never entered, a stand-in repeated, a wrong capacity).
# With PLENUM_TEST_PG=postgresql://... each database is a fresh schema of it
# (tests/cli/testdb.sh).
# Usage: tests/cli/hard-cases.sh ./plenum
set -u
PLENUM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
. "$(dirname "$0")/testdb.sh"
trap 'testdb_cleanup; rm -rf "$TMP"' EXIT
export PLENUM_TODAY=2026-11-25
export PLENUM_DB="$(db hard)"
unset LANG
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# run DESCRIPTION COMMAND...: must exit 0, output in $TMP/out
run() {
	what=$1; shift
	if "$@" >"$TMP/out" 2>&1; then ok; else bad "$what: exit $?"; sed 's/^/    /' "$TMP/out" | head -20; fi
}
has() { if grep -qF -- "$1" "$TMP/out"; then ok; else bad "$2: no \"$1\" in the output"; fi; }
hasre() { if grep -qE -- "$1" "$TMP/out"; then ok; else bad "$2: no line matching /$1/"; fi; }
hasntre() { if grep -qE -- "$1" "$TMP/out"; then bad "$2: a line matches /$1/"; else ok; fi; }
hasnt() { if grep -qF -- "$1" "$TMP/out"; then bad "$2: unexpected \"$1\""; else ok; fi; }
# times TEXT N DESCRIPTION: TEXT occurs exactly N times
count_is() {
	n=$(grep -oF -- "$1" "$TMP/out" | wc -l)
	if [ "$n" -eq "$2" ]; then ok; else bad "$3: \"$1\" $n times, wanted $2"; fi
}
report() { run "$1 $2 $3" "$PLENUM" report "$1" --meeting "$2" --lang "$3"; }

run "import the hard cases" "$PLENUM" import "$ROOT/tests/fixtures/hard-cases.json"

run "meeting list" "$PLENUM" meeting list --lang zh
hasre "^m-2025-seminar +2025-07-08–07-10 +已召开" "list: the seminar's span"
hasre "^m-2025-afternoon +2025-11-20 下午 +已召开" "list: date and afternoon"

# ---- 1. a joint meeting of two bodies, with a decision of the whole meeting,
# requirements and emphases, and a person promoted before the next meeting ----
M=m-2024-joint
run "show joint" "$PLENUM" meeting show $M --lang zh
has "主办: 临城市委理论学习中心组   主持: 王强 (市委书记)" "joint: first host and its chair"
has "主办: 市委常委会   主持: 王强 (市委书记)" "joint: second host and its chair"
has "序次: 2024年第3次集体学习" "joint: ordinal"
has "时间: 2024-06-12 09:00" "joint: exact time, as given"
has "李明              出席      市长" "joint: Li Ming's title as of 2024 (mayor)"
has "[要求] 各级党组织要把学习引向深入" "joint: a requirement"
has "作出机构: 市委常委会" "joint: a clause by a body"
report minutes $M zh
has "| 主办 | 临城市委理论学习中心组、市委常委会 |" "joint minutes zh: both hosts"
has "| 李明 | 成员 | 市长 | 出席 |" "joint minutes zh: title then, not today's"
has "| 赵华 | 成员 |  | 出席 |" "joint minutes zh: a missing title stays empty"
hasnt "市委理论学习中心组暨市委常委会学习会议（" "joint minutes zh: no meeting title in a title's place"
has "1. 会议决定：印发本年度学习贯彻实施方案" "joint minutes zh: decision"
has "2. 会议要求：各级党组织要把学习引向深入" "joint minutes zh: requirement"
has "3. 会议强调：要坚持学以致用、以学促干" "joint minutes zh: emphasis"
has "4. 市委常委会决定：审议通过年度学习计划调整方案" "joint minutes zh: the body's decision"
hasnt "会议集体决定" "joint minutes zh: no blanket 'collectively decided'"
count_is "### 2. 交流发言：李明（市长）" 1 "joint minutes zh: exchange speech without a title"
report minutes $M en
has "| Li Ming | member | Mayor | present |" "joint minutes en: title then"
has "(the meeting required)" "joint minutes en: requirement"
has "(the Standing Committee of the Municipal Party Committee decided)" "joint minutes en: body"
has "the 3rd collective study of 2024" "joint minutes en: ordinal"
report brief $M zh
has "2024年6月12日，临城市委理论学习中心组、市委常委会召开扩大学习会议（2024年第3次集体学习）" "joint brief zh: hosts, kind, ordinal"
has "会议要求：各级党组织要把学习引向深入。" "joint brief zh: requirement"
has "会议强调：要坚持学以致用、以学促干。" "joint brief zh: emphasis"
has "会上，李明作了交流发言。" "joint brief zh: exchange"
hasnt "研究部署贯彻落实工作" "joint brief zh: no fixed clause"
report brief $M en
has "held an expanded study meeting (the 3rd collective study of 2024)" "joint brief en"
has "The meeting required: party organisations at every level must take the study deeper." "joint brief en: requirement"

# ---- 2. a two-and-a-half-day seminar: sessions with their own chair, members
# only as a category, an outside lecturer, a unit's speech, unnamed speakers ----
M=m-2025-seminar
run "show seminar" "$PLENUM" meeting show $M --lang zh
has "时间: 2025-07-08至2025-07-10（2.5天）" "seminar: span and duration, no clock time"
hasnt "09:00" "seminar: no invented time"
has "单元 1: 2025-07-08 上午  开班式   主持: 李明 (市委书记)" "seminar: opening session chair"
hasntre "^主持:" "seminar: the session chair is not the chair of the whole"
has "[成员] 临城市委理论学习中心组成员" "seminar: members as a category, as members"
has "[列席] 市直有关单位 — 主要负责同志（40人）" "seminar: attending category with a count"
has "1. 辅导报告 — 孙丽 (省委党校教授)" "seminar: outside lecturer"
has "2. 中心发言 — 市委宣传部" "seminar: a unit's speech"
has "3. 交流发言 — 部分成员" "seminar: a category's speech"
report minutes $M zh
has "临城市委理论学习中心组成员出席，未逐一列名。" "seminar minutes zh: members, not named"
hasnt "应到成员" "seminar minutes zh: no '0 of 0 members'"
hasnt "列席：临城市委理论学习中心组成员" "seminar minutes zh: a member category is never 列席"
has "列席：市直有关单位主要负责同志（40人）。" "seminar minutes zh: attending category"
has "- 第1单元（2025-07-08上午）：开班式，主持：李明（市委书记）" "seminar minutes zh: session"
has "| 主持 |  |" "seminar minutes zh: no chair of the whole"
report minutes $M en
has "Present: members of the Theoretical Learning Center Group of the CPC Lincheng Municipal Committee, not named one by one." "seminar minutes en: category"
has "Session 1 (2025-07-08 morning): Opening session; chair: Li Ming" "seminar minutes en: session"
report brief $M zh
has "2025年7月8日至2025年7月10日，临城市委理论学习中心组召开专题读书班（2025年第2次集体学习）" "seminar brief zh: span, kind, ordinal"
has "会议邀请孙丽作《深入学习贯彻党的二十届三中全会精神》辅导报告。" "seminar brief zh: lecture"
count_is "部分成员" 1 "seminar brief zh: a category named once"
has "会上，市委宣传部、部分成员作了交流发言。" "seminar brief zh: unit and category"
has "市直有关单位主要负责同志（40人）列席会议。" "seminar brief zh: attending category"
hasnt "在讲话中指出" "seminar brief zh: no lead-in without key points"
report brief $M en
has "From 8 July 2025 to 10 July 2025" "seminar brief en: span"
has "Sun Li gave a lecture on \"Studying the Third Plenary Session of the 20th Central Committee\"." "seminar brief en: lecture"
count_is "several members" 1 "seminar brief en: a category named once"

# ---- 3. a meeting known only by date and "afternoon", year inferred, from an
# excerpt of a newspaper report; an unattributed speech; Li Ming promoted ----
M=m-2025-afternoon
run "show afternoon" "$PLENUM" meeting show $M --lang en
has "When: 2025-11-20 afternoon" "afternoon: part of day, no clock time"
hasnt "15:00" "afternoon: the stored hour is never shown"
hasre "Li Ming +present +Secretary of the Municipal Party Committee$" "afternoon: Li Ming's title as of 2025"
has "2. Exchange speech — (not attributed)" "afternoon: unattributed speech"
has "Inferred: starts_at: 年份据网页发布日期推定" "afternoon: inferred mark"
has "临城日报, 2025-11-21" "afternoon: outlet and publication date"
has "Reporter: 张三" "afternoon: reporter, kept apart from attendees"
report minutes $M zh
has "| 时间 | 2025-11-20下午 |" "afternoon minutes zh: as precise as given"
has "1. 李明在讲话中强调：要持续深化理论武装" "afternoon minutes zh: emphasis from a speech"
has "### 2. 交流发言" "afternoon minutes zh: unattributed speech"
hasnt "### 2. 交流发言：" "afternoon minutes zh: no stand-in name"
has "来源：市委理论学习中心组举行学习会议，临城日报，2025-11-21" "afternoon minutes zh: source"
hasnt "| 张三" "afternoon minutes zh: the reporter is no attendee"
run "hide inferred marks" "$PLENUM" setting set report.inferred_marks 0
report minutes $M zh
hasnt "推定" "afternoon minutes zh: marks hidden when the setting says so"
run "show inferred marks" "$PLENUM" setting set report.inferred_marks 1
report minutes $M zh
has "## 推定事项" "afternoon minutes zh: marks shown again"
report brief $M zh
has "2025年11月20日下午，临城市委理论学习中心组召开学习会议（2025年第4次集体学习）" "afternoon brief zh"
has "会上进行了交流发言。" "afternoon brief zh: unattributed exchange"
report brief $M en
has "On the afternoon of 20 November 2025" "afternoon brief en"

# ---- the dossier's sources ----
run "dossier 2025" "$PLENUM" report dossier --group g-tlcg --year 2025 --format md --lang zh
has "## 资料来源" "dossier: a sources section"
has "- 2025-11-20 市委理论学习中心组学习会议：市委理论学习中心组举行学习会议，临城日报，2025-11-21，记者张三（摘录）" "dossier: the meeting's source, outlet, date, reporter, extent"
has "https://example.org/lincheng/2025-11-21.html" "dossier: the address"
has "  - 决定：第2项 今年第三季度前完成专题调研。来源：市委理论学习中心组学习会议纪要（摘编），临城市委办公室，2025-11-25（摘录）" "dossier: a decision's own source, under its meeting"
has "  - 任务：t-lc-q3 完成专题调研。来源：市委理论学习中心组举行学习会议，临城日报，2025-11-21，记者张三（摘录）" "dossier: a task's own source, under the meeting it came from"
has "  - 重点工作：1 理论武装工程。来源：临城市委关于实施理论武装工程的意见，临城日报，2025-12-01" "dossier: an initiative's source"
has "- 成员及职务" "dossier: the members' sources apart"
has "  - 人员：周涛。来源：临城市委常委会组成人员简历，临城市人民政府网，2023-01-05（全文）" "dossier: a person's own source"
has "  - 职务：李明：市委书记。来源：李明任临城市委书记，临城日报，2025-04-02，记者王五（摘录）" "dossier: a post's own source"
count_is "## 资料来源" 1 "dossier: one sources heading"
run "dossier 2025 en" "$PLENUM" report dossier --group g-tlcg --year 2025 --format md --lang en
has "  - Decision: no. 2, complete the thematic research by the third quarter. Source: 市委理论学习中心组学习会议纪要（摘编）, 临城市委办公室, 2025-11-25 (excerpt)" "dossier en: a decision's source"
has "  - Post: Li Ming: Secretary of the Municipal Party Committee. Source: 李明任临城市委书记, 临城日报, 2025-04-02, reported by 王五 (excerpt)" "dossier en: a post's source"
run "dossier 2024" "$PLENUM" report dossier --group g-tlcg --year 2024 --format md --lang zh
hasnt "临城日报，2025-11-21" "dossier 2024: no meeting source of another year"
hasnt "职务：李明：市委书记" "dossier 2024: no post held only later"
has "  - 人员：周涛。" "dossier 2024: a member's own source"

# ---- deadlines that are not dates (today 2026-11-25) ----
run "task list zh" "$PLENUM" task list --initiative i-lc-1 --lang zh
has "牵头: 市委宣传部; 期限 2026-06-30; 已立项; 0% — 逾期未办结" "deadline zh: a date, overdue"
has "期限 2026年第三季度; 办理中; 80% — 逾期未办结" "deadline zh: a quarter, overdue after its last day"
hasre "^\[绿\] t-lc-year" "deadline zh: a year on track is green"
has "期限 2026年内; 办理中; 85%" "deadline zh: a year"
hasre "^\[黄\] t-lc-asap" "deadline zh: asap after 55 days without a report is yellow"
has "期限 尽快; 办理中; 50% — 久未报送进展" "deadline zh: asap"
hasre "^\[黄\] t-lc-unset" "deadline zh: unset is yellow"
has "期限 待定; 已立项; 0% — 尚未确定期限" "deadline zh: unset, no deadline yet"
has "期限 2026-03-01至2026-04-15" "deadline zh: another span"
run "task list en" "$PLENUM" task list --initiative i-lc-1 --lang en
has "due Q3 2026; in progress; 80% — overdue" "deadline en: a quarter"
has "due in 2026; in progress; 85%" "deadline en: a year"
has "due as soon as possible; in progress; 50% — no progress reported for too long" "deadline en: asap"
has "due not set yet; registered; 0% — no deadline yet" "deadline en: unset"
has "due 2026-03-01 to 2026-04-15" "deadline en: another span"
run "task show period" "$PLENUM" task show t-lc-q3 --lang zh
has "起止: 2025-11-21 .. 2026年第三季度" "task show zh: the period"
run "task show asap" "$PLENUM" task show t-lc-asap --lang en
has "Dates: 2025-11-21 .. as soon as possible" "task show en: asap"
hasnt "pro-rata schedule" "task show en: no schedule without a due date"
run "task show json" "$PLENUM" task show t-lc-q3 --json
jq -e '.due_kind == "period" and .due_from == "2026-07-01" and .due_on == "2026-09-30" and .due_precision == "quarter" and .due_text == "2026年第三季度" and .due_text_en == "Q3 2026" and .light.days_overdue == 56' "$TMP/out" >/dev/null && ok || bad "task json: the period's fields and its light"
run "due range" "$PLENUM" task list --initiative i-lc-1 --due-from 2026-07-01 --due-to 2026-09-30
has "t-lc-q3" "due range: a period by its last day"
hasnt "t-lc-asap" "due range: asap has no date in a range"
hasnt "t-lc-unset" "due range: unset has no date in a range"
hasnt "t-lc-span" "due range: a span ending before the range"
report minutes m-2025-afternoon zh
has "    - 任务 t-lc-q3：完成专题调研；牵头单位：市委宣传部；办结时限：2026年第三季度；办理中；红灯" "minutes zh: a period as entered"
has "办结时限：尽快；" "minutes zh: asap"
has "办结时限：待定；" "minutes zh: unset"
has "- 任务t-lc-year： due\\_on: 原文为“明年内”，年份据会议日期推定" "minutes zh: a task's inferred deadline, marked"
report minutes m-2025-afternoon en
has "- task t-lc-year: due\\_on: 原文为“明年内”，年份据会议日期推定" "minutes en: a task's inferred mark"
has "due Q3 2026; in progress; red" "minutes en: a period"
has "due as soon as possible; in progress; yellow" "minutes en: asap"
has "due not set yet; registered; yellow" "minutes en: unset"
run "notice zh" "$PLENUM" report notice --to 2026-11-25 --lang zh
has "| t-lc-q3 完成专题调研 | 红 | 2026年第三季度 | 56 |" "notice zh: a period, overdue by its last day"
has "| t-lc-asap 尽快印发学习方案 | 黄 | 尽快 | 0 |" "notice zh: asap, never overdue"
has "| t-lc-unset 研究制定考核办法 | 黄 | 待定 | 0 |" "notice zh: unset"
has "共有逾期任务3项" "notice zh: asap and unset are not counted overdue"
run "notice en" "$PLENUM" report notice --to 2026-11-25 --lang en
has "| yellow | as soon as possible | 0 |" "notice en: asap"
run "ledger (en)" "$PLENUM" report ledger --format csv --initiative i-lc-1 --lang en
has '"Q3 2026"' "ledger (en): a period's cell in English"
has '"as soon as possible"' "ledger (en): asap in English"
has '"not set yet"' "ledger (en): unset in English"
cp "$TMP/out" "$TMP/ledger-en.csv"
run "ledger back (en)" "$PLENUM" ledger import "$TMP/ledger-en.csv"
has "6 rows: 0 created, 0 updated, 6 unchanged, 0 rejected" "ledger (en): every due cell reads back to the same deadline"
run "ledger" "$PLENUM" report ledger --format csv --initiative i-lc-1 --lang zh
has '"2026年第三季度"' "ledger: a period's cell as entered"
has '"尽快"' "ledger: asap"
has '"待定"' "ledger: unset"
has '"2026-03-01至2026-04-15"' "ledger: another span"
cp "$TMP/out" "$TMP/ledger.csv"
run "ledger back" "$PLENUM" ledger import "$TMP/ledger.csv"
has "6 rows: 0 created, 0 updated, 6 unchanged, 0 rejected" "ledger: every due cell reads back to the same deadline"
sed 's/"尽快"/"下周"/' "$TMP/ledger.csv" > "$TMP/bad.csv"
if "$PLENUM" ledger import "$TMP/bad.csv" >"$TMP/out" 2>&1; then bad "ledger: a due cell that is no deadline was taken"; else ok; fi
has 'column due_on: not a deadline: "下周"' "ledger: the bad cell named"
jq '(.tasks[] | select(.key == "t-lc-asap")).due_on = "2026-01-01"' "$ROOT/tests/fixtures/hard-cases.json" > "$TMP/bad-deadline.json"
"$PLENUM" --db "$(db bad)" import "$TMP/bad-deadline.json" >"$TMP/out" 2>&1
[ $? -eq 2 ] && ok || bad "import: a deadline with a field its kind has not is bad input (exit 2)"
has 'tasks[3].due_on: a deadline of kind "asap" has no date' "import: the JSON path of the field named"
has "nothing was written" "import: all or nothing"

# ---- the calendar: all-day events where no clock time is known ----
run "calendar" "$PLENUM" report calendar --group g-tlcg
has "DTSTART:20240612T010000Z" "calendar: exact time kept"
has "DTSTART;VALUE=DATE:20250708" "calendar: seminar starts as an all-day event"
has "DTEND;VALUE=DATE:20250711" "calendar: seminar spans to its last day"
has "DTSTART;VALUE=DATE:20251120" "calendar: date-and-afternoon meeting is all-day"
hasntre "^DT(START|END).*T070000Z" "calendar: no invented hour"

# ---- the check: no false absence ----
run "check 2025" "$PLENUM" check --group g-tlcg --year 2025
hasnt "attendance_rate" "check 2025: no absence where the record cannot tell"
has "the 3rd collective study of 2025 is not on record" "check 2025: the ordinals show a meeting the record lacks"
hasnt "meetings are each the" "check 2025: no ordinal given twice"
run "check 2025 json" "$PLENUM" check --group g-tlcg --year 2025 --json
jq -e '[.members[] | select(.person == "p-zhou")][0] | .not_itemised == 2 and .absent == 0' "$TMP/out" >/dev/null && ok || bad "check json: Zhou Tao not itemised twice, never absent"
jq -e '[.members[] | select(.person == "p-li")][0] | .present == 2 and .absent == 0' "$TMP/out" >/dev/null && ok || bad "check json: Li Ming present at both (chaired the seminar's opening session)"
run "check 2024" "$PLENUM" check --group g-tlcg --year 2024
hasnt "attendance_rate" "check 2024: everyone present"

# ---- export -> import -> export keeps every fact ----
run "export" "$PLENUM" export --org lincheng --no-audit -o "$TMP/e1.json"
run "re-import" "$PLENUM" --db "$(db again)" import "$TMP/e1.json"
run "export again" "$PLENUM" --db "$(db again)" export --org lincheng --no-audit -o "$TMP/e2.json"
if cmp -s "$TMP/e1.json" "$TMP/e2.json"; then ok; else bad "round trip differs"; diff "$TMP/e1.json" "$TMP/e2.json" | head; fi

echo "hard cases: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
