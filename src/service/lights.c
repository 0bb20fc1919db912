/*
 * lights.c -- incremental light counts (see lights.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lights.h"
#include "tx.h"
#include "task.h"
#include "../core/date.h"
#include "../core/xalloc.h"
#include "../core/banned.h"

/* Every rule a light depends on: new rules make the counts stale. */
static void rules_text(const struct svc *svc, char *out, size_t size)
{
	snprintf(out, size, "%d/%d/%d/%d", svc->light.red_behind, svc->light.yellow_behind, svc->light.due_soon_days,
		 svc->light.asap_days);
}

/* What lights.c keeps between calls on one svc (lights_request() forgets it):
 * - the stamp as read (stamp_known), so that a request reads it once;
 * - the counted tasks whose next change is on or before today: their stored
 *   contribution (old) and today's (now; has 0 when the task is gone), by
 *   task id, read for the org and day in org_id and day (org_id 0: none). */
struct lights_kept {
	int stamp_known, stamp_found;
	int64_t stamp_org;
	int32_t stamp_day;
	char stamp_rules[64];
	int64_t org_id;
	int32_t day;
	struct light_contrib *old, *now;
	char *has;
	size_t n, cap;
};

static struct lights_kept *kept_of(struct svc *svc)
{
	if (svc->lights.kept == NULL)
		svc->lights.kept = xcalloc(1, sizeof(*svc->lights.kept));
	return svc->lights.kept;
}

/* The day's moves forgotten, and their memory given back (a busy day's are
 * tens of thousands of rows at a province's scale, kept per thread). */
static void moves_drop(struct lights_kept *m)
{
	free(m->old);
	free(m->now);
	free(m->has);
	m->old = m->now = NULL;
	m->has = NULL;
	m->n = m->cap = 0;
	m->org_id = 0;
}

void lights_request(struct svc *svc)
{
	svc->lights.stale = 0;
	if (svc->lights.kept) {
		svc->lights.kept->stamp_known = 0;
		moves_drop(svc->lights.kept);
	}
}

static void contrib_of(const struct task_view *v, struct light_contrib *c)
{
	c->task_id = v->row.id;
	c->initiative_id = v->row.initiative_id;
	c->light = (int)v->light.light;
	c->weight = v->row.weight;
	c->progress = v->state == TS_CLOSED ? 100 : v->row.has_report ? v->row.percent : 0;
	c->next_change = v->light.changes_on;
}

static int same_count(const struct light_contrib *a, const struct light_contrib *b)
{
	return a->initiative_id == b->initiative_id && a->light == b->light && a->weight == b->weight &&
	       a->progress == b->progress;
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
	/* the write may have moved the stamp, or may yet roll back */
	if (svc->lights.kept)
		svc->lights.kept->stamp_known = 0;
}

/* What the stamp says of the stored counts for today and the rules in
 * force: exactly today's; an earlier day's under the same rules (brought
 * forward by the tasks whose next change has come); or unusable (none, other
 * rules, a later day: the clock went back). */
enum counts_state { COUNTS_FRESH, COUNTS_BEHIND, COUNTS_STALE };

static int counts_state(struct svc *svc, enum counts_state *state, struct err *err)
{
	struct lights_kept *k = kept_of(svc);
	char want[64];

	*state = COUNTS_STALE;
	if (!k->stamp_known || k->stamp_org != svc->org.id) {
		if (store_light_stamp(svc->st, svc->org.id, &k->stamp_day, k->stamp_rules, sizeof(k->stamp_rules),
				      &k->stamp_found, err) != 0)
			return -1;
		k->stamp_known = 1;
		k->stamp_org = svc->org.id;
	}
	rules_text(svc, want, sizeof(want));
	if (!k->stamp_found || strcmp(k->stamp_rules, want) != 0 || k->stamp_day > svc->today)
		*state = COUNTS_STALE;
	else
		*state = k->stamp_day == svc->today ? COUNTS_FRESH : COUNTS_BEHIND;
	return 0;
}

int lights_fresh(struct svc *svc, int *fresh, struct err *err)
{
	enum counts_state state;

	*fresh = 0;
	if (counts_state(svc, &state, err) != 0)
		return -1;
	*fresh = state != COUNTS_STALE;
	return 0;
}

