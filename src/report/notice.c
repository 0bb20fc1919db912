/*
 * notice.c -- the supervision notice (督办通报): overdue, red and yellow
 * tasks as of a date, grouped by lead unit, with days overdue, missing
 * reports and extension requests (see report.h).
 */
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "render.h"
#include "../core/buf.h"
#include "../core/date.h"
#include "../io/views.h"
#include "../service/task.h"
#include "../core/banned.h"

struct ext_ctx {
	json_t *by_task;      /* task id -> latest extension object */
	int32_t from;
};

static int take_extension(void *ctx, int64_t task_id, const struct extension_row *x)
{
	struct ext_ctx *e = ctx;
	char id[32];
	int64_t t;

	if (datetime_parse(x->requested_at, 0, &t) == 0 && datetime_local_day(t, 480) < e->from)
		return 0;
	snprintf(id, sizeof(id), "%lld", (long long)task_id);
	json_object_set_new(e->by_task, id, json_pack("{s:s, s:s, s:s}", "status", x->status, "new_due_on",
						      x->new_due_on, "requested_at", x->requested_at));
	return 0;
}

/* The notice's rows, one task at a time from the scan: only the red and
 * yellow tasks are kept, so memory follows the notice, not the org. */
struct notice_ctx {
	struct ext_ctx *ex;
	int en;
	json_t *units, *list;
	int overdue, red, yellow;
};

static int notice_one(void *ctx, const struct task_view *t)
{
	struct notice_ctx *c = ctx;
	int en = c->en;
	json_t *unit, *row, *x;
	char id[32], rep[128] = "", extension[160] = "", due[DATE_LEN], deadline[DEADLINE_TEXT_MAX];

	if (t->light.light != LIGHT_RED && t->light.light != LIGHT_YELLOW)
		return 0;
	c->overdue += t->light.days_overdue > 0;
	c->red += t->light.light == LIGHT_RED;
	c->yellow += t->light.light == LIGHT_YELLOW;
	unit = json_object_get(c->units, t->row.lead_unit_key);
	if (unit == NULL) {
		unit = json_pack("{s:s, s:[]}", "unit_name", en && t->row.lead_unit_name_en ? t->row.lead_unit_name_en
										 : t->row.lead_unit_name, "tasks");
		json_object_set_new(c->units, t->row.lead_unit_key, unit);
		json_array_append(c->list, unit);
	}
	if (t->light.reason == LR_REPORT_MISSING)
		snprintf(rep, sizeof(rep), en ? "missing since %s" : "%s起未报送", date_format(t->light.report_due_on, due));
	else
		snprintf(rep, sizeof(rep), en ? "last %s" : "最近 %s", t->row.last_report_on ? t->row.last_report_on : "—");
	snprintf(id, sizeof(id), "%lld", (long long)t->row.id);
	x = json_object_get(c->ex->by_task, id);
	if (x)
		snprintf(extension, sizeof(extension), en ? "to %s, %s" : "延至%s，%s",
			 json_string_value(json_object_get(x, "new_due_on")),
			 en ? json_string_value(json_object_get(x, "status"))
			    : strcmp(json_string_value(json_object_get(x, "status")), "approved") == 0 ? "已同意"
			    : strcmp(json_string_value(json_object_get(x, "status")), "refused") == 0 ? "未同意" : "待审批");
	row = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:s}", "key", t->row.key, "title",
			en && t->row.title_en ? t->row.title_en : t->row.title, "light_label",
			light_label(t->light.light, !en), "due_on", task_due_text(&t->row, !en, deadline),
			"days_overdue", t->light.days_overdue,
			"percent", t->row.has_report ? t->row.percent : 0, "report_label", rep, "extension_label",
			extension[0] ? extension : "—");
	json_array_append_new(json_object_get(unit, "tasks"), row);
	return 0;
}

int report_notice(struct svc *svc, const char *from, const char *to, int en, enum report_format f,
		  struct buf *out, struct err *err)
{
	struct ext_ctx ex = { json_object(), 0 };
	struct notice_ctx c = { &ex, en, json_object(), json_array(), 0, 0, 0 };
	struct task_filter all;
	int32_t saved = svc->today, day_to = svc->today, day_from;
	char dfrom[DATE_LEN], dto[DATE_LEN];
	json_t *data = NULL;
	int rc = -1;

	if (to && date_parse(to, &day_to) != 0) {
		rc = err_field(err, ST_INVALID, "to", "to: not a real date");
		goto out;
	}
	day_from = date_add_months(day_to, -1);
	if (from && date_parse(from, &day_from) != 0) {
		rc = err_field(err, ST_INVALID, "from", "from: not a real date");
		goto out;
	}
	if (day_from > day_to) {
		rc = err_field(err, ST_INVALID, "from", "from: after to");
		goto out;
	}
	ex.from = day_from;
	/* Lights as they were at the end of the period; the tasks streamed in
	 * the list's shape (the notice shows names, not history). */
	svc->today = day_to;
	memset(&all, 0, sizeof(all));
	all.list = 1;
	if (store_extensions_all(svc->st, svc->org.id, take_extension, &ex, err) != 0 ||
	    task_scan(svc, &all, notice_one, &c, err) != 0)
		goto out;
	for (size_t i = 0; i < json_array_size(c.list); i++)
		json_object_set_new(json_array_get(c.list, i), "n", json_integer((json_int_t)i + 1));
	data = json_pack("{s:s, s:s, s:i, s:i, s:i, s:I, s:O}", "from", date_format(day_from, dfrom), "to",
			 date_format(day_to, dto), "overdue_count", c.overdue, "red_count", c.red, "yellow_count", c.yellow,
			 "unit_count", (json_int_t)json_array_size(c.list), "units", c.list);
	rc = report_render(svc, en ? "notice.en.md" : "notice.zh.md", data, f, en ? "Supervision notice" : "督办通报", out, err);
out:
	svc->today = saved;
	json_decref(data);
	json_decref(c.list);
	json_decref(c.units);
	json_decref(ex.by_task);
	return rc;
}
