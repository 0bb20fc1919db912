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
	struct cli_common *c;
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

static int list_cmd(int argc, char **argv)
{
	static const char usage[] = "plenum task list [--unit KEY] [--initiative KEY] [--meeting KEY] "
				    "[--state S] [--light red|yellow|green|grey|done] [--due-from D] [--due-to D] [--json]";
	struct cli_common c = { 0 };
	struct task_filter f = { 0 };
	const char *light = NULL;
	const struct cli_opt opts[] = {
		{ "unit", 0, 1, &f.unit_key, NULL },
		{ "initiative", 0, 1, &f.initiative_key, NULL },
		{ "meeting", 0, 1, &f.meeting_key, NULL },
		{ "state", 0, 1, &f.state, NULL },
		{ "light", 0, 1, &light, NULL },
		{ "due-from", 0, 1, &f.due_from, NULL },
		{ "due-to", 0, 1, &f.due_to, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct task_printer pr = { 0 };
	struct err err = ERR_INIT;
	struct svc svc;
	int npos = 0, rc, l = -1;
	int32_t d;

	if (cli_parse(argc, argv, &c, opts, NULL, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nLists tasks with their light, computed today from the due date, the pro-rata\n"
		       "schedule and the latest progress report. --unit matches lead or supporting units;\n"
		       "--initiative includes everything below it.\n", usage);
		return EXIT_OK;
	}
	if (light && (l = light_parse(light)) < 0)
		return cli_usage(usage, "--light: expected red, yellow, green, grey or done, got \"%s\"", light);
	if (f.state && workflow_state_parse(f.state) < 0)
		return cli_usage(usage, "--state: no state \"%s\"", f.state);
	if ((f.due_from && date_parse(f.due_from, &d) != 0) || (f.due_to && date_parse(f.due_to, &d) != 0))
		return cli_usage(usage, "--due-from and --due-to take a real date YYYY-MM-DD");
	rc = cli_open(&svc, &c, STORE_READONLY, 1);
	if (rc)
		return rc;
	/* Streamed: a province's tasks are printed as they are read, never all
	 * held at once. */
	pr.c = &c;
	pr.light = l;
	buf_init(&pr.item, LIM_VIEW_TASK);
	if (task_scan(&svc, &f, print_task, &pr, &err) != 0) {
		if (c.json && pr.n)
			printf("\n]\n");
		rc = cli_fail(&err);
		goto out;
	}
	if (c.json)
		printf(pr.n ? "\n]\n" : "[]\n");
	else if (pr.n == 0)
		printf("%s\n", c.zh ? "没有符合条件的任务" : "no tasks match");
	rc = pr.item.err ? EXIT_FAIL : EXIT_OK;
out:
	buf_release(&pr.item);
	svc_close(&svc);
	return rc;
}

static int show_cmd(int argc, char **argv)
{
	static const char usage[] = "plenum task show KEY [--json]";
	struct cli_common c = { 0 };
	struct arena a = ARENA_INIT;
	struct task_view t;
	struct task_history h;
	struct err err = ERR_INIT;
	const char *pos[1];
	struct svc svc;
	int npos = 1, rc;

	if (cli_parse(argc, argv, &c, NULL, pos, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nShows one task: its origin (meeting, speech, decision), units, dates, light,\n"
		       "workflow history, extension requests and progress reports.\n", usage);
		return EXIT_OK;
	}
	if (npos != 1)
		return cli_usage(usage, "name the task (see 'plenum task list')");
	rc = cli_open(&svc, &c, STORE_READONLY, 1);
	if (rc)
		return rc;
	if (task_show(&svc, pos[0], &a, &t, &h, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (c.json) {
		rc = view_print(view_task_full(&t, &h)) ? EXIT_FAIL : EXIT_OK;
		goto out;
	}
	cli_print_task(&c, &t, "");
	printf("\n%s: %s %s\n", c.zh ? "所属工程" : "Initiative", t.row.initiative_code,
	       cli_pick(&c, t.row.initiative_title, t.row.initiative_title_en));
	if (t.row.meeting_key)
		printf("%s: %s (%s), %s %d: %s\n", c.zh ? "来源" : "Origin",
		       cli_pick(&c, t.row.meeting_title, t.row.meeting_title_en), t.row.meeting_key,
		       c.zh ? "决定" : "decision", t.row.decision_number,
		       cli_pick(&c, t.row.decision_text, t.row.decision_text_en));
	if (t.row.speaker_name)
		printf("%s: %s\n", c.zh ? "出自发言" : "From the speech of",
		       cli_pick(&c, t.row.speaker_name, t.row.speaker_name_en));
	if (t.row.responsible_name)
		printf("%s: %s\n", c.zh ? "责任领导" : "Responsible", cli_pick(&c, t.row.responsible_name, t.row.responsible_name_en));
	printf("%s: %s .. %s, %s %s\n", c.zh ? "起止" : "Dates", t.row.starts_on, t.row.due_on,
	       c.zh ? "报送周期" : "reports", t.row.cadence);
	printf("%s: %d%% %s %d%%\n", c.zh ? "进度" : "Progress", t.row.has_report ? t.row.percent : 0,
	       c.zh ? "；序时进度" : "; pro-rata schedule", t.light.expected);
	if (h.ntransitions) {
		printf("\n%s\n", c.zh ? "流转记录" : "Workflow");
		for (size_t i = 0; i < h.ntransitions; i++)
			printf("  %s  %-18s %s -> %s  %s%s%s\n", h.transitions[i].at, h.transitions[i].action,
			       h.transitions[i].from_state, h.transitions[i].to_state, h.transitions[i].actor,
			       h.transitions[i].note ? " — " : "", h.transitions[i].note ? h.transitions[i].note : "");
	}
	if (h.nextensions) {
		printf("\n%s\n", c.zh ? "延期申请" : "Extension requests");
		for (size_t i = 0; i < h.nextensions; i++)
			printf("  %s  %s -> %s  %s: %s\n", h.extensions[i].requested_at, h.extensions[i].old_due_on,
			       h.extensions[i].new_due_on, h.extensions[i].status, h.extensions[i].reason);
	}
	printf("\n%s\n", c.zh ? "进展报告" : "Progress reports");
	if (h.reports_total > (long)h.nreports)      /* the history carries the latest only */
		printf(c.zh ? "  （另有 %ld 份更早的报告未列出）\n" : "  (%ld earlier reports not shown)\n",
		       h.reports_total - (long)h.nreports);
	for (size_t i = 0; i < h.nreports; i++) {
		const struct report_row *r = &h.reports[i];

		printf("  %s  %3d%%  %s\n", r->reported_on, r->percent, r->done);
		if (r->problems)
			printf("              %s: %s\n", c.zh ? "问题" : "problems", r->problems);
		if (r->next_steps)
			printf("              %s: %s\n", c.zh ? "下步" : "next", r->next_steps);
	}
	if (h.nreports == 0)
		printf("  %s\n", c.zh ? "（尚无进展报告）" : "(none yet)");
out:
	arena_release(&a);
	svc_close(&svc);
	return rc;
}

static int report_cmd(int argc, char **argv)
{
	static const char usage[] = "plenum task report KEY --percent N --done TEXT [--problems TEXT] "
				    "[--next TEXT] [--on YYYY-MM-DD] [--reporter PERSON]\n"
				    "                          [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--idempotency-key KEY]";
	struct cli_common c = { 0 };
	struct progress_input in = { 0 };
	const char *percent = NULL, *idem = NULL;
	const struct cli_opt opts[] = {
		{ "percent", 0, 1, &percent, NULL },
		{ "done", 0, 1, &in.done, NULL },
		{ "problems", 0, 1, &in.problems, NULL },
		{ "next", 0, 1, &in.next_steps, NULL },
		{ "on", 0, 1, &in.reported_on, NULL },
		{ "reporter", 0, 1, &in.reporter_key, NULL },
		{ "idempotency-key", 0, 1, &idem, NULL },
		{ "from", 0, 1, &in.period_from, NULL },
		{ "to", 0, 1, &in.period_to, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct err err = ERR_INIT;
	const char *pos[1];
	struct svc svc;
	struct arena a = ARENA_INIT;
	struct idem_row seen;
	char hash[65];
	long long p;
	int npos = 1, rc;

	if (cli_parse(argc, argv, &c, opts, pos, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nFiles a progress report (append-only). An acknowledged or returned task moves\n"
		       "to in progress. The report date defaults to today and cannot be in the future;\n"
		       "--from and --to say which period the report covers (from the task's start to today).\n"
		       "--idempotency-key: a script that may run the same report twice (a retry after a timeout)\n"
		       "gives a key; the second run with the same key and values files nothing and says so.\n", usage);
		return EXIT_OK;
	}
	if (npos != 1)
		return cli_usage(usage, "name the task");
	if (percent == NULL)
		return cli_usage(usage, "--percent is required");
	if (parse_int(percent, 0, 100, &p, "--percent", &err) != 0)
		return cli_usage(usage, "%s", err.msg);
	if (in.done == NULL)
		return cli_usage(usage, "--done is required: what was done since the last report");
	in.percent = (int)p;
	rc = cli_open(&svc, &c, 0, 1);
	if (rc)
		return rc;
	if (idem) {
		const char *parts[] = { "task report", pos[0], percent, in.done, in.problems, in.next_steps,
					in.reported_on, in.reporter_key, in.period_from, in.period_to };

		svc_idem_hash(parts, sizeof(parts) / sizeof(parts[0]), hash);
		if (svc_idem_lookup(&svc, idem, hash, &a, &seen, &err) != 0) {
			rc = cli_fail(&err);
			goto out;
		}
		if (seen.found) {
			if (strcmp(seen.request_hash, hash) != 0) {
				err_field(&err, ST_INVALID, "--idempotency-key", "--idempotency-key: \"%s\" was used for "
					  "another request; use a new key for a new report", idem);
				rc = cli_fail(&err);
			} else {
				printf("%s %s: %s\n", c.zh ? "已报送过" : "already filed", pos[0], idem);
			}
			goto out;
		}
	}
	if (task_report(&svc, pos[0], &in, &err) != 0) {
		rc = cli_fail(&err);
	} else {
		svc_idem_finish(&svc, 201, NULL, NULL, NULL);
		printf("%s %s: %d%%\n", c.zh ? "已报送进展" : "progress filed for", pos[0], in.percent);
	}
out:
	arena_release(&a);
	svc_close(&svc);
	return rc;
}

static int act_cmd(int argc, char **argv)
{
	static const char usage[] = "plenum task act KEY dispatch|acknowledge|report_completion|close|return [--note TEXT]";
	struct cli_common c = { 0 };
	const char *note = NULL;
	const struct cli_opt opts[] = {
		{ "note", 0, 1, &note, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct err err = ERR_INIT;
	const char *pos[2];
	struct svc svc;
	int npos = 2, rc, action;

	if (cli_parse(argc, argv, &c, opts, pos, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nMoves a task through the supervision workflow: registered -> dispatched (交办)\n"
		       "-> acknowledged (签收) -> in progress (办理) -> completion reported (办结) -> closed\n"
		       "(销号), or returned (退办) for more work. Illegal moves fail and list the legal ones.\n", usage);
		return EXIT_OK;
	}
	if (npos != 2)
		return cli_usage(usage, "name the task and the action");
	action = workflow_action_parse(pos[1]);
	if (action < 0 || action == TA_REPORT_PROGRESS || action == TA_REQUEST_EXTENSION || action == TA_DECIDE_EXTENSION)
		return cli_usage(usage, "no action \"%s\"", pos[1]);
	rc = cli_open(&svc, &c, 0, 1);
	if (rc)
		return rc;
	if (task_act(&svc, pos[0], (enum task_action)action, note, &err) != 0)
		rc = cli_fail(&err);
	else
		printf("%s: %s\n", pos[0], pos[1]);
	svc_close(&svc);
	return rc;
}

static int extend_cmd(int argc, char **argv)
{
	static const char usage[] = "plenum task extend KEY --to YYYY-MM-DD --reason TEXT";
	struct cli_common c = { 0 };
	const char *to = NULL, *reason = NULL;
	const struct cli_opt opts[] = {
		{ "to", 0, 1, &to, NULL },
		{ "reason", 0, 1, &reason, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct err err = ERR_INIT;
	const char *pos[1];
	struct svc svc;
	int npos = 1, rc;

	if (cli_parse(argc, argv, &c, opts, pos, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nRequests an extension (延期); only before the due date, one at a time.\n", usage);
		return EXIT_OK;
	}
	if (npos != 1 || to == NULL || reason == NULL)
		return cli_usage(usage, "name the task, --to and --reason");
	rc = cli_open(&svc, &c, 0, 1);
	if (rc)
		return rc;
	if (task_request_extension(&svc, pos[0], to, reason, &err) != 0)
		rc = cli_fail(&err);
	else
		printf("%s: extension to %s requested\n", pos[0], to);
	svc_close(&svc);
	return rc;
}

static int decide_cmd(int argc, char **argv)
{
	static const char usage[] = "plenum task decide KEY approve|refuse [--note TEXT]";
	struct cli_common c = { 0 };
	const char *note = NULL;
	const struct cli_opt opts[] = {
		{ "note", 0, 1, &note, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct err err = ERR_INIT;
	const char *pos[2];
	struct svc svc;
	int npos = 2, rc, approve;

	if (cli_parse(argc, argv, &c, opts, pos, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nDecides the task's pending extension request; approval moves the due date.\n", usage);
		return EXIT_OK;
	}
	if (npos != 2 || (strcmp(pos[1], "approve") != 0 && strcmp(pos[1], "refuse") != 0))
		return cli_usage(usage, "name the task and approve or refuse");
	approve = strcmp(pos[1], "approve") == 0;
	rc = cli_open(&svc, &c, 0, 1);
	if (rc)
		return rc;
	if (task_decide_extension(&svc, pos[0], approve, note, &err) != 0)
		rc = cli_fail(&err);
	else
		printf("%s: extension %s\n", pos[0], approve ? "approved" : "refused");
	svc_close(&svc);
	return rc;
}

int cmd_task(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
		const char *summary;
	} subs[] = {
		{ "list", list_cmd, "tasks with their lights, filtered" },
		{ "show", show_cmd, "one task with its origin and history" },
		{ "report", report_cmd, "file a progress report" },
		{ "act", act_cmd, "dispatch, acknowledge, report completion, close or return" },
		{ "extend", extend_cmd, "request an extension of the due date" },
		{ "decide", decide_cmd, "approve or refuse the pending extension" },
	};

	for (size_t i = 0; argc >= 2 && i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: plenum task COMMAND ...\n\n");
		for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
			printf("  %-8s %s\n", subs[i].name, subs[i].summary);
		return EXIT_OK;
	}
	return cli_usage("plenum task list|show|report|act|extend|decide ...", "expected a task command");
}
