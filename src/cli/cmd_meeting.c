/*
 * cmd_meeting.c -- plenum meeting list|show: the study meetings, and one
 * whole record printed so that a person can read it.
 */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "cli.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../io/views.h"
#include "../service/meeting.h"
#include "../core/banned.h"

static const char *label(const struct cli_common *c, const char *code)
{
	static const char *const map[][3] = {
		{ "member", "成员", "Members" },
		{ "attendee", "列席", "Attending without membership (列席)" },
		{ "observer", "旁听", "Observers (列席旁听)" },
		{ "present", "出席", "present" },
		{ "absent", "缺席", "absent" },
		{ "leave", "请假", "on leave" },
		{ "keynote", "主讲", "Keynote" },
		{ "central", "中心发言", "Central speech" },
		{ "exchange", "交流发言", "Exchange speech" },
		{ "remarks", "讲话", "Remarks" },
		{ "lecture", "辅导报告", "Lecture" },
		{ "held", "已召开", "held" },
		{ "planned", "计划中", "planned" },
		{ "cancelled", "已取消", "cancelled" },
		{ "speech", "讲话", "speech" },
		{ "document", "文件", "document" },
		{ "book", "书目", "book" },
		{ "article", "文章", "article" },
		{ "video", "视频", "video" },
		{ "other", "其他", "other" },
		{ "collective", "集体学习", "collective study" },
		{ "expanded", "扩大学习", "expanded study meeting" },
		{ "special", "专题学习", "special study meeting" },
		{ "seminar", "读书班", "seminar (读书班)" },
		{ "decision", "决定", "decision" },
		{ "requirement", "要求", "requirement" },
		{ "emphasis", "强调", "emphasis" },
		{ "excerpt", "摘录", "excerpt" },
		{ "complete", "全文", "complete" },
	};

	for (size_t i = 0; code && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], code) == 0)
			return c->zh ? map[i][1] : map[i][2];
	return code ? code : "";
}

/* The list's column: the start as precise as recorded, and the last day of a
 * span ("2025-07-08–07-10", "2025-11-20 下午"); the whole text is in show. */
static const char *when_short(struct svc *svc, const struct cli_common *c, const struct meeting_row *m,
			      struct arena *a)
{
	const char *full = meeting_when_text(svc, m, !c->zh, a);
	char out[64];

	if (m->ends_on && strlen(full) >= 10 && strcmp(m->ends_on, full) > 0 && strncmp(m->ends_on, full, 10) != 0) {
		snprintf(out, sizeof(out), "%.10s–%s", full, strncmp(m->ends_on, full, 5) == 0 ? m->ends_on + 5 : m->ends_on);
		return arena_strdup(a, out);
	}
	if (m->time_precision && strcmp(m->time_precision, "part_of_day") == 0 && m->part_of_day) {
		snprintf(out, sizeof(out), "%.10s %s", full, meeting_part_of_day(m->part_of_day, !c->zh));
		return arena_strdup(a, out);
	}
	snprintf(out, sizeof(out), "%.16s", full);
	return arena_strdup(a, out);
}

