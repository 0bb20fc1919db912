/*
 * test_reports.c -- the report machinery: the template language, the
 * ledger read back cell by cell from XLSX against CSV, the iCalendar feed
 * parsed back by libical, and PDFs that hold their text.
 * With PLENUM_TEST_PG set the demo database is a fresh PostgreSQL schema
 * (testlib.h), so the reports are read from either store.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include <libical/ical.h>

#include "core/buf.h"
#include "io/orgjson.h"
#include "io/template.h"
#include "io/sheet.h"
#include "report/render.h"
#include "report/report.h"
#include "service/service.h"
#include "testlib.h"

static void render_is(const char *tpl, const char *json, const char *want)
{
	json_t *data = json_loads(json, 0, NULL);
	struct buf out = BUF_INIT(1 << 16);
	struct err err = ERR_INIT;

	assert_non_null(data);
	assert_int_equal(template_render(tpl, data, &out, &err), 0);
	assert_string_equal(buf_str(&out), want);
	buf_release(&out);
	json_decref(data);
}

static void templates_escape_and_repeat(void **state)
{
	(void)state;
	render_is("Hi {{name}}!", "{\"name\": \"陈岸明\"}", "Hi 陈岸明!");
	/* record text never becomes Markdown or HTML */
	render_is("{{t}}", "{\"t\": \"<script>*x*_y_|z\"}", "\\<script\\>\\*x\\*\\_y\\_\\|z");
	render_is("{{{t}}}", "{\"t\": \"*raw*\"}", "*raw*");
	/* an item without a field prints nothing there, never the enclosing record's value */
	render_is("{{#items}}- {{name}} ({{role}})\n{{/items}}",
		  "{\"role\": \"member\", \"items\": [{\"name\": \"A\"}, {\"name\": \"B\", \"role\": \"leader\"}]}",
		  "- A ()\n- B (leader)\n");
	render_is("{{#items}}{{#title}}[{{title}}]{{/title}}{{/items}}",
		  "{\"title\": \"Meeting\", \"items\": [{\"name\": \"A\"}, {\"title\": \"T\"}]}", "[T]");
	/* a section over a value or true keeps the record around it */
	render_is("{{#flag}}{{name}}{{/flag}}{{#name}}={{name}}{{/name}}", "{\"flag\": true, \"name\": \"N\"}", "N=N");
	render_is("{{#list}}{{.}},{{/list}}", "{\"list\": [\"x\", \"y\"]}", "x,y,");
	render_is("{{^list}}none{{/list}}", "{\"list\": []}", "none");
	render_is("{{#flag}}yes{{/flag}}{{^flag}}no{{/flag}}", "{\"flag\": false}", "no");
	render_is("{{a.b.c}}", "{\"a\": {\"b\": {\"c\": 42}}}", "42");
	render_is("{{! a comment }}\nx", "{}", "x");
	render_is("{{missing}}.", "{}", ".");
}

/* How many times tag occurs in s. */
static int count(const char *s, const char *tag)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, tag)) != NULL; p += strlen(tag))
		n++;
	return n;
}

/* ---- every template prints only what is there ----
 *
 * For each template, a record is built from the template's own tags: every
 * name it prints, at every level, holds a text of its own (a sentinel naming
 * the level and the field), and every section holds one item. Each field is
 * then removed in turn: its text must vanish, and no other text may appear
 * more often than before (a missing field must never be filled from an
 * enclosing record). */

struct names {
	char list[64][64];
	size_t n;
};

static void names_add(struct names *ns, const char *name, size_t len)
{
	if (len == 0 || len >= 64 || (len == 1 && name[0] == '.'))
		return;
	for (size_t i = 0; i < ns->n; i++)
		if (strlen(ns->list[i]) == len && strncmp(ns->list[i], name, len) == 0)
			return;
	assert_true(ns->n < 64);
	memcpy(ns->list[ns->n], name, len);
	ns->list[ns->n++][len] = '\0';
}

