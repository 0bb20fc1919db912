/*
 * render.c -- templates to Markdown, HTML and PDF (see render.h): the HTML
 * page and its one stylesheet, charts as inline SVG, the paper's metadata.
 * The PDF layout itself is pdf.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <libxml/parser.h>
#include <cairo-svg.h>
#include <glib.h>

#include "render.h"
#include "pdf.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../io/template.h"
#include "../service/service.h"
#include "../core/banned.h"

void report_init(void)
{
	xmlInitParser();          /* the ledger import reads XLSX sheets on worker threads */
	cmark_gfm_core_extensions_ensure_registered();
	/* The fonts are loaded on the first PDF (pdf.c), not here: a server
	 * that is never asked for one never maps fontconfig's caches and faces. */
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

static cairo_status_t svg_to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	return buf_add(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* A chart drawn on a cairo SVG surface, without the XML prolog, as a block
 * that cmark writes as it is. NULL when cairo fails. */
/* Appends the declarations of a style attribute [p, end) as attributes. */
static void style_to_attributes(struct buf *out, const char *p, const char *end)
{
	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p)), *colon;
		const char *stop = semi ? semi : end;

		colon = memchr(p, ':', (size_t)(stop - p));
		while (p < stop && *p == ' ')
			p++;
		if (colon && colon > p) {
			buf_addc(out, ' ');
			buf_add(out, p, (size_t)(colon - p));
			buf_adds(out, "=\"");
			buf_add(out, colon + 1, (size_t)(stop - colon - 1));
			buf_addc(out, '"');
		}
		p = semi ? semi + 1 : end;
	}
}

static cmark_node *chart_svg(const struct pdf_chart *c)
{
	struct buf svg = BUF_INIT(16u << 20), html = BUF_INIT(16u << 20);
	cairo_surface_t *s = cairo_svg_surface_create_for_stream(svg_to_buf, &svg, 480, c->height);
	cmark_node *node = NULL;
	const char *start;
	cairo_t *cr = cairo_create(s);

	c->draw(c->ctx, cr, 480, c->height);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS && !svg.err && (start = strstr(buf_str(&svg), "<svg")) != NULL) {
		buf_printf(&html, "<figure class=\"chart\" role=\"img\" aria-label=\"%s\">", c->name);
		/* Cairo names its glyphs and clips glyph0-1, clip1... in every SVG:
		 * inline in one page they must not meet, so each chart's get a prefix. */
		for (const char *q = start; *q; q++) {
			/* style="a:b;c:d;" becomes presentation attributes a="b" c="d":
			 * the server's CSP allows no inline style attribute. */
			if (strncmp(q, " style=\"", 8) == 0) {
				const char *end = strchr(q + 8, '"');

				if (end) {
					style_to_attributes(&html, q + 8, end);
					q = end;
					continue;
				}
			}
			if (strncmp(q, "id=\"", 4) == 0 || strncmp(q, "href=\"#", 7) == 0 || strncmp(q, "url(#", 5) == 0) {
				size_t k = strncmp(q, "id=\"", 4) == 0 ? 4 : strncmp(q, "url(#", 5) == 0 ? 5 : 7;

				buf_add(&html, q, k);
				buf_printf(&html, "%s-", c->name);
				q += k - 1;
			} else {
				buf_addc(&html, *q);
			}
		}
		buf_adds(&html, "</figure>");
		node = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
		cmark_node_set_on_enter(node, buf_str(&html));
	}
	cairo_surface_destroy(s);
	buf_release(&svg);
	buf_release(&html);
	return node;
}

/* Raw HTML blocks the report writes itself become markup; the rest stays
 * out (cmark leaves it out without CMARK_OPT_UNSAFE). Chinese headings are
 * numbered as in the PDF (一、（一）1.（1）). */
