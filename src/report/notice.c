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

int report_notice(struct svc *svc, const char *from, const char *to, int en, enum report_format f,
		  struct buf *out, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct task_view *tasks;
	struct ext_ctx ex = { json_object(), 0 };
	int32_t saved = svc->today, day_to = svc->today, day_from;
	char dfrom[DATE_LEN], dto[DATE_LEN];
	size_t n;
	json_t *data = NULL, *units = json_object(), *list = json_array();
	int overdue = 0, red = 0, yellow = 0, rc = -1;

	if (to && date_parse(to, &day_to) != 0)
		return err_field(err, ST_INVALID, "to", "to: not a real date");
	day_from = date_add_months(day_to, -1);
	if (from && date_parse(from, &day_from) != 0)
		return err_field(err, ST_INVALID, "from", "from: not a real date");
	if (day_from > day_to)
		return err_field(err, ST_INVALID, "from", "from: after to");
	ex.from = day_from;
	/* Lights as they were at the end of the period. */
	svc->today = day_to;
	if (task_list(svc, NULL, -1, &a, &tasks, &n, err) != 0 ||
	    store_extensions_all(svc->st, svc->org.id, take_extension, &ex, err) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct task_view *t = &tasks[i];
		json_t *unit, *row, *x;
		char id[32], rep[128] = "", extension[160] = "", due[DATE_LEN], deadline[DEADLINE_TEXT_MAX];

		if (t->light.light != LIGHT_RED && t->light.light != LIGHT_YELLOW)
			continue;
		overdue += t->light.days_overdue > 0;
		red += t->light.light == LIGHT_RED;
		yellow += t->light.light == LIGHT_YELLOW;
		unit = json_object_get(units, t->row.lead_unit_key);
		if (unit == NULL) {
			unit = json_pack("{s:s, s:[]}", "unit_name", en && t->row.lead_unit_name_en ? t->row.lead_unit_name_en
											 : t->row.lead_unit_name, "tasks");
			json_object_set_new(units, t->row.lead_unit_key, unit);
			json_array_append(list, unit);
		}
		if (t->light.reason == LR_REPORT_MISSING)
			snprintf(rep, sizeof(rep), en ? "missing since %s" : "%s起未报送", date_format(t->light.report_due_on, due));
		else
			snprintf(rep, sizeof(rep), en ? "last %s" : "最近 %s", t->row.last_report_on ? t->row.last_report_on : "—");
		snprintf(id, sizeof(id), "%lld", (long long)t->row.id);
		x = json_object_get(ex.by_task, id);
		if (x)
			snprintf(extension, sizeof(extension), en ? "to %s, %s" : "延至%s，%s",
				 json_string_value(json_object_get(x, "new_due_on")),
				 en ? json_string_value(json_object_get(x, "status"))
				    : strcmp(json_string_value(json_object_get(x, "status")), "approved") == 0 ? "已同意"
				    : strcmp(json_string_value(json_object_get(x, "status")), "refused") == 0 ? "未同意" : "待审批");
		row = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:s}", "key", t->row.key, "title",
				en && t->row.title_en ? t->row.title_en : t->row.title, "light_label",
				light_label(t->light.light, !en), "due_on", task_due_text(&t->row, !en, deadline), "days_overdue", t->light.days_overdue,
				"percent", t->row.has_report ? t->row.percent : 0, "report_label", rep, "extension_label",
				extension[0] ? extension : "—");
		json_array_append_new(json_object_get(unit, "tasks"), row);
	}
	for (size_t i = 0; i < json_array_size(list); i++)
		json_object_set_new(json_array_get(list, i), "n", json_integer((json_int_t)i + 1));
	data = json_pack("{s:s, s:s, s:i, s:i, s:i, s:I, s:O}", "from", date_format(day_from, dfrom), "to",
			 date_format(day_to, dto), "overdue_count", overdue, "red_count", red, "yellow_count", yellow,
			 "unit_count", (json_int_t)json_array_size(list), "units", list);
	rc = report_render(svc, en ? "notice.en.md" : "notice.zh.md", data, f, en ? "Supervision notice" : "督办通报", out, err);
out:
	svc->today = saved;
	json_decref(data);
	json_decref(list);
	json_decref(units);
	json_decref(ex.by_task);
	arena_release(&a);
	return rc;
}
