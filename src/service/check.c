/*
 * check.c -- gathers the facts for the compliance check (see check.h).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../domain/model.h"
#include "../core/banned.h"

static int32_t day_or_none(const char *s)
{
	int32_t d;

	return s && date_parse(s, &d) == 0 ? d : DATE_NONE;
}

static int index_of(const char *const *values, const char *v)
{
	for (int i = 0; values[i]; i++)
		if (v && strcmp(values[i], v) == 0)
			return i;
	return -1;
}

/* The UTC instant at local midnight of a day, as stored text. */
static const char *local_midnight(struct svc *svc, int32_t day, struct arena *a)
{
	char out[DATETIME_LEN];

	return arena_strdup(a, datetime_format_utc((int64_t)day * 86400 - (int64_t)svc->org.utc_offset * 60, out));
}

int check_group_year(struct svc *svc, const char *group_key, int year, struct arena *a,
		     struct check_result *out, struct err *err)
{
	struct compliance_input in;
	struct member_row *members;
	struct meeting_row *meetings;
	struct attendance_fact *att;
	struct speech_fact *sp;
	struct presence_fact *seen;
	struct plan_row plan;
	struct meeting_filter mf;
	struct err local = ERR_INIT;
	int64_t *papers;
	size_t nm, nmt, na, ns, np, nseen;
	int32_t first = date_from_ymd(year, 1, 1), last = date_from_ymd(year, 12, 31);
	const char *from_at = local_midnight(svc, first, a), *to_at = local_midnight(svc, last + 1, a);
	char d1[DATE_LEN], d2[DATE_LEN];

	memset(out, 0, sizeof(*out));
	memset(&in, 0, sizeof(in));
	if (year < LIM_YEAR_MIN || year > LIM_YEAR_MAX)
		return err_field(err, ST_INVALID, "year", "year: %d is out of range %d..%d", year, LIM_YEAR_MIN, LIM_YEAR_MAX);
	if (store_group_get(svc->st, svc->org.id, group_key, a, &out->group, err) != 0)
		return -1;
	out->year = year;
	memset(&mf, 0, sizeof(mf));
	mf.group_key = out->group.key;
	mf.from_at = from_at;
	mf.to_at = to_at;
	if (store_group_members(svc->st, out->group.id, a, &members, &nm, err) != 0 ||
	    store_meeting_list(svc->st, svc->org.id, &mf, a, &meetings, &nmt, err) != 0 ||
	    store_group_attendance(svc->st, out->group.id, from_at, to_at, a, &att, &na, err) != 0 ||
	    store_group_speeches(svc->st, out->group.id, from_at, to_at, a, &sp, &ns, err) != 0 ||
	    store_group_presence(svc->st, out->group.id, from_at, to_at, a, &seen, &nseen, err) != 0 ||
	    store_group_papers(svc->st, out->group.id, date_format(first, d1), date_format(last, d2), a,
			       &papers, &np, err) != 0)
		return -1;
	in.year = year;
	in.today = svc->today;
	{
		struct cf_member *m = arena_calloc(a, nm + 1, sizeof(*m));

		for (size_t i = 0; i < nm; i++) {
			m[i].person_id = members[i].person_id;
			m[i].key = members[i].person_key;
			m[i].name = members[i].name;
			m[i].name_en = members[i].name_en;
			m[i].role = index_of(model_member_roles, members[i].role);
			m[i].from_on = day_or_none(members[i].from_on);
			m[i].to_on = day_or_none(members[i].to_on);
			if (m[i].role != MR_SECRETARY)
				out->members++;
		}
		in.members = m;
		in.nmembers = nm;
	}
	{
		struct cf_meeting *m = arena_calloc(a, nmt + 1, sizeof(*m));
		size_t k = 0;

		for (size_t i = 0; i < nmt; i++) {
			int64_t t;

			if (strcmp(meetings[i].status, "cancelled") == 0)
				continue;
			m[k].id = meetings[i].id;
			m[k].key = meetings[i].key;
			m[k].title = meetings[i].title;
			m[k].title_en = meetings[i].title_en;
			m[k].held = strcmp(meetings[i].status, "held") == 0;
			m[k].ordinal = meetings[i].ordinal;
			for (size_t x = 0; x < nseen; x++)
				m[k].members_category |= seen[x].meeting_id == meetings[i].id && seen[x].members_category;
			m[k].day = datetime_parse(meetings[i].starts_at, 0, &t) == 0
					   ? datetime_local_day(t, svc->org.utc_offset) : first;
			k++;
		}
		in.meetings = m;
		in.nmeetings = k;
	}
	{
		struct cf_attendance *x = arena_calloc(a, na + 1, sizeof(*x));

		for (size_t i = 0; i < na; i++) {
			x[i].meeting_id = att[i].meeting_id;
			x[i].person_id = att[i].person_id;
			x[i].status = index_of(model_attendance, att[i].status);
			x[i].has_reason = att[i].has_reason;
			x[i].has_approver = att[i].has_approver;
			x[i].makeup_done = day_or_none(att[i].makeup_done);
		}
		in.attendance = x;
		in.nattendance = na;
	}
	{
		struct cf_speech *x = arena_calloc(a, ns + 1, sizeof(*x));
		struct cf_paper *p = arena_calloc(a, np + 1, sizeof(*p));

		for (size_t i = 0; i < ns; i++) {
			x[i].person_id = sp[i].person_id;
			x[i].kind = index_of(model_speech_kinds, sp[i].kind);
		}
		for (size_t i = 0; i < np; i++)
			p[i].person_id = papers[i];
		in.speeches = x;
		in.nspeeches = ns;
		in.papers = p;
		in.npapers = np;
	}
	{
		struct cf_presence *x = arena_calloc(a, nseen + 1, sizeof(*x));
		size_t k = 0;

		for (size_t i = 0; i < nseen; i++)
			if (!seen[i].members_category)
				x[k++] = (struct cf_presence){ seen[i].meeting_id, seen[i].person_id };
		in.presence = x;
		in.npresence = k;
	}
	if (store_plan_get(svc->st, out->group.id, year, a, &plan, &local) == 0) {
		in.plan.exists = 1;
		in.plan.status = plan.status ? index_of((const char *const[]){ "draft", "approved", "filed", NULL }, plan.status) : 0;
		in.plan.approved_on = day_or_none(plan.approved_on);
		in.plan.filed_on = day_or_none(plan.filed_on);
	} else if (local.code != ST_NOTFOUND) {
		if (err)
			*err = local;
		return -1;
	}
	compliance_check(&in, &svc->rules, a, &out->findings);
	return 0;
}
