/*
 * meeting_report.c -- minutes and news briefs of one meeting (see report.h):
 * the meeting's record as JSON, put in the chosen language and given the
 * phrases a template needs, rendered by a template.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "render.h"
#include "../core/buf.h"
#include "../core/date.h"
#include "../io/template.h"
#include "../io/views.h"
#include "../service/meeting.h"
#include "../core/banned.h"

static const char *label(const char *kind, const char *v, int en)
{
	static const char *const map[][4] = {
		{ "capacity", "member", "成员", "member" }, { "capacity", "attendee", "列席", "attending" },
		{ "capacity", "observer", "列席旁听", "observer" },
		{ "status", "present", "出席", "present" }, { "status", "absent", "缺席", "absent" },
		{ "status", "leave", "请假", "on leave" },
		{ "kind", "keynote", "主题讲话", "Keynote" }, { "kind", "central", "中心发言", "Central speech" },
		{ "kind", "exchange", "交流发言", "Exchange speech" }, { "kind", "remarks", "讲话", "Remarks" },
		{ "kind", "lecture", "辅导报告", "Lecture" },
		{ "mstatus", "planned", "计划中", "planned" }, { "mstatus", "held", "已召开", "held" },
		{ "mstatus", "cancelled", "已取消", "cancelled" },
		{ "state", "registered", "已立项", "registered" }, { "state", "dispatched", "已交办", "dispatched" },
		{ "state", "acknowledged", "已签收", "acknowledged" }, { "state", "in_progress", "办理中", "in progress" },
		{ "state", "completion_reported", "已报办结", "completion reported" },
		{ "state", "returned", "已退办", "returned" }, { "state", "closed", "已销号", "closed" },
		{ "light", "red", "红灯", "red" }, { "light", "yellow", "黄灯", "yellow" }, { "light", "green", "绿灯", "green" },
		{ "light", "grey", "未开始", "not started" }, { "light", "done", "已完成", "done" },
	};

	for (size_t i = 0; v && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], kind) == 0 && strcmp(map[i][1], v) == 0)
			return map[i][en ? 3 : 2];
	return v ? v : "";
}

void report_localize(json_t *j, int en)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			report_localize(v, en);
		return;
	}
	if (!json_is_object(j))
		return;
	json_object_foreach(j, k, v)
		report_localize(v, en);
	if (!en)
		return;
	/* name_en over name, title_en over title, key_points_en over key_points... */
	{
		const char *keys[64];
		size_t n = 0;

		json_object_foreach(j, k, v)
			if (n < 64)
				keys[n++] = k;
		for (size_t x = 0; x < n; x++) {
			size_t len = strlen(keys[x]);
			json_t *val = json_object_get(j, keys[x]);
			char base[128];

			if (len < 4 || len >= sizeof(base) || strcmp(keys[x] + len - 3, "_en") != 0)
				continue;
			if ((json_is_string(val) && json_string_length(val) > 0) || (json_is_array(val) && json_array_size(val) > 0)) {
				memcpy(base, keys[x], len - 3);
				base[len - 3] = '\0';
				json_object_set(j, base, val);
			}
		}
	}
}

/* "A, B and C" or "A、B、C". */
void report_join(struct buf *b, json_t *names, int en)
{
	size_t n = json_array_size(names), i;
	json_t *v;

	json_array_foreach(names, i, v) {
		if (i > 0)
			buf_adds(b, en ? (i == n - 1 ? (n > 2 ? ", and " : " and ") : ", ") : "、");
		buf_adds(b, json_string_value(v));
	}
}

static void set_joined(json_t *obj, const char *key, json_t *names, int en)
{
	struct buf b = BUF_INIT(1 << 16);

	if (json_array_size(names)) {
		report_join(&b, names, en);
		json_object_set_new(obj, key, json_string(buf_str(&b)));
	}
	buf_release(&b);
	json_decref(names);
}

