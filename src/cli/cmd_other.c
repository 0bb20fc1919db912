/*
 * cmd_other.c -- plenum initiative tree, check, setting and audit: the
 * read-outs of the roll-up, the compliance rules and the audit chain.
 */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "cli.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../io/views.h"
#include "../service/audit.h"
#include "../service/check.h"
#include "../service/initiative.h"
#include "../core/banned.h"

int cmd_initiative(int argc, char **argv)
{
	static const char usage[] = "plenum initiative tree [--json]";
	struct cli_common c = { 0 };
	struct arena a = ARENA_INIT;
	struct initiative_view *v;
	struct err err = ERR_INIT;
	const char *pos[1];
	struct svc svc;
	size_t n;
	int npos = 1, rc;

	if (cli_parse(argc, argv, &c, NULL, pos, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nShows every initiative with its weighted progress, its worst light and the\n"
		       "count of tasks of each light below it.\n", usage);
		return EXIT_OK;
	}
	if (npos != 1 || strcmp(pos[0], "tree") != 0)
		return cli_usage(usage, "expected \"tree\"");
	rc = cli_open(&svc, &c, STORE_READONLY, 1);
	if (rc)
		return rc;
	if (initiative_tree(&svc, &a, &v, &n, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (c.json) {
		rc = view_print(view_initiatives(v, n)) ? EXIT_FAIL : EXIT_OK;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char prog[16];
		const char *title = cli_pick(&c, v[i].row.title, v[i].row.title_en);
		char line[512];

		if (v[i].roll.progress >= 0)
			snprintf(prog, sizeof(prog), "%5.1f%%", v[i].roll.progress);
		else
			snprintf(prog, sizeof(prog), "  —   ");
		snprintf(line, sizeof(line), "%*s%s %s", v[i].depth * 2, "", v[i].row.code, title);
		cli_pad(stdout, line, 64);
		printf(" %s  %-11s  %s %d  %s %d  %s %d  %s %d  %s %d\n", prog, light_label(v[i].roll.light, c.zh),
		       light_label(LIGHT_RED, c.zh), v[i].roll.counts[LIGHT_RED],
		       light_label(LIGHT_YELLOW, c.zh), v[i].roll.counts[LIGHT_YELLOW],
		       light_label(LIGHT_GREEN, c.zh), v[i].roll.counts[LIGHT_GREEN],
		       light_label(LIGHT_GREY, c.zh), v[i].roll.counts[LIGHT_GREY],
		       light_label(LIGHT_DONE, c.zh), v[i].roll.counts[LIGHT_DONE]);
	}
out:
	arena_release(&a);
	svc_close(&svc);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	static const char usage[] = "plenum check [--group KEY] [--year YYYY] [--json]";
	struct cli_common c = { 0 };
	const char *group = NULL, *year = NULL;
	const struct cli_opt opts[] = {
		{ "group", 0, 1, &group, NULL },
		{ "year", 0, 1, &year, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct arena a = ARENA_INIT;
	struct check_result r;
	struct err err = ERR_INIT;
	struct svc svc;
	long long y = 0;
	int npos = 0, rc, breaches = 0;

	if (cli_parse(argc, argv, &c, opts, NULL, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nJudges a group's year against the rules of center-group study, with the org's\n"
		       "thresholds ('plenum setting list'). Each finding names the rule, who or what it\n"
		       "concerns and the evidence. Defaults: the org's first group, this year.\n", usage);
		return EXIT_OK;
	}
	if (year && parse_int(year, LIM_YEAR_MIN, LIM_YEAR_MAX, &y, "--year", &err) != 0)
		return cli_usage(usage, "%s", err.msg);
	rc = cli_open(&svc, &c, STORE_READONLY, 1);
	if (rc)
		return rc;
	if (!year)
		y = date_year(svc.today);
	if (check_group_year(&svc, group, (int)y, &a, &r, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (c.json) {
		rc = view_print(view_check(&r)) ? EXIT_FAIL : EXIT_OK;
		goto out;
	}
	printf("%s — %d\n", cli_pick(&c, r.group.name, r.group.name_en), r.year);
	printf("%s: %d; %s: %d %s, %d %s\n\n", c.zh ? "成员" : "members judged", r.members,
	       c.zh ? "会议" : "meetings", r.findings.meetings_held, c.zh ? "次已召开" : "held",
	       r.findings.meetings_planned, c.zh ? "次计划中" : "planned");
	for (size_t i = 0; i < r.findings.n; i++) {
		const struct finding *f = &r.findings.items[i];

		breaches += f->severity == FINDING_BREACH;
		printf("[%s] %s\n", f->severity == FINDING_BREACH ? (c.zh ? "不符合" : "breach") : (c.zh ? "有风险" : "at risk"),
		       c.zh ? f->message_zh : f->message);
		printf("    %s: %s\n", c.zh ? "规则" : "rule", f->rule);
		printf("    %s: %s\n", c.zh ? "依据" : "evidence", c.zh ? f->evidence_zh : f->evidence);
	}
	if (r.findings.n == 0)
		printf("%s\n", c.zh ? "未发现问题" : "no findings: every rule is met");
	else
		printf("\n%zu %s (%d %s)\n", r.findings.n, c.zh ? "项发现" : "findings", breaches,
		       c.zh ? "项不符合" : "breaches");
out:
	arena_release(&a);
	svc_close(&svc);
	return rc;
}

int cmd_setting(int argc, char **argv)
{
	static const char usage[] = "plenum setting list | plenum setting set NAME VALUE";
	struct cli_common c = { 0 };
	struct err err = ERR_INIT;
	const char *pos[3];
	struct svc svc;
	int npos = 3, rc;

	if (cli_parse(argc, argv, &c, NULL, pos, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nThe org's rule thresholds for lights and the compliance check.\n", usage);
		return EXIT_OK;
	}
	if (npos < 1 || (strcmp(pos[0], "list") == 0 && npos != 1) || (strcmp(pos[0], "set") == 0 && npos != 3) ||
	    (strcmp(pos[0], "list") != 0 && strcmp(pos[0], "set") != 0))
		return cli_usage(usage, "expected list, or set NAME VALUE");
	rc = cli_open(&svc, &c, strcmp(pos[0], "set") == 0 ? STORE_EXISTING : STORE_READONLY, 1);
	if (rc)
		return rc;
	if (strcmp(pos[0], "set") == 0) {
		if (svc_settings_write(&svc, &pos[1], &pos[2], 1, &err) != 0) {
			rc = cli_fail(&err);
		} else {
			printf("%s = %s\n", pos[1], pos[2]);
		}
	} else {
		for (int i = 0; svc_settings[i].name; i++)
			printf("%-28s %4d   (default %d) %s\n", svc_settings[i].name, svc_setting_value(&svc, i), svc_settings[i].def,
			       svc_settings[i].help);
	}
	svc_close(&svc);
	return rc;
}

int cmd_audit(int argc, char **argv)
{
	static const char usage[] = "plenum audit verify [--against CHECKPOINTS] [--json] | plenum audit checkpoint";
	struct cli_common c = { 0 };
	struct audit_report r;
	struct err err = ERR_INIT;
	const char *pos[1], *against = NULL;
	const struct cli_opt opts[] = {
		{ "against", 0, 1, &against, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	char line[1024];
	struct svc svc;
	int npos = 1, rc;

	if (cli_parse(argc, argv, &c, opts, pos, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\n"
		       "verify: walks the org's audit trail and reports the first problem: an entry altered,\n"
		       "  inserted or removed; a row changed outside plenum (a change no entry seals, or a row that\n"
		       "  differs from the image its last entry sealed); the newest entries removed or the chain\n"
		       "  re-hashed, judged against the signed checkpoints (DB.checkpoints, or --against FILE, e.g.\n"
		       "  a copy kept on another machine). Exit status 1 when anything is wrong.\n"
		       "checkpoint: signs the chain's head now and appends it to DB.checkpoints (the key is\n"
		       "  .plenum-audit-key beside DB, or $PLENUM_AUDIT_KEY; made on first use). Writes add them too.\n", usage);
		return EXIT_OK;
	}
	if (npos != 1 || (strcmp(pos[0], "verify") != 0 && strcmp(pos[0], "checkpoint") != 0))
		return cli_usage(usage, "expected \"verify\" or \"checkpoint\"");
	rc = cli_open(&svc, &c, STORE_READONLY, 1);
	if (rc)
		return rc;
	if (strcmp(pos[0], "checkpoint") == 0) {
		if (audit_checkpoint(&svc, line, sizeof(line), &err) != 0)
			rc = cli_fail(&err);
		else
			printf("%s\n", line);
	} else if (audit_verify(&svc, against, &r, &err) != 0) {
		rc = cli_fail(&err);
	} else if (c.json) {
		printf("{\"intact\":%s,\"entries\":%lld,\"rows\":%lld,\"checkpoints\":%d,\"first_bad_id\":%lld,"
		       "\"problem\":\"", r.problem[0] ? "false" : "true", (long long)r.entries, (long long)r.rows,
		       r.checkpoints, (long long)r.first_bad_id);
		for (const char *p = r.problem; *p; p++)
			printf(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
		printf("\"}\n");
		rc = r.problem[0] ? EXIT_FAIL : EXIT_OK;
	} else if (r.problem[0]) {
		printf("audit chain broken: %s\n", r.problem);
		rc = EXIT_FAIL;
	} else {
		printf("audit chain intact: %lld entries, %lld rows match their last sealed image, %d signed "
		       "checkpoint%s hold\n", (long long)r.entries, (long long)r.rows, r.checkpoints,
		       r.checkpoints == 1 ? "" : "s");
	}
	svc_close(&svc);
	return rc;
}
