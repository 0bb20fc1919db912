/* fuzz_template.c -- libFuzzer target: any bytes as a report template over a
 * fixed record. Templates are files a secretary edits by hand. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "io/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *record;
	struct buf out = BUF_INIT(1 << 22);
	struct err err = ERR_INIT;
	char *tpl;

	if (record == NULL)
		record = json_loads("{\"title\": \"学习会议\", \"items\": [{\"name\": \"A\"}, {\"name\": \"<b>\"}], "
				    "\"a\": {\"b\": 1}, \"flag\": true}", 0, NULL);
	tpl = malloc(size + 1);
	memcpy(tpl, data, size);
	tpl[size] = '\0';
	template_render(tpl, record, &out, &err);
	buf_release(&out);
	free(tpl);
	return 0;
}
