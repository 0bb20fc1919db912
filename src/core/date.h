/*
 * date.h -- calendar dates and UTC instants, without time-zone tables.
 *
 * A date is a day number: days since 1970-01-01 (proleptic Gregorian), so
 * comparisons and differences are integer arithmetic. DATE_NONE stands for
 * "no date". An instant is seconds since the epoch, UTC. Parsing is strict
 * ISO 8601 (YYYY-MM-DD; YYYY-MM-DDTHH:MM[:SS] with Z or +HH:MM) and rejects
 * impossible dates (2026-02-29, 2026-13-01) and years outside the limits.
 * It is NOT a time-zone library: local display uses a fixed UTC offset.
 */
#ifndef PLENUM_DATE_H
#define PLENUM_DATE_H

#include <stdint.h>

#define DATE_NONE INT32_MIN
#define DATE_LEN 16              /* "YYYY-MM-DD" + NUL, with room */
#define DATETIME_LEN 32          /* "YYYY-MM-DDTHH:MM:SSZ" + NUL, with room */

int32_t date_from_ymd(int y, int m, int d);
void date_to_ymd(int32_t day, int *y, int *m, int *d);
int date_valid_ymd(int y, int m, int d);
int date_days_in_month(int y, int m);

/* Parses "YYYY-MM-DD" exactly; 0 and *out on success, -1 on any problem. */
int date_parse(const char *s, int32_t *out);
/* Writes "YYYY-MM-DD" (or "" for DATE_NONE) into out[DATE_LEN]. */
char *date_format(int32_t day, char out[DATE_LEN]);

/* The same day of the month n months later, clamped to the month's end
 * (2028-01-31 + 1 month = 2028-02-29). */
int32_t date_add_months(int32_t day, int n);
int date_year(int32_t day);
int date_quarter(int32_t day);                 /* 1..4 */
int32_t date_quarter_start(int year, int q);
int32_t date_quarter_end(int year, int q);     /* last day of the quarter */

/* Parses an ISO datetime with a zone (Z or +HH:MM); a bare date-time without
 * zone is read in the given default offset (minutes east of UTC). */
int datetime_parse(const char *s, int default_offset_min, int64_t *out);
/* "YYYY-MM-DDTHH:MM:SSZ" */
char *datetime_format_utc(int64_t t, char out[DATETIME_LEN]);
/* "YYYY-MM-DD HH:MM" in local time at the given offset. */
char *datetime_format_local(int64_t t, int offset_min, char out[DATETIME_LEN]);
int32_t datetime_local_day(int64_t t, int offset_min);

/* Today as a day number in the given offset. PLENUM_TODAY=YYYY-MM-DD in the
 * environment fixes it (tests, demos, reproducible reports). */
int32_t date_today(int offset_min);
/* Now, UTC seconds. */
int64_t datetime_now(void);

struct err;
/* 0 when PLENUM_TODAY is unset or a real date within the limits and the
 * system clock is within LIM_YEAR_MIN..LIM_YEAR_MAX; otherwise -1 with *err
 * naming PLENUM_TODAY (ST_INVALID) or the clock (ST_FAIL). Every command and
 * the server check this once at start, so date_today() never falls back
 * silently. */
int date_today_check(struct err *err);
/* The clock half of that check, for the instant now. */
int date_clock_check(int64_t now, struct err *err);

#endif
