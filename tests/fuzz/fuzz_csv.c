/* fuzz_csv.c -- libFuzzer target: any bytes as a CSV ledger file. The reader
 * must answer with rows or an error, never crash, and keep to the limits;
 * with known headers, so that the encodings it tries (GB18030, UTF-16
 * without a mark) and the separators are exercised too. */
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
	static const char *const headers[] = { "key", "编号", "title", NULL };
	struct sheet_opts o = { NULL, headers, NULL, 0 };
	struct err err = ERR_INIT;
	json_t *rows = json_array();
	int rc = sheet_read_opts((const char *)data, size, SHEET_CSV, &o, rows, &err);

	if (json_array_size(rows) > LIM_SHEET_ROWS || (rc != 0 && err.msg[0] == '\0'))
		abort();            /* over a limit, or an error without a message */
	json_decref(rows);
	return 0;
}
