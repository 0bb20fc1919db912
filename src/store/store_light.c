/*
 * store_light.c -- the incremental light counts' tables (migration 0014):
 * each task's counted contribution (task_light, with the day its light may
 * next change by the date alone: migration 0015), the sums per initiative and
 * light (light_count) and the day and rules they hold for (light_stamp).
 *
 * Also the org's record token (record_token), a random value replaced by
 * every write outside the tasks' progress, under which answers derived from
 * the rest of the record (the supervision check) are kept.
 *
 * For: src/service/lights.c, which decides what the lights are, and
 * service/tx.c; this file only reads and writes the rows. NOT for: computing a light (domain/light.c)
 * or deciding when the counts are stale (the service compares the stamp).
 */
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "db.h"
#include "../core/buf.h"
#include "../core/date.h"
#include "../core/err.h"
#include "../core/limits.h"
#include "../core/banned.h"

static int step_done(struct db_stmt *s, struct err *err)
{
	int rc = db_step(s, err);

	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_light_stamp(struct store *st, int64_t org_id, int32_t *day, char *rules, size_t size, int *found,
		      struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st), "SELECT day, rules FROM light_stamp WHERE org_id = ?", err);
	int rc;

	*found = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	rc = db_step(s, err);
	if (rc == DB_ROW) {
		const char *r = db_col_text(s, 1);

		*found = 1;
		*day = (int32_t)db_col_int(s, 0);
		snprintf(rules, size, "%s", r ? r : "");
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

static int exec_org(struct store *st, const char *sql, int64_t org_id, struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st), sql, err);

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	return step_done(s, err);
}

int store_light_restamp(struct store *st, int64_t org_id, int32_t day, const char *rules, struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st), "UPDATE light_stamp SET day = ?, rules = ? WHERE org_id = ?", err);

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, day);
	db_bind_text(s, 2, rules);
	db_bind_int(s, 3, org_id);
	return step_done(s, err);
}

/* A task_light row from columns task_id, initiative_id, light, weight, progress, next_change. */
static void read_contrib(struct db_stmt *s, struct light_contrib *c)
{
	c->task_id = db_col_int(s, 0);
	c->initiative_id = db_col_int(s, 1);
	c->light = (int)db_col_int(s, 2);
	c->weight = db_col_double(s, 3);
	c->progress = (int)db_col_int(s, 4);
	c->next_change = db_col_is_null(s, 5) ? DATE_NONE : (int32_t)db_col_int(s, 5);
}

int store_light_due(struct store *st, int64_t org_id, int32_t day, store_light_contrib_cb cb, void *ctx,
		    struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st), "SELECT task_id, initiative_id, light, weight, progress, next_change "
				       "FROM task_light WHERE org_id = ? AND next_change <= ? ORDER BY task_id", err);
	struct light_contrib c;
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_int(s, 2, day);
	while ((rc = db_step(s, err)) == DB_ROW) {
		read_contrib(s, &c);
		rc = cb(ctx, &c);
		if (rc != 0)
			break;
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_light_invalidate(struct store *st, int64_t org_id, struct err *err)
{
	return exec_org(st, "DELETE FROM light_stamp WHERE org_id = ?", org_id, err);
}

int store_light_reset(struct store *st, int64_t org_id, int32_t day, const char *rules, struct err *err)
{
	struct db_stmt *s;

	if (exec_org(st, "DELETE FROM task_light WHERE org_id = ?", org_id, err) != 0 ||
	    exec_org(st, "DELETE FROM light_count WHERE org_id = ?", org_id, err) != 0 ||
	    exec_org(st, "DELETE FROM light_stamp WHERE org_id = ?", org_id, err) != 0)
		return -1;
	s = db_prepare(store_db(st), "INSERT INTO light_stamp (org_id, day, rules) VALUES (?, ?, ?)", err);
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_int(s, 2, day);
	db_bind_text(s, 3, rules);
	return step_done(s, err);
}

int store_light_get(struct store *st, int64_t task_id, struct light_contrib *out, int *found, struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st), "SELECT task_id, initiative_id, light, weight, progress, "
				       "next_change FROM task_light WHERE task_id = ?", err);
	int rc;

	*found = 0;
	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, task_id);
	rc = db_step(s, err);
	if (rc == DB_ROW) {
		*found = 1;
		read_contrib(s, out);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_light_put(struct store *st, int64_t org_id, const struct light_contrib *c, struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st),
		"INSERT INTO task_light (task_id, org_id, initiative_id, light, weight, progress, next_change) "
		"VALUES (?, ?, ?, ?, ?, ?, ?) "
		"ON CONFLICT (task_id) DO UPDATE SET initiative_id = excluded.initiative_id, light = excluded.light, "
		"weight = excluded.weight, progress = excluded.progress, next_change = excluded.next_change", err);

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, c->task_id);
	db_bind_int(s, 2, org_id);
	db_bind_int(s, 3, c->initiative_id);
	db_bind_int(s, 4, c->light);
	db_bind_double(s, 5, c->weight);
	db_bind_int(s, 6, c->progress);
	if (c->next_change == DATE_NONE)
		db_bind_null(s, 7);
	else
		db_bind_int(s, 7, c->next_change);
	return step_done(s, err);
}

