/*
 * import_ledger.c -- a task ledger from CSV or XLSX applied to the record.
 * See import_ledger.h.
 *
 * The cells come from io/sheet.c (bounded cost; dates, percents and
 * encodings already as the user sees them). Here each cell is read for its
 * column: dates in the forms spreadsheets leave (2026/7/1, 2026年7月1日,
 * 2026-07-01 00:00:00, a serial day), a percent as 45 or 45%, a cadence by
 * its label, a unit, person or initiative by its name; then checked with
 * the same rules as any task record (io/rows.c) and written through
 * record.c, and progress edits through task_report().
 *
 * Not for reading file formats, nor for the columns a ledger is written with
 * (report/ledger.c writes them; the names and labels here must match).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_ledger.h"
#include "../service/record.h"
#include "../service/task.h"
#include "../service/tx.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/date.h"
#include "../core/err.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../core/xalloc.h"
#include "../domain/light.h"
#include "../domain/model.h"
#include "../domain/workflow.h"
#include "rows.h"
#include "sheet.h"
#include "ledger_due.h"
#include "../store/store.h"
#include "../core/banned.h"

/* What the import does with a column: a field of the task written through
 * record.c; the name of a field's value (a unit, a person, a cadence's
 * label), read when it was edited; a progress column, an edit of which files
 * a report; a column derived from the record, shown only (an edit is named
 * in a warning). */
enum col_kind { COL_FIELD, COL_NAME, COL_PROGRESS, COL_SHOWN };

/* Two layouts are read. The ledger plenum wrote first holds keys under the
 * Chinese labels 牵头单位, 配合单位, 责任领导 and 报送周期; the workbook with
 * names holds the names under those labels and the keys beside them under
 * zh_key (牵头单位编号...). A label means the key column unless the file
 * also has that zh_key. of: the field a name column names. */
