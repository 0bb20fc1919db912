/* fuzz_xlsx.c -- libFuzzer target: the XLSX reader (io/sheet.c).
 *
 * An input that starts with "PK" is taken as a whole workbook (zip, then the
 * workbook, styles, shared strings and first worksheet). Any other input is
 * the XML itself: [[[workbook NUL] styles NUL] shared strings NUL] worksheet,
 * packed here into a valid zip. Mutations of a zip
 * mostly break its checksums or its deflate stream, so this second form is
 * what lets the fuzzer reach the XML reader: cell references, row numbers,
 * shared-string indexes, nesting. Seeds: workbooks written by LibreOffice and
 * by plenum, and the XML of the same (the .xml2 files of seeds/xlsx). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <zip.h>

#include "core/err.h"
#include "core/limits.h"
#include "io/sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void add(zip_t *z, const char *name, const uint8_t *data, size_t size)
{
	zip_source_t *s = zip_source_buffer(z, data, size, 0);
	zip_int64_t i;

	if (s == NULL)
		abort();
	i = zip_file_add(z, name, s, ZIP_FL_OVERWRITE);
	if (i < 0)
		abort();
	zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
}

/* A zip of the parts, in *out (caller frees). The input is split at its NULs,
 * the last piece being the worksheet, the one before it the shared strings,
 * then the styles, then the workbook. */
static size_t pack(const uint8_t *data, size_t size, uint8_t **out)
{
	static const char *const names[] = { "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml",
					     "xl/workbook.xml" };
	const uint8_t *end = data + size;
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	zip_stat_t st;
	size_t n = 0;

	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_source_keep(src);
	z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	if (z == NULL)
		abort();
	for (int part = 0; part < 4; part++) {
		const uint8_t *start = end;

		while (start > data && (part == 3 || start[-1] != 0))
			start--;
		if (end > start || part == 0)       /* an empty piece: no such part */
			add(z, names[part], start, (size_t)(end - start));
		if (start == data)
			break;
		end = start - 1;
	}
	if (zip_close(z) != 0 || zip_source_stat(src, &st) != 0 || zip_source_open(src) != 0)
		abort();
	*out = malloc(st.size ? st.size : 1);
	if (zip_source_read(src, *out, st.size) != (zip_int64_t)st.size)
		abort();
	n = st.size;
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err err = ERR_INIT;
	json_t *rows = json_array();
	uint8_t *zipped = NULL;
	size_t i;
	json_t *row;
	int rc;

	if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
		rc = sheet_read((const char *)data, size, SHEET_XLSX, rows, &err);
	} else {
		size_t n = pack(data, size, &zipped);

		rc = sheet_read((const char *)zipped, n, SHEET_XLSX, rows, &err);
	}
	if (json_array_size(rows) > LIM_SHEET_ROWS || (rc != 0 && err.msg[0] == '\0'))
		abort();            /* over a limit, or an error without a message */
	json_array_foreach(rows, i, row)
		if (!json_is_array(row) || json_array_size(row) > LIM_SHEET_COLS)
			abort();
	json_decref(rows);
	free(zipped);
	return 0;
}
