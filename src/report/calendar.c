/*
 * calendar.c -- iCalendar feeds of study meetings (libical): one per group,
 * or one per person for the groups the person belongs to (see report.h).
 *
 * What strict clients (khal, Thunderbird, Outlook) need to take a change:
 * each event has a UID that stays the same across feeds and edits; SEQUENCE
 * is the meeting row's version, so it grows with every change; DTSTAMP is
 * the time the feed was generated (never a time from the record, which could
 * lie in the future or go backwards when a meeting moves); LAST-MODIFIED is
 * the time of the audit entry that last wrote the meeting, when there is one.
 * A meeting known only by its date is an all-day event (VALUE=DATE).
 * SUMMARY, LOCATION and DESCRIPTION are in English when asked for and the
 * record has English, else as recorded.
 *
 * NOT here: who may read which feed (the routes and services), the secret
 * addresses of personal feeds (service/auth.c), time zones (times are UTC).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libical/ical.h>

#include "report.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/date.h"
#include "../service/meeting.h"
#include "../core/banned.h"

static struct icaltimetype utc_at(int64_t t)
{
	return icaltime_from_timet_with_zone((time_t)t, 0, icaltimezone_get_utc_timezone());
}

static struct icaltimetype utc(const char *iso)
{
	int64_t t = 0;

	datetime_parse(iso, 0, &t);
	return utc_at(t);
}

static int64_t start_t(const struct meeting_row *m)
{
	int64_t t = 0;

	datetime_parse(m->starts_at, 0, &t);
	return t;
}

/* The local day of a stored instant, or a stored day, as an iCalendar date. */
static struct icaltimetype local_date(struct svc *svc, const char *iso_at, const char *iso_day, int plus)
{
	int32_t d = 0;
	int64_t t = 0;
	int y, m, dd;

	if (iso_day == NULL || date_parse(iso_day, &d) != 0) {
		datetime_parse(iso_at, 0, &t);
		d = datetime_local_day(t, svc->org.utc_offset);
	}
	date_to_ymd(d + plus, &y, &m, &dd);
	return (struct icaltimetype){ .year = y, .month = m, .day = dd, .is_date = 1 };
}

/* 1 when the meeting is an all-day event, with its first day and the day
 * after its last (VALUE=DATE): no clock time on record (a date, a part of
 * the day) or several days -- never an invented hour. */
static int all_day(struct svc *svc, const struct meeting_row *m, struct icaltimetype *start, struct icaltimetype *end)
{
	char dbuf[DATE_LEN];

	if (!((m->time_precision && strcmp(m->time_precision, "time") != 0) ||
	      (m->ends_on && strcmp(m->ends_on, date_format(datetime_local_day(start_t(m), svc->org.utc_offset), dbuf)) > 0)))
		return 0;
	*start = local_date(svc, m->starts_at, NULL, 0);
	*end = local_date(svc, m->starts_at, m->ends_on, 1);
	return 1;
}

static const char *pick(int en, const char *zh, const char *in_en)
{
	return en && in_en && *in_en ? in_en : zh;
}

static const char *changed_at(int64_t id, const int64_t *ids, const char **ats, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return ats[i];
	return NULL;
}

int report_calendar(struct svc *svc, const char *group_key, int64_t person_id, const char *base_url, int en,
		    struct buf *out, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct meeting_filter mf;
	struct meeting_row *rows;
	int64_t *ids;
	const char **ats;
	size_t n, nchanged;
	icalcomponent *cal;
	struct icaltimetype now = utc_at(datetime_now());
	char *text;

	memset(&mf, 0, sizeof(mf));
	mf.group_key = group_key;
	if (meeting_list(svc, &mf, &a, &rows, &n, err) != 0 || meeting_changed(svc, &a, &ids, &ats, &nchanged, err) != 0) {
		arena_release(&a);
		return -1;
	}
	cal = icalcomponent_vanew(ICAL_VCALENDAR_COMPONENT, icalproperty_new_version("2.0"),
				  icalproperty_new_prodid(en ? "-//plenum//study meetings//EN" : "-//plenum//study meetings//ZH"),
				  icalproperty_new_method(ICAL_METHOD_PUBLISH), (void *)0);
	icalcomponent_add_property(cal, icalproperty_new_x(pick(en, svc->org.name, svc->org.name_en)));
	icalproperty_set_x_name(icalcomponent_get_first_property(cal, ICAL_X_PROPERTY), "X-WR-CALNAME");
	for (size_t i = 0; i < n; i++) {
		const struct meeting_row *m = &rows[i];
		const char *summary = pick(en, m->summary, m->summary_en), *changed = changed_at(m->id, ids, ats, nchanged);
		icalcomponent *ev;
		char uid[256], url[512];
		struct icaltimetype start, end;

		if (person_id && !meeting_involves(svc, m->id, person_id))
			continue;
		if (!all_day(svc, m, &start, &end)) {
			start = utc(m->starts_at);
			end = m->ends_at ? utc(m->ends_at) : icaltime_add(start, icaldurationtype_from_int(3 * 3600));
		}
		snprintf(uid, sizeof(uid), "%s.%s@plenum", m->key, svc->org.key);
		snprintf(url, sizeof(url), "%s/#/meeting/%s", base_url ? base_url : "", m->key);
		ev = icalcomponent_vanew(ICAL_VEVENT_COMPONENT, icalproperty_new_uid(uid), icalproperty_new_dtstamp(now),
					 icalproperty_new_sequence((int)(m->version > 0 ? m->version - 1 : 0)),
					 icalproperty_new_dtstart(start), icalproperty_new_dtend(end),
					 icalproperty_new_summary(pick(en, m->title, m->title_en)),
					 icalproperty_new_status(strcmp(m->status, "cancelled") == 0 ? ICAL_STATUS_CANCELLED
								 : strcmp(m->status, "held") == 0 ? ICAL_STATUS_CONFIRMED
								 : ICAL_STATUS_TENTATIVE),
					 (void *)0);
		if (changed)
			icalcomponent_add_property(ev, icalproperty_new_lastmodified(utc(changed)));
		if (m->place)
			icalcomponent_add_property(ev, icalproperty_new_location(m->place));
		if (base_url)
			icalcomponent_add_property(ev, icalproperty_new_url(url));
		if (summary)
			icalcomponent_add_property(ev, icalproperty_new_description(summary));
		icalcomponent_add_component(cal, ev);
	}
	text = icalcomponent_as_ical_string_r(cal);
	buf_adds(out, text);
	free(text);
	icalcomponent_free(cal);
	arena_release(&a);
	return out->err ? err_set(err, ST_TOOBIG, "the calendar is too large") : 0;
}
