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
		{ "cadence", "none", "不定期", "none" }, { "cadence", "weekly", "每周", "weekly" },
		{ "cadence", "monthly", "每月", "monthly" }, { "cadence", "quarterly", "每季度", "quarterly" },
		{ "cadence", "half_yearly", "每半年", "half-yearly" },
		{ "direction", "higher", "越高越好", "higher is better" },
		{ "direction", "lower", "越低越好", "lower is better" },
	};

	for (size_t i = 0; v && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], kind) == 0 && strcmp(map[i][1], v) == 0)
			return map[i][en ? 3 : 2];
	return v ? v : "";
}

const char *report_label(const char *kind, const char *v, int en)
{
	return label(kind, v, en);
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

static const char *const months[] = { "January", "February", "March", "April", "May", "June", "July",
				      "August", "September", "October", "November", "December" };

/* "2026年3月18日" or "18 March 2026" of a stored day "2026-03-18". */
static const char *day_text(const char *iso, int en, char *out, size_t size)
{
	int32_t d;
	int y, m, dd;

	out[0] = '\0';
	if (iso == NULL || date_parse(iso, &d) != 0)
		return out;
	date_to_ymd(d, &y, &m, &dd);
	if (en)
		snprintf(out, size, "%d %s %d", dd, months[m - 1], y);
	else
		snprintf(out, size, "%d年%d月%d日", y, m, dd);
	return out;
}

/* The brief's opening words about when: exactly as precise as the record
 * ("2026年3月18日下午", "On the afternoon of 18 March 2026", a span "至"). */
static void set_date_lead(json_t *j, struct svc *svc, int en)
{
	const char *starts = json_string_value(json_object_get(j, "starts_at"));
	const char *prec = json_string_value(json_object_get(j, "time_precision"));
	const char *part = prec && strcmp(prec, "part_of_day") == 0
		? meeting_part_of_day(json_string_value(json_object_get(j, "part_of_day")), en) : NULL;
	const char *ends = json_string_value(json_object_get(j, "ends_on"));
	char iso[DATE_LEN], d1[64], d2[64], lead[256];
	int64_t t;

	if (starts == NULL || datetime_parse(starts, 0, &t) != 0)
		return;
	date_format(datetime_local_day(t, svc->org.utc_offset), iso);
	day_text(iso, en, d1, sizeof(d1));
	json_object_set_new(j, "date", json_string(d1));
	if (ends && strcmp(ends, iso) != 0) {
		day_text(ends, en, d2, sizeof(d2));
		snprintf(lead, sizeof(lead), en ? "From %s to %s" : "%s至%s", d1, d2);
	} else if (part) {
		snprintf(lead, sizeof(lead), en ? "On the %s of %s" : "%s%s", part, d1);
		if (!en)
			snprintf(lead, sizeof(lead), "%s%s", d1, part);
	} else {
		snprintf(lead, sizeof(lead), en ? "On %s" : "%s", d1);
	}
	json_object_set_new(j, "date_lead", json_string(lead));
}

static const char *kind_text(const char *kind, int en)
{
	static const char *const k[][3] = {
		{ "collective", "学习会议", "study meeting" }, { "expanded", "扩大学习会议", "expanded study meeting" },
		{ "special", "专题学习会议", "special study meeting" }, { "seminar", "专题读书班", "study seminar" },
		{ "lecture", "专题辅导讲座", "lecture" },
	};

	for (size_t i = 0; kind && i < sizeof(k) / sizeof(k[0]); i++)
		if (strcmp(kind, k[i][0]) == 0)
			return k[i][en ? 2 : 1];
	return en ? "study meeting" : "学习会议";
}

static const char *ordinal_suffix(int n)
{
	if (n % 100 >= 11 && n % 100 <= 13)
		return "th";
	return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

/* Who a category of attendance is: "市委理论学习中心组成员", "all members of the
 * Standing Committee", "市直有关单位主要负责同志", with "（12人）" when counted. */
static void category_text(json_t *x, int en, char *text, size_t size)
{
	const char *unit = json_string_value(json_object_get(x, "unit_name"));
	const char *desc = json_string_value(json_object_get(x, "description"));
	const char *group = json_string_value(json_object_get(x, "group_name"));
	const char *by = json_string_value(json_object_get(x, "represented_by"));
	const char *name = unit ? unit : desc ? desc : "";
	json_int_t count = json_integer_value(json_object_get(x, "count"));
	size_t n;

	if (group)
		snprintf(text, size, en ? "members of the %s" : "%s成员", group);
	else if (json_is_true(json_object_get(x, "all_members")))
		snprintf(text, size, en ? "all members of the %s" : "%s全体成员", name);
	else if (by)
		snprintf(text, size, en ? "the %s of the %s" : "%s%s", en ? by : name, en ? name : by);
	else
		snprintf(text, size, "%s", name);
	n = strlen(text);
	if (count > 0 && n < size)
		snprintf(text + n, size - n, en ? " (%lld)" : "（%lld人）", (long long)count);
}

/* Who gave a speech: a person (or a free name), a unit, a category of
 * people; "" when the record does not say. */
static const char *speaker_label(json_t *x)
{
	const char *keys[] = { "speaker_name", "speaker_unit_name", "speaker_category" };

	for (size_t i = 0; i < 3; i++) {
		const char *v = json_string_value(json_object_get(x, keys[i]));

		if (v && *v)
			return v;
	}
	return "";
}

static void append_unique(json_t *list, const char *s)
{
	size_t i;
	json_t *v;

	if (s == NULL || *s == '\0')
		return;
	json_array_foreach(list, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return;
	json_array_append_new(list, json_string(s));
}

/* A decision clause's lead-in, from its kind and attribution: "会议决定",
 * "会议要求", "陈岸明在讲话中强调", "the Standing Committee decided". */
static void clause_lead(json_t *j, json_t *x, int en, char *out, size_t size)
{
	static const char *const verbs[][3] = {
		{ "decision", "决定", "decided" }, { "requirement", "要求", "required" },
		{ "emphasis", "强调", "emphasised" },
	};
	const char *kind = json_string_value(json_object_get(x, "kind"));
	const char *speech = json_string_value(json_object_get(x, "speech"));
	const char *body = json_string_value(json_object_get(x, "body_name"));
	const char *verb = en ? "decided" : "决定";
	const char *who = NULL;
	json_t *sp;
	size_t i;

	for (size_t k = 0; kind && k < 3; k++)
		if (strcmp(kind, verbs[k][0]) == 0)
			verb = verbs[k][en ? 2 : 1];
	if (speech) {
		json_array_foreach(json_object_get(j, "speeches"), i, sp)
			if (json_string_value(json_object_get(sp, "key")) &&
			    strcmp(json_string_value(json_object_get(sp, "key")), speech) == 0)
				who = speaker_label(sp);
		/* a decision clause in a speech is what the speaker set out */
		if (kind == NULL || strcmp(kind, "decision") == 0)
			verb = en ? "set out" : "提出";
		if (who && *who)
			snprintf(out, size, en ? "%s %s in the speech" : "%s在讲话中%s", who, verb);
		else
			snprintf(out, size, en ? "%s in a speech" : "讲话中%s", verb);
	} else if (body) {
		snprintf(out, size, en ? "the %s %s" : "%s%s", body, verb);
	} else {
		snprintf(out, size, en ? "the meeting %s" : "会议%s", verb);
	}
}

/* "field" or "field: note" marks, as "字段（说明）" lines for the minutes. */
static void inferred_notes(json_t *j, json_t *notes, const char *what)
{
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(j, "inferred"), i, v) {
		char line[600];

		if (!json_is_string(v))
			continue;
		snprintf(line, sizeof(line), "%s%s%s", what ? what : "", what ? " " : "", json_string_value(v));
		json_array_append_new(notes, json_string(line));
	}
}

json_t *report_meeting_data(struct svc *svc, const char *key, int en, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct meeting_view v;
	json_t *j, *x;
	json_t *present = json_array(), *exchange = json_array(), *attendees = json_array(), *units = json_array();
	json_t *materials = json_array(), *observers = json_array(), *members_cat = json_array();
	json_t *lectures = json_array(), *remarks = json_array(), *hosts = json_array(), *clauses = json_array();
	json_t *notes = json_array();
	size_t i;
	int members = 0, present_members = 0, exchange_unnamed = 0;

	if (meeting_show(svc, key, &a, &v, err) != 0) {
		arena_release(&a);
		json_decref(present);
		json_decref(exchange);
		json_decref(attendees);
		json_decref(units);
		json_decref(materials);
		json_decref(observers);
		json_decref(members_cat);
		json_decref(lectures);
		json_decref(remarks);
		json_decref(hosts);
		json_decref(clauses);
		json_decref(notes);
		return NULL;
	}
	j = view_meeting(svc, &v);
	arena_release(&a);
	if (!en)
		json_object_set(j, "local_time", json_object_get(j, "local_time_zh"));
	report_localize(j, en);
	json_object_set(j, "when", json_object_get(j, "local_time"));
	set_date_lead(j, svc, en);
	json_object_set_new(j, "status_label", json_string(label("mstatus", json_string_value(json_object_get(j, "status")), en)));
	json_object_set_new(j, "kind_text", json_string(kind_text(json_string_value(json_object_get(j, "kind")), en)));
	if (en)
		json_object_set_new(j, "kind_article", json_string(strchr("aeiou", kind_text(json_string_value(
			json_object_get(j, "kind")), en)[0]) ? "an" : "a"));
	if (json_array_size(json_object_get(j, "attendance")))
		json_object_set_new(j, "has_attendance", json_true());
	if (json_integer_value(json_object_get(j, "ordinal")) > 0) {
		char ord[128], iso[DATE_LEN];
		int64_t t;
		int n = (int)json_integer_value(json_object_get(j, "ordinal"));

		iso[0] = '\0';
		if (datetime_parse(json_string_value(json_object_get(j, "starts_at")), 0, &t) == 0)
			date_format(datetime_local_day(t, svc->org.utc_offset), iso);
		if (en)
			snprintf(ord, sizeof(ord), "the %d%s collective study of %.4s", n, ordinal_suffix(n), iso);
		else
			snprintf(ord, sizeof(ord), "%.4s年第%d次集体学习", iso, n);
		json_object_set_new(j, "ordinal_text", json_string(ord));
	}
	if (json_string_value(json_object_get(j, "chair_title")))
		json_object_set_new(j, "has_chair_title", json_true());
	if (json_array_size(json_object_get(j, "feedback")))
		json_object_set_new(j, "has_feedback", json_true());
	inferred_notes(j, notes, en ? "meeting:" : "会议：");
	/* the bodies that held it; none entered: the group */
	json_array_foreach(json_object_get(j, "hosts"), i, x) {
		const char *g = json_string_value(json_object_get(x, "group_name"));
		const char *u = json_string_value(json_object_get(x, "unit_name"));
		const char *d = json_string_value(json_object_get(x, "description"));
		const char *name = g ? g : u ? u : d;

		if (name)
			json_object_set_new(x, "name", json_string(name));
		append_unique(hosts, name);
	}
	if (json_array_size(hosts) == 0)
		append_unique(hosts, json_string_value(json_object_get(j, "group_name")));
	json_array_foreach(json_object_get(j, "sessions"), i, x) {
		const char *part = meeting_part_of_day(json_string_value(json_object_get(x, "part_of_day")), en);

		if (part)
			json_object_set_new(x, "part_label", json_string(part));
	}
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
		inferred_notes(x, notes, json_string_value(json_object_get(x, "name")));
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
		} else if (cap && st && strcmp(st, "present") == 0) {
			json_array_append(strcmp(cap, "observer") == 0 ? observers : attendees, json_object_get(x, "name"));
		}
	}
	/* categories: each in its own capacity (a member category is never 列席) */
	json_array_foreach(json_object_get(j, "units"), i, x) {
		const char *cap = json_string_value(json_object_get(x, "capacity"));
		char text[600];

		category_text(x, en, text, sizeof(text));
		json_object_set_new(x, "text", json_string(text));
		json_object_set_new(x, "capacity_label", json_string(label("capacity", cap, en)));
		if (cap && strcmp(cap, "member") == 0) {
			json_array_append_new(members_cat, json_string(text));
			json_array_append_new(present, json_string(text));
		} else if (cap && strcmp(cap, "observer") == 0) {
			json_array_append_new(observers, json_string(text));
		} else {
			json_array_append_new(units, json_string(text));
			json_array_append_new(attendees, json_string(text));
		}
	}
	{
		char count[512];

		if (json_array_size(members_cat) && present_members == 0) {
			struct buf b = BUF_INIT(1 << 14);

			report_join(&b, members_cat, en);
			snprintf(count, sizeof(count), en ? "Present: %s, not named one by one." : "%s出席，未逐一列名。",
				 buf_str(&b));
			buf_release(&b);
		} else if (json_array_size(members_cat)) {
			struct buf b = BUF_INIT(1 << 14);

			report_join(&b, members_cat, en);
			if (en)
				snprintf(count, sizeof(count), "%d member%s named as present, and others: %s.", present_members,
					 present_members == 1 ? "" : "s", buf_str(&b));
			else
				snprintf(count, sizeof(count), "具名出席成员%d人，另有%s出席。", present_members, buf_str(&b));
			buf_release(&b);
		} else if (en) {
			snprintf(count, sizeof(count), "%d of %d members present.", present_members, members);
		} else {
			snprintf(count, sizeof(count), "应到成员%d人，实到%d人。", members, present_members);
		}
		json_object_set_new(j, "count_text", json_string(count));
	}
	json_object_set_new(j, "member_count", json_integer(members));
	json_object_set_new(j, "present_count", json_integer(present_members));
	json_array_foreach(json_object_get(j, "speeches"), i, x) {
		const char *kind = json_string_value(json_object_get(x, "kind"));
		const char *who = speaker_label(x);
		const char *title = json_string_value(json_object_get(x, "title"));

		json_object_set_new(x, "kind_label", json_string(label("kind", kind, en)));
		if (json_array_size(json_object_get(x, "key_points")))
			json_object_set_new(x, "has_key_points", json_true());
		if (*who)
			json_object_set_new(x, "speaker_label", json_string(who));
		inferred_notes(x, notes, *who ? who : label("kind", kind, en));
		if (kind && strcmp(kind, "keynote") == 0 && !json_object_get(j, "keynote"))
			json_object_set(j, "keynote", x);
		else if (kind && (strcmp(kind, "exchange") == 0 || strcmp(kind, "central") == 0 ||
				  strcmp(kind, "keynote") == 0)) {
			if (*who)
				append_unique(exchange, who);
			else
				exchange_unnamed = 1;
		} else if (kind && strcmp(kind, "lecture") == 0) {
			char text[800];
			const char *q1 = title ? (en ? " on \"" : "《") : "", *q2 = title ? (en ? "\"" : "》") : "";

			if (en && *who)
				snprintf(text, sizeof(text), "At the invitation of the meeting, %s gave a lecture%s%s%s.", who, q1,
					 title ? title : "", q2);
			else if (en)
				snprintf(text, sizeof(text), "A lecture%s%s%s was given.", q1, title ? title : "", q2);
			else if (*who)
				snprintf(text, sizeof(text), "会议邀请%s作%s%s%s辅导报告。", who, q1, title ? title : "", q2);
			else
				snprintf(text, sizeof(text), "会上作了%s%s%s辅导报告。", q1, title ? title : "", q2);
			json_array_append_new(lectures, json_string(text));
		} else if (kind && strcmp(kind, "remarks") == 0) {
			append_unique(remarks, *who ? who : NULL);
		}
	}
	if (exchange_unnamed && json_array_size(exchange) == 0)
		json_object_set_new(j, "exchange_unnamed", json_true());
	/* decision clauses, grouped under one lead-in while it repeats */
	json_array_foreach(json_object_get(j, "decisions"), i, x) {
		json_t *t, *last = json_array_size(clauses) ? json_array_get(clauses, json_array_size(clauses) - 1) : NULL;
		size_t k;
		const char *text = json_string_value(json_object_get(x, "text"));
		char lowered[4096], lead[600];

		clause_lead(j, x, en, lead, sizeof(lead));
		json_object_set_new(x, "origin_label", json_string(lead));
		inferred_notes(x, notes, NULL);
		json_array_foreach(json_object_get(x, "tasks"), k, t) {
			json_object_set_new(t, "state_label", json_string(label("state", json_string_value(json_object_get(t, "state")), en)));
			json_object_set_new(t, "light_label", json_string(label("light",
				json_string_value(json_object_get(json_object_get(t, "light"), "color")), en)));
			{
				char what[128];

				snprintf(what, sizeof(what), en ? "task %s:" : "任务%s：", json_string_value(json_object_get(t, "key")));
				inferred_notes(t, notes, what);
			}
		}
		snprintf(lowered, sizeof(lowered), "%s", text ? text : "");
		if (en && lowered[0] >= 'A' && lowered[0] <= 'Z')
			lowered[0] = (char)(lowered[0] - 'A' + 'a');
		if (last == NULL || strcmp(json_string_value(json_object_get(last, "lead")), lead) != 0) {
			char cap[600];

			snprintf(cap, sizeof(cap), "%s", lead);
			if (en && cap[0] >= 'a' && cap[0] <= 'z')
				cap[0] = (char)(cap[0] - 'a' + 'A');
			last = json_pack("{s:s, s:s, s:[]}", "lead", lead, "lead_cap", cap, "items");
			json_array_append_new(clauses, last);
		}
		json_array_append_new(json_object_get(last, "items"), json_string(lowered));
	}
	json_array_foreach(clauses, i, x) {
		struct buf b = BUF_INIT(1 << 16);
		json_t *d;
		size_t k;

		if (en) {
			report_join(&b, json_object_get(x, "items"), en);
			buf_adds(&b, ".");
		} else {
			/* Chinese clauses already hold commas: semicolons between them. */
			json_array_foreach(json_object_get(x, "items"), k, d)
				buf_printf(&b, "%s%s", k ? "；" : "", json_string_value(d));
			buf_adds(&b, "。");
		}
		json_object_set_new(x, "text", json_string(buf_str(&b)));
		buf_release(&b);
	}
	json_object_set_new(j, "clauses", clauses);
	set_joined(j, "hosts_text", hosts, en);
	set_joined(j, "present_text", present, en);
	set_joined(j, "exchange_text", exchange, en);
	set_joined(j, "attendees_text", attendees, en);
	set_joined(j, "observers_text", observers, en);
	set_joined(j, "units_text", units, en);
	if (present_members == 0)
		json_array_clear(members_cat);   /* the count line says it already */
	set_joined(j, "members_category_text", members_cat, en);
	set_joined(j, "materials_text", materials, en);
	set_joined(j, "remarks_text", remarks, en);
	if (json_array_size(lectures))
		json_object_set_new(j, "lectures", lectures);
	else
		json_decref(lectures);
	if (json_array_size(notes) && svc->report.inferred_marks)
		json_object_set_new(j, "inferred_notes", notes);
	else
		json_decref(notes);
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
