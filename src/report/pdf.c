/*
 * pdf.c -- Markdown to PDF with pango and cairo (see pdf.h): the page
 * styles, the flow of lines across pages, tables, the contents, the tags.
 *
 * Not for reading PDFs, nor for HTML (render.c).
 *
 * The body flows line by line on a grid of pitch points per line (GB/T 9704:
 * 22 lines in the 225 mm text block); a paragraph breaks across pages only
 * where neither page keeps a single line of it. A heading needs room for
 * itself and the start of what follows. A document with contents is laid out
 * three times: the body alone (which headings there are), the whole with
 * contents on a throwaway surface (on which page each heading falls), and
 * the real one.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cairo-pdf.h>
#include <cmark-gfm.h>
#include <pango/pangocairo.h>

#include "pdf.h"
#include "render.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../core/limits.h"
#include "../core/xalloc.h"
#include "../core/banned.h"

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MM (72.0 / 25.4)

struct face {
	const char *family;
	double pt;
	int bold;
};

struct style {
	double top, left, width, height;   /* the text block */
	double pitch;                      /* one line of body text */
	double spacing;                    /* letter spacing of body text */
	double indent;                     /* first line of a paragraph */
	double gap;                        /* after a paragraph */
	double hang;                       /* list markers (plain) */
	int justify;              /* pango 1.50 justifies by widening spaces only: in Chinese
				   * text with a Latin name that opens holes, so gov does not */
	int gov;
	struct face body, title, head[4], table, footer;   /* head: levels 2 to 5 */
};

/* GB/T 9704-2012: A4, top margin 37 mm, left 28 mm, text block 156 x 225 mm;
 * 3号 (16 pt) body, 22 lines of 28 characters; title 2号 (22 pt) 小标宋;
 * levels 黑体, 楷体, 仿宋 bold, 仿宋; page numbers 4号 宋体. Debian packages
 * no FangSong face with simplified characters (cwTeX FangSong has only
 * traditional ones), so the body is set in the Song face Noto Serif CJK;
 * 楷体 is AR PL UKai; the title is Noto Serif CJK Bold (the nearest to 小标宋). */
static const struct style gov_style = {
	.top = 37 * MM, .left = 28 * MM, .width = 156 * MM, .height = 225 * MM,
	.pitch = 225 * MM / 22, .spacing = (156 * MM - 0.5) / 28 - 16, .indent = 2 * ((156 * MM - 0.5) / 28),
	.gap = 0, .hang = 0, .justify = 0, .gov = 1,
	.body = { "Noto Serif CJK SC", 16, 0 },
	.title = { "Noto Serif CJK SC", 22, 1 },
	.head = { { "Noto Sans CJK SC", 16, 0 }, { "AR PL UKai CN", 16, 0 },
		  { "Noto Serif CJK SC", 16, 1 }, { "Noto Serif CJK SC", 16, 0 } },
	.table = { "Noto Serif CJK SC", 12, 0 },
	.footer = { "Noto Serif CJK SC", 14, 0 },
};

/* English papers: 25 mm margins, a serif body, sans-serif headings. */
static const struct style plain_style = {
	.top = 25 * MM, .left = 25 * MM, .width = PAGE_W - 50 * MM, .height = PAGE_H - 50 * MM - 8,
	.pitch = 14.5, .spacing = 0, .indent = 0, .gap = 5, .hang = 16, .justify = 0, .gov = 0,
	.body = { "Noto Serif CJK SC", 10.5, 0 },
	.title = { "Noto Sans CJK SC", 17, 1 },
	.head = { { "Noto Sans CJK SC", 13, 1 }, { "Noto Sans CJK SC", 11.5, 1 },
		  { "Noto Sans CJK SC", 10.5, 1 }, { "Noto Sans CJK SC", 10.5, 1 } },
	.table = { "Noto Serif CJK SC", 9, 0 },
	.footer = { "Noto Sans CJK SC", 8, 0 },
};

struct heading {
	int level, page;
	char *text;               /* pango markup */
	char *plain;              /* for the outline */
};

struct pdf {
	const struct style *s;
	const struct pdf_doc *doc;
	cairo_surface_t *surface;
	cairo_t *cr;
	double y;
	int page;                 /* 1-based, of the whole document */
	int page_open;
	int real;                 /* the output pass: links, outline */
	struct heading headings[LIM_PDF_HEADINGS];
	int nheadings;            /* levels 2 and 3, in order */
	int outline_parent;       /* the outline id of the last level-2 heading */
	const char *tags[LIM_PDF_TAGS];
	int ntags;
	int suspended;            /* the tags were closed at the foot of a page */
	double grid_h, grid_asc;  /* a line of body text: height and baseline */
};

