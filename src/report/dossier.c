/*
 * dossier.c -- the annual study dossier (学习档案) of a group: the plan and
 * its dates, meetings planned against held by quarter, the attendance
 * matrix, speeches and papers per member, every compliance finding with its
 * evidence, and two charts (see report.h).
 */
#include <stdio.h>
#include <string.h>
#include <pango/pangocairo.h>

#include "report.h"
#include "pdf.h"
#include "render.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/date.h"
#include "../domain/model.h"
#include "../io/rows.h"
#include "../io/views.h"
#include "../service/check.h"
#include "../core/banned.h"

struct charts_data {
	int held[4], planned[4];
	int threshold;
	json_t *members;          /* [{name, rate}] */
	int en;
};

/* "title，outlet，2025-11-21，记者张三（摘录）" / "title, outlet, 2025-11-21,
 * reported by Zhang San (excerpt)": the parts that are there. */
static void source_text(struct buf *b, const struct source_row *r, int en)
{
	const char *sep = en ? ", " : "，";
	json_t *rep = r->reporters ? json_loads(r->reporters, 0, NULL) : NULL;
	int any = 0;

	if (r->source_title) {
		buf_adds(b, r->source_title);
		any = 1;
	}
	if (r->outlet) {
		buf_printf(b, "%s%s", any ? sep : "", r->outlet);
		any = 1;
	}
	if (r->published_on) {
		buf_printf(b, "%s%s", any ? sep : "", r->published_on);
		any = 1;
	}
	if (json_array_size(rep)) {
		buf_printf(b, "%s%s", any ? sep : "", en ? "reported by " : "记者");
		report_join(b, rep, en);
	}
	json_decref(rep);
	if (r->source_extent)
		buf_adds(b, strcmp(r->source_extent, "excerpt") == 0 ? (en ? " (excerpt)" : "（摘录）")
								     : (en ? " (complete)" : "（全文）"));
}

/* The sourced records of one meeting (0: the persons and posts), for the
 * dossier's sources section. */
static json_t *record_sources(const struct source_row *rows, size_t n, int64_t meeting_id, int en)
{
	static const char *const kinds[][3] = {
		{ "speech", "发言", "Speech" }, { "decision", "决定", "Decision" },
		{ "initiative", "重点工作", "Initiative" }, { "task", "任务", "Task" },
		{ "person", "人员", "Person" }, { "post", "职务", "Post" },
	};
	json_t *list = json_array();

	for (size_t i = 0; i < n; i++) {
		struct buf text = BUF_INIT(1 << 14);
		const char *kind = rows[i].kind;
		json_t *o;

		if (rows[i].meeting_id != meeting_id)
			continue;
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (strcmp(kinds[k][0], rows[i].kind) == 0)
				kind = kinds[k][en ? 2 : 1];
		source_text(&text, &rows[i], en);
		o = json_pack("{s:s, s:s, s:s}", "kind_label", kind, "label",
			      en && rows[i].label_en ? rows[i].label_en : rows[i].label ? rows[i].label : "",
			      "source_text", buf_str(&text));
		if (rows[i].source_url)
			json_object_set_new(o, "url", json_string(rows[i].source_url));
		json_array_append_new(list, o);
		buf_release(&text);
	}
	return list;
}

static void text_at(cairo_t *cr, double x, double y, const char *s, double size, int center)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_from_string("Noto Sans CJK SC");
	int w, h;

	pango_font_description_set_size(fd, (int)(size * PANGO_SCALE));
	pango_layout_set_font_description(l, fd);
	pango_layout_set_text(l, s, -1);
	pango_layout_get_pixel_size(l, &w, &h);
	cairo_move_to(cr, center ? x - w / 2.0 : x, y);
	pango_cairo_show_layout(cr, l);
	pango_font_description_free(fd);
	g_object_unref(l);
}

