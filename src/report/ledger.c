/*
 * ledger.c -- the task ledger (台账) written as CSV (libcsv) and XLSX
 * (libxlsxwriter); reading an edited ledger back and applying it to the
 * record is io/import_ledger.c (cells by io/sheet.c), which reads the same
 * columns, so that a city's Excel ledger can go out and come back.
 *
 * Writing is streamed: each task goes into the file as the store's scan
 * hands it over (libxlsxwriter in constant_memory mode, which writes every
 * row once, in order, with inline strings), so a province's ledger never
 * holds its tasks in memory. The workbook's cells are typed: days are date
 * cells, percents numbers with a 0% format, empty values blank cells; the
 * values are in the language of the headers (states, cadences, lights,
 * people and units by name), and the keys the import matches rows by stay
 * in their own columns, hidden in the workbook. Further sheets hold the
 * initiative roll-up and the indicators. It is NOT a general spreadsheet
 * writer: the columns, formats and sheets are the ledger's (docs/REPORTS.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <csv.h>
#include <xlsxwriter.h>

#include "report.h"
#include "../io/ledger_due.h"
#include "render.h"
#include "../core/buf.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../core/xalloc.h"
#include "../domain/model.h"
#include "../io/rows.h"
#include "../io/sheet.h"
#include "../service/auth.h"
#include "../service/initiative.h"
#include "../service/record.h"
#include "../service/tx.h"
#include "../service/task.h"
#include "../core/banned.h"

/* What a column holds, and so how its cells are written. */
enum cell_type {
	CT_TEXT,                 /* a string cell, wrapped when it is long */
	CT_DAY,                  /* a date cell when the value is a day, else its text */
	CT_PERCENT,              /* a number 0..1 shown as 0% */
	CT_LIGHT,                /* the light's word on the light's colour */
};

/* The columns, in order. Those marked in are read back on import; the rest
 * are derived or belong to the workflow and are shown only. The key columns
 * of references stay beside the names for the import, hidden in the
 * workbook (hide). width: the widest a column grows, in character cells. */