static double bottom(const struct pdf *p)
{
	return p->s->top + p->s->height;
}

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	return buf_add(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static cairo_status_t to_nowhere(void *closure, const unsigned char *data, unsigned int len)
{
	(void)closure;
	(void)data;
	(void)len;
	return CAIRO_STATUS_SUCCESS;
}

/* ---- structure tags: closed at the foot of a page, reopened on the next ---- */

static void tag_open(struct pdf *p, const char *name)
{
	if (p->ntags < LIM_PDF_TAGS) {
		if (!p->suspended)
			cairo_tag_begin(p->cr, name, "");
		p->tags[p->ntags] = name;
	}
	p->ntags++;
}

static void tag_close(struct pdf *p)
{
	if (p->ntags == 0)
		return;
	p->ntags--;
	if (p->ntags < LIM_PDF_TAGS && !p->suspended)
		cairo_tag_end(p->cr, p->tags[p->ntags]);
}

/* ---- text ---- */

static PangoLayout *make_layout(struct pdf *p, const char *markup, double width, const struct face *f,
				double spacing, PangoWrapMode wrap)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_from_string(f->family);

	/* Absolute: points of the page, whatever pango's screen resolution. */
	pango_font_description_set_absolute_size(fd, f->pt * PANGO_SCALE);
	if (f->bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_width(l, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_wrap(l, wrap);
	pango_layout_set_markup(l, markup, -1);
	if (spacing != 0) {
		PangoAttrList *attrs = pango_layout_get_attributes(l);

		attrs = attrs ? pango_attr_list_copy(attrs) : pango_attr_list_new();
		pango_attr_list_insert(attrs, pango_attr_letter_spacing_new((int)(spacing * PANGO_SCALE)));
		pango_layout_set_attributes(l, attrs);
		pango_attr_list_unref(attrs);
	}
	pango_font_description_free(fd);
	return l;
}

static double layout_h(PangoLayout *l)
{
	int w, h;

	pango_layout_get_pixel_size(l, &w, &h);
	return h;
}

static double layout_w(PangoLayout *l)
{
	PangoRectangle r;

	pango_layout_get_extents(l, NULL, &r);
	return (double)r.width / PANGO_SCALE;
}

/* Height of a layout on the grid: each line takes at least pitch. */
static double grid_h(PangoLayout *l, double pitch)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double h = 0;

	do {
		PangoRectangle r;

		pango_layout_iter_get_line_extents(it, NULL, &r);
		h += (double)r.height / PANGO_SCALE > pitch ? (double)r.height / PANGO_SCALE : pitch;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	return h;
}

/* ---- pages ---- */

static void footer(struct pdf *p)
{
	const struct style *s = p->s;
	char text[64];
	PangoLayout *l;

	if (s->gov) {
		/* "— 1 —" 7 mm under the text block, one character in from its
		 * outside edge: right on odd pages, left on even ones. */
		snprintf(text, sizeof(text), "— %d —", p->page);
		l = make_layout(p, text, -1, &s->footer, 0, PANGO_WRAP_WORD);
		cairo_move_to(p->cr, p->page % 2 ? s->left + s->width - s->footer.pt - layout_w(l) : s->left + s->footer.pt,
			      s->top + s->height + 7 * MM);
		pango_cairo_show_layout(p->cr, l);
		g_object_unref(l);
		return;
	}
	snprintf(text, sizeof(text), "%d", p->page);
	cairo_set_source_rgb(p->cr, 0.4, 0.4, 0.4);
	l = make_layout(p, text, -1, &s->footer, 0, PANGO_WRAP_WORD);
	cairo_move_to(p->cr, s->left + s->width - layout_w(l), s->top + s->height + 14);
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
	if (p->doc->title) {
		char *e = g_markup_escape_text(p->doc->title, -1);

		l = make_layout(p, e, s->width - 48, &s->footer, 0, PANGO_WRAP_WORD);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		cairo_move_to(p->cr, s->left, s->top + s->height + 14);
		pango_cairo_show_layout(p->cr, l);
		g_object_unref(l);
		g_free(e);
	}
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void start_page(struct pdf *p)
{
	int open;

	if (p->page_open)
		return;
	p->page++;
	p->page_open = 1;
	p->y = p->s->top;
	/* Reopen what the last page closed. */
	open = p->ntags < LIM_PDF_TAGS ? p->ntags : LIM_PDF_TAGS;
	for (int i = 0; p->suspended && i < open; i++)
		cairo_tag_begin(p->cr, p->tags[i], "");
	p->suspended = 0;
}

static void end_page(struct pdf *p)
{
	int open;

	if (!p->page_open)
		return;
	open = p->ntags < LIM_PDF_TAGS ? p->ntags : LIM_PDF_TAGS;
	for (int i = open - 1; i >= 0; i--)
		cairo_tag_end(p->cr, p->tags[i]);
	p->suspended = 1;
	footer(p);
	cairo_show_page(p->cr);
	p->page_open = 0;
}

static int at_top(const struct pdf *p)
{
	return !p->page_open || p->y <= p->s->top + 0.5;
}

/* Room for h points on this page, or a new page (unless at its top). */
static void ensure(struct pdf *p, double h)
{
	start_page(p);
	if (p->y + h > bottom(p) + 0.01 && !at_top(p)) {
		end_page(p);
		start_page(p);
	}
}

/*
 * Draws a layout's lines from p->y, each in a slot of at least pitch,
 * breaking pages between lines: the first line never alone at the foot of a
 * page (orphan), the last never alone at the head of the next (widow), when
 * the paragraph has more. marker, when not NULL, is drawn at mx on the first
 * line's baseline, so a list marker always stays with its text.
 */
static void flow(struct pdf *p, PangoLayout *l, double x, double pitch, PangoLayout *marker, double mx)
{
	int n = pango_layout_get_line_count(l), i = 0;
	double *slot = xcalloc((size_t)n + 1, sizeof(*slot));
	PangoLayoutIter *it = pango_layout_get_iter(l);

	for (int k = 0; k < n; k++) {
		PangoRectangle r;

		pango_layout_iter_get_line_extents(it, NULL, &r);
		slot[k] = (double)r.height / PANGO_SCALE > pitch ? (double)r.height / PANGO_SCALE : pitch;
		pango_layout_iter_next_line(it);
	}
	pango_layout_iter_free(it);
	it = pango_layout_get_iter(l);
	start_page(p);
	while (i < n) {
		int fit = 0;
		double y = p->y;

		while (i + fit < n && y + slot[i + fit] <= bottom(p) + 0.01)
			y += slot[i + fit++];
		if (fit < n - i) {
			if (n - i - fit == 1 && fit >= 2)
				fit--;                   /* a widow: take a line along */
			if (i == 0 && fit < 2 && n > 1)
				fit = 0;                 /* an orphan: start on the next page */
			if (fit == 0 && at_top(p))
				fit = 1;                 /* taller than a page */
		}
		for (int k = 0; k < fit; k++, i++) {
			PangoRectangle r;
			double base;

			pango_layout_iter_get_line_extents(it, NULL, &r);
			if (pitch == p->s->pitch && (double)r.height / PANGO_SCALE <= pitch)
				base = p->y + (pitch - p->grid_h) / 2 + p->grid_asc;   /* on the grid, whatever the face */
			else
				base = p->y + (slot[i] - (double)r.height / PANGO_SCALE) / 2 +
				       (double)(pango_layout_iter_get_baseline(it) - r.y) / PANGO_SCALE;
			cairo_move_to(p->cr, x + (double)r.x / PANGO_SCALE, base);
			pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
			if (i == 0 && marker) {
				cairo_move_to(p->cr, mx, base - (double)pango_layout_get_baseline(marker) / PANGO_SCALE);
				pango_cairo_show_layout(p->cr, marker);
			}
			p->y += slot[i];
			pango_layout_iter_next_line(it);
		}
		if (i < n) {
			end_page(p);
			start_page(p);
		}
	}
	pango_layout_iter_free(it);
	free(slot);
}

/* ---- Markdown ---- */

/* The inline content of a block as pango markup. */
static void inlines(cmark_node *n, struct buf *b)
{
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT: {
			char *e = g_markup_escape_text(cmark_node_get_literal(c), -1);

			buf_adds(b, e);
			g_free(e);
			break;
		}
		case CMARK_NODE_CODE: {
			char *e = g_markup_escape_text(cmark_node_get_literal(c), -1);

			buf_adds(b, "<tt>");
			buf_adds(b, e);
			buf_adds(b, "</tt>");
			g_free(e);
			break;
		}
		case CMARK_NODE_SOFTBREAK: buf_addc(b, ' '); break;
		case CMARK_NODE_LINEBREAK: buf_addc(b, '\n'); break;
		case CMARK_NODE_EMPH: buf_adds(b, "<i>"); inlines(c, b); buf_adds(b, "</i>"); break;
		case CMARK_NODE_STRONG: buf_adds(b, "<b>"); inlines(c, b); buf_adds(b, "</b>"); break;
		case CMARK_NODE_HTML_INLINE: break;
		default: inlines(c, b); break;
		}
	}
}

static char *inline_markup(cmark_node *n)
{
	struct buf b = BUF_INIT(1 << 20);
	char *s;

	inlines(n, &b);
	s = xstrdup(buf_str(&b));
	buf_release(&b);
	return s;
}

static int is_type(cmark_node *n, const char *name)
{
	const char *t = n ? cmark_node_get_type_string(n) : NULL;

	return t && strcmp(t, name) == 0;
}

/* 1 to 99 in Chinese numerals. */
static void cn_number(int n, char *out, size_t size)
{
	static const char *const d[] = { "", "一", "二", "三", "四", "五", "六", "七", "八", "九" };

	if (n < 1 || n > 99)
		snprintf(out, size, "%d", n);
	else if (n < 10)
		snprintf(out, size, "%s", d[n]);
	else
		snprintf(out, size, "%s十%s", n / 10 == 1 ? "" : d[n / 10], d[n % 10]);
}

/* The number a heading starts with ("2. ", "二、", "（二）"), or 0. *rest
 * is the text after it. */
static int lead_number(const char *s, const char **rest)
{
	static const char *const d[] = { "一", "二", "三", "四", "五", "六", "七", "八", "九", "十" };
	const char *q = s, *close = NULL;
	int n = 0, paren = 0, cn = 0;

	if (strncmp(q, "（", 3) == 0) {
		paren = 1;
		q += 3;
	}
	if (*q >= '0' && *q <= '9') {
		while (*q >= '0' && *q <= '9' && n < 1000)
			n = n * 10 + (*q++ - '0');
	} else {
		int tens = 0, unit = 0, seen = 0;

		for (;;) {
			int k = -1;

			for (int j = 0; j < 10; j++)
				if (strncmp(q, d[j], strlen(d[j])) == 0)
					k = j;
			if (k < 0)
				break;
			q += strlen(d[k]);
			seen = 1;
			if (k == 9)
				tens = unit ? unit : 1, unit = 0;
			else
				unit = k + 1;
		}
		if (!seen)
			return 0;
		n = tens * 10 + unit;
		cn = 1;
	}
	if (paren)
		close = strncmp(q, "）", 3) == 0 ? q + 3 : NULL;
	else if (!cn && (*q == '.' || *q == ' '))
		close = q + 1;
	else if (strncmp(q, "、", 3) == 0 || strncmp(q, "．", 3) == 0)
		close = q + 3;
	if (close == NULL || n == 0)
		return 0;
	while (*close == ' ')
		close++;
	*rest = close;
	return n;
}

char *pdf_gov_heading(const char *markup, int level)
{
	const char *rest;
	int n = lead_number(markup, &rest);
	char num[32];

	if (n == 0)
		return g_strdup(markup);
	cn_number(n, num, sizeof(num));
	switch (level) {
	case 2: return g_strdup_printf("%s、%s", num, rest);
	case 3: return g_strdup_printf("（%s）%s", num, rest);
	case 4: return g_strdup_printf("%d.%s", n, rest);
	default: return g_strdup_printf("（%d）%s", n, rest);
	}
}

/* ---- tables ---- */

struct table {
	int rows, cols, header;    /* header: the first row has text */
	char **cell;               /* rows * cols markup */
	double w[LIM_PDF_COLUMNS];
	struct face f;
	PangoWrapMode wrap;
};

#define PAD 4.0
#define SHORT_CELL 5.0      /* ems: a cell this short is not wrapped */

static void table_read(struct table *t, cmark_node *node)
{
	int r = 0;

	t->rows = t->cols = t->header = 0;
	for (cmark_node *row = cmark_node_first_child(node); row; row = cmark_node_next(row))
		t->rows++;
	for (cmark_node *c = cmark_node_first_child(cmark_node_first_child(node)); c; c = cmark_node_next(c))
		if (t->cols < LIM_PDF_COLUMNS)
			t->cols++;
	t->cell = xcalloc((size_t)t->rows * (size_t)(t->cols ? t->cols : 1), sizeof(char *));
	for (cmark_node *row = cmark_node_first_child(node); row; row = cmark_node_next(row), r++) {
		int c = 0;

		for (cmark_node *cell = cmark_node_first_child(row); cell && c < t->cols; cell = cmark_node_next(cell))
			t->cell[r * t->cols + c++] = inline_markup(cell);
		for (; c < t->cols; c++)
			t->cell[r * t->cols + c] = xstrdup("");
	}
	for (int c = 0; c < t->cols; c++)
		if (t->rows && t->cell[c][0])
			t->header = 1;
}

static void table_free(struct table *t)
{
	for (int i = 0; i < t->rows * t->cols; i++)
		free(t->cell[i]);
	free(t->cell);
}

static PangoLayout *cell_layout(struct pdf *p, const struct table *t, int r, int c, double width)
{
	struct face f = t->f;

	f.bold = r == 0 && t->header;
	return make_layout(p, t->cell[r * t->cols + c], width, &f, 0, t->wrap);
}

/*
 * Column widths from the content: each column at least its widest word (or
 * date: pango breaks lines only between words and between CJK characters),
 * at most its widest line; what is left is shared in proportion. When even
 * the widest words do not fit, the type gets smaller (down to 6.5 pt) and
 * only then may a word break.
 */
static void table_plan(struct pdf *p, struct table *t, double width)
{
	double minw[LIM_PDF_COLUMNS], maxw[LIM_PDF_COLUMNS], smin = 0, smax = 0;

	t->f = p->s->table;
	t->wrap = PANGO_WRAP_WORD;
	for (;;) {
		smin = smax = 0;
		for (int c = 0; c < t->cols; c++) {
			minw[c] = maxw[c] = 2 * PAD + 4;
			for (int r = t->header ? 0 : 1; r < t->rows; r++) {
				PangoLayout *l = cell_layout(p, t, r, c, 1);
				double word = layout_w(l) + 2 * PAD, line;

				g_object_unref(l);
				l = cell_layout(p, t, r, c, -1);
				line = layout_w(l) + 2 * PAD;
				g_object_unref(l);
				/* A short cell (季度, 已召开, a name) stays on one line. */
				if (line <= SHORT_CELL * t->f.pt + 2 * PAD && line > word)
					word = line;
				if (word > minw[c])
					minw[c] = word;
				if (line > maxw[c])
					maxw[c] = line;
			}
			smin += minw[c];
			smax += maxw[c];
		}
		if (smin <= width || t->f.pt <= 6.5)
			break;
		t->f.pt -= 0.5;
	}
	if (smin > width)
		t->wrap = PANGO_WRAP_WORD_CHAR;
	for (int c = 0; c < t->cols; c++) {
		if (smin > width)
			t->w[c] = width * minw[c] / smin;
		else if (smax <= width)
			t->w[c] = maxw[c] + (width - smax) * maxw[c] / smax;
		else
			t->w[c] = minw[c] + (maxw[c] - minw[c]) * (width - smin) / (smax - smin);
	}
}

static double row_height(struct pdf *p, const struct table *t, int r)
{
	double h = 0;

	for (int c = 0; c < t->cols; c++) {
		PangoLayout *l = cell_layout(p, t, r, c, t->w[c] - 2 * PAD);

		if (layout_h(l) > h)
			h = layout_h(l);
		g_object_unref(l);
	}
	return h + 2 * PAD;
}

/* A task light's cell is tinted in its colour; the word stays. */
static const double *light_fill(const char *text)
{
	static const struct { const char *word; double rgb[3]; } lights[] = {
		{ "红", { 0.98, 0.80, 0.80 } }, { "red", { 0.98, 0.80, 0.80 } },
		{ "黄", { 1.00, 0.93, 0.70 } }, { "yellow", { 1.00, 0.93, 0.70 } },
		{ "绿", { 0.80, 0.93, 0.80 } }, { "green", { 0.80, 0.93, 0.80 } },
	};

	for (size_t i = 0; i < sizeof(lights) / sizeof(lights[0]); i++)
		if (strcmp(text, lights[i].word) == 0)
			return lights[i].rgb;
	return NULL;
}

static void draw_row(struct pdf *p, const struct table *t, int r, double x, double h)
{
	static const double grey[3] = { 0.9, 0.9, 0.9 };

	tag_open(p, "TR");
	for (int c = 0; c < t->cols; c++) {
		PangoLayout *l = cell_layout(p, t, r, c, t->w[c] - 2 * PAD);

		const double *fill = r == 0 ? grey : light_fill(t->cell[r * t->cols + c]);

		tag_open(p, r == 0 && t->header ? "TH" : "TD");
		if (fill) {
			cairo_set_source_rgb(p->cr, fill[0], fill[1], fill[2]);
			cairo_rectangle(p->cr, x, p->y, t->w[c], h);
			cairo_fill(p->cr);
			cairo_set_source_rgb(p->cr, 0, 0, 0);
		}
		cairo_set_line_width(p->cr, 0.5);
		cairo_rectangle(p->cr, x, p->y, t->w[c], h);
		cairo_stroke(p->cr);
		cairo_move_to(p->cr, x + PAD, p->y + PAD);
		pango_cairo_show_layout(p->cr, l);
		g_object_unref(l);
		tag_close(p);
		x += t->w[c];
	}
	tag_close(p);
	p->y += h;
}

/* Height the header and first row need together (keep-with-next). */
static double table_need(struct pdf *p, cmark_node *node, double width)
{
	struct table t;
	double h = 0;

	table_read(&t, node);
	if (t.cols > 0) {
		table_plan(p, &t, width);
		for (int r = t.header ? 0 : 1; r < t.rows && r < 2; r++)
			h += row_height(p, &t, r);
	}
	table_free(&t);
	return h;
}

static void table(struct pdf *p, cmark_node *node, double x, double width)
{
	struct table t;
	double hh = 0;

	table_read(&t, node);
	if (t.cols == 0)
		goto out;
	table_plan(p, &t, width);
	p->y += 4;
	if (t.header)
		hh = row_height(p, &t, 0);
	tag_open(p, "Table");
	for (int r = 1; r < t.rows; r++) {
		double h = row_height(p, &t, r);

		if (r == 1)
			ensure(p, hh + h);
		else if (p->y + h > bottom(p) && !at_top(p)) {
			end_page(p);
			start_page(p);
			if (t.header)
				draw_row(p, &t, 0, x, hh);   /* the header again on each page */
		}
		if (r == 1 && t.header)
			draw_row(p, &t, 0, x, hh);
		draw_row(p, &t, r, x, h);
	}
	tag_close(p);
	p->y += p->s->gov ? p->s->pitch / 2 : 8;
out:
	table_free(&t);
}

/* ---- blocks ---- */

struct ctx {
	double x, width;
	int depth;                /* of lists */
	char *prefix;             /* gov: a list's number, set before the first paragraph */
	const char *marker;       /* plain: a list marker, hung left of the first paragraph */
};

static void blocks(struct pdf *p, cmark_node *parent, struct ctx *c);

static const struct pdf_chart *find_chart(struct pdf *p, const char *html)
{
	const char *name = strstr(html, "chart:");
	size_t len;

	if (name == NULL || p->doc->charts == NULL)
		return NULL;
	name += 6;
	len = strcspn(name, " -");
	for (const struct pdf_chart *c = p->doc->charts; c->name; c++)
		if (strlen(c->name) == len && strncmp(c->name, name, len) == 0)
			return c;
	return NULL;
}

static void paragraph(struct pdf *p, cmark_node *n, struct ctx *c)
{
	const struct style *s = p->s;
	char *m = inline_markup(n), *text = m;
	PangoLayout *l, *marker = NULL;

	if (c->prefix) {
		text = g_strdup_printf("%s%s", c->prefix, m);
		g_free(c->prefix);
		c->prefix = NULL;
	}
	l = make_layout(p, text, c->width, &s->body, s->spacing, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_indent(l, (int)(s->indent * PANGO_SCALE));
	pango_layout_set_justify(l, s->justify);
	if (c->marker) {
		marker = make_layout(p, c->marker, -1, &s->body, 0, PANGO_WRAP_WORD);
		c->marker = NULL;
	}
	tag_open(p, "P");
	flow(p, l, c->x, s->pitch, marker, c->x - s->hang);
	tag_close(p);
	p->y += s->gap;
	if (marker)
		g_object_unref(marker);
	g_object_unref(l);
	if (text != m)
		g_free(text);
	free(m);
}

static PangoLayout *heading_layout(struct pdf *p, int level, const char *markup, double width, double *pitch,
				   double *dx)
{
	const struct style *s = p->s;
	const struct face *f = level == 1 ? &s->title : &s->head[level - 2 < 4 ? level - 2 : 3];
	PangoLayout *l = make_layout(p, markup, width, f, level == 1 ? 0 : s->spacing, PANGO_WRAP_WORD_CHAR);

	if (level == 1) {
		/* A title of several lines is set in lines of even length (GB/T
		 * 9704 7.3.3: 梯形 or 菱形), not one full line and a stub: the
		 * narrowest width that needs no more lines. */
		int lines = pango_layout_get_line_count(l);
		double w = width;

		pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
		while (lines > 1 && w > f->pt * 4) {
			pango_layout_set_width(l, (int)((w - f->pt) * PANGO_SCALE));
			if (pango_layout_get_line_count(l) > lines)
				break;
			w -= f->pt;
		}
		pango_layout_set_width(l, (int)(w * PANGO_SCALE));
		*pitch = s->gov ? s->pitch : f->pt * 1.4;
		*dx = (width - w) / 2;
		return l;
	}
	*dx = 0;
	if (s->gov)
		pango_layout_set_indent(l, (int)(s->indent * PANGO_SCALE));
	*pitch = s->gov ? s->pitch : f->pt * 1.4;
	return l;
}

/* Room the start of block n takes: a heading is kept with it. */
static double need(struct pdf *p, cmark_node *n, double width)
{
	if (n == NULL)
		return 0;
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_HTML_BLOCK: {
		const struct pdf_chart *c = find_chart(p, cmark_node_get_literal(n) ? cmark_node_get_literal(n) : "");

		return c ? c->height + 8 : 0;
	}
	case CMARK_NODE_HEADING:
		return 3 * p->s->pitch;
	default:
		if (is_type(n, "table"))
			return table_need(p, n, width) + 4;
		return 2 * p->s->pitch;
	}
}

static void heading(struct pdf *p, cmark_node *n, struct ctx *c)
{
	const struct style *s = p->s;
	int level = cmark_node_get_heading_level(n);
	char *m = inline_markup(n), *text = m, name[32];
	PangoLayout *l;
	double pitch, h, before, after, dx;
	int id = -1;

	if (level < 1 || level > 6)
		level = 6;
	if (level == 1 && p->doc->toc)
		goto out;                    /* on the contents page already */
	if (s->gov && level > 1)
		text = pdf_gov_heading(m, level);
	l = heading_layout(p, level, text, c->width, &pitch, &dx);
	before = s->gov || level == 1 ? 0 : 8;
	after = level == 1 ? s->pitch : s->gov ? 0 : 4;
	h = grid_h(l, pitch);
	start_page(p);
	if (!at_top(p))
		p->y += before;
	ensure(p, h + after + need(p, cmark_node_next(n), c->width));
	if ((level == 2 || level == 3) && p->nheadings < LIM_PDF_HEADINGS) {
		struct heading *hd = &p->headings[p->nheadings];

		id = p->nheadings++;
		hd->level = level;
		hd->page = p->page;
		if (hd->text == NULL) {
			hd->text = xstrdup(text);
			pango_parse_markup(text, -1, 0, NULL, &hd->plain, NULL, NULL);
		}
		snprintf(name, sizeof(name), "name='h%d' x=%.1f y=%.1f", id, c->x, p->y);
		cairo_tag_begin(p->cr, CAIRO_TAG_DEST, name);
		cairo_tag_end(p->cr, CAIRO_TAG_DEST);
		if (p->real && hd->plain) {
			snprintf(name, sizeof(name), "dest='h%d'", id);
			if (level == 2)
				p->outline_parent = cairo_pdf_surface_add_outline(p->surface, CAIRO_PDF_OUTLINE_ROOT,
										  hd->plain, name, 0);
			else
				cairo_pdf_surface_add_outline(p->surface, p->outline_parent, hd->plain, name, 0);
		}
	}
	tag_open(p, (const char *const[]){ "H1", "H2", "H3", "H4", "H5", "H6" }[level - 1]);
	flow(p, l, c->x + dx, pitch, NULL, 0);
	tag_close(p);
	p->y += after;
	g_object_unref(l);
out:
	if (text != m)
		g_free(text);
	free(m);
}

static void list(struct pdf *p, cmark_node *n, struct ctx *c)
{
	const struct style *s = p->s;
	int ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
	int num = ordered ? cmark_node_get_list_start(n) : 1;

	tag_open(p, "L");
	for (cmark_node *item = cmark_node_first_child(n); item; item = cmark_node_next(item), num++) {
		struct ctx in = *c;
		char mark[32];

		in.depth = c->depth + 1;
		in.prefix = NULL;
		in.marker = NULL;
		if (s->gov) {
			/* No Western bullets: numbers in the text, wrapped lines
			 * back to the margin, as an official paper writes them. */
			if (ordered)
				in.prefix = g_strdup_printf("%d.", num);
			else if (c->depth > 0)
				in.prefix = g_strdup_printf("（%d）", num);
		} else {
			snprintf(mark, sizeof(mark), ordered ? "%d." : "•", num);
			in.x = c->x + s->hang;
			in.width = c->width - s->hang;
			in.marker = mark;
		}
		tag_open(p, "LI");
		blocks(p, item, &in);
		tag_close(p);
		g_free(in.prefix);
	}
	tag_close(p);
	if (!s->gov)
		p->y += 2;
}

static void blocks(struct pdf *p, cmark_node *parent, struct ctx *c)
{
	const struct style *s = p->s;

	for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HEADING:
			heading(p, n, c);
			break;
		case CMARK_NODE_PARAGRAPH:
			paragraph(p, n, c);
			break;
		case CMARK_NODE_LIST:
			list(p, n, c);
			break;
		case CMARK_NODE_BLOCK_QUOTE: {
			struct ctx in = *c;

			in.x += 2 * s->body.pt;
			in.width -= 2 * s->body.pt;
			blocks(p, n, &in);
			c->prefix = in.prefix;
			break;
		}
		case CMARK_NODE_CODE_BLOCK: {
			char *e = g_markup_escape_text(cmark_node_get_literal(n), -1);
			char *m = g_strdup_printf("<tt>%s</tt>", e);
			struct face f = s->table;
			PangoLayout *l = make_layout(p, m, c->width, &f, 0, PANGO_WRAP_WORD_CHAR);

			tag_open(p, "Code");
			flow(p, l, c->x, 0, NULL, 0);
			tag_close(p);
			p->y += s->gap;
			g_object_unref(l);
			g_free(m);
			g_free(e);
			break;
		}
		case CMARK_NODE_THEMATIC_BREAK:
			ensure(p, 12);
			cairo_set_line_width(p->cr, 0.5);
			cairo_move_to(p->cr, c->x, p->y + 6);
			cairo_line_to(p->cr, c->x + c->width, p->y + 6);
			cairo_stroke(p->cr);
			p->y += 12;
			break;
		case CMARK_NODE_HTML_BLOCK: {
			const char *html = cmark_node_get_literal(n);
			const struct pdf_chart *ch;

			if (html && strstr(html, "pagebreak")) {
				if (!at_top(p))
					end_page(p);
			} else if (html && (ch = find_chart(p, html)) != NULL) {
				ensure(p, ch->height + 8);
				tag_open(p, "Figure");
				cairo_save(p->cr);
				cairo_translate(p->cr, c->x, p->y + 4);
				ch->draw(ch->ctx, p->cr, c->width, ch->height);
				cairo_restore(p->cr);
				tag_close(p);
				p->y += ch->height + 8;
			}
			break;
		}
		default:
			if (is_type(n, "table"))
				table(p, n, c->x, c->width);
			else
				blocks(p, n, c);
			break;
		}
	}
}

