/* fuzz_import.c -- libFuzzer target: any bytes as an org document. The
 * importer must answer with problems or a clean import, never crash, and an
 * import that fails must leave the database without an org. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/buf.h"
#include "io/orgjson.h"
#include "service/service.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svc svc;
	struct err err = ERR_INIT;
	struct buf problems = BUF_INIT(1 << 20);
	struct import_report rep = { &problems, 0, 0 };
	struct arena a = ARENA_INIT;
	struct org_row org;

	if (size > (1 << 20) || svc_open(&svc, ":memory:", 1, NULL, 0, &err) != 0)
		return 0;
	if (orgjson_import(&svc, (const char *)data, size, 0, &rep, &err) != 0 &&
	    store_org_get(svc.st, NULL, &a, &org, NULL) == 0)
		abort();            /* a failed import wrote something */
	arena_release(&a);
	buf_release(&problems);
	svc_close(&svc);
	return 0;
}
