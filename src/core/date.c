/*
 * date.c -- calendar arithmetic (see date.h). The day-number conversion is
 * Howard Hinnant's civil-from-days algorithm, public domain arithmetic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "err.h"
#include "limits.h"
#include "banned.h"

int32_t date_from_ymd(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

void date_to_ymd(int32_t day, int *y, int *m, int *d)
{
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && is_leap(y))
		return 29;
	return dim[m - 1];
}

int date_valid_ymd(int y, int m, int d)
{
	if (y < LIM_YEAR_MIN || y > LIM_YEAR_MAX || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= date_days_in_month(y, m);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int date_parse(const char *s, int32_t *out)
{
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if (digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
		return -1;
	if (!date_valid_ymd(y, m, d))
		return -1;
	*out = date_from_ymd(y, m, d);
	return 0;
}

/* v as exactly width decimal digits at out (v < 10^width). */
static void put_digits(char *out, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10u);
		v /= 10u;
	}
}

char *date_format(int32_t day, char out[DATE_LEN])
{
	int y, m, d;

	if (day == DATE_NONE) {
		out[0] = '\0';
		return out;
	}
	date_to_ymd(day, &y, &m, &d);
	/* "%04u-%02u-%02u" by hand: lists format two dates per task */
	put_digits(out, (unsigned)y % 10000u, 4);
	out[4] = '-';
	put_digits(out + 5, (unsigned)m % 100u, 2);
	out[7] = '-';
	put_digits(out + 8, (unsigned)d % 100u, 2);
	out[10] = '\0';
	return out;
}

int32_t date_add_months(int32_t day, int n)
{
	int y, m, d, dim;

	date_to_ymd(day, &y, &m, &d);
	m = m - 1 + n;
	y += m >= 0 ? m / 12 : -((11 - m) / 12);
	m = ((m % 12) + 12) % 12 + 1;
	dim = date_days_in_month(y, m);
	return date_from_ymd(y, m, d > dim ? dim : d);
}

int date_year(int32_t day)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	return y;
}

int date_quarter(int32_t day)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	return (m - 1) / 3 + 1;
}

int32_t date_quarter_start(int year, int q)
{
	return date_from_ymd(year, (q - 1) * 3 + 1, 1);
}

int32_t date_quarter_end(int year, int q)
{
	return q == 4 ? date_from_ymd(year, 12, 31)
		      : date_quarter_start(year, q + 1) - 1;
}

int datetime_parse(const char *s, int default_offset_min, int64_t *out)
{
	int32_t day;
	char date[DATE_LEN];
	int hh, mm, ss = 0, oh, om, sign, offset = default_offset_min;
	const char *p;

	if (s == NULL || strlen(s) < 16 || (s[10] != 'T' && s[10] != ' '))
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (date_parse(date, &day) != 0)
		return -1;
	p = s + 11;
	if (digits(p, 2, &hh) || p[2] != ':' || digits(p + 3, 2, &mm))
		return -1;
	p += 5;
	if (*p == ':') {
		if (digits(p + 1, 2, &ss))
			return -1;
		p += 3;
	}
	if (hh > 23 || mm > 59 || ss > 59)
		return -1;
	if (*p == 'Z') {
		offset = 0;
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om))
			return -1;
		if (oh > 14 || om > 59)
			return -1;
		offset = sign * (oh * 60 + om);
		p += 6;
	}
	if (*p != '\0')
		return -1;
	*out = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss - (int64_t)offset * 60;
	return 0;
}

static void split_time(int64_t t, int32_t *day, int *hh, int *mm, int *ss)
{
	int64_t d = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t rem = t - d * 86400;

	*day = (int32_t)d;
	*hh = (int)(rem / 3600);
	*mm = (int)(rem % 3600 / 60);
	*ss = (int)(rem % 60);
}

char *datetime_format_utc(int64_t t, char out[DATETIME_LEN])
{
	int32_t day;
	int hh, mm, ss;
	char d[DATE_LEN];

	split_time(t, &day, &hh, &mm, &ss);
	snprintf(out, DATETIME_LEN, "%sT%02u:%02u:%02uZ", date_format(day, d), (unsigned)hh % 100u,
		 (unsigned)mm % 100u, (unsigned)ss % 100u);
	return out;
}

char *datetime_format_local(int64_t t, int offset_min, char out[DATETIME_LEN])
{
	int32_t day;
	int hh, mm, ss;
	char d[DATE_LEN];

	split_time(t + (int64_t)offset_min * 60, &day, &hh, &mm, &ss);
	snprintf(out, DATETIME_LEN, "%s %02u:%02u", date_format(day, d), (unsigned)hh % 100u,
		 (unsigned)mm % 100u);
	return out;
}

int32_t datetime_local_day(int64_t t, int offset_min)
{
	int32_t day;
	int hh, mm, ss;

	split_time(t + (int64_t)offset_min * 60, &day, &hh, &mm, &ss);
	return day;
}

int64_t datetime_now(void)
{
	return (int64_t)time(NULL);
}

int32_t date_today(int offset_min)
{
	const char *env = getenv("PLENUM_TODAY");
	int32_t day;

	if (env && *env && date_parse(env, &day) == 0)
		return day;
	return datetime_local_day(datetime_now(), offset_min);
}

int date_clock_check(int64_t now, struct err *err)
{
	int64_t lo = (int64_t)date_from_ymd(LIM_YEAR_MIN, 1, 1) * 86400;
	int64_t hi = (int64_t)date_from_ymd(LIM_YEAR_MAX + 1, 1, 1) * 86400;

	if (now >= lo && now < hi)
		return 0;
	return err_set(err, ST_FAIL, "the system clock says %s %d, outside the years plenum works with (%d to %d): "
		       "set the clock", now < lo ? "before" : "after", now < lo ? LIM_YEAR_MIN : LIM_YEAR_MAX,
		       LIM_YEAR_MIN, LIM_YEAR_MAX);
}

int date_today_check(struct err *err)
{
	const char *env = getenv("PLENUM_TODAY");
	int32_t day;

	if (env && *env && date_parse(env, &day) != 0)
		return err_field(err, ST_INVALID, "PLENUM_TODAY", "PLENUM_TODAY: \"%.40s\" is not a real date YYYY-MM-DD "
				 "between %d and %d (unset it to use the clock's date)", env, LIM_YEAR_MIN, LIM_YEAR_MAX);
	return date_clock_check(datetime_now(), err);
}
