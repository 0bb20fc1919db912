/*
 * lights.h -- incremental light counts: how many tasks of each initiative
 * have each light, kept up to date by the writes that can change a light,
 * so that the dashboard's roll-up reads a few hundred sums instead of
 * computing every task of the org.
 *
 * How they stay right:
 * - Every task's counted contribution (its light, initiative, weight and
 *   progress) is stored (store_light_*); a write that can change a task's
 *   light (a report, a state change, a due date, a task created, edited or
 *   deleted) touches the task (lights_touch) and, in the same transaction
 *   just before it commits (svc_tx_end), lights_apply() takes the old
 *   contribution away and adds the new one.
 * - A light also changes with the date alone (a due date comes near, a
 *   report falls due). The counts are stamped with the day and the light
 *   rules they were computed for; when the day or the rules (settings)
 *   differ from today's, they are stale: a write then forgets the stamp
 *   (the counts it would adjust are not today's), a read
 *   computes the answer from the tasks (as before: one pass over the org)
 *   and marks svc->lights.stale, and the server recomputes and restamps them
 *   once, in its own write after that request (lights_refresh). So the first
 *   dashboard of a day (and after a settings change) pays one full pass;
 *   every other one reads the sums.
 * - A bulk write (an import, more than LIM_LIGHTS_TOUCHED tasks in one
 *   write) forgets the stamp instead: the next read recounts.
 *
 * NOT for: the light rules (domain/light.h) or the per-task light shown in
 * lists (computed on every read from the row, task.h).
 */
#ifndef PLENUM_LIGHTS_H
#define PLENUM_LIGHTS_H

#include "service.h"
#include "../domain/light.h"

struct task_view;

/* Notes that a write changed task_id (idempotent; inside svc_tx_begin). */
void lights_touch(struct svc *svc, int64_t task_id);
/* The same for a row of a generic write: a task, or a report or extension of one. */
void lights_touch_row(struct svc *svc, const char *entity, int64_t id, int64_t parent_id);
/* Marks the write as bulk: the counts are recomputed before the next read. */
void lights_touch_all(struct svc *svc);
/* Applies the touches to the counts, in the open write (svc_tx_end). */
int lights_apply(struct svc *svc, struct err *err);
/* Forgets the touches (the write rolled back). */
void lights_forget(struct svc *svc);

/* *fresh = 1 when the stored counts hold for today and the rules in force. */
int lights_fresh(struct svc *svc, int *fresh, struct err *err);
/* The stored sums per initiative (only meaningful when fresh), in a's memory. */
int lights_stored(struct svc *svc, struct arena *a, struct rollup_sums **sums, size_t *n, struct err *err);
/* The same sums computed from every task of the org (one lean pass), each
 * task also given to cb when not NULL. */
int lights_recount(struct svc *svc, struct arena *a, struct rollup_sums **sums, size_t *n,
		   int (*cb)(void *ctx, const struct task_view *t), void *ctx, struct err *err);
/* The first (by id) at most max tasks counted with this light (when fresh). */
int lights_pick(struct svc *svc, enum light light, int64_t *ids, size_t max, size_t *n, struct err *err);
/* Recomputes and restamps the stored counts for today, in a write of its own
 * (not audited: derived data). */
int lights_refresh(struct svc *svc, struct err *err);

#endif