enum {
	C_KEY, C_CODE, C_TITLE, C_INITIATIVE, C_DECISION, C_MEETING, C_LEAD_UNIT, C_LEAD_UNIT_NAME,
	C_SUPPORTING, C_SUPPORTING_NAMES, C_RESPONSIBLE, C_RESPONSIBLE_NAME, C_STARTS_ON, C_DUE_ON,
	C_CADENCE, C_CADENCE_NAME, C_STATE, C_PERCENT, C_LAST_REPORT_ON, C_LATEST_REPORT, C_LIGHT,
};
static const struct {
	const char *name, *zh;
	int in;
	enum cell_type type;
	int hide, width;
} cols[] = {
	[C_KEY] = { "key", "编号", 1, CT_TEXT, 0, 16 },
	[C_CODE] = { "code", "代码", 1, CT_TEXT, 0, 10 },
	[C_TITLE] = { "title", "任务", 1, CT_TEXT, 0, 32 },
	[C_INITIATIVE] = { "initiative", "所属工程", 1, CT_TEXT, 0, 14 },
	[C_DECISION] = { "decision", "来源决定", 1, CT_TEXT, 0, 14 },
	[C_MEETING] = { "meeting", "来源会议", 0, CT_TEXT, 0, 20 },
	[C_LEAD_UNIT] = { "lead_unit", "牵头单位编号", 1, CT_TEXT, 1, 14 },
	[C_LEAD_UNIT_NAME] = { "lead_unit_name", "牵头单位", 0, CT_TEXT, 0, 16 },
	[C_SUPPORTING] = { "supporting_units", "配合单位编号", 1, CT_TEXT, 1, 20 },
	[C_SUPPORTING_NAMES] = { "supporting_unit_names", "配合单位", 0, CT_TEXT, 0, 20 },
	[C_RESPONSIBLE] = { "responsible", "责任领导编号", 1, CT_TEXT, 1, 16 },
	[C_RESPONSIBLE_NAME] = { "responsible_name", "责任领导", 0, CT_TEXT, 0, 14 },
	[C_STARTS_ON] = { "starts_on", "开始日期", 1, CT_DAY, 0, 12 },
	[C_DUE_ON] = { "due_on", "办结时限", 1, CT_DAY, 0, 12 },
	[C_CADENCE] = { "cadence", "报送周期代码", 1, CT_TEXT, 1, 12 },
	[C_CADENCE_NAME] = { "cadence_name", "报送周期", 0, CT_TEXT, 0, 10 },
	[C_STATE] = { "state", "办理状态", 0, CT_TEXT, 0, 12 },
	[C_PERCENT] = { "percent", "进度", 0, CT_PERCENT, 0, 8 },
	[C_LAST_REPORT_ON] = { "last_report_on", "最近报送", 0, CT_DAY, 0, 12 },
	[C_LATEST_REPORT] = { "latest_report", "最新进展", 0, CT_TEXT, 0, 32 },
	[C_LIGHT] = { "light", "灯色", 0, CT_LIGHT, 0, 8 },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

#define LEDGER_LINE_PT 15          /* the height of one line of a row, in points */

/* The fills of the light cells (RGB), the word kept in the cell. */
static const lxw_color_t light_fill[LIGHT_COUNT] = {
	[LIGHT_DONE] = 0xDDEBF7, [LIGHT_GREY] = 0xE7E6E6, [LIGHT_GREEN] = 0xC6EFCE,
	[LIGHT_YELLOW] = 0xFFEB9C, [LIGHT_RED] = 0xFFC7CE,
};

/* One task as the ledger shows it: strings borrowed from the scan. */
struct ledger_row {
	const char *text[NCOLS];
	char due[DEADLINE_TEXT_MAX];     /* the deadline as entered */
	int percent;             /* -1: no progress report yet */
	enum light light;
};

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* en ? the English name when there is one : the name. */
static const char *name_in(const char *zh, const char *en_name, int en)
{
	return en && en_name && *en_name ? en_name : or_empty(zh);
}

static void row_of_task(const struct task_view *t, int en, struct ledger_row *r)
{
	const struct task_row *w = &t->row;

	r->text[C_KEY] = w->key;
	r->text[C_CODE] = w->code;
	r->text[C_TITLE] = w->title;
	r->text[C_INITIATIVE] = w->initiative_key;
	r->text[C_DECISION] = w->decision_key;
	r->text[C_MEETING] = w->meeting_key;
	r->text[C_LEAD_UNIT] = w->lead_unit_key;
	r->text[C_LEAD_UNIT_NAME] = name_in(w->lead_unit_name, w->lead_unit_name_en, en);
	r->text[C_SUPPORTING] = w->supporting_keys;
	r->text[C_SUPPORTING_NAMES] = name_in(w->supporting, w->supporting_en, en);
	r->text[C_RESPONSIBLE] = w->responsible_key;
	r->text[C_RESPONSIBLE_NAME] = name_in(w->responsible_name, w->responsible_name_en, en);
	r->text[C_STARTS_ON] = w->starts_on;
	r->text[C_DUE_ON] = ledger_due_cell(w, !en, r->due);
	r->text[C_CADENCE] = w->cadence;
	r->text[C_CADENCE_NAME] = report_label("cadence", w->cadence, en);
	r->text[C_STATE] = report_label("state", w->state, en);
	r->text[C_PERCENT] = NULL;
	r->text[C_LAST_REPORT_ON] = w->last_report_on;
	r->text[C_LATEST_REPORT] = w->last_report_done;
	r->text[C_LIGHT] = report_label("light", light_name(t->light.light), en);
	for (size_t c = 0; c < NCOLS; c++)
		r->text[c] = or_empty(r->text[c]);
	r->percent = w->has_report ? w->percent : -1;
	r->light = t->light.light;
}

/* ---- CSV ---- */

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

static void csv_header(struct buf *out, int en)
{
	buf_adds(out, "\xEF\xBB\xBF");         /* a BOM, so that Excel reads UTF-8 */
	for (size_t c = 0; c < NCOLS; c++) {
		if (c)
			buf_addc(out, ',');
		csv_cell(out, en ? cols[c].name : cols[c].zh);
	}
	buf_adds(out, "\r\n");
}

/* The percent as "45%", which a spreadsheet opening the file reads as 0.45. */
static void csv_row(struct buf *out, const struct ledger_row *r)
{
	for (size_t c = 0; c < NCOLS; c++) {
		char pct[16] = "";

		if (c)
			buf_addc(out, ',');
		if (cols[c].type == CT_PERCENT && r->percent >= 0)
			snprintf(pct, sizeof(pct), "%d%%", r->percent);
		csv_cell(out, cols[c].type == CT_PERCENT ? pct : r->text[c]);
	}
	buf_adds(out, "\r\n");
}

/* ---- XLSX ---- */

struct xlsx {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *head, *head_num, *text, *day, *pct, *count, *whole, *fraction, *light[LIGHT_COUNT], *indent[4];
	lxw_row_t row;           /* the next row of the ledger sheet */
	double width[NCOLS];     /* the widest cell so far, in character cells */
	double head_width[NCOLS];
	lxw_error lerr;          /* the first error of a write, LXW_NO_ERROR */
};

/* The width a spreadsheet gives the n bytes at s in its default font, in
 * character cells: a CJK or other wide character counts two, the widest
 * line counts. */
static double text_width_n(const char *s, size_t n)
{
	double w = 0, line = 0;

	for (const unsigned char *p = (const unsigned char *)s, *end = p + n; p < end; p++) {
		if (*p == '\n') {
			line = 0;
			continue;
		}
		if ((*p & 0xC0) == 0x80)
			continue;                   /* a continuation byte */
		line += *p >= 0xE1 ? 2 : 1;          /* U+1000 and up: CJK, kana, hangul, fullwidth */
		if (line > w)
			w = line;
	}
	return w;
}

static double text_width(const char *s)
{
	return text_width_n(s, strlen(s));
}

static void xlsx_keep(struct xlsx *x, lxw_error e)
{
	if (x->lerr == LXW_NO_ERROR && e != LXW_NO_ERROR)
		x->lerr = e;
}

/* A day as a date cell (yyyy-mm-dd) when the text is a day, the text itself
 * otherwise (a period, "asap"), nothing when it is empty: the one place a
 * due date is written. */
static void xlsx_day(struct xlsx *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s)
{
	int32_t day;

	if (*s == '\0')
		return;
	if (strlen(s) == 10 && date_parse(s, &day) == 0) {
		lxw_datetime dt;
		int y, m, d;

		date_to_ymd(day, &y, &m, &d);
		memset(&dt, 0, sizeof(dt));
		dt.year = y;
		dt.month = m;
		dt.day = d;
		xlsx_keep(x, worksheet_write_datetime(ws, r, c, &dt, x->day));
	} else {
		xlsx_keep(x, worksheet_write_string(ws, r, c, s, x->text));
	}
}

/* The lines s takes in a column of width cells when wrapped (each of its
 * own lines at least one). An estimate: wide characters wrap anywhere, but
 * words are kept whole, so it may be a line short for long English text. */
static int text_lines(const char *s, int width)
{
	int lines = 0;

	do {
		const char *nl = strchr(s, '\n');
		double w = text_width_n(s, nl ? (size_t)(nl - s) : strlen(s));

		lines += w <= width ? 1 : (int)((w + width - 1) / width);
		s = nl ? nl + 1 : NULL;
	} while (s && lines < LIM_LEDGER_ROW_LINES);
	return lines < LIM_LEDGER_ROW_LINES ? lines : LIM_LEDGER_ROW_LINES;
}

/* One task's row. Its height is set first (the mode writes a row once):
 * as many lines as its longest wrapped cell, since a reader need not
 * compute the height of wrapped text (LibreOffice printing does not). */
static void xlsx_row(struct xlsx *x, const struct ledger_row *w)
{
	lxw_row_t r = x->row++;
	int lines = 1;

	for (size_t c = 0; c < NCOLS; c++) {
		/* past its width a column is width + 2 wide (xlsx_end_ledger) */
		int n = cols[c].type == CT_TEXT && !cols[c].hide ? text_lines(w->text[c], cols[c].width + 2) : 1;

		if (n > lines)
			lines = n;
	}
	if (lines > 1)
		xlsx_keep(x, worksheet_set_row(x->ws, r, LEDGER_LINE_PT * lines, NULL));
	for (size_t c = 0; c < NCOLS; c++) {
		const char *s = w->text[c];
		lxw_col_t col = (lxw_col_t)c;
		double wd = text_width(s);

		switch (cols[c].type) {
		case CT_DAY:
			xlsx_day(x, x->ws, r, col, s);
			break;
		case CT_PERCENT:
			if (w->percent >= 0)
				xlsx_keep(x, worksheet_write_number(x->ws, r, col, w->percent / 100.0, x->pct));
			wd = 5;
			break;
		case CT_LIGHT:
			xlsx_keep(x, worksheet_write_string(x->ws, r, col, s, x->light[w->light]));
			break;
		case CT_TEXT:
			if (*s)
				xlsx_keep(x, worksheet_write_string(x->ws, r, col, s, x->text));
			break;
		}
		if (wd > x->width[c])
			x->width[c] = wd;
	}
}

static lxw_format *xlsx_head_format(struct xlsx *x, uint8_t align)
{
	lxw_format *f = workbook_add_format(x->wb);

	format_set_bold(f);
	format_set_bg_color(f, 0xE8EBF0);
	format_set_text_wrap(f);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	format_set_align(f, align);
	format_set_bottom(f, LXW_BORDER_THIN);
	return f;
}

static lxw_format *xlsx_format(struct xlsx *x, int wrap)
{
	lxw_format *f = workbook_add_format(x->wb);

	format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
	if (wrap)
		format_set_text_wrap(f);
	return f;
}

/* "&&" for each "&" (a code in a header or footer), cut at a character
 * boundary to fit out. */
static void header_text(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s && n + 8 < size; s++) {
		if (*s == '&')
			out[n++] = '&';
		out[n++] = *s;
	}
	if (((unsigned char)*s & 0xC0) == 0x80) {       /* cut inside a character: drop it */
		while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 0)
			n--;
	}
	out[n] = '\0';
}

