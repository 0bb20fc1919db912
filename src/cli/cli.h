/*
 * cli.h -- what the command-line front end shares: the command table entry,
 * option parsing, the common options (--db, --org, --json, --lang) and
 * small printing helpers. Commands are thin: parse, call one service,
 * print. Exit codes: 0 ok, 1 failure, 2 bad usage or bad input.
 */
#ifndef PLENUM_CLI_H
#define PLENUM_CLI_H

#include <stdio.h>

struct err;
struct svc;
struct task_view;

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* The options every command takes. */
struct cli_common {
	const char *db;      /* --db, default $PLENUM_DB, else db in /etc/plenum.conf, else plenum.db */
	const char *org;     /* --org KEY: which org, when the database has several */
	int json;            /* --json */
	int zh;              /* --lang zh (default: from $LANG) */
	int help;
};

/* One option of a command. val receives the argument (has_arg) or flag is
 * set to 1. */
struct cli_opt {
	const char *name;    /* without the leading "--" */
	char short_name;     /* 0 for none */
	int has_arg;
	const char **val;
	int *flag;
};

/* Parses argv[0..argc) (argv[0] is the command name) into the common
 * options, the command's own options and up to *npos positionals. On bad
 * usage prints a message naming the option and returns -1. */
int cli_parse(int argc, char **argv, struct cli_common *c, const struct cli_opt *opts,
	      const char **pos, int *npos, const char *usage);

/* Opens the service context for the common options with store_open()'s
 * flags (STORE_READONLY for a command that only reads: it then never waits
 * for a writer and works on a read-only file); on failure prints the error
 * and returns the exit code to use (> 0). need_org: the command works on an
 * org. */
int cli_open(struct svc *svc, const struct cli_common *c, int flags, int need_org);

/* Prints "plenum: <msg>" (and the field) to stderr; returns the exit code. */
int cli_fail(const struct err *err);
int cli_usage(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The text to show: en when English is asked for and present, else zh. */
const char *cli_pick(const struct cli_common *c, const char *zh, const char *en);
/* Prints s padded with spaces to width columns (CJK counted as 2). */
void cli_pad(FILE *f, const char *s, int width);

/* Prints a task in two lines: light, key, title; units, due date, state. */
void cli_print_task(const struct cli_common *c, const struct task_view *t, const char *indent);

/* Commands. */
int cmd_init(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_meeting(int argc, char **argv);
int cmd_initiative(int argc, char **argv);
int cmd_task(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_setting(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_ledger(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_copy(int argc, char **argv);

#endif
