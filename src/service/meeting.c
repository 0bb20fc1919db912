/*
 * meeting.c -- study meetings (see meeting.h).
 */
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

const char *meeting_when(struct svc *svc, const struct meeting_row *m, struct arena *a)
{
	char out[DATETIME_LEN];
	int64_t t;

	if (m->starts_at == NULL || datetime_parse(m->starts_at, 0, &t) != 0)
		return "";
	return arena_strdup(a, datetime_format_local(t, svc->org.utc_offset, out));
}

int meeting_involves(struct svc *svc, int64_t meeting_id, int64_t person_id)
{
	return store_meeting_involves(svc->st, meeting_id, person_id) == 1;
}

int meeting_changed(struct svc *svc, struct arena *a, int64_t **ids, const char ***ats, size_t *n, struct err *err)
{
	return store_meeting_changed(svc->st, svc->org.id, a, ids, ats, n, err);
}
