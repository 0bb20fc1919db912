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
#include "../service/task.h"
#include "../core/banned.h"

static int write_out(const char *path, const struct buf *b)
{
	char tmp[4096];
	FILE *f;
	int ok;

	if (path == NULL || strcmp(path, "-") == 0)
		return fwrite(buf_str(b), 1, buf_len(b), stdout) == buf_len(b) && fflush(stdout) == 0 ? 0 : -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (f == NULL)
		return -1;
	ok = fwrite(buf_str(b), 1, buf_len(b), f) == buf_len(b) && fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

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
	struct buf data = BUF_INIT(LIM_IMPORT_BYTES), problems = BUF_INIT(1 << 20);
	struct ledger_import li;
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
	li.problems = &problems;
	if (isatty(2))
		li.progress = progress;
	if (report_ledger_import(&r->svc, buf_str(&data), buf_len(&data), (enum report_format)f, &li, &err) != 0) {
		fputs(buf_str(&problems), stderr);
		rc = cli_fail(&err);
	} else {
		fputs(buf_str(&problems), stderr);
		printf("%ld rows: %ld created, %ld updated, %ld unchanged, %ld rejected\n", li.rows, li.created, li.updated,
		       li.rows - li.created - li.updated - li.rejected, li.rejected);
	}
	buf_release(&data);
	buf_release(&problems);
	return rc;
}

static int report_run(struct cli_run *r)
{
	const struct cli_common *c = &r->c;
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
	if (r->narg != 1)
		return cli_bad(r, "name the report");
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
	if (strcmp(r->arg[0], "minutes") == 0 || strcmp(r->arg[0], "brief") == 0) {
		f = pick_format(format, out, RF_MD);
		if (meeting == NULL)
			rc = cli_bad(r, "--meeting is required");
		else if (f < 0 || f > RF_PDF)
			rc = cli_bad(r, "--format: md, html or pdf");
		else if ((r->arg[0][0] == 'm' ? report_minutes : report_brief)(&r->svc, meeting, !c->zh, (enum report_format)f, &b, &err))
			rc = cli_fail(&err);
	} else if (strcmp(r->arg[0], "dossier") == 0) {
		f = pick_format(format, out, RF_PDF);
		if (f < 0 || f > RF_PDF)
			rc = cli_bad(r, "--format: pdf, md or html");
		else if (report_dossier(&r->svc, group, (int)y, !c->zh, (enum report_format)f, &b, &err))
			rc = cli_fail(&err);
	} else if (strcmp(r->arg[0], "notice") == 0) {
		f = pick_format(format, out, RF_MD);
		if (f < 0 || f > RF_PDF)
			rc = cli_bad(r, "--format: md, html or pdf");
		else if (report_notice(&r->svc, from, to, !c->zh, (enum report_format)f, &b, &err))
			rc = cli_fail(&err);
	} else if (strcmp(r->arg[0], "ledger") == 0) {
		f = pick_format(format, out, RF_CSV);
		if (f != RF_CSV && f != RF_XLSX)
			rc = cli_bad(r, "--format: csv or xlsx");
		else if (report_ledger(&r->svc, &tf, l, !c->zh, (enum report_format)f, &b, &err))
			rc = cli_fail(&err);
	} else if (strcmp(r->arg[0], "calendar") == 0) {
		if (report_calendar(&r->svc, group, 0, base_url ? base : NULL, !c->zh, &b, &err))
			rc = cli_fail(&err);
	} else if (strcmp(r->arg[0], "package") == 0) {
		if (out == NULL)
			rc = cli_bad(r, "the package is a zip: give -o FILE.zip");
		else if (report_package(&r->svc, group, (int)y, !c->zh, &b, &err))
			rc = cli_fail(&err);
	} else {
		rc = cli_bad(r, "no report \"%s\"", r->arg[0]);
	}
	if (rc == 0 && write_out(out, &b) != 0) {
		fprintf(stderr, "plenum: cannot write \"%s\": %s\n", out ? out : "standard output", strerror(errno));
		rc = EXIT_FAIL;
	}
	buf_release(&b);
	return rc;
}

static const struct cli_option ledger_import_options[] = {
	{ "skip-bad", 0, NULL, "write the good rows and list the rejected ones, instead of writing nothing", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option report_options[] = {
	{ "meeting", 0, "KEY", "minutes, brief: the meeting", 0 },
	{ "format", 0, "FORMAT", "md, html or pdf; csv or xlsx for the ledger (default: from -o's extension)", 0 },
	{ "output", 'o', "FILE", "write to FILE instead of standard output", 0 },
	{ "group", 0, "KEY", "dossier, calendar, package: the study group", 0 },
	{ "year", 0, "YYYY", "dossier, package: the year (default: this year)", 0 },
	{ "from", 0, "DATE", "notice: the first day", 0 },
	{ "to", 0, "DATE", "notice: the last day", 0 },
	{ "unit", 0, "U", "ledger: the tasks of the unit U", 0 },
	{ "initiative", 0, "I", "ledger: the tasks of the initiative I and below it", 0 },
	{ "light", 0, "L", "ledger: the tasks with the light L (red, yellow, green, grey, done)", 0 },
	{ "due-from", 0, "D", "ledger: tasks due on or after D", 0 },
	{ "due-to", 0, "D", "ledger: tasks due on or before D", 0 },
	{ "base-url", 0, "URL", "calendar: the address users reach plenum at, for the events' links", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

const struct cli_command cmd_report_commands[] = {
	{ "ledger import", "import a task ledger (CSV or XLSX) in one transaction", "FILE.csv|FILE.xlsx", 1,
	  ledger_import_options, CMD_NEEDS_DB | CMD_WRITES | CMD_ORG, ledger_import_run,
	  "Reads a task ledger (the columns of 'plenum report ledger') from CSV or XLSX.\n"
	  "New keys register tasks, known keys update them, unchanged rows are left alone.\n"
	  "Every rejected row is listed with its row number, column and reason; nothing is\n"
	  "written when any row is rejected, unless --skip-bad.\n" },
	{ "report", "minutes, briefs, the dossier, notices, the ledger, calendars, packages",
	  "minutes|brief|dossier|notice|ledger|calendar|package", 1, report_options,
	  CMD_NEEDS_DB | CMD_ORG, report_run,
	  "The papers made from the record:\n"
	  "  minutes, brief --meeting KEY: a meeting's minutes or its news brief (md, html, pdf; md by default)\n"
	  "  dossier [--group KEY] [--year YYYY]: the year's file of the group (pdf by default; md, html)\n"
	  "  notice [--from DATE] [--to DATE]: the notice of the meetings planned (md by default; html, pdf)\n"
	  "  ledger [--unit U] [--initiative I] [--light L] [--due-from D] [--due-to D]: the task ledger\n"
	  "    (csv by default; xlsx), the columns 'plenum ledger import' reads back\n"
	  "  calendar [--group KEY] [--base-url URL]: the meetings as iCalendar (links only with --base-url)\n"
	  "  package [--group KEY] [--year YYYY] -o FILE.zip: every paper of the year in one zip\n"
	  "Templates of the text reports are the .md files of templates/ (built in);\n"
	  "set PLENUM_TEMPLATES=DIR to use your own copies.\n" },
	{ NULL, NULL, NULL, 0, NULL, 0, NULL, NULL },
};
