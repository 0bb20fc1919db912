/*
 * deadline.c -- a task's deadline: its rule, its text, its reading back
 * (see deadline.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "deadline.h"
#include "../core/date.h"
#include "../core/banned.h"

static const char *const zh_quarters[] = { "一", "二", "三", "四" };
static const char *const en_months[] = {
	"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
	"November", "December",
};

static int32_t day_or_none(const char *s)
{
	int32_t d;

	return s && date_parse(s, &d) == 0 ? d : DATE_NONE;
}

static int index_of(const char *const *list, const char *s)
{
	for (int i = 0; s && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

void deadline_from_fields(struct deadline *d, const char *kind, const char *from, const char *on,
			  const char *precision)
{
	int k = index_of(model_due_kinds, kind);

	d->kind = k < 0 ? DK_DATE : (enum due_kind)k;
	d->from = day_or_none(from);
	d->on = day_or_none(on);
	d->precision = index_of(model_due_precisions, precision);
	/* A precision given but not known is kept as "given": check refuses it. */
	if (precision && d->precision < 0)
		d->precision = DP_COUNT;
}

int deadline_period(struct deadline *d, int year, int precision, int index)
{
	int32_t from, on;

	switch (precision) {
	case DP_YEAR:
		from = date_from_ymd(year, 1, 1);
		on = date_from_ymd(year, 12, 31);
		break;
	case DP_HALF:
		if (index < 1 || index > 2)
			return -1;
		from = date_from_ymd(year, index == 1 ? 1 : 7, 1);
		on = date_from_ymd(year, index == 1 ? 6 : 12, index == 1 ? 30 : 31);
		break;
	case DP_QUARTER:
		if (index < 1 || index > 4)
			return -1;
		from = date_quarter_start(year, index);
		on = date_quarter_end(year, index);
		break;
	case DP_MONTH:
		if (index < 1 || index > 12)
			return -1;
		from = date_from_ymd(year, index, 1);
		on = date_from_ymd(year, index, date_days_in_month(year, index));
		break;
	default:
		return -1;
	}
	if (!date_valid_ymd(year, 1, 1))
		return -1;
	d->kind = DK_PERIOD;
	d->from = from;
	d->on = on;
	d->precision = precision;
	return 0;
}

/* The index (1-based) of a calendar period of this precision that is
 * exactly [from, on], or 0 when it is none. */
static int calendar_index(int32_t from, int32_t on, int precision)
{
	struct deadline p;
	int y, m, dd;

	date_to_ymd(from, &y, &m, &dd);
	for (int i = 1; i <= 12; i++)
		if (deadline_period(&p, y, precision, i) == 0 && p.from == from && p.on == on)
			return i;
	return 0;
}

int deadline_check(const struct deadline *d, const char **field, char *msg, size_t size)
{
	char a[DATE_LEN], b[DATE_LEN];
	const char *kind = model_due_kinds[d->kind];

	switch (d->kind) {
	case DK_DATE:
		if (d->on == DATE_NONE) {
			*field = "due_on";
			snprintf(msg, size, "due_on: required when due_kind is \"date\" (or give due_kind \"period\", "
				 "\"asap\" or \"unset\")");
			return -1;
		}
		if (d->from != DATE_NONE || d->precision >= 0) {
			*field = d->from != DATE_NONE ? "due_from" : "due_precision";
			snprintf(msg, size, "%s: only a period has it; a deadline of kind \"date\" is due_on alone", *field);
			return -1;
		}
		return 0;
	case DK_PERIOD:
		if (d->from == DATE_NONE || d->on == DATE_NONE) {
			*field = d->from == DATE_NONE ? "due_from" : "due_on";
			snprintf(msg, size, "%s: required when due_kind is \"period\" (its first day due_from, its last "
				 "day due_on)", *field);
			return -1;
		}
		if (d->on < d->from) {
			*field = "due_on";
			snprintf(msg, size, "due_on: the period's end %s is before its start due_from %s",
				 date_format(d->on, a), date_format(d->from, b));
			return -1;
		}
		if (d->precision >= DP_COUNT || (d->precision >= 0 && !calendar_index(d->from, d->on, d->precision))) {
			*field = "due_precision";
			if (d->precision >= DP_COUNT)
				snprintf(msg, size, "due_precision: not one of year, half, quarter, month");
			else
				snprintf(msg, size, "due_precision: %s .. %s is not one calendar %s (give its first and "
					 "last day, or leave due_precision out for another span)", date_format(d->from, a),
					 date_format(d->on, b), model_due_precisions[d->precision]);
			return -1;
		}
		return 0;
	case DK_ASAP:
	case DK_UNSET:
	default:
		if (d->on != DATE_NONE || d->from != DATE_NONE || d->precision >= 0) {
			*field = d->on != DATE_NONE ? "due_on" : d->from != DATE_NONE ? "due_from" : "due_precision";
			snprintf(msg, size, "%s: a deadline of kind \"%s\" has no date; leave %s out (null)", *field,
				 kind, *field);
			return -1;
		}
		return 0;
	}
}

