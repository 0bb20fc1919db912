/*
 * h_reports.c -- the reports over HTTP: minutes, briefs, dossiers, notices,
 * ledgers (out and in), packages and calendar feeds. The format is the
 * address's extension; the language is ?lang=zh|en.
 */
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../domain/light.h"
#include "../domain/model.h"
#include "../io/sheet.h"
#include "../report/report.h"
#include "../io/import_ledger.h"
#include "../service/meeting.h"
#include "../service/task.h"
#include "../core/banned.h"

/* The extension of the last path segment: "minutes.pdf" -> RF_PDF. */
static int format_of(struct req *r, char *base, size_t size)
{
	const char *last = strrchr(r->path, '/'), *dot = last ? strrchr(last, '.') : NULL;

	snprintf(base, size, "%.*s", dot ? (int)(dot - last - 1) : 0, last ? last + 1 : "");
	return dot ? report_format_parse(dot + 1) : -1;
}

static int lang_en(struct req *r, int *en)
{
	const char *l = req_query(r, "lang");

	*en = 0;
	if (l == NULL || strcmp(l, "zh") == 0)
		return 0;
	if (strcmp(l, "en") == 0) {
		*en = 1;
		return 0;
	}
	return req_error(r, 400, "invalid_field", "lang", "lang: zh or en");
}

/* Replies with the file in b (taken), offered for download as name. */
static int send_file(struct req *r, enum report_format f, struct buf *b, const char *name)
{
	buf_release(&r->out);
	r->out = *b;
	buf_init(b, 0);
	r->content_type = report_content_type(f);
	if (f != RF_HTML)
		snprintf(r->disposition, sizeof(r->disposition), "%s; filename=\"%s\"",
			 f == RF_PDF || f == RF_MD ? "inline" : "attachment", name);
	r->status = 200;
	return 0;
}

int h_meeting_report(struct req *r)
{
	static const char *const params[] = { "lang", NULL };
	struct buf b = BUF_INIT(128u << 20);
	struct err err = ERR_INIT;
	char base[32], name[256];
	int f = format_of(r, base, sizeof(base)), en, rc;

	if (req_only_params(r, params) || lang_en(r, &en))
		return 0;
	rc = (strcmp(base, "minutes") == 0 ? report_minutes : report_brief)(r->svc, r->params[0], en, (enum report_format)f, &b, &err);
	if (rc != 0) {
		buf_release(&b);
		return req_fail(r, &err);
	}
	snprintf(name, sizeof(name), "%s-%s-%s.%s", base, r->params[0], en ? "en" : "zh", strrchr(r->path, '.') + 1);
	return send_file(r, (enum report_format)f, &b, name);
}

static int year_param(struct req *r, long long *year)
{
	return req_param_int(r, "year", LIM_YEAR_MIN, LIM_YEAR_MAX, date_year(r->svc->today), year);
}

int h_dossier(struct req *r)
{
	static const char *const params[] = { "lang", "year", NULL };
	struct buf b = BUF_INIT(128u << 20);
	struct err err = ERR_INIT;
	char base[32], name[256];
	int f = format_of(r, base, sizeof(base)), en;
	long long year;

	if (req_only_params(r, params) || lang_en(r, &en) || year_param(r, &year))
		return 0;
	if (report_dossier(r->svc, r->params[0], (int)year, en, (enum report_format)f, &b, &err) != 0) {
		buf_release(&b);
		return req_fail(r, &err);
	}
	snprintf(name, sizeof(name), "dossier-%s-%lld-%s.%s", r->params[0], year, en ? "en" : "zh", strrchr(r->path, '.') + 1);
	return send_file(r, (enum report_format)f, &b, name);
}

int h_package(struct req *r)
{
	static const char *const params[] = { "lang", "year", NULL };
	struct buf b = BUF_INIT(256u << 20);
	struct err err = ERR_INIT;
	char name[256];
	int en;
	long long year;

	if (req_only_params(r, params) || lang_en(r, &en) || year_param(r, &year))
		return 0;
	if (report_package(r->svc, r->params[0], (int)year, en, &b, &err) != 0) {
		buf_release(&b);
		return req_fail(r, &err);
	}
	snprintf(name, sizeof(name), "package-%s-%lld.zip", r->params[0], year);
	return send_file(r, RF_ZIP, &b, name);
}