/* Meetings held and planned in each quarter, side by side. */
static void draw_quarters(void *ctx, cairo_t *cr, double w, double h)
{
	struct charts_data *d = ctx;
	int max = 1;
	double base = h - 24, bw = (w - 40) / 4;

	for (int q = 0; q < 4; q++)
		max = d->held[q] + d->planned[q] > max ? d->held[q] + d->planned[q] : max;
	cairo_set_line_width(cr, 0.6);
	cairo_move_to(cr, 30, 8);
	cairo_line_to(cr, 30, base);
	cairo_line_to(cr, w, base);
	cairo_stroke(cr);
	for (int q = 0; q < 4; q++) {
		double x = 40 + q * bw, hh = (base - 16) * d->held[q] / max, hp = (base - 16) * d->planned[q] / max;
		char label[32];

		cairo_set_source_rgb(cr, 0.12, 0.31, 0.55);
		cairo_rectangle(cr, x, base - hh, bw * 0.35, hh);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0.6, 0.63, 0.7);
		cairo_rectangle(cr, x + bw * 0.4, base - hp, bw * 0.35, hp);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		snprintf(label, sizeof(label), "Q%d: %d / %d", q + 1, d->held[q], d->planned[q]);
		text_at(cr, x + bw * 0.38, base + 4, label, 8, 1);
	}
	text_at(cr, 34, 0, d->en ? "held (blue) / planned or cancelled (grey)" : "已召开（蓝）/ 计划或取消（灰）", 8, 0);
}

/* Each member's attendance rate against the threshold. */
static void draw_attendance(void *ctx, cairo_t *cr, double w, double h)
{
	struct charts_data *d = ctx;
	size_t n = json_array_size(d->members);
	double rowh = n ? (h - 16) / n : h, left = 130, span = w - left - 40;

	for (size_t i = 0; i < n; i++) {
		json_t *m = json_array_get(d->members, i);
		json_t *rate = json_object_get(m, "rate");
		double r = json_is_integer(rate) ? (double)json_integer_value(rate) : 0;
		char pct[16];

		text_at(cr, 0, 4 + i * rowh, json_string_value(json_object_get(m, "name")), 8, 0);
		if (r < d->threshold)
			cairo_set_source_rgb(cr, 0.78, 0.16, 0.16);
		else
			cairo_set_source_rgb(cr, 0.18, 0.49, 0.2);
		cairo_rectangle(cr, left, 6 + i * rowh, span * r / 100, rowh * 0.6);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		snprintf(pct, sizeof(pct), json_is_integer(rate) ? "%.0f%%" : "—", r);
		text_at(cr, left + span * r / 100 + 4, 4 + i * rowh, pct, 8, 0);
	}
	cairo_set_source_rgb(cr, 0.78, 0.16, 0.16);
	cairo_set_dash(cr, (double[]){ 3, 2 }, 2, 0);
	cairo_move_to(cr, left + span * d->threshold / 100, 0);
	cairo_line_to(cr, left + span * d->threshold / 100, h - 10);
	cairo_stroke(cr);
	cairo_set_dash(cr, NULL, 0, 0);
	cairo_set_source_rgb(cr, 0, 0, 0);
}

static int collect_topic(void *ctx, const struct row_meta *m, const struct value *vals)
{
	(void)m;
	json_array_append_new(ctx, rows_to_json(model_entity("topic"), vals));
	return 0;
}

static const char *role_label(int role, int en)
{
	static const char *const zh[] = { "组长", "副组长", "成员", "学习秘书" };
	static const char *const eng[] = { "leader", "deputy leader", "member", "learning secretary" };

	if (role < 0 || role > 3)
		role = 2;
	return en ? eng[role] : zh[role];
}