/* Every name a template prints or tests, anywhere in it. */
static void template_names(const char *tpl, struct names *ns)
{
	for (const char *p = strstr(tpl, "{{"); p; p = strstr(p + 2, "{{")) {
		const char *q = p + 2, *end;

		if (*q == '!')
			continue;
		if (*q == '#' || *q == '^' || *q == '/' || *q == '{')
			q++;
		end = strstr(q, "}}");
		assert_non_null(end);
		names_add(ns, q, (size_t)(end - q));
	}
}

static int sentinel_no;

/* An object for one level: every name as a sentinel text; the sections met
 * at this level (from p on, until the section that holds it closes) as a list
 * of one such object each. */
static json_t *level(const char *tpl, const char *p, const char *stop, const struct names *ns, int depth)
{
	json_t *o = json_object();

	for (size_t i = 0; i < ns->n; i++) {
		char v[32];

		snprintf(v, sizeof(v), "QZ%04dZQ", sentinel_no++);
		json_object_set_new(o, ns->list[i], json_string(v));
	}
	while (p && p < stop) {
		const char *open = strstr(p, "{{#"), *close, *after;
		char name[64];
		size_t len;

		if (open == NULL || open >= stop)
			break;
		close = strstr(open, "}}");
		len = (size_t)(close - open - 3);
		memcpy(name, open + 3, len);
		name[len] = '\0';
		{
			char tag[80];

			snprintf(tag, sizeof(tag), "{{/%s}}", name);
			after = strstr(close, tag);
			assert_non_null(after);
		}
		if (depth < 4)
			json_object_set_new(o, name, json_pack("[o]", level(tpl, close + 2, after, ns, depth + 1)));
		p = after + 1;
	}
	return o;
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Record text with every way a line can start a block: wherever a template
 * puts it, it stays text inside the block the template made. */
static void templates_keep_record_text_out_of_block_structure(void **state)
{
	static const char hostile[] =
		"ok\n\nFAKE SECTION\n===\n\n1. forged decision\n2) another\n- item\n+ plus\n* star\n"
		"FAKE\n---\n***\n___\n> quote\n    indented code\n\t\ttab code\n```\nfence\n```\n~~~\n# heading\n"
		"| a | b |\n|---|---|\n| c | d |\n<div>x</div>\n  - indented list\r\nCR line\rlone CR\n   \n\n\nend\n";
	static const struct {
		const char *tpl;
		const char *tags[8];     /* the template's own blocks: exactly these counts */
		int counts[8];
	} cases[] = {
		{ "{{t}}\n", { "<p>" }, { -1 } },
		{ "# Title\n\n{{t}}\n\nafter\n", { "<h1>", "<p>" }, { 1, -1 } },
		{ "- {{t}}\n- second\n", { "<ul>", "<li>" }, { 1, 2 } },
		{ "{{n}}. {{t}} (origin)\n", { "<ol", "<li>" }, { 1, 1 } },
		{ "| A | B |\n|---|---|\n| {{t}} | x |\n", { "<table>", "<tr>", "<td>" }, { 1, 2, 2 } },
		{ "### {{n}}. {{t}}\n\ntext\n", { "<h3>", "<p>" }, { 1, 1 } },
		{ "Place: {{t}}.\n", { "<p>" }, { 1 } },
	};
	static const char *const never[] = { "<h1>", "<h2>", "<h3>", "<hr", "<ol", "<ul>", "<li>", "<pre>",
					     "<code>", "<blockquote>", "<table>", "<tr>", "<td>", "<div" };
	json_t *data = json_pack("{s:s, s:i}", "t", hostile, "n", 1);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf md = BUF_INIT(1 << 16), html = BUF_INIT(1 << 18);
		struct err err = ERR_INIT;
		const char *h;

		assert_int_equal(template_render(cases[i].tpl, data, &md, &err), 0);
		assert_int_equal(report_md_to_html(buf_str(&md), "t", "en", NULL, &html, &err), 0);
		h = strstr(buf_str(&html), "<body");
		assert_non_null(h);
		for (size_t k = 0; k < sizeof(never) / sizeof(never[0]); k++) {
			int want = 0;

			for (size_t t = 0; t < 8 && cases[i].tags[t]; t++)
				if (strcmp(cases[i].tags[t], never[k]) == 0)
					want = cases[i].counts[t];
			if (want >= 0 && count(h, never[k]) != want)
				fail_msg("template %zu: %d \"%s\", wanted %d:\n%s\n---\n%s", i, count(h, never[k]), never[k], want,
					 buf_str(&md), h);
		}
		/* the words are all there, as text */
		assert_non_null(strstr(h, "FAKE SECTION"));
		assert_non_null(strstr(h, "forged decision"));
		assert_non_null(strstr(h, "end"));
		buf_release(&md);
		buf_release(&html);
	}
	json_decref(data);
	/* found by fuzz_record_text: leading line breaks left the item empty */
	render_is("- {{t}}\n- second\n", "{\"t\": \"\\n\\nbA=\\n\\n1g\\n\"}", "- bA=  \n1g\n- second\n");
}

