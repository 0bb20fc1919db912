/*
 * sheet.c -- the cells of a CSV file (libcsv) or of an XLSX workbook's first
 * worksheet (libzip and libxml2, since Debian has no C library that reads
 * XLSX). See sheet.h.
 *
 * Not for interpreting the columns: that is the ledger's business.
 */
#include <stdlib.h>
#include <string.h>
#include <csv.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "sheet.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../core/limits.h"
#include "../core/xalloc.h"
#include "../core/banned.h"

struct table {
	json_t *rows;            /* array of arrays of strings */
	json_t *row;
};

static void on_field(void *s, size_t len, void *ctx)
{
	struct table *t = ctx;

	if (t->row == NULL)
		t->row = json_array();
	json_array_append_new(t->row, json_stringn(s ? s : "", len));
}

static void on_row(int c, void *ctx)
{
	struct table *t = ctx;

	(void)c;
	if (t->row == NULL)
		t->row = json_array();
	json_array_append_new(t->rows, t->row);
	t->row = NULL;
}

static int read_csv(const char *data, size_t len, json_t *rows, struct err *err)
{
	struct csv_parser p;
	struct table t = { rows, NULL };

	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	csv_init(&p, CSV_APPEND_NULL);
	if (csv_parse(&p, data, len, on_field, on_row, &t) != len) {
		csv_free(&p);
		json_decref(t.row);
		return err_set(err, ST_INVALID, "the CSV is malformed: %s", csv_strerror(csv_error(&p)));
	}
	csv_fini(&p, on_field, on_row, &t);
	csv_free(&p);
	json_decref(t.row);
	return 0;
}

static char *zip_entry(zip_t *z, const char *name, size_t *len)
{
	zip_stat_t st;
	zip_file_t *f;
	char *data;

	if (zip_stat(z, name, 0, &st) != 0 || st.size > LIM_IMPORT_BYTES)
		return NULL;
	f = zip_fopen(z, name, 0);
	if (f == NULL)
		return NULL;
	data = xmalloc(st.size + 1);
	if (zip_fread(f, data, st.size) != (zip_int64_t)st.size) {
		zip_fclose(f);
		free(data);
		return NULL;
	}
	zip_fclose(f);
	data[st.size] = '\0';
	*len = st.size;
	return data;
}

static xmlNode *child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/* Every <t> below n, concatenated (rich text runs included). */
static void text_of(xmlNode *n, struct buf *b)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "t") == 0) {
			xmlChar *s = xmlNodeGetContent(c);

			buf_adds(b, (const char *)s);
			xmlFree(s);
		} else if (c->type == XML_ELEMENT_NODE) {
			text_of(c, b);
		}
	}
}

static int col_index(const char *ref)
{
	int c = 0;

	for (; *ref >= 'A' && *ref <= 'Z'; ref++)
		c = c * 26 + (*ref - 'A' + 1);
	return c - 1;
}

static int read_xlsx(const char *data, size_t len, json_t *rows, struct err *err)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	char *sst = NULL, *sheet = NULL;
	size_t sst_len = 0, sheet_len = 0;
	xmlDoc *sdoc = NULL, *wdoc = NULL;
	json_t *strings = json_array();
	int rc = -1;

	zip_error_init(&ze);
	src = zip_source_buffer_create(data, len, 0, &ze);
	z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	if (z == NULL) {
		if (src)
			zip_source_free(src);
		err_set(err, ST_INVALID, "not an XLSX workbook (not a zip file)");
		goto out;
	}
	sheet = zip_entry(z, "xl/worksheets/sheet1.xml", &sheet_len);
	sst = zip_entry(z, "xl/sharedStrings.xml", &sst_len);
	if (sheet == NULL) {
		err_set(err, ST_INVALID, "not an XLSX workbook (no first worksheet)");
		goto out;
	}
	if (sst) {
		sdoc = xmlReadMemory(sst, (int)sst_len, "sst.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOENT * 0);
		for (xmlNode *si = sdoc ? xmlDocGetRootElement(sdoc)->children : NULL; si; si = si->next) {
			struct buf b = BUF_INIT(1 << 20);

			if (si->type != XML_ELEMENT_NODE)
				continue;
			text_of(si, &b);
			json_array_append_new(strings, json_string(buf_str(&b)));
			buf_release(&b);
		}
	}
	wdoc = xmlReadMemory(sheet, (int)sheet_len, "sheet.xml", NULL, XML_PARSE_NONET);
	if (wdoc == NULL) {
		err_set(err, ST_INVALID, "the worksheet is not readable XML");
		goto out;
	}
	for (xmlNode *r = child(child(xmlDocGetRootElement(wdoc), "sheetData"), "row"); r; r = r->next) {
		json_t *row;

		if (r->type != XML_ELEMENT_NODE)
			continue;
		row = json_array();
		for (xmlNode *c = r->children; c; c = c->next) {
			xmlChar *ref, *type;
			struct buf b = BUF_INIT(1 << 20);
			int idx;

			if (c->type != XML_ELEMENT_NODE)
				continue;
			ref = xmlGetProp(c, (const xmlChar *)"r");
			type = xmlGetProp(c, (const xmlChar *)"t");
			idx = ref ? col_index((const char *)ref) : (int)json_array_size(row);
			while ((int)json_array_size(row) < idx)
				json_array_append_new(row, json_string(""));
			if (type && strcmp((const char *)type, "s") == 0) {
				xmlChar *v = xmlNodeGetContent(child(c, "v"));
				json_t *s = json_array_get(strings, v ? (size_t)strtoul((const char *)v, NULL, 10) : 0);

				buf_adds(&b, json_is_string(s) ? json_string_value(s) : "");
				xmlFree(v);
			} else if (type && strcmp((const char *)type, "inlineStr") == 0) {
				text_of(child(c, "is"), &b);
			} else {
				xmlChar *v = xmlNodeGetContent(child(c, "v"));

				buf_adds(&b, v ? (const char *)v : "");
				xmlFree(v);
			}
			json_array_append_new(row, json_string(buf_str(&b)));
			buf_release(&b);
			xmlFree(ref);
			xmlFree(type);
		}
		json_array_append_new(rows, row);
	}
	rc = 0;
out:
	if (z)
		zip_discard(z);
	xmlFreeDoc(sdoc);
	xmlFreeDoc(wdoc);
	free(sst);
	free(sheet);
	json_decref(strings);
	return rc;
}

int sheet_read(const char *data, size_t len, enum sheet_format f, json_t *rows, struct err *err)
{
	if (f == SHEET_CSV)
		return read_csv(data, len, rows, err);
	return read_xlsx(data, len, rows, err);
}
