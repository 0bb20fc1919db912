/*
 * compliance.c -- the rules check for one group and year (see compliance.h).
 */
#include <string.h>

#include "compliance.h"
#include "model.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/date.h"
#include "../core/banned.h"

enum { ROLE_LEADER, ROLE_DEPUTY, ROLE_MEMBER, ROLE_SECRETARY };

void compliance_rules_default(struct compliance_rules *r)
{
	r->meetings_per_quarter = 1;
	r->attendance_rate = 90;
	r->makeup_days = 30;
	r->exchange_speeches = 1;
	r->papers = 1;
	r->plan_month = 1;
	r->plan_day = 31;
}

static void add(struct findings *out, struct arena *a, const char *rule,
		enum finding_severity sev, const char *subject, const char *en,
		const char *zh, const char *evidence, const char *evidence_zh)
{
	struct finding *f;

	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 16;
		struct finding *items = arena_calloc(a, cap, sizeof(*items));

		if (out->n)
			memcpy(items, out->items, out->n * sizeof(*items));
		out->items = items;
		out->cap = cap;
	}
	f = &out->items[out->n++];
	f->rule = rule;
	f->severity = sev;
	f->subject = arena_strdup(a, subject);
	f->message = arena_strdup(a, en);
	f->message_zh = arena_strdup(a, zh);
	f->evidence = arena_strdup(a, evidence);
	f->evidence_zh = arena_strdup(a, evidence_zh);
}

static const char *en_name(const struct cf_member *m)
{
	return m->name_en && *m->name_en ? m->name_en : m->name;
}

static const char *en_title(const struct cf_meeting *m)
{
	return m->title_en && *m->title_en ? m->title_en : m->title;
}

static int is_judged_member(const struct cf_member *m)
{
	return m->role != ROLE_SECRETARY;
}

static int member_on(const struct cf_member *m, int32_t day)
{
	return (m->from_on == DATE_NONE || m->from_on <= day) &&
	       (m->to_on == DATE_NONE || day <= m->to_on);
}

/* The memberships of one person may be several (a deputy who became leader):
 * a person is judged once, when any judged membership covers the day. */
static int person_on(const struct compliance_input *in, int64_t person_id, int32_t day)
{
	for (size_t i = 0; i < in->nmembers; i++)
		if (in->members[i].person_id == person_id && is_judged_member(&in->members[i]) &&
		    member_on(&in->members[i], day))
			return 1;
	return 0;
}

static int first_of_person(const struct compliance_input *in, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (in->members[k].person_id == in->members[i].person_id && is_judged_member(&in->members[k]))
			return 0;
	return is_judged_member(&in->members[i]);
}

static const struct cf_attendance *find_att(const struct compliance_input *in,
					    int64_t meeting_id, int64_t person_id)
{
	for (size_t i = 0; i < in->nattendance; i++)
		if (in->attendance[i].meeting_id == meeting_id && in->attendance[i].person_id == person_id)
			return &in->attendance[i];
	return NULL;
}

static const struct cf_meeting *find_meeting(const struct compliance_input *in, int64_t id)
{
	for (size_t i = 0; i < in->nmeetings; i++)
		if (in->meetings[i].id == id)
			return &in->meetings[i];
	return NULL;
}

static const struct cf_member *find_member(const struct compliance_input *in, int64_t person_id)
{
	for (size_t i = 0; i < in->nmembers; i++)
		if (in->members[i].person_id == person_id)
			return &in->members[i];
	return NULL;
}

static void check_quarters(const struct compliance_input *in, const struct compliance_rules *r,
			   struct arena *a, struct findings *out)
{
	char d1[DATE_LEN], d2[DATE_LEN];

