/*
 * initiative.c -- the initiative tree and roll-up (see initiative.h).
 */
#include <stdlib.h>
#include <string.h>

#include "initiative.h"
#include "task.h"

#include "../core/xalloc.h"
#include "../core/banned.h"

static void place(const struct initiative_row *rows, size_t n, const struct rollup_node *nodes,
		  int64_t parent, int depth, struct initiative_view *out, size_t *k, char *placed)
{
	for (size_t i = 0; i < n; i++) {
		if (placed[i] || rows[i].parent_id != parent)
			continue;
		placed[i] = 1;
		out[*k].row = rows[i];
		out[*k].roll = nodes[i];
		out[*k].depth = depth;
		(*k)++;
		place(rows, n, nodes, rows[i].id, depth + 1, out, k, placed);
	}
}

struct task_facts_list {
	struct rollup_task *items;
	size_t n, cap;
	task_scan_cb also;
	void *also_ctx;
};

/* Only what the roll-up needs is kept of each task; the caller's own
 * callback, if any, sees the task too, so one scan serves both. */
static int keep_fact(void *ctx, const struct task_view *t)
{
	struct task_facts_list *l = ctx;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->items = xreallocarray(l->items, l->cap, sizeof(*l->items));
	}
	l->items[l->n].initiative_id = t->row.initiative_id;
	l->items[l->n].weight = t->row.weight;
	l->items[l->n].progress = t->state == TS_CLOSED ? 100 : t->row.percent;
	l->items[l->n].light = t->light.light;
	l->n++;
	return l->also ? l->also(l->also_ctx, t) : 0;
}

int initiative_tree(struct svc *svc, struct arena *a, struct initiative_view **out, size_t *n,
		    struct err *err)
{
	return initiative_tree_scan(svc, a, out, n, NULL, NULL, err);
}

int initiative_tree_scan(struct svc *svc, struct arena *a, struct initiative_view **out, size_t *n,
			 task_scan_cb also, void *also_ctx, struct err *err)
{
	struct initiative_row *rows = NULL;
	struct task_facts_list facts = { NULL, 0, 0, also, also_ctx };
	struct task_filter lean;
	struct rollup_node *nodes;
	size_t nrows = 0, k = 0;
	char *placed;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_initiative_list(svc->st, svc->org.id, a, &rows, &nrows, err) != 0)
		return -1;
	/* Streamed: a province's tasks are never all held at once; lean: the
	 * roll-up reads no names or titles. */
	memset(&lean, 0, sizeof(lean));
	lean.lean = 1;
	if (task_scan(svc, &lean, keep_fact, &facts, err) != 0) {
		free(facts.items);
		return -1;
	}
	nodes = arena_calloc(a, nrows + 1, sizeof(*nodes));
	for (size_t i = 0; i < nrows; i++) {
		nodes[i].id = rows[i].id;
		nodes[i].parent_id = rows[i].parent_id;
		nodes[i].weight = rows[i].weight;
	}
	rc = light_rollup(nodes, nrows, facts.items, facts.n);
	free(facts.items);
	if (rc != 0)
		return err_set(err, ST_FAIL, "the initiative tree has a cycle");
	*out = arena_calloc(a, nrows + 1, sizeof(**out));
	placed = arena_calloc(a, nrows + 1, 1);
	place(rows, nrows, nodes, 0, 0, *out, &k, placed);
	/* Rows whose parent is missing still show, at the top level. */
	for (size_t i = 0; i < nrows; i++) {
		if (placed[i])
			continue;
		placed[i] = 1;
		(*out)[k].row = rows[i];
		(*out)[k].roll = nodes[i];
		(*out)[k++].depth = 0;
	}
	*n = k;
	return 0;
}