static int list_run(struct cli_run *r)
{
	const struct cli_common *c = &r->c;
	const char *group = cli_opt(r, "group"), *year = cli_opt(r, "year"), *status = cli_opt(r, "status");
	struct meeting_filter f = { 0 };
	struct arena a = ARENA_INIT;
	struct meeting_row *rows;
	struct err err = ERR_INIT;
	size_t n;
	int rc;

	if (status && strcmp(status, "planned") && strcmp(status, "held") && strcmp(status, "cancelled"))
		return cli_bad(r, "--status: expected planned, held or cancelled");
	rc = cli_ready(r);
	if (rc)
		return rc;
	f.group_key = group;
	f.status = status;
	if (year) {
		long long y;
		char from[DATETIME_LEN], to[DATETIME_LEN];

		if (parse_int(year, LIM_YEAR_MIN, LIM_YEAR_MAX, &y, "--year", &err) != 0) {
			rc = cli_fail(&err);
			goto out;
		}
		f.from_at = arena_strdup(&a, datetime_format_utc((int64_t)date_from_ymd((int)y, 1, 1) * 86400 -
								 r->svc.org.utc_offset * 60, from));
		f.to_at = arena_strdup(&a, datetime_format_utc((int64_t)date_from_ymd((int)y + 1, 1, 1) * 86400 -
							       r->svc.org.utc_offset * 60, to));
	}
	if (meeting_list(&r->svc, &f, &a, &rows, &n, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (c->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, view_meeting_row(&r->svc, &rows[i]));
		rc = view_print(arr) ? EXIT_FAIL : EXIT_OK;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		cli_pad(stdout, rows[i].key, 26);
		cli_pad(stdout, when_short(&r->svc, c, &rows[i], &a), 18);
		cli_pad(stdout, label(c, rows[i].status), 10);
		printf("%2d/%-2d  %s\n", rows[i].n_present, rows[i].n_attendance,
		       cli_pick(c, rows[i].title, rows[i].title_en));
	}
	if (n == 0)
		printf("%s\n", c->zh ? "没有会议" : "no meetings");
out:
	arena_release(&a);
	return rc;
}

static void print_points(const struct cli_common *c, const char *zh, const char *en)
{
	json_t *list = json_loads(cli_pick(c, zh, en), 0, NULL), *item;
	size_t i;

	if (!json_is_array(list)) {
		json_decref(list);
		return;
	}
	json_array_foreach(list, i, item)
		printf("       - %s\n", json_string_value(item) ? json_string_value(item) : "");
	json_decref(list);
}

static void print_attendance(const struct cli_common *c, const struct meeting_record *r)
{
	const char *caps[] = { "member", "attendee", "observer" };

	for (size_t k = 0; k < 3; k++) {
		int count = 0, present = 0, leave = 0, absent = 0;

		for (size_t i = 0; i < r->nattendance; i++) {
			if (strcmp(r->attendance[i].capacity, caps[k]) != 0)
				continue;
			count++;
			present += strcmp(r->attendance[i].status, "present") == 0;
			leave += strcmp(r->attendance[i].status, "leave") == 0;
			absent += strcmp(r->attendance[i].status, "absent") == 0;
		}
		if (count == 0)
			continue;
		printf("  %s: %d (%s %d", label(c, caps[k]), count, label(c, "present"), present);
		if (leave)
			printf(", %s %d", label(c, "leave"), leave);
		if (absent)
			printf(", %s %d", label(c, "absent"), absent);
		printf(")\n");
		for (size_t i = 0; i < r->nattendance; i++) {
			const struct attendance_row *x = &r->attendance[i];

			if (strcmp(x->capacity, caps[k]) != 0)
				continue;
			printf("    ");
			cli_pad(stdout, cli_pick(c, x->name, x->name_en), 18);
			cli_pad(stdout, label(c, x->status), 10);
			printf("%s\n", cli_pick(c, x->title, x->title_en));
			if (strcmp(x->status, "present") == 0)
				continue;
			if (strcmp(x->status, "leave") == 0)
				printf("      %s: %s; %s: %s\n", c->zh ? "请假事由" : "reason",
				       x->leave_reason ? x->leave_reason : (c->zh ? "（未记录）" : "(none recorded)"),
				       c->zh ? "批准人" : "approved by",
				       x->approver_name ? cli_pick(c, x->approver_name, x->approver_name_en)
							: (c->zh ? "（未记录）" : "(none recorded)"));
			if (x->makeup_done)
				printf("      %s %s%s%s\n", c->zh ? "已补学" : "made up on", x->makeup_done,
				       x->makeup_note ? " — " : "", x->makeup_note ? x->makeup_note : "");
			else
				printf("      %s%s%s\n", c->zh ? "未补学" : "make-up not done",
				       x->makeup_due ? (c->zh ? "，应于 " : ", due ") : "", x->makeup_due ? x->makeup_due : "");
		}
	}
	if (r->nunits) {
		printf("  %s:\n", c->zh ? "按类别登记" : "By category");
		for (size_t i = 0; i < r->nunits; i++) {
			const struct meeting_unit_row *u = &r->units[i];
			const char *name = u->unit_name ? cli_pick(c, u->unit_name, u->unit_name_en)
							: cli_pick(c, u->description, u->description_en);
			const char *by = cli_pick(c, u->represented_by, u->represented_by_en);

			printf("    [%s] ", label(c, u->capacity));
			if (u->group_name)
				printf(c->zh ? "%s成员" : "members of the %s", cli_pick(c, u->group_name, u->group_name_en));
			else if (u->all_members)
				printf(c->zh ? "%s全体成员" : "all members of the %s", name);
			else
				printf("%s%s%s", name, *by ? " — " : "", by);
			if (u->count)
				printf(c->zh ? "（%d人）" : " (%d)", u->count);
			printf("\n");
		}
	}
}

/* Who gave a speech: a person or free name, a unit, a category; "" when the
 * record does not say. */
static const char *speaker_of(const struct cli_common *c, const struct speech_row *s)
{
	if (s->speaker_name || s->speaker_name_en)
		return cli_pick(c, s->speaker_name, s->speaker_name_en);
	if (s->speaker_unit_name)
		return cli_pick(c, s->speaker_unit_name, s->speaker_unit_name_en);
	if (s->speaker_category || s->speaker_category_en)
		return cli_pick(c, s->speaker_category, s->speaker_category_en);
	return c->zh ? "（未署名）" : "(not attributed)";
}

static void print_record_notes(const struct cli_common *c, const struct meeting_row *m)
{
	json_t *inf = m->inferred ? json_loads(m->inferred, 0, NULL) : NULL, *v, *rep;
	size_t i;

	json_array_foreach(inf, i, v)
		printf("%s: %s\n", c->zh ? "推定" : "Inferred", json_string_value(v));
	json_decref(inf);
	if (!m->source_title && !m->source_url && !m->outlet)
		return;
	printf("\n%s\n", c->zh ? "来源" : "Source");
	if (m->source_title)
		printf("  %s%s%s\n", m->source_title, m->source_extent ? " — " : "",
		       m->source_extent ? label(c, m->source_extent) : "");
	if (m->outlet || m->published_on)
		printf("  %s%s%s\n", m->outlet ? m->outlet : "", m->outlet && m->published_on ? ", " : "",
		       m->published_on ? m->published_on : "");
	rep = m->reporters ? json_loads(m->reporters, 0, NULL) : NULL;
	json_array_foreach(rep, i, v)
		printf("  %s: %s\n", c->zh ? "记者" : "Reporter", json_string_value(v));
	json_decref(rep);
	if (m->source_url)
		printf("  %s\n", m->source_url);
}

static int show_run(struct cli_run *r)
{
	const struct cli_common *c = &r->c;
	struct arena a = ARENA_INIT;
	struct meeting_view v;
	struct err err = ERR_INIT;
	int rc;

	if (r->narg != 1)
		return cli_bad(r, "name the meeting (see 'plenum meeting list')");
	rc = cli_ready(r);
	if (rc)
		return rc;
	if (meeting_show(&r->svc, r->arg[0], &a, &v, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (c->json) {
		rc = view_print(view_meeting(&r->svc, &v)) ? EXIT_FAIL : EXIT_OK;
		goto out;
	}
	printf("%s\n", cli_pick(c, v.m.title, v.m.title_en));
	if (!c->zh && v.m.title_en)
		printf("%s\n", v.m.title);
	printf("\n%s: %s   %s: %s   %s: %s%s\n", c->zh ? "编号" : "Key", v.m.key, c->zh ? "状态" : "Status",
	       label(c, v.m.status), c->zh ? "时间" : "When", meeting_when_text(&r->svc, &v.m, !c->zh, &a),
	       v.m.illustrative ? (c->zh ? "（部分信息为示意）" : "  (some details illustrative)") : "");
	printf("%s: %s\n", c->zh ? "学习组" : "Group", cli_pick(c, v.m.group_name, v.m.group_name_en));
	printf("%s: %s\n", c->zh ? "类型" : "Kind", label(c, v.m.kind));
	if (v.m.ordinal)
	{
		const char *y = meeting_when_text(&r->svc, &v.m, 1, &a);

		if (c->zh)
			printf("序次: %.4s年第%d次集体学习\n", y, v.m.ordinal);
		else
			printf("Ordinal: collective study no. %d of %.4s\n", v.m.ordinal, y);
	}
	for (size_t i = 0; i < v.rec.nhosts; i++) {
		const struct host_row *h = &v.rec.hosts[i];

		printf("%s: %s", c->zh ? "主办" : "Held by",
		       h->group_name ? cli_pick(c, h->group_name, h->group_name_en)
		       : h->unit_name ? cli_pick(c, h->unit_name, h->unit_name_en) : cli_pick(c, h->description, h->description_en));
		if (h->chair_name)
			printf("   %s: %s%s%s%s", c->zh ? "主持" : "chair", cli_pick(c, h->chair_name, h->chair_name_en),
			       h->chair_title ? " (" : "", h->chair_title ? cli_pick(c, h->chair_title, h->chair_title_en) : "",
			       h->chair_title ? ")" : "");
		printf("\n");
	}
	if (v.m.chair_name)
		printf("%s: %s%s%s%s\n", c->zh ? "主持" : "Chair", cli_pick(c, v.m.chair_name, v.m.chair_name_en),
		       v.m.chair_title ? " (" : "", v.m.chair_title ? cli_pick(c, v.m.chair_title, v.m.chair_title_en) : "",
		       v.m.chair_title ? ")" : "");
	for (size_t i = 0; i < v.rec.nsessions; i++) {
		const struct session_row *x = &v.rec.sessions[i];

		printf("%s %d: %s%s%s%s", c->zh ? "单元" : "Session", x->seq, x->held_on ? x->held_on : "",
		       x->part_of_day ? " " : "", x->part_of_day ? meeting_part_of_day(x->part_of_day, !c->zh) : "",
		       x->title || x->title_en ? "  " : "");
		if (x->title || x->title_en)
			printf("%s", cli_pick(c, x->title, x->title_en));
		if (x->chair_name)
			printf("   %s: %s%s%s%s", c->zh ? "主持" : "chair", cli_pick(c, x->chair_name, x->chair_name_en),
			       x->chair_title ? " (" : "", x->chair_title ? cli_pick(c, x->chair_title, x->chair_title_en) : "",
			       x->chair_title ? ")" : "");
		printf("\n");
	}
	if (v.m.recorder_name)
		printf("%s: %s\n", c->zh ? "记录" : "Recorder", cli_pick(c, v.m.recorder_name, v.m.recorder_name_en));
	if (v.m.place)
		printf("%s: %s\n", c->zh ? "地点" : "Place", v.m.place);
	if (v.m.topic_title)
		printf("%s: %s\n", c->zh ? "专题" : "Topic", v.m.topic_title);
	if (v.m.summary || v.m.summary_en)
		printf("\n%s\n", cli_pick(c, v.m.summary, v.m.summary_en));

	printf("\n%s\n", c->zh ? "学习材料" : "Materials studied");
	for (size_t i = 0; i < v.rec.nmaterials; i++)
		printf("  %zu. [%s] %s%s%s\n", i + 1, label(c, v.rec.materials[i].kind),
		       cli_pick(c, v.rec.materials[i].title, v.rec.materials[i].title_en),
		       v.rec.materials[i].source ? " — " : "", v.rec.materials[i].source ? v.rec.materials[i].source : "");

	printf("\n%s\n", c->zh ? "出席情况" : "Attendance");
	print_attendance(c, &v.rec);

	printf("\n%s\n", c->zh ? "发言" : "Speeches");
	for (size_t i = 0; i < v.rec.nspeeches; i++) {
		const struct speech_row *s = &v.rec.speeches[i];

		printf("  %d. %s — %s", s->seq, label(c, s->kind), speaker_of(c, s));
		if (s->speaker_title)
			printf(" (%s)", cli_pick(c, s->speaker_title, s->speaker_title_en));
		printf("\n");
		if (s->title || s->title_en)
			printf("     %s\n", cli_pick(c, s->title, s->title_en));
		print_points(c, s->key_points, s->key_points_en);
	}

	printf("\n%s\n", c->zh ? "决定事项" : "Decisions");
	for (size_t i = 0; i < v.rec.ndecisions; i++) {
		const struct decision_row *d = &v.rec.decisions[i];
		int any = 0;

		printf("  %d. [%s] %s\n", d->number, label(c, d->kind), cli_pick(c, d->text, d->text_en));
		if (d->speech_key) {
			for (size_t k = 0; k < v.rec.nspeeches; k++)
				if (strcmp(v.rec.speeches[k].key, d->speech_key) == 0)
					printf("     %s %d (%s)\n", c->zh ? "出自发言" : "from speech", v.rec.speeches[k].seq,
					       speaker_of(c, &v.rec.speeches[k]));
		} else if (d->body_name) {
			printf("     %s: %s\n", c->zh ? "作出机构" : "by", cli_pick(c, d->body_name, d->body_name_en));
		} else {
			printf("     %s\n", c->zh ? "会议整体" : "by the meeting as a whole");
		}
		for (size_t k = 0; k < v.ntasks; k++) {
			if (!v.tasks[k].row.decision_key || strcmp(v.tasks[k].row.decision_key, d->key) != 0)
				continue;
			if (!any)
				printf("     %s:\n", c->zh ? "任务" : "tasks");
			any = 1;
			cli_print_task(c, &v.tasks[k], "       ");
		}
	}
	if (v.m.minutes)
		printf("\n%s\n%s\n", c->zh ? "会议记录" : "Minutes", v.m.minutes);
	print_record_notes(c, &v.m);
	if (v.rec.nfeedback)
		printf("\n%s\n", c->zh ? "列席旁听反馈意见" : "Observer feedback");
	for (size_t i = 0; i < v.rec.nfeedback; i++) {
		const struct feedback_row *f = &v.rec.feedback[i];

		printf("  %s  %s\n     %s\n", f->written_on, f->author_name ? cli_pick(c, f->author_name, f->author_name_en)
								     : f->filed_by, f->text);
	}
out:
	arena_release(&a);
	return rc;
}

static const struct cli_option list_options[] = {
	{ "group", 0, "KEY", "the meetings of the study group KEY", 0 },
	{ "year", 0, "YYYY", "the meetings of one year", 0 },
	{ "status", 0, "S", "planned, held or cancelled", 0 },
	{ NULL, 0, NULL, NULL, 0 },
};

const struct cli_command cmd_meeting_commands[] = {
	{ "meeting list", "the study meetings", NULL, 0, list_options, CMD_NEEDS_DB | CMD_ORG | CMD_JSON, list_run,
	  "Lists study meetings in date order.\n" },
	{ "meeting show", "one whole record", "KEY", 1, NULL, CMD_NEEDS_DB | CMD_ORG | CMD_JSON, show_run,
	  "Prints the whole record of one meeting: materials, attendance by capacity\n"
	  "with leave and make-up, speeches in order with their key points, the decisions\n"
	  "and the tasks each produced with their lights.\n" },
	{ NULL, NULL, NULL, 0, NULL, 0, NULL, NULL },
};
