/*
 * calendar.c -- iCalendar feeds of study meetings (libical): one per group,
 * or one per person for the groups the person belongs to (see report.h).
 * Each event has a UID that stays the same across feeds and edits, and the
 * address of the meeting's record.
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

static int64_t start_t(const struct meeting_row *m)
{
	int64_t t = 0;

	datetime_parse(m->starts_at, 0, &t);
	return t;
}

static struct icaltimetype utc(const char *iso)
{
	int64_t t = 0;

	datetime_parse(iso, 0, &t);
	return icaltime_from_timet_with_zone((time_t)t, 0, icaltimezone_get_utc_timezone());
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
	return (struct icaltimetype){ .year = y, .month = m,
		.day = dd, .is_date = 1 };
}

int report_calendar(struct svc *svc, const char *group_key, int64_t person_id, const char *base_url,
		    struct buf *out, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct meeting_filter mf;
	struct meeting_row *rows;
	size_t n;
	icalcomponent *cal;
	char *text;

	memset(&mf, 0, sizeof(mf));
	mf.group_key = group_key;
	if (meeting_list(svc, &mf, &a, &rows, &n, err) != 0) {
		arena_release(&a);
		return -1;
	}
	cal = icalcomponent_vanew(ICAL_VCALENDAR_COMPONENT, icalproperty_new_version("2.0"),
				  icalproperty_new_prodid("-//plenum//study meetings//ZH"),
				  icalproperty_new_method(ICAL_METHOD_PUBLISH), (void *)0);
	icalcomponent_add_property(cal, icalproperty_new_x(svc->org.name));
	icalproperty_set_x_name(icalcomponent_get_first_property(cal, ICAL_X_PROPERTY), "X-WR-CALNAME");
	for (size_t i = 0; i < n; i++) {
		const struct meeting_row *m = &rows[i];
		icalcomponent *ev;
		char uid[256], url[512], dbuf[DATE_LEN];
		struct icaltimetype start = utc(m->starts_at), end;
		/* no clock time on record (a date, a part of the day) or several days:
		 * an all-day event, never an invented hour */
		int all_day = (m->time_precision && strcmp(m->time_precision, "time") != 0) ||
			      (m->ends_on && strcmp(m->ends_on, date_format(datetime_local_day(start_t(m), svc->org.utc_offset),
									    dbuf)) > 0);

		if (person_id && !meeting_involves(svc, m->id, person_id))
			continue;
		end = m->ends_at ? utc(m->ends_at) : icaltime_add(start, icaldurationtype_from_int(3 * 3600));
		if (all_day) {
			start = local_date(svc, m->starts_at, NULL, 0);
			end = local_date(svc, m->starts_at, m->ends_on, 1);
		}
		snprintf(uid, sizeof(uid), "%s.%s@plenum", m->key, svc->org.key);
		snprintf(url, sizeof(url), "%s/#/meeting/%s", base_url, m->key);
		ev = icalcomponent_vanew(ICAL_VEVENT_COMPONENT, icalproperty_new_uid(uid),
					 icalproperty_new_dtstamp(utc(m->starts_at)), icalproperty_new_dtstart(start),
					 icalproperty_new_dtend(end), icalproperty_new_summary(m->title),
					 icalproperty_new_url(url),
					 icalproperty_new_status(strcmp(m->status, "cancelled") == 0 ? ICAL_STATUS_CANCELLED
								 : strcmp(m->status, "held") == 0 ? ICAL_STATUS_CONFIRMED
								 : ICAL_STATUS_TENTATIVE),
					 (void *)0);
		if (m->place)
			icalcomponent_add_property(ev, icalproperty_new_location(m->place));
		icalcomponent_add_property(ev, icalproperty_new_description(m->summary ? m->summary : url));
		icalcomponent_add_component(cal, ev);
	}
	text = icalcomponent_as_ical_string_r(cal);
	buf_adds(out, text);
	free(text);
	icalcomponent_free(cal);
	arena_release(&a);
	return out->err ? err_set(err, ST_TOOBIG, "the calendar is too large") : 0;
}
