/* fuzz_paper.c -- libFuzzer target: any bytes as the Markdown of a paper,
 * set as a gov PDF with contents and as HTML. Templates are files a
 * secretary edits by hand; record text reaches the layout through them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "core/buf.h"
#include "core/err.h"
#include "report/pdf.h"
#include "report/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static const struct pdf_doc doc = { .title = "fuzz", .author = "org", .subject = "test", .lang = "zh-CN",
					    .style = PDF_GOV, .toc = 1 };
	struct buf out = BUF_INIT(1 << 24);
	struct err err = ERR_INIT;
	char *md;

	if (!ready) {
		report_init();
		ready = 1;
	}
	/* Text is UTF-8-checked at the edge (templates, the record). */
	if (size > 16384 || !g_utf8_validate((const char *)data, (gssize)size, NULL))
		return 0;
	md = malloc(size + 1);
	memcpy(md, data, size);
	md[size] = '\0';
	pdf_from_markdown(md, &doc, &out, &err);
	buf_reset(&out);
	report_md_to_html(md, "fuzz", "zh-CN", NULL, &out, &err);
	buf_release(&out);
	free(md);
	return 0;
}