/* Landscape A4, one page wide, the header row on every page, the org at
 * the top and the page numbers at the foot. */
static void xlsx_print_setup(struct xlsx *x, lxw_worksheet *ws, const char *org, const char *title, int en)
{
	char esc[256], head[320];

	header_text(org, esc, 200);
	snprintf(head, sizeof(head), "&L%s&R%s", esc, title);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9);                   /* A4 */
	worksheet_set_margins(ws, 0.4, 0.4, 0.7, 0.7);
	xlsx_keep(x, worksheet_repeat_rows(ws, 0, 0));
	worksheet_fit_to_pages(ws, 1, 0);
	xlsx_keep(x, worksheet_set_header(ws, head));
	xlsx_keep(x, worksheet_set_footer(ws, en ? "&CPage &P of &N" : "&C第 &P 页 共 &N 页"));
}

static void xlsx_begin(struct xlsx *x, const char *path, const char *org, int en)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE };

	memset(x, 0, sizeof(*x));
	x->wb = workbook_new_opt(path, &opt);
	if (x->wb == NULL) {
		x->lerr = LXW_ERROR_CREATING_XLSX_FILE;
		return;
	}
	x->ws = workbook_add_worksheet(x->wb, en ? "ledger" : "台账");
	x->head = xlsx_head_format(x, LXW_ALIGN_LEFT);
	x->head_num = xlsx_head_format(x, LXW_ALIGN_RIGHT);     /* above numbers and dates */
	x->text = xlsx_format(x, 1);
	x->day = xlsx_format(x, 0);
	format_set_num_format(x->day, "yyyy-mm-dd");
	x->pct = xlsx_format(x, 0);
	format_set_num_format(x->pct, "0%");
	x->count = xlsx_format(x, 0);
	format_set_num_format(x->count, "0");
	x->whole = xlsx_format(x, 0);
	format_set_num_format(x->whole, "#,##0");
	x->fraction = xlsx_format(x, 0);
	format_set_num_format(x->fraction, "#,##0.0#");
	for (int l = 0; l < LIGHT_COUNT; l++) {
		x->light[l] = xlsx_format(x, 0);
		format_set_pattern(x->light[l], LXW_PATTERN_SOLID);
		format_set_bg_color(x->light[l], light_fill[l]);
		format_set_align(x->light[l], LXW_ALIGN_CENTER);
	}
	for (int d = 0; d < 4; d++) {
		x->indent[d] = xlsx_format(x, 1);
		format_set_indent(x->indent[d], (uint8_t)d);
	}
	for (size_t c = 0; c < NCOLS; c++) {
		const char *h = en ? cols[c].name : cols[c].zh;

		xlsx_keep(x, worksheet_write_string(x->ws, 0, (lxw_col_t)c, h,
						    cols[c].type == CT_DAY || cols[c].type == CT_PERCENT ? x->head_num : x->head));
		x->head_width[c] = text_width(h);
	}
	x->row = 1;
	worksheet_freeze_panes(x->ws, 1, 0);
	xlsx_print_setup(x, x->ws, org, en ? "Task ledger" : "任务台账", en);
}