static json_t *plan_json(struct svc *svc, int64_t group_id, int year, int en, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct plan_row plan;
	struct err local = ERR_INIT;
	json_t *p, *topics = json_array();
	struct row_query q;
	static const char *const status_zh[] = { "草稿", "已审定", "已报备" }, *const status_en[] = { "draft", "approved", "filed" };
	int st = 0;

	(void)err;
	if (store_plan_get(svc->st, group_id, year, &a, &plan, &local) != 0) {
		arena_release(&a);
		json_decref(topics);
		return NULL;
	}
	memset(&q, 0, sizeof(q));
	q.org_id = svc->org.id;
	q.parent_id = plan.id;
	store_rows_view(svc->st, model_entity("topic"), &q, collect_topic, topics, NULL);
	for (int i = 0; i < 3; i++)
		if (plan.status && strcmp(plan.status, status_en[i]) == 0)
			st = i;
	p = json_pack("{s:s, s:s, s:s, s:s, s:o}", "title", plan.title ? plan.title : "", "status_label",
		      en ? status_en[st] : status_zh[st], "approved_on", plan.approved_on ? plan.approved_on : "—",
		      "filed_on", plan.filed_on ? plan.filed_on : "—", "topics", topics);
	report_localize(p, en);
	arena_release(&a);
	return p;
}


