/* fuzz_xlsx.c -- libFuzzer target: any bytes as an XLSX workbook (zip, then
 * the shared strings and first worksheet through the streaming XML reader).
 * Seeds: workbooks written by LibreOffice and by plenum (seeds/xlsx). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <jansson.h>

#include "core/err.h"
#include "core/limits.h"
#include "io/sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err err = ERR_INIT;
	json_t *rows = json_array();
	int rc = sheet_read((const char *)data, size, SHEET_XLSX, rows, &err);
	size_t i;
	json_t *row;

	if (json_array_size(rows) > LIM_SHEET_ROWS || (rc != 0 && err.msg[0] == '\0'))
		abort();
	json_array_foreach(rows, i, row)
		if (!json_is_array(row) || json_array_size(row) > LIM_SHEET_COLS)
			abort();
	json_decref(rows);
	return 0;
}