/* Widths from the content (a little room, at most the column's width) and
 * the autofilter over the whole table: both known only at the end. */
static void xlsx_end_ledger(struct xlsx *x)
{
	for (size_t c = 0; c < NCOLS; c++) {
		lxw_row_col_options o = { .hidden = (uint8_t)cols[c].hide, .level = 0, .collapsed = 0 };
		double w = x->width[c] < cols[c].width ? x->width[c] : cols[c].width;

		if (w < x->head_width[c] + 2)
			w = x->head_width[c] + 2;               /* the header and its filter button */
		w += 2;
		xlsx_keep(x, worksheet_set_column_opt(x->ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL, &o));
	}
	xlsx_keep(x, worksheet_autofilter(x->ws, 0, 0, x->row - 1, (lxw_col_t)(NCOLS - 1)));
}

/* ---- the roll-up sheet ---- */

struct overdue {
	int64_t *ids;            /* the initiative of each overdue task */
	size_t n, cap;
};

static int keep_overdue(void *ctx, const struct task_view *t)
{
	struct overdue *o = ctx;

	if (t->light.reason != LR_OVERDUE)
		return 0;
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 256;
		o->ids = xreallocarray(o->ids, o->cap, sizeof(*o->ids));
	}
	o->ids[o->n++] = t->row.initiative_id;
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* How many of the sorted ids equal id. */
static int count_id(const struct overdue *o, int64_t id)
{
	const int64_t *p = bsearch(&id, o->ids, o->n, sizeof(*o->ids), cmp_id);
	int n = 0;

	if (p == NULL)
		return 0;
	while (p > o->ids && p[-1] == id)
		p--;
	for (; p < o->ids + o->n && *p == id; p++)
		n++;
	return n;
}