/* Calls f on every object member holding a sentinel, with the object. */
static void each_leaf(json_t *j, void (*f)(json_t *obj, const char *key, void *ctx), void *ctx)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			each_leaf(v, f, ctx);
		return;
	}
	if (!json_is_object(j))
		return;
	{
		/* the keys first: f may remove a member and put it back */
		json_t *keys = json_array(), *kv;

		json_object_foreach(j, k, v)
			json_array_append_new(keys, json_string(k));
		json_array_foreach(keys, i, kv) {
			v = json_object_get(j, json_string_value(kv));
			if (json_is_string(v) && strncmp(json_string_value(v), "QZ", 2) == 0)
				f(j, json_string_value(kv), ctx);
			else
				each_leaf(v, f, ctx);
		}
		json_decref(keys);
	}
}

struct removal {
	const char *tpl, *name;
	json_t *root;
	const char *full;
	int checked;
};

static void collect_sentinels(json_t *obj, const char *key, void *ctx)
{
	json_array_append((json_t *)ctx, json_object_get(obj, key));
}

static void remove_one(json_t *obj, const char *key, void *ctx)
{
	struct removal *r = ctx;
	json_t *saved = json_incref(json_object_get(obj, key));
	const char *gone = json_string_value(saved);
	json_t *all = json_array(), *v;
	struct buf out = BUF_INIT(1 << 20);
	struct err err = ERR_INIT;
	char k[64];
	size_t i;

	if (count_of(r->full, gone) == 0) {     /* not printed at all: nothing to check */
		json_decref(saved);
		json_decref(all);
		return;
	}
	snprintf(k, sizeof(k), "%s", key);
	json_object_del(obj, k);
	assert_int_equal(template_render(r->tpl, r->root, &out, &err), 0);
	if (count_of(buf_str(&out), gone) != 0)
		fail_msg("%s: field \"%s\" removed, its text still printed", r->name, k);
	each_leaf(r->root, collect_sentinels, all);
	json_array_foreach(all, i, v) {
		const char *s = json_string_value(v);

		if (count_of(buf_str(&out), s) > count_of(r->full, s))
			fail_msg("%s: field \"%s\" removed, another field's text (%s) printed in its place", r->name, k, s);
	}
	json_object_set_new(obj, k, saved);
	r->checked++;
	json_decref(all);
	buf_release(&out);
}

static void every_template_prints_only_what_is_there(void **state)
{
	static const char *const names[] = { "minutes", "brief", "dossier", "notice", "plan" };
	struct buf scratch = BUF_INIT(1 << 20);

	(void)state;
	for (size_t t = 0; t < sizeof(names) / sizeof(names[0]); t++) {
		for (int en = 0; en < 2; en++) {
			char file[64];
			const char *tpl;
			struct names ns = { .n = 0 };
			struct removal r = { 0 };
			struct buf full = BUF_INIT(1 << 20);
			struct err err = ERR_INIT;

			snprintf(file, sizeof(file), "%s.%s.md", names[t], en ? "en" : "zh");
			tpl = template_get(file, &scratch);
			assert_non_null(tpl);
			template_names(tpl, &ns);
			sentinel_no = 0;
			r.tpl = tpl;
			r.name = file;
			r.root = level(tpl, tpl, tpl + strlen(tpl), &ns, 0);
			assert_int_equal(template_render(tpl, r.root, &full, &err), 0);
			r.full = buf_str(&full);
			each_leaf(r.root, remove_one, &r);
			assert_true(r.checked > 3);
			json_decref(r.root);
			buf_release(&full);
		}
	}
	buf_release(&scratch);
}

