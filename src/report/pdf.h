/*
 * pdf.h -- Markdown (CommonMark with GFM tables) set as an A4 PDF with pango
 * and cairo, in one of two page styles:
 *
 *   PDF_GOV    Chinese papers in the layout of GB/T 9704 (党政机关公文格式):
 *              text block 156 x 225 mm at 37 mm from the top and 28 mm from
 *              the left, 22 lines of 28 characters of 3号 (16 pt) body text
 *              with a two-character first-line indent, the title in 2号 (22 pt)
 *              centred, levels 一、（一）1.（1） in 黑体, 楷体, bold and plain
 *              body face, page numbers "— 1 —" in 4号 at the outside edge;
 *   PDF_PLAIN  English papers: serif body, 25 mm margins, running footer.
 *
 * The layout keeps headings with what follows them, avoids widows and
 * orphans, keeps list markers with their text, sizes table columns by their
 * content (no word or date split inside a cell), repeats header rows on each
 * page, and writes a table of contents with page numbers (two passes). The
 * PDF is tagged (structure tags for headings, paragraphs, tables; links and
 * outline entries for the contents) and carries title, author, subject and
 * language. Charts are drawn by the caller (<!-- chart:NAME -->); page
 * breaks by <!-- pagebreak -->.
 *
 * It is NOT a general typesetter: no images, no footnotes, no hyphenation,
 * no rows taller than a page (they are cut at the foot).
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

enum pdf_style { PDF_PLAIN, PDF_GOV };

/* What a paper is; every pointer may be NULL (then left out). */
struct pdf_doc {
	const char *title;        /* metadata and footer */
	const char *author;       /* the org */
	const char *subject;      /* the kind of paper: 会议纪要, Supervision notice... */
	const char *lang;         /* BCP 47: "zh-CN", "en" */
	enum pdf_style style;
	int toc;                  /* != 0: title and contents (levels 2 and 3) on the first page */
	const struct pdf_chart *charts;   /* NULL-terminated by name */
};

/* A heading's text (or markup) with its leading number ("2. ", "二、",
 * "（2）") in the gov form of its Markdown level: ## 一、, ### （一）,
 * #### 1., deeper （1）. Text without a number is copied. Free with g_free. */
char *pdf_gov_heading(const char *text, int level);

/* Loads the font configuration and the faces, once per process, on the
 * first PDF (pdf_from_markdown calls it; thread-safe). */
void pdf_init(void);

/* Sets md as a PDF into out. Returns 0, or -1 with err set (ST_TOOBIG when
 * out's cap was reached, ST_FAIL when cairo failed). */
int pdf_from_markdown(const char *md, const struct pdf_doc *doc, struct buf *out, struct err *err);

#endif
