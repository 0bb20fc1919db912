/*
 * cli.h -- what the command-line front end shares: the command table entry,
 * option parsing, the common options (--db, --org, --json, --lang) and
 * small printing helpers. Commands are thin: parse, call one service,
 * print. Exit codes: 0 ok, 1 failure, 2 bad usage or bad input.
 */
#ifndef PLENUM_CLI_H
#define PLENUM_CLI_H

#include <stdio.h>

#include "../service/service.h"

struct buf;
struct err;
struct svc;
struct task_view;

#define PLENUM_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* The options every command takes. */
struct cli_common {
	const char *db;      /* --db, default $PLENUM_DB, else db in /etc/plenum.conf, else plenum.db */
	const char *org;     /* --org KEY: which org, when the database has several */
	int json;            /* --json */
	int zh;              /* --lang zh (default: from $LANG) */
	int help;
};

/* One option of a command, as its table lists it: the parser, --help and the
 * manual page all read this one line. */
struct cli_option {
	const char *name;    /* without the leading "--" */
	char short_name;     /* 0 for none */
	const char *arg;     /* the value's name in help ("KEY"), NULL for a flag */
	const char *help;    /* one line, for --help and the manual */
	int required;        /* the parser refuses the command without it */
};

/* What the dispatcher does around a command's handler (git's RUN_SETUP). */
enum cli_command_flag {
	CMD_NEEDS_DB = 1 << 0,  /* cli_ready() opens the store (--db resolved once); closed after the handler */
	CMD_WRITES = 1 << 1,    /* open read-write (waits for another writer); else read only */
	CMD_CREATES = 1 << 2,   /* create the database when it does not exist (implies CMD_WRITES) */
	CMD_INIT = 1 << 3,      /* as CMD_CREATES, and an empty file is accepted (plenum init) */
	CMD_ORG = 1 << 4,       /* resolve --org: the command works on one org, an error when none is chosen */
	CMD_JSON = 1 << 5,      /* the command prints --json (shown in its synopsis and options) */
};

struct cli_run;

/* One command: one entry of a family's table slice (cmd_*.c), listed by
 * main.c. Adding a command is one entry and one handler. */
struct cli_command {
	const char *name;        /* "task list", or "check" for a command without subcommands */
	const char *summary;     /* one line, for plenum --help */
	const char *args;        /* the positionals in the synopsis ("KEY"), or NULL */
	int maxargs;             /* how many positionals the parser accepts */
	const struct cli_option *options;  /* NULL-name terminated, or NULL */
	int flags;               /* enum cli_command_flag */
	int (*run)(struct cli_run *r);
	const char *description; /* paragraphs for --help and the manual, lines ending in \n */
};

/* The limits of the command tables (checked by tests/cli/commands.sh
 * through `plenum help --table`). */
#define CLI_MAX_OPTIONS 24
#define CLI_MAX_ARGS 8
#define CLI_USAGE_BYTES 1024
#define CLI_MAX_WORDS 256     /* the words of one command line */

/* One run of a command: what the parser found, and the store the dispatcher
 * opened for it. Handlers read the fields; do not write them except c.org
 * before cli_ready() (init, demo and import take no org from --org). */
struct cli_run {
	const struct cli_command *cmd;
	struct cli_common c;
	const char *arg[CLI_MAX_ARGS];        /* the positionals */
	int narg;
	const char *val[CLI_MAX_OPTIONS];     /* by option index: the value, "" for a flag; NULL when absent */
	char usage[CLI_USAGE_BYTES];          /* "plenum task list [--unit KEY] ..." */
	struct svc svc;                       /* open after cli_ready() */
	int open;
};

/* The value of the command's option NAME, or NULL when it was not given or
 * the command has no such option (a handler shared by several commands
 * reads them all; tests/cli/commands.sh checks that every name read is in
 * an option table of its file). */
const char *cli_opt(const struct cli_run *r, const char *name);
/* 1 when the flag NAME was given, else 0. */
int cli_flag(const struct cli_run *r, const char *name);

/* Opens the store as the command's flags say, once the handler has checked
 * its input (bad input is refused before a database is touched or created):
 * 0 with r->svc open, or the exit code to return after printing the error.
 * The dispatcher closes the store after the handler returns. */
int cli_ready(struct cli_run *r);

/* Runs the command named by argv[0] (and a subcommand word after it,
 * wherever it stands among the options): parse, --help, the handler, the
 * store's close. Returns the exit code, or -1 when argv[0] names no
 * command. */
int cli_dispatch(int argc, char **argv);
/* The command named name ("task list"), or NULL. */
const struct cli_command *cli_find(const char *name);
/* 1 when c is a subcommand of family ("task list" of "task"), else 0. */
int cli_in_family(const struct cli_command *c, const char *family);

/* help.c: the texts made from the tables. */
/* plenum --help. */
void cli_help_all(FILE *f);
/* plenum help [COMMAND [SUBCOMMAND]], and the hidden plenum help --man
 * [--date YYYY-MM-DD] (the manual page plenum(1) in roff) and help --table
 * (a line a command: its name, a tab, its options; for the tests). */
int cli_help(int argc, char **argv);
/* plenum CMD --help. */
void cli_help_command(FILE *f, const struct cli_command *cmd);
/* plenum FAMILY --help: its commands and their summaries; returns EXIT_OK. */
int cli_help_family(FILE *f, const char *family);
/* "plenum task list [--unit KEY] ...", wrapped for a terminal. */
void cli_usage_line(const struct cli_command *cmd, char *out, size_t size);
/* "plenum task list|show|... ...": 0, or -1 when family has no commands. */
int cli_family_usage(const char *family, char *out, size_t size);

/* Prints "plenum: <msg>" (and the field) to stderr; returns the exit code. */
int cli_fail(const struct err *err);
/* Writes b to path ("-" or NULL: standard output). A regular file (or a new
 * one) is written beside and renamed over, so a failure leaves no half file;
 * anything else that exists (/dev/null, a pipe, a terminal) is written in
 * place, never replaced. 0, or -1 with errno set. */
int cli_write_out(const char *path, const struct buf *b);
/* Prints "plenum: <msg>" and the usage line usage to stderr; returns
 * EXIT_USAGE. */
int cli_usage(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Bad usage of the command r: prints "plenum: <msg>" and its usage line to
 * stderr; returns EXIT_USAGE. */
int cli_bad(const struct cli_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The text to show: en when English is asked for and present, else zh. */
const char *cli_pick(const struct cli_common *c, const char *zh, const char *en);
/* Prints s padded with spaces to width columns (CJK counted as 2). */
void cli_pad(FILE *f, const char *s, int width);

/* Prints a task in two lines: light, key, title; units, due date, state. */
void cli_print_task(const struct cli_common *c, const struct task_view *t, const char *indent);

/* The table slices: each family's commands, in the order of plenum --help,
 * ended by an entry with a NULL name. main.c lists them. */
extern const struct cli_command cmd_data_commands[];
extern const struct cli_command cmd_meeting_commands[];
extern const struct cli_command cmd_initiative_commands[];
extern const struct cli_command cmd_task_commands[];
extern const struct cli_command cmd_check_commands[];
extern const struct cli_command cmd_report_commands[];
extern const struct cli_command cmd_setting_commands[];
extern const struct cli_command cmd_audit_commands[];
extern const struct cli_command cmd_backup_commands[];
extern const struct cli_command cmd_server_commands[];
extern const struct cli_command cmd_user_commands[];
extern const struct cli_command cmd_copy_commands[];

/* main.c: every slice, NULL-terminated. */
extern const struct cli_command *const cli_slices[];


#endif