static void html_blocks(cmark_node *doc, const struct pdf_chart *charts, int gov)
{
	cmark_node *n;

	for (n = cmark_node_first_child(doc); n; n = cmark_node_next(n)) {
		cmark_node *first = cmark_node_first_child(n);

		if (gov && cmark_node_get_type(n) == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) > 1 && first &&
		    cmark_node_get_type(first) == CMARK_NODE_TEXT) {
			char *t = pdf_gov_heading(cmark_node_get_literal(first), cmark_node_get_heading_level(n));

			cmark_node_set_literal(first, t);
			g_free(t);
		}
	}
	for (n = cmark_node_first_child(doc); n;) {
		cmark_node *next = cmark_node_next(n), *repl = NULL;
		const char *lit = cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK ? cmark_node_get_literal(n) : NULL;
		const char *name = lit ? strstr(lit, "chart:") : NULL;

		if (lit && strstr(lit, "<!-- pagebreak -->")) {
			repl = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
			cmark_node_set_on_enter(repl, "<div class=\"pagebreak\"></div>");
		} else if (name && charts) {
			size_t len = strcspn(name + 6, " -");

			for (const struct pdf_chart *c = charts; c->name && repl == NULL; c++)
				if (strlen(c->name) == len && strncmp(c->name, name + 6, len) == 0)
					repl = chart_svg(c);
		}
		if (repl) {
			cmark_node_replace(n, repl);
			cmark_node_free(n);
		} else if (lit && strncmp(lit, "<!--", 4) == 0) {
			cmark_node_unlink(n);
			cmark_node_free(n);
		}
		n = next;
	}
}

int report_md_to_html(const char *md, const char *title, const char *lang, const struct pdf_chart *charts,
		      struct buf *out, struct err *err)
{
	cmark_node *doc = NULL;
	cmark_parser *p = report_md_parser(md, &doc);
	char *html;

	if (doc == NULL) {
		cmark_parser_free(p);
		return err_set(err, ST_FAIL, "cannot read the Markdown");
	}
	html_blocks(doc, charts, lang && strncmp(lang, "zh", 2) == 0);
	/* Without CMARK_OPT_UNSAFE raw HTML is left out: record text is escaped
	 * by the template, and nothing else may become markup. */
	html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(p));
	buf_adds(out, "<!doctype html>\n<html lang=\"");
	buf_add_html_escaped(out, lang ? lang : "en");
	buf_adds(out, "\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n<title>");
	buf_add_html_escaped(out, title ? title : "plenum");
	buf_adds(out, "</title>\n<style>");
	buf_adds(out, report_html_style());
	buf_adds(out, "</style>\n</head><body>\n");
	buf_adds(out, html);
	buf_adds(out, "</body></html>\n");
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(p);
	return out->err ? err_set(err, ST_TOOBIG, "the report is too large") : 0;
}

/* What kind of paper a template makes, for the PDF's Subject. */
static const char *paper_subject(const char *template_name, int en)
{
	static const struct { const char *prefix, *zh, *en; } kinds[] = {
		{ "minutes.", "理论学习中心组学习记录", "Minutes of a study meeting" },
		{ "brief.", "学习会议新闻通稿", "News brief of a study meeting" },
		{ "notice.", "重点任务督办通报", "Supervision notice" },
		{ "dossier.", "理论学习中心组年度学习档案", "Annual study dossier" },
		{ "plan.", "理论学习中心组年度学习计划", "Annual study plan" },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strncmp(template_name, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
			return en ? kinds[i].en : kinds[i].zh;
	return en ? "Report" : "报告";
}

int report_render_charts(struct svc *svc, const char *template_name, json_t *data, enum report_format f,
			 const char *title, const struct pdf_chart *charts, int toc, struct buf *out, struct err *err)
{
	struct buf tplbuf = BUF_INIT(1 << 20), md = BUF_INIT(64u << 20);
	const char *tpl = template_get(template_name, &tplbuf);
	int en = strstr(template_name, ".en.") != NULL, rc = -1;
	struct pdf_doc doc = {
		.title = title,
		.author = svc && svc->has_org ? (en && svc->org.name_en ? svc->org.name_en : svc->org.name) : NULL,
		.subject = paper_subject(template_name, en),
		.lang = en ? "en" : "zh-CN",
		.style = en ? PDF_PLAIN : PDF_GOV,
		.toc = toc,
		.charts = charts,
	};

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
		rc = report_md_to_html(buf_str(&md), title, doc.lang, charts, out, err);
		break;
	case RF_PDF:
		rc = pdf_from_markdown(buf_str(&md), &doc, out, err);
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

int report_render(struct svc *svc, const char *template_name, json_t *data, enum report_format f, const char *title,
		  struct buf *out, struct err *err)
{
	return report_render_charts(svc, template_name, data, f, title, NULL, 0, out, err);
}
