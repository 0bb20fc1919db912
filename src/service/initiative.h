/*
 * initiative.h -- the initiative tree with its roll-up: weighted progress,
 * worst light and light counts at every level (rules in light.h).
 */
#ifndef PLENUM_INITIATIVE_H
#define PLENUM_INITIATIVE_H

#include <stddef.h>

#include "service.h"
#include "task.h"

struct initiative_view {
	struct initiative_row row;
	struct rollup_node roll;
	int depth;                   /* 0 for a project, 1 for its directions... */
};

/* Every initiative of the org in tree order (parents before children,
 * siblings by code), with its roll-up. */
int initiative_tree(struct svc *svc, struct arena *a, struct initiative_view **out, size_t *n,
		    struct err *err);
/* From the stored light counts (lights.h) when they hold for today
 * (*fresh = 1); otherwise *fresh = 0 and nothing is read. */
int initiative_tree_counted(struct svc *svc, struct arena *a, struct initiative_view **out, size_t *n, int *fresh,
			    struct err *err);
/* Computed from the tasks (the counts being stale), passing every task of the scan to also(also_ctx, task) as
 * well, for a caller that needs the tasks too (the dashboard's red and
 * yellow lists): one pass over the tasks instead of two. The tasks are lean
 * (store.h task_filter.lean): their lights are right, their names absent;
 * task_scan_ids() gives the whole view of those the caller keeps. */
int initiative_tree_scan(struct svc *svc, struct arena *a, struct initiative_view **out, size_t *n,
			 task_scan_cb also, void *also_ctx, struct err *err);

#endif
