/*
 * pdf.c -- Markdown to PDF with pango and cairo (see pdf.h).
 *
 * Two passes when a table of contents is wanted: the first lays the body out
 * on a throwaway surface to learn each heading's page, the second writes the
 * contents page and the body.
 */
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
#include "../core/xalloc.h"
#include "../core/banned.h"


#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN_X 56.0
#define TOP 56.0
#define BOTTOM 64.0
#define BODY_PT 10.5
#define FONT "Noto Sans CJK SC"
#define MAX_HEADINGS 512

struct heading {
	int level, page;
	char *text;
};

struct pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
	double y;
	int page;                 /* 1-based, of the whole document */
	int page_open;
	const char *title;
	const struct pdf_chart *charts;
	struct heading headings[MAX_HEADINGS];
	int nheadings;
	int record;               /* collect headings (first pass) */
};

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

static void footer(struct pdf *p)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_from_string(FONT " 8");
	char text[512];
	int w, h;

	snprintf(text, sizeof(text), "%s  ·  %d", p->title ? p->title : "", p->page);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_text(l, text, -1);
	pango_layout_get_pixel_size(l, &w, &h);
	cairo_set_source_rgb(p->cr, 0.45, 0.45, 0.45);
	cairo_move_to(p->cr, (PAGE_W - w) / 2, PAGE_H - 36);
	pango_cairo_show_layout(p->cr, l);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	pango_font_description_free(fd);
	g_object_unref(l);
}

static void start_page(struct pdf *p)
{
	if (p->page_open)
		return;
	p->page++;
	p->page_open = 1;
	p->y = TOP;
}

static void end_page(struct pdf *p)
{
	if (!p->page_open)
		return;
	footer(p);
	cairo_show_page(p->cr);
	p->page_open = 0;
}

/* Room for h points on this page, or a new page (unless at its top). */
static void ensure(struct pdf *p, double h)
{
	start_page(p);
	if (p->y + h > PAGE_H - BOTTOM && p->y > TOP) {
		end_page(p);
		start_page(p);
	}
}

static PangoLayout *layout(struct pdf *p, const char *markup, double width, double size, int bold)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_from_string(FONT);

	pango_font_description_set_size(fd, (int)(size * PANGO_SCALE));
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_spacing(l, (int)(size * 0.35 * PANGO_SCALE));
	pango_layout_set_markup(l, markup, -1);
	pango_font_description_free(fd);
	return l;
}

static double layout_height(PangoLayout *l)
{
	int w, h;

	pango_layout_get_pixel_size(l, &w, &h);
	return h;
}

void pdf_init(void)
{
	PangoFontMap *fm = pango_cairo_font_map_get_default();
	PangoContext *ctx = pango_font_map_create_context(fm);
	PangoFontDescription *fd = pango_font_description_from_string(FONT " 10");
	PangoFont *f = pango_font_map_load_font(fm, ctx, fd);

	if (f)
		g_object_unref(f);
	pango_font_description_free(fd);
	g_object_unref(ctx);
}

/* Draws a layout at x, line by line across pages when it must. */
static void draw_flow(struct pdf *p, PangoLayout *l, double x)
{
	double h = layout_height(l), shift = 0;   /* where the layout's lines sit on this page */
	PangoLayoutIter *it;

	ensure(p, h < PAGE_H - TOP - BOTTOM ? h : 0);
	if (p->y + h <= PAGE_H - BOTTOM) {
		cairo_move_to(p->cr, x, p->y);
		pango_cairo_show_layout(p->cr, l);
		p->y += h;
		return;
	}
	it = pango_layout_get_iter(l);
	do {
		PangoRectangle r;
		int baseline = pango_layout_iter_get_baseline(it);
		double top, lh;

		pango_layout_iter_get_line_extents(it, NULL, &r);
		top = (double)r.y / PANGO_SCALE;
		lh = (double)r.height / PANGO_SCALE;
		if (pango_layout_iter_get_index(it) == 0)
			shift = p->y - top;
		if (top + shift + lh > PAGE_H - BOTTOM) {
			end_page(p);
			start_page(p);
			shift = p->y - top;
		}
		cairo_move_to(p->cr, x, (double)baseline / PANGO_SCALE + shift);
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
		p->y = top + shift + lh;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

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
		default: inlines(c, b); break;
		}
	}
}

static void text_block(struct pdf *p, cmark_node *n, double x, double width, double size, int bold,
		       double before, double after)
{
	struct buf b = BUF_INIT(1 << 20);
	PangoLayout *l;

	inlines(n, &b);
	p->y += before;
	l = layout(p, buf_str(&b), width, size, bold);
	draw_flow(p, l, x);
	p->y += after;
	g_object_unref(l);
	buf_release(&b);
}

