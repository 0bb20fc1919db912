/*
 * ledger_due.c -- the ledger's due cell (see ledger_due.h).
 */
#include <string.h>

#include "ledger_due.h"
#include "../core/date.h"
#include "rows.h"
#include "../service/task.h"
#include "../store/store.h"
#include "../core/banned.h"

const char *ledger_due_cell(const struct task_row *t, int zh, char *out)
{
	return task_due_text(t, zh, out);
}

static json_t *day_or_null(int32_t day)
{
	char s[DATE_LEN];

	return day == DATE_NONE ? json_null() : json_string(date_format(day, s));
}

/* "DDDD-DD-DD" */
static int date_shaped(const char *s)
{
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !(s[i] >= '0' && s[i] <= '9'))
			return 0;
	return s[10] == '\0';
}

void ledger_due_read(struct rows *rw, json_t *header, json_t *row, json_t *rec)
{
	struct deadline d;
	const char *cell = NULL;
	int has_column = 0;
	size_t i;
	json_t *h;

	json_array_foreach(header, i, h) {
		if (strcmp(json_string_value(h), "due_on") == 0) {
			has_column = 1;
			cell = json_string_value(json_array_get(row, i));
		}
	}
	if (!has_column)
		return;
	json_object_del(rec, "due_on");
	/* Shaped like a date but not one (2026-02-30): the date's own message
	 * from the record's check (rows.c), as for any date field. */
	if (cell && deadline_parse(cell, &d) != 0 && date_shaped(cell)) {
		json_object_set_new(rec, "due_kind", json_string("date"));
		json_object_set_new(rec, "due_on", json_string(cell));
		return;
	}
	if (cell == NULL || *cell == '\0' || deadline_parse(cell, &d) != 0) {
		rows_why(rw, cell && *cell ? "not_a_deadline" : "required", NULL, NULL, NULL, NULL);
		rows_problem(rw, "due_on", "%s%s%s: a date (2026-09-30), a period (2026年第三季度, 2026年下半年, 2026年内, "
			     "2026-Q3), 尽快 or 待定", cell && *cell ? "not a deadline: \"" : "required",
			     cell && *cell ? cell : "", cell && *cell ? "\"" : "");
		return;
	}
	json_object_set_new(rec, "due_kind", json_string(model_due_kinds[d.kind]));
	json_object_set_new(rec, "due_from", day_or_null(d.from));
	json_object_set_new(rec, "due_on", day_or_null(d.on));
	json_object_set_new(rec, "due_precision", d.precision >= 0 && d.precision < DP_COUNT
					  ? json_string(model_due_precisions[d.precision]) : json_null());
}
