/*
 * cli.c -- option parsing and printing helpers shared by the commands
 * (see cli.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "../core/err.h"
#include "../core/text.h"
#include "../service/task.h"
#include "../core/banned.h"

static const struct cli_opt *find_opt(const struct cli_opt *opts, const char *name, size_t len,
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

int cli_parse(int argc, char **argv, struct cli_common *c, const struct cli_opt *opts,
	      const char **pos, int *npos, const char *usage)
{
	const char *lang = NULL;
	const char *env_lang = getenv("LANG");
	const struct cli_opt common[] = {
		{ "db", 0, 1, &c->db, NULL },
		{ "org", 0, 1, &c->org, NULL },
		{ "json", 0, 0, NULL, &c->json },
		{ "lang", 0, 1, &lang, NULL },
		{ "help", 'h', 0, NULL, &c->help },
		{ NULL, 0, 0, NULL, NULL },
	};
	int maxpos = *npos, only_pos = 0;

	*npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *name, *eq, *value = NULL;
		const struct cli_opt *o;
		size_t len;
		char sn = 0;

		if (!text_utf8_valid(a, strlen(a)))
			return cli_usage(usage, "argument %d is not valid UTF-8", i), -1;
		if (only_pos || a[0] != '-' || a[1] == '\0') {
			if (*npos >= maxpos)
				return cli_usage(usage, "unexpected argument \"%s\"", a), -1;
			pos[(*npos)++] = a;
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
				return cli_usage(usage, "unknown option \"%s\"", a), -1;
			name = a + 1;
			len = 1;
			sn = a[1];
		}
		o = find_opt(opts, name, len, sn);
		if (o == NULL)
			o = find_opt(common, name, len, sn);
		if (o == NULL)
			return cli_usage(usage, "unknown option \"%s\"", a), -1;
		if (o->has_arg) {
			if (value == NULL) {
				if (i + 1 >= argc)
					return cli_usage(usage, "option --%s needs a value", o->name), -1;
				value = argv[++i];
				if (!text_utf8_valid(value, strlen(value)))
					return cli_usage(usage, "the value of --%s is not valid UTF-8", o->name), -1;
			}
			*o->val = value;
		} else {
			if (value)
				return cli_usage(usage, "option --%s takes no value", o->name), -1;
			*o->flag = 1;
		}
	}
	if (!c->help) {
		const struct config *cfg;
		struct err err = ERR_INIT;

		if (config_get(&cfg, &err) != 0)
			return cli_usage(usage, "%s", err.msg), -1;
		if (c->db == NULL)
			c->db = getenv("PLENUM_DB");
		if (c->db == NULL || *c->db == '\0')
			c->db = cfg->db;
	}
	if (c->db == NULL || *c->db == '\0')
		c->db = "plenum.db";
	if (lang) {
		if (strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0)
			return cli_usage(usage, "--lang: expected zh or en, got \"%s\"", lang), -1;
		c->zh = strcmp(lang, "zh") == 0;
	} else {
		c->zh = env_lang && strncmp(env_lang, "zh", 2) == 0;
	}
	return 0;
}

int cli_open(struct svc *svc, const struct cli_common *c, int flags, int need_org)
{
	struct err err = ERR_INIT;

	if (svc_open(svc, c->db, flags, c->org, need_org, &err) != 0) {
		svc_close(svc);
		return cli_fail(&err);
	}
	return 0;
}

int cli_fail(const struct err *err)
{
	fprintf(stderr, "plenum: %s\n", err->msg[0] ? err->msg : "failed");
	return err_exit_code(err->code);
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
