/*
 * cmd_task.c -- plenum task list|show|report|act|extend|decide: the tasks
 * that carry out the meetings' decisions, and their supervision workflow.
 */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "cli.h"
#include "../core/buf.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../io/views.h"
#include "../service/task.h"
#include "../service/tx.h"
#include "../store/store.h"
#include "../core/banned.h"

struct task_printer {
	const struct cli_common *c;
	int light;                   /* -1: any */
	size_t n;
	struct buf item;
};

static int print_task(void *ctx, const struct task_view *t)
{
	struct task_printer *p = ctx;

	if (p->light >= 0 && (int)t->light.light != p->light)
		return 0;
	if (p->c->json) {
		buf_reset(&p->item);
		if (view_task_write(&p->item, t) != 0)
			return -1;
		printf("%s%s", p->n ? ",\n  " : "[\n  ", buf_str(&p->item));
	} else {
		cli_print_task(p->c, t, "");
	}
	p->n++;
	return 0;
}

static int list_run(struct cli_run *r)
{
	const struct cli_common *c = &r->c;
	struct task_filter f = { 0 };
	const char *light = cli_opt(r, "light");
	struct task_printer pr = { 0 };
	struct err err = ERR_INIT;
	int rc, l = -1;
	int32_t d;

	f.unit_key = cli_opt(r, "unit");
	f.initiative_key = cli_opt(r, "initiative");
	f.meeting_key = cli_opt(r, "meeting");
	f.state = cli_opt(r, "state");
	f.due_from = cli_opt(r, "due-from");
	f.due_to = cli_opt(r, "due-to");
	if (light && (l = light_parse(light)) < 0)
		return cli_bad(r, "--light: expected red, yellow, green, grey or done, got \"%s\"", light);
	if (f.state && workflow_state_parse(f.state) < 0)
		return cli_bad(r, "--state: no state \"%s\"", f.state);
	if ((f.due_from && date_parse(f.due_from, &d) != 0) || (f.due_to && date_parse(f.due_to, &d) != 0))
		return cli_bad(r, "--due-from and --due-to take a real date YYYY-MM-DD");
	rc = cli_ready(r);
	if (rc)
		return rc;
	/* Streamed: a province's tasks are printed as they are read, never all
	 * held at once. */
	pr.c = c;
	pr.light = l;
	buf_init(&pr.item, LIM_VIEW_TASK);
	if (task_scan(&r->svc, &f, print_task, &pr, &err) != 0) {
		if (c->json && pr.n)
			printf("\n]\n");
		rc = cli_fail(&err);
		goto out;
	}
	if (c->json)
		printf(pr.n ? "\n]\n" : "[]\n");
	else if (pr.n == 0)
		printf("%s\n", c->zh ? "没有符合条件的任务" : "no tasks match");
	rc = pr.item.err ? EXIT_FAIL : EXIT_OK;
out:
	buf_release(&pr.item);
	return rc;
}