static const struct {
	const char *name, *zh;
	double width;
} roll_cols[] = {
	{ "initiative", "编号", 12 }, { "title", "工程", 48 }, { "tasks", "任务数", 8 },
	{ "progress", "加权进度", 10 }, { "red", "红灯", 6 }, { "yellow", "黄灯", 6 }, { "green", "绿灯", 6 },
	{ "overdue", "逾期", 6 },
};
#define NROLL (sizeof(roll_cols) / sizeof(roll_cols[0]))

/* The whole org's initiative tree, as on the dashboard: tasks, weighted
 * progress, lights and overdue tasks at or below each initiative. */
static int xlsx_rollup(struct xlsx *x, struct svc *svc, const char *org, int en, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct initiative_view *v = NULL;
	struct overdue od = { NULL, 0, 0 };
	lxw_worksheet *ws;
	size_t n = 0;
	int *below = NULL, rc = -1;

	if (initiative_tree_scan(svc, &a, &v, &n, keep_overdue, &od, err) != 0)
		goto out;
	qsort(od.ids, od.n, sizeof(*od.ids), cmp_id);
	/* Overdue tasks at or below each initiative: children come after their
	 * parent in tree order, so adding from the end reaches every ancestor. */
	below = xcalloc(n + 1, sizeof(*below));
	for (size_t i = 0; i < n; i++)
		below[i] = count_id(&od, v[i].row.id);
	for (size_t i = n; i-- > 0;)
		for (size_t p = i; p-- > 0;)
			if (v[p].row.id == v[i].row.parent_id && v[p].depth < v[i].depth) {
				below[p] += below[i];
				break;
			}
	ws = workbook_add_worksheet(x->wb, en ? "initiatives" : "工程汇总");
	for (size_t c = 0; c < NROLL; c++) {
		xlsx_keep(x, worksheet_write_string(ws, 0, (lxw_col_t)c, en ? roll_cols[c].name : roll_cols[c].zh,
						    c >= 2 ? x->head_num : x->head));
		xlsx_keep(x, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, roll_cols[c].width, NULL));
	}
	for (size_t i = 0; i < n; i++) {
		const struct initiative_view *iv = &v[i];
		lxw_row_t r = (lxw_row_t)(i + 1);
		int d = iv->depth < 3 ? iv->depth : 3;

		xlsx_keep(x, worksheet_write_string(ws, r, 0, or_empty(iv->row.key), x->text));
		xlsx_keep(x, worksheet_write_string(ws, r, 1, name_in(iv->row.title, iv->row.title_en, en), x->indent[d]));
		xlsx_keep(x, worksheet_write_number(ws, r, 2, iv->roll.tasks, x->count));
		if (iv->roll.progress >= 0)
			xlsx_keep(x, worksheet_write_number(ws, r, 3, iv->roll.progress / 100.0, x->pct));
		xlsx_keep(x, worksheet_write_number(ws, r, 4, iv->roll.counts[LIGHT_RED], x->count));
		xlsx_keep(x, worksheet_write_number(ws, r, 5, iv->roll.counts[LIGHT_YELLOW], x->count));
		xlsx_keep(x, worksheet_write_number(ws, r, 6, iv->roll.counts[LIGHT_GREEN], x->count));
		xlsx_keep(x, worksheet_write_number(ws, r, 7, below[i], x->count));
	}
	worksheet_freeze_panes(ws, 1, 0);
	xlsx_keep(x, worksheet_autofilter(ws, 0, 0, (lxw_row_t)n, (lxw_col_t)(NROLL - 1)));
	xlsx_print_setup(x, ws, org, en ? "Initiatives" : "工程汇总", en);
	rc = 0;