char *deadline_text(const struct deadline *d, int zh, char *out)
{
	char a[DATE_LEN], b[DATE_LEN];
	int y = 0, m = 0, dd = 0, i;

	out[0] = '\0';
	switch (d->kind) {
	case DK_ASAP:
		snprintf(out, DEADLINE_TEXT_MAX, "%s", zh ? "尽快" : "as soon as possible");
		return out;
	case DK_UNSET:
		snprintf(out, DEADLINE_TEXT_MAX, "%s", zh ? "待定" : "not set yet");
		return out;
	case DK_DATE:
		if (d->on != DATE_NONE)
			date_format(d->on, out);
		return out;
	case DK_PERIOD:
	default:
		break;
	}
	if (d->from == DATE_NONE || d->on == DATE_NONE)
		return out;
	date_to_ymd(d->from, &y, &m, &dd);
	i = d->precision >= 0 && d->precision < DP_COUNT ? calendar_index(d->from, d->on, d->precision) : 0;
	switch (i ? d->precision : -1) {
	case DP_YEAR:
		snprintf(out, DEADLINE_TEXT_MAX, zh ? "%d年内" : "in %d", y);
		break;
	case DP_HALF:
		if (zh)
			snprintf(out, DEADLINE_TEXT_MAX, "%d年%s半年", y, i == 1 ? "上" : "下");
		else
			snprintf(out, DEADLINE_TEXT_MAX, "H%d %d", i, y);
		break;
	case DP_QUARTER:
		if (zh)
			snprintf(out, DEADLINE_TEXT_MAX, "%d年第%s季度", y, zh_quarters[i - 1]);
		else
			snprintf(out, DEADLINE_TEXT_MAX, "Q%d %d", i, y);
		break;
	case DP_MONTH:
		if (zh)
			snprintf(out, DEADLINE_TEXT_MAX, "%d年%d月", y, i);
		else
			snprintf(out, DEADLINE_TEXT_MAX, "%s %d", en_months[i - 1], y);
		break;
	default:
		snprintf(out, DEADLINE_TEXT_MAX, zh ? "%s至%s" : "%s to %s", date_format(d->from, a),
			 date_format(d->on, b));
		break;
	}
	return out;
}

/* ---- reading text back ---- */

/* Reads 1..max decimal digits at *s into *v, advancing *s. */
static int digits(const char **s, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (n < max && **s >= '0' && **s <= '9') {
		*v = *v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	return n;
}

/* A year of exactly four digits at *s. */
static int year4(const char **s, int *y)
{
	const char *p = *s;

	if (digits(&p, 4, y) != 4 || (*p >= '0' && *p <= '9'))
		return -1;
	*s = p;
	return 0;
}

static int skip(const char **s, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*s, word, n) != 0)
		return 0;
	*s += n;
	return 1;
}

/* "2026年" followed by 内 / 底前 / 全年 / nothing, 第三季度 / 三季度 / 第3季度,
 * 上半年 / 下半年, 7月 / 07月 (底前). */
static int parse_zh(const char *s, struct deadline *d)
{
	int y, n;

	if (year4(&s, &y) != 0 || !skip(&s, "年"))
		return -1;
	if (*s == '\0' || strcmp(s, "内") == 0 || strcmp(s, "底前") == 0 || strcmp(s, "全年") == 0)
		return deadline_period(d, y, DP_YEAR, 1);
	if (skip(&s, "上半年"))
		return *s ? -1 : deadline_period(d, y, DP_HALF, 1);
	if (skip(&s, "下半年"))
		return *s ? -1 : deadline_period(d, y, DP_HALF, 2);
	skip(&s, "第");
	n = 0;
	for (int i = 0; i < 4 && !n; i++)
		if (skip(&s, zh_quarters[i]))
			n = i + 1;
	if (n == 0 && digits(&s, 2, &n) == 0)
		return -1;
	if (skip(&s, "季度"))
		return *s ? -1 : deadline_period(d, y, DP_QUARTER, n);
	if (skip(&s, "月")) {
		skip(&s, "底前");
		return *s ? -1 : deadline_period(d, y, DP_MONTH, n);
	}
	return -1;
}