int report_dossier(struct svc *svc, const char *group_key, int year, int en, enum report_format f,
		   struct buf *out, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct check_result res;
	struct meeting_row *meetings;
	struct attendance_fact *att;
	struct feedback_row *fb;
	struct source_row *srcs = NULL;
	size_t nsrcs = 0;
	struct meeting_filter mf;
	struct charts_data cd;
	size_t nm, na, nfb;
	json_t *data = NULL, *quarters = json_array(), *mlist = json_array(), *matrix = json_array();
	json_t *members = json_array(), *findings = json_array(), *rates = json_array(), *notes = json_array(), *plan;
	json_t *sources = json_array();
	char from[DATETIME_LEN], to[DATETIME_LEN], title[256];
	int rc = -1;

	memset(&cd, 0, sizeof(cd));
	cd.en = en;
	cd.threshold = svc->rules.attendance_rate;
	if (check_group_year(svc, group_key, year, &a, &res, err) != 0)
		goto out;
	memset(&mf, 0, sizeof(mf));
	mf.group_key = res.group.key;
	mf.from_at = datetime_format_utc((int64_t)date_from_ymd(year, 1, 1) * 86400 - svc->org.utc_offset * 60, from);
	mf.to_at = datetime_format_utc((int64_t)date_from_ymd(year + 1, 1, 1) * 86400 - svc->org.utc_offset * 60, to);
	if (store_meeting_list(svc->st, svc->org.id, &mf, &a, &meetings, &nm, err) != 0 ||
	    store_group_attendance(svc->st, res.group.id, mf.from_at, mf.to_at, &a, &att, &na, err) != 0 ||
	    store_group_feedback(svc->st, res.group.id, mf.from_at, mf.to_at, &a, &fb, &nfb, err) != 0)
		goto out;
	for (int q = 1; q <= 4; q++) {
		struct buf titles = BUF_INIT(1 << 16);

		for (size_t i = 0; i < nm; i++) {
			int64_t t;
			int held = strcmp(meetings[i].status, "held") == 0;

			if (datetime_parse(meetings[i].starts_at, 0, &t) != 0 ||
			    date_quarter(datetime_local_day(t, svc->org.utc_offset)) != q)
				continue;
			held ? cd.held[q - 1]++ : cd.planned[q - 1]++;
			buf_printf(&titles, "%s%s%s", titles.len ? (en ? "; " : "；") : "",
				   en && meetings[i].title_en ? meetings[i].title_en : meetings[i].title, held ? "" : (en ? " (not held)" : "（未召开）"));
		}
		json_array_append_new(quarters, json_pack("{s:i, s:i, s:i, s:s}", "q", q, "held", cd.held[q - 1], "planned",
							  cd.planned[q - 1], "titles", buf_str(&titles)));
		buf_release(&titles);
	}
	/* The attendance matrix: members down, held meetings across. */
	{
		for (size_t i = 0; i < nm; i++) {
			char label[64];
			int64_t t;

			if (strcmp(meetings[i].status, "held") != 0)
				continue;
			datetime_parse(meetings[i].starts_at, 0, &t);
			date_format(datetime_local_day(t, svc->org.utc_offset), label);
			json_array_append_new(mlist, json_pack("{s:s, s:I}", "label", label + 5, "id", (json_int_t)meetings[i].id));
		}
	}
	for (size_t i = 0; i < res.findings.nmembers; i++) {
		const struct member_stat *m = &res.findings.members[i];
		json_t *cells = json_array();
		const char *name = en && m->name_en ? m->name_en : m->name;
		char rate[16];
		size_t x;
		json_t *mt;

		json_array_foreach(mlist, x, mt) {
			const char *mark = "—";

			for (size_t r = 0; r < na; r++) {
				if (att[r].meeting_id != json_integer_value(json_object_get(mt, "id")) ||
				    att[r].person_id != m->person_id)
					continue;
				if (strcmp(att[r].status, "present") == 0)
					mark = en ? "P" : "出席";
				else if (strcmp(att[r].status, "leave") == 0)
					mark = att[r].makeup_done ? (en ? "L, made up" : "请假/已补学") : (en ? "L" : "请假");
				else
					mark = att[r].makeup_done ? (en ? "A, made up" : "缺席/已补学") : (en ? "A" : "缺席");
			}
			json_array_append_new(cells, json_pack("{s:s}", "mark", mark));
		}
		if (m->eligible)
			snprintf(rate, sizeof(rate), "%d%%", m->present * 100 / m->eligible);
		else
			snprintf(rate, sizeof(rate), "—");
		json_array_append_new(matrix, json_pack("{s:s, s:o, s:s}", "name", name, "cells", cells, "rate", rate));
		json_array_append_new(rates, m->eligible ? json_pack("{s:s, s:i}", "name", name, "rate", m->present * 100 / m->eligible)
							 : json_pack("{s:s, s:n}", "name", name, "rate"));
		json_array_append_new(members, json_pack("{s:s, s:s, s:i, s:i}", "name", name, "role_label",
							 role_label(m->role, en), "speeches", m->speeches, "papers", m->papers));
	}
	for (size_t i = 0; i < res.findings.n; i++) {
		const struct finding *fd = &res.findings.items[i];

		json_array_append_new(findings, json_pack("{s:s, s:s, s:s}", "severity_label",
			fd->severity == FINDING_BREACH ? (en ? "Breach" : "不符合") : (en ? "At risk" : "有风险"),
			"message", en ? fd->message : fd->message_zh, "evidence", en ? fd->evidence : fd->evidence_zh));
	}
	/* The observers' feedback notes, meeting by meeting. */
	for (size_t i = 0; i < nfb; i++) {
		int64_t t;
		char day[DATE_LEN] = "";

		if (datetime_parse(fb[i].meeting_starts_at, 0, &t) == 0)
			date_format(datetime_local_day(t, svc->org.utc_offset), day);
		json_array_append_new(notes, json_pack("{s:s, s:s, s:s, s:s, s:s}", "meeting_date", day,
			"meeting_title", en && fb[i].meeting_title_en ? fb[i].meeting_title_en : fb[i].meeting_title,
			"written_on", fb[i].written_on, "text", fb[i].text,
			"author", fb[i].author_name ? (en && fb[i].author_name_en ? fb[i].author_name_en : fb[i].author_name)
						    : fb[i].filed_by));
	}
	/* Where each meeting's record came from (migration 0007), and under it
	 * the sources of the records it holds or gave rise to (0012); then the
	 * members' and their posts' own sources. */
	{
		char fday[DATE_LEN], tday[DATE_LEN];

		if (store_group_sources(svc->st, res.group.id, mf.from_at, mf.to_at,
					date_format(date_from_ymd(year, 1, 1), fday),
					date_format(date_from_ymd(year + 1, 1, 1), tday), &a, &srcs, &nsrcs, err) != 0)
			goto out;
	}
	for (size_t i = 0; i <= nm; i++) {
		const struct meeting_row *m = i < nm ? &meetings[i] : NULL;
		json_t *src, *rep, *records;
		struct buf who = BUF_INIT(4096);
		int64_t t;
		char day[DATE_LEN] = "";
		int own = m && (m->source_title || m->source_url || m->outlet);

		records = record_sources(srcs, nsrcs, m ? m->id : 0, en);
		if (!own && json_array_size(records) == 0) {
			json_decref(records);
			continue;
		}
		if (m && datetime_parse(m->starts_at, 0, &t) == 0)
			date_format(datetime_local_day(t, svc->org.utc_offset), day);
		src = json_pack("{s:s, s:s, s:o}", "meeting_date", day, "meeting_title",
				m ? (en && m->title_en ? m->title_en : m->title) : (en ? "Members and their posts" : "成员及职务"),
				"records", records);
		if (own)
			json_object_set_new(src, "own", json_true());
		if (m == NULL) {
			json_array_append_new(sources, src);
			buf_release(&who);
			continue;
		}
		if (m->source_title)
			json_object_set_new(src, "source_title", json_string(m->source_title));
		if (m->outlet)
			json_object_set_new(src, "outlet", json_string(m->outlet));
		if (m->published_on)
			json_object_set_new(src, "published_on", json_string(m->published_on));
		if (m->source_url)
			json_object_set_new(src, "url", json_string(m->source_url));
		if (m->source_extent)
			json_object_set_new(src, "extent_label", json_string(strcmp(m->source_extent, "excerpt") == 0
				? (en ? "excerpt" : "摘录") : (en ? "complete" : "全文")));
		rep = m->reporters ? json_loads(m->reporters, 0, NULL) : NULL;
		if (json_array_size(rep)) {
			report_join(&who, rep, en);
			json_object_set_new(src, "reporters", json_string(buf_str(&who)));
		}
		json_decref(rep);
		buf_release(&who);
		json_array_append_new(sources, src);
	}
	cd.members = rates;
	plan = plan_json(svc, res.group.id, year, en, err);
	data = json_pack("{s:s, s:i, s:i, s:i, s:o, s:o, s:o, s:o, s:o, s:s}",
			 "group_name", en && res.group.name_en ? res.group.name_en : res.group.name, "year", year,
			 "meetings_held", res.findings.meetings_held, "meetings_planned", res.findings.meetings_planned,
			 "quarters", quarters, "meetings", mlist, "matrix", matrix, "members", members, "findings", findings,
			 "legend", en ? "P present · L on leave · A absent · — not a member then, or not recorded"
				      : "出席 · 请假 · 缺席 · —：当时不是成员或未登记");
	quarters = mlist = matrix = members = findings = NULL;
	if (data && json_array_size(notes))
		json_object_set_new(data, "has_feedback", json_true());
	if (data)
		json_object_set(data, "feedback", notes);
	if (plan)
		json_object_set_new(data, "plan", plan);
	if (data && json_array_size(sources)) {
		json_object_set(data, "sources", sources);
		json_object_set_new(data, "has_sources", json_true());
	}
	snprintf(title, sizeof(title), en ? "%s: study dossier %d" : "%s%d年度学习档案",
		 en && res.group.name_en ? res.group.name_en : res.group.name, year);
	{
		const struct pdf_chart charts[] = {
			{ "quarters", 150, draw_quarters, &cd },
			{ "attendance", 20.0 * (double)json_array_size(rates) + 24, draw_attendance, &cd },
			{ NULL, 0, NULL, NULL },
		};

		rc = report_render_charts(svc, en ? "dossier.en.md" : "dossier.zh.md", data, f, title, charts, 1, out, err);
	}
out:
	json_decref(sources);
	json_decref(data);
	json_decref(quarters);
	json_decref(mlist);
	json_decref(matrix);
	json_decref(members);
	json_decref(findings);
	json_decref(rates);
	json_decref(notes);
	arena_release(&a);
	return rc;
}
