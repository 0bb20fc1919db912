/*
 * audit.h -- the audit trail: one entry per write (who, when, action, row,
 * optional before/after summaries) that seals the images of every row the
 * write changed, chained by a BLAKE2b-256 hash over the previous entry's
 * hash, this entry's fields and the hash of its row changes; anchored
 * outside the database by Ed25519-signed checkpoints of the chain's head.
 *
 * What each part detects:
 *   - an entry altered, inserted or removed inside the chain: the hashes;
 *   - a data row edited outside plenum: its change is never sealed (the
 *     triggers left it pending), or, with the triggers dropped, the row no
 *     longer matches the image its last entry sealed;
 *   - the newest entries removed, or an entry forged and the rest re-hashed:
 *     a signed checkpoint names a position and a hash the chain no longer has.
 *
 * The chain is per org. Entries are appended only by tx.c, inside the
 * write's own transaction, so an entry exists exactly when its change does.
 * Checkpoints are lines in a file beside the database (`DB.checkpoints`, or
 * $PLENUM_CHECKPOINTS), signed with a key kept outside it (`.plenum-audit-key`
 * in the database's directory, or $PLENUM_AUDIT_KEY; created 0600 on first use).
 */
#ifndef PLENUM_AUDIT_H
#define PLENUM_AUDIT_H

#include <stddef.h>
#include <stdint.h>

struct svc;
struct err;

/* Appends one entry sealing the org's pending row changes; before and after
 * are JSON text or NULL. Called by tx.c only. */
int audit_append(struct svc *svc, const char *action, const char *entity, int64_t row_id,
		 const char *before, const char *after, struct err *err);

struct audit_report {
	int64_t entries;
	int64_t first_bad_id;     /* the entry concerned, 0 when none or not an entry */
	int64_t rows;             /* current rows compared with their last image */
	int checkpoints;          /* signed checkpoints of this org checked */
	char problem[512];        /* "" when the chain holds */
};

/* Walks the org's chain: hashes, row images against the current rows,
 * changes not sealed, and the checkpoints in `checkpoints` (NULL: the file
 * beside the database, when there is one). Fills *out; returns -1 only when
 * it cannot read (a missing or malformed checkpoint file named explicitly
 * is such an error). */
int audit_verify(struct svc *svc, const char *checkpoints, struct audit_report *out, struct err *err);

/* Writes a signed checkpoint of the org's chain head to the checkpoint
 * file; the line written into line[size] when line is not NULL. */
int audit_checkpoint(struct svc *svc, char *line, size_t size, struct err *err);

/* Signs an "ended" checkpoint of org's chain before the org is deleted or
 * replaced, so that verify can tell that chain went through plenum. Does
 * nothing when the chain is empty. */
int audit_checkpoint_end(struct svc *svc, int64_t org_id, const char *org_key, struct err *err);

/* After a commit: writes a checkpoint when none was written by this process
 * in the last $PLENUM_CHECKPOINT_SECONDS (default 10) seconds. Failures are
 * reported on standard error, never to the write that succeeded. */
void audit_checkpoint_maybe(struct svc *svc);

/* A chain carried from an export into an import. audit_entry_check()
 * checks one entry with its changes against the hash of the entry before
 * it (prev NULL for the first entry): 0, or -1 with the problem in
 * problem[size]. audit_carry() stores a checked entry and its changes in
 * the selected org's chain, inside the caller's write (tx.h); the import's
 * own entry then follows it. */
struct audit_row;
struct audit_change;
int audit_entry_check(const struct audit_row *r, const struct audit_change *changes, size_t n, const char *prev,
		      char *problem, size_t size);
int audit_carry(struct svc *svc, const struct audit_row *r, const struct audit_change *changes, size_t n,
		struct err *err);

#endif