	for (int q = 1; q <= 4; q++) {
		int32_t start = date_quarter_start(in->year, q), end = date_quarter_end(in->year, q);
		int held = 0, planned = 0;
		for (size_t i = 0; i < in->nmeetings; i++) {
			const struct cf_meeting *m = &in->meetings[i];

			if (m->day < start || m->day > end)
				continue;
			if (m->held)
				held++;
			else
				planned++;
		}
		if (held >= r->meetings_per_quarter || in->today <= end)
			continue;
		date_format(start, d1);
		date_format(end, d2);
		add(out, a, "quarterly_meeting", FINDING_BREACH, arena_printf(a, "Q%d", q),
		    arena_printf(a, "Q%d %d: %d collective study meeting(s) held, fewer than %d",
				 q, in->year, held, r->meetings_per_quarter),
		    arena_printf(a, "%d年第%d季度仅举行集体学习%d次，少于%d次", in->year, q, held,
				 r->meetings_per_quarter),
		    arena_printf(a, "%d held, %d planned or cancelled between %s and %s; the rule asks for %d",
				 held, planned, d1, d2, r->meetings_per_quarter),
		    arena_printf(a, "%s至%s已召开%d次、计划或取消%d次；规定不少于%d次", d1, d2, held, planned,
				 r->meetings_per_quarter));
	}
}

enum seen { SEEN_PRESENT, SEEN_LEAVE, SEEN_ABSENT, SEEN_NOT_RECORDED, SEEN_NOT_ITEMISED };

/* What the record says of a person at a meeting; *how names the evidence
 * when it is not an attendance row ("chaired or spoke"). */
static enum seen seen_at(const struct compliance_input *in, const struct cf_meeting *mt, int64_t person_id)
{
	const struct cf_attendance *at = find_att(in, mt->id, person_id);

	if (at)
		return at->status == AT_PRESENT ? SEEN_PRESENT : at->status == AT_LEAVE ? SEEN_LEAVE : SEEN_ABSENT;
	for (size_t i = 0; i < in->npresence; i++)
		if (in->presence[i].meeting_id == mt->id && in->presence[i].person_id == person_id)
			return SEEN_PRESENT;
	return mt->members_category ? SEEN_NOT_ITEMISED : SEEN_NOT_RECORDED;
}

static void check_attendance(const struct compliance_input *in, const struct compliance_rules *r,
			     struct arena *a, struct findings *out)
{
	char d[DATE_LEN];

	for (size_t i = 0; i < in->nmembers; i++) {
		const struct cf_member *m = &in->members[i];
		int eligible = 0, present = 0;
		struct buf ev = BUF_INIT(8192), evz = BUF_INIT(8192);

		if (!first_of_person(in, i))
			continue;
		for (size_t k = 0; k < in->nmeetings; k++) {
			const struct cf_meeting *mt = &in->meetings[k];
			enum seen seen;

			if (!mt->held || mt->day > in->today || !person_on(in, m->person_id, mt->day))
				continue;
			seen = seen_at(in, mt, m->person_id);
			if (seen == SEEN_NOT_ITEMISED) {
				buf_printf(&ev, "%s%s %s: not itemised (members as a category, or an excerpt)", ev.len ? "; " : "",
					   date_format(mt->day, d), en_title(mt));
				buf_printf(&evz, "%s%s %s：未逐一登记（成员按类别登记或记录为摘录）", evz.len ? "；" : "", d, mt->title);
				continue;
			}
			eligible++;
			if (seen == SEEN_PRESENT) {
				present++;
				continue;
			}
			buf_printf(&ev, "%s%s %s: %s", ev.len ? "; " : "", date_format(mt->day, d), en_title(mt),
				   seen == SEEN_NOT_RECORDED ? "not recorded" : seen == SEEN_LEAVE ? "on leave" : "absent");
			buf_printf(&evz, "%s%s %s：%s", evz.len ? "；" : "", d, mt->title,
				   seen == SEEN_NOT_RECORDED ? "未登记" : seen == SEEN_LEAVE ? "请假" : "缺席");
		}
		if (eligible == 0 || present * 100 >= r->attendance_rate * eligible) {
			buf_release(&ev);
			buf_release(&evz);
			continue;
		}
		add(out, a, "attendance_rate", FINDING_BREACH, m->name,
		    arena_printf(a, "%s attended %d of %d meetings (%d%%), below %d%%", en_name(m), present,
				 eligible, present * 100 / eligible, r->attendance_rate),
		    arena_printf(a, "%s出勤%d次/应出勤%d次（%d%%），低于%d%%", m->name, present, eligible,
				 present * 100 / eligible, r->attendance_rate),
		    buf_str(&ev), buf_str(&evz));
		buf_release(&ev);
		buf_release(&evz);
	}
}

