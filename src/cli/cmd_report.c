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
#include "../service/import_ledger.h"
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
int cmd_ledger(int argc, char **argv)
{
	static const char usage[] =
		"plenum ledger import FILE.csv|FILE.xlsx [--skip-bad] [--encoding utf-8|utf-16|gb18030] [--db FILE]";
	struct cli_common c = { 0 };
	int skip = 0;
	const char *encoding = NULL;
	const struct cli_opt opts[] = {
		{ "skip-bad", 0, 0, NULL, &skip },
		{ "encoding", 0, 1, &encoding, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct buf data = BUF_INIT(LIM_IMPORT_BYTES), problems = BUF_INIT(1 << 20), warnings = BUF_INIT(1 << 20);
	struct import_ledger li;
	char summary[512];
	struct err err = ERR_INIT;
	const char *pos[2], *dot;
	struct svc svc;
	int npos = 2, rc, f;
	FILE *in;
	char chunk[65536];
	size_t n;

	if (cli_parse(argc, argv, &c, opts, pos, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nReads a task ledger (the columns of 'plenum report ledger') from CSV or XLSX.\n"
		       "New keys register tasks, known keys update them, unchanged rows are left alone.\n"
		       "Edited progress columns (percent, latest_report, last_report_on) file a progress\n"
		       "report by you; edits that cannot be applied are listed as warnings.\n"
		       "Every rejected row is listed with its row number, column and reason; nothing is\n"
		       "written when any row is rejected, unless --skip-bad.\n"
		       "A CSV's encoding (UTF-8, UTF-16 with a byte-order mark, GB18030) is found;\n"
		       "--encoding names it when it cannot be.\n", usage);
		return EXIT_OK;
	}
	if (npos != 2 || strcmp(pos[0], "import") != 0)
		return cli_usage(usage, "expected: import FILE");
	dot = strrchr(pos[1], '.');
	f = dot ? report_format_parse(dot + 1) : -1;
	if (f != RF_CSV && f != RF_XLSX)
		return cli_usage(usage, "the file must end in .csv or .xlsx");
	in = fopen(pos[1], "rb");
	if (in == NULL) {
		fprintf(stderr, "plenum: cannot read \"%s\": %s\n", pos[1], strerror(errno));
		return EXIT_USAGE;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		buf_add(&data, chunk, n);
	fclose(in);
	rc = cli_open(&svc, &c, 0, 1);
	if (rc) {
		buf_release(&data);
		return rc;
	}
	memset(&li, 0, sizeof(li));
	li.skip_bad = skip;
	li.encoding = encoding;
	li.problems = &problems;
	li.warnings = &warnings;
	if (isatty(2))
		li.progress = progress;
	if (import_ledger_run(&svc, buf_str(&data), buf_len(&data), f == RF_CSV ? IMPORT_LEDGER_CSV : IMPORT_LEDGER_XLSX,
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
	svc_close(&svc);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	static const char usage[] =
		"plenum report minutes|brief --meeting KEY [--format md|html|pdf]\n"
		"       plenum report dossier [--group KEY] [--year YYYY]           (pdf, md, html)\n"
		"       plenum report notice [--from DATE] [--to DATE] [--format md|html|pdf]\n"
		"       plenum report ledger [--format csv|xlsx] [--unit U] [--initiative I] [--light L] [--due-from D] [--due-to D]\n"
		"       plenum report calendar [--group KEY] [--base-url URL]       (ics; links only with --base-url)\n"
		"       plenum report package [--group KEY] [--year YYYY] -o FILE.zip\n"
		"   common: [-o FILE] [--lang zh|en] [--db FILE]";
	struct cli_common c = { 0 };
	const char *meeting = NULL, *format = NULL, *out = NULL, *group = NULL, *year = NULL, *from = NULL, *to = NULL;
	const char *light = NULL, *base_url = NULL;
	char base[LIM_BASE_URL_BYTES + 1];
	struct task_filter tf = { 0 };
	const struct cli_opt opts[] = {
		{ "meeting", 0, 1, &meeting, NULL }, { "format", 0, 1, &format, NULL }, { "output", 'o', 1, &out, NULL },
		{ "group", 0, 1, &group, NULL }, { "year", 0, 1, &year, NULL }, { "from", 0, 1, &from, NULL },
		{ "to", 0, 1, &to, NULL }, { "unit", 0, 1, &tf.unit_key, NULL }, { "initiative", 0, 1, &tf.initiative_key, NULL },
		{ "light", 0, 1, &light, NULL }, { "due-from", 0, 1, &tf.due_from, NULL }, { "due-to", 0, 1, &tf.due_to, NULL },
		{ "base-url", 0, 1, &base_url, NULL }, { NULL, 0, 0, NULL, NULL },
	};
	struct buf b = BUF_INIT(256u << 20);
	struct err err = ERR_INIT;
	const char *pos[1];
	struct svc svc;
	int npos = 1, rc, f, l = -1;
	long long y = 0;
	int32_t d;

	if (cli_parse(argc, argv, &c, opts, pos, &npos, usage) != 0)
		return EXIT_USAGE;
	if (c.help) {
		printf("usage: %s\n\nTemplates of the text reports are the .md files of templates/ (built in);\n"
		       "set PLENUM_TEMPLATES=DIR to use your own copies.\n", usage);
		return EXIT_OK;
	}
	if (npos != 1)
		return cli_usage(usage, "name the report");
	if (year && parse_int(year, LIM_YEAR_MIN, LIM_YEAR_MAX, &y, "--year", &err) != 0)
		return cli_usage(usage, "%s", err.msg);
	if ((from && date_parse(from, &d) != 0) || (to && date_parse(to, &d) != 0) ||
	    (tf.due_from && date_parse(tf.due_from, &d) != 0) || (tf.due_to && date_parse(tf.due_to, &d) != 0))
		return cli_usage(usage, "dates are YYYY-MM-DD and real");
	if (base_url && text_base_url(base_url, base, sizeof(base), "--base-url", &err) != 0)
		return cli_usage(usage, "%s", err.msg);
	if (light && (l = light_parse(light)) < 0)
		return cli_usage(usage, "--light: expected red, yellow, green, grey or done");
	rc = cli_open(&svc, &c, STORE_READONLY, 1);
	if (rc)
		return rc;
	if (!year)
		y = date_year(svc.today);
	if (strcmp(pos[0], "minutes") == 0 || strcmp(pos[0], "brief") == 0) {
		f = pick_format(format, out, RF_MD);
		if (meeting == NULL)
			rc = cli_usage(usage, "--meeting is required");
		else if (f < 0 || f > RF_PDF)
			rc = cli_usage(usage, "--format: md, html or pdf");
		else if ((pos[0][0] == 'm' ? report_minutes : report_brief)(&svc, meeting, !c.zh, (enum report_format)f, &b, &err))
			rc = cli_fail(&err);
	} else if (strcmp(pos[0], "dossier") == 0) {
		f = pick_format(format, out, RF_PDF);
		if (f < 0 || f > RF_PDF)
			rc = cli_usage(usage, "--format: pdf, md or html");
		else if (report_dossier(&svc, group, (int)y, !c.zh, (enum report_format)f, &b, &err))
			rc = cli_fail(&err);
	} else if (strcmp(pos[0], "notice") == 0) {
		f = pick_format(format, out, RF_MD);
		if (f < 0 || f > RF_PDF)
			rc = cli_usage(usage, "--format: md, html or pdf");
		else if (report_notice(&svc, from, to, !c.zh, (enum report_format)f, &b, &err))
			rc = cli_fail(&err);
	} else if (strcmp(pos[0], "ledger") == 0) {
		f = pick_format(format, out, RF_CSV);
		if (f != RF_CSV && f != RF_XLSX)
			rc = cli_usage(usage, "--format: csv or xlsx");
		else if (report_ledger(&svc, &tf, l, !c.zh, (enum report_format)f, &b, &err))
			rc = cli_fail(&err);
	} else if (strcmp(pos[0], "calendar") == 0) {
		if (report_calendar(&svc, group, 0, base_url ? base : NULL, !c.zh, &b, &err))
			rc = cli_fail(&err);
	} else if (strcmp(pos[0], "package") == 0) {
		if (out == NULL)
			rc = cli_usage(usage, "the package is a zip: give -o FILE.zip");
		else if (report_package(&svc, group, (int)y, !c.zh, &b, &err))
			rc = cli_fail(&err);
	} else {
		rc = cli_usage(usage, "no report \"%s\"", pos[0]);
	}
	if (rc == 0 && write_out(out, &b) != 0) {
		fprintf(stderr, "plenum: cannot write \"%s\": %s\n", out ? out : "standard output", strerror(errno));
		rc = EXIT_FAIL;
	}
	buf_release(&b);
	svc_close(&svc);
	return rc;
}
