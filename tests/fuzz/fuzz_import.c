/* fuzz_import.c -- libFuzzer target: any bytes as an org document. The
 * importer must answer with problems or a clean import, never crash, and an
 * import that fails must leave the database without an org.
 *
 * One in-memory database serves every input that fails (opening one runs the
 * migrations, 100 times the cost of most inputs); it is opened afresh only
 * after an import that succeeded. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/buf.h"
#include "io/orgjson.h"
#include "service/service.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct svc svc;
	static int open;
	struct err err = ERR_INIT;
	struct buf problems = BUF_INIT(1 << 20);
	struct import_report rep = { &problems, 0, 0 };
	struct arena a = ARENA_INIT;
	struct org_row org;

	if (size > (1 << 20))
		return 0;
	if (!open && svc_open(&svc, ":memory:", 1, NULL, 0, &err) != 0)
		abort();
	open = 1;
	if (orgjson_import(&svc, (const char *)data, size, 0, &rep, &err) != 0) {
		if (store_org_get(svc.st, NULL, &a, &org, NULL) == 0)
			abort();            /* a failed import wrote something */
	} else {
		svc_close(&svc);
		open = 0;
	}
	arena_release(&a);
	buf_release(&problems);
	return 0;
}