int store_light_del(struct store *st, int64_t task_id, struct err *err)
{
	return exec_org(st, "DELETE FROM task_light WHERE task_id = ?", task_id, err);
}

int store_light_add_sums(struct store *st, int64_t org_id, int64_t initiative_id, int light, long n, double wsum,
			 double wacc, long psum, struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st),
		"INSERT INTO light_count (org_id, initiative_id, light, n, wsum, wacc, psum) VALUES (?, ?, ?, ?, ?, ?, ?) "
		"ON CONFLICT (org_id, initiative_id, light) DO UPDATE SET n = light_count.n + excluded.n, "
		"wsum = light_count.wsum + excluded.wsum, wacc = light_count.wacc + excluded.wacc, "
		"psum = light_count.psum + excluded.psum", err);

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_int(s, 2, initiative_id);
	db_bind_int(s, 3, light);
	db_bind_int(s, 4, n);
	db_bind_double(s, 5, wsum);
	db_bind_double(s, 6, wacc);
	db_bind_int(s, 7, psum);
	return step_done(s, err);
}

int store_light_add(struct store *st, int64_t org_id, const struct light_contrib *c, int sign, struct err *err)
{
	return store_light_add_sums(st, org_id, c->initiative_id, c->light, sign, sign * c->weight,
				    sign * c->weight * c->progress, sign * c->progress, err);
}

/* One INSERT of k rows (k a power of two up to LIM_DB_ROWS_PER_INSERT, so
 * that a few statement texts serve every n). */
static int put_rows(struct store *st, int64_t org_id, const struct light_contrib *c, size_t k, struct err *err)
{
	struct buf sql = BUF_INIT(64 * 1024);
	struct db_stmt *s;

	buf_adds(&sql, "INSERT INTO task_light (task_id, org_id, initiative_id, light, weight, progress, next_change) "
		       "VALUES ");
	for (size_t i = 0; i < k; i++)
		buf_printf(&sql, "%s(?%zu, ?%zu, ?%zu, ?%zu, ?%zu, ?%zu, ?%zu)", i ? ", " : "", 7 * i + 1, 7 * i + 2,
			   7 * i + 3, 7 * i + 4, 7 * i + 5, 7 * i + 6, 7 * i + 7);
	buf_adds(&sql, " ON CONFLICT (task_id) DO UPDATE SET initiative_id = excluded.initiative_id, "
		       "light = excluded.light, weight = excluded.weight, progress = excluded.progress, "
		       "next_change = excluded.next_change");
	if (sql.err) {
		buf_release(&sql);
		return err_set(err, ST_FAIL, "light counts: statement too long");
	}
	s = db_prepare(store_db(st), buf_str(&sql), err);
	buf_release(&sql);
	if (s == NULL)
		return -1;
	for (size_t i = 0; i < k; i++) {
		int at = (int)(7 * i);

		db_bind_int(s, at + 1, c[i].task_id);
		db_bind_int(s, at + 2, org_id);
		db_bind_int(s, at + 3, c[i].initiative_id);
		db_bind_int(s, at + 4, c[i].light);
		db_bind_double(s, at + 5, c[i].weight);
		db_bind_int(s, at + 6, c[i].progress);
		if (c[i].next_change == DATE_NONE)
			db_bind_null(s, at + 7);
		else
			db_bind_int(s, at + 7, c[i].next_change);
	}
	return step_done(s, err);
}