static void templates_report_their_mistakes(void **state)
{
	struct buf out = BUF_INIT(1 << 16);
	struct err err = ERR_INIT;
	json_t *data = json_object();

	(void)state;
	assert_int_equal(template_render("a\n{{#x}}never closed", data, &out, &err), -1);
	assert_non_null(strstr(err.msg, "line 2"));
	assert_non_null(strstr(err.msg, "not closed"));
	assert_int_equal(template_render("{{/x}}", data, &out, &err), -1);
	assert_int_equal(template_render("{{oops", data, &out, &err), -1);
	/* Found by fuzz_template: a closing tag with one brace was taken as the
	 * end of the section, and rendering went on past the template's end. */
	json_object_set_new(data, "t", json_true());
	buf_reset(&out);
	assert_int_equal(template_render("{{#t}}x{{/t}", data, &out, &err), -1);
	assert_non_null(strstr(err.msg, "section \"t\" is not closed"));
	buf_reset(&out);
	assert_int_equal(template_render("{{#t}}{{{x}}}{{/t}}", data, &out, &err), 0);
	buf_reset(&out);
	assert_int_equal(template_render("{{#t}}{{{x}}{{/t}}", data, &out, &err), -1);
	buf_release(&out);
	json_decref(data);
}

static void demo(struct svc *svc, char *path)
{
	struct err err = ERR_INIT;
	struct import_report rep = { NULL, 0, 0 };
	char *doc = slurp("data/demo/jiangmen.json");

	temp_db(path);
	setenv("PLENUM_TODAY", "2026-11-25", 1);
	assert_int_equal(svc_open(svc, path, 1, NULL, 0, &err), 0);
	assert_int_equal(orgjson_import(svc, doc, strlen(doc), 0, &rep, &err), 0);
	free(doc);
}

static void undemo(struct svc *svc, const char *path)
{
	svc_close(svc);
	remove_db(path);
}

/* The index of the header cell named name; fails the test when absent. */
static size_t column(json_t *header, const char *name)
{
	for (size_t i = 0; i < json_array_size(header); i++)
		if (strcmp(json_string_value(json_array_get(header, i)), name) == 0)
			return i;
	fail_msg("no column \"%s\"", name);
	return 0;
}

/* The cell of the row whose first cell is key, under the header name. */
static const char *cell(json_t *rows, const char *key, const char *name)
{
	size_t c = column(json_array_get(rows, 0), name);

	for (size_t r = 1; r < json_array_size(rows); r++) {
		json_t *row = json_array_get(rows, r);

		if (strcmp(json_string_value(json_array_get(row, 0)), key) == 0)
			return json_string_value(json_array_get(row, c));
	}
	fail_msg("no row \"%s\"", key);
	return NULL;
}

/* A Chinese ledger says its values in Chinese, people and units by name,
 * with the keys the import matches beside them; an English one in English. */
