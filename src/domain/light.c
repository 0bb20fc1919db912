/*
 * light.c -- the task light and the initiative roll-up (see light.h).
 */
#include <stdlib.h>
#include <string.h>

#include "light.h"
#include "../core/date.h"
#include "../core/xalloc.h"
#include "../core/banned.h"

static const char *const light_names[LIGHT_COUNT] = { "done", "grey", "green", "yellow", "red" };
static const char *const light_zh[LIGHT_COUNT] = { "已完成", "未开始", "绿", "黄", "红" };
static const char *const light_en[LIGHT_COUNT] = { "done", "not started", "green", "yellow", "red" };

void light_rules_default(struct light_rules *r)
{
	r->red_behind = 30;
	r->yellow_behind = 10;
	r->due_soon_days = 7;
	r->asap_days = 30;
}

const char *light_name(enum light l)
{
	return (unsigned)l < LIGHT_COUNT ? light_names[l] : "?";
}

const char *light_label(enum light l, int zh)
{
	if ((unsigned)l >= LIGHT_COUNT)
		return "?";
	return zh ? light_zh[l] : light_en[l];
}

int light_parse(const char *name)
{
	for (int i = 0; i < LIGHT_COUNT; i++)
		if (strcmp(light_names[i], name) == 0)
			return i;
	return -1;
}

const char *light_reason_text(enum light_reason r, int zh)
{
	switch (r) {
	case LR_CLOSED: return zh ? "已销号" : "closed";
	case LR_NOT_STARTED: return zh ? "尚未开始" : "not yet started";
	case LR_OVERDUE: return zh ? "逾期未办结" : "overdue";
	case LR_BEHIND: return zh ? "滞后于序时进度" : "behind schedule";
	case LR_DUE_SOON: return zh ? "临近期限" : "due soon";
	case LR_REPORT_MISSING: return zh ? "未按期报送进展" : "progress report missing";
	case LR_ON_TRACK: return zh ? "按序时推进" : "on track";
	case LR_NO_DEADLINE: return zh ? "尚未确定期限" : "no deadline yet";
	case LR_NO_PROGRESS: return zh ? "久未报送进展" : "no progress reported for too long";
	default: return "";
	}
}

const char *light_reason_name(enum light_reason r)
{
	static const char *const names[] = {
		"none", "closed", "not_started", "overdue", "behind", "due_soon", "report_missing", "on_track",
		"no_deadline", "no_progress",
	};

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "none";
}

int32_t light_next_report(int32_t from, int cadence)
{
	switch (cadence) {
	case 1: return from + 7;
	case 2: return date_add_months(from, 1);
	case 3: return date_add_months(from, 3);
	case 4: return date_add_months(from, 6);
	default: return DATE_NONE;
	}
}

/* Keeps in *best the earliest of the days after today given to it. */
static void sooner(int32_t *best, int32_t today, int32_t day)
{
	if (day != DATE_NONE && day > today && (*best == DATE_NONE || day < *best))
		*best = day;
}

/* The first day on which the pro-rata schedule expects at least k percent:
 * expected = (day - start) * 100 / span (whole division) before the due
 * date, 100 from it on; DATE_NONE when k > 100 (only overdue goes further). */
static int32_t day_expecting(int32_t starts_on, int32_t span, int k)
{
	if (k > 100)
		return DATE_NONE;
	if (k <= 0)
		return starts_on;
	return starts_on + (int32_t)(((int64_t)k * span + 99) / 100);
}

/* When a dated task's light may next change with the date: each rule below
 * "not started" flips on one day (they are all monotone in the date). */
static int32_t dated_change(const struct task_facts *t, int32_t today, const struct light_rules *r,
			    const struct light_result *out)
{
	int32_t span = t->due_on - t->starts_on, best = DATE_NONE;

	sooner(&best, today, t->due_on + 1);
	if (span > 0) {
		sooner(&best, today, day_expecting(t->starts_on, span, t->percent + r->yellow_behind));
		sooner(&best, today, day_expecting(t->starts_on, span, t->percent + r->red_behind + 1));
	}
	if (t->percent < 100)
		sooner(&best, today, t->due_on - r->due_soon_days);
	if (out->report_due_on != DATE_NONE)
		sooner(&best, today, out->report_due_on + 1);
	return best;
}

/* A task with no due date (asap, unset): no pro-rata schedule, never
 * overdue or due soon. Unset is yellow until a deadline is set; asap turns
 * yellow after asap_days without a report and red after twice that. */
static void undated_light(const struct task_facts *t, int32_t today, const struct light_rules *r,
			  struct light_result *out)
{
	int32_t since = t->has_report ? t->last_report_on : t->starts_on;

