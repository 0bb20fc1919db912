/*
 * help.c -- every text made from the command tables: plenum --help, each
 * command's --help and usage line, plenum help COMMAND, and the manual page
 * plenum(1) in roff (plenum help --man; the Makefile installs it). One
 * source: a command's options and words are written once, in its table
 * entry, and nothing here describes a command.
 *
 * Not for parsing or running commands (cli.c) nor for what a command does
 * (cmd_*.c). The environment and files sections of the manual are listed
 * here, as they belong to no one command.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "../core/text.h"
#include "../core/banned.h"

#define USAGE_COLUMNS 100   /* where usage lines are wrapped */

/* The variables plenum reads (tests/cli/commands.sh checks that every
 * getenv() of the sources is here). */
static const struct {
	const char *name, *text;
} environment[] = {
	{ "PLENUM_DB", "the database when --db is not given (before the configuration file's db)" },
	{ "PLENUM_CONFIG", "the configuration file to read instead of " CONFIG_DEFAULT_PATH "; it must exist" },
	{ "PLENUM_DEMO", "the demo data for plenum demo" },
	{ "PLENUM_TEMPLATES", "a directory of report templates to use instead of the built-in ones" },
	{ "PLENUM_AUDIT_KEY", "the key file that signs audit checkpoints (default: .plenum-audit-key in the database's directory)" },
	{ "PLENUM_CHECKPOINTS", "the signed checkpoint file (default: DB.checkpoints beside the database)" },
	{ "PLENUM_CHECKPOINT_SECONDS", "at most one checkpoint a write adds in this many seconds (default 10)" },
	{ "PLENUM_TODAY", "the date to take as today, YYYY-MM-DD (for tests and demonstrations)" },
	{ "PLENUM_DB_FAIL", "N: the Nth database call fails (for tests of failure handling)" },
	{ "LANG", "reports and messages in Chinese when it starts with zh, unless --lang is given" },
	{ "USER", "the actor the audit trail names for the command line's writes" },
};

static const char intro[] =
	"plenum -- the record of a Theoretical Learning Center Group (中心组):\n"
	"its study meetings, and the follow-through of what they decided.\n";

static const char outro[] =
	"Every command takes --db FILE (default $PLENUM_DB, else db in /etc/plenum.conf or\n"
	"$PLENUM_CONFIG, else plenum.db), --help, and --org KEY when the database holds several\n"
	"orgs. plenum help COMMAND is plenum COMMAND --help; plenum --version prints the version.\n"
	"Exit status: 0 ok, 1 failure, 2 bad usage or bad input. The manual: man plenum.\n";

/* ---- usage lines ---- */

/* Appends s to out (at *len) within size; wraps before s when the line
 * would pass USAGE_COLUMNS. *col is the current column. */
static void add_word(char *out, size_t size, size_t *len, int *col, int indent, const char *s)
{
	int w = (int)text_width(s);
	int n;

	if (*col + w > USAGE_COLUMNS && *col > indent) {
		n = snprintf(out + *len, size - *len, "\n%*s", indent, "");
		if (n < 0 || (size_t)n >= size - *len)
			return;
		*len += (size_t)n;
		*col = indent;
		s++;  /* the word's leading space */
		w--;
	}
	n = snprintf(out + *len, size - *len, "%s", s);
	if (n < 0 || (size_t)n >= size - *len)
		return;
	*len += (size_t)n;
	*col += w;
}

/* " [--name ARG]", " --name ARG" when required, " [-o FILE]" with a short name. */
static void option_word(const struct cli_option *o, char *out, size_t size)
{
	char name[64];

	if (o->short_name)
		snprintf(name, sizeof(name), "-%c", o->short_name);
	else
		snprintf(name, sizeof(name), "--%s", o->name);
	snprintf(out, size, " %s%s%s%s%s", o->required ? "" : "[", name, o->arg ? " " : "", o->arg ? o->arg : "",
		 o->required ? "" : "]");
}