static void check_leave_and_makeup(const struct compliance_input *in, const struct compliance_rules *r,
				   struct arena *a, struct findings *out)
{
	char d[DATE_LEN], d2[DATE_LEN];

	for (size_t i = 0; i < in->nattendance; i++) {
		const struct cf_attendance *at = &in->attendance[i];
		const struct cf_meeting *mt = find_meeting(in, at->meeting_id);
		const struct cf_member *who = find_member(in, at->person_id);
		const char *name = who ? who->name : "?", *name_en = who ? en_name(who) : "?";
		const char *ev, *evz;
		int32_t deadline;

		if (mt == NULL || !mt->held || at->status == AT_PRESENT ||
		    !person_on(in, at->person_id, mt->day))
			continue;
		ev = arena_printf(a, "%s %s (%s)", date_format(mt->day, d), en_title(mt), mt->key);
		evz = arena_printf(a, "%s %s（%s）", d, mt->title, mt->key);
		if (at->status == AT_LEAVE && !at->has_reason)
			add(out, a, "leave_reason", FINDING_BREACH, name,
			    arena_printf(a, "%s was on leave from \"%s\" with no reason recorded", name_en, en_title(mt)),
			    arena_printf(a, "%s请假缺席“%s”，未记录请假事由", name, mt->title), ev, evz);
		if (at->status == AT_LEAVE && !at->has_approver)
			add(out, a, "leave_approver", FINDING_BREACH, name,
			    arena_printf(a, "%s was on leave from \"%s\" with no approver recorded", name_en, en_title(mt)),
			    arena_printf(a, "%s请假缺席“%s”，未记录批准人", name, mt->title), ev, evz);
		deadline = mt->day + r->makeup_days;
		if (at->makeup_done != DATE_NONE && at->makeup_done <= deadline)
			continue;
		if (at->makeup_done != DATE_NONE) {
			add(out, a, "makeup", FINDING_BREACH, name,
			    arena_printf(a, "%s made up \"%s\" on %s, %d days after the meeting (limit %d)", name_en,
					 en_title(mt), date_format(at->makeup_done, d2), at->makeup_done - mt->day,
					 r->makeup_days),
			    arena_printf(a, "%s于%s补学“%s”，距会议%d天，超过%d天时限", name,
					 date_format(at->makeup_done, d2), mt->title, at->makeup_done - mt->day,
					 r->makeup_days),
			    ev, evz);
		} else if (in->today > deadline) {
			add(out, a, "makeup", FINDING_BREACH, name,
			    arena_printf(a, "%s has not made up \"%s\" (due by %s)", name_en, en_title(mt),
					 date_format(deadline, d2)),
			    arena_printf(a, "%s缺席“%s”后未补学（应于%s前完成）", name, mt->title,
					 date_format(deadline, d2)),
			    ev, evz);
		}
	}
}

static void check_output(const struct compliance_input *in, const struct compliance_rules *r,
			 struct arena *a, struct findings *out)
{
	int year_over = in->today > date_from_ymd(in->year, 12, 31);
	enum finding_severity sev = year_over ? FINDING_BREACH : FINDING_AT_RISK;

