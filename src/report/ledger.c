/*
 * ledger.c -- the task ledger (台账) as CSV (libcsv) and XLSX
 * (libxlsxwriter), and its import from either: the same columns both ways,
 * so that a city's Excel ledger can come in and go out (see report.h).
 *
 * Import reads every row, checks it with the same rules as any other task
 * record (rows.c), and writes nothing when a row is bad (unless skip_bad):
 * new keys are registered as tasks, known keys are updated, unchanged rows
 * are left alone. The cells are read by io/sheet.c (bounded cost).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <csv.h>
#include <xlsxwriter.h>

#include "report.h"
#include "ledger_due.h"
#include "../core/buf.h"
#include "../core/limits.h"
#include "../core/xalloc.h"
#include "../domain/model.h"
#include "../io/rows.h"
#include "../io/sheet.h"
#include "../service/record.h"
#include "../service/tx.h"
#include "../service/task.h"
#include "../core/banned.h"

/* The columns, in order. Those marked in are read back on import; the rest
 * are derived or belong to the workflow and are shown only. */
static const struct {
	const char *name, *zh;
	int in;
} cols[] = {
	{ "key", "编号", 1 }, { "code", "代码", 1 }, { "title", "任务", 1 }, { "initiative", "所属工程", 1 },
	{ "decision", "来源决定", 1 }, { "meeting", "来源会议", 0 }, { "lead_unit", "牵头单位", 1 },
	{ "lead_unit_name", "牵头单位名称", 0 }, { "supporting_units", "配合单位", 1 }, { "responsible", "责任领导", 1 },
	{ "starts_on", "开始日期", 1 }, { "due_on", "办结时限", 1 }, { "cadence", "报送周期", 1 },
	{ "state", "办理状态", 0 }, { "percent", "进度", 0 }, { "last_report_on", "最近报送", 0 },
	{ "latest_report", "最新进展", 0 }, { "light", "灯色", 0 },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

/* One row of cells (owned strings) per task. */
struct sheet {
	char **cells;            /* rows * NCOLS */
	size_t rows, cap;
};

static void sheet_add(struct sheet *s, const char *const *row)
{
	if (s->rows == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->cells = xreallocarray(s->cells, s->cap * NCOLS, sizeof(char *));
	}
	for (size_t c = 0; c < NCOLS; c++)
		s->cells[s->rows * NCOLS + c] = xstrdup(row[c] ? row[c] : "");
	s->rows++;
}

static void sheet_free(struct sheet *s)
{
	for (size_t i = 0; i < s->rows * NCOLS; i++)
		free(s->cells[i]);
	free(s->cells);
}

struct links {
	json_t *by_task;         /* task id -> "u1;u2" */
	json_t *decisions;       /* task key -> decision key */
	json_t *responsible;
};

static int collect_support(void *ctx, int64_t owner, const char *key)
{
	json_t *by = ctx;
	char id[32];
	json_t *v;

	snprintf(id, sizeof(id), "%lld", (long long)owner);
	v = json_object_get(by, id);
	if (v)
		json_object_set_new(by, id, json_sprintf("%s;%s", json_string_value(v), key));
	else
		json_object_set_new(by, id, json_string(key));
	return 0;
}

static int collect_refs(void *ctx, const struct row_meta *m, const struct value *vals)
{
	struct links *l = ctx;
	const struct entity *e = model_entity("task");
	char id[32];

	(void)m;
	for (size_t i = 0; i < e->nfields; i++) {
		json_t *target = strcmp(e->fields[i].name, "decision") == 0 ? l->decisions
			       : strcmp(e->fields[i].name, "responsible") == 0 ? l->responsible : NULL;

		if (target && vals[i].kind == V_TEXT && vals[i].s)
			json_object_set_new(target, vals[0].s, json_string(vals[i].s));
	}
	(void)id;
	return 0;
}

static int build(struct svc *svc, const struct task_filter *f, int light, struct sheet *s, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct task_view *tasks;
	struct links l = { json_object(), json_object(), json_object() };
	struct row_query q;
	size_t n;
	int rc = -1;

	memset(&q, 0, sizeof(q));
	q.org_id = svc->org.id;
	if (task_list(svc, f, light, &a, &tasks, &n, err) != 0 ||
	    store_link_keys(svc->st, model_field(model_entity("task"), "supporting_units"), svc->org.id, 0,
			    collect_support, l.by_task, err) != 0 ||
	    store_rows_view(svc->st, model_entity("task"), &q, collect_refs, &l, err) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct task_row *t = &tasks[i].row;
		char id[32], pct[16], due[DEADLINE_TEXT_MAX];
		const char *row[NCOLS];

		snprintf(id, sizeof(id), "%lld", (long long)t->id);
		snprintf(pct, sizeof(pct), "%d", t->has_report ? t->percent : 0);
		row[0] = t->key;
		row[1] = t->code;
		row[2] = t->title;
		row[3] = t->initiative_key;
		row[4] = json_string_value(json_object_get(l.decisions, t->key));
		row[5] = t->meeting_key;
		row[6] = t->lead_unit_key;
		row[7] = t->lead_unit_name;
		row[8] = json_string_value(json_object_get(l.by_task, id));
		row[9] = json_string_value(json_object_get(l.responsible, t->key));
		row[10] = t->starts_on;
		row[11] = ledger_due_cell(t, due);
		row[12] = t->cadence;
		row[13] = t->state;
		row[14] = pct;
		row[15] = t->last_report_on;
		row[16] = t->last_report_done;
		row[17] = light_name(tasks[i].light.light);
		sheet_add(s, row);
	}
	rc = 0;
out:
	json_decref(l.by_task);
	json_decref(l.decisions);
	json_decref(l.responsible);
	arena_release(&a);
	return rc;
}

/* The characters that make a spreadsheet read a cell as a formula (or, for
 * TAB and CR, hide one): such a cell goes out behind a quote, as OWASP
 * recommends, and io/sheet.c takes the quote off again on import. */
static int csv_formula_start(const char *s)
{
	return *s != '\0' && strchr("=+-@\t\r", *s) != NULL;
}

static void csv_cell(struct buf *b, const char *s)
{
	size_t n = strlen(s), room = 2 * n + 5;
	char *tmp = xmalloc(room);

	/* csv_write() quotes the whole cell, so the quote goes inside. */
	if (csv_formula_start(s)) {
		char *q = xmalloc(n + 2);

		q[0] = '\'';
		memcpy(q + 1, s, n + 1);
		buf_add(b, tmp, csv_write(tmp, room, q, n + 1));
		free(q);
	} else {
		buf_add(b, tmp, csv_write(tmp, room, s, n));
	}
	free(tmp);
}

static int write_csv(const struct sheet *s, int en, struct buf *out)
{
	buf_adds(out, "\xEF\xBB\xBF");         /* a BOM, so that Excel reads UTF-8 */
	for (size_t c = 0; c < NCOLS; c++) {
		if (c)
			buf_addc(out, ',');
		csv_cell(out, en ? cols[c].name : cols[c].zh);
	}
	buf_adds(out, "\r\n");
	for (size_t r = 0; r < s->rows; r++) {
		for (size_t c = 0; c < NCOLS; c++) {
			if (c)
				buf_addc(out, ',');
			csv_cell(out, s->cells[r * NCOLS + c]);
		}
		buf_adds(out, "\r\n");
	}
	return out->err;
}

static int slurp_file(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	fclose(f);
	return out->err;
}

static int write_xlsx(const struct sheet *s, int en, struct buf *out, struct err *err)
{
	char path[] = "/tmp/plenum-ledger-XXXXXX";
	int fd = mkstemp(path), rc = -1;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *head;

	if (fd < 0)
		return err_set(err, ST_FAIL, "cannot make a temporary file");
	close(fd);
	wb = workbook_new(path);
	ws = workbook_add_worksheet(wb, "ledger");
	head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xE8EBF0);
	for (size_t c = 0; c < NCOLS; c++) {
		worksheet_write_string(ws, 0, (lxw_col_t)c, en ? cols[c].name : cols[c].zh, head);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, c == 2 || c == 16 ? 40 : 14, NULL);
	}
	worksheet_freeze_panes(ws, 1, 1);
	for (size_t r = 0; r < s->rows; r++)
		for (size_t c = 0; c < NCOLS; c++)
			worksheet_write_string(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, s->cells[r * NCOLS + c], NULL);
	if (workbook_close(wb) != LXW_NO_ERROR)
		err_set(err, ST_FAIL, "cannot write the XLSX workbook");
	else if (slurp_file(path, out) != 0)
		err_set(err, ST_FAIL, "cannot read the XLSX workbook back");
	else
		rc = 0;
	unlink(path);
	return rc;
}

