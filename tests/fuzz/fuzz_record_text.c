/* fuzz_record_text.c -- libFuzzer target: any UTF-8 text as a record value
 * in the places report templates put values (a block of its own, a list
 * item, a numbered line, a table cell, a heading, inside a line). The
 * Markdown that comes out must have the template's blocks and no others:
 * record text never opens a heading, list, rule, quote, table or code block
 * (a value of its own may hold several paragraphs). Aborts when it does. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmark-gfm.h>
#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/text.h"
#include "io/template.h"
#include "report/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const shapes[] = {
	"{{t}}\n",
	"# Title\n\n{{t}}\n\nafter\n",
	"- {{t}}\n- second\n",
	"1. {{t}} (origin)\n",
	"| A | B |\n|---|---|\n| {{t}} | x |\n",
	"### 2. {{t}}\n\ntext\n",
	"Place: {{t}}.\n",
};

/* "type:count;" for every kind of block in the Markdown, paragraphs left
 * out when paragraphs may vary. */
static void blocks(const char *md, int paragraphs, char *out, size_t size)
{
	static const char *const kinds[] = { "block_quote", "list", "item", "code_block", "html_block", "paragraph",
					     "heading", "thematic_break", "table", "table_row", "table_cell" };
	int count[sizeof(kinds) / sizeof(kinds[0])] = { 0 };
	cmark_node *doc = NULL, *n;
	cmark_parser *p = report_md_parser(md, &doc);
	cmark_iter *it = cmark_iter_new(doc);
	size_t o = 0;

	while (cmark_iter_next(it) != CMARK_EVENT_DONE) {
		const char *type;

		if (cmark_iter_get_event_type(it) != CMARK_EVENT_ENTER)
			continue;
		n = cmark_iter_get_node(it);
		type = cmark_node_get_type_string(n);
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (strcmp(type, kinds[k]) == 0 && (paragraphs || strcmp(type, "paragraph") != 0))
				count[k]++;
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	cmark_parser_free(p);
	out[0] = '\0';
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]) && o < size; k++)
		o += (size_t)snprintf(out + o, size - o, "%s:%d;", kinds[k], count[k]);
}

static void render(const char *shape, json_t *data, struct buf *out)
{
	struct err err = ERR_INIT;

	buf_reset(out);
	if (template_render(shape, data, out, &err) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf md = BUF_INIT(1 << 22);
	json_t *plain, *hostile;
	char want[512], got[512];

	char text[4097];

	if (size > 4096 || !text_utf8_valid((const char *)data, size) || memchr(data, '\0', size))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (text_is_blank(text))        /* an empty list item has no paragraph */
		return 0;
	plain = json_pack("{s:s}", "t", "x");
	hostile = json_pack("{s:s}", "t", text);
	for (size_t i = 0; hostile && i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		int paragraphs = i > 1;         /* a value of its own may hold paragraphs */

		render(shapes[i], plain, &md);
		blocks(buf_str(&md), paragraphs, want, sizeof(want));
		render(shapes[i], hostile, &md);
		blocks(buf_str(&md), paragraphs, got, sizeof(got));
		if (strcmp(want, got) != 0) {
			fprintf(stderr, "shape %zu: blocks %s, wanted %s\n---\n%s\n---\n", i, got, want, buf_str(&md));
			abort();
		}
	}
	json_decref(plain);
	json_decref(hostile);
	buf_release(&md);
	return 0;
}