static void ledger_values_in_the_language_of_the_headers(void **state)
{
	struct svc svc;
	char path[TEST_DB_MAX];
	struct buf zh = BUF_INIT(1 << 24), en = BUF_INIT(1 << 24);
	struct err err = ERR_INIT;
	json_t *z = json_array(), *e = json_array();

	(void)state;
	demo(&svc, path);
	assert_int_equal(report_ledger(&svc, NULL, -1, 0, RF_XLSX, &zh, &err), 0);
	assert_int_equal(report_ledger(&svc, NULL, -1, 1, RF_CSV, &en, &err), 0);
	assert_int_equal(sheet_read(buf_str(&zh), buf_len(&zh), SHEET_XLSX, z, &err), 0);
	assert_int_equal(sheet_read(buf_str(&en), buf_len(&en), SHEET_CSV, e, &err), 0);
	/* t-1-2: in progress, monthly, green, led by the science bureau */
	assert_string_equal(cell(z, "t-1-2", "办理状态"), "办理中");
	assert_string_equal(cell(z, "t-1-2", "报送周期"), "每月");
	assert_string_equal(cell(z, "t-1-2", "报送周期代码"), "monthly");
	assert_string_equal(cell(z, "t-1-2", "灯色"), "绿灯");
	assert_string_equal(cell(z, "t-1-2", "牵头单位"), "市科学技术局");
	assert_string_equal(cell(z, "t-1-2", "牵头单位编号"), "u-jm-sci");
	assert_string_equal(cell(z, "t-1-2", "配合单位"), "市财政局");
	assert_string_equal(cell(z, "t-1-2", "配合单位编号"), "u-jm-finance");
	assert_string_equal(cell(z, "t-1-2", "责任领导编号"), "p-zhang-yuanxing");
	assert_string_equal(cell(z, "t-1-2", "开始日期"), "2026-06-01");      /* a date cell, read back as a day */
	assert_string_equal(cell(z, "t-1-2", "进度"), "40%");          /* 0.4 with a percent format, as shown */
	assert_string_equal(cell(e, "t-1-2", "state"), "in progress");
	assert_string_equal(cell(e, "t-1-2", "light"), "green");
	assert_string_equal(cell(e, "t-1-2", "lead_unit_name"), "Municipal Science and Technology Bureau");
	assert_string_equal(cell(e, "t-1-2", "percent"), "40%");
	json_decref(z);
	json_decref(e);
	buf_release(&zh);
	buf_release(&en);
	undemo(&svc, path);
}

static void ledger_xlsx_matches_csv_cell_by_cell(void **state)
{
	struct svc svc;
	char path[TEST_DB_MAX];
	struct buf x = BUF_INIT(1 << 24), c = BUF_INIT(1 << 24);
	struct err err = ERR_INIT;
	json_t *xr = json_array(), *cr = json_array();
	size_t pct;

	(void)state;
	demo(&svc, path);
	assert_int_equal(report_ledger(&svc, NULL, -1, 0, RF_XLSX, &x, &err), 0);
	assert_int_equal(report_ledger(&svc, NULL, -1, 0, RF_CSV, &c, &err), 0);
	assert_int_equal(sheet_read(buf_str(&x), buf_len(&x), SHEET_XLSX, xr, &err), 0);
	assert_int_equal(sheet_read(buf_str(&c), buf_len(&c), SHEET_CSV, cr, &err), 0);
	assert_true(json_array_size(xr) >= 16);
	assert_int_equal(json_array_size(xr), json_array_size(cr));
	pct = column(json_array_get(cr, 0), "进度");
	for (size_t r = 0; r < json_array_size(xr); r++) {
		json_t *a = json_array_get(xr, r), *b = json_array_get(cr, r);

		for (size_t k = 0; k < json_array_size(b); k++) {
			const char *va = json_string_value(json_array_get(a, k)), *vb = json_string_value(json_array_get(b, k));

			/* the percent is 0.4 with a percent format in the workbook, read as
			 * shown: "40%", as in the CSV */
			(void)pct;
			if (strcmp(va ? va : "", vb ? vb : "") != 0)
				fail_msg("row %zu, cell %zu: xlsx \"%s\", csv \"%s\"", r, k, va, vb);
		}
	}
	assert_string_equal(json_string_value(json_array_get(json_array_get(xr, 0), 0)), "编号");   /* Chinese headers */
	json_decref(xr);
	json_decref(cr);
	buf_release(&x);
	buf_release(&c);
	undemo(&svc, path);
}

/* A cell neutralised on the way out ("'=...") reads back as it was entered;
 * a quote before anything else is the text's own. */
