/*
 * cmd_setting.c -- plenum setting list|set: the org's rule thresholds for
 * the lights and the compliance check.
 *
 * Not for what the thresholds mean (service/settings, domain/light.c).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../core/banned.h"

static int list_run(struct cli_run *r)
{
	int rc = cli_ready(r);

	if (rc)
		return rc;
	for (int i = 0; svc_settings[i].name; i++)
		printf("%-28s %4d   (default %d) %s\n", svc_settings[i].name, svc_setting_value(&r->svc, i),
		       svc_settings[i].def, svc_settings[i].help);
	return EXIT_OK;
}

static int set_run(struct cli_run *r)
{
	struct err err = ERR_INIT;
	int rc;

	if (r->narg != 2)
		return cli_bad(r, "expected set NAME VALUE");
	rc = cli_ready(r);
	if (rc)
		return rc;
	if (svc_settings_write(&r->svc, &r->arg[0], &r->arg[1], 1, &err) != 0)
		return cli_fail(&err);
	printf("%s = %s\n", r->arg[0], r->arg[1]);
	return EXIT_OK;
}

const struct cli_command cmd_setting_commands[] = {
	{ "setting list", "the org's rule thresholds, with their defaults", NULL, 0, NULL,
	  CMD_NEEDS_DB | CMD_ORG, list_run,
	  "The org's rule thresholds for lights and the compliance check.\n" },
	{ "setting set", "change one threshold", "NAME VALUE", 2, NULL,
	  CMD_NEEDS_DB | CMD_WRITES | CMD_ORG, set_run,
	  "Changes one of the org's rule thresholds ('plenum setting list' names them\n"
	  "and their ranges); the change is audited.\n" },
	{ NULL, NULL, NULL, 0, NULL, 0, NULL, NULL },
};