int store_light_put_many(struct store *st, int64_t org_id, const struct light_contrib *c, size_t n, struct err *err)
{
	while (n > 0) {
		size_t k = LIM_DB_ROWS_PER_INSERT;

		while (k > n)
			k /= 2;
		if (put_rows(st, org_id, c, k, err) != 0)
			return -1;
		c += k;
		n -= k;
	}
	return 0;
}

int store_light_counts(struct store *st, int64_t org_id, store_light_count_cb cb, void *ctx, struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st), "SELECT initiative_id, light, n, wsum, wacc, psum FROM light_count "
				       "WHERE org_id = ? AND n <> 0 ORDER BY initiative_id, light", err);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	while ((rc = db_step(s, err)) == DB_ROW) {
		rc = cb(ctx, db_col_int(s, 0), (int)db_col_int(s, 1), (long)db_col_int(s, 2), db_col_double(s, 3),
			db_col_double(s, 4), (long)db_col_int(s, 5));
		if (rc != 0)
			break;
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_light_pick(struct store *st, int64_t org_id, int light, int64_t *ids, size_t max, size_t *n,
		     struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st), "SELECT task_id FROM task_light WHERE org_id = ? AND light = ? "
				       "ORDER BY task_id LIMIT ?", err);
	int rc;

	*n = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_int(s, 2, light);
	db_bind_int(s, 3, (int64_t)max);
	while ((rc = db_step(s, err)) == DB_ROW && *n < max)
		ids[(*n)++] = db_col_int(s, 0);
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_light_sum_up(struct store *st, int64_t org_id, struct err *err)
{
	return exec_org(st, "INSERT INTO light_count (org_id, initiative_id, light, n, wsum, wacc, psum) "
			"SELECT org_id, initiative_id, light, count(*), sum(weight), sum(weight * progress), sum(progress) "
			"FROM task_light WHERE org_id = ? GROUP BY org_id, initiative_id, light", org_id, err);
}

int store_record_token(struct store *st, int64_t org_id, int64_t *token, struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st), "SELECT token FROM record_token WHERE org_id = ?", err);
	int rc;

	*token = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	rc = db_step(s, err);
	if (rc == DB_ROW)
		*token = db_col_int(s, 0);
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_record_token_set(struct store *st, int64_t org_id, int64_t token, struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st), "INSERT INTO record_token (org_id, token) VALUES (?, ?) "
				       "ON CONFLICT (org_id) DO UPDATE SET token = excluded.token", err);

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_int(s, 2, token);
	return step_done(s, err);
}

static int facts_step(struct store_facts *f, struct err *err)
{
	int rc = db_step(f->s, err);

	if (rc == DB_ROW) {
		const char *w = db_col_text(f->s, 1);

		f->task_id = db_col_int(f->s, 0);
		snprintf(f->when, sizeof(f->when), "%s", w ? w : "");
		f->percent = (int)db_col_int(f->s, 2);
		return 0;
	}
	f->done = 1;
	return rc < 0 ? -1 : 0;
}

int store_facts_open(struct store *st, int64_t org_id, int closings, struct store_facts *f, struct err *err)
{
	memset(f, 0, sizeof(*f));
	f->s = db_prepare(store_db(st), closings
		? "SELECT task_id, at, 0 FROM task_transition WHERE org_id = ? AND to_state = 'closed' ORDER BY task_id, at"
		: "SELECT task_id, reported_on, percent FROM progress_report WHERE org_id = ? "
		  "ORDER BY task_id, reported_on, id", err);
	if (f->s == NULL) {
		f->done = 1;
		return -1;
	}
	db_bind_int(f->s, 1, org_id);
	return facts_step(f, err);
}

int store_facts_next(struct store_facts *f, struct err *err)
{
	return f->done ? 0 : facts_step(f, err);
}

void store_facts_close(struct store_facts *f)
{
	if (f->s)
		db_done(f->s);
	f->s = NULL;
	f->done = 1;
}
