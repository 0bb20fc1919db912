/*
 * report.h -- the papers a year ends in, generated from the record: minutes
 * and news briefs of a meeting, the annual study dossier, the supervision
 * notice, the task ledger (and its import), the upward-reporting package and
 * the iCalendar feed.
 *
 * Text reports come from Markdown templates (templates/, editable, see
 * template.h) rendered over the record as JSON, then turned into HTML
 * (cmark-gfm) or PDF (pdf.c: pango and cairo, CJK fonts embedded). Reports
 * read through the services; they never write. All functions append to out
 * and return 0, or -1 with *err.
 *
 * In the binary, the report functions below are calls into the report module
 * (plenum-report.so, loaded on the first of them: module.h, entry.c); when
 * it is missing they fail with ST_FAIL naming the paths tried.
 * report_format_parse and report_content_type are the binary's own (format.c).
 */
#ifndef PLENUM_REPORT_H
#define PLENUM_REPORT_H

#include <stdint.h>
#include <jansson.h>

struct svc;
struct buf;
struct err;
struct task_filter;

enum report_format { RF_MD, RF_HTML, RF_PDF, RF_CSV, RF_XLSX, RF_ICS, RF_ZIP };

/* "md" -> RF_MD ...; -1 when unknown. */
int report_format_parse(const char *name);
const char *report_content_type(enum report_format f);

int report_minutes(struct svc *svc, const char *meeting_key, int en, enum report_format f,
		   struct buf *out, struct err *err);
int report_brief(struct svc *svc, const char *meeting_key, int en, enum report_format f,
		 struct buf *out, struct err *err);
/* group_key NULL: the org's first group. */
int report_dossier(struct svc *svc, const char *group_key, int year, int en, enum report_format f,
		   struct buf *out, struct err *err);
/* Overdue, red and yellow tasks as of `to`, grouped by lead unit; from
 * limits the extension requests and reports counted. */
int report_notice(struct svc *svc, const char *from, const char *to, int en, enum report_format f,
		  struct buf *out, struct err *err);
/* One row per task matching f (light >= 0 keeps one light). The header
 * row is in Chinese unless en; import reads either. */
int report_ledger(struct svc *svc, const struct task_filter *f, int light, int en, enum report_format fmt,
		  struct buf *out, struct err *err);
/* Meetings of a group (group_key) or of the groups a person belongs to
 * (person_id, when group_key is NULL); base_url ("https://host", no trailing /) makes
 * links to the records; NULL: no links. en: titles and descriptions in
 * English where the record has them. DTSTAMP is the time of the call. */
int report_calendar(struct svc *svc, const char *group_key, int64_t person_id, const char *base_url, int en,
		    struct buf *out, struct err *err);
/* A zip of the member list, this year's plan and last year's dossier. */
int report_package(struct svc *svc, const char *group_key, int year, int en, struct buf *out,
		   struct err *err);


#endif