static void blocks(struct pdf *p, cmark_node *parent, double x, double width);

static int is_type(cmark_node *n, const char *name)
{
	const char *t = cmark_node_get_type_string(n);

	return t && strcmp(t, name) == 0;
}

static void table(struct pdf *p, cmark_node *t, double x, double width)
{
	int cols = 0, first = 1;
	double pad = 4;

	for (cmark_node *c = cmark_node_first_child(cmark_node_first_child(t)); c; c = cmark_node_next(c))
		cols++;
	if (cols == 0)
		return;
	p->y += 4;
	for (cmark_node *row = cmark_node_first_child(t); row; row = cmark_node_next(row), first = 0) {
		PangoLayout *cells[64];
		double h = 0, cw = width / cols;
		int n = 0;

		for (cmark_node *c = cmark_node_first_child(row); c && n < 64 && n < cols; c = cmark_node_next(c)) {
			struct buf b = BUF_INIT(1 << 18);

			inlines(c, &b);
			cells[n] = layout(p, buf_str(&b), cw - 2 * pad, BODY_PT - 1.5, first);
			if (layout_height(cells[n]) > h)
				h = layout_height(cells[n]);
			buf_release(&b);
			n++;
		}
		h += 2 * pad;
		ensure(p, h);
		for (int i = 0; i < n; i++) {
			if (first) {
				cairo_set_source_rgb(p->cr, 0.92, 0.93, 0.95);
				cairo_rectangle(p->cr, x + i * cw, p->y, cw, h);
				cairo_fill(p->cr);
				cairo_set_source_rgb(p->cr, 0, 0, 0);
			}
			cairo_set_line_width(p->cr, 0.5);
			cairo_rectangle(p->cr, x + i * cw, p->y, cw, h);
			cairo_stroke(p->cr);
			cairo_move_to(p->cr, x + i * cw + pad, p->y + pad);
			pango_cairo_show_layout(p->cr, cells[i]);
			g_object_unref(cells[i]);
		}
		p->y += h;
	}
	p->y += 8;
}

static const struct pdf_chart *find_chart(struct pdf *p, const char *html)
{
	const char *name = strstr(html, "chart:");
	size_t len;

	if (name == NULL || p->charts == NULL)
		return NULL;
	name += 6;
	len = strcspn(name, " -");
	for (const struct pdf_chart *c = p->charts; c->name; c++)
		if (strlen(c->name) == len && strncmp(c->name, name, len) == 0)
			return c;
	return NULL;
}

static void heading(struct pdf *p, cmark_node *n, double x, double width)
{
	static const double sizes[] = { 0, 18, 14, 12, 11, 11, 11 };
	int level = cmark_node_get_heading_level(n);
	struct buf b = BUF_INIT(1 << 16);

	if (level < 1 || level > 6)
		level = 6;
	/* Keep a heading with what follows it. */
	ensure(p, sizes[level] * 4);
	if (level <= 2 && p->record && p->nheadings < MAX_HEADINGS) {
		inlines(n, &b);
		p->headings[p->nheadings].level = level;
		p->headings[p->nheadings].page = p->page;
		p->headings[p->nheadings].text = xstrdup(buf_str(&b));
		p->nheadings++;
	}
	buf_release(&b);
	text_block(p, n, x, width, sizes[level], 1, level == 1 ? 4 : 10, 6);
}

