/*
 * initiative.c -- the initiative tree and roll-up (see initiative.h).
 */
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

int initiative_tree(struct svc *svc, struct arena *a, struct initiative_view **out, size_t *n,
		    struct err *err)
{
	struct initiative_row *rows = NULL;
	struct task_view *tasks = NULL;
	struct rollup_node *nodes;
	struct rollup_task *rt;
	size_t nrows = 0, ntasks = 0, k = 0;
	char *placed;

	*out = NULL;
	*n = 0;
	if (store_initiative_list(svc->st, svc->org.id, a, &rows, &nrows, err) != 0)
		return -1;
	if (task_list(svc, NULL, -1, a, &tasks, &ntasks, err) != 0)
		return -1;
	nodes = arena_calloc(a, nrows + 1, sizeof(*nodes));
	rt = arena_calloc(a, ntasks + 1, sizeof(*rt));
	for (size_t i = 0; i < nrows; i++) {
		nodes[i].id = rows[i].id;
		nodes[i].parent_id = rows[i].parent_id;
		nodes[i].weight = rows[i].weight;
	}
	for (size_t i = 0; i < ntasks; i++) {
		rt[i].initiative_id = tasks[i].row.initiative_id;
		rt[i].weight = tasks[i].row.weight;
		rt[i].progress = tasks[i].state == TS_CLOSED ? 100 : tasks[i].row.percent;
		rt[i].light = tasks[i].light.light;
	}
	if (light_rollup(nodes, nrows, rt, ntasks) != 0)
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
