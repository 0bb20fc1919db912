#!/bin/sh
# papers.sh -- the PDF and HTML papers as poppler reads them back: the zh
# minutes, notice and dossier in the GB/T 9704 layout, the en papers in the
# plain style, a long table from a test template (header repeated, dates and
# words whole), metadata and tags. Writes screenshots to build/screenshots/.
# Usage: tests/cli/papers.sh ./plenum   (called by tests/cli/run.sh)
# With PLENUM_TEST_PG=postgresql://... the database is a fresh schema of it
# (tests/cli/testdb.sh).
set -u
PLENUM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
SHOTS=$(cd "$HERE/../.." && pwd)/build/screenshots
TMP=$(mktemp -d)
. "$(dirname "$0")/testdb.sh"
trap 'testdb_cleanup; rm -rf "$TMP"' EXIT
export PLENUM_TODAY=2026-11-25
export PLENUM_DB="$(db papers)"
unset LANG PLENUM_TEMPLATES
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
mkdir -p "$SHOTS"

"$PLENUM" demo >/dev/null 2>&1 && ok || bad "demo"
M=m-2026-jm-xiongan
ORG=中共江门市委
ORG_EN="CPC Jiangmen Municipal Committee"

# paper NAME LANG ARGS... : renders NAME.LANG.pdf, .md and .html
paper() {
	name=$1; lang=$2; shift 2
	for f in pdf md html; do
		"$PLENUM" report "$name" "$@" --lang "$lang" --format "$f" -o "$TMP/$name.$lang.$f" >"$TMP/err" 2>&1 \
			&& ok || { bad "report $name --lang $lang --format $f"; cat "$TMP/err"; }
	done
	pdftoppm -r 50 -png -f 1 -l 2 "$TMP/$name.$lang.pdf" "$SHOTS/$name-$lang" 2>/dev/null
}
# check NAME LANG OPTIONS... : pdfcheck.mjs over the PDF with its Markdown
check() {
	name=$1; lang=$2; shift 2
	tag=$([ "$lang" = zh ] && echo zh-CN || echo en)
	if node "$HERE/pdfcheck.mjs" "$TMP/$name.$lang.pdf" --md "$TMP/$name.$lang.md" --lang "$tag" "$@"; then ok; else bad "$name ($lang) layout"; fi
}

paper minutes zh --meeting $M
check minutes zh --gov --full-lines --no-bullets --has "（一）主题讲话" --has "一、学习内容" --has "（1）任务" --pages 3-8 --author "$ORG" --whole 2026-05-21 \
	--font NotoSerifCJKsc-Regular --font NotoSerifCJKsc-Bold --font NotoSansCJKsc-Regular --font UKaiCN
paper brief zh --meeting $M
check brief zh --gov --no-bullets --pages 1-3 --author "$ORG"
paper minutes en --meeting $M
check minutes en --pages 2-6 --author "$ORG_EN" --whole Committee --whole 2026-05-21 --font NotoSerifCJKsc-Regular
paper notice zh
check notice zh --gov --no-bullets --has "一、江门高新区管委会" --pages 1-4 --author "$ORG" --whole 2027-12-31 --font NotoSerifCJKsc-Regular
paper notice en
check notice en --pages 1-4 --author "$ORG_EN" --whole 2027-12-31
paper dossier zh --year 2026
check dossier zh --gov --no-bullets --toc --pages 3-8 --author "$ORG" --font NotoSerifCJKsc-Regular
paper dossier en --year 2026
check dossier en --toc --pages 3-8 --author "$ORG_EN"

# A long table from a test template: the header row comes back on every page,
# dates and words stay whole in narrow columns.
mkdir -p "$TMP/tpl"
{
	printf '# {{title}}\n\n## Attendance\n\n| Name | Capacity | Due | Note | Committee | Title |\n|---|---|---|---|---|---|\n'
	for i in 1 2 3 4 5 6 7 8; do
		printf '{{#attendance}}\n| {{name}} | {{capacity_label}} | 2027-12-31 | Committee meeting of the city | Committee | {{title}} {{title}} |\n{{/attendance}}\n'
	done
	printf '\n## After the table\n\nThe end.\n'
} >"$TMP/tpl/minutes.en.md"
PLENUM_TEMPLATES="$TMP/tpl" "$PLENUM" report minutes --meeting $M --lang en -o "$TMP/long.en.pdf" && ok || bad "long table paper"
PLENUM_TEMPLATES="$TMP/tpl" "$PLENUM" report minutes --meeting $M --lang en --format md -o "$TMP/long.en.md" && ok || bad "long table md"
check long en --pages 2-6 --repeat-header "Name Capacity Due Note Committee Title" --whole 2027-12-31 --whole Committee
pdftoppm -r 50 -png -f 1 -l 2 "$TMP/long.en.pdf" "$SHOTS/long-en" 2>/dev/null

# HTML: the language, one stylesheet, the dossier's charts as inline SVG.
for lang in zh en; do
	want=$([ $lang = zh ] && echo 'lang="zh-CN"' || echo 'lang="en"')
	for name in minutes notice dossier; do
		grep -q "<html $want" "$TMP/$name.$lang.html" && ok || bad "$name.$lang.html has no <html $want>"
		grep -q 'raw HTML omitted' "$TMP/$name.$lang.html" && bad "$name.$lang.html drops raw HTML" || ok
		grep -q '@media print' "$TMP/$name.$lang.html" && ok || bad "$name.$lang.html has no print stylesheet"
	done
	[ "$(grep -c '<svg' "$TMP/dossier.$lang.html")" -ge 2 ] && ok || bad "dossier.$lang.html has no inline SVG charts"
	# Two inline SVGs must not share glyph ids, or the second draws the first's glyphs.
	dup=$(grep -o ' id="[^"]*"' "$TMP/dossier.$lang.html" | sort | uniq -d | head -3)
	[ -z "$dup" ] && ok || bad "dossier.$lang.html repeats ids: $dup"
done
grep -q '<h2>一、江门高新区管委会</h2>' "$TMP/notice.zh.html" && ok || bad "notice.zh.html: a unit's heading not numbered 一、"
grep -q '<h3>（一）' "$TMP/minutes.zh.html" && ok || bad "minutes.zh.html: a speech's heading not numbered （一）"
# One stylesheet: the same <style> in every HTML report.
n=$(for f in "$TMP"/*.html; do sed -n '/<style>/,/<\/style>/p' "$f" | md5sum; done | sort -u | wc -l)
[ "$n" = 1 ] && ok || bad "HTML reports have $n different stylesheets"

echo "papers: $pass passed, $fail failed"
[ "$fail" = 0 ]
