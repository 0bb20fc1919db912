/*
 * record.h -- creating, correcting and deleting the rows of the data
 * dictionary (a meeting, an attendance row, a plan topic...), with the
 * domain's rules about them.
 *
 * The HTTP API's generic routes, the JSON import and the ledger import all
 * write rows through these functions, so a rule ("a held meeting is part of
 * the record", "a row with append-only history keeps it", "the version read
 * must still be current") holds whichever way the write comes in. Each call
 * is one write (tx.h): its own transaction and audit entry, or a part of the
 * caller's when one is open.
 *
 * It is NOT a validator of outside input: values arrive checked and
 * converted (io/rows.c), references resolved to ids. What the workflow owns
 * (a task's state, its reports, transitions, extensions) is written by
 * task.c, not here.
 */
#ifndef PLENUM_RECORD_H
#define PLENUM_RECORD_H

#include <stddef.h>
#include <stdint.h>

struct svc;
struct err;
struct entity;
struct field;
struct value;

/* One F_REFS list to set: the ids of the rows referred to. */
struct record_links {
	const struct field *f;
	const int64_t *ids;
	size_t n;
};

struct record {
	const struct entity *e;
	int64_t parent_id;                 /* the owning row of a nested entity, else 0 */
	const struct value *vals;          /* e->nfields values in field order (borrowed) */
	const unsigned char *present;      /* record_update: the fields given; ignored on create */
	const struct record_links *links;  /* lists to replace; lists not named keep theirs */
	size_t nlinks;
	int historical;                    /* a record of the past as its source gives it (the JSON
	                                    * import): a leave without its reason or approver is kept,
	                                    * for the compliance check to report (rule leave_approver) */
};

/* The rules across rows, checked inside the write whichever way it comes in
 * (ST_INVALID naming the field, with a reason code for the web app):
 * - a task's lead unit is not also a supporting unit (lead_also_supporting);
 * - an attendance row on leave has a reason and an approver
 *   (leave_needs_reason, leave_needs_approver), unless r->historical, when
 *   the write touches the status, the reason or the approver;
 * - a make-up (due or done) falls after the day of the meeting, in the org's
 *   time zone (makeup_before_meeting).
 * Inserts the row; its id into *id. ST_CONFLICT naming the key when a row
 * with the same unique values exists. */
int record_create(struct svc *svc, const struct record *r, int64_t *id, struct err *err);

/* Updates the fields marked present when the row (under r->parent_id, when
 * given) still has `version`: ST_STALE when someone changed it first,
 * ST_NOTFOUND when it is gone, ST_CONFLICT when a rule forbids the change
 * (a held meeting cannot go back to planned or cancelled). */
int record_update(struct svc *svc, const struct record *r, int64_t id, int64_t version, struct err *err);

/* Sets one self reference after the fact (an import writes every initiative
 * before linking parents). Joins the caller's write. */
int record_set_ref(struct svc *svc, const struct entity *e, const struct field *f, int64_t id, int64_t ref_id,
		   struct err *err);

/* Deletes the row and its nested rows when it still has `version` (0 for
 * append-only rows, which cannot be deleted): ST_STALE, ST_NOTFOUND as
 * above, ST_CONFLICT for a held meeting or a row with append-only history. */
int record_delete(struct svc *svc, const struct entity *e, int64_t id, int64_t parent_id, int64_t version,
		  struct err *err);

/* A new readable key for a row of e that has none: "m-2026-03-19" (day,
 * "YYYY-MM-DD", may be NULL), "m-2026-03-19-2" for a second one that day,
 * else the prefix and the next number ("p-18"). */
int record_new_key(struct svc *svc, const struct entity *e, const char *day, char *out, size_t size,
		   struct err *err);
/* The short prefix of e's readable keys ("m", "p", "s"...). */
const char *record_key_prefix(const struct entity *e);

#endif
