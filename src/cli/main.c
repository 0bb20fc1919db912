/*
 * main.c -- plenum's entry point: the list of the command table's slices
 * (one a family file, cmd_*.c), the global options, --version, and the
 * hand-over to the dispatcher (cli.c).
 *
 * Not for any command's options or help: those are in its table entry.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../core/banned.h"

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* The command table: every family's slice, in the order of plenum --help. */
const struct cli_command *const cli_slices[] = {
	cmd_data_commands,
	cmd_meeting_commands,
	cmd_initiative_commands,
	cmd_task_commands,
	cmd_check_commands,
	cmd_report_commands,
	cmd_setting_commands,
	cmd_audit_commands,
	NULL,
};

/* Families not yet in the table. */
static const struct cmd commands[] = {
	{ "backup", cmd_backup, "write a checked copy of the whole database while it is in use" },
	{ "restore", cmd_restore, "check a backup, save the current database, then replace it" },
	{ "serve", cmd_serve, "serve the web application and the JSON API (plenum.service runs it)" },
	{ "user", cmd_user, "add users, set passwords, disable, issue API tokens" },
	{ "routes", cmd_routes, "list the API's routes, or print its OpenAPI document" },
};

static void help(FILE *f)
{
	cli_help_all(f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
	int first = 1;

	/* Global options may come before the command: plenum --db x.db meeting list */
	while (first < argc && strncmp(argv[first], "--", 2) == 0 && strcmp(argv[first], "--help") != 0 &&
	       strcmp(argv[first], "--version") != 0) {
		first += strchr(argv[first], '=') || strcmp(argv[first], "--json") == 0 ? 1 : 2;
	}
	if (first >= argc) {
		help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[first], "--help") == 0 || strcmp(argv[first], "-h") == 0) {
		help(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[first], "help") == 0)
		return cli_help(argc - first, argv + first);
	if (strcmp(argv[first], "--version") == 0 || strcmp(argv[first], "version") == 0) {
		printf("plenum %s\n", PLENUM_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[first], commands[i].name) == 0) {
			/* Hand the command its argv, with the global options moved after it. */
			char *args[256];
			int n = 0;

			if (argc > (int)(sizeof(args) / sizeof(args[0])))
				return EXIT_USAGE;
			args[n++] = argv[first];
			for (int k = first + 1; k < argc; k++)
				args[n++] = argv[k];
			for (int k = 1; k < first; k++)
				args[n++] = argv[k];
			return commands[i].run(n, args);
		}
	}
	{
		char *args[CLI_MAX_WORDS];
		int n = 0, rc;

		if (argc > CLI_MAX_WORDS)
			return EXIT_USAGE;
		args[n++] = argv[first];
		for (int k = first + 1; k < argc; k++)
			args[n++] = argv[k];
		for (int k = 1; k < first; k++)
			args[n++] = argv[k];
		rc = cli_dispatch(n, args);
		if (rc >= 0)
			return rc;
	}
	fprintf(stderr, "plenum: unknown command \"%s\"\n", argv[first]);
	help(stderr);
	return EXIT_USAGE;
}
