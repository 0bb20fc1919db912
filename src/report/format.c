/*
 * format.c -- what the binary knows about reports without the report module
 * (plenum-report.so, module.h): the format names and their media types, and
 * the HTML reports' stylesheet, whose hash the server puts in its
 * Content-Security-Policy at start-up. NOT for writing anything: that is
 * the module's.
 */
#include <string.h>

#include "report.h"
#include "render.h"
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

/* The one stylesheet of every HTML report. Chinese pages follow the
 * GB/T 9704 layout as far as a browser can (title centred in a Song face,
 * 3号 body with a two-character indent, levels in 黑体 and 楷体); print gives
 * A4 with the standard's margins. */
static const char report_css[] =
	"body{font-family:'Noto Serif CJK SC','Noto Serif',serif;max-width:52em;margin:2em auto;line-height:1.6;"
	"padding:0 1em;color:#111}\n"
	"h1{text-align:center;font-size:1.6em;line-height:1.4}\n"
	"h2,h3,h4{font-family:'Noto Sans CJK SC',sans-serif}\n"
	"table{border-collapse:collapse;width:100%;margin:.5em 0}\n"
	"td,th{border:1px solid #999;padding:4px 6px;text-align:left;vertical-align:top}\n"
	"th{background:#eee}\n"
	"td:empty{padding:0}\n"
	"figure.chart{margin:1em 0}figure.chart svg{max-width:100%;height:auto}\n"
	"div.pagebreak{height:0}\n"
	":lang(zh) body{font-size:16pt;line-height:1.8}\n"
	":lang(zh) h1{font-family:'Noto Serif CJK SC',serif;font-size:22pt;font-weight:bold}\n"
	":lang(zh) h2{font-family:'Noto Sans CJK SC',sans-serif;font-size:16pt;font-weight:normal;text-indent:2em}\n"
	":lang(zh) h3{font-family:'AR PL UKai CN',KaiTi,serif;font-size:16pt;font-weight:normal;text-indent:2em}\n"
	":lang(zh) h4{font-family:'Noto Serif CJK SC',serif;font-size:16pt;text-indent:2em}\n"
	":lang(zh) p{text-indent:2em;text-align:justify}\n"
	":lang(zh) li>p,:lang(zh) td p{text-indent:0}\n"
	":lang(zh) table{font-size:12pt}\n"
	"@counter-style gov-paren{system:extends decimal;prefix:'（';suffix:'）'}\n"
	":lang(zh) ul{list-style:none;padding-left:0}\n"
	":lang(zh) ul>li{text-indent:2em}\n"
	":lang(zh) li ul{list-style:gov-paren inside;padding-left:0}\n"
	"@media print{\n"
	"@page{size:A4;margin:25mm}\n"
	"@page gov{size:A4;margin:37mm 26mm 35mm 28mm}\n"
	"html:lang(zh) body{page:gov}\n"
	"body{max-width:none;margin:0;padding:0}\n"
	"h1,h2,h3,h4{break-after:avoid;page-break-after:avoid}\n"
	"p,li{orphans:2;widows:2}\n"
	"tr,figure.chart{break-inside:avoid;page-break-inside:avoid}\n"
	"thead{display:table-header-group}\n"
	"div.pagebreak{break-before:page;page-break-before:always}\n"
	"}\n";

const char *report_html_style(void)
{
	return report_css;
}
