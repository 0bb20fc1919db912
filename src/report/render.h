/*
 * render.h -- from a template and the record to a file: Markdown as it is,
 * HTML through cmark-gfm (tables included, one stylesheet for every report,
 * charts as inline SVG), PDF through pdf.h. Shared by every text report.
 *
 * The language of a paper is its template's (NAME.zh.md or NAME.en.md):
 * Chinese papers are set in the GB/T 9704 layout (PDF_GOV), English ones in
 * the plain style; the author is the org. NOT for the spreadsheet, CSV or
 * calendar outputs.
 */
#ifndef PLENUM_RENDER_H
#define PLENUM_RENDER_H

#include <jansson.h>

#include "report.h"

struct buf;
struct err;
struct pdf_chart;

/* Initialises the libraries reports use (libxml2's parser, cmark-gfm's
 * extension registry) once; call before starting threads that render. The
 * binary calls it when it loads the report module (entry.c, inside its
 * pthread_once), tests that render on threads call it first. */
void report_init(void);

/* Renders the template over data and converts it to f. title heads the
 * HTML page and the PDF's metadata; svc's org (may be NULL) is the author.
 * charts (NULL-terminated, may be NULL) are drawn where the Markdown says
 * <!-- chart:NAME --> (PDF: with cairo; HTML: the same drawing as inline
 * SVG). toc != 0 puts a table of contents on the PDF's first page. */
int report_render_charts(struct svc *svc, const char *template_name, json_t *data, enum report_format f,
			 const char *title, const struct pdf_chart *charts, int toc, struct buf *out, struct err *err);
int report_render(struct svc *svc, const char *template_name, json_t *data, enum report_format f, const char *title,
		  struct buf *out, struct err *err);

/* A cmark-gfm parser with GFM tables over md; *doc is the document. The
 * caller frees the document, then the parser (which owns the extensions). */
struct cmark_parser;
struct cmark_node;
struct cmark_parser *report_md_parser(const char *md, struct cmark_node **doc);

/* The style sheet inside every HTML report's <style>: the server allows
 * exactly this text in its Content-Security-Policy, by its SHA-256. */
const char *report_html_style(void);

/* Markdown to a whole HTML page in language lang ("zh-CN", "en"): raw HTML
 * in the Markdown is dropped, except <!-- pagebreak --> (a print page
 * break) and <!-- chart:NAME --> (the chart as inline SVG). */
int report_md_to_html(const char *md, const char *title, const char *lang, const struct pdf_chart *charts,
		      struct buf *out, struct err *err);

/* Shared helpers of the report modules. */
json_t *report_meeting_data(struct svc *svc, const char *key, int en, struct err *err);
void report_localize(json_t *j, int en);
void report_join(struct buf *b, json_t *names, int en);
/* The label the papers show for a stored value of a kind ("state",
 * "light", "cadence", "direction", "status", "capacity", "kind", "mstatus"): "办理中" or
 * "in progress" for ("state", "in_progress"); the value itself when the
 * table has none; "" for NULL. Static strings. */
const char *report_label(const char *kind, const char *v, int en);

#endif
