/*
 * audit.h -- the audit trail: every write appends an entry (who, when,
 * action, row, before and after), chained by a BLAKE2b-256 hash over the
 * previous entry's hash and this entry's fields, so that an altered,
 * inserted or removed entry breaks the chain at that point.
 *
 * The chain is per org. Appending must happen inside the write's own
 * transaction, so an entry exists exactly when its change does. It does NOT
 * protect against removal of the newest entries (no outside anchor yet).
 */
#ifndef PLENUM_AUDIT_H
#define PLENUM_AUDIT_H

#include <stdint.h>

struct svc;
struct err;

/* Appends one entry; before and after are JSON text or NULL. */
int audit_append(struct svc *svc, const char *action, const char *entity, int64_t row_id,
		 const char *before, const char *after, struct err *err);

struct audit_report {
	int64_t entries;
	int64_t first_bad_id;     /* 0 when the chain holds */
	char problem[256];
};

/* Walks the org's chain; fills *out. Returns -1 only when it cannot read. */
int audit_verify(struct svc *svc, struct audit_report *out, struct err *err);

#endif