out:
	free(below);
	free(od.ids);
	arena_release(&a);
	return rc;
}

/* ---- the indicators sheet ---- */

/* One indicator with its latest value; strings owned. */
struct indicator {
	int64_t id;
	char *initiative, *name, *name_en, *unit, *direction, *target_on, *measured_on, *source;
	double baseline, target, value;
	int has_baseline, has_value;
};

struct indicators {
	struct indicator *items; /* in id order, as the store yields them */
	size_t n, cap;
};

/* The value of e's field name in vals, or NULL when e has no such field. */
static const struct value *field_value(const struct entity *e, const struct value *vals, const char *name)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].name, name) == 0)
			return &vals[i];
	return NULL;
}

static char *text_dup(const struct entity *e, const struct value *vals, const char *name)
{
	const struct value *v = field_value(e, vals, name);

	return xstrdup(v && v->kind == V_TEXT && v->s ? v->s : "");
}

static int real_of(const struct entity *e, const struct value *vals, const char *name, double *out)
{
	const struct value *v = field_value(e, vals, name);

	if (v == NULL || v->kind == V_NULL || v->kind == V_TEXT)
		return 0;
	*out = v->kind == V_REAL ? v->d : (double)v->i;
	return 1;
}

static int keep_indicator(void *ctx, const struct row_meta *m, const struct value *vals)
{
	struct indicators *l = ctx;
	const struct entity *e = model_entity("indicator");
	struct indicator *it;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->items = xreallocarray(l->items, l->cap, sizeof(*l->items));
	}
	it = &l->items[l->n++];
	memset(it, 0, sizeof(*it));
	it->id = m->id;
	it->initiative = text_dup(e, vals, "initiative");
	it->name = text_dup(e, vals, "name");
	it->name_en = text_dup(e, vals, "name_en");
	it->unit = text_dup(e, vals, "unit_of_measure");
	it->direction = text_dup(e, vals, "direction");
	it->target_on = text_dup(e, vals, "target_on");
	it->has_baseline = real_of(e, vals, "baseline", &it->baseline);
	real_of(e, vals, "target", &it->target);
	return 0;
}