/* ---- the contents page ---- */

static void contents(struct pdf *p, const struct heading *h, int n)
{
	const struct style *s = p->s;
	const struct face *hf = &s->head[0];
	char *e = g_markup_escape_text(p->doc->title ? p->doc->title : "", -1);
	int en = p->doc->lang && strncmp(p->doc->lang, "en", 2) == 0;
	PangoLayout *l;
	double pitch, dx;

	start_page(p);
	l = heading_layout(p, 1, e, s->width, &pitch, &dx);
	tag_open(p, "H1");
	flow(p, l, s->left + dx, pitch, NULL, 0);
	tag_close(p);
	g_object_unref(l);
	g_free(e);
	p->y += s->pitch;
	l = make_layout(p, en ? "Contents" : "目录", s->width, hf, 0, PANGO_WRAP_WORD);
	pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	tag_open(p, "TOC");
	flow(p, l, s->left, s->gov ? s->pitch : hf->pt * 1.6, NULL, 0);
	g_object_unref(l);
	p->y += s->gov ? 0 : 6;
	for (int i = 0; i < n; i++) {
		char num[16], dest[32];
		double x = s->left + (h[i].level - 2) * 2 * s->body.pt, numw = 3 * s->body.pt, lastw, base;
		PangoLayout *nl;
		PangoLayoutLine *last;
		PangoRectangle r;

		snprintf(num, sizeof(num), "%d", h[i].page);
		l = make_layout(p, h[i].text, s->left + s->width - x - numw - s->body.pt, &s->body, 0, PANGO_WRAP_WORD_CHAR);
		ensure(p, grid_h(l, s->pitch));
		snprintf(dest, sizeof(dest), "dest='h%d'", i);
		tag_open(p, "TOCI");
		if (p->real)
			cairo_tag_begin(p->cr, CAIRO_TAG_LINK, dest);
		flow(p, l, x, s->pitch, NULL, 0);
		/* The page number on the baseline of the entry's last line, dots before it. */
		last = pango_layout_get_line_readonly(l, pango_layout_get_line_count(l) - 1);
		pango_layout_line_get_extents(last, NULL, &r);
		lastw = (double)r.width / PANGO_SCALE;
		nl = make_layout(p, num, -1, &s->body, 0, PANGO_WRAP_WORD);
		base = p->y - s->pitch + (s->pitch - layout_h(nl)) / 2;
		cairo_move_to(p->cr, s->left + s->width - layout_w(nl), base);
		pango_cairo_show_layout(p->cr, nl);
		cairo_set_line_width(p->cr, 0.8);
		cairo_set_dash(p->cr, (double[]){ 0.8, 3 }, 2, 0);
		cairo_move_to(p->cr, x + lastw + 4, base + layout_h(nl) * 0.75);
		cairo_line_to(p->cr, s->left + s->width - layout_w(nl) - 4, base + layout_h(nl) * 0.75);
		cairo_stroke(p->cr);
		cairo_set_dash(p->cr, NULL, 0, 0);
		if (p->real)
			cairo_tag_end(p->cr, CAIRO_TAG_LINK);
		tag_close(p);
		g_object_unref(nl);
		g_object_unref(l);
	}
	tag_close(p);
	end_page(p);
}

