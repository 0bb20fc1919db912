/* fuzz_deadline.c -- libFuzzer target: any text as a deadline cell of a
 * ledger (domain/deadline.c). A text that is read must be a deadline the
 * validator accepts, and what reports print for it, in either language, must
 * read back to the same deadline; anything else is refused, never a crash. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/deadline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[256], out[DEADLINE_TEXT_MAX], msg[256];
	struct deadline d, back;
	const char *field = NULL;
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;

	memcpy(text, data, n);
	text[n] = '\0';
	if (deadline_parse(text, &d) != 0)
		return 0;
	if (deadline_check(&d, &field, msg, sizeof(msg)) != 0)
		abort();            /* read, but not a valid deadline */
	for (int zh = 0; zh < 2; zh++) {
		deadline_text(&d, zh, out);
		if (deadline_parse(out, &back) != 0 || back.kind != d.kind || back.from != d.from || back.on != d.on ||
		    back.precision != d.precision)
			abort();        /* printed, but not read back the same */
	}
	return 0;
}