static const struct {
	const char *name, *zh, *zh_key, *of;
	enum col_kind kind;
} cols[] = {
	{ "key", "编号", NULL, NULL, COL_FIELD }, { "code", "代码", NULL, NULL, COL_FIELD },
	{ "title", "任务", NULL, NULL, COL_FIELD }, { "initiative", "所属工程", NULL, NULL, COL_FIELD },
	{ "decision", "来源决定", NULL, NULL, COL_FIELD }, { "meeting", "来源会议", NULL, NULL, COL_SHOWN },
	{ "lead_unit", "牵头单位", "牵头单位编号", NULL, COL_FIELD },
	{ "lead_unit_name", "牵头单位名称", NULL, "lead_unit", COL_NAME },
	{ "supporting_units", "配合单位", "配合单位编号", NULL, COL_FIELD },
	{ "supporting_unit_names", NULL, NULL, "supporting_units", COL_NAME },
	{ "responsible", "责任领导", "责任领导编号", NULL, COL_FIELD },
	{ "responsible_name", NULL, NULL, "responsible", COL_NAME },
	{ "starts_on", "开始日期", NULL, NULL, COL_FIELD }, { "due_on", "办结时限", NULL, NULL, COL_FIELD },
	{ "cadence", "报送周期", "报送周期代码", NULL, COL_FIELD },
	{ "cadence_name", NULL, NULL, "cadence", COL_NAME }, { "state", "办理状态", NULL, NULL, COL_SHOWN },
	{ "percent", "进度", NULL, NULL, COL_PROGRESS }, { "last_report_on", "最近报送", NULL, NULL, COL_PROGRESS },
	{ "latest_report", "最新进展", NULL, NULL, COL_PROGRESS }, { "light", "灯色", NULL, NULL, COL_SHOWN },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

/* Rows above the header a ledger may have (a title, a date line). */
#define LEDGER_TITLE_ROWS 5

/* Every header a ledger may have, for io/sheet.c to recognise GB18030 text
 * (the names and Chinese labels of cols[]). */
static const char *const headers[] = {
	"key", "编号", "code", "代码", "title", "任务", "initiative", "所属工程", "decision", "来源决定", "meeting", "来源会议",
	"lead_unit", "牵头单位", "lead_unit_name", "牵头单位名称", "supporting_units", "配合单位", "responsible", "责任领导",
	"starts_on", "开始日期", "due_on", "办结时限", "cadence", "报送周期", "state", "办理状态", "percent", "进度",
	"last_report_on", "最近报送", "latest_report", "最新进展", "light", "灯色", "牵头单位编号", "配合单位编号",
	"责任领导编号", "报送周期代码", "supporting_unit_names", "responsible_name", "cadence_name", NULL,
};

/* A cadence's labels, as the web app and the translated ledger show them. */
static const struct {
	const char *name, *zh, *en;
} cadences[] = {
	{ "none", "不定期", "none" }, { "weekly", "每周", "weekly" }, { "monthly", "每月", "monthly" },
	{ "quarterly", "每季度", "quarterly" }, { "half_yearly", "每半年", "half-yearly" },
};

struct import_ctx {
	struct svc *svc;
	struct import_ledger *li;
	long row;
	/* rows whose light differs from today's: one warning for them all, since
	 * a light changes with the days as well as by an edit (a ledger exported
	 * last week shows last week's lights) */
	long light_rows, light_first;
};

static int import_resolve(void *ctx, const struct entity *e, const char *key, int64_t *id)
{
	struct import_ctx *c = ctx;

	return store_key_id(c->svc->st, e, c->svc->org.id, key, id, NULL);
}

static void import_problem(void *ctx, const char *path, const char *msg)
{
	struct import_ctx *c = ctx;
	const char *column = path;

	if (strncmp(column, "supporting_units", 16) == 0)
		column = "supporting_units";
	if (c->li->problems)
		buf_printf(c->li->problems, "row %ld, column %s: %s\n", c->row, *column ? column : "-", msg);
}

static void warn(struct import_ledger *li, long row, const char *column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void warn(struct import_ledger *li, long row, const char *column, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (li->warnings) {
		if (column)
			buf_printf(li->warnings, "row %ld, column %s: %s\n", row, column, msg);
		else
			buf_printf(li->warnings, "row %ld: %s\n", row, msg);
	}
}

static void count_change(struct import_ledger *li, const char *column)
{
	json_t *n = json_object_get(li->changes, column);

	json_object_set_new(li->changes, column, json_integer(n ? json_integer_value(n) + 1 : 1));
}

/* A header as the column's name: "key", "编号", "Key", "lead unit" are known. */
static int col_of(const char *label)
{
	char norm[64];
	size_t n = 0;

	if (label == NULL)
		return -1;
	while (*label == ' ')
		label++;
	for (const char *p = label; *p && n < sizeof(norm) - 1; p++)
		norm[n++] = *p == ' ' || *p == '-' ? '_' : (*p >= 'A' && *p <= 'Z') ? (char)(*p | 0x20) : *p;
	while (n > 0 && norm[n - 1] == '_')
		n--;
	norm[n] = '\0';
	for (size_t c = 0; c < NCOLS; c++)
		if (strcmp(cols[c].name, norm) == 0 || (cols[c].zh && strcmp(cols[c].zh, label) == 0) ||
		    (cols[c].zh_key && strcmp(cols[c].zh_key, label) == 0))
			return (int)c;
	return -1;
}

/* The column of a header of this file: as col_of(), except that the label of
 * a key column is its name column when the file has the key column's zh_key
 * too (the workbook with names, see cols[]). */
static int col_in(const char *label, json_t *header)
{
	int c = col_of(label);
	size_t i;
	json_t *h;

	if (c < 0 || !cols[c].zh_key || !cols[c].zh || strcmp(label, cols[c].zh) != 0)
		return c;
	json_array_foreach(header, i, h)
		if (json_string_value(h) && strcmp(json_string_value(h), cols[c].zh_key) == 0)
			for (size_t n = 0; n < NCOLS; n++)
				if (cols[n].of && strcmp(cols[n].of, cols[c].name) == 0)
					return (int)n;
	return c;
}

/* ---- cells as the values they stand for ---- */

/* Reads the digits of s into *v (at most 5 of them): the end, or NULL. */
static const char *digits(const char *s, int *v)
{
	int n = 0;

	*v = 0;
	while (*s >= '0' && *s <= '9' && n < 5) {
		*v = *v * 10 + (*s++ - '0');
		n++;
	}
	return n ? s : NULL;
}

/* A date cell as YYYY-MM-DD into out: the forms a spreadsheet leaves where
 * the order is certain (year first): 2026-07-01, 2026/7/1, 2026.7.1,
 * 2026年7月1日, each with a midnight time (" 00:00:00", "T00:00"), or a
 * serial day of the 1900 date system (a date typed in a text column); 0, or
 * -1 when it is none of those (the checker then names what it expects). */
static int loose_date(const char *s, char out[DATE_LEN])
{
	const char *p = s;
	int y, m, d;
	long long serial;

	if (parse_int(s, 32874, 109574, &serial, "date", NULL) == 0) {     /* 1990-01-01 .. 2199-12-31 */
		date_format((int32_t)(serial - 25569), out);
		return 0;
	}
	p = digits(p, &y);
	if (p == NULL || y < 1000)
		return -1;
	if (strncmp(p, "年", 3) == 0)
		p += 3;
	else if (*p == '-' || *p == '/' || *p == '.')
		p++;
	else
		return -1;
	p = digits(p, &m);
	if (p == NULL)
		return -1;
	if (strncmp(p, "月", 3) == 0)
		p += 3;
	else if (*p == '-' || *p == '/' || *p == '.')
		p++;
	else
		return -1;
	p = digits(p, &d);
	if (p == NULL)
		return -1;
	if (strncmp(p, "日", 3) == 0)
		p += 3;
	/* a time of midnight only: another time would be a moment, not a day */
	if (*p == ' ' || *p == 'T') {
		p++;
		if (strcmp(p, "00:00:00") != 0 && strcmp(p, "00:00") != 0 && strcmp(p, "0:00") != 0 &&
		    strcmp(p, "0:00:00") != 0)
			return -1;
		p += strlen(p);
	}
	if (*p != '\0' || !date_valid_ymd(y, m, d))
		return -1;
	date_format(date_from_ymd(y, m, d), out);
	return 0;
}

/* A percent cell: 45, 45%, " 45 % ", 45.0 -> 45; a fraction with no % sign
 * such as 0.45 -> 45 (a number typed as 45% in a cell without a percent
 * format). 0, or -1 when it is not a whole percent from 0 to 100. */
static int loose_percent(const char *s, int *out)
{
	char tmp[32];
	size_t n;
	double v;

	while (*s == ' ')
		s++;
	n = strlen(s);
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n + 1);
	while (n > 0 && tmp[n - 1] == ' ')
		tmp[--n] = '\0';
	if (n > 0 && tmp[n - 1] == '%')
		tmp[--n] = '\0';
	while (n > 0 && tmp[n - 1] == ' ')
		tmp[--n] = '\0';
	if (parse_double(tmp, &v, "percent", NULL) != 0 || !isfinite(v))
		return -1;
	/* 0.6 typed where the cell has no percent format: a fraction, since a
	 * percent is whole (1 stays 1 percent) */
	if (v > 0 && v < 1 && fabs(v * 100 - round(v * 100)) <= 1e-6 && !strchr(s, '%'))
		v *= 100;
	if (fabs(v - round(v)) > 1e-6 || v < 0 || v > 100)
		return -1;
	*out = (int)lround(v);
	return 0;
}

/* A reference given by name: the key of the one row of e whose name,
 * name_en, title or title_en is exactly text. */
struct by_name {
	const struct entity *e;
	const char *text;
	char key[4 * LIM_KEY_CHARS + 1];
	int found;
};

static int by_name_row(void *ctx, const struct row_meta *m, const struct value *vals)
{
	static const char *const names[] = { "name", "name_en", "title", "title_en" };
	struct by_name *b = ctx;
	json_t *obj = rows_to_json(b->e, vals);
	int hit = 0;

	(void)m;
	for (size_t i = 0; i < 4 && !hit; i++) {
		const char *v = rows_str(obj, names[i]);

		hit = v && strcmp(v, b->text) == 0;
	}
	if (hit && b->e->key_field && rows_str(obj, b->e->key_field)) {
		b->found++;
		snprintf(b->key, sizeof(b->key), "%s", rows_str(obj, b->e->key_field));
	}
	json_decref(obj);
	return 0;
}

/* The key a reference cell stands for: itself when it is a key, else the
 * key of the one row so named; NULL when neither (the checker then says
 * there is no such row). Returned in a (or text itself). */
static const char *ref_key(struct svc *svc, const struct entity *e, const char *text, struct arena *a)
{
	struct by_name b;
	struct row_query q;
	int64_t id;

	if (store_key_id(svc->st, e, svc->org.id, text, &id, NULL) == 0)
		return text;
	memset(&b, 0, sizeof(b));
	b.e = e;
	b.text = text;
	memset(&q, 0, sizeof(q));
	q.org_id = svc->org.id;
	q.q = text;
	q.limit = 50;
	if (store_rows_view(svc->st, e, &q, by_name_row, &b, NULL) != 0 || b.found != 1)
		return text;
	return arena_strdup(a, b.key);
}

/* The date columns' cells in the forms loose_date() reads rewritten as
 * YYYY-MM-DD in row itself, so that whatever reads the cell next (the task
 * record, a deadline reader) sees the date the spreadsheet showed. */
static void row_dates(json_t *header, json_t *row)
{
	static const char *const dates[] = { "starts_on", "due_on", "last_report_on" };
	char day[DATE_LEN];
	size_t i;
	json_t *h;

	json_array_foreach(header, i, h)
		for (size_t d = 0; d < sizeof(dates) / sizeof(dates[0]); d++) {
			const char *v = json_string_value(json_array_get(row, i));

			if (strcmp(json_string_value(h), dates[d]) == 0 && v && *v && loose_date(v, day) == 0 &&
			    strcmp(v, day) != 0)
				json_array_set_new(row, i, json_string(day));
		}
}

/* 1 when the header (names) has a column of this kind. */
static int has_kind(json_t *header, enum col_kind kind)
{
	size_t i;
	json_t *h;

	json_array_foreach(header, i, h) {
		int c = col_of(json_string_value(h));

		if (c >= 0 && cols[c].kind == kind)
			return 1;
	}
	return 0;
}

/* The cell of column name in row (NULL when the ledger has no such column). */
static const char *cell(json_t *header, json_t *row, const char *name)
{
	size_t i;
	json_t *h;

	json_array_foreach(header, i, h)
		if (strcmp(json_string_value(h), name) == 0) {
			const char *v = json_string_value(json_array_get(row, i));

			return v ? v : "";
		}
	return NULL;
}

/* The value of task field fd that cell text v stands for: a list of keys
 * for supporting_units (keys joined by ";", names by "、", "，" or ","), a
 * key for a reference (a key, or a name), a code for a cadence (its code or
 * label), a date in YYYY-MM-DD where one of the forms of loose_date() is
 * given; else the text as it is, for the checker to name. */
static json_t *cell_value(struct svc *svc, const struct field *fd, const char *v, struct arena *a)
{
	char day[DATE_LEN];

	if (fd->type == F_REFS) {
		json_t *list = json_array();
		char *copy = xstrdup(v), *p = copy, *end;

		for (char *q = copy; *q; q++) {
			if (*q == ',') {
				*q = ';';
			} else if (strncmp(q, "、", 3) == 0 || strncmp(q, "，", 3) == 0) {
				memcpy(q, ";  ", 3);
				q += 2;
			}
		}
		while (p) {
			end = strchr(p, ';');
			if (end)
				*end = '\0';
			while (*p == ' ')
				p++;
			for (size_t n = strlen(p); n > 0 && p[n - 1] == ' '; n--)
				p[n - 1] = '\0';
			if (*p)
				json_array_append_new(list, json_string(ref_key(svc, model_entity(fd->ref), p, a)));
			p = end ? end + 1 : NULL;
		}
		free(copy);
		return list;
	}
	if (fd->type == F_REF)
		return json_string(ref_key(svc, model_entity(fd->ref), v, a));
	if (fd->type == F_DATE && loose_date(v, day) == 0)
		return json_string(day);
	if (strcmp(fd->name, "cadence") == 0)
		for (size_t k = 0; k < sizeof(cadences) / sizeof(cadences[0]); k++)
			if (strcmp(v, cadences[k].zh) == 0 || strcmp(v, cadences[k].en) == 0)
				return json_string(cadences[k].name);
	return json_string(v);
}

/* The row's task columns as a task record, each cell read for its column;
 * empty cells left out. A name column (牵头单位 beside 牵头单位编号...) gives
 * the field when its key column is missing or empty. */
static json_t *row_record(struct svc *svc, json_t *header, json_t *row, struct arena *a)
{
	const struct entity *e = model_entity("task");
	json_t *obj = json_object();
	size_t i;
	json_t *h;

	json_array_foreach(header, i, h) {
		const char *name = json_string_value(h), *v = json_string_value(json_array_get(row, i));
		const struct field *fd = model_field(e, name);
		int c = col_of(name);

		if (c < 0 || cols[c].kind != COL_FIELD || v == NULL || *v == '\0' || fd == NULL)
			continue;
		json_object_set_new(obj, name, cell_value(svc, fd, v, a));
	}
	json_array_foreach(header, i, h) {
		const char *v = json_string_value(json_array_get(row, i));
		int c = col_of(json_string_value(h));

		if (c < 0 || cols[c].kind != COL_NAME || v == NULL || *v == '\0' || json_object_get(obj, cols[c].of))
			continue;
		json_object_set_new(obj, cols[c].of, cell_value(svc, model_field(e, cols[c].of), v, a));
	}
	return obj;
}

/* A name column edited: the name cell differs from what the record shows for
 * the field (its name in either language, a cadence's code or label). Then
 * the name is read, over the key column beside it. */
static void row_names(struct svc *svc, json_t *header, json_t *row, const char *key, json_t *rec, struct arena *a)
{
	const struct entity *e = model_entity("task");
	struct task_view t;
	size_t i;
	json_t *h;

	if (task_show(svc, key, a, &t, NULL, NULL) != 0)
		return;
	json_array_foreach(header, i, h) {
		const char *v = json_string_value(json_array_get(row, i));
		int c = col_of(json_string_value(h)), same = 0;
		const char *zh = NULL, *en = NULL;

		if (c < 0 || cols[c].kind != COL_NAME || v == NULL || *v == '\0')
			continue;
		if (strcmp(cols[c].of, "lead_unit") == 0)
			zh = t.row.lead_unit_name, en = t.row.lead_unit_name_en;
		else if (strcmp(cols[c].of, "responsible") == 0)
			zh = t.row.responsible_name, en = t.row.responsible_name_en;
		else if (strcmp(cols[c].of, "supporting_units") == 0)
			zh = t.row.supporting, en = t.row.supporting_en;
		else if (strcmp(cols[c].of, "cadence") == 0 && t.row.cadence)
			for (size_t k = 0; k < sizeof(cadences) / sizeof(cadences[0]); k++)
				if (strcmp(t.row.cadence, cadences[k].name) == 0)
					same = strcmp(v, cadences[k].name) == 0 || strcmp(v, cadences[k].zh) == 0 ||
					       strcmp(v, cadences[k].en) == 0;
		same |= (zh && strcmp(v, zh) == 0) || (en && strcmp(v, en) == 0);
		if (!same)
			json_object_set_new(rec, cols[c].of, cell_value(svc, model_field(e, cols[c].of), v, a));
	}
}

/* ---- the stored task, to tell what a row changes ---- */

struct current {
	int64_t v;
	json_t *obj;
};

static int ledger_current(void *ctx, const struct row_meta *m, const struct value *vals)
{
	struct current *c = ctx;

	c->v = m->version;
	c->obj = rows_to_json(model_entity("task"), vals);
	json_object_set_new(c->obj, "supporting_units", json_array());
	return 0;
}

static int add_link(void *ctx, int64_t owner, const char *key)
{
	(void)owner;
	json_array_append_new(json_object_get(ctx, "supporting_units"), json_string(key));
	return 0;
}

/* How many columns of row differ from the stored task (each one counted in
 * li->changes when count is set). */
static int ledger_differs(struct svc *svc, struct import_ledger *li, int64_t id, json_t *cur, json_t *row,
			  int count)
{
	const char *k;
	json_t *v;
	int n = 0;

	store_link_keys(svc->st, model_field(model_entity("task"), "supporting_units"), svc->org.id, id, add_link, cur, NULL);
	json_object_foreach(row, k, v) {
		if (k[0] == '_' || json_equal(v, json_object_get(cur, k)) || (json_is_null(v) && !json_object_get(cur, k)))
			continue;                /* a null field equals an absent one */
		n++;
		if (count)
			count_change(li, k);
	}
	return n;
}

/* ---- progress columns: a report, or a warning ---- */

/* The day a date cell names, or "" (into day). */
static const char *on_day(const char *cell_text, char day[DATE_LEN])
{
	if (loose_date(cell_text, day) != 0)
		day[0] = '\0';
	return day;
}

/* 1 when cell v shows the shown value (a code, or one of its labels). */
static int same_shown(const char *v, const char *code, const char *zh, const char *en)
{
	return strcmp(v, code) == 0 || (zh && strcmp(v, zh) == 0) || (en && strcmp(v, en) == 0);
}

/* Reads the progress and shown columns of a known task's row: a report to
 * file goes into rec as "_report"; problems reject the row; edits that cannot
 * be applied are warnings. */
static void row_progress(struct import_ctx *ic, struct rows *rw, json_t *header, json_t *row, const char *key,
			 json_t *rec)
{
	struct svc *svc = ic->svc;
	struct import_ledger *li = ic->li;
	long rown = ic->row;
	struct arena a = ARENA_INIT;
	struct task_view t;
	struct task_history hist;
	const char *pct = cell(header, row, "percent"), *text = cell(header, row, "latest_report");
	const char *on = cell(header, row, "last_report_on"), *v;
	const char *old_text, *old_on;
	char day[DATE_LEN], today[DATE_LEN], note[128];
	int percent = 0, old_pct, edited_pct = 0, edited_text = 0, edited_on = 0;
	enum task_state to;

	memset(&hist, 0, sizeof(hist));
	if (task_show(svc, key, &a, &t, NULL, NULL) != 0)
		goto out;
	old_pct = t.row.has_report ? t.row.percent : 0;
	old_text = t.row.last_report_done ? t.row.last_report_done : "";
	old_on = t.row.last_report_on ? t.row.last_report_on : "";
	/* Shown columns: derived from the record, never read. */
	v = cell(header, row, "state");
	if (v && *v && !same_shown(v, workflow_state_name(t.state), workflow_state_label(t.state, 1),
				   workflow_state_label(t.state, 0)))
		warn(li, rown, "state", "\"%s\" is not the task's state (%s): a state changes through the workflow "
		     "(plenum task), not the ledger; not read", v, workflow_state_name(t.state));
	v = cell(header, row, "light");
	if (v && *v && strstr(v, light_name(t.light.light)) == NULL &&
	    strstr(v, light_label(t.light.light, 1)) == NULL && strstr(v, light_label(t.light.light, 0)) == NULL)
		ic->light_first = ic->light_rows++ ? ic->light_first : rown;
	v = cell(header, row, "meeting");
	if (v && *v && !same_shown(v, t.row.meeting_key ? t.row.meeting_key : "", t.row.meeting_title,
				   t.row.meeting_title_en))
		warn(li, rown, "meeting", "\"%s\" is not the source meeting: it follows from the decision; not read", v);
	/* Progress columns. */
	if (pct && *pct) {
		if (loose_percent(pct, &percent) != 0) {
			rows_problem(rw, "percent", "expected a whole percent from 0 to 100 (45 or 45%%), got \"%s\"", pct);
			goto out;
		}
		edited_pct = percent != old_pct;
	} else if (pct && old_pct != 0) {
		warn(li, rown, "percent", "emptied, but a report cannot be taken back; not read");
	}
	if (text && *text && strcmp(text, old_text) != 0)
		edited_text = 1;
	else if (text && !*text && *old_text)
		warn(li, rown, "latest_report", "emptied, but a report cannot be taken back; not read");
	if (on && *on && strcmp(on, old_on) != 0) {
		if (loose_date(on, day) != 0) {
			rows_problem(rw, "last_report_on", "expected the day of the report (YYYY-MM-DD, 2026/7/1 or "
				     "2026年7月1日), got \"%s\"", on);
			goto out;
		}
		edited_on = strcmp(day, old_on) != 0;
	}
	if (!edited_pct && !edited_text) {
		if (edited_on)
			warn(li, rown, "last_report_on", "changed to %s without a new percent or latest report: a report "
			     "needs one of them; not read", day);
		goto out;
	}
	/* A file older than the record shows an earlier report: not an edit
	 * (the history is read only now, for the rows that changed). */
	if (store_task_history(svc->st, t.row.id, &a, &hist, NULL) != 0)
		goto out;
	for (size_t i = 0; i + 1 < hist.nreports; i++) {
		const struct report_row *r = &hist.reports[i];

		if (r->percent == (edited_pct ? percent : old_pct) && r->done && text && strcmp(r->done, text) == 0 &&
		    (!on || !*on || (r->reported_on && strcmp(r->reported_on, on_day(on, day)) == 0))) {
			warn(li, rown, NULL, "the progress columns show the report of %s (%d%%), older than the task's "
			     "latest (%s, %d%%): the file is older than the record; not read", r->reported_on, r->percent,
			     old_on, old_pct);
			goto out;
		}
	}
	if (workflow_next(t.state, TA_REPORT_PROGRESS, &to) != 0) {
		warn(li, rown, edited_pct ? "percent" : "latest_report", "the task is %s and takes no progress report; "
		     "not read", workflow_state_name(t.state));
		goto out;
	}
	if (!edited_pct)
		percent = old_pct;
	if (edited_on) {
		int32_t d = 0;

		if (date_parse(day, &d) == 0 && d > svc->today) {
			rows_problem(rw, "last_report_on", "%s is in the future (today is %s)", day,
				     date_format(svc->today, today));
			goto out;
		}
	}
	if (!edited_text)
		snprintf(note, sizeof(note), "台账导入：进度由%d%%调整为%d%%", old_pct, percent);
	json_object_set_new(rec, "_report", json_pack("{s:i, s:s, s:s?, s:[s*, s*, s*]}", "percent", percent, "done",
						      edited_text ? text : note, "reported_on", edited_on ? day : NULL,
						      "columns", edited_pct ? "percent" : NULL, edited_text ? "latest_report" : NULL,
						      edited_on ? "last_report_on" : NULL));
out:
	arena_release(&a);
}

/* ---- the import ---- */

void import_ledger_summary(const struct import_ledger *li, char *out, size_t size)
{
	size_t n;
	const char *k;
	json_t *v;
	int first = 1;

	snprintf(out, size, "%ld rows: %ld created, %ld updated, %ld unchanged, %ld rejected; %ld with a progress report",
		 li->rows, li->created, li->updated, li->unchanged, li->rejected, li->reported);
	json_object_foreach(li->changes, k, v) {
		n = strlen(out);
		snprintf(out + n, size - n, "%s%s %lld", first ? "; changed: " : ", ", k, (long long)json_integer_value(v));
		first = 0;
	}
	if (li->warned) {
		n = strlen(out);
		snprintf(out + n, size - n, "; %ld %s (edits not applied)", li->warned, li->warned == 1 ? "warning" : "warnings");
	}
}

/* Counts the warning lines written so far. */
static long warning_lines(const struct import_ledger *li)
{
	long n = 0;

	if (li->warnings == NULL)
		return 0;
	for (const char *p = buf_str(li->warnings); *p; p++)
		n += *p == '\n';
	return n;
}

int import_ledger_run(struct svc *svc, const char *data, size_t len, enum import_ledger_format f,
		      struct import_ledger *li, struct err *err)
{
	const struct entity *e = model_entity("task");
	json_t *rows = json_array(), *header, *good = json_array(), *labels = NULL;
	struct import_ctx ic = { svc, li, 0, 0, 0 };
	struct sheet_opts so;
	struct arena a = ARENA_INIT;
	struct rows rw;
	size_t i, first;
	json_t *row;
	int rc = -1;

	li->rows = li->created = li->updated = li->reported = li->unchanged = li->rejected = li->warned = 0;
	li->encoding_used = "";
	li->changes = json_object();
	memset(&so, 0, sizeof(so));
	so.encoding = li->encoding;
	so.headers = headers;
	if (sheet_read_opts(data, len, f == IMPORT_LEDGER_CSV ? SHEET_CSV : SHEET_XLSX, &so, rows, err) != 0)
		goto out;
	li->encoding_used = so.used;
	if (json_array_size(rows) == 0) {
		err_set(err, ST_INVALID, "the ledger is empty");
		goto out;
	}
	/* The header is the first row with the key column: a 台账 often has a
	 * title row or two above it, which are not read. */
	for (first = 0; first < json_array_size(rows) && first < LEDGER_TITLE_ROWS; first++) {
		json_array_foreach(json_array_get(rows, first), i, row)
			if (col_of(json_string_value(row)) == 0)     /* cols[0]: the key */
				break;
		if (i < json_array_size(json_array_get(rows, first)))
			break;
	}
	if (first == json_array_size(rows) || first == LEDGER_TITLE_ROWS) {
		err_set(err, ST_INVALID, "row 1: the \"key\" column (编号) is missing%s%s%s", so.used && *so.used ?
			" (the file was read as " : "", so.used && *so.used ? so.used : "", so.used && *so.used ? ")" : "");
		goto out;
	}
	header = json_array_get(rows, first);
	/* Every header as its column's name; one not of the ledger is named in a
	 * warning and not read. */
	labels = json_deep_copy(header);
	for (i = 0; i < json_array_size(header); i++) {
		const char *label = json_string_value(json_array_get(labels, i));
		int c = col_in(label, labels);

		if (c < 0) {
			if (label && *label && li->warnings)
				buf_printf(li->warnings, "row %zu, column %zu: \"%.60s\" is not a ledger column; not read\n",
					   first + 1, i + 1, label);
			json_array_set_new(header, i, json_string(""));
			continue;
		}
		json_array_set_new(header, i, json_string(cols[c].name));
	}
	memset(&rw, 0, sizeof(rw));
	rw.offset = svc->org.utc_offset;
	rw.resolve = import_resolve;
	rw.problem = import_problem;
	rw.ctx = &ic;
	/* First every row is checked; nothing is written yet. */
	for (i = first + 1; i < json_array_size(rows); i++) {
		json_t *rec;
		int64_t id = 0;
		int before = rw.nproblems;

		row = json_array_get(rows, i);
		{
			int blank = 1;

			for (size_t k = 0; k < json_array_size(row) && blank; k++)
				blank = json_string_length(json_array_get(row, k)) == 0;
			if (blank)
				continue;             /* a blank line */
		}
		li->rows++;
		ic.row = (long)i + 1;
		row_dates(header, row);
		rec = row_record(svc, header, row, &a);
		ledger_due_read(&rw, header, row, rec);
		/* An empty cell in a required column is a mistake, not "no change". */
		{
			size_t k;
			json_t *h;

			json_array_foreach(header, k, h) {
				int c = col_of(json_string_value(h));
				const struct field *fd = c >= 0 && cols[c].kind == COL_FIELD ? model_field(e, cols[c].name) : NULL;
				const char *v = json_string_value(json_array_get(row, k));

				if (fd && (fd->flags & FF_REQUIRED) && (v == NULL || *v == '\0'))
					rows_problem(&rw, json_string_value(h), "required");
			}
		}
		if (rows_str(rec, "key") && store_key_id(svc->st, e, svc->org.id, rows_str(rec, "key"), &id, NULL) == 0) {
			if (has_kind(header, COL_NAME))
				row_names(svc, header, row, rows_str(rec, "key"), rec, &a);
			rows_check_object(&rw, e, rec, "", ROWS_UPDATE, 0);
			if (rw.nproblems == before && (has_kind(header, COL_PROGRESS) || has_kind(header, COL_SHOWN)))
				row_progress(&ic, &rw, header, row, rows_str(rec, "key"), rec);
		} else {
			const char *pct = cell(header, row, "percent"), *text = cell(header, row, "latest_report");

			rows_check_object(&rw, e, rec, "", ROWS_CREATE, 0);
			if ((pct && *pct && strcmp(pct, "0") != 0 && strcmp(pct, "0%") != 0) || (text && *text))
				warn(li, ic.row, "percent", "a new task takes progress reports once it is dispatched; not read");
		}
		if (rw.nproblems > before) {
			li->rejected++;
			json_decref(rec);
			continue;
		}
		json_object_set_new(rec, "_id", json_integer(id));
		json_object_set_new(rec, "_row", json_integer((json_int_t)i + 1));
		json_array_append_new(good, rec);
		if (li->progress)
			li->progress(li->progress_ctx, (long)i, (long)json_array_size(rows) - 1);
	}
	if (ic.light_rows && li->warnings)
		buf_printf(li->warnings, "row %ld, column light: %ld %s a light other than today's (the file is older "
			   "than the record, or was edited): a light is computed from the record; not read\n",
			   ic.light_first, ic.light_rows, ic.light_rows == 1 ? "row shows" : "rows show");
	li->warned = warning_lines(li);
	if (li->rejected && !li->skip_bad) {
		err_set(err, ST_INVALID, "%ld of %ld rows rejected; nothing was written", li->rejected, li->rows);
		goto out;
	}
	if (svc_tx_begin(svc, err) != 0)
		goto out;
	json_array_foreach(good, i, row) {
		struct value vals[32];
		unsigned char present[32];
		struct buf scratch = BUF_INIT(LIM_IMPORT_BYTES);
		int64_t id = json_integer_value(json_object_get(row, "_id")), version = 0;
		long rown = (long)json_integer_value(json_object_get(row, "_row"));
		json_t *report = json_incref(json_object_get(row, "_report"));
		int64_t unit_ids[LIM_LIST_ITEMS];
		struct record_links links = { model_field(e, "supporting_units"), unit_ids, 0 };
		struct record rec;
		int changed = 1, w = 0;

		json_object_del(row, "_row");
		json_object_del(row, "_id");
		json_object_del(row, "_report");
		memset(vals, 0, sizeof(vals));
		if (rows_values(&rw, e, row, id ? ROWS_UPDATE : ROWS_CREATE, vals, present, &scratch) != 0) {
			buf_release(&scratch);
			json_decref(report);
			err_set(err, ST_TOOBIG, "row %ld is too large", rown);
			goto fail;
		}
		if (id) {
			struct row_query q;
			struct current cur = { 0, NULL };

			memset(&q, 0, sizeof(q));
			q.org_id = svc->org.id;
			q.id = id;
			if (store_rows_view(svc->st, e, &q, ledger_current, &cur, err) != 0) {
				buf_release(&scratch);
				json_decref(report);
				goto fail;
			}
			version = cur.v;
			changed = cur.obj && ledger_differs(svc, li, id, cur.obj, row, 1) > 0;
			json_decref(cur.obj);
		}
		if (json_object_get(row, "supporting_units")) {
			size_t k;
			json_t *u;

			json_array_foreach(json_object_get(row, "supporting_units"), k, u)
				if (links.n < LIM_LIST_ITEMS && store_key_id(svc->st, model_entity("unit"), svc->org.id,
									     json_string_value(u), &unit_ids[links.n], NULL) == 0)
					links.n++;
		}
		memset(&rec, 0, sizeof(rec));
		rec.e = e;
		rec.vals = vals;
		rec.present = present;
		rec.links = &links;
		rec.nlinks = json_object_get(row, "supporting_units") ? 1 : 0;
		if (changed)
			w = id ? record_update(svc, &rec, id, version, err) : record_create(svc, &rec, &id, err);
		buf_release(&scratch);
		if (w != 0 && err) {
			char msg[sizeof(err->msg)];

			snprintf(msg, sizeof(msg), "%s", err->msg);
			err_set(err, err->code, "row %ld: %s", rown, msg);
		}
		if (w == 0 && report) {
			struct progress_input in;

			memset(&in, 0, sizeof(in));
			in.percent = (int)json_integer_value(json_object_get(report, "percent"));
			in.done = json_string_value(json_object_get(report, "done"));
			in.reported_on = json_string_value(json_object_get(report, "reported_on"));
			w = task_report(svc, rows_str(row, "key"), &in, err);
			if (w != 0 && err) {
				char msg[sizeof(err->msg)];

				snprintf(msg, sizeof(msg), "%s", err->msg);
				err_set(err, err->code, "row %ld: the progress report was refused: %s", rown, msg);
			} else {
				size_t k;
				json_t *c;

				li->reported++;
				json_array_foreach(json_object_get(report, "columns"), k, c)
					count_change(li, json_string_value(c));
			}
		}
		if (w == 0 && changed && version)
			li->updated++;
		else if (w == 0 && changed)
			li->created++;
		else if (w == 0 && report == NULL)
			li->unchanged++;
		json_decref(report);
		if (w != 0)
			goto fail;
	}
	{
		char summary[128];

		snprintf(summary, sizeof(summary), "{\"rows\":%ld,\"created\":%ld,\"updated\":%ld,\"reported\":%ld}",
			 li->rows, li->created, li->updated, li->reported);
		if (svc_tx_end(svc, 0, "import_ledger", "task", 0, NULL, summary, err) != 0)
			goto out;
	}
	rc = 0;
	goto out;
fail:
	svc_tx_end(svc, -1, NULL, NULL, 0, NULL, NULL, NULL);
out:
	if (rc != 0 && li->rejected == 0)
		li->unchanged = 0;
	arena_release(&a);
	json_decref(labels);
	json_decref(rows);
	json_decref(good);
	return rc;
}