/* ---- the document ---- */

static int render(const char *md, const struct pdf_doc *doc, struct buf *out, struct pdf *p,
		  const struct heading *toc, int ntoc)
{
	cmark_node *root = NULL;
	cmark_parser *parser = report_md_parser(md, &root);
	struct ctx c = { 0 };
	cairo_status_t st;

	p->s = doc->style == PDF_GOV ? &gov_style : &plain_style;
	p->doc = doc;
	p->real = out != NULL;
	p->surface = cairo_pdf_surface_create_for_stream(out ? to_buf : to_nowhere, out, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, doc->title ? doc->title : "plenum");
	if (doc->author)
		cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_AUTHOR, doc->author);
	if (doc->subject)
		cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_SUBJECT, doc->subject);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "plenum");
	p->cr = cairo_create(p->surface);
	{
		PangoLayout *l = make_layout(p, "中", -1, &p->s->body, 0, PANGO_WRAP_WORD);

		p->grid_h = layout_h(l);
		p->grid_asc = (double)pango_layout_get_baseline(l) / PANGO_SCALE;
		g_object_unref(l);
	}
	tag_open(p, "Document");
	if (doc->toc)
		contents(p, toc, ntoc);
	c.x = p->s->left;
	c.width = p->s->width;
	if (root)
		blocks(p, root, &c);
	g_free(c.prefix);
	if (p->page == 0)
		start_page(p);
	tag_close(p);
	end_page(p);
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surface);
	st = cairo_surface_status(p->surface);
	cairo_surface_destroy(p->surface);
	cmark_node_free(root);
	cmark_parser_free(parser);
	return st == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

