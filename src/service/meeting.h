/*
 * meeting.h -- study meetings: lists and the whole record of one meeting
 * (materials, attendance, units, speeches, decisions and the tasks each
 * decision produced, with their lights).
 */
#ifndef PLENUM_MEETING_H
#define PLENUM_MEETING_H

#include <stddef.h>

#include "service.h"
#include "task.h"

struct meeting_view {
	struct meeting_row m;
	struct meeting_record rec;
	struct task_view *tasks;     /* every task from this meeting's decisions */
	size_t ntasks;
};

int meeting_list(struct svc *svc, const struct meeting_filter *f, struct arena *a,
		 struct meeting_row **rows, size_t *n, struct err *err);
/* The first limit planned meetings from from_at on (the dashboard's). */
int meeting_upcoming(struct svc *svc, const char *from_at, int limit, struct arena *a, struct meeting_row **rows,
		     size_t *n, struct err *err);
int meeting_show(struct svc *svc, const char *key, struct arena *a, struct meeting_view *out,
		 struct err *err);

/* 1 when the person is on the meeting's attendance or in its group. */
int meeting_involves(struct svc *svc, int64_t meeting_id, int64_t person_id);

/* When each meeting row was last written, from the audit trail: ids[i] was
 * changed at ats[i] ("YYYY-MM-DDTHH:MM:SSZ"); meetings never written on their
 * own since an import have no entry. Arrays live in a. */
int meeting_changed(struct svc *svc, struct arena *a, int64_t **ids, const char ***ats, size_t *n, struct err *err);

/* When a meeting was, exactly as precise as the record: "2026-03-18 09:00",
 * "2026-03-18 afternoon" (zh "2026-03-18下午") or "2026-03-18"; then its end
 * ("to 2026-03-20", or the same day's "to 11:30") and duration when given.
 * Never a clock time the source did not give. In arena. */
const char *meeting_when_text(struct svc *svc, const struct meeting_row *m, int en, struct arena *a);
/* meeting_when_text() in English (part of day in English). */
const char *meeting_when(struct svc *svc, const struct meeting_row *m, struct arena *a);
/* 上午/下午/晚上 or morning/afternoon/evening; NULL for an unknown part. */
const char *meeting_part_of_day(const char *part, int en);

#endif