int lights_current(struct svc *svc, int *current, struct err *err)
{
	enum counts_state state;

	*current = 0;
	if (counts_state(svc, &state, err) != 0)
		return -1;
	*current = state == COUNTS_FRESH;
	return 0;
}

/* ---- a new day: the tasks whose next change has come ---- */

static int collect_due(void *ctx, const struct light_contrib *c)
{
	struct lights_kept *m = ctx;

	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->old = xreallocarray(m->old, m->cap, sizeof(*m->old));
		m->now = xreallocarray(m->now, m->cap, sizeof(*m->now));
		m->has = xreallocarray(m->has, m->cap, 1);
	}
	m->old[m->n] = *c;
	m->has[m->n] = 0;
	m->n++;
	return 0;
}

struct moved_ctx {
	struct svc *svc;
	struct lights_kept *m;
};

static int moved_row(void *ctx, const struct task_row *row)
{
	struct moved_ctx *mc = ctx;
	struct lights_kept *m = mc->m;
	struct task_view v;
	size_t lo = 0, hi = m->n;

	/* old is by task id (store_light_due's order) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->old[mid].task_id < row->id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == m->n || m->old[lo].task_id != row->id)
		return 0;
	task_compute(mc->svc, row, &v);
	contrib_of(&v, &m->now[lo]);
	m->has[lo] = 1;
	return 0;
}

/* Reads m for svc's org and today (replacing what it held). */
static int moves_read(struct svc *svc, struct lights_kept *m, struct err *err)
{
	enum { CHUNK = LIM_PAGE_ITEMS * 4 };   /* store_task_scan_ids' most */
	struct moved_ctx mc = { svc, m };
	int64_t ids[CHUNK];

	m->n = 0;
	m->org_id = 0;           /* set once complete */
	if (store_light_due(svc->st, svc->org.id, svc->today, collect_due, m, err) != 0)
		return -1;
	for (size_t i = 0; i < m->n; i += CHUNK) {
		size_t k = m->n - i < CHUNK ? m->n - i : CHUNK;

		for (size_t j = 0; j < k; j++)
			ids[j] = m->old[i + j].task_id;
		if (store_task_scan_ids(svc->st, svc->org.id, ids, k, moved_row, &mc, err) != 0)
			return -1;
	}
	m->org_id = svc->org.id;
	m->day = svc->today;
	return 0;
}

void lights_release(struct svc *svc)
{
	if (svc->lights.kept == NULL)
		return;
	moves_drop(svc->lights.kept);
	free(svc->lights.kept);
	svc->lights.kept = NULL;
}

/* One initiative's and light's change of sums. */
struct delta {
	int64_t initiative_id;
	int light;
	long n, psum;
	double wsum, wacc;
};

static int delta_cmp(const void *a, const void *b)
{
	const struct delta *x = a, *y = b;

	if (x->initiative_id != y->initiative_id)
		return x->initiative_id < y->initiative_id ? -1 : 1;
	return (x->light > y->light) - (x->light < y->light);
}

static void delta_add(struct delta *d, const struct light_contrib *c, int sign)
{
	d->initiative_id = c->initiative_id;
	d->light = c->light;
	d->n = sign;
	d->wsum = sign * c->weight;
	d->wacc = sign * c->weight * c->progress;
	d->psum = sign * c->progress;
}

/* The moves' changes of sums, summed per initiative and light, written one
 * statement per key that changed. */
static int write_deltas(struct svc *svc, const struct lights_kept *m, struct err *err)
{
	struct delta *d = xcalloc(2 * m->n + 1, sizeof(*d));
	size_t nd = 0, k = 0;
	int rc = 0;

	for (size_t i = 0; i < m->n; i++) {
		if (m->has[i] && same_count(&m->old[i], &m->now[i]))
			continue;
		delta_add(&d[nd++], &m->old[i], -1);
		if (m->has[i])
			delta_add(&d[nd++], &m->now[i], 1);
	}
	if (nd)
		qsort(d, nd, sizeof(*d), delta_cmp);
	for (size_t i = 1; i < nd; i++) {
		if (delta_cmp(&d[k], &d[i]) != 0) {
			d[++k] = d[i];
			continue;
		}
		d[k].n += d[i].n;
		d[k].wsum += d[i].wsum;
		d[k].wacc += d[i].wacc;
		d[k].psum += d[i].psum;
	}
	for (size_t i = 0; nd && i <= k && rc == 0; i++)
		if (d[i].n != 0 || d[i].psum != 0 || d[i].wsum != 0 || d[i].wacc != 0)
			rc = store_light_add_sums(svc->st, svc->org.id, d[i].initiative_id, d[i].light, d[i].n, d[i].wsum,
						  d[i].wacc, d[i].psum, err);
	free(d);
	return rc;
}

/* Brings counts of an earlier day to today in the open write (the org
 * locked): each task whose next change has come, its old contribution out
 * and today's in, its next change recomputed; then the stamp moves. A few
 * statements whatever the number of tasks (PostgreSQL: round trips). */
static int advance(struct svc *svc, struct err *err)
{
	struct lights_kept *m = kept_of(svc);
	struct light_contrib *puts = NULL;
	size_t nputs = 0;
	char rules[64];
	int rc = -1;

	if (moves_read(svc, m, err) != 0 || write_deltas(svc, m, err) != 0)
		goto out;
	puts = xcalloc(m->n + 1, sizeof(*puts));
	for (size_t i = 0; i < m->n; i++) {
		if (m->has[i])
			puts[nputs++] = m->now[i];
		else if (store_light_del(svc->st, m->old[i].task_id, err) != 0)
			goto out;
	}
	if (store_light_put_many(svc->st, svc->org.id, puts, nputs, err) != 0)
		goto out;
	svc->lights.recomputed = (long)m->n;
	rules_text(svc, rules, sizeof(rules));
	rc = store_light_restamp(svc->st, svc->org.id, svc->today, rules, err);
out:
	moves_drop(m);           /* written (or rolled back): nothing to bring forward in memory */
	free(puts);
	return rc;
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
	if (had && has && same_count(&old, &now)) {
		/* the same counts; its next change may differ (a report) */
		rc = old.next_change == now.next_change ? 0 : store_light_put(svc->st, svc->org.id, &now, err);
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
	enum counts_state state;
	int rc = 0;

	if (!svc->has_org || (l->n == 0 && !l->overflow))
		return 0;
	/* the stamp as this write sees it, not as an earlier read did */
	if (l->kept)
		l->kept->stamp_known = 0;
	if (counts_state(svc, &state, err) != 0) {
		rc = -1;
	} else if (state == COUNTS_STALE || l->overflow) {
		/* not for the rules in force (or for a later day than this
		 * process's), or too many: forgotten, recounted before the next read */
		rc = store_light_invalidate(svc->st, svc->org.id, err);
	} else {
		/* an earlier day's counts are brought to today first (the write
		 * holds the org's lock), then the write's tasks are applied */
		if (state == COUNTS_BEHIND)
			rc = advance(svc, err);
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

static int by_initiative(const void *a, const void *b)
{
	const struct rollup_sums *x = a, *y = b;

	return x->initiative_id < y->initiative_id ? -1 : x->initiative_id > y->initiative_id;
}

/* The day's moves onto the stored sums (old out, now in), merged so that
 * each initiative still has one entry. */
static void sums_move(struct sums_cb *s, const struct lights_kept *m)
{
	size_t k = 0;
	int moved = 0;

	for (size_t i = 0; i < m->n; i++) {
		if (m->has[i] && same_count(&m->old[i], &m->now[i]))
			continue;
		light_sums_add(sums_for(s, m->old[i].initiative_id), (enum light)m->old[i].light, m->old[i].weight,
			       m->old[i].progress, -1);
		if (m->has[i])
			light_sums_add(sums_for(s, m->now[i].initiative_id), (enum light)m->now[i].light,
				       m->now[i].weight, m->now[i].progress, 1);
		moved = 1;
	}
	if (!moved || s->n == 0)
		return;
	qsort(s->items, s->n, sizeof(*s->items), by_initiative);
	for (size_t i = 1; i < s->n; i++) {
		struct rollup_sums *x = &s->items[k];

		if (s->items[i].initiative_id != x->initiative_id) {
			s->items[++k] = s->items[i];
			continue;
		}
		for (int l = 0; l < LIGHT_COUNT; l++)
			x->counts[l] += s->items[i].counts[l];
		x->wsum += s->items[i].wsum;
		x->wacc += s->items[i].wacc;
		x->psum += s->items[i].psum;
	}
	s->n = k + 1;
}

/* The moves of today for svc's org when the counts are an earlier day's
 * (read now, or kept from this request's earlier call); NULL when current. */
static int moves_for_read(struct svc *svc, const struct lights_kept **out, struct err *err)
{
	enum counts_state state;
	struct lights_kept *m;

	*out = NULL;
	if (counts_state(svc, &state, err) != 0)
		return -1;
	if (state == COUNTS_FRESH)
		return 0;
	if (state == COUNTS_STALE)
		return err_set(err, ST_FAIL, "the light counts are stale: recount them first");
	m = kept_of(svc);
	if (m->org_id != svc->org.id || m->day != svc->today) {
		m->org_id = 0;
		if (moves_read(svc, m, err) != 0)
			return -1;
	}
	/* the server writes them forward after this request */
	svc->lights.stale = 1;
	*out = m;
	return 0;
}

int lights_stored(struct svc *svc, struct arena *a, struct rollup_sums **sums, size_t *n, struct err *err)
{
	struct sums_cb s = { a, NULL, 0, 0 };
	const struct lights_kept *m;

	/* a fresh read of the day's moves, not one kept from another request */
	if (svc->lights.kept)
		svc->lights.kept->org_id = 0;
	if (moves_for_read(svc, &m, err) != 0 || store_light_counts(svc->st, svc->org.id, stored_row, &s, err) != 0) {
		free(s.items);
		return -1;
	}
	if (m)
		sums_move(&s, m);
	return sums_out(&s, sums, n);
}

/* The full recount's rows, written LIM_DB_ROWS_PER_INSERT at a time. */
struct put_buf {
	struct light_contrib rows[LIM_DB_ROWS_PER_INSERT];
	size_t n;
};

static int put_flush(struct svc *svc, struct put_buf *b, struct err *err)
{
	int rc = store_light_put_many(svc->st, svc->org.id, b->rows, b->n, err);

	b->n = 0;
	return rc;
}

/* Sums per initiative in a small open-addressed table: tasks come by id,
 * not by initiative. */
struct recount {
	struct sums_cb s;
	size_t *slot;               /* index + 1 into s.items, 0 empty */
	size_t nslot;
	int (*cb)(void *ctx, const struct task_view *t);
	void *ctx;
	struct put_buf *puts;       /* not NULL: each task's contribution written */
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
	if (r->puts) {
		r->puts->rows[r->puts->n++] = c;
		if (r->puts->n == LIM_DB_ROWS_PER_INSERT && put_flush(r->svc, r->puts, r->err) != 0)
			return -1;
	}
	return r->cb ? r->cb(r->ctx, t) : 0;
}

static int recount(struct svc *svc, struct arena *a, struct rollup_sums **sums, size_t *n,
		   int (*cb)(void *ctx, const struct task_view *t), void *ctx,
		   struct put_buf *puts, struct err *err)
{
	struct recount r = { { a, NULL, 0, 0 }, NULL, 0, cb, ctx, puts, svc, err };
	struct task_filter lean;
	int rc;

	memset(&lean, 0, sizeof(lean));
	lean.lean = 1;
	rehash(&r);
	rc = task_scan(svc, &lean, recount_one, &r, err);
	free(r.slot);
	if (rc >= 0 && puts && puts->n && put_flush(svc, puts, err) != 0)
		rc = -1;
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

static int count_put(void *ctx, const struct task_view *t)
{
	(void)t;
	(*(long *)ctx)++;
	return 0;
}

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}


int lights_refresh(struct svc *svc, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct rollup_sums *sums;
	struct put_buf *puts = xcalloc(1, sizeof(*puts));
	enum counts_state state;
	char rules[64];
	size_t n;
	int rc = -1;

	svc->lights.recomputed = 0;
	if (!svc->has_org) {
		free(puts);
		return 0;
	}
	/* Today's already (the background thread's every check, all day): no
	 * write, no lock. Else read again under the lock, and after this write. */
	lights_forget(svc);
	if (counts_state(svc, &state, err) != 0)
		goto out;
	if (state == COUNTS_FRESH) {
		svc->lights.stale = 0;
		rc = 0;
		goto out;
	}
	lights_forget(svc);
	/* The org's writers wait while the counts are rebuilt: under
	 * PostgreSQL's READ COMMITTED a report committed between the recount's
	 * read of the tasks and its write of the sums would otherwise be lost
	 * (SQLite's BEGIN IMMEDIATE already serialises). */
	if (svc_tx_plain_begin(svc, svc->org.id, err) != 0)
		goto out;
	/* Another request or process may have refreshed them meanwhile. */
	if (counts_state(svc, &state, err) != 0)
		goto fail;
	if (state == COUNTS_FRESH)
		goto done;
	if (state == COUNTS_BEHIND) {
		/* a new day: only the tasks whose light may have changed */
		if (advance(svc, err) != 0)
			goto fail;
		goto done;
	}
	/* new rules, or none: every task (rare: a settings change, an import) */
	rules_text(svc, rules, sizeof(rules));
	if (store_light_reset(svc->st, svc->org.id, svc->today, rules, err) != 0 ||
	    recount(svc, &a, &sums, &n, count_put, &svc->lights.recomputed, puts, err) != 0)
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
	lights_forget(svc);
	arena_release(&a);
	free(puts);
	return rc;
}

int lights_keep_up(struct svc *svc, struct err *err)
{
	const char *keys[LIM_ORGS_KEPT_UP];
	struct arena a = ARENA_INIT;
	struct svc saved = *svc;
	struct lights_kept *kept;
	size_t n = 0;
	int rc = -1;

	if (store_org_keys(svc->st, &a, keys, LIM_ORGS_KEPT_UP, &n, err) != 0)
		goto out;
	rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		/* each org's strings in an arena of its own, released after it:
		 * a thread that runs this all day does not grow */
		arena_init(&svc->arena);
		rc = svc_select_org(svc, keys[i], err) == 0 && lights_refresh(svc, err) == 0 ? 0 : -1;
		arena_release(&svc->arena);
	}
out:
	/* svc as it was (its actor and path are in its own arena), with what
	 * lights.c keeps */
	kept = svc->lights.kept;
	*svc = saved;
	svc->lights.kept = kept;
	arena_release(&a);
	return rc;
}

/* The ids with this light among the stored ones (the first max + the moved,
 * by id) and the moved tasks', the moved ones where they are today. */
static int pick_moved(struct svc *svc, const struct lights_kept *m, int light, int64_t *ids, size_t max, size_t *n,
		      struct err *err)
{
	size_t want = max + m->n, got = 0, k = 0;
	/* the stored ones kept, and the moved ones added: at most want + m->n */
	int64_t *all = xcalloc(want + m->n + 1, sizeof(*all));
	int rc = -1;

	*n = 0;
	if (store_light_pick(svc->st, svc->org.id, light, all, want, &got, err) != 0)
		goto out;
	for (size_t i = 0; i < got; i++) {
		size_t lo = 0, hi = m->n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (m->old[mid].task_id < all[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == m->n || m->old[lo].task_id != all[i])
			all[k++] = all[i];
	}
	for (size_t i = 0; i < m->n; i++)
		if (m->has[i] && m->now[i].light == light)
			all[k++] = m->now[i].task_id;
	qsort(all, k, sizeof(*all), id_cmp);
	*n = k < max ? k : max;
	memcpy(ids, all, *n * sizeof(*ids));
	rc = 0;
out:
	free(all);
	return rc;
}

int lights_pick(struct svc *svc, enum light light, int64_t *ids, size_t max, size_t *n, struct err *err)
{
	const struct lights_kept *m;

	if (moves_for_read(svc, &m, err) != 0)
		return -1;
	if (m)
		return pick_moved(svc, m, (int)light, ids, max, n, err);
	return store_light_pick(svc->st, svc->org.id, (int)light, ids, max, n, err);
}
