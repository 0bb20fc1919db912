/*
 * pdf.h -- Markdown (CommonMark with GFM tables) set as an A4 PDF with pango
 * and cairo: Chinese text in Noto Sans CJK, embedded; headings, paragraphs,
 * lists, tables (header row shaded), page breaks (<!-- pagebreak -->),
 * charts drawn by the caller (<!-- chart:NAME -->), page numbers, and a
 * table of contents on request. It is NOT a general typesetter: no images,
 * no footnotes, no widow control.
 */
#ifndef PLENUM_PDF_H
#define PLENUM_PDF_H

#include <cairo.h>

struct buf;
struct err;

struct pdf_chart {
	const char *name;
	double height;                                   /* points */
	void (*draw)(void *ctx, cairo_t *cr, double width, double height);
	void *ctx;
};

/* Loads the font configuration and the body font once (report_init()). */
void pdf_init(void);

/* charts: NULL-terminated by name, or NULL. toc != 0 puts a table of
 * contents (headings of level 1 and 2) on the first page. */
int pdf_from_markdown(const char *md, const char *title, const struct pdf_chart *charts, int toc,
		      struct buf *out, struct err *err);

#endif