	for (size_t i = 0; i < in->nmembers; i++) {
		const struct cf_member *m = &in->members[i];
		int speeches = 0, papers = 0;

		if (!first_of_person(in, i))
			continue;
		/* Judge only people who were members at some point in the year. */
		if ((m->to_on != DATE_NONE && m->to_on < date_from_ymd(in->year, 1, 1)) ||
		    (m->from_on != DATE_NONE && m->from_on > date_from_ymd(in->year, 12, 31)))
			continue;
		for (size_t k = 0; k < in->nspeeches; k++)
			if (in->speeches[k].person_id == m->person_id &&
			    (in->speeches[k].kind == SK_EXCHANGE || in->speeches[k].kind == SK_CENTRAL ||
			     in->speeches[k].kind == SK_KEYNOTE))
				speeches++;
		for (size_t k = 0; k < in->npapers; k++)
			if (in->papers[k].person_id == m->person_id)
				papers++;
		if (speeches < r->exchange_speeches)
			add(out, a, "exchange_speech", sev, m->name,
			    arena_printf(a, "%s gave %d speech(es) at the group's meetings in %d, fewer than %d%s", en_name(m),
					 speeches, in->year, r->exchange_speeches, year_over ? "" : " so far"),
			    arena_printf(a, "%s%d年在中心组学习中发言%d次，少于%d次%s", m->name, in->year, speeches,
					 r->exchange_speeches, year_over ? "" : "（截至目前）"),
			    arena_printf(a, "keynote, central or exchange speeches at this group's meetings in %d: %d",
					 in->year, speeches),
			    arena_printf(a, "%d年在本组会议上的主题讲话、中心发言或交流发言：%d次", in->year, speeches));
		if (papers < r->papers)
			add(out, a, "paper", sev, m->name,
			    arena_printf(a, "%s submitted %d written paper(s) in %d, fewer than %d%s", en_name(m),
					 papers, in->year, r->papers, year_over ? "" : " so far"),
			    arena_printf(a, "%s%d年提交书面研讨材料%d篇，少于%d篇%s", m->name, in->year, papers,
					 r->papers, year_over ? "" : "（截至目前）"),
			    arena_printf(a, "research reports, articles or reflections dated %d: %d", in->year, papers),
			    arena_printf(a, "%d年提交的调研报告、理论文章或心得：%d篇", in->year, papers));
	}
}

static void check_plan(const struct compliance_input *in, const struct compliance_rules *r,
		       struct arena *a, struct findings *out)
{
	int32_t deadline = date_from_ymd(in->year, r->plan_month,
					 r->plan_day > date_days_in_month(in->year, r->plan_month)
						 ? date_days_in_month(in->year, r->plan_month) : r->plan_day);
	char d[DATE_LEN], d2[DATE_LEN], d3[DATE_LEN];
	const struct cf_plan *p = &in->plan;

	date_format(deadline, d);
	date_format(p->approved_on, d2);
	date_format(p->filed_on, d3);
	if (!p->exists) {
		if (in->today > deadline)
			add(out, a, "plan_filed", FINDING_BREACH, arena_printf(a, "plan %d", in->year),
			    arena_printf(a, "no study plan for %d (due approved and filed by %s)", in->year, d),
			    arena_printf(a, "未制定%d年度学习计划（应于%s前审定并报备）", in->year, d),
			    "no plan recorded for the year", "本年度未登记学习计划");
		return;
	}
	if (p->approved_on == DATE_NONE || p->approved_on > deadline) {
		if (p->approved_on != DATE_NONE || in->today > deadline)
			add(out, a, "plan_filed", FINDING_BREACH, arena_printf(a, "plan %d", in->year),
			    arena_printf(a, "the %d study plan was not approved by %s", in->year, d),
			    arena_printf(a, "%d年度学习计划未于%s前审定", in->year, d),
			    p->approved_on == DATE_NONE ? "approval date: none"
							: arena_printf(a, "approved on %s", d2),
			    p->approved_on == DATE_NONE ? "未登记审定日期" : arena_printf(a, "审定日期：%s", d2));
	}
	if (p->filed_on == DATE_NONE || p->filed_on > deadline) {
		if (p->filed_on != DATE_NONE || in->today > deadline)
			add(out, a, "plan_filed", FINDING_BREACH, arena_printf(a, "plan %d", in->year),
			    arena_printf(a, "the %d study plan was not filed with the superior by %s", in->year, d),
			    arena_printf(a, "%d年度学习计划未于%s前报备", in->year, d),
			    p->filed_on == DATE_NONE ? "filing date: none"
						     : arena_printf(a, "filed on %s", d3),
			    p->filed_on == DATE_NONE ? "未登记报备日期" : arena_printf(a, "报备日期：%s", d3));
	}
}

