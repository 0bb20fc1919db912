/*
 * views.h -- the JSON shapes of what the services return: a meeting record,
 * a task with its light and history, the initiative tree, compliance
 * findings. The CLI's --json output and (later) the HTTP API write these
 * same objects, so a script sees one shape wherever it asks.
 *
 * Each function returns a new jansson object the caller releases with
 * json_decref(). It does NOT read storage: give it what a service returned.
 */
#ifndef PLENUM_VIEWS_H
#define PLENUM_VIEWS_H

#include <stddef.h>
#include <jansson.h>

struct buf;
struct svc;
struct meeting_row;
struct meeting_view;
struct task_view;
struct task_history;
struct initiative_view;
struct check_result;

json_t *view_meeting_row(struct svc *svc, const struct meeting_row *m);
json_t *view_meeting(struct svc *svc, const struct meeting_view *v);
json_t *view_task(const struct task_view *t);
/* The same object as view_task(), written as compact JSON onto b, for lists
 * streamed without building a tree. Returns b's error state. */
int view_task_write(struct buf *b, const struct task_view *t);
/* view_task() with the history: transitions, extensions, the latest
 * LIM_TASK_REPORTS reports (oldest first) and reports_total. */
json_t *view_task_full(const struct task_view *t, const struct task_history *h);
struct report_row;
json_t *view_report(const struct report_row *r);
json_t *view_initiatives(const struct initiative_view *v, size_t n);
/* One of view_initiatives()'s objects written as compact JSON onto b (the
 * dashboard's roll-up: a province has a thousand initiatives). */
int view_initiative_write(struct buf *b, const struct initiative_view *v);
json_t *view_check(const struct check_result *r);

/* Writes j to stdout, indented, with a final newline, and releases it. */
int view_print(json_t *j);

#endif