static void blocks(struct pdf *p, cmark_node *parent, double x, double width)
{
	for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HEADING:
			heading(p, n, x, width);
			break;
		case CMARK_NODE_PARAGRAPH:
			text_block(p, n, x, width, BODY_PT, 0, 0, 6);
			break;
		case CMARK_NODE_LIST: {
			int ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
			int num = cmark_node_get_list_start(n);

			for (cmark_node *item = cmark_node_first_child(n); item; item = cmark_node_next(item), num++) {
				char mark[16];
				PangoLayout *l;
				double y0;

				snprintf(mark, sizeof(mark), ordered ? "%d." : "•", num);
				ensure(p, BODY_PT * 2);
				y0 = p->y;
				l = layout(p, mark, 20, BODY_PT, 0);
				cairo_move_to(p->cr, x, y0);
				pango_cairo_show_layout(p->cr, l);
				g_object_unref(l);
				blocks(p, item, x + 18, width - 18);
				if (p->y < y0 + BODY_PT * 1.5)
					p->y = y0 + BODY_PT * 1.5;
			}
			p->y += 2;
			break;
		}
		case CMARK_NODE_BLOCK_QUOTE:
			blocks(p, n, x + 14, width - 14);
			break;
		case CMARK_NODE_CODE_BLOCK: {
			char *e = g_markup_escape_text(cmark_node_get_literal(n), -1);
			char *m = g_strdup_printf("<tt>%s</tt>", e);
			PangoLayout *l = layout(p, m, width, BODY_PT - 1, 0);

			draw_flow(p, l, x);
			p->y += 6;
			g_object_unref(l);
			g_free(m);
			g_free(e);
			break;
		}
		case CMARK_NODE_THEMATIC_BREAK:
			ensure(p, 12);
			cairo_set_line_width(p->cr, 0.5);
			cairo_move_to(p->cr, x, p->y + 6);
			cairo_line_to(p->cr, x + width, p->y + 6);
			cairo_stroke(p->cr);
			p->y += 12;
			break;
		case CMARK_NODE_HTML_BLOCK: {
			const char *html = cmark_node_get_literal(n);
			const struct pdf_chart *c;

			if (html && strstr(html, "pagebreak")) {
				end_page(p);
				start_page(p);
			} else if (html && (c = find_chart(p, html)) != NULL) {
				ensure(p, c->height);
				cairo_save(p->cr);
				cairo_translate(p->cr, x, p->y);
				c->draw(c->ctx, p->cr, width, c->height);
				cairo_restore(p->cr);
				p->y += c->height + 8;
			}
			break;
		}
		default:
			if (is_type(n, "table"))
				table(p, n, x, width);
			else
				blocks(p, n, x, width);
			break;
		}
	}
}

static void contents(struct pdf *p, const struct heading *h, int n, int offset, const char *title)
{
	char *e = g_markup_escape_text(title ? title : "", -1);
	PangoLayout *l;

	start_page(p);
	l = layout(p, e, PAGE_W - 2 * MARGIN_X, 18, 1);
	draw_flow(p, l, MARGIN_X);
	g_object_unref(l);
	g_free(e);
	p->y += 14;
	for (int i = 0; i < n; i++) {
		char num[16];
		double x = MARGIN_X + (h[i].level - 1) * 16;
		int w, hh;

		e = g_markup_escape_text(h[i].text, -1);
		l = layout(p, e, PAGE_W - 2 * MARGIN_X - 60, h[i].level == 1 ? 11 : BODY_PT, h[i].level == 1);
		ensure(p, layout_height(l) + 4);
		cairo_move_to(p->cr, x, p->y);
		pango_cairo_show_layout(p->cr, l);
		g_object_unref(l);
		g_free(e);
		snprintf(num, sizeof(num), "%d", h[i].page + offset);
		l = layout(p, num, 60, BODY_PT, 0);
		pango_layout_get_pixel_size(l, &w, &hh);
		cairo_move_to(p->cr, PAGE_W - MARGIN_X - w, p->y);
		pango_cairo_show_layout(p->cr, l);
		g_object_unref(l);
		p->y += hh + 5;
	}
	end_page(p);
}

static int render(const char *md, const char *title, const struct pdf_chart *charts, struct buf *out,
		  struct pdf *p, const struct heading *toc, int ntoc)
{
	cmark_node *doc = NULL;
	cmark_parser *parser = report_md_parser(md, &doc);
	cairo_status_t st;

	p->surface = cairo_pdf_surface_create_for_stream(out ? to_buf : to_nowhere, out, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, title ? title : "plenum");
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "plenum");
	p->cr = cairo_create(p->surface);
	p->title = title;
	p->charts = charts;
	if (toc)
		contents(p, toc, ntoc, 1, title);
	if (doc)
		blocks(p, doc, MARGIN_X, PAGE_W - 2 * MARGIN_X);
	if (!p->page_open && p->page == 0)
		start_page(p);
	end_page(p);
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surface);
	st = cairo_surface_status(p->surface);
	cairo_surface_destroy(p->surface);
	cmark_node_free(doc);
	cmark_parser_free(parser);
	return st == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

int pdf_from_markdown(const char *md, const char *title, const struct pdf_chart *charts, int toc,
		      struct buf *out, struct err *err)
{
	struct pdf *first = xcalloc(1, sizeof(*first)), *second = xcalloc(1, sizeof(*second));
	int rc;

	if (toc) {
		first->record = 1;
		render(md, title, charts, NULL, first, NULL, 0);
	}
	rc = render(md, title, charts, out, second, toc ? first->headings : NULL, toc ? first->nheadings : 0);
	for (int i = 0; i < first->nheadings; i++)
		free(first->headings[i].text);
	free(first);
	free(second);
	if (rc != 0 || out->err)
		return err_set(err, out->err ? ST_TOOBIG : ST_FAIL, "cannot write the PDF");
	return 0;
}
