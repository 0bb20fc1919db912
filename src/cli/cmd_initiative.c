/*
 * cmd_initiative.c -- plenum initiative tree: the roll-up of the initiatives
 * (重点工程), their weighted progress and worst light, for a terminal.
 *
 * Not for the roll-up itself (service/initiative.c, domain/light.c).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../io/views.h"
#include "../service/initiative.h"
#include "../core/banned.h"

static int tree_run(struct cli_run *r)
{
	const struct cli_common *c = &r->c;
	struct arena a = ARENA_INIT;
	struct initiative_view *v;
	struct err err = ERR_INIT;
	size_t n;
	int rc;

	rc = cli_ready(r);
	if (rc)
		return rc;
	if (initiative_tree(&r->svc, &a, &v, &n, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (c->json) {
		rc = view_print(view_initiatives(v, n)) ? EXIT_FAIL : EXIT_OK;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char prog[16];
		const char *title = cli_pick(c, v[i].row.title, v[i].row.title_en);
		char line[512];

		if (v[i].roll.progress >= 0)
			snprintf(prog, sizeof(prog), "%5.1f%%", v[i].roll.progress);
		else
			snprintf(prog, sizeof(prog), "  —   ");
		snprintf(line, sizeof(line), "%*s%s %s", v[i].depth * 2, "", v[i].row.code, title);
		cli_pad(stdout, line, 64);
		printf(" %s  %-11s  %s %d  %s %d  %s %d  %s %d  %s %d\n", prog, light_label(v[i].roll.light, c->zh),
		       light_label(LIGHT_RED, c->zh), v[i].roll.counts[LIGHT_RED],
		       light_label(LIGHT_YELLOW, c->zh), v[i].roll.counts[LIGHT_YELLOW],
		       light_label(LIGHT_GREEN, c->zh), v[i].roll.counts[LIGHT_GREEN],
		       light_label(LIGHT_GREY, c->zh), v[i].roll.counts[LIGHT_GREY],
		       light_label(LIGHT_DONE, c->zh), v[i].roll.counts[LIGHT_DONE]);
	}
out:
	arena_release(&a);
	return rc;
}


const struct cli_command cmd_initiative_commands[] = {
	{ "initiative tree", "the initiatives with their progress and lights", NULL, 0, NULL,
	  CMD_NEEDS_DB | CMD_ORG | CMD_JSON, tree_run,
	  "Shows every initiative with its weighted progress, its worst light and the\n"
	  "count of tasks of each light below it.\n" },
	{ NULL, NULL, NULL, 0, NULL, 0, NULL, NULL },
};
