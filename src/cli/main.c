/*
 * main.c -- plenum's entry point: the command table (the list of the
 * families' slices, one a cmd_*.c file), the global options that may come
 * before the command, --version, and the hand-over to the dispatcher.
 *
 * Not for any command's options or help: those are in its table entry.
 * Adding a command: one entry in its family's slice and one handler; a new
 * family adds its slice here.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../core/banned.h"

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
	cmd_backup_commands,
	cmd_copy_commands,
	cmd_server_commands,
	cmd_user_commands,
	NULL,
};

int main(int argc, char **argv)
{
	char *args[CLI_MAX_WORDS];
	int first = 1, n = 0, rc;

	/* Global options may come before the command: plenum --db x meeting list */
	while (first < argc && strncmp(argv[first], "--", 2) == 0 && strcmp(argv[first], "--help") != 0 &&
	       strcmp(argv[first], "--version") != 0) {
		first += strchr(argv[first], '=') || strcmp(argv[first], "--json") == 0 ? 1 : 2;
	}
	if (first >= argc) {
		cli_help_all(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[first], "--help") == 0 || strcmp(argv[first], "-h") == 0) {
		cli_help_all(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[first], "help") == 0)
		return cli_help(argc - first, argv + first);
	if (strcmp(argv[first], "--version") == 0 || strcmp(argv[first], "version") == 0) {
		printf("plenum %s\n", PLENUM_VERSION);
		return EXIT_OK;
	}
	if (argc > CLI_MAX_WORDS) {
		fprintf(stderr, "plenum: too many arguments (at most %d)\n", CLI_MAX_WORDS - 1);
		return EXIT_USAGE;
	}
	/* Hand the command its words, with the global options moved after it. */
	args[n++] = argv[first];
	for (int k = first + 1; k < argc; k++)
		args[n++] = argv[k];
	for (int k = 1; k < first; k++)
		args[n++] = argv[k];
	rc = cli_dispatch(n, args);
	if (rc >= 0)
		return rc;
	fprintf(stderr, "plenum: unknown command \"%s\"\n", argv[first]);
	cli_help_all(stderr);
	return EXIT_USAGE;
}