int h_notice(struct req *r)
{
	static const char *const params[] = { "lang", "from", "to", NULL };
	struct buf b = BUF_INIT(64u << 20);
	struct err err = ERR_INIT;
	const char *from, *to;
	char base[32];
	int f = format_of(r, base, sizeof(base)), en;

	if (req_only_params(r, params) || lang_en(r, &en) ||
	    req_param_date(r, "from", &from) || req_param_date(r, "to", &to))
		return 0;
	if (report_notice(r->svc, from, to, en, (enum report_format)f, &b, &err) != 0) {
		buf_release(&b);
		return req_fail(r, &err);
	}
	return send_file(r, (enum report_format)f, &b, f == RF_PDF ? "notice.pdf" : f == RF_HTML ? "notice.html" : "notice.md");
}

int h_ledger(struct req *r)
{
	static const char *const params[] = { "unit", "initiative", "light", "due_from", "due_to", "lang", NULL };
	struct task_filter tf;
	struct buf b = BUF_INIT(128u << 20);
	struct err err = ERR_INIT;
	const char *light = req_query(r, "light");
	char base[32];
	int f = format_of(r, base, sizeof(base)), l = -1, en;

	memset(&tf, 0, sizeof(tf));
	if (req_only_params(r, params) || lang_en(r, &en) ||
	    req_param_date(r, "due_from", &tf.due_from) ||
	    req_param_date(r, "due_to", &tf.due_to))
		return 0;
	if (light && (l = light_parse(light)) < 0)
		return req_error(r, 400, "invalid_field", "light", "light: expected red, yellow, green, grey or done");
	tf.unit_key = req_query(r, "unit");
	tf.initiative_key = req_query(r, "initiative");
	if (r->who.role == ROLE_REPORTER) {
		if (tf.unit_key && strcmp(tf.unit_key, r->who.user.unit_key) != 0)
			return req_error(r, 403, "forbidden", "unit", "a reporter sees only the tasks of the unit");
		tf.unit_key = r->who.user.unit_key;
	}
	if (report_ledger(r->svc, &tf, l, en, (enum report_format)f, &b, &err) != 0) {
		buf_release(&b);
		return req_fail(r, &err);
	}
	return send_file(r, (enum report_format)f, &b, f == RF_XLSX ? "ledger.xlsx" : "ledger.csv");
}

/* The lines of b as a JSON array of strings. */
static json_t *lines_json(const struct buf *b)
{
	json_t *list = json_array();

	for (const char *line = buf_str(b); *line;) {
		const char *nl = strchr(line, '\n');

		json_array_append_new(list, json_stringn(line, nl ? (size_t)(nl - line) : strlen(line)));
		line = nl ? nl + 1 : line + strlen(line);
	}
	return list;
}

