/*
 * test_reports.c -- the report machinery: the template language, the
 * ledger read back cell by cell from XLSX against CSV, the iCalendar feed
 * parsed back by libical, and PDFs that hold their text.
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
#include "report/report.h"
#include "service/service.h"

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
	buf_release(&out);
	json_decref(data);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *d;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	d = malloc((size_t)n + 1);
	assert_int_equal(fread(d, 1, (size_t)n, f), (size_t)n);
	d[n] = '\0';
	fclose(f);
	return d;
}

static void demo(struct svc *svc, char *path)
{
	struct err err = ERR_INIT;
	struct import_report rep = { NULL, 0, 0 };
	char *doc = slurp("data/demo/jiangmen.json");
	int fd;

	snprintf(path, 64, "/tmp/plenum-rep-XXXXXX");
	fd = mkstemp(path);
	close(fd);
	unlink(path);
	setenv("PLENUM_TODAY", "2026-11-25", 1);
	assert_int_equal(svc_open(svc, path, 1, NULL, 0, &err), 0);
	assert_int_equal(orgjson_import(svc, doc, strlen(doc), 0, &rep, &err), 0);
	free(doc);
}

static void undemo(struct svc *svc, const char *path)
{
	char p[96];

	svc_close(svc);
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static void ledger_xlsx_matches_csv_cell_by_cell(void **state)
{
	struct svc svc;
	char path[64];
	struct buf x = BUF_INIT(1 << 24), c = BUF_INIT(1 << 24);
	struct err err = ERR_INIT;
	json_t *xr = json_array(), *cr = json_array();

	(void)state;
	demo(&svc, path);
	assert_int_equal(report_ledger(&svc, NULL, -1, 0, RF_XLSX, &x, &err), 0);
	assert_int_equal(report_ledger(&svc, NULL, -1, 0, RF_CSV, &c, &err), 0);
	assert_int_equal(report_ledger_read(buf_str(&x), buf_len(&x), RF_XLSX, xr, &err), 0);
	assert_int_equal(report_ledger_read(buf_str(&c), buf_len(&c), RF_CSV, cr, &err), 0);
	assert_true(json_array_size(xr) >= 16);
	assert_int_equal(json_array_size(xr), json_array_size(cr));
	for (size_t r = 0; r < json_array_size(xr); r++) {
		json_t *a = json_array_get(xr, r), *b = json_array_get(cr, r);

		for (size_t k = 0; k < json_array_size(b); k++) {
			const char *va = json_string_value(json_array_get(a, k)), *vb = json_string_value(json_array_get(b, k));

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

static void calendar_parses_back(void **state)
{
	struct svc svc;
	char path[64];
	struct buf a = BUF_INIT(1 << 20), b = BUF_INIT(1 << 20);
	struct err err = ERR_INIT;
	icalcomponent *cal, *ev;
	int events = 0;

	(void)state;
	demo(&svc, path);
	assert_int_equal(report_calendar(&svc, "g-jm-tlcg", 0, "https://plenum.example", &a, &err), 0);
	assert_int_equal(report_calendar(&svc, "g-jm-tlcg", 0, "https://plenum.example", &b, &err), 0);
	assert_string_equal(buf_str(&a), buf_str(&b));          /* stable UIDs and stamps */
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
	char path[64];
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
		cmocka_unit_test(ledger_xlsx_matches_csv_cell_by_cell),
		cmocka_unit_test(calendar_parses_back),
		cmocka_unit_test(pdfs_are_pdfs),
	};

	return cmocka_run_group_tests_name("reports", tests, NULL, NULL);
}