void cli_usage_line(const struct cli_command *cmd, char *out, size_t size)
{
	char word[256];
	size_t len = 0;
	int col = (int)strlen("usage: "), indent;

	snprintf(word, sizeof(word), "plenum %s", cmd->name);
	indent = col + (int)strlen(word) + 1;
	out[0] = '\0';
	add_word(out, size, &len, &col, indent, word);
	if (cmd->args) {
		snprintf(word, sizeof(word), " %s", cmd->args);
		add_word(out, size, &len, &col, indent, word);
	}
	for (const struct cli_option *o = cmd->options; o && o->name; o++) {
		option_word(o, word, sizeof(word));
		add_word(out, size, &len, &col, indent, word);
	}
	if (cmd->flags & CMD_JSON)
		add_word(out, size, &len, &col, indent, " [--json]");
}

/* ---- --help ---- */

static size_t family_len(const struct cli_command *c)
{
	const char *sp = strchr(c->name, ' ');

	return sp ? (size_t)(sp - c->name) : strlen(c->name);
}

int cli_family_usage(const char *family, char *out, size_t size)
{
	size_t len = 0;
	int any = 0, n;

	n = snprintf(out, size, "plenum %s ", family);
	len = n > 0 && (size_t)n < size ? (size_t)n : 0;
	for (int s = 0; cli_slices[s]; s++)
		for (const struct cli_command *c = cli_slices[s]; c->name; c++) {
			if (!cli_in_family(c, family))
				continue;
			n = snprintf(out + len, size - len, "%s%s", any ? "|" : "", c->name + family_len(c) + 1);
			if (n > 0 && (size_t)n < size - len)
				len += (size_t)n;
			any = 1;
		}
	if (len + 5 < size)
		memcpy(out + len, " ...", 5);
	return any ? 0 : -1;
}

int cli_help_family(FILE *f, const char *family)
{
	fprintf(f, "usage: plenum %s COMMAND ...\n\n", family);
	for (int s = 0; cli_slices[s]; s++)
		for (const struct cli_command *c = cli_slices[s]; c->name; c++)
			if (cli_in_family(c, family))
				fprintf(f, "  %-14s %s\n", c->name + family_len(c) + 1, c->summary);
	fprintf(f, "\nplenum %s COMMAND --help tells more of one.\n", family);
	return EXIT_OK;
}

/* "-o, --output FILE" */
static void option_label(const struct cli_option *o, char *out, size_t size)
{
	if (o->short_name)
		snprintf(out, size, "-%c, --%s%s%s", o->short_name, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	else
		snprintf(out, size, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

void cli_help_command(FILE *f, const struct cli_command *cmd)
{
	char usage[CLI_USAGE_BYTES], label[128];
	int width = 20;

	cli_usage_line(cmd, usage, sizeof(usage));
	fprintf(f, "usage: %s\n", usage);
	if (cmd->description)
		fprintf(f, "\n%s", cmd->description);
	for (const struct cli_option *o = cmd->options; o && o->name; o++) {
		option_label(o, label, sizeof(label));
		if ((int)text_width(label) + 2 > width)
			width = (int)text_width(label) + 2;
	}
	if ((cmd->options && cmd->options[0].name) || (cmd->flags & CMD_JSON))
		fputs("\noptions:\n", f);
	for (const struct cli_option *o = cmd->options; o && o->name; o++) {
		option_label(o, label, sizeof(label));
		fputs("  ", f);
		cli_pad(f, label, width);
		fprintf(f, "%s%s\n", o->help, o->required ? " (required)" : "");
	}
	if (cmd->flags & CMD_JSON) {
		fputs("  ", f);
		cli_pad(f, "--json", width);
		fputs("print JSON instead of text\n", f);
	}
	fputs("\ncommon options: --db FILE, --org KEY, --lang zh|en, -h/--help (see plenum --help)\n", f);
}

void cli_help_all(FILE *f)
{
	fprintf(f, "%s\nusage: plenum COMMAND [--db FILE] [--org KEY] [options]\n\ncommands:\n", intro);
	for (int s = 0; cli_slices[s]; s++)
		for (const struct cli_command *c = cli_slices[s]; c->name; c++) {
			fputs("  ", f);
			cli_pad(f, c->name, 22);
			fprintf(f, "%s\n", c->summary);
		}
	fprintf(f, "\n%s", outro);
}

/* ---- the manual page ---- */

/* Writes s as roff text: backslashes and hyphens escaped, a line starting
 * with . or ' kept as text. */
static void roff(FILE *f, const char *s)
{
	int bol = 1;

	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
		bol = *s == '\n';
	}
}

/* A description: blank lines start paragraphs, an indented line starts a
 * line of its own. */
static void roff_text(FILE *f, const char *s)
{
	char line[1024];

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, s, n);
		line[n] = '\0';
		s += n + (nl != NULL);
		if (line[0] == '\0') {
			fputs(".PP\n", f);
			continue;
		}
		if (line[0] == ' ')
			fputs(".br\n", f);
		roff(f, line + strspn(line, " "));
		fputc('\n', f);
	}
}