static int cmp_indicator(const void *key, const void *item)
{
	int64_t a = *(const int64_t *)key, b = ((const struct indicator *)item)->id;

	return (a > b) - (a < b);
}

/* The latest measurement of each indicator (the last one on the latest day). */
static int keep_value(void *ctx, const struct row_meta *m, const struct value *vals)
{
	struct indicators *l = ctx;
	const struct entity *e = model_entity("indicator_value");
	struct indicator *it = bsearch(&m->parent_id, l->items, l->n, sizeof(*l->items), cmp_indicator);
	char *day;
	double v;

	if (it == NULL || !real_of(e, vals, "value", &v))
		return 0;
	day = text_dup(e, vals, "measured_on");
	if (it->has_value && strcmp(day, it->measured_on) < 0) {
		free(day);
		return 0;
	}
	free(it->measured_on);
	free(it->source);
	it->measured_on = day;
	it->source = text_dup(e, vals, "source");
	it->value = v;
	it->has_value = 1;
	return 0;
}

static void indicators_release(struct indicators *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct indicator *it = &l->items[i];

		free(it->initiative);
		free(it->name);
		free(it->name_en);
		free(it->unit);
		free(it->direction);
		free(it->target_on);
		free(it->measured_on);
		free(it->source);
	}
	free(l->items);
}

static const struct {
	const char *name, *zh;
	double width;
} ind_cols[] = {
	{ "initiative", "所属工程", 12 }, { "indicator", "指标", 36 }, { "unit_of_measure", "计量单位", 10 },
	{ "direction", "方向", 12 }, { "baseline", "基期值", 12 }, { "target", "目标值", 12 },
	{ "target_on", "目标日期", 12 }, { "latest_value", "最新值", 12 }, { "measured_on", "测量日期", 12 },
	{ "source", "来源", 24 },
};
#define NIND (sizeof(ind_cols) / sizeof(ind_cols[0]))

static void xlsx_value(struct xlsx *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v)
{
	xlsx_keep(x, worksheet_write_number(ws, r, c, v, v == (double)(long long)v ? x->whole : x->fraction));
}

/* Every indicator of the org with its baseline, target and latest value,
 * as numbers in the indicator's unit. */
static int xlsx_indicators(struct xlsx *x, struct svc *svc, const char *org, int en, struct err *err)
{
	struct indicators l = { NULL, 0, 0 };
	struct row_query q;
	lxw_worksheet *ws;
	int rc = -1;

	memset(&q, 0, sizeof(q));
	q.org_id = svc->org.id;
	if (store_rows_view(svc->st, model_entity("indicator"), &q, keep_indicator, &l, err) != 0 ||
	    store_rows_view(svc->st, model_entity("indicator_value"), &q, keep_value, &l, err) != 0)
		goto out;
	ws = workbook_add_worksheet(x->wb, en ? "indicators" : "指标");
	for (size_t c = 0; c < NIND; c++) {
		xlsx_keep(x, worksheet_write_string(ws, 0, (lxw_col_t)c, en ? ind_cols[c].name : ind_cols[c].zh,
						    c >= 4 && c <= 8 ? x->head_num : x->head));
		xlsx_keep(x, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, ind_cols[c].width, NULL));
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct indicator *it = &l.items[i];
		lxw_row_t r = (lxw_row_t)(i + 1);

		xlsx_keep(x, worksheet_write_string(ws, r, 0, it->initiative, x->text));
		xlsx_keep(x, worksheet_write_string(ws, r, 1, name_in(it->name, it->name_en, en), x->text));
		if (*it->unit)
			xlsx_keep(x, worksheet_write_string(ws, r, 2, it->unit, x->text));
		xlsx_keep(x, worksheet_write_string(ws, r, 3, report_label("direction", it->direction, en), x->text));
		if (it->has_baseline)
			xlsx_value(x, ws, r, 4, it->baseline);
		xlsx_value(x, ws, r, 5, it->target);
		xlsx_day(x, ws, r, 6, it->target_on);
		if (it->has_value) {
			xlsx_value(x, ws, r, 7, it->value);
			xlsx_day(x, ws, r, 8, it->measured_on);
			if (*it->source)
				xlsx_keep(x, worksheet_write_string(ws, r, 9, it->source, x->text));
		}
	}
	worksheet_freeze_panes(ws, 1, 0);
	xlsx_keep(x, worksheet_autofilter(ws, 0, 0, (lxw_row_t)l.n, (lxw_col_t)(NIND - 1)));
	xlsx_print_setup(x, ws, org, en ? "Indicators" : "指标", en);
	rc = 0;