int report_ledger(struct svc *svc, const struct task_filter *f, int light, int en, enum report_format fmt,
		  struct buf *out, struct err *err)
{
	struct sheet s = { NULL, 0, 0 };
	int rc = -1;

	if (build(svc, f, light, &s, err) != 0)
		goto out;
	if (fmt == RF_CSV)
		rc = write_csv(&s, en, out) ? err_set(err, ST_TOOBIG, "the ledger is too large") : 0;
	else if (fmt == RF_XLSX)
		rc = write_xlsx(&s, en, out, err);
	else
		err_set(err, ST_INVALID, "the ledger comes as csv or xlsx");
out:
	sheet_free(&s);
	return rc;
}

/* ---- reading a ledger: the cells come from io/sheet.c ---- */

int report_ledger_read(const char *data, size_t len, enum report_format f, json_t *rows, struct err *err)
{
	if (f == RF_CSV)
		return sheet_read(data, len, SHEET_CSV, rows, err);
	if (f == RF_XLSX)
		return sheet_read(data, len, SHEET_XLSX, rows, err);
	return err_set(err, ST_INVALID, "a ledger is read from csv or xlsx");
}

struct import_ctx {
	struct svc *svc;
	struct ledger_import *li;
	long row;
	char column[64];
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

/* The row as a task record: the importable columns, empty cells left out. */
static json_t *row_record(json_t *header, json_t *row)
{
	json_t *obj = json_object();
	size_t i;
	json_t *h;

	json_array_foreach(header, i, h) {
		const char *name = json_string_value(h), *v = json_string_value(json_array_get(row, i));
		int in = 0;

		for (size_t c = 0; c < NCOLS; c++)
			if (strcmp(cols[c].name, name) == 0)
				in = cols[c].in;
		if (!in || v == NULL || *v == '\0')
			continue;
		if (strcmp(name, "supporting_units") == 0) {
			json_t *list = json_array();
			char *copy = xstrdup(v), *p = copy, *semi;

			do {
				semi = strchr(p, ';');
				if (semi)
					*semi = '\0';
				while (*p == ' ')
					p++;
				if (*p)
					json_array_append_new(list, json_string(p));
				p = semi ? semi + 1 : NULL;
			} while (p);
			free(copy);
			json_object_set_new(obj, name, list);
		} else {
			json_object_set_new(obj, name, json_string(v));
		}
	}
	return obj;
}

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

/* 1 when the row would change the stored task. */
static int ledger_differs(struct svc *svc, int64_t id, json_t *cur, json_t *row)
{
	const char *k;
	json_t *v;

	store_link_keys(svc->st, model_field(model_entity("task"), "supporting_units"), svc->org.id, id, add_link, cur, NULL);
	json_object_foreach(row, k, v)
		if (!json_equal(v, json_object_get(cur, k)) && !(json_is_null(v) && json_object_get(cur, k) == NULL))
			return 1;
	return 0;
}

int report_ledger_import(struct svc *svc, const char *data, size_t len, enum report_format f,
			 struct ledger_import *li, struct err *err)
{
	const struct entity *e = model_entity("task");
	json_t *rows = json_array(), *header, *good = json_array();
	struct import_ctx ic = { svc, li, 0, "" };
	struct rows rw;
	size_t i;
	json_t *row;
	int rc = -1;

