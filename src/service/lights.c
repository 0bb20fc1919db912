/*
 * lights.c -- incremental light counts (see lights.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lights.h"
#include "tx.h"
#include "task.h"
#include "../core/xalloc.h"
#include "../core/banned.h"

static void rules_text(const struct svc *svc, char *out, size_t size)
{
	snprintf(out, size, "%d/%d/%d", svc->light.red_behind, svc->light.yellow_behind, svc->light.due_soon_days);
}

static void contrib_of(const struct task_view *v, struct light_contrib *c)
{
	c->task_id = v->row.id;
	c->initiative_id = v->row.initiative_id;
	c->light = (int)v->light.light;
	c->weight = v->row.weight;
	c->progress = v->state == TS_CLOSED ? 100 : v->row.has_report ? v->row.percent : 0;
}

void lights_touch(struct svc *svc, int64_t task_id)
{
	struct svc_lights *l = &svc->lights;

	for (int i = 0; i < l->n; i++)
		if (l->touched[i] == task_id)
			return;
	if (l->n == LIM_LIGHTS_TOUCHED)
		l->overflow = 1;
	else
		l->touched[l->n++] = task_id;
}

void lights_touch_row(struct svc *svc, const char *entity, int64_t id, int64_t parent_id)
{
	if (strcmp(entity, "task") == 0)
		lights_touch(svc, id);
	else if ((strcmp(entity, "report") == 0 || strcmp(entity, "extension") == 0) && parent_id)
		lights_touch(svc, parent_id);
}

void lights_touch_all(struct svc *svc)
{
	svc->lights.overflow = 1;
}

void lights_forget(struct svc *svc)
{
	svc->lights.n = 0;
	svc->lights.overflow = 0;
}

int lights_fresh(struct svc *svc, int *fresh, struct err *err)
{
	char rules[64], want[64];
	int32_t day = 0;
	int found;

	*fresh = 0;
	if (store_light_stamp(svc->st, svc->org.id, &day, rules, sizeof(rules), &found, err) != 0)
		return -1;
	rules_text(svc, want, sizeof(want));
	*fresh = found && day == svc->today && strcmp(rules, want) == 0;
	return 0;
}

/* One touched task: its old contribution out, its new one in. */
static int apply_one(struct svc *svc, int64_t task_id, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct light_contrib old, now;
	struct task_row row;
	struct task_view v;
	int had, has, rc = -1;

	if (store_light_get(svc->st, task_id, &old, &had, err) != 0 ||
	    store_task_light_row(svc->st, svc->org.id, task_id, &a, &row, &has, err) != 0)
		goto out;
	if (has) {
		task_compute(svc, &row, &v);
		contrib_of(&v, &now);
	}
	if (had && has && old.initiative_id == now.initiative_id && old.light == now.light &&
	    old.weight == now.weight && old.progress == now.progress) {
		rc = 0;
		goto out;
	}
	if ((had && store_light_add(svc->st, svc->org.id, &old, -1, err) != 0) ||
	    (has && (store_light_add(svc->st, svc->org.id, &now, 1, err) != 0 ||
		     store_light_put(svc->st, svc->org.id, &now, err) != 0)) ||
	    (!has && had && store_light_del(svc->st, task_id, err) != 0))
		goto out;
	rc = 0;
out:
	arena_release(&a);
	return rc;
}

int lights_apply(struct svc *svc, struct err *err)
{
	struct svc_lights *l = &svc->lights;
	int fresh, rc = 0;

	if (!svc->has_org || (l->n == 0 && !l->overflow))
		return 0;
	if (lights_fresh(svc, &fresh, err) != 0) {
		rc = -1;
	} else if (!fresh || l->overflow) {
		/* not for today (this process's day, or the rules, differ from the
		 * stamp's) or too many: forgotten, recounted before the next read */
		rc = store_light_invalidate(svc->st, svc->org.id, err);
	} else {
		for (int i = 0; i < l->n && rc == 0; i++)
			rc = apply_one(svc, l->touched[i], err);
	}
	lights_forget(svc);
	return rc;
}

struct sums_cb {
	struct arena *a;
	struct rollup_sums *items;
	size_t n, cap;
};

static struct rollup_sums *sums_for(struct sums_cb *s, int64_t initiative_id)
{
	/* Rows come by initiative (stored) or in task order (recount): look
	 * back a little before adding; a duplicate entry is summed by the roll-up. */
	if (s->n && s->items[s->n - 1].initiative_id == initiative_id)
		return &s->items[s->n - 1];
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->items = xreallocarray(s->items, s->cap, sizeof(*s->items));
	}
	memset(&s->items[s->n], 0, sizeof(s->items[0]));
	s->items[s->n].initiative_id = initiative_id;
	return &s->items[s->n++];
}

static int sums_out(struct sums_cb *s, struct rollup_sums **out, size_t *n)
{
	*out = arena_calloc(s->a, s->n + 1, sizeof(**out));
	if (s->n)
		memcpy(*out, s->items, s->n * sizeof(**out));
	*n = s->n;
	free(s->items);
	return 0;
}

static int stored_row(void *ctx, int64_t initiative_id, int light, long n, double wsum, double wacc, long psum)
{
	struct rollup_sums *x = sums_for(ctx, initiative_id);

	if (light < 0 || light >= LIGHT_COUNT)
		return 0;
	x->counts[light] += n;
	x->wsum += wsum;
	x->wacc += wacc;
	x->psum += psum;
	return 0;
}