static void ledger_csv_formula_cells_read_back(void **state)
{
	static const char csv[] = "a,b,c,d\r\n\"'=1+2\",'@x,'plain,\"'\t=1\"\r\n";
	json_t *rows = json_array(), *row;
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(sheet_read(csv, sizeof(csv) - 1, SHEET_CSV, rows, &err), 0);
	row = json_array_get(rows, 1);
	assert_string_equal(json_string_value(json_array_get(row, 0)), "=1+2");
	assert_string_equal(json_string_value(json_array_get(row, 1)), "@x");
	assert_string_equal(json_string_value(json_array_get(row, 2)), "'plain");
	assert_string_equal(json_string_value(json_array_get(row, 3)), "\t=1");
	json_decref(rows);
}

static void calendar_parses_back(void **state)
{
	struct svc svc;
	char path[TEST_DB_MAX];
	struct buf a = BUF_INIT(1 << 20), b = BUF_INIT(1 << 20);
	struct err err = ERR_INIT;
	icalcomponent *cal, *ev;
	int events = 0;

	(void)state;
	demo(&svc, path);
	assert_int_equal(report_calendar(&svc, "g-jm-tlcg", 0, "https://plenum.example", 0, &a, &err), 0);
	assert_int_equal(report_calendar(&svc, "g-jm-tlcg", 0, "https://plenum.example", 0, &b, &err), 0);
	/* stable UIDs; only DTSTAMP (the time of generation, fixed width) may differ */
	assert_int_equal(buf_len(&a), buf_len(&b));
	cal = icalparser_parse_string(buf_str(&a));
	assert_non_null(cal);
	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		const char *uid = icalcomponent_get_uid(ev);

		events++;
		assert_non_null(strstr(uid, ".jiangmen@plenum"));
		assert_true(icaltime_is_utc(icalcomponent_get_dtstart(ev)));
		if (strcmp(uid, "m-2026-jm-xiongan.jiangmen@plenum") == 0) {
			struct icaltimetype s = icalcomponent_get_dtstart(ev);

			assert_int_equal(s.hour, 1);            /* 09:00 in Jiangmen */
			assert_int_equal(s.day, 21);
			assert_non_null(strstr(icalproperty_get_url(icalcomponent_get_first_property(ev, ICAL_URL_PROPERTY)),
					       "https://plenum.example/#/meeting/m-2026-jm-xiongan"));
		}
		if (strstr(uid, "m-2026-q4"))
			assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_TENTATIVE);
	}
	assert_int_equal(events, 4);
	icalcomponent_free(cal);
	buf_release(&a);
	buf_release(&b);
	undemo(&svc, path);
}

static void pdfs_are_pdfs(void **state)
{
	struct svc svc;
	char path[TEST_DB_MAX];
	struct buf p = BUF_INIT(1 << 26);
	struct err err = ERR_INIT;

	(void)state;
	demo(&svc, path);
	assert_int_equal(report_minutes(&svc, "m-2026-jm-xiongan", 0, RF_PDF, &p, &err), 0);
	assert_memory_equal(buf_str(&p), "%PDF-", 5);
	assert_non_null(memmem(buf_str(&p), buf_len(&p), "NotoSansCJK", 11));   /* the CJK font is embedded */
	buf_reset(&p);
	assert_int_equal(report_minutes(&svc, "m-none", 0, RF_PDF, &p, &err), -1);
	assert_int_equal(err.code, ST_NOTFOUND);
	buf_release(&p);
	undemo(&svc, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(templates_escape_and_repeat),
		cmocka_unit_test(templates_report_their_mistakes),
		cmocka_unit_test(templates_keep_record_text_out_of_block_structure),
		cmocka_unit_test(every_template_prints_only_what_is_there),
		cmocka_unit_test(ledger_xlsx_matches_csv_cell_by_cell),
		cmocka_unit_test(ledger_values_in_the_language_of_the_headers),
		cmocka_unit_test(ledger_csv_formula_cells_read_back),
		cmocka_unit_test(calendar_parses_back),
		cmocka_unit_test(pdfs_are_pdfs),
	};

	return cmocka_run_group_tests_name("reports", tests, NULL, NULL);
}
