/*
 * cmd_check.c -- plenum check: the compliance findings for a study group's
 * year, printed with the rule and the evidence of each.
 *
 * Not for the rules (domain/compliance.c) nor their thresholds (cmd_setting.c).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../io/views.h"
#include "../service/check.h"
#include "../core/banned.h"

static int check_run(struct cli_run *r)
{
	const struct cli_common *c = &r->c;
	const char *group = cli_opt(r, "group"), *year = cli_opt(r, "year");
	struct arena a = ARENA_INIT;
	struct check_result res;
	struct err err = ERR_INIT;
	long long y = 0;
	int rc, breaches = 0;

	if (year && parse_int(year, LIM_YEAR_MIN, LIM_YEAR_MAX, &y, "--year", &err) != 0)
		return cli_bad(r, "%s", err.msg);
	rc = cli_ready(r);
	if (rc)
		return rc;
	if (!year)
		y = date_year(r->svc.today);
	if (check_group_year(&r->svc, group, (int)y, &a, &res, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (c->json) {
		rc = view_print(view_check(&res)) ? EXIT_FAIL : EXIT_OK;
		goto out;
	}
	printf("%s — %d\n", cli_pick(c, res.group.name, res.group.name_en), res.year);
	printf("%s: %d; %s: %d %s, %d %s\n\n", c->zh ? "成员" : "members judged", res.members,
	       c->zh ? "会议" : "meetings", res.findings.meetings_held, c->zh ? "次已召开" : "held",
	       res.findings.meetings_planned, c->zh ? "次计划中" : "planned");
	for (size_t i = 0; i < res.findings.n; i++) {
		const struct finding *f = &res.findings.items[i];

		breaches += f->severity == FINDING_BREACH;
		printf("[%s] %s\n", f->severity == FINDING_BREACH ? (c->zh ? "不符合" : "breach") : (c->zh ? "有风险" : "at risk"),
		       c->zh ? f->message_zh : f->message);
		printf("    %s: %s\n", c->zh ? "规则" : "rule", f->rule);
		printf("    %s: %s\n", c->zh ? "依据" : "evidence", c->zh ? f->evidence_zh : f->evidence);
	}
	if (res.findings.n == 0)
		printf("%s\n", c->zh ? "未发现问题" : "no findings: every rule is met");
	else
		printf("\n%zu %s (%d %s)\n", res.findings.n, c->zh ? "项发现" : "findings", breaches,
		       c->zh ? "项不符合" : "breaches");
out:
	arena_release(&a);
	return rc;
}

static const struct cli_option check_options[] = {
	{ "group", 0, "KEY", "the study group (default: the org's first)", 0 },
	{ "year", 0, "YYYY", "the year judged (default: this year)", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

const struct cli_command cmd_check_commands[] = {
	{ "check", "compliance findings for a group and year", NULL, 0, check_options,
	  CMD_NEEDS_DB | CMD_ORG | CMD_JSON, check_run,
	  "Judges a group's year against the rules of center-group study, with the org's\n"
	  "thresholds ('plenum setting list'). Each finding names the rule, who or what it\n"
	  "concerns and the evidence. Defaults: the org's first group, this year.\n" },
	{ NULL, NULL, NULL, 0, NULL, 0, NULL, NULL },
};