static void member_stats(const struct compliance_input *in, struct arena *a, struct findings *out)
{
	out->members = arena_calloc(a, in->nmembers + 1, sizeof(*out->members));
	out->nmembers = 0;
	for (size_t i = 0; i < in->nmembers; i++) {
		const struct cf_member *m = &in->members[i];
		struct member_stat *st;

		if (!first_of_person(in, i))
			continue;
		st = &out->members[out->nmembers++];
		st->person_id = m->person_id;
		st->key = m->key;
		st->name = m->name;
		st->name_en = m->name_en;
		st->role = m->role;
		for (size_t k = 0; k < in->nmeetings; k++) {
			const struct cf_meeting *mt = &in->meetings[k];
			enum seen seen;

			if (!mt->held || mt->day > in->today || !person_on(in, m->person_id, mt->day))
				continue;
			seen = seen_at(in, mt, m->person_id);
			if (seen == SEEN_NOT_ITEMISED) {
				st->not_itemised++;
				continue;
			}
			st->eligible++;
			if (seen == SEEN_PRESENT)
				st->present++;
			else if (seen == SEEN_LEAVE)
				st->leave++;
			else
				st->absent++;
		}
		for (size_t k = 0; k < in->nspeeches; k++)
			st->speeches += in->speeches[k].person_id == m->person_id &&
					(in->speeches[k].kind == SK_EXCHANGE || in->speeches[k].kind == SK_CENTRAL ||
					 in->speeches[k].kind == SK_KEYNOTE);
		for (size_t k = 0; k < in->npapers; k++)
			st->papers += in->papers[k].person_id == m->person_id;
	}
}

static const char *nth(int n)
{
	return n % 100 >= 11 && n % 100 <= 13 ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

static void check_ordinals(const struct compliance_input *in, struct arena *a, struct findings *out)
{
	int top = 0;

	for (size_t i = 0; i < in->nmeetings; i++)
		if (in->meetings[i].ordinal > top)
			top = in->meetings[i].ordinal;
	for (int n = 1; n <= top && n <= 1000; n++) {
		struct buf ev = BUF_INIT(4096), evz = BUF_INIT(4096);
		int seen = 0;
		char d[DATE_LEN];

		for (size_t i = 0; i < in->nmeetings; i++) {
			const struct cf_meeting *mt = &in->meetings[i];

			if (mt->ordinal != n)
				continue;
			seen++;
			buf_printf(&ev, "%s%s %s", ev.len ? "; " : "", date_format(mt->day, d), en_title(mt));
			buf_printf(&evz, "%s%s %s", evz.len ? "；" : "", d, mt->title);
		}
		if (seen > 1)
			add(out, a, "ordinal", FINDING_BREACH, arena_printf(a, "%d", n),
			    arena_printf(a, "%d meetings are each the %d%s collective study of %d", seen, n, nth(n), in->year),
			    arena_printf(a, "%d次会议都登记为%d年第%d次集体学习", seen, in->year, n), buf_str(&ev), buf_str(&evz));
		else if (seen == 0)
			add(out, a, "ordinal", FINDING_AT_RISK, arena_printf(a, "%d", n),
			    arena_printf(a, "the %d%s collective study of %d is not on record", n, nth(n), in->year),
			    arena_printf(a, "未登记%d年第%d次集体学习", in->year, n),
			    arena_printf(a, "the record holds up to the %d%s", top, nth(top)),
			    arena_printf(a, "已登记至第%d次", top));
		buf_release(&ev);
		buf_release(&evz);
	}
}

void compliance_check(const struct compliance_input *in, const struct compliance_rules *r,
		      struct arena *arena, struct findings *out)
{
	member_stats(in, arena, out);
	out->meetings_held = 0;
	out->meetings_planned = 0;
	for (size_t i = 0; i < in->nmeetings; i++) {
		if (in->meetings[i].held)
			out->meetings_held++;
		else
			out->meetings_planned++;
	}
	check_plan(in, r, arena, out);
	check_quarters(in, r, arena, out);
	check_attendance(in, r, arena, out);
	check_leave_and_makeup(in, r, arena, out);
	check_output(in, r, arena, out);
	check_ordinals(in, arena, out);
}