static int show_run(struct cli_run *r)
{
	const struct cli_common *c = &r->c;
	struct arena a = ARENA_INIT;
	struct task_view t;
	struct task_history h;
	struct err err = ERR_INIT;
	int rc;
	char due[DEADLINE_TEXT_MAX];

	if (r->narg != 1)
		return cli_bad(r, "name the task (see 'plenum task list')");
	rc = cli_ready(r);
	if (rc)
		return rc;
	if (task_show(&r->svc, r->arg[0], &a, &t, &h, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (c->json) {
		rc = view_print(view_task_full(&t, &h)) ? EXIT_FAIL : EXIT_OK;
		goto out;
	}
	cli_print_task(c, &t, "");
	printf("\n%s: %s %s\n", c->zh ? "所属工程" : "Initiative", t.row.initiative_code,
	       cli_pick(c, t.row.initiative_title, t.row.initiative_title_en));
	if (t.row.meeting_key)
		printf("%s: %s (%s), %s %d: %s\n", c->zh ? "来源" : "Origin",
		       cli_pick(c, t.row.meeting_title, t.row.meeting_title_en), t.row.meeting_key,
		       c->zh ? "决定" : "decision", t.row.decision_number,
		       cli_pick(c, t.row.decision_text, t.row.decision_text_en));
	if (t.row.speaker_name)
		printf("%s: %s\n", c->zh ? "出自发言" : "From the speech of",
		       cli_pick(c, t.row.speaker_name, t.row.speaker_name_en));
	if (t.row.responsible_name)
		printf("%s: %s\n", c->zh ? "责任领导" : "Responsible", cli_pick(c, t.row.responsible_name, t.row.responsible_name_en));
	printf("%s: %s .. %s, %s %s\n", c->zh ? "起止" : "Dates", t.row.starts_on, task_due_text(&t.row, c->zh, due),
	       c->zh ? "报送周期" : "reports", t.row.cadence);
	printf("%s: %d%%", c->zh ? "进度" : "Progress", t.row.has_report ? t.row.percent : 0);
	if (t.light.expected >= 0)      /* no schedule without a due date */
		printf("%s %d%%", c->zh ? "；序时进度" : "; pro-rata schedule", t.light.expected);
	printf("\n");
	if (h.ntransitions) {
		printf("\n%s\n", c->zh ? "流转记录" : "Workflow");
		for (size_t i = 0; i < h.ntransitions; i++)
			printf("  %s  %-18s %s -> %s  %s%s%s\n", h.transitions[i].at, h.transitions[i].action,
			       h.transitions[i].from_state, h.transitions[i].to_state, h.transitions[i].actor,
			       h.transitions[i].note ? " — " : "", h.transitions[i].note ? h.transitions[i].note : "");
	}
	if (h.nextensions) {
		printf("\n%s\n", c->zh ? "延期申请" : "Extension requests");
		for (size_t i = 0; i < h.nextensions; i++)
			printf("  %s  %s -> %s  %s: %s\n", h.extensions[i].requested_at, h.extensions[i].old_due_on,
			       h.extensions[i].new_due_on, h.extensions[i].status, h.extensions[i].reason);
	}
	printf("\n%s\n", c->zh ? "进展报告" : "Progress reports");
	if (h.reports_total > (long)h.nreports)      /* the history carries the latest only */
		printf(c->zh ? "  （另有 %ld 份更早的报告未列出）\n" : "  (%ld earlier reports not shown)\n",
		       h.reports_total - (long)h.nreports);
	for (size_t i = 0; i < h.nreports; i++) {
		const struct report_row *rep = &h.reports[i];

		printf("  %s  %3d%%  %s\n", rep->reported_on, rep->percent, rep->done);
		if (rep->problems)
			printf("              %s: %s\n", c->zh ? "问题" : "problems", rep->problems);
		if (rep->next_steps)
			printf("              %s: %s\n", c->zh ? "下步" : "next", rep->next_steps);
	}
	if (h.nreports == 0)
		printf("  %s\n", c->zh ? "（尚无进展报告）" : "(none yet)");
out:
	arena_release(&a);
	return rc;
}

static int report_run(struct cli_run *r)
{
	const struct cli_common *c = &r->c;
	struct progress_input in = { 0 };
	const char *percent = cli_opt(r, "percent"), *idem = cli_opt(r, "idempotency-key");
	struct err err = ERR_INIT;
	struct arena a = ARENA_INIT;
	struct idem_row seen;
	char hash[65];
	long long p;
	int rc;

	in.done = cli_opt(r, "done");
	in.problems = cli_opt(r, "problems");
	in.next_steps = cli_opt(r, "next");
	in.reported_on = cli_opt(r, "on");
	in.reporter_key = cli_opt(r, "reporter");
	in.period_from = cli_opt(r, "from");
	in.period_to = cli_opt(r, "to");
	if (r->narg != 1)
		return cli_bad(r, "name the task");
	if (parse_int(percent, 0, 100, &p, "--percent", &err) != 0)
		return cli_bad(r, "%s", err.msg);
	in.percent = (int)p;
	rc = cli_ready(r);
	if (rc)
		return rc;
	if (idem) {
		const char *parts[] = { "task report", r->arg[0], percent, in.done, in.problems, in.next_steps,
					in.reported_on, in.reporter_key, in.period_from, in.period_to };

		svc_idem_hash(parts, sizeof(parts) / sizeof(parts[0]), hash);
		if (svc_idem_lookup(&r->svc, idem, hash, &a, &seen, &err) != 0) {
			rc = cli_fail(&err);
			goto out;
		}
		if (seen.found) {
			if (strcmp(seen.request_hash, hash) != 0) {
				err_field(&err, ST_INVALID, "--idempotency-key", "--idempotency-key: \"%s\" was used for "
					  "another request; use a new key for a new report", idem);
				rc = cli_fail(&err);
			} else {
				printf("%s %s: %s\n", c->zh ? "已报送过" : "already filed", r->arg[0], idem);
			}
			goto out;
		}
	}
	if (task_report(&r->svc, r->arg[0], &in, &err) != 0) {
		rc = cli_fail(&err);
	} else {
		svc_idem_finish(&r->svc, 201, NULL, NULL, NULL);
		printf("%s %s: %d%%\n", c->zh ? "已报送进展" : "progress filed for", r->arg[0], in.percent);
	}
out:
	arena_release(&a);
	return rc;
}

static int act_run(struct cli_run *r)
{
	const char *note = cli_opt(r, "note");
	struct err err = ERR_INIT;
	int rc, action;

	if (r->narg != 2)
		return cli_bad(r, "name the task and the action");
	action = workflow_action_parse(r->arg[1]);
	if (action < 0 || action == TA_REPORT_PROGRESS || action == TA_REQUEST_EXTENSION || action == TA_DECIDE_EXTENSION)
		return cli_bad(r, "no action \"%s\"", r->arg[1]);
	rc = cli_ready(r);
	if (rc)
		return rc;
	if (task_act(&r->svc, r->arg[0], (enum task_action)action, note, &err) != 0)
		rc = cli_fail(&err);
	else
		printf("%s: %s\n", r->arg[0], r->arg[1]);
	return rc;
}

static int extend_run(struct cli_run *r)
{
	const char *to = cli_opt(r, "to"), *reason = cli_opt(r, "reason");
	struct err err = ERR_INIT;
	int rc;

	if (r->narg != 1)
		return cli_bad(r, "name the task");
	rc = cli_ready(r);
	if (rc)
		return rc;
	if (task_request_extension(&r->svc, r->arg[0], to, reason, &err) != 0)
		rc = cli_fail(&err);
	else
		printf("%s: extension to %s requested\n", r->arg[0], to);
	return rc;
}

static int decide_run(struct cli_run *r)
{
	const char *note = cli_opt(r, "note");
	struct err err = ERR_INIT;
	int rc, approve;

	if (r->narg != 2 || (strcmp(r->arg[1], "approve") != 0 && strcmp(r->arg[1], "refuse") != 0))
		return cli_bad(r, "name the task and approve or refuse");
	approve = strcmp(r->arg[1], "approve") == 0;
	rc = cli_ready(r);
	if (rc)
		return rc;
	if (task_decide_extension(&r->svc, r->arg[0], approve, note, &err) != 0)
		rc = cli_fail(&err);
	else
		printf("%s: extension %s\n", r->arg[0], approve ? "approved" : "refused");
	return rc;
}

static const struct cli_option list_options[] = {
	{ "unit", 0, "KEY", "tasks whose lead or supporting unit is KEY", 0 },
	{ "initiative", 0, "KEY", "tasks of the initiative KEY and of everything below it", 0 },
	{ "meeting", 0, "KEY", "tasks that came from the meeting KEY", 0 },
	{ "state", 0, "S", "tasks in the workflow state S (registered, dispatched, ..., closed)", 0 },
	{ "light", 0, "red|yellow|green|grey|done", "tasks with this light", 0 },
	{ "due-from", 0, "D", "tasks due on or after the date D (YYYY-MM-DD)", 0 },
	{ "due-to", 0, "D", "tasks due on or before the date D", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option report_options[] = {
	{ "percent", 0, "N", "how far the task is, 0 to 100", 1 },
	{ "done", 0, "TEXT", "what was done since the last report", 1 },
	{ "problems", 0, "TEXT", "problems met", 0 },
	{ "next", 0, "TEXT", "the next steps", 0 },
	{ "on", 0, "YYYY-MM-DD", "the report's date (default today; never in the future)", 0 },
	{ "reporter", 0, "PERSON", "the person who reports", 0 },
	{ "from", 0, "YYYY-MM-DD", "the first day of the period the report covers", 0 },
	{ "to", 0, "YYYY-MM-DD", "the last day of that period", 0 },
	{ "idempotency-key", 0, "KEY", "files the report once, however often the same command is run", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option note_options[] = {
	{ "note", 0, "TEXT", "a note kept in the workflow history", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option extend_options[] = {
	{ "to", 0, "YYYY-MM-DD", "the new due date", 1 },
	{ "reason", 0, "TEXT", "why the task needs more time", 1 },
	{ NULL, 0, NULL, NULL, 0 },
};

const struct cli_command cmd_task_commands[] = {
	{ "task list", "tasks with their lights, filtered", NULL, 0, list_options,
	  CMD_NEEDS_DB | CMD_ORG | CMD_JSON, list_run,
	  "Lists tasks with their light, computed today from the due date, the pro-rata\n"
	  "schedule and the latest progress report. --unit matches lead or supporting units;\n"
	  "--initiative includes everything below it.\n" },
	{ "task show", "one task with its origin and history", "KEY", 1, NULL,
	  CMD_NEEDS_DB | CMD_ORG | CMD_JSON, show_run,
	  "Shows one task: its origin (meeting, speech, decision), units, dates, light,\n"
	  "workflow history, extension requests and progress reports.\n" },
	{ "task report", "file a progress report", "KEY", 1, report_options,
	  CMD_NEEDS_DB | CMD_WRITES | CMD_ORG, report_run,
	  "Files a progress report (append-only). An acknowledged or returned task moves\n"
	  "to in progress. The report date defaults to today and cannot be in the future;\n"
	  "--from and --to say which period the report covers (from the task's start to today).\n"
	  "--idempotency-key: a script that may run the same report twice (a retry after a timeout)\n"
	  "gives a key; the second run with the same key and values files nothing and says so.\n" },
	{ "task act", "dispatch, acknowledge, report completion, close or return",
	  "KEY dispatch|acknowledge|report_completion|close|return", 2, note_options,
	  CMD_NEEDS_DB | CMD_WRITES | CMD_ORG, act_run,
	  "Moves a task through the supervision workflow: registered -> dispatched (交办)\n"
	  "-> acknowledged (签收) -> in progress (办理) -> completion reported (办结) -> closed\n"
	  "(销号), or returned (退办) for more work. Illegal moves fail and list the legal ones.\n" },
	{ "task extend", "request an extension of the due date", "KEY", 1, extend_options,
	  CMD_NEEDS_DB | CMD_WRITES | CMD_ORG, extend_run,
	  "Requests an extension (延期); only before the due date, one at a time.\n" },
	{ "task decide", "approve or refuse the pending extension", "KEY approve|refuse", 2, note_options,
	  CMD_NEEDS_DB | CMD_WRITES | CMD_ORG, decide_run,
	  "Decides the task's pending extension request; approval moves the due date.\n" },
	{ NULL, NULL, NULL, 0, NULL, 0, NULL, NULL },
};
