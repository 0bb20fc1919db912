/*
 * meeting.c -- study meetings (see meeting.h).
 */
#include <stdio.h>
#include <string.h>

#include "meeting.h"
#include "../core/date.h"
#include "../domain/model.h"
#include "../core/banned.h"

int meeting_list(struct svc *svc, const struct meeting_filter *f, struct arena *a,
		 struct meeting_row **rows, size_t *n, struct err *err)
{
	if (f && f->group_key && store_key_exists(svc->st, model_entity("group"), svc->org.id, f->group_key, err))
		return -1;
	return store_meeting_list(svc->st, svc->org.id, f, a, rows, n, err);
}

int meeting_show(struct svc *svc, const char *key, struct arena *a, struct meeting_view *out,
		 struct err *err)
{
	struct task_filter f;

	memset(out, 0, sizeof(*out));
	if (store_meeting_get(svc->st, svc->org.id, key, a, &out->m, err) != 0)
		return -1;
	if (store_meeting_record(svc->st, out->m.id, a, &out->rec, err) != 0)
		return -1;
	memset(&f, 0, sizeof(f));
	f.meeting_key = key;
	return task_list(svc, &f, -1, a, &out->tasks, &out->ntasks, err);
}

const char *meeting_part_of_day(const char *part, int en)
{
	static const char *const names[][3] = {
		{ "morning", "上午", "morning" }, { "afternoon", "下午", "afternoon" }, { "evening", "晚上", "evening" },
	};

	for (size_t i = 0; part && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(part, names[i][0]) == 0)
			return names[i][en ? 2 : 1];
	return NULL;
}

const char *meeting_when_text(struct svc *svc, const struct meeting_row *m, int en, struct arena *a)
{
	char out[DATETIME_LEN], day[DATE_LEN], text[160];
	const char *prec = m->time_precision ? m->time_precision : "time", *part;
	int64_t t, e;
	size_t n;

	if (m->starts_at == NULL || datetime_parse(m->starts_at, 0, &t) != 0)
		return "";
	date_format(datetime_local_day(t, svc->org.utc_offset), day);
	part = strcmp(prec, "part_of_day") == 0 ? meeting_part_of_day(m->part_of_day, en) : NULL;
	if (strcmp(prec, "time") == 0)
		snprintf(text, sizeof(text), "%s", datetime_format_local(t, svc->org.utc_offset, out));
	else if (part)
		snprintf(text, sizeof(text), en ? "%s %s" : "%s%s", day, part);
	else
		snprintf(text, sizeof(text), "%s", day);
	n = strlen(text);
	/* the end: a later day, or a clock time the same day when the start has one */
	if (m->ends_on && strcmp(m->ends_on, day) != 0)
		snprintf(text + n, sizeof(text) - n, en ? " to %s" : "至%s", m->ends_on);
	else if (m->ends_at && strcmp(prec, "time") == 0 && datetime_parse(m->ends_at, 0, &e) == 0) {
		char d2[DATE_LEN];
		const char *end = datetime_format_local(e, svc->org.utc_offset, out);

		date_format(datetime_local_day(e, svc->org.utc_offset), d2);
		snprintf(text + n, sizeof(text) - n, en ? " to %s" : "至%s", strcmp(d2, day) == 0 ? end + 11 : end);
	}
	n = strlen(text);
	if (m->duration_days)
		snprintf(text + n, sizeof(text) - n, en ? " (%s days)" : "（%s天）", m->duration_days);
	return arena_strdup(a, text);
}

const char *meeting_when(struct svc *svc, const struct meeting_row *m, struct arena *a)
{
	return meeting_when_text(svc, m, 1, a);
}

int meeting_involves(struct svc *svc, int64_t meeting_id, int64_t person_id)
{
	return store_meeting_involves(svc->st, meeting_id, person_id) == 1;
}

int meeting_changed(struct svc *svc, struct arena *a, int64_t **ids, const char ***ats, size_t *n, struct err *err)
{
	return store_meeting_changed(svc->st, svc->org.id, a, ids, ats, n, err);
}

int meeting_upcoming(struct svc *svc, const char *from_at, int limit, struct arena *a, struct meeting_row **rows,
		     size_t *n, struct err *err)
{
	return store_meeting_upcoming(svc->st, svc->org.id, from_at, limit, a, rows, n, err);
}
