/*
 * deadline.h -- a task's deadline as the source gives it: a date
 * ("2026-07-31"), a period ("2026年第三季度", "下半年", "年内": its first and
 * last day, and the precision when it is a calendar year, half, quarter or
 * month), "as soon as possible" (尽快) or not set yet (待定).
 *
 * Three things, all pure (no storage, no clock): the rule of which stored
 * fields each kind needs (the one validator of every way in calls it:
 * service/record.c), the text a report prints for a deadline in either
 * language, and the reading of that same text back (the ledger's due cell,
 * the CLI), so that what is printed is read back to the same deadline.
 *
 * It is NOT where lights are decided (light.c reads the kind and the last
 * day), and it knows nothing of JSON or SQL: callers pass the stored fields.
 */
#ifndef PLENUM_DEADLINE_H
#define PLENUM_DEADLINE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define DEADLINE_TEXT_MAX 64    /* longest text deadline_text() writes, with the NUL */

struct deadline {
	enum due_kind kind;
	int32_t from, on;           /* day numbers; DATE_NONE when absent (on: the date, or the period's last day) */
	int precision;              /* enum due_precision, or -1 (a date, or a period that is not a calendar one) */
};

/* The deadline of a task's stored fields (strings as stored, NULL when
 * absent); an unknown or missing kind is a date. Never fails: a field that
 * does not parse is DATE_NONE / -1, which deadline_check() refuses. */
void deadline_from_fields(struct deadline *d, const char *kind, const char *from, const char *on,
			  const char *precision);

/* Which fields the kind needs: a date needs due_on and nothing else; a period
 * due_from and due_on, its end not before its start, and -- with a precision
 * -- exactly that calendar year, half, quarter or month; asap and unset no
 * date at all. 0 when it holds; else -1, *field names the field to correct
 * and msg (size bytes) says why, naming the value. */
int deadline_check(const struct deadline *d, const char **field, char *msg, size_t size);

/* The period of a precision: year 2026, index 1..2 (half), 1..4 (quarter),
 * 1..12 (month); ignored for a year. -1 when out of range. */
int deadline_period(struct deadline *d, int year, int precision, int index);

/* The deadline as a report prints it, into out[DEADLINE_TEXT_MAX]:
 *   date    2026-07-31                     both languages
 *   period  2026年第三季度 / Q3 2026; 2026年下半年 / H2 2026; 2026年内 / in 2026;
 *           2026年7月 / 2026-07; other spans 2026-07-01至2026-09-30 / 2026-07-01 to 2026-09-30
 *   asap    尽快 / as soon as possible
 *   unset   待定 / not set yet
 * Returns out. */
char *deadline_text(const struct deadline *d, int zh, char *out);

/* Reads a deadline back from text: every form deadline_text() writes in
 * either language, and the short codes 2026-Q3, 2026-H2, 2026, 2026-07,
 * "asap" and "unset". 0 on success; -1 when the text is none of them. */
int deadline_parse(const char *text, struct deadline *d);

#endif