	li->rows = li->created = li->updated = li->rejected = 0;
	if (report_ledger_read(data, len, f, rows, err) != 0)
		goto out;
	header = json_array_get(rows, 0);
	if (header == NULL) {
		err_set(err, ST_INVALID, "the ledger is empty");
		goto out;
	}
	/* Every header must be a ledger column (its name or its Chinese label),
	 * and the key must be there. */
	{
		int has_key = 0;

		for (i = 0; i < json_array_size(header); i++) {
			const char *label = json_string_value(json_array_get(header, i));
			int known = 0;

			for (size_t c = 0; c < NCOLS && !known; c++) {
				if (label && strcmp(cols[c].zh, label) == 0) {
					json_array_set_new(header, i, json_string(cols[c].name));
					known = 1;
				} else if (label && strcmp(cols[c].name, label) == 0) {
					known = 1;
				}
			}
			row = json_array_get(header, i);
			if (!known) {
				err_set(err, ST_INVALID, "row 1, column %zu: \"%s\" is not a ledger column", i + 1, json_string_value(row));
				goto out;
			}
			has_key |= strcmp(json_string_value(row), "key") == 0;
		}
		if (!has_key) {
			err_set(err, ST_INVALID, "row 1: the \"key\" column is missing");
			goto out;
		}
	}
	memset(&rw, 0, sizeof(rw));
	rw.offset = svc->org.utc_offset;
	rw.resolve = import_resolve;
	rw.problem = import_problem;
	rw.ctx = &ic;
	/* First every row is checked; nothing is written yet. */
	for (i = 1; i < json_array_size(rows); i++) {
		json_t *rec;
		int64_t id = 0;
		int before = rw.nproblems;

		row = json_array_get(rows, i);
		if (json_array_size(row) == 1 && json_string_length(json_array_get(row, 0)) == 0)
			continue;                     /* a blank line */
		li->rows++;
		ic.row = (long)i + 1;
		rec = row_record(header, row);
		ledger_due_read(&rw, header, row, rec);
		/* An empty cell in a required column is a mistake, not "no change". */
		{
			size_t k;
			json_t *h;

			json_array_foreach(header, k, h) {
				const struct field *fd = model_field(e, json_string_value(h));
				const char *v = json_string_value(json_array_get(row, k));

				if (fd && (fd->flags & FF_REQUIRED) && (v == NULL || *v == '\0'))
					rows_problem(&rw, json_string_value(h), "required");
			}
		}
		if (rows_str(rec, "key") && store_key_id(svc->st, e, svc->org.id, rows_str(rec, "key"), &id, NULL) == 0)
			rows_check_object(&rw, e, rec, "", ROWS_UPDATE, 0);
		else
			rows_check_object(&rw, e, rec, "", ROWS_CREATE, 0);
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
		int64_t unit_ids[LIM_LIST_ITEMS];
		struct record_links links = { model_field(e, "supporting_units"), unit_ids, 0 };
		struct record rec;
		int changed = 1, w = 0;

		json_object_del(row, "_row");
		json_object_del(row, "_id");
		memset(vals, 0, sizeof(vals));
		if (rows_values(&rw, e, row, id ? ROWS_UPDATE : ROWS_CREATE, vals, present, &scratch) != 0) {
			buf_release(&scratch);
			err_set(err, ST_TOOBIG, "a row is too large");
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
				goto fail;
			}
			version = cur.v;
			changed = cur.obj && ledger_differs(svc, id, cur.obj, row);
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
		if (w != 0)
			goto fail;
		if (changed && version)
			li->updated++;
		else if (changed)
			li->created++;
	}
	{
		char summary[128];

		snprintf(summary, sizeof(summary), "{\"rows\":%ld,\"created\":%ld,\"updated\":%ld}", li->rows,
			 li->created, li->updated);
		if (svc_tx_end(svc, 0, "import_ledger", "task", 0, NULL, summary, err) != 0)
			goto out;
	}
	rc = 0;
	goto out;
fail:
	svc_tx_end(svc, -1, NULL, NULL, 0, NULL, NULL, NULL);
out:
	json_decref(rows);
	json_decref(good);
	return rc;
}
