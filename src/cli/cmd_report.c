/*
 * cmd_report.c -- plenum report KIND: the papers made from the record, to
 * standard output or to a file (-o), in 中文 or English (--lang).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../core/buf.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../report/report.h"
#include "../io/import_ledger.h"
#include "../service/task.h"
#include "../core/banned.h"

/* The format: --format, else the output file's extension, else def. */
static int pick_format(const char *format, const char *out, int def)
{
	const char *dot = out ? strrchr(out, '.') : NULL;

	if (format)
		return report_format_parse(format);
	if (dot)
		return report_format_parse(dot + 1);
	return def;
}

static void progress(void *ctx, long done, long total)
{
	(void)ctx;
	fprintf(stderr, "\rchecking the ledger: %ld / %ld rows", done, total);
	if (done == total)
		fputc('\n', stderr);
}

/* plenum ledger import FILE: the same columns as 'plenum report ledger'. */
static int ledger_import_run(struct cli_run *r)
{
	const char *file;
	struct buf data = BUF_INIT(LIM_IMPORT_BYTES), problems = BUF_INIT(1 << 20), warnings = BUF_INIT(1 << 20);
	struct import_ledger li;
	char summary[512];
	struct err err = ERR_INIT;
	const char *dot;
	int rc, f;
	FILE *in;
	char chunk[65536];
	size_t n;

	if (r->narg != 1)
		return cli_bad(r, "expected: import FILE");
	file = r->arg[0];
	dot = strrchr(file, '.');
	f = dot ? report_format_parse(dot + 1) : -1;
	if (f != RF_CSV && f != RF_XLSX)
		return cli_bad(r, "the file must end in .csv or .xlsx");
	in = fopen(file, "rb");
	if (in == NULL) {
		fprintf(stderr, "plenum: cannot read \"%s\": %s\n", file, strerror(errno));
		return EXIT_USAGE;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		buf_add(&data, chunk, n);
	fclose(in);
	rc = cli_ready(r);
	if (rc) {
		buf_release(&data);
		return rc;
	}
	memset(&li, 0, sizeof(li));
	li.skip_bad = cli_flag(r, "skip-bad");
	li.encoding = cli_opt(r, "encoding");
	li.problems = &problems;
	li.warnings = &warnings;
	if (isatty(2))
		li.progress = progress;
	if (import_ledger_run(&r->svc, buf_str(&data), buf_len(&data), f == RF_CSV ? IMPORT_LEDGER_CSV : IMPORT_LEDGER_XLSX,
			      &li, &err) != 0) {
		fputs(buf_str(&problems), stderr);
		rc = cli_fail(&err);
	} else {
		fputs(buf_str(&problems), stderr);
		fputs(buf_str(&warnings), stderr);
		import_ledger_summary(&li, summary, sizeof(summary));
		printf("%s\n", summary);
	}
	json_decref(li.changes);
	buf_release(&data);
	buf_release(&problems);
	buf_release(&warnings);
	return rc;
}

/* One handler for the report commands: they share the checks of their
 * options and the writing of the paper. An option a kind does not have reads
 * as not given. */
static int report_run(struct cli_run *r)
{
	const struct cli_common *c = &r->c;
	const char *kind = r->cmd->name + strlen("report ");
	const char *meeting = cli_opt(r, "meeting"), *format = cli_opt(r, "format"), *out = cli_opt(r, "output");
	const char *group = cli_opt(r, "group"), *year = cli_opt(r, "year"), *from = cli_opt(r, "from");
	const char *to = cli_opt(r, "to"), *light = cli_opt(r, "light"), *base_url = cli_opt(r, "base-url");
	char base[LIM_BASE_URL_BYTES + 1];
	struct task_filter tf = { 0 };
	struct buf b = BUF_INIT(256u << 20);
	struct err err = ERR_INIT;
	int rc, f, l = -1;
	long long y = 0;
	int32_t d;

	tf.unit_key = cli_opt(r, "unit");
	tf.initiative_key = cli_opt(r, "initiative");
	tf.due_from = cli_opt(r, "due-from");
	tf.due_to = cli_opt(r, "due-to");
	if (year && parse_int(year, LIM_YEAR_MIN, LIM_YEAR_MAX, &y, "--year", &err) != 0)
		return cli_bad(r, "%s", err.msg);
	if ((from && date_parse(from, &d) != 0) || (to && date_parse(to, &d) != 0) ||
	    (tf.due_from && date_parse(tf.due_from, &d) != 0) || (tf.due_to && date_parse(tf.due_to, &d) != 0))
		return cli_bad(r, "dates are YYYY-MM-DD and real");
	if (base_url && text_base_url(base_url, base, sizeof(base), "--base-url", &err) != 0)
		return cli_bad(r, "%s", err.msg);
	if (light && (l = light_parse(light)) < 0)
		return cli_bad(r, "--light: expected red, yellow, green, grey or done");
	rc = cli_ready(r);
	if (rc)
		return rc;
	if (!year)
		y = date_year(r->svc.today);
	if (strcmp(kind, "minutes") == 0 || strcmp(kind, "brief") == 0) {
		f = pick_format(format, out, RF_MD);
		if (f < 0 || f > RF_PDF)
			rc = cli_bad(r, "--format: md, html or pdf");
		else if ((kind[0] == 'm' ? report_minutes : report_brief)(&r->svc, meeting, !c->zh, (enum report_format)f, &b, &err))
			rc = cli_fail(&err);
	} else if (strcmp(kind, "dossier") == 0) {
		f = pick_format(format, out, RF_PDF);
		if (f < 0 || f > RF_PDF)
			rc = cli_bad(r, "--format: pdf, md or html");
		else if (report_dossier(&r->svc, group, (int)y, !c->zh, (enum report_format)f, &b, &err))
			rc = cli_fail(&err);
	} else if (strcmp(kind, "notice") == 0) {
		f = pick_format(format, out, RF_MD);
		if (f < 0 || f > RF_PDF)
			rc = cli_bad(r, "--format: md, html or pdf");
		else if (report_notice(&r->svc, from, to, !c->zh, (enum report_format)f, &b, &err))
			rc = cli_fail(&err);
	} else if (strcmp(kind, "ledger") == 0) {
		f = pick_format(format, out, RF_CSV);
		if (f != RF_CSV && f != RF_XLSX)
			rc = cli_bad(r, "--format: csv or xlsx");
		else if (report_ledger(&r->svc, &tf, l, !c->zh, (enum report_format)f, &b, &err))
			rc = cli_fail(&err);
	} else if (strcmp(kind, "calendar") == 0) {
		if (report_calendar(&r->svc, group, 0, base_url ? base : NULL, !c->zh, &b, &err))
			rc = cli_fail(&err);
	} else {
		if (report_package(&r->svc, group, (int)y, !c->zh, &b, &err))
			rc = cli_fail(&err);
	}
	if (rc == 0 && cli_write_out(out, &b) != 0) {
		fprintf(stderr, "plenum: cannot write \"%s\": %s\n", out ? out : "standard output", strerror(errno));
		rc = EXIT_FAIL;
	}
	buf_release(&b);
	return rc;
}

static const struct cli_option ledger_import_options[] = {
	{ "skip-bad", 0, NULL, "write the good rows and list the rejected ones, instead of writing nothing", 0 },
	{ "encoding", 0, "E", "a CSV's encoding when it cannot be found: utf-8, utf-16, gb18030 (gbk)", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

#define OPT_OUTPUT { "output", 'o', "FILE", "write to FILE instead of standard output", 0 }
#define OPT_FORMAT(list) { "format", 0, list, "the format (default: from -o's extension, else the first)", 0 }
#define OPT_GROUP { "group", 0, "KEY", "the study group (default: the org's first)", 0 }
#define OPT_YEAR { "year", 0, "YYYY", "the year (default: this year)", 0 }
#define OPT_END { NULL, 0, NULL, NULL, 0 }

static const struct cli_option meeting_options[] = {
	{ "meeting", 0, "KEY", "the meeting", 1 }, OPT_FORMAT("md|html|pdf"), OPT_OUTPUT, OPT_END,
};

static const struct cli_option dossier_options[] = {
	OPT_GROUP, OPT_YEAR, OPT_FORMAT("pdf|md|html"), OPT_OUTPUT, OPT_END,
};

static const struct cli_option notice_options[] = {
	{ "from", 0, "DATE", "count extension requests and progress reports from this day (YYYY-MM-DD)", 0 },
	{ "to", 0, "DATE", "the day the notice judges the tasks as of (default today)", 0 },
	OPT_FORMAT("md|html|pdf"), OPT_OUTPUT, OPT_END,
};

static const struct cli_option ledger_options[] = {
	OPT_FORMAT("csv|xlsx"), OPT_OUTPUT,
	{ "unit", 0, "U", "the tasks whose lead or supporting unit is U", 0 },
	{ "initiative", 0, "I", "the tasks of the initiative I and below it", 0 },
	{ "light", 0, "L", "the tasks with the light L (red, yellow, green, grey, done)", 0 },
	{ "due-from", 0, "D", "tasks due on or after D", 0 },
	{ "due-to", 0, "D", "tasks due on or before D", 0 },
	OPT_END,
};

static const struct cli_option calendar_options[] = {
	OPT_GROUP,
	{ "base-url", 0, "URL", "the address users reach plenum at, for the events' links (none without it)", 0 },
	OPT_OUTPUT, OPT_END,
};

static const struct cli_option package_options[] = {
	OPT_GROUP, OPT_YEAR, { "output", 'o', "FILE.zip", "the zip to write", 1 }, OPT_END,
};

#define REPORT_FLAGS (CMD_NEEDS_DB | CMD_ORG)
#define TEMPLATES "Templates of the text reports are the .md files of templates/ (built in);\n" \
		  "set PLENUM_TEMPLATES=DIR to use your own copies.\n"

const struct cli_command cmd_report_commands[] = {
	{ "ledger import", "import a task ledger (CSV or XLSX) in one transaction", "FILE.csv|FILE.xlsx", 1,
	  ledger_import_options, CMD_NEEDS_DB | CMD_WRITES | CMD_ORG, ledger_import_run,
	  "Reads a task ledger (the columns of 'plenum report ledger') from CSV or XLSX.\n"
	  "New keys register tasks, known keys update them, unchanged rows are left alone.\n"
	  "Edited progress columns (percent, latest_report, last_report_on) file a progress\n"
	  "report by you; edits that cannot be applied are listed as warnings.\n"
	  "Every rejected row is listed with its row number, column and reason; nothing is\n"
	  "written when any row is rejected, unless --skip-bad.\n"
	  "A CSV's encoding (UTF-8, UTF-16 with a byte-order mark, GB18030) is found;\n"
	  "--encoding names it when it cannot be.\n" },
	{ "report minutes", "the minutes of a meeting (会议记录)", NULL, 0, meeting_options, REPORT_FLAGS, report_run,
	  "The minutes of one meeting: attendance, speeches with their key points, decisions and\n"
	  "the tasks they produced. Markdown by default; html or pdf with --format or -o's extension.\n"
	  TEMPLATES },
	{ "report brief", "the news brief of a meeting", NULL, 0, meeting_options, REPORT_FLAGS, report_run,
	  "The short news brief of one meeting, as the press would print it. Markdown by default.\n"
	  TEMPLATES },
	{ "report dossier", "the annual study dossier (学习档案) of a group", NULL, 0, dossier_options, REPORT_FLAGS,
	  report_run,
	  "The annual study dossier (学习档案) of a study group: its meetings, attendance and\n"
	  "charts. PDF by default; md or html.\n" TEMPLATES },
	{ "report notice", "the supervision notice of the tasks overdue or behind", NULL, 0, notice_options,
	  REPORT_FLAGS, report_run,
	  "The supervision notice (督办通知): the overdue, red and yellow tasks as of --to, grouped\n"
	  "by lead unit; --from limits the extension requests and reports counted. Markdown by default.\n"
	  TEMPLATES },
	{ "report ledger", "the task ledger (CSV or XLSX)", NULL, 0, ledger_options, REPORT_FLAGS, report_run,
	  "The task ledger (台账): a row a task with its light, in the columns 'plenum ledger\n"
	  "import' reads back. CSV by default; xlsx with --format or -o FILE.xlsx.\n" },
	{ "report calendar", "the meetings as an iCalendar feed", NULL, 0, calendar_options, REPORT_FLAGS, report_run,
	  "The group's meetings as iCalendar (.ics); the events link to plenum only with --base-url.\n" },
	{ "report package", "the upward-reporting package (报备) in one zip", NULL, 0, package_options, REPORT_FLAGS,
	  report_run,
	  "The upward-reporting package (报备) of a group: its member list, the year's plan and the\n"
	  "previous year's dossier, in one zip.\n" },
	{ NULL, NULL, NULL, 0, NULL, 0, NULL, NULL },
};