int lights_stored(struct svc *svc, struct arena *a, struct rollup_sums **sums, size_t *n, struct err *err)
{
	struct sums_cb s = { a, NULL, 0, 0 };

	if (store_light_counts(svc->st, svc->org.id, stored_row, &s, err) != 0) {
		free(s.items);
		return -1;
	}
	return sums_out(&s, sums, n);
}

/* Sums per initiative in a small open-addressed table: tasks come by id,
 * not by initiative. */
struct recount {
	struct sums_cb s;
	size_t *slot;               /* index + 1 into s.items, 0 empty */
	size_t nslot;
	int (*cb)(void *ctx, const struct task_view *t);
	void *ctx;
	int (*also)(struct svc *svc, const struct light_contrib *c, struct err *err);
	struct svc *svc;
	struct err *err;
};

static void rehash(struct recount *r)
{
	size_t n = r->nslot ? r->nslot * 2 : 256;

	free(r->slot);
	r->slot = xcalloc(n, sizeof(*r->slot));
	r->nslot = n;
	for (size_t i = 0; i < r->s.n; i++) {
		size_t h = (size_t)r->s.items[i].initiative_id * 2654435761u % n;

		while (r->slot[h])
			h = (h + 1) % n;
		r->slot[h] = i + 1;
	}
}

static int recount_one(void *ctx, const struct task_view *t)
{
	struct recount *r = ctx;
	struct light_contrib c;
	struct rollup_sums *x;
	size_t h;

	contrib_of(t, &c);
	if (r->s.n * 2 >= r->nslot)
		rehash(r);
	h = (size_t)c.initiative_id * 2654435761u % r->nslot;
	while (r->slot[h] && r->s.items[r->slot[h] - 1].initiative_id != c.initiative_id)
		h = (h + 1) % r->nslot;
	if (!r->slot[h]) {
		if (r->s.n == r->s.cap) {
			r->s.cap = r->s.cap ? r->s.cap * 2 : 64;
			r->s.items = xreallocarray(r->s.items, r->s.cap, sizeof(*r->s.items));
		}
		memset(&r->s.items[r->s.n], 0, sizeof(r->s.items[0]));
		r->s.items[r->s.n].initiative_id = c.initiative_id;
		r->slot[h] = ++r->s.n;
	}
	x = &r->s.items[r->slot[h] - 1];
	light_sums_add(x, (enum light)c.light, c.weight, c.progress, 1);
	if (r->also && r->also(r->svc, &c, r->err) != 0)
		return -1;
	return r->cb ? r->cb(r->ctx, t) : 0;
}

static int recount(struct svc *svc, struct arena *a, struct rollup_sums **sums, size_t *n,
		   int (*cb)(void *ctx, const struct task_view *t), void *ctx,
		   int (*also)(struct svc *svc, const struct light_contrib *c, struct err *err), struct err *err)
{
	struct recount r = { { a, NULL, 0, 0 }, NULL, 0, cb, ctx, also, svc, err };
	struct task_filter lean;
	int rc;

	memset(&lean, 0, sizeof(lean));
	lean.lean = 1;
	rehash(&r);
	rc = task_scan(svc, &lean, recount_one, &r, err);
	free(r.slot);
	if (rc < 0) {
		free(r.s.items);
		return -1;
	}
	return sums_out(&r.s, sums, n);
}

int lights_recount(struct svc *svc, struct arena *a, struct rollup_sums **sums, size_t *n,
		   int (*cb)(void *ctx, const struct task_view *t), void *ctx, struct err *err)
{
	return recount(svc, a, sums, n, cb, ctx, NULL, err);
}

static int put_contrib(struct svc *svc, const struct light_contrib *c, struct err *err)
{
	return store_light_put(svc->st, svc->org.id, c, err);
}

int lights_refresh(struct svc *svc, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct rollup_sums *sums;
	char rules[64];
	size_t n;
	int fresh, rc = -1;

	if (!svc->has_org)
		return 0;
	/* The org's writers wait while the counts are rebuilt: under
	 * PostgreSQL's READ COMMITTED a report committed between the recount's
	 * read of the tasks and its write of the sums would otherwise be lost
	 * (SQLite's BEGIN IMMEDIATE already serialises). */
	if (svc_tx_plain_begin(svc, svc->org.id, err) != 0)
		goto out;
	/* Another request or process may have refreshed them meanwhile. */
	if (lights_fresh(svc, &fresh, err) != 0)
		goto fail;
	if (fresh)
		goto done;
	rules_text(svc, rules, sizeof(rules));
	if (store_light_reset(svc->st, svc->org.id, svc->today, rules, err) != 0 ||
	    recount(svc, &a, &sums, &n, NULL, NULL, put_contrib, err) != 0)
		goto fail;
	(void)sums;
	(void)n;
	if (store_light_sum_up(svc->st, svc->org.id, err) != 0)
		goto fail;
done:
	if (svc_tx_plain_end(svc, 0, err) != 0)
		goto out;
	svc->lights.stale = 0;
	rc = 0;
	goto out;
fail:
	svc_tx_plain_end(svc, -1, NULL);
out:
	arena_release(&a);
	return rc;
}

int lights_pick(struct svc *svc, enum light light, int64_t *ids, size_t max, size_t *n, struct err *err)
{
	return store_light_pick(svc->st, svc->org.id, (int)light, ids, max, n, err);
}
