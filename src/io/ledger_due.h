/*
 * ledger_due.h -- the ledger's due cell (办结时限): a task's deadline written
 * as entered and read back to the same deadline.
 *
 * The cell holds a date ("2026-09-30"), a period ("2026年第三季度",
 * "2026年下半年", "2026年内"), "尽快" or "待定" -- what domain/deadline.c
 * prints, in the ledger's language.
 * On import the cell may be any form deadline_parse() reads, in either
 * language or as a code (2026-Q3), and becomes the task's due_kind, due_from,
 * due_on and due_precision.
 *
 * Kept apart from ledger.c, which owns the columns and the file formats and
 * calls these two functions for the one column; NOT a general deadline
 * parser (that is domain/deadline.h).
 */
#ifndef PLENUM_LEDGER_DUE_H
#define PLENUM_LEDGER_DUE_H

#include <jansson.h>

#include "../domain/deadline.h"

struct rows;
struct task_row;

/* The due cell of a task in the ledger's language (zh: Chinese), into
 * out[DEADLINE_TEXT_MAX]. Returns out. */
const char *ledger_due_cell(const struct task_row *t, int zh, char *out);

/* When the ledger has the due column: reads row's due cell (header names
 * the columns) into the record rec as the four deadline fields; an empty
 * cell or text that is no deadline is a problem reported through rw under
 * "due_on", and rec is left without them. */
void ledger_due_read(struct rows *rw, json_t *header, json_t *row, json_t *rec);

#endif