/* 2026-Q3, 2026-H2, 2026, 2026-07; Q3 2026, H2 2026, in 2026, July 2026. */
static int parse_code(const char *s, struct deadline *d)
{
	int y, n;

	if ((s[0] == 'Q' || s[0] == 'H') && s[1] >= '1' && s[1] <= '4' && s[2] == ' ') {
		const char *p = s + 3;

		return year4(&p, &y) != 0 || *p ? -1 : deadline_period(d, y, s[0] == 'Q' ? DP_QUARTER : DP_HALF, s[1] - '0');
	}
	if (strncasecmp(s, "in ", 3) == 0) {
		const char *p = s + 3;

		return year4(&p, &y) != 0 || *p ? -1 : deadline_period(d, y, DP_YEAR, 1);
	}
	for (int m = 0; m < 12; m++) {
		size_t len = strlen(en_months[m]);
		const char *p = s + len + 1;

		if (strncasecmp(s, en_months[m], len) == 0 && s[len] == ' ')
			return year4(&p, &y) != 0 || *p ? -1 : deadline_period(d, y, DP_MONTH, m + 1);
	}
	if (year4(&s, &y) != 0)
		return -1;
	if (*s == '\0')
		return deadline_period(d, y, DP_YEAR, 1);
	if (*s++ != '-')
		return -1;
	if ((s[0] == 'Q' || s[0] == 'H') && s[1] >= '1' && s[1] <= '4' && s[2] == '\0')
		return deadline_period(d, y, s[0] == 'Q' ? DP_QUARTER : DP_HALF, s[1] - '0');
	if (digits(&s, 2, &n) != 2 || *s)
		return -1;
	return deadline_period(d, y, DP_MONTH, n);
}

/* "2026-07-01至2026-09-30", "2026-07-01 to 2026-09-30". */
static int parse_span(const char *s, struct deadline *d)
{
	char a[DATE_LEN], b[DATE_LEN];
	const char *sep = strstr(s, "至"), *rest;
	size_t n;

	if (sep)
		rest = sep + strlen("至");
	else if ((sep = strstr(s, " to ")) != NULL)
		rest = sep + 4;
	else
		return -1;
	n = (size_t)(sep - s);
	if (n >= sizeof(a) || strlen(rest) >= sizeof(b))
		return -1;
	memcpy(a, s, n);
	a[n] = '\0';
	snprintf(b, sizeof(b), "%s", rest);
	if (date_parse(a, &d->from) != 0 || date_parse(b, &d->on) != 0 || d->on < d->from)
		return -1;
	d->kind = DK_PERIOD;
	d->precision = -1;
	return 0;
}

int deadline_parse(const char *text, struct deadline *d)
{
	char s[DEADLINE_TEXT_MAX];
	size_t n;
	const char *p = text;

	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
		n--;
	if (n == 0 || n >= sizeof(s))
		return -1;
	memcpy(s, p, n);
	s[n] = '\0';
	d->from = d->on = DATE_NONE;
	d->precision = -1;
	if (strcmp(s, "尽快") == 0 || strcasecmp(s, "asap") == 0 || strcasecmp(s, "as soon as possible") == 0) {
		d->kind = DK_ASAP;
		return 0;
	}
	if (strcmp(s, "待定") == 0 || strcasecmp(s, "unset") == 0 || strcasecmp(s, "not set yet") == 0) {
		d->kind = DK_UNSET;
		return 0;
	}
	if (date_parse(s, &d->on) == 0) {
		d->kind = DK_DATE;
		return 0;
	}
	d->on = DATE_NONE;
	if (parse_zh(s, d) == 0 || parse_code(s, d) == 0 || parse_span(s, d) == 0)
		return 0;
	d->kind = DK_DATE;
	d->from = d->on = DATE_NONE;
	d->precision = -1;
	return -1;
}