static void headings_free(struct pdf *p)
{
	for (int i = 0; i < p->nheadings; i++) {
		free(p->headings[i].text);
		g_free(p->headings[i].plain);
	}
}

/* The first occurrence of the k bytes at needle in the n bytes at hay
 * (which may hold NUL bytes), or NULL. */
static const char *find(const char *hay, size_t n, const char *needle, size_t k)
{
	for (size_t i = 0; k <= n && i <= n - k; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, k) == 0)
			return hay + i;
	return NULL;
}

/* The last occurrence of needle in the n bytes at hay (binary), or NULL. */
static const char *find_last(const char *hay, size_t n, const char *needle)
{
	const char *last = NULL, *at = hay;
	size_t k = strlen(needle);

	while (at + k <= hay + n) {
		const char *f = find(at, (size_t)(hay + n - at), needle, k);

		if (f == NULL)
			break;
		last = f;
		at = f + 1;
	}
	return last;
}

/* Cairo 1.16 has no metadata for the language: an incremental update (ISO
 * 32000-1, 7.5.6) writes the document catalog again with /Lang (14.9.2). */
static void add_lang(struct buf *out, const char *lang)
{
	const char *pdf = buf_str(out), *t, *root, *obj, *end, *sx, *tend;
	size_t len = buf_len(out), prev, at;
	struct buf b = BUF_INIT(1 << 20);
	char head[32];
	long n;

	if (lang == NULL || len == 0 || strspn(lang, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") != strlen(lang))
		return;
	t = find_last(pdf, len, "\ntrailer");
	sx = t ? find_last(t, len - (size_t)(t - pdf), "startxref") : NULL;
	root = t && sx ? find(t, (size_t)(sx - t), "/Root ", 6) : NULL;
	if (root == NULL)
		return;
	n = strtol(root + 6, NULL, 10);
	prev = (size_t)strtoul(sx + 9, NULL, 10);
	snprintf(head, sizeof(head), "\n%ld 0 obj", n);
	obj = find(pdf, (size_t)(t - pdf), head, strlen(head));
	end = obj ? find(obj, (size_t)(t - obj), "endobj", 6) : NULL;
	if (end == NULL)
		return;
	obj += strlen(head);
	while (end > obj && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\r'))
		end--;
	for (tend = sx; tend > t && tend[-1] != '>'; tend--)
		;
	if (end - obj < 2 || memcmp(end - 2, ">>", 2) != 0 || tend - t < 10)
		return;
	at = len;
	buf_printf(&b, "%ld 0 obj\n", n);
	buf_add(&b, obj, (size_t)(end - 2 - obj));
	buf_printf(&b, "   /Lang (%s)\n>>\nendobj\n", lang);
	prev = at + buf_len(&b);            /* now where the new xref starts */
	buf_printf(&b, "xref\n%ld 1\n%010zu 00000 n \n", n, at);
	/* The last trailer's dictionary, with /Prev pointing at the old xref. */
	buf_adds(&b, "trailer\n");
	buf_add(&b, t + 9, (size_t)(tend - 2 - (t + 9)));
	buf_printf(&b, "   /Prev %lu\n>>\nstartxref\n%zu\n%%%%EOF\n", strtoul(sx + 9, NULL, 10), prev);
	if (!b.err)
		buf_add(out, buf_str(&b), buf_len(&b));
	buf_release(&b);
}

static pthread_once_t g_fonts_once = PTHREAD_ONCE_INIT;

static void load_fonts(void)
{
	PangoFontMap *fm = pango_cairo_font_map_get_default();
	PangoContext *ctx = pango_font_map_create_context(fm);
	const char *const faces[] = { "Noto Serif CJK SC 10", "Noto Sans CJK SC 10", "AR PL UKai CN 10" };

	for (size_t i = 0; i < sizeof(faces) / sizeof(faces[0]); i++) {
		PangoFontDescription *fd = pango_font_description_from_string(faces[i]);
		PangoFont *f = pango_font_map_load_font(fm, ctx, fd);

		if (f)
			g_object_unref(f);
		pango_font_description_free(fd);
	}
	g_object_unref(ctx);
}

void pdf_init(void)
{
	pthread_once(&g_fonts_once, load_fonts);
}

int pdf_from_markdown(const char *md, const struct pdf_doc *doc, struct buf *out, struct err *err)
{
	struct pdf *body = xcalloc(1, sizeof(*body)), *whole = xcalloc(1, sizeof(*whole));
	struct pdf *final = xcalloc(1, sizeof(*final));
	int rc;

	pdf_init();
	if (doc->toc) {
		/* Which headings there are; then on which page each falls
		 * once the contents come first. */
		render(md, doc, NULL, body, NULL, 0);
		for (int i = 0; i < body->nheadings; i++)
			body->headings[i].page = 1;
		render(md, doc, NULL, whole, body->headings, body->nheadings);
	}
	rc = render(md, doc, out, final, whole->headings, whole->nheadings);
	if (rc == 0 && !out->err)
		add_lang(out, doc->lang);
	headings_free(body);
	headings_free(whole);
	headings_free(final);
	free(body);
	free(whole);
	free(final);
	if (rc != 0 || out->err)
		return err_set(err, out->err ? ST_TOOBIG : ST_FAIL, "cannot write the PDF");
	return 0;
}