static const char *date_text(const char *starts_at, int offset, int en, char *out, size_t size)
{
	static const char *const months[] = { "January", "February", "March", "April", "May", "June", "July",
					      "August", "September", "October", "November", "December" };
	int64_t t;
	int y, m, d;

	out[0] = '\0';
	if (starts_at == NULL || datetime_parse(starts_at, 0, &t) != 0)
		return out;
	date_to_ymd(datetime_local_day(t, offset), &y, &m, &d);
	if (en)
		snprintf(out, size, "%d %s %d", d, months[m - 1], y);
	else
		snprintf(out, size, "%d年%d月%d日", y, m, d);
	return out;
}

json_t *report_meeting_data(struct svc *svc, const char *key, int en, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct meeting_view v;
	json_t *j, *x;
	json_t *present = json_array(), *exchange = json_array(), *attendees = json_array(), *units = json_array();
	json_t *materials = json_array(), *decisions = json_array();
	char when[64], date[64];
	size_t i;
	int members = 0, present_members = 0;

	if (meeting_show(svc, key, &a, &v, err) != 0) {
		arena_release(&a);
		json_decref(present);
		json_decref(exchange);
		json_decref(attendees);
		json_decref(units);
		json_decref(materials);
		json_decref(decisions);
		return NULL;
	}
	j = view_meeting(svc, &v);
	arena_release(&a);
	report_localize(j, en);
	snprintf(when, sizeof(when), "%s", json_string_value(json_object_get(j, "local_time")) ? json_string_value(json_object_get(j, "local_time")) : "");
	json_object_set_new(j, "when", json_string(when));
	json_object_set_new(j, "date", json_string(date_text(json_string_value(json_object_get(j, "starts_at")),
							      svc->org.utc_offset, en, date, sizeof(date))));
	json_object_set_new(j, "status_label", json_string(label("mstatus", json_string_value(json_object_get(j, "status")), en)));
	json_object_set(j, "group_name", json_object_get(j, "group_name"));
	if (json_array_size(json_object_get(j, "feedback")))
		json_object_set_new(j, "has_feedback", json_true());
	json_array_foreach(json_object_get(j, "materials"), i, x) {
		json_object_set_new(x, "n", json_integer((json_int_t)i + 1));
		json_array_append(materials, json_object_get(x, "title"));
	}
	json_array_foreach(json_object_get(j, "attendance"), i, x) {
		const char *cap = json_string_value(json_object_get(x, "capacity"));
		const char *st = json_string_value(json_object_get(x, "status"));
		char makeup[160] = "";

		json_object_set_new(x, "capacity_label", json_string(label("capacity", cap, en)));
		json_object_set_new(x, "status_label", json_string(label("status", st, en)));
		if (st && strcmp(st, "present") != 0) {
			const char *done = json_string_value(json_object_get(x, "makeup_done"));
			const char *due = json_string_value(json_object_get(x, "makeup_due"));

			if (done)
				snprintf(makeup, sizeof(makeup), en ? "made up on %s" : "已于%s补学", done);
			else
				snprintf(makeup, sizeof(makeup), en ? "not made up%s%s" : "未补学%s%s",
					 due ? (en ? ", due " : "，应于") : "", due ? due : "");
		}
		json_object_set_new(x, "makeup_label", json_string(makeup));
		if (cap && strcmp(cap, "member") == 0) {
			members++;
			if (st && strcmp(st, "present") == 0) {
				present_members++;
				json_array_append(present, json_object_get(x, "name"));
			}
		} else if (cap && strcmp(cap, "attendee") == 0 && st && strcmp(st, "present") == 0) {
			json_array_append(attendees, json_object_get(x, "name"));
		}
	}
	json_object_set_new(j, "member_count", json_integer(members));
	json_object_set_new(j, "present_count", json_integer(present_members));
	json_array_foreach(json_object_get(j, "units"), i, x) {
		const char *name = json_string_value(json_object_get(x, "unit_name"));
		const char *desc = json_string_value(json_object_get(x, "description"));
		const char *by = json_string_value(json_object_get(x, "represented_by"));
		char text[512];

		if (by)
			snprintf(text, sizeof(text), en ? "the %s of the %s" : "%s%s", en ? by : (name ? name : desc),
				 en ? (name ? name : desc) : by);
		else
			snprintf(text, sizeof(text), "%s", name ? name : desc ? desc : "");
		json_array_append_new(units, json_string(text));
		json_array_append_new(attendees, json_string(text));
	}
	json_array_foreach(json_object_get(j, "speeches"), i, x) {
		const char *kind = json_string_value(json_object_get(x, "kind"));

		json_object_set_new(x, "kind_label", json_string(label("kind", kind, en)));
		if (kind && strcmp(kind, "keynote") == 0 && !json_object_get(j, "keynote"))
			json_object_set(j, "keynote", x);
		if (kind && (strcmp(kind, "exchange") == 0 || strcmp(kind, "central") == 0))
			json_array_append(exchange, json_object_get(x, "speaker_name"));
	}
	json_array_foreach(json_object_get(j, "decisions"), i, x) {
		json_t *t;
		size_t k;
		const char *text = json_string_value(json_object_get(x, "text"));
		char lowered[4096];

		json_object_set_new(x, "origin_label", json_string(json_is_string(json_object_get(x, "speech"))
			? (en ? "from a speech" : "出自发言") : (en ? "decided by the meeting as a whole" : "会议集体决定")));
		json_array_foreach(json_object_get(x, "tasks"), k, t) {
			json_object_set_new(t, "state_label", json_string(label("state", json_string_value(json_object_get(t, "state")), en)));
			json_object_set_new(t, "light_label", json_string(label("light",
				json_string_value(json_object_get(json_object_get(t, "light"), "color")), en)));
		}
		snprintf(lowered, sizeof(lowered), "%s", text ? text : "");
		if (en && lowered[0] >= 'A' && lowered[0] <= 'Z')
			lowered[0] = (char)(lowered[0] - 'A' + 'a');
		json_array_append_new(decisions, json_string(lowered));
	}
	set_joined(j, "present_text", present, en);
	set_joined(j, "exchange_text", exchange, en);
	set_joined(j, "attendees_text", attendees, en);
	set_joined(j, "units_text", units, en);
	set_joined(j, "materials_text", materials, en);
	{
		struct buf b = BUF_INIT(1 << 16);

		if (json_array_size(decisions) && en) {
			report_join(&b, decisions, en);
			buf_adds(&b, ".");
			json_object_set_new(j, "decisions_text", json_string(buf_str(&b)));
		} else if (json_array_size(decisions)) {
			json_t *d;

			/* Chinese clauses already hold commas: semicolons between them. */
			json_array_foreach(decisions, i, d)
				buf_printf(&b, "%s%s", i ? "；" : "", json_string_value(d));
			buf_adds(&b, "。");
			json_object_set_new(j, "decisions_text", json_string(buf_str(&b)));
		}
		buf_release(&b);
		json_decref(decisions);
	}
	return j;
}

static int meeting_report(struct svc *svc, const char *key, const char *name, int en, enum report_format f,
			  struct buf *out, struct err *err)
{
	json_t *data = report_meeting_data(svc, key, en, err);
	char tpl[64];
	int rc;

	if (data == NULL)
		return -1;
	snprintf(tpl, sizeof(tpl), "%s.%s.md", name, en ? "en" : "zh");
	rc = report_render(svc, tpl, data, f, json_string_value(json_object_get(data, "title")), out, err);
	json_decref(data);
	return rc;
}

int report_minutes(struct svc *svc, const char *meeting_key, int en, enum report_format f,
		   struct buf *out, struct err *err)
{
	return meeting_report(svc, meeting_key, "minutes", en, f, out, err);
}

int report_brief(struct svc *svc, const char *meeting_key, int en, enum report_format f,
		 struct buf *out, struct err *err)
{
	return meeting_report(svc, meeting_key, "brief", en, f, out, err);
}
