/*
 * initiative.c -- the initiative tree and roll-up (see initiative.h).
 */
#include <stdlib.h>
#include <string.h>

#include "initiative.h"
#include "task.h"
#include "lights.h"

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

/* The tree of rows with the roll-up of the tasks' sums. */
static int tree_from_sums(struct svc *svc, struct arena *a, const struct rollup_sums *sums, size_t nsums,
			  struct initiative_view **out, size_t *n, struct err *err)
{
	struct initiative_row *rows = NULL;
	struct rollup_node *nodes;
	size_t nrows = 0, k = 0;
	char *placed;

	*out = NULL;
	*n = 0;
	if (store_initiative_list(svc->st, svc->org.id, a, &rows, &nrows, err) != 0)
		return -1;
	nodes = arena_calloc(a, nrows + 1, sizeof(*nodes));
	for (size_t i = 0; i < nrows; i++) {
		nodes[i].id = rows[i].id;
		nodes[i].parent_id = rows[i].parent_id;
		nodes[i].weight = rows[i].weight;
	}
	if (light_rollup_sums(nodes, nrows, sums, nsums) != 0)
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

int initiative_tree(struct svc *svc, struct arena *a, struct initiative_view **out, size_t *n,
		    struct err *err)
{
	int fresh;

	if (initiative_tree_counted(svc, a, out, n, &fresh, err) != 0)
		return -1;
	return fresh ? 0 : initiative_tree_scan(svc, a, out, n, NULL, NULL, err);
}

int initiative_tree_counted(struct svc *svc, struct arena *a, struct initiative_view **out, size_t *n, int *fresh,
			    struct err *err)
{
	struct rollup_sums *sums;
	size_t nsums;

	*out = NULL;
	*n = 0;
	if (lights_fresh(svc, fresh, err) != 0)
		return -1;
	if (!*fresh)
		return 0;
	if (lights_stored(svc, a, &sums, &nsums, err) != 0)
		return -1;
	return tree_from_sums(svc, a, sums, nsums, out, n, err);
}

int initiative_tree_scan(struct svc *svc, struct arena *a, struct initiative_view **out, size_t *n,
			 task_scan_cb also, void *also_ctx, struct err *err)
{
	struct rollup_sums *sums;
	size_t nsums;

	/* Streamed: a province's tasks are never all held at once; lean: the
	 * roll-up reads no names or titles. The counts are stale (or this
	 * would not run): the server recounts them after this request. */
	if (lights_recount(svc, a, &sums, &nsums, also, also_ctx, err) != 0)
		return -1;
	svc->lights.stale = 1;
	return tree_from_sums(svc, a, sums, nsums, out, n, err);
}