	out->expected = -1;
	out->behind = 0;
	out->report_due_on = light_next_report(since, t->cadence);
	out->days_silent = today - since;
	out->changes_on = DATE_NONE;
	if (t->due_kind == DK_ASAP && since != DATE_NONE) {
		sooner(&out->changes_on, today, since + r->asap_days + 1);
		sooner(&out->changes_on, today, since + 2 * r->asap_days + 1);
		if (out->report_due_on != DATE_NONE)
			sooner(&out->changes_on, today, out->report_due_on + 1);
	}
	if (t->due_kind != DK_ASAP) {
		out->light = LIGHT_YELLOW;
		out->reason = LR_NO_DEADLINE;
		return;
	}
	if (out->days_silent > 2 * r->asap_days) {
		out->light = LIGHT_RED;
		out->reason = LR_NO_PROGRESS;
		return;
	}
	if (out->days_silent > r->asap_days) {
		out->light = LIGHT_YELLOW;
		out->reason = LR_NO_PROGRESS;
		return;
	}
	if (out->report_due_on != DATE_NONE && today > out->report_due_on) {
		out->light = LIGHT_YELLOW;
		out->reason = LR_REPORT_MISSING;
		return;
	}
	out->light = LIGHT_GREEN;
	out->reason = LR_ON_TRACK;
}

void task_light(const struct task_facts *t, int32_t today,
		const struct light_rules *r, struct light_result *out)
{
	int32_t span = t->due_on - t->starts_on;
	int32_t since;

	memset(out, 0, sizeof(*out));
	out->report_due_on = DATE_NONE;
	out->changes_on = DATE_NONE;
	if (t->closed) {
		out->light = LIGHT_DONE;
		out->reason = LR_CLOSED;
		out->expected = 100;
		return;
	}
	if (today < t->starts_on) {
		out->light = LIGHT_GREY;
		out->reason = LR_NOT_STARTED;
		out->changes_on = t->starts_on;
		return;
	}
	if (t->due_kind == DK_ASAP || t->due_kind == DK_UNSET || t->due_on == DATE_NONE) {
		undated_light(t, today, r, out);
		return;
	}
	/* A task due today is expected complete today, not overdue yet. */
	if (span <= 0 || today >= t->due_on)
		out->expected = 100;
	else
		out->expected = (int)(((int64_t)(today - t->starts_on) * 100) / span);
	out->behind = out->expected - t->percent;
	since = t->has_report ? t->last_report_on : t->starts_on;
	out->report_due_on = light_next_report(since, t->cadence);
	out->changes_on = dated_change(t, today, r, out);
	if (today > t->due_on) {
		out->light = LIGHT_RED;
		out->reason = LR_OVERDUE;
		out->days_overdue = today - t->due_on;
		return;
	}
	if (out->behind > r->red_behind) {
		out->light = LIGHT_RED;
		out->reason = LR_BEHIND;
		return;
	}
	if (out->behind >= r->yellow_behind) {
		out->light = LIGHT_YELLOW;
		out->reason = LR_BEHIND;
		return;
	}
	if (t->due_on - today <= r->due_soon_days && t->percent < 100) {
		out->light = LIGHT_YELLOW;
		out->reason = LR_DUE_SOON;
		return;
	}
	if (out->report_due_on != DATE_NONE && today > out->report_due_on) {
		out->light = LIGHT_YELLOW;
		out->reason = LR_REPORT_MISSING;
		return;
	}
	out->light = LIGHT_GREEN;
	out->reason = LR_ON_TRACK;
}

/* ---- roll-up ---- */

struct rollup_ctx {
	struct rollup_node *nodes;
	size_t n;
	const struct rollup_sums *own;          /* per node: its own tasks, summed */
	size_t *first_child, *next_sibling;     /* index lists, n = none */
	int *state;                             /* 0 new, 1 visiting, 2 done */
};