static void roff_option(FILE *f, const struct cli_option *o)
{
	fputs(".TP\n", f);
	if (o->short_name)
		fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
	fputs("\\fB\\-\\-", f);
	roff(f, o->name);
	fputs("\\fR", f);
	if (o->arg) {
		fputs(" \\fI", f);
		roff(f, o->arg);
		fputs("\\fR", f);
	}
	fputc('\n', f);
	roff(f, o->help);
	fputs(o->required ? " (required)\n" : "\n", f);
}

static void roff_command(FILE *f, const struct cli_command *c)
{
	fputs(".SS \"plenum ", f);
	roff(f, c->name);
	fputs("\"\n", f);
	roff(f, c->summary);
	fputs(".\n.PP\n.B plenum ", f);
	roff(f, c->name);
	fputc('\n', f);
	if (c->args) {
		roff(f, c->args);
		fputc('\n', f);
	}
	for (const struct cli_option *o = c->options; o && o->name; o++) {
		char word[256];

		option_word(o, word, sizeof(word));
		roff(f, word + 1);
		fputc('\n', f);
	}
	if (c->flags & CMD_JSON)
		fputs("[\\-\\-json]\n", f);
	if (c->description) {
		fputs(".PP\n", f);
		roff_text(f, c->description);
	}
	if ((c->options && c->options[0].name) || (c->flags & CMD_JSON))
		fputs(".PP\nOptions:\n", f);
	for (const struct cli_option *o = c->options; o && o->name; o++)
		roff_option(f, o);
	if (c->flags & CMD_JSON)
		fputs(".TP\n\\fB\\-\\-json\\fR\nprint JSON instead of text\n", f);
}

