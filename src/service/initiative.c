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

/* Tree order: each row, then its children (in row order), depth first.
 * first/next: child lists by row index (n = none), built once, so a
 * province's thousand initiatives are placed in one pass, not n per node. */
static void place(const struct initiative_row *rows, const struct rollup_node *nodes, const size_t *first,
		  const size_t *next, size_t n, size_t i, int depth, struct initiative_view *out, size_t *k, char *placed)
{
	if (placed[i])
		return;
	placed[i] = 1;
	out[*k].row = rows[i];
	out[*k].roll = nodes[i];
	out[*k].depth = depth;
	(*k)++;
	for (size_t c = first[i]; c != n; c = next[c])
		place(rows, nodes, first, next, n, c, depth + 1, out, k, placed);
}

struct by_id {
	int64_t id;
	size_t i;
};

static int by_id_cmp(const void *a, const void *b)
{
	const struct by_id *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Every row in tree order: roots (no parent, or a parent not among the
 * rows, as before) first by row order, each followed by its subtree. */
static void place_all(const struct initiative_row *rows, const struct rollup_node *nodes, size_t n,
		      struct initiative_view *out, size_t *k, char *placed)
{
	struct by_id *index = xcalloc(n + 1, sizeof(*index));
	size_t *first = xcalloc(n + 1, sizeof(*first)), *next = xcalloc(n + 1, sizeof(*next)), *last;
	size_t *parent = xcalloc(n + 1, sizeof(*parent));

	last = xcalloc(n + 1, sizeof(*last));
	for (size_t i = 0; i < n; i++) {
		index[i].id = rows[i].id;
		index[i].i = i;
		first[i] = next[i] = last[i] = n;
	}
	qsort(index, n, sizeof(*index), by_id_cmp);
	for (size_t i = 0; i < n; i++) {
		struct by_id key = { rows[i].parent_id, 0 }, *hit;

		hit = rows[i].parent_id ? bsearch(&key, index, n, sizeof(*index), by_id_cmp) : NULL;
		parent[i] = hit ? hit->i : n;
		if (parent[i] == n)
			continue;
		if (first[parent[i]] == n)
			first[parent[i]] = i;
		else
			next[last[parent[i]]] = i;
		last[parent[i]] = i;
	}
	for (size_t i = 0; i < n; i++)
		if (rows[i].parent_id == 0)
			place(rows, nodes, first, next, n, i, 0, out, k, placed);
	free(index);
	free(first);
	free(next);
	free(last);
	free(parent);
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
	place_all(rows, nodes, nrows, *out, &k, placed);
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