static int rollup_visit(struct rollup_ctx *c, size_t i)
{
	struct rollup_node *node = &c->nodes[i];
	const struct rollup_sums *own = &c->own[i];
	double wsum = 0, wacc = 0, sum = 0;
	long measured = 0;
	enum light worst = LIGHT_GREY;
	int any = 0;

	if (c->state[i] == 2)
		return 0;
	if (c->state[i] == 1)
		return -1;
	c->state[i] = 1;
	memset(node->counts, 0, sizeof(node->counts));
	node->tasks = 0;
	for (size_t k = c->first_child[i]; k != c->n; k = c->next_sibling[k]) {
		struct rollup_node *ch = &c->nodes[k];

		if (rollup_visit(c, k) != 0)
			return -1;
		for (int l = 0; l < LIGHT_COUNT; l++)
			node->counts[l] += ch->counts[l];
		node->tasks += ch->tasks;
		if (ch->tasks > 0) {
			worst = !any || ch->light > worst ? ch->light : worst;
			any = 1;
		}
		if (ch->progress >= 0) {
			wsum += ch->weight;
			wacc += ch->weight * ch->progress;
			sum += ch->progress;
			measured++;
		}
	}
	/* The node's own tasks: each counts as one measure, weighted by its
	 * weight; the worst light among them is the largest light counted. */
	for (int l = 0; l < LIGHT_COUNT; l++) {
		if (own->counts[l] == 0)
			continue;
		node->counts[l] += own->counts[l];
		node->tasks += own->counts[l];
		measured += own->counts[l];
		worst = !any || (enum light)l > worst ? (enum light)l : worst;
		any = 1;
	}
	wsum += own->wsum;
	wacc += own->wacc;
	sum += (double)own->psum;
	if (measured == 0)
		node->progress = -1;
	else if (wsum > 0)
		node->progress = wacc / wsum;
	else
		node->progress = sum / (double)measured;
	node->light = any ? worst : LIGHT_GREY;
	c->state[i] = 2;
	return 0;
}

struct id_index {
	int64_t id;
	size_t i;
};

static int id_index_cmp(const void *a, const void *b)
{
	const struct id_index *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The position of node id, or n when absent: binary search in the sorted index. */
static size_t find_node(const struct id_index *index, size_t n, int64_t id)
{
	struct id_index key = { id, 0 };
	const struct id_index *hit = bsearch(&key, index, n, sizeof(*index), id_index_cmp);

	return hit ? hit->i : n;
}

void light_sums_add(struct rollup_sums *s, enum light light, double weight, int progress, int sign)
{
	s->counts[light] += sign;
	s->wsum += sign * weight;
	s->wacc += sign * weight * progress;
	s->psum += sign * progress;
}

/* Sums (one per initiative, any order, several for one initiative allowed)
 * onto the nodes; sums of initiatives not among the nodes are left out. */
static int rollup(struct rollup_node *nodes, size_t n, const struct id_index *index, struct rollup_sums *own)
{
	struct rollup_ctx c = { nodes, n, own, NULL, NULL, NULL };
	int rc = -1;

	c.first_child = xcalloc(n + 1, sizeof(size_t));
	c.next_sibling = xcalloc(n + 1, sizeof(size_t));
	c.state = xcalloc(n + 1, sizeof(int));
	for (size_t i = 0; i < n; i++) {
		c.first_child[i] = n;
		c.next_sibling[i] = n;
	}
	/* Build child lists in reverse so that they come out in input order. */
	for (size_t i = n; i-- > 0;) {
		size_t p = nodes[i].parent_id ? find_node(index, n, nodes[i].parent_id) : n;

		if (p == i)
			goto out;
		if (p < n) {
			c.next_sibling[i] = c.first_child[p];
			c.first_child[p] = i;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (rollup_visit(&c, i) != 0)
			goto out;
	rc = 0;
out:
	free(c.first_child);
	free(c.next_sibling);
	free(c.state);
	return rc;
}

static struct id_index *make_index(const struct rollup_node *nodes, size_t n)
{
	struct id_index *index = xcalloc(n + 1, sizeof(*index));

	for (size_t i = 0; i < n; i++) {
		index[i].id = nodes[i].id;
		index[i].i = i;
	}
	qsort(index, n, sizeof(*index), id_index_cmp);
	return index;
}

int light_rollup(struct rollup_node *nodes, size_t n,
		 const struct rollup_task *tasks, size_t ntasks)
{
	struct id_index *index = make_index(nodes, n);
	struct rollup_sums *own = xcalloc(n + 1, sizeof(*own));
	int rc;

	for (size_t k = 0; k < ntasks; k++) {
		size_t p = find_node(index, n, tasks[k].initiative_id);

		if (p < n)
			light_sums_add(&own[p], tasks[k].light, tasks[k].weight, tasks[k].progress, 1);
	}
	rc = rollup(nodes, n, index, own);
	free(own);
	free(index);
	return rc;
}

int light_rollup_sums(struct rollup_node *nodes, size_t n, const struct rollup_sums *sums, size_t nsums)
{
	struct id_index *index = make_index(nodes, n);
	struct rollup_sums *own = xcalloc(n + 1, sizeof(*own));
	int rc;

	for (size_t k = 0; k < nsums; k++) {
		size_t p = find_node(index, n, sums[k].initiative_id);

		if (p >= n)
			continue;
		for (int l = 0; l < LIGHT_COUNT; l++)
			own[p].counts[l] += sums[k].counts[l];
		own[p].wsum += sums[k].wsum;
		own[p].wacc += sums[k].wacc;
		own[p].psum += sums[k].psum;
	}
	rc = rollup(nodes, n, index, own);
	free(own);
	free(index);
	return rc;
}