static void man(FILE *f, const char *date)
{
	fprintf(f, ".TH PLENUM 1 \"%s\" \"plenum %s\" \"User Commands\"\n", date ? date : "", PLENUM_VERSION);
	fputs(".SH NAME\n"
	      "plenum \\- the record of a Theoretical Learning Center Group: meetings, decisions and the tasks that follow\n"
	      ".SH SYNOPSIS\n"
	      ".B plenum\n.I COMMAND\n.RB [ \\-\\-db\n.IR FILE ]\n.RB [ \\-\\-org\n.IR KEY ]\n.RI [ options ]\n.br\n"
	      ".B plenum help\n.RI [ COMMAND ]\n.br\n"
	      ".B plenum \\-\\-help\n|\n.B \\-\\-version\n"
	      ".SH DESCRIPTION\n", f);
	roff_text(f, intro);
	fputs(".PP\n", f);
	roff_text(f, outro);
	fputs(".SH COMMON OPTIONS\n"
	      ".TP\n\\fB\\-\\-db\\fR \\fIFILE\\fR\n"
	      "the database (default: $PLENUM_DB, else db in the configuration file, else plenum.db)\n"
	      ".TP\n\\fB\\-\\-org\\fR \\fIKEY\\fR\nwhich org, when the database holds several\n"
	      ".TP\n\\fB\\-\\-lang\\fR \\fIzh\\fR|\\fIen\\fR\nthe language of the text (default: from $LANG)\n"
	      ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nthe command's usage, description and options\n"
	      ".SH COMMANDS\n", f);
	for (int s = 0; cli_slices[s]; s++)
		for (const struct cli_command *c = cli_slices[s]; c->name; c++)
			roff_command(f, c);
	fputs(".SH ENVIRONMENT\n", f);
	for (size_t i = 0; i < sizeof(environment) / sizeof(environment[0]); i++) {
		fprintf(f, ".TP\n.B %s\n", environment[i].name);
		roff(f, environment[i].text);
		fputc('\n', f);
	}
	fputs(".SH FILES\n"
	      ".TP\n.I " CONFIG_DEFAULT_PATH "\n"
	      "optional; lines \"key = value\" setting db, listen, threads, base_url, secure_cookies and hsts\n"
	      "(yes or no); # starts a comment. The environment overrides the file and the command line overrides both.\n"
	      ".TP\n.I DB.checkpoints\nthe signed audit checkpoints, beside the database\n"
	      ".TP\n.I .plenum\\-audit\\-key\nthe key that signs them, in the database's directory\n"
	      ".TP\n.I PREFIX/share/plenum/demo/jiangmen.json\nthe demo data, found relative to the binary\n"
	      ".TP\n.I PREFIX/lib/plenum/plenum\\-report.so\n"
	      "the report module (papers, spreadsheets, calendars), loaded on the first report or ledger import;\n"
	      "found beside the binary, else in ../lib/plenum relative to it\n"
	      ".TP\n.I PREFIX/lib/plenum/plenum\\-pg.so\nthe PostgreSQL driver, loaded for a postgresql:// database\n"
	      ".TP\n.I PREFIX/lib/systemd/system/plenum.service\n"
	      "the service unit: plenum serve as a dynamic user, its database in /var/lib/plenum\n"
	      ".SH EXIT STATUS\n0 ok, 1 failure, 2 bad usage or bad input.\n"
	      ".SH SEE ALSO\n.BR systemd.exec (5),\n.BR sqlite3 (1)\n", f);
}

/* One line a command: "task list<TAB>--unit= --json ...", "=" after an
 * option that takes a value. */
static void table(FILE *f)
{
	for (int s = 0; cli_slices[s]; s++)
		for (const struct cli_command *c = cli_slices[s]; c->name; c++) {
			fprintf(f, "%s\t", c->name);
			for (const struct cli_option *o = c->options; o && o->name; o++)
				fprintf(f, "%s--%s%s", o == c->options ? "" : " ", o->name, o->arg ? "=" : "");
			if (c->flags & CMD_JSON)
				fprintf(f, "%s--json", c->options && c->options[0].name ? " " : "");
			fputc('\n', f);
		}
}

int cli_help(int argc, char **argv)
{
	char name[128];
	const struct cli_command *c;

	if (argc <= 1) {
		cli_help_all(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--man") == 0) {
		if (argc == 4 && strcmp(argv[2], "--date") == 0) {
			man(stdout, argv[3]);
			return EXIT_OK;
		}
		if (argc != 2)
			return cli_usage("plenum help --man [--date YYYY-MM-DD]", "unexpected argument \"%s\"", argv[2]);
		man(stdout, NULL);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--table") == 0) {
		table(stdout);
		return EXIT_OK;
	}
	if (argc > 3 || (size_t)snprintf(name, sizeof(name), "%s%s%s", argv[1], argc == 3 ? " " : "",
					 argc == 3 ? argv[2] : "") >= sizeof(name))
		return cli_usage("plenum help [COMMAND [SUBCOMMAND]]", "expected a command");
	c = cli_find(name);
	if (c) {
		cli_help_command(stdout, c);
		return EXIT_OK;
	}
	if (argc == 2 && cli_family_usage(argv[1], name, sizeof(name)) == 0)
		return cli_help_family(stdout, argv[1]);
	fprintf(stderr, "plenum: no command \"%s\"\n", argc == 3 ? name : argv[1]);
	cli_help_all(stderr);
	return EXIT_USAGE;
}
