/*
 * main.c -- plenum's entry point: the command table and global help.
 *
 * Each command lives in a cmd_*.c file and is one entry here; `plenum help`
 * and `plenum --help` print this table.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../core/banned.h"

#define PLENUM_VERSION "0.1.0"

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct cmd commands[] = {
	{ "init", cmd_init, "create an empty database, or an org in it" },
	{ "demo", cmd_demo, "load the Jiangmen demo (data/demo/jiangmen.json)" },
	{ "import", cmd_import, "load an org from a JSON document (all or nothing)" },
	{ "export", cmd_export, "write the whole org as one JSON document" },
	{ "meeting", cmd_meeting, "list study meetings, or show one whole record" },
	{ "initiative", cmd_initiative, "show the initiative tree with progress and lights" },
	{ "task", cmd_task, "list, show, report progress on and move tasks" },
	{ "check", cmd_check, "compliance findings for a group and year" },
	{ "ledger", cmd_ledger, "import a task ledger (CSV or XLSX) in one transaction" },
	{ "report", cmd_report, "minutes, briefs, the dossier, notices, the ledger, calendars, packages" },
	{ "setting", cmd_setting, "show or change the org's rule thresholds" },
	{ "audit", cmd_audit, "verify the audit trail's hash chain" },
	{ "backup", cmd_backup, "write a checked copy of the whole database while it is in use" },
	{ "copy", cmd_copy, "copy orgs between databases (SQLite file, PostgreSQL URL), audit chain kept" },
	{ "restore", cmd_restore, "check a backup, save the current database, then replace it" },
	{ "serve", cmd_serve, "serve the web application and the JSON API (plenum.service runs it)" },
	{ "user", cmd_user, "add users, set passwords, disable, issue API tokens" },
	{ "routes", cmd_routes, "list the API's routes, or print its OpenAPI document" },
};

static void help(FILE *f)
{
	fputs("plenum -- the record of a Theoretical Learning Center Group (中心组):\n"
	      "its study meetings, and the follow-through of what they decided.\n\n"
	      "usage: plenum COMMAND [--db FILE] [--org KEY] [options]\n\n"
	      "commands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fputs("\nEvery command takes --db FILE (default $PLENUM_DB, else db in /etc/plenum.conf or\n"
	      "$PLENUM_CONFIG, else plenum.db) and --help. plenum --version prints the version.\n"
	      "Exit status: 0 ok, 1 failure, 2 bad usage or bad input. The manual: man plenum.\n", f);
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
	if (strcmp(argv[first], "--help") == 0 || strcmp(argv[first], "-h") == 0 ||
	    strcmp(argv[first], "help") == 0) {
		help(stdout);
		return EXIT_OK;
	}
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
	fprintf(stderr, "plenum: unknown command \"%s\"\n", argv[first]);
	help(stderr);
	return EXIT_USAGE;
}