out:
	indicators_release(&l);
	return rc;
}

/* ---- the ledger ---- */

struct ledger_out {
	int en, light;           /* light >= 0: only tasks of that light */
	struct buf *csv;         /* CSV: the output; NULL for XLSX */
	struct xlsx *x;
};

static int ledger_task(void *ctx, const struct task_view *t)
{
	struct ledger_out *o = ctx;
	struct ledger_row r;

	if (o->light >= 0 && (int)t->light.light != o->light)
		return 0;
	row_of_task(t, o->en, &r);
	if (o->csv) {
		csv_row(o->csv, &r);
		return o->csv->err ? 1 : 0;           /* full: stop the scan */
	}
	xlsx_row(o->x, &r);
	return o->x->lerr != LXW_NO_ERROR;
}

static int may_read(struct svc *svc, const char *entity)
{
	return svc->who == NULL || auth_can(svc->who, CAN_READ, entity);
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

static int write_xlsx(struct svc *svc, const struct task_filter *f, int light, int en, struct buf *out,
		      struct err *err)
{
	char path[] = "/tmp/plenum-ledger-XXXXXX";
	const char *org = name_in(svc->org.name, svc->org.name_en, en);
	struct ledger_out o = { en, light, NULL, NULL };
	struct xlsx x;
	int fd = mkstemp(path), rc = -1;
	lxw_error closed;

	if (fd < 0)
		return err_set(err, ST_FAIL, "cannot make a temporary file");
	close(fd);
	xlsx_begin(&x, path, org, en);
	if (x.wb == NULL) {
		err_set(err, ST_FAIL, "cannot start the XLSX workbook");
		goto out;
	}
	o.x = &x;
	if (task_scan(svc, f, ledger_task, &o, err) < 0) {
		workbook_close(x.wb);
		goto out;
	}
	xlsx_end_ledger(&x);
	/* The other sheets only for those who may read them elsewhere (a
	 * reporter sees the initiative tree, not the indicators). */
	if ((may_read(svc, "initiative") && xlsx_rollup(&x, svc, org, en, err) != 0) ||
	    (may_read(svc, "indicator") && xlsx_indicators(&x, svc, org, en, err) != 0)) {
		workbook_close(x.wb);
		goto out;
	}
	closed = workbook_close(x.wb);
	if (x.lerr != LXW_NO_ERROR || closed != LXW_NO_ERROR)
		err_set(err, ST_FAIL, "cannot write the XLSX workbook: %s",
			lxw_strerror(x.lerr != LXW_NO_ERROR ? x.lerr : closed));
	else if (slurp_file(path, out) != 0)
		err_set(err, ST_TOOBIG, "the ledger is too large");
	else
		rc = 0;
out:
	unlink(path);
	return rc;
}

int report_ledger(struct svc *svc, const struct task_filter *f, int light, int en, enum report_format fmt,
		  struct buf *out, struct err *err)
{
	struct ledger_out o = { en, light, out, NULL };

	if (fmt == RF_XLSX)
		return write_xlsx(svc, f, light, en, out, err);
	if (fmt != RF_CSV)
		return err_set(err, ST_INVALID, "the ledger comes as csv or xlsx");
	csv_header(out, en);
	if (task_scan(svc, f, ledger_task, &o, err) < 0)
		return -1;
	return out->err ? err_set(err, ST_TOOBIG, "the ledger is too large") : 0;
}