int h_ledger_import(struct req *r)
{
	static const char *const params[] = { "skip_bad", "encoding", NULL };
	const char *type = req_header(r, "Content-Type");
	const char *charset = type ? strstr(type, "charset=") : NULL;
	struct buf problems = BUF_INIT(1 << 20), warnings = BUF_INIT(1 << 20);
	struct import_ledger li;
	struct err err = ERR_INIT;
	char enc[32] = "";
	json_t *list, *warned, *out;
	int f, rc;

	memset(&li, 0, sizeof(li));
	if (req_only_params(r, params))
		goto done;
	f = type && strstr(type, "spreadsheetml") ? RF_XLSX : type && strstr(type, "csv") ? RF_CSV : -1;
	if (f < 0) {
		req_error(r, 400, "invalid_field", "Content-Type",
			  "send the ledger as text/csv or as an XLSX workbook (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)");
		goto done;
	}
	/* The encoding: ?encoding= first, else the charset of the Content-Type. */
	if (charset)
		snprintf(enc, sizeof(enc), "%.*s", (int)strcspn(charset + 8, "; \""), charset + 8);
	if (req_query(r, "encoding"))
		snprintf(enc, sizeof(enc), "%s", req_query(r, "encoding"));
	if (*enc && !sheet_encoding_known(enc)) {
		req_error(r, 400, "invalid_field", "encoding", "encoding: not one of utf-8, utf-16, utf-16le, utf-16be, gb18030, gbk");
		goto done;
	}
	li.skip_bad = req_query(r, "skip_bad") && strcmp(req_query(r, "skip_bad"), "true") == 0;
	li.encoding = *enc ? enc : NULL;
	li.problems = &problems;
	li.warnings = &warnings;
	rc = import_ledger_run(r->svc, buf_str(&r->body), buf_len(&r->body),
			       f == RF_CSV ? IMPORT_LEDGER_CSV : IMPORT_LEDGER_XLSX, &li, &err);
	if (rc != 0 && li.rejected == 0) {
		req_fail(r, &err);
		goto done;
	}
	list = lines_json(&problems);
	warned = lines_json(&warnings);
	out = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:O, s:s, s:b}", "rows", (json_int_t)li.rows,
			"created", (json_int_t)li.created, "updated", (json_int_t)li.updated, "reported",
			(json_int_t)li.reported, "unchanged", (json_int_t)li.unchanged, "rejected", (json_int_t)li.rejected,
			"problems", list, "warnings", warned, "changes", li.changes ? li.changes : json_object(),
			"encoding", li.encoding_used ? li.encoding_used : "", "written", err.code == ST_OK);
	req_json(r, err.code == ST_OK ? 200 : 422, out);
done:
	json_decref(li.changes);
	buf_release(&problems);
	buf_release(&warnings);
	return 0;
}

int h_group_calendar(struct req *r)
{
	static const char *const params[] = { "lang", NULL };
	struct buf b = BUF_INIT(16u << 20);
	struct err err = ERR_INIT;
	int en = 0;

	if (req_only_params(r, params) || lang_en(r, &en))
		return 0;
	if (store_key_exists(r->svc->st, model_entity("group"), r->svc->org.id, r->params[0], &err) != 0 ||
	    report_calendar(r->svc, r->params[0], 0, http_base_url(), en, &b, &err) != 0) {
		buf_release(&b);
		return req_fail(r, &err);
	}
	return send_file(r, RF_ICS, &b, "meetings.ics");
}

int h_calendar_token(struct req *r)
{
	const char *token;
	struct err err = ERR_INIT;

	if (auth_calendar_token(r->svc, &r->who, &r->a, &token, &err) != 0)
		return req_fail(r, &err);
	/* Without a base URL the address is relative to the server's own. */
	return req_json(r, 201, json_pack("{s:s}", "url", arena_printf(&r->a, "%s/api/v1/calendar/%s.ics",
								       http_base_url() ? http_base_url() : "", token)));
}

/* Public, for calendar programs: the secret in the address is the key. */
int h_personal_calendar(struct req *r)
{
	struct buf b = BUF_INIT(16u << 20);
	struct err err = ERR_INIT;
	static const char *const params[] = { "lang", NULL };
	char token[128];
	const char *dot = strrchr(r->params[0], '.');
	int en = 0;

	snprintf(token, sizeof(token), "%.*s", dot ? (int)(dot - r->params[0]) : (int)strlen(r->params[0]), r->params[0]);
	if (dot == NULL || strcmp(dot, ".ics") != 0 || auth_calendar_user(r->svc, token, &r->a, &r->who, &err) != 0)
		return req_error(r, 404, "not_found", NULL, "no such calendar");
	if (req_only_params(r, params) || lang_en(r, &en))
		return 0;
	if (!r->svc->has_org || r->svc->org.id != r->who.user.org_id) {
		if (svc_select_org(r->svc, r->who.user.org_key, &err) != 0)
			return req_fail(r, &err);
	}
	if (report_calendar(r->svc, NULL, r->who.user.person_id ? r->who.user.person_id : -1, http_base_url(), en, &b, &err) != 0) {
		buf_release(&b);
		return req_fail(r, &err);
	}
	return send_file(r, RF_ICS, &b, "my-meetings.ics");
}
