/*
 * render.c -- templates to Markdown, HTML and PDF (see render.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "render.h"
#include "pdf.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../io/template.h"
#include "../core/banned.h"

int report_format_parse(const char *name)
{
	static const char *const names[] = { "md", "html", "pdf", "csv", "xlsx", "ics", "zip" };

	for (int i = 0; name && i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *report_content_type(enum report_format f)
{
	switch (f) {
	case RF_MD: return "text/markdown; charset=utf-8";
	case RF_HTML: return "text/html; charset=utf-8";
	case RF_PDF: return "application/pdf";
	case RF_CSV: return "text/csv; charset=utf-8";
	case RF_XLSX: return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	case RF_ICS: return "text/calendar; charset=utf-8";
	case RF_ZIP: return "application/zip";
	}
	return "application/octet-stream";
}

void report_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
	pdf_init();
}

/* A parser with GFM tables; the caller frees it after rendering. */
cmark_parser *report_md_parser(const char *md, cmark_node **doc)
{
	cmark_parser *p;
	cmark_syntax_extension *table;

	cmark_gfm_core_extensions_ensure_registered();
	p = cmark_parser_new(CMARK_OPT_DEFAULT);
	table = cmark_find_syntax_extension("table");
	if (table)
		cmark_parser_attach_syntax_extension(p, table);
	cmark_parser_feed(p, md, strlen(md));
	*doc = cmark_parser_finish(p);
	return p;
}

int report_md_to_html(const char *md, const char *title, struct buf *out, struct err *err)
{
	cmark_node *doc = NULL;
	cmark_parser *p = report_md_parser(md, &doc);
	char *html;

	if (doc == NULL) {
		cmark_parser_free(p);
		return err_set(err, ST_FAIL, "cannot read the Markdown");
	}
	/* Without CMARK_OPT_UNSAFE raw HTML is left out: record text is escaped
	 * by the template, and nothing else may become markup. */
	html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(p));
	buf_adds(out, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>");
	buf_add_html_escaped(out, title ? title : "plenum");
	buf_adds(out, "</title><style>body{font-family:'Noto Sans CJK SC',sans-serif;max-width:52em;margin:2em auto;"
		 "line-height:1.6;padding:0 1em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;"
		 "padding:4px 6px;text-align:left;vertical-align:top}th{background:#eee}"
		 "@page{size:A4;margin:16mm}</style></head><body>\n");
	buf_adds(out, html);
	buf_adds(out, "</body></html>\n");
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(p);
	return out->err ? err_set(err, ST_TOOBIG, "the report is too large") : 0;
}

int report_render_charts(const char *template_name, json_t *data, enum report_format f, const char *title,
			 const struct pdf_chart *charts, int toc, struct buf *out, struct err *err)
{
	struct buf tplbuf = BUF_INIT(1 << 20), md = BUF_INIT(64u << 20);
	const char *tpl = template_get(template_name, &tplbuf);
	int rc = -1;

	if (tpl == NULL) {
		err_set(err, ST_FAIL, "no template \"%s\"", template_name);
		goto out;
	}
	if (template_render(tpl, data, &md, err) != 0)
		goto out;
	switch (f) {
	case RF_MD:
		rc = buf_add(out, buf_str(&md), buf_len(&md));
		break;
	case RF_HTML:
		rc = report_md_to_html(buf_str(&md), title, out, err);
		break;
	case RF_PDF:
		rc = pdf_from_markdown(buf_str(&md), title, charts, toc, out, err);
		break;
	default:
		err_set(err, ST_INVALID, "this report comes as md, html or pdf");
		break;
	}
out:
	buf_release(&tplbuf);
	buf_release(&md);
	return rc;
}

int report_render(const char *template_name, json_t *data, enum report_format f, const char *title,
		  struct buf *out, struct err *err)
{
	return report_render_charts(template_name, data, f, title, NULL, 0, out, err);
}
