/*
 * cli.c -- the dispatcher of the command line: finds the command in the
 * table slices, parses its options from its option table, prints --help,
 * opens the store the way the command's flags say and closes it after;
 * and the printing helpers the commands share (see cli.h).
 *
 * Not for the help texts and the manual page (help.c) nor for any
 * command's own work (cmd_*.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"
#include "config.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../core/text.h"
#include "../service/task.h"
#include "../core/banned.h"

/* ---- the command table ---- */

/*
 * Our own small parser over the option table rather than getopt_long():
 * getopt_long() prints its own messages ("unrecognized option") where ours
 * name the option and end with the command's usage line, it permutes argv
 * (a GNU extension, and POSIXLY_CORRECT changes it), and every argument
 * must be checked as UTF-8 at this edge anyway. What we need of it is
 * small: --name, --name=value, --name value, -x value, and "--".
 */
static const struct cli_option common_options[] = {
	{ "db", 0, "FILE", "the database", 0 },
	{ "org", 0, "KEY", "which org, when the database holds several", 0 },
	{ "json", 0, NULL, "print JSON", 0 },
	{ "lang", 0, "zh|en", "the language of the text", 0 },
	{ "help", 'h', NULL, "print this help", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option *option_find(const struct cli_option *opts, const char *name, size_t len,
					     char short_name)
{
	for (; opts && opts->name; opts++) {
		if (short_name && opts->short_name == short_name)
			return opts;
		if (!short_name && strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
			return opts;
	}
	return NULL;
}

const char *cli_opt(const struct cli_run *r, const char *name)
{
	const struct cli_option *o = option_find(r->cmd->options, name, strlen(name), 0);

	return o ? r->val[o - r->cmd->options] : NULL;
}

int cli_flag(const struct cli_run *r, const char *name)
{
	return cli_opt(r, name) != NULL;
}

/* Stores one option's value: a command's own option by its index, or a
 * common one in r->c (lang into *lang). */
static void option_store(struct cli_run *r, const struct cli_option *o, const char *value, const char **lang)
{
	if (o < common_options || o >= common_options + sizeof(common_options) / sizeof(common_options[0])) {
		r->val[o - r->cmd->options] = value ? value : "";
		return;
	}
	if (strcmp(o->name, "db") == 0)
		r->c.db = value;
	else if (strcmp(o->name, "org") == 0)
		r->c.org = value;
	else if (strcmp(o->name, "lang") == 0)
		*lang = value;
	else if (strcmp(o->name, "json") == 0)
		r->c.json = 1;
	else
		r->c.help = 1;
}

/* Parses argv[0..argc) (the words after the command's name) into r. On bad
 * usage prints a message naming the option and returns EXIT_USAGE. */
static int parse(struct cli_run *r, int argc, char **argv)
{
	const char *lang = NULL;
	const char *env_lang = getenv("LANG");
	int only_pos = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *name, *eq, *value = NULL;
		const struct cli_option *o;
		size_t len;
		char sn = 0;

		if (!text_utf8_valid(a, strlen(a)))
			return cli_bad(r, "argument %d is not valid UTF-8", i + 1);
		if (only_pos || a[0] != '-' || a[1] == '\0') {
			if (r->narg >= r->cmd->maxargs || r->narg >= CLI_MAX_ARGS)
				return cli_bad(r, "unexpected argument \"%s\"", a);
			r->arg[r->narg++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (a[1] == '-') {
			name = a + 2;
			eq = strchr(name, '=');
			len = eq ? (size_t)(eq - name) : strlen(name);
			if (eq)
				value = eq + 1;
		} else {
			if (a[2] != '\0')
				return cli_bad(r, "unknown option \"%s\"", a);
			name = a + 1;
			len = 1;
			sn = a[1];
		}
		o = option_find(r->cmd->options, name, len, sn);
		if (o == NULL)
			o = option_find(common_options, name, len, sn);
		if (o == NULL)
			return cli_bad(r, "unknown option \"%s\"", a);
		if (o->arg) {
			if (value == NULL) {
				if (i + 1 >= argc)
					return cli_bad(r, "option --%s needs a value", o->name);
				value = argv[++i];
				if (!text_utf8_valid(value, strlen(value)))
					return cli_bad(r, "the value of --%s is not valid UTF-8", o->name);
			}
		} else if (value) {
			return cli_bad(r, "option --%s takes no value", o->name);
		}
		option_store(r, o, value, &lang);
	}
	if (!r->c.help) {
		const struct config *cfg;
		struct err err = ERR_INIT;

		if (config_get(&cfg, &err) != 0)
			return cli_bad(r, "%s", err.msg);
		if (r->c.db == NULL)
			r->c.db = getenv("PLENUM_DB");
		if (r->c.db == NULL || *r->c.db == '\0')
			r->c.db = cfg->db;
	}
	if (r->c.db == NULL || *r->c.db == '\0')
		r->c.db = "plenum.db";
	if (lang) {
		if (strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0)
			return cli_bad(r, "--lang: expected zh or en, got \"%s\"", lang);
		r->c.zh = strcmp(lang, "zh") == 0;
	} else {
		r->c.zh = env_lang && strncmp(env_lang, "zh", 2) == 0;
	}
	for (int k = 0; r->cmd->options && r->cmd->options[k].name; k++)
		if (r->cmd->options[k].required && r->val[k] == NULL && !r->c.help) {
			if (r->cmd->options[k].short_name)
				return cli_bad(r, "-%c/--%s is required", r->cmd->options[k].short_name,
					       r->cmd->options[k].name);
			return cli_bad(r, "--%s is required", r->cmd->options[k].name);
		}
	return 0;
}

int cli_ready(struct cli_run *r)
{
	struct err err = ERR_INIT;
	int f = r->cmd->flags, mode = STORE_READONLY;

	if (!(f & CMD_NEEDS_DB) || r->open) {
		fprintf(stderr, "plenum: internal error: %s opens no database\n", r->cmd->name);
		abort();
	}
	if (f & CMD_INIT)
		mode = STORE_INIT;
	else if (f & CMD_CREATES)
		mode = STORE_CREATE;
	else if (f & CMD_WRITES)
		mode = STORE_EXISTING;
	if (svc_open(&r->svc, r->c.db, mode, r->c.org, (f & CMD_ORG) != 0, &err) != 0) {
		svc_close(&r->svc);
		return cli_fail(&err);
	}
	r->open = 1;
	return 0;
}

int cli_in_family(const struct cli_command *c, const char *family)
{
	size_t len = strlen(family);

	return strncmp(c->name, family, len) == 0 && c->name[len] == ' ';
}

/* Does the option word a take the next word as its value, in any command
 * of the family? (To find the subcommand's word among the options.) */
static int takes_value(const char *fam, const char *a)
{
	const char *name = a[1] == '-' ? a + 2 : a + 1;
	char sn = a[1] == '-' ? 0 : a[1];
	size_t nlen = sn ? 1 : strlen(name);
	const struct cli_option *o = option_find(common_options, name, nlen, sn);

	if (strchr(a, '=') || (sn && a[2] != '\0'))
		return 0;
	for (int s = 0; o == NULL && cli_slices[s]; s++)
		for (const struct cli_command *c = cli_slices[s]; o == NULL && c->name; c++)
			if (cli_in_family(c, fam))
				o = option_find(c->options, name, nlen, sn);
	return o && o->arg;
}

/* Runs one command on the words after its name. */
static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct cli_run r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.cmd = cmd;
	cli_usage_line(cmd, r.usage, sizeof(r.usage));
	rc = parse(&r, argc, argv);
	if (rc)
		return rc;
	if (r.c.help) {
		cli_help_command(stdout, cmd);
		return EXIT_OK;
	}
	rc = cmd->run(&r);
	if (r.open)
		svc_close(&r.svc);
	return rc;
}

const struct cli_command *cli_find(const char *name)
{
	for (int s = 0; cli_slices[s]; s++)
		for (const struct cli_command *c = cli_slices[s]; c->name; c++)
			if (strcmp(c->name, name) == 0)
				return c;
	return NULL;
}

int cli_dispatch(int argc, char **argv)
{
	const char *fam = argv[0];
	const struct cli_command *cmd = strchr(fam, ' ') ? NULL : cli_find(fam);
	char *rest[CLI_MAX_WORDS];
	char name[128];
	int n = 0, sub = -1, help = 0;

	if (argc > CLI_MAX_WORDS || strchr(fam, ' '))
		return -1;
	if (cmd)
		return run(cmd, argc - 1, argv + 1);
	/* A family: the subcommand is its first word that is not an option
	 * or an option's value, wherever it stands. */
	for (int i = 1; i < argc && sub < 0; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			help |= strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0;
			i += takes_value(fam, argv[i]);
			continue;
		}
		sub = i;
	}
	if (sub > 0 && (size_t)snprintf(name, sizeof(name), "%s %s", fam, argv[sub]) < sizeof(name))
		cmd = cli_find(name);
	if (cmd == NULL) {
		char usage[CLI_USAGE_BYTES];

		if (cli_family_usage(fam, usage, sizeof(usage)) != 0)
			return -1;  /* no such command */
		if (sub < 0 && help)
			return cli_help_family(stdout, fam);
		if (sub > 0)
			return cli_usage(usage, "no %s command \"%s\"", fam, argv[sub]);
		return cli_usage(usage, "\"%s\" needs a command", fam);
	}
	for (int i = 1; i < argc; i++)
		if (i != sub)
			rest[n++] = argv[i];
	return run(cmd, n, rest);
}

int cli_fail(const struct err *err)
{
	fprintf(stderr, "plenum: %s\n", err->msg[0] ? err->msg : "failed");
	return err_exit_code(err->code);
}

int cli_bad(const struct cli_run *r, const char *fmt, ...)
{
	va_list ap;

	fputs("plenum: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\n", r->usage);
	return EXIT_USAGE;
}

int cli_usage(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("plenum: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\n", usage);
	return EXIT_USAGE;
}

const char *cli_pick(const struct cli_common *c, const char *zh, const char *en)
{
	if (!c->zh && en && *en)
		return en;
	return zh ? zh : (en ? en : "");
}

void cli_pad(FILE *f, const char *s, int width)
{
	int w = (int)text_width(s ? s : "");

	fputs(s ? s : "", f);
	do
		fputc(' ', f);
	while (++w < width);
}

void cli_print_task(const struct cli_common *c, const struct task_view *t, const char *indent)
{
	char due[DEADLINE_TEXT_MAX];

	printf("%s[%s] %s  %s\n", indent, light_label(t->light.light, c->zh), t->row.key,
	       cli_pick(c, t->row.title, t->row.title_en));
	printf("%s    %s: %s", indent, c->zh ? "牵头" : "lead", cli_pick(c, t->row.lead_unit_name, t->row.lead_unit_name_en));
	if (t->row.supporting)
		printf("; %s: %s", c->zh ? "配合" : "supporting", cli_pick(c, t->row.supporting, t->row.supporting_en));
	printf("; %s %s; %s; %d%%", c->zh ? "期限" : "due", task_due_text(&t->row, c->zh, due),
	       workflow_state_label(t->state, c->zh), t->row.has_report ? t->row.percent : 0);
	if (t->light.light != LIGHT_GREEN && t->light.light != LIGHT_DONE)
		printf(" — %s", light_reason_text(t->light.reason, c->zh));
	printf("\n");
}

int cli_write_out(const char *path, const struct buf *b)
{
	char tmp[4096];
	struct stat sb;
	FILE *f;
	int ok, saved;

	if (path == NULL || strcmp(path, "-") == 0)
		return fwrite(buf_str(b), 1, buf_len(b), stdout) == buf_len(b) && fflush(stdout) == 0 ? 0 : -1;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		f = fopen(path, "wb");
		if (f == NULL)
			return -1;
		ok = fwrite(buf_str(b), 1, buf_len(b), f) == buf_len(b) && fflush(f) == 0;
		return fclose(f) == 0 && ok ? 0 : -1;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	f = fopen(tmp, "wb");
	if (f == NULL)
		return -1;
	ok = fwrite(buf_str(b), 1, buf_len(b), f) == buf_len(b) && fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}
