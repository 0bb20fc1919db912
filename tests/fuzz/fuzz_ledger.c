/* fuzz_ledger.c -- libFuzzer target: any bytes as a ledger file, read as
 * CSV and as XLSX (zip, XML). */
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "core/err.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err err = ERR_INIT;
	json_t *rows = json_array();

	report_ledger_read((const char *)data, size, RF_CSV, rows, &err);
	json_decref(rows);
	rows = json_array();
	report_ledger_read((const char *)data, size, RF_XLSX, rows, &err);
	json_decref(rows);
	return 0;
}
