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
 *   report falls due). Each task's row also holds the first day after the
 *   counted one on which its light may change so (task_light's next_change,
 *   from the domain's light_result.changes_on; NULL when never: closed, unset,
 *   already overdue). The counts are stamped with the day and the light rules
 *   they hold for. At a new day only the tasks whose next change has come are
 *   recomputed (their old contribution out, the new one in, the next change
 *   recomputed) and the stamp moves: lights_refresh(), which the server's
 *   background thread runs at start and every LIM_LIGHTS_CHECK_MS
 *   (lights_keep_up), so that shortly after midnight the counts are today's
 *   before a request asks. A write that finds an earlier day's counts does
 *   the same in its own transaction first. A read that finds them (the CLI,
 *   a server just started, a read replica) brings them forward in memory
 *   from the same few tasks (lights_stored, lights_pick) and marks
 *   svc->lights.stale, so that the server writes them forward after it.
 * - New light rules (a setting) make the counts unusable: the next read
 *   computes its answer from every task and the server then recounts the
 *   org (rare; the background thread does it within LIM_LIGHTS_CHECK_MS).
 *   So does a clock that went back (a stamp later than today).
 * - A bulk write (an import, more than LIM_LIGHTS_TOUCHED tasks in one
 *   write) forgets the stamp instead: recounted by the background thread
 *   within LIM_LIGHTS_CHECK_MS, or by the next read first.
 * - Thread safety: none inside; each svc is one thread's (the server's
 *   workers and its background thread have their own), and writes of the
 *   counts take the org's lock (store_lock_org).
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

/* *fresh = 1 when the stored counts can answer for today and the rules in
 * force: they are today's, or an earlier day's under the same rules (which
 * lights_stored and lights_pick bring forward). 0: recount (lights_recount). */
int lights_fresh(struct svc *svc, int *fresh, struct err *err);
/* *current = 1 when the stored counts are exactly today's under the rules in force. */
int lights_current(struct svc *svc, int *current, struct err *err);
/* The sums per initiative for today (only when fresh), in a's memory: the
 * stored ones, with the tasks whose next change has come moved in memory
 * when they are an earlier day's (svc->lights.stale is then set). */
int lights_stored(struct svc *svc, struct arena *a, struct rollup_sums **sums, size_t *n, struct err *err);
/* The same sums computed from every task of the org (one lean pass), each
 * task also given to cb when not NULL. */
int lights_recount(struct svc *svc, struct arena *a, struct rollup_sums **sums, size_t *n,
		   int (*cb)(void *ctx, const struct task_view *t), void *ctx, struct err *err);
/* The first (by id) at most max tasks with this light today (when fresh). */
int lights_pick(struct svc *svc, enum light light, int64_t *ids, size_t max, size_t *n, struct err *err);
/* Brings the stored counts to today, in a write of its own (not audited:
 * derived data): nothing when they are today's; from an earlier day under
 * the same rules, only the tasks whose next change has come; else (new
 * rules, none, a later day) every task. svc->lights.recomputed: how many
 * tasks it computed. */
int lights_refresh(struct svc *svc, struct err *err);
/* lights_refresh() for every org of the database (at most LIM_ORGS_KEPT_UP),
 * each selected in turn in svc (svc's org strings are released): the
 * server's background thread. */
int lights_keep_up(struct svc *svc, struct err *err);
/* A new request on svc: what was read of the counts for the last one is
 * forgotten (the stamp, the day's moves; read once per request). */
void lights_request(struct svc *svc);
/* Frees what svc->lights holds (svc_close). */
void lights_release(struct svc *svc);

#endif
