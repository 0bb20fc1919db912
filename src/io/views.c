/*
 * views.c -- JSON shapes of service results (see views.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"
#include "../core/buf.h"
#include "../core/limits.h"
#include "../domain/deadline.h"
#include "../domain/model.h"
#include "../service/check.h"
#include "../service/initiative.h"
#include "../service/meeting.h"
#include "../service/task.h"
#include "../core/banned.h"

/* Sets name to s when s is not NULL (absent fields stay absent). */
static void set_s(json_t *o, const char *name, const char *s)
{
	if (s)
		json_object_set_new(o, name, json_string(s));
}

static void set_list(json_t *o, const char *name, const char *json_text)
{
	json_t *v;

	if (json_text == NULL)
		return;
	v = json_loads(json_text, 0, NULL);
	if (v)
		json_object_set_new(o, name, v);
}

json_t *view_meeting_row(struct svc *svc, const struct meeting_row *m)
{
	json_t *o = json_object();
	struct arena a = ARENA_INIT;

	set_s(o, "key", m->key);
	set_s(o, "title", m->title);
	set_s(o, "title_en", m->title_en);
	set_s(o, "kind", m->kind);
	set_s(o, "status", m->status);
	set_s(o, "starts_at", m->starts_at);
	set_s(o, "local_time", meeting_when_text(svc, m, 1, &a));
	set_s(o, "local_time_zh", meeting_when_text(svc, m, 0, &a));
	set_s(o, "time_precision", m->time_precision);
	set_s(o, "part_of_day", m->part_of_day);
	set_s(o, "ends_on", m->ends_on);
	if (m->duration_days)
		json_object_set_new(o, "duration_days", json_real(strtod(m->duration_days, NULL)));
	if (m->ordinal)
		json_object_set_new(o, "ordinal", json_integer(m->ordinal));
	set_s(o, "ends_at", m->ends_at);
	set_s(o, "place", m->place);
	set_s(o, "group", m->group_key);
	set_s(o, "group_name", m->group_name);
	set_s(o, "group_name_en", m->group_name_en);
	set_s(o, "chair", m->chair_key);
	set_s(o, "chair_name", m->chair_name);
	set_s(o, "chair_name_en", m->chair_name_en);
	set_s(o, "chair_title", m->chair_title);
	set_s(o, "chair_title_en", m->chair_title_en);
	set_s(o, "recorder_name", m->recorder_name);
	set_s(o, "topic", m->topic_key);
	set_s(o, "topic_title", m->topic_title);
	set_s(o, "summary", m->summary);
	set_s(o, "summary_en", m->summary_en);
	set_s(o, "minutes", m->minutes);
	set_list(o, "inferred", m->inferred);
	set_s(o, "source_title", m->source_title);
	set_s(o, "source_url", m->source_url);
	set_s(o, "outlet", m->outlet);
	set_list(o, "reporters", m->reporters);
	set_s(o, "published_on", m->published_on);
	set_s(o, "source_extent", m->source_extent);
	set_list(o, "illustrative", m->illustrative && strcmp(m->illustrative, "*") ? m->illustrative : NULL);
	if (m->illustrative && strcmp(m->illustrative, "*") == 0)
		json_object_set_new(o, "illustrative", json_true());
	json_object_set_new(o, "attendance_count", json_integer(m->n_attendance));
	json_object_set_new(o, "present_count", json_integer(m->n_present));
	json_object_set_new(o, "speech_count", json_integer(m->n_speeches));
	json_object_set_new(o, "decision_count", json_integer(m->n_decisions));
	arena_release(&a);
	return o;
}

/* The writer behind view_task_write(): members of one object, a comma before
 * every one but the first. Absent (NULL) strings are left out, as in set_s(). */
struct jw {
	struct buf *b;
	int n;
};

/* name is "\"key\":" with its length, built at compile time by the macros
 * below: a list writes thousands of keys. */
static void jw_key(struct jw *w, const char *name, size_t n)
{
	if (w->n++)
		buf_addc(w->b, ',');
	buf_add(w->b, name, n);
}

#define JW_NAME(lit) "\"" lit "\":", sizeof("\"" lit "\":") - 1

/* The separator and the key at p; returns the end. */
static char *jw_key_at(struct jw *w, char *p, const char *name, size_t n)
{
	if (w->n++)
		*p++ = ',';
	memcpy(p, name, n);
	return p + n;
}

/* s with JSON string escaping at p (6 bytes at most per byte of s, as
 * buf_add_json_escaped() writes it); returns the end. */
static char *json_escaped_at(char *p, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	size_t i = 0;

	/* Eight bytes at a time while none needs escaping (a byte below 0x20,
	 * a quote or a backslash): almost all text. The classic exact tests
	 * "has a byte below n" and "has a zero byte" (on x ^ '"', x ^ '\\');
	 * UTF-8 bytes (>= 0x80) never count as below 0x20. */
	while (i < n) {
		unsigned char c;

		if (i + 8 <= n) {
			uint64_t x, q, b;

			memcpy(&x, s + i, 8);
			q = x ^ (ones * '"');
			b = x ^ (ones * '\\');
			if (!(((x - ones * 0x20) & ~x & highs) | ((q - ones) & ~q & highs) | ((b - ones) & ~b & highs))) {
				memcpy(p, s + i, 8);
				p += 8;
				i += 8;
				continue;
			}
		}
		c = (unsigned char)s[i++];
		if (c >= 0x20 && c != '"' && c != '\\') {
			*p++ = (char)c;
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '"': *p++ = '"'; break;
		case '\\': *p++ = '\\'; break;
		case '\n': *p++ = 'n'; break;
		case '\r': *p++ = 'r'; break;
		case '\t': *p++ = 't'; break;
		default:
			*p++ = 'u';
			*p++ = '0';
			*p++ = '0';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
			break;
		}
	}
	return p;
}

/* Each field is written into room made once for its worst case (one
 * append per field instead of one per piece: a page of 100 tasks writes
 * ~3,000 fields); near the buf's cap it appends piece by piece, which sets
 * the buf's error if the field really does not fit. */
static void jw_s(struct jw *w, const char *name, size_t n, const char *s)
{
	size_t len;
	char *p, *start;

	if (s == NULL)
		return;
	len = strlen(s);
	start = len < (size_t)-1 / 8 ? buf_space(w->b, 1 + n + 2 + 6 * len) : NULL;
	if (start == NULL) {
		jw_key(w, name, n);
		buf_addc(w->b, '"');
		buf_add_json_escaped(w->b, s);
		buf_addc(w->b, '"');
		return;
	}
	p = jw_key_at(w, start, name, n);
	*p++ = '"';
	p = json_escaped_at(p, s, len);
	*p++ = '"';
	buf_advance(w->b, (size_t)(p - start));
}

static void jw_i(struct jw *w, const char *name, size_t n, long long v)
{
	char digits[24], *d = digits + sizeof(digits);
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	size_t k;
	char *p, *start;

	do {
		*--d = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--d = '-';
	k = (size_t)(digits + sizeof(digits) - d);
	start = buf_space(w->b, 1 + n + k);
	if (start == NULL) {
		jw_key(w, name, n);
		buf_add(w->b, d, k);
		return;
	}
	p = jw_key_at(w, start, name, n);
	memcpy(p, d, k);
	buf_advance(w->b, (size_t)(p + k - start));
}

int view_task_write(struct buf *b, const struct task_view *t)
{
	const struct task_row *r = &t->row;
	struct jw o = { b, 0 }, light = { b, 0 };

	buf_addc(b, '{');
	jw_s(&o, JW_NAME("key"), r->key);
	jw_s(&o, JW_NAME("code"), r->code);
	jw_s(&o, JW_NAME("title"), r->title);
	jw_s(&o, JW_NAME("title_en"), r->title_en);
	jw_s(&o, JW_NAME("state"), r->state);
	jw_i(&o, JW_NAME("version"), r->version);
	jw_s(&o, JW_NAME("initiative"), r->initiative_key);
	jw_s(&o, JW_NAME("initiative_title"), r->initiative_title);
	jw_s(&o, JW_NAME("decision"), r->decision_key);
	jw_s(&o, JW_NAME("meeting"), r->meeting_key);
	jw_s(&o, JW_NAME("meeting_title"), r->meeting_title);
	jw_s(&o, JW_NAME("speech"), r->speech_key);
	jw_s(&o, JW_NAME("speaker_name"), r->speaker_name);
	jw_s(&o, JW_NAME("lead_unit"), r->lead_unit_key);
	jw_s(&o, JW_NAME("lead_unit_name"), r->lead_unit_name);
	jw_s(&o, JW_NAME("lead_unit_name_en"), r->lead_unit_name_en);
	jw_s(&o, JW_NAME("supporting_units"), r->supporting);
	jw_s(&o, JW_NAME("supporting_units_en"), r->supporting_en);
	jw_s(&o, JW_NAME("responsible_name"), r->responsible_name);
	jw_s(&o, JW_NAME("starts_on"), r->starts_on);
	jw_s(&o, JW_NAME("due_on"), r->due_on);
	jw_s(&o, JW_NAME("due_kind"), r->due_kind);
	jw_s(&o, JW_NAME("due_from"), r->due_from);
	jw_s(&o, JW_NAME("due_precision"), r->due_precision);
	if (r->due_kind) {
		char text[DEADLINE_TEXT_MAX];
		struct deadline d;

		deadline_from_fields(&d, r->due_kind, r->due_from, r->due_on, r->due_precision);
		jw_s(&o, JW_NAME("due_text"), deadline_text(&d, 1, text));
		jw_s(&o, JW_NAME("due_text_en"), deadline_text(&d, 0, text));
	}
	jw_s(&o, JW_NAME("cadence"), r->cadence);
	jw_i(&o, JW_NAME("percent"), r->has_report ? r->percent : 0);
	jw_s(&o, JW_NAME("last_report_on"), r->last_report_on);
	jw_s(&o, JW_NAME("source_title"), r->source_title);
	jw_s(&o, JW_NAME("source_url"), r->source_url);
	jw_s(&o, JW_NAME("outlet"), r->outlet);
	if (r->reporters) {       /* a JSON list as stored (io/rows.c wrote it) */
		jw_key(&o, JW_NAME("reporters"));
		buf_adds(b, r->reporters);
	}
	jw_s(&o, JW_NAME("published_on"), r->published_on);
	if (r->inferred) {        /* a JSON list as stored */
		jw_key(&o, JW_NAME("inferred"));
		buf_adds(b, r->inferred);
	}
	jw_s(&o, JW_NAME("source_extent"), r->source_extent);
	jw_key(&o, JW_NAME("light"));
	buf_addc(b, '{');
	jw_s(&light, JW_NAME("color"), light_name(t->light.light));
	jw_s(&light, JW_NAME("reason"), light_reason_text(t->light.reason, 0));
	jw_s(&light, JW_NAME("reason_code"), light_reason_name(t->light.reason));
	if (t->light.expected >= 0)      /* none without a due date (asap, unset) */
		jw_i(&light, JW_NAME("expected_percent"), t->light.expected);
	jw_i(&light, JW_NAME("days_overdue"), t->light.days_overdue);
	buf_adds(b, "}}");
	return b->err;
}

/* One shape for a task, written once: the jansson form is the written text
 * read back, so a list streamed with view_task_write() and a record built
 * here cannot drift apart. */
json_t *view_task(const struct task_view *t)
{
	struct buf b = BUF_INIT(LIM_VIEW_TASK);
	json_t *o = NULL;

	if (view_task_write(&b, t) == 0)
		o = json_loadb(buf_str(&b), buf_len(&b), 0, NULL);
	buf_release(&b);
	return o ? o : json_object();
}

json_t *view_task_full(const struct task_view *t, const struct task_history *h)
{
	json_t *o = view_task(t), *tr = json_array(), *ex = json_array(), *rp = json_array();

	for (size_t i = 0; i < h->ntransitions; i++) {
		const struct transition_row *x = &h->transitions[i];
		json_t *j = json_object();

		set_s(j, "action", x->action);
		set_s(j, "from_state", x->from_state);
		set_s(j, "to_state", x->to_state);
		set_s(j, "at", x->at);
		set_s(j, "actor", x->actor);
		set_s(j, "note", x->note);
		json_array_append_new(tr, j);
	}
	for (size_t i = 0; i < h->nextensions; i++) {
		const struct extension_row *x = &h->extensions[i];
		json_t *j = json_object();

		set_s(j, "requested_at", x->requested_at);
		set_s(j, "requested_by", x->requested_by);
		set_s(j, "old_due_on", x->old_due_on);
		set_s(j, "new_due_on", x->new_due_on);
		set_s(j, "reason", x->reason);
		set_s(j, "status", x->status);
		set_s(j, "decided_at", x->decided_at);
		set_s(j, "decided_by", x->decided_by);
		set_s(j, "decision_note", x->decision_note);
		json_array_append_new(ex, j);
	}
	for (size_t i = 0; i < h->nreports; i++)
		json_array_append_new(rp, view_report(&h->reports[i]));
	json_object_set_new(o, "transitions", tr);
	json_object_set_new(o, "extensions", ex);
	json_object_set_new(o, "reports", rp);
	json_object_set_new(o, "reports_total", json_integer(h->reports_total));
	return o;
}

json_t *view_report(const struct report_row *x)
{
	json_t *j = json_object();

	set_s(j, "reported_on", x->reported_on);
	json_object_set_new(j, "percent", json_integer(x->percent));
	set_s(j, "done", x->done);
	set_s(j, "problems", x->problems);
	set_s(j, "next_steps", x->next_steps);
	set_s(j, "reporter", x->reporter_key);
	set_s(j, "reporter_name", x->reporter_name);
	set_s(j, "filed_by", x->filed_by);
	set_s(j, "period_from", x->period_from);
	set_s(j, "period_to", x->period_to);
	return j;
}

json_t *view_meeting(struct svc *svc, const struct meeting_view *v)
{
	json_t *o = view_meeting_row(svc, &v->m);
	json_t *mat = json_array(), *att = json_array(), *units = json_array();
	json_t *sp = json_array(), *dec = json_array();
	const struct meeting_record *r = &v->rec;

	for (size_t i = 0; i < r->nmaterials; i++) {
		json_t *j = json_object();

		set_s(j, "kind", r->materials[i].kind);
		set_s(j, "title", r->materials[i].title);
		set_s(j, "title_en", r->materials[i].title_en);
		set_s(j, "source", r->materials[i].source);
		set_s(j, "note", r->materials[i].note);
		json_array_append_new(mat, j);
	}
	for (size_t i = 0; i < r->nattendance; i++) {
		const struct attendance_row *x = &r->attendance[i];
		json_t *j = json_object();

		set_s(j, "person", x->person_key);
		set_s(j, "name", x->name);
		set_s(j, "name_en", x->name_en);
		set_s(j, "title", x->title);
		set_s(j, "title_en", x->title_en);
		set_s(j, "unit_name", x->unit_name);
		set_s(j, "capacity", x->capacity);
		set_s(j, "status", x->status);
		set_s(j, "leave_reason", x->leave_reason);
		set_s(j, "leave_approver_name", x->approver_name);
		set_s(j, "makeup_due", x->makeup_due);
		set_s(j, "makeup_done", x->makeup_done);
		set_s(j, "makeup_note", x->makeup_note);
		set_s(j, "note", x->note);
		set_list(j, "inferred", x->inferred);
		json_array_append_new(att, j);
	}
	for (size_t i = 0; i < r->nunits; i++) {
		const struct meeting_unit_row *x = &r->units[i];
		json_t *j = json_object();

		set_s(j, "unit", x->unit_key);
		set_s(j, "unit_name", x->unit_name);
		set_s(j, "unit_name_en", x->unit_name_en);
		set_s(j, "description", x->description);
		set_s(j, "description_en", x->description_en);
		set_s(j, "represented_by", x->represented_by);
		set_s(j, "represented_by_en", x->represented_by_en);
		set_s(j, "capacity", x->capacity);
		set_s(j, "group", x->group_key);
		set_s(j, "group_name", x->group_name);
		set_s(j, "group_name_en", x->group_name_en);
		if (x->all_members)
			json_object_set_new(j, "all_members", json_true());
		if (x->count)
			json_object_set_new(j, "count", json_integer(x->count));
		set_list(j, "inferred", x->inferred);
		json_array_append_new(units, j);
	}
	for (size_t i = 0; i < r->nspeeches; i++) {
		const struct speech_row *x = &r->speeches[i];
		json_t *j = json_object();

		set_s(j, "key", x->key);
		json_object_set_new(j, "seq", json_integer(x->seq));
		set_s(j, "kind", x->kind);
		set_s(j, "speaker", x->speaker_key);
		set_s(j, "speaker_name", x->speaker_name);
		set_s(j, "speaker_name_en", x->speaker_name_en);
		set_s(j, "speaker_title", x->speaker_title);
		set_s(j, "speaker_title_en", x->speaker_title_en);
		set_s(j, "speaker_unit", x->speaker_unit_key);
		set_s(j, "speaker_unit_name", x->speaker_unit_name);
		set_s(j, "speaker_unit_name_en", x->speaker_unit_name_en);
		set_s(j, "speaker_category", x->speaker_category);
		set_s(j, "speaker_category_en", x->speaker_category_en);
		if (x->unattributed)
			json_object_set_new(j, "unattributed", json_true());
		set_list(j, "inferred", x->inferred);
		set_s(j, "title", x->title);
		set_s(j, "title_en", x->title_en);
		set_list(j, "key_points", x->key_points);
		set_list(j, "key_points_en", x->key_points_en);
		set_s(j, "text", x->text);
		json_array_append_new(sp, j);
	}
	for (size_t i = 0; i < r->ndecisions; i++) {
		const struct decision_row *x = &r->decisions[i];
		json_t *j = json_object(), *tasks = json_array();

		set_s(j, "key", x->key);
		json_object_set_new(j, "number", json_integer(x->number));
		set_s(j, "text", x->text);
		set_s(j, "text_en", x->text_en);
		if (x->speech_key)
			set_s(j, "speech", x->speech_key);
		else
			json_object_set_new(j, "speech", json_null());
		set_s(j, "kind", x->kind);
		set_s(j, "body", x->body_key);
		set_s(j, "body_name", x->body_name);
		set_s(j, "body_name_en", x->body_name_en);
		set_list(j, "inferred", x->inferred);
		for (size_t k = 0; k < v->ntasks; k++)
			if (v->tasks[k].row.decision_key && strcmp(v->tasks[k].row.decision_key, x->key) == 0)
				json_array_append_new(tasks, view_task(&v->tasks[k]));
		json_object_set_new(j, "tasks", tasks);
		json_array_append_new(dec, j);
	}
	json_object_set_new(o, "materials", mat);
	json_object_set_new(o, "attendance", att);
	json_object_set_new(o, "units", units);
	json_object_set_new(o, "speeches", sp);
	json_object_set_new(o, "decisions", dec);
	{
		json_t *hosts = json_array(), *sessions = json_array();

		for (size_t i = 0; i < r->nhosts; i++) {
			const struct host_row *x = &r->hosts[i];
			json_t *j = json_object();

			set_s(j, "group", x->group_key);
			set_s(j, "group_name", x->group_name);
			set_s(j, "group_name_en", x->group_name_en);
			set_s(j, "unit", x->unit_key);
			set_s(j, "unit_name", x->unit_name);
			set_s(j, "unit_name_en", x->unit_name_en);
			set_s(j, "description", x->description);
			set_s(j, "description_en", x->description_en);
			set_s(j, "chair", x->chair_key);
			set_s(j, "chair_name", x->chair_name);
			set_s(j, "chair_name_en", x->chair_name_en);
			set_s(j, "chair_title", x->chair_title);
			set_s(j, "chair_title_en", x->chair_title_en);
			set_list(j, "inferred", x->inferred);
			json_array_append_new(hosts, j);
		}
		for (size_t i = 0; i < r->nsessions; i++) {
			const struct session_row *x = &r->sessions[i];
			json_t *j = json_object();

			json_object_set_new(j, "seq", json_integer(x->seq));
			set_s(j, "title", x->title);
			set_s(j, "title_en", x->title_en);
			set_s(j, "held_on", x->held_on);
			set_s(j, "part_of_day", x->part_of_day);
			set_s(j, "chair", x->chair_key);
			set_s(j, "chair_name", x->chair_name);
			set_s(j, "chair_name_en", x->chair_name_en);
			set_s(j, "chair_title", x->chair_title);
			set_s(j, "chair_title_en", x->chair_title_en);
			set_list(j, "inferred", x->inferred);
			json_array_append_new(sessions, j);
		}
		json_object_set_new(o, "hosts", hosts);
		json_object_set_new(o, "sessions", sessions);
	}
	{
		json_t *fb = json_array();

		for (size_t i = 0; i < r->nfeedback; i++) {
			json_t *j = json_object();

			set_s(j, "written_on", r->feedback[i].written_on);
			set_s(j, "text", r->feedback[i].text);
			set_s(j, "filed_by", r->feedback[i].filed_by);
			set_s(j, "author_name", r->feedback[i].author_name);
			set_s(j, "author_name_en", r->feedback[i].author_name_en);
			json_array_append_new(fb, j);
		}
		json_object_set_new(o, "feedback", fb);
	}
	return o;
}

json_t *view_initiatives(const struct initiative_view *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *j = json_object(), *counts = json_object();

		set_s(j, "key", v[i].row.key);
		set_s(j, "code", v[i].row.code);
		set_s(j, "title", v[i].row.title);
		set_s(j, "title_en", v[i].row.title_en);
		set_s(j, "lead_unit_name", v[i].row.lead_unit_name);
		json_object_set_new(j, "depth", json_integer(v[i].depth));
		json_object_set_new(j, "weight", json_real(v[i].row.weight));
		if (v[i].roll.progress >= 0)
			json_object_set_new(j, "progress", json_real((double)(int)(v[i].roll.progress * 10 + 0.5) / 10));
		else
			json_object_set_new(j, "progress", json_null());
		json_object_set_new(j, "light", json_string(light_name(v[i].roll.light)));
		for (int l = 0; l < LIGHT_COUNT; l++)
			json_object_set_new(counts, light_name((enum light)l), json_integer(v[i].roll.counts[l]));
		json_object_set_new(j, "counts", counts);
		json_object_set_new(j, "tasks", json_integer(v[i].roll.tasks));
		json_array_append_new(arr, j);
	}
	return arr;
}

/* A double as jansson writes it with JSON_REAL_PRECISION(15): %.15g, with
 * ".0" when that looks like an integer. */
static void jw_real(struct jw *w, const char *name, size_t n, double v)
{
	char digits[40];
	int k = snprintf(digits, sizeof(digits), "%.15g", v);

	jw_key(w, name, n);
	buf_add(w->b, digits, (size_t)k);
	if (strspn(digits, "-0123456789") == (size_t)k)
		buf_adds(w->b, ".0");
}

int view_initiative_write(struct buf *b, const struct initiative_view *v)
{
	struct jw o = { b, 0 }, counts = { b, 0 };

	buf_addc(b, '{');
	jw_s(&o, JW_NAME("key"), v->row.key);
	jw_s(&o, JW_NAME("code"), v->row.code);
	jw_s(&o, JW_NAME("title"), v->row.title);
	jw_s(&o, JW_NAME("title_en"), v->row.title_en);
	jw_s(&o, JW_NAME("lead_unit_name"), v->row.lead_unit_name);
	jw_i(&o, JW_NAME("depth"), v->depth);
	jw_real(&o, JW_NAME("weight"), v->row.weight);
	if (v->roll.progress >= 0) {
		jw_real(&o, JW_NAME("progress"), (double)(int)(v->roll.progress * 10 + 0.5) / 10);
	} else {
		jw_key(&o, JW_NAME("progress"));
		buf_adds(b, "null");
	}
	jw_s(&o, JW_NAME("light"), light_name(v->roll.light));
	jw_key(&o, JW_NAME("counts"));
	buf_addc(b, '{');
	for (int l = 0; l < LIGHT_COUNT; l++) {
		const char *name = light_name((enum light)l);

		jw_key(&counts, "", 0);
		buf_addc(b, '"');
		buf_adds(b, name);
		buf_adds(b, "\":");
		buf_printf(b, "%d", v->roll.counts[l]);
	}
	buf_addc(b, '}');
	jw_i(&o, JW_NAME("tasks"), v->roll.tasks);
	buf_addc(b, '}');
	return b->err;
}

json_t *view_check(const struct check_result *r)
{
	json_t *o = json_object(), *arr = json_array();

	set_s(o, "group", r->group.key);
	set_s(o, "group_name", r->group.name);
	json_object_set_new(o, "year", json_integer(r->year));
	json_object_set_new(o, "members", json_integer(r->members));
	json_object_set_new(o, "meetings_held", json_integer(r->findings.meetings_held));
	json_object_set_new(o, "meetings_planned", json_integer(r->findings.meetings_planned));
	for (size_t i = 0; i < r->findings.n; i++) {
		const struct finding *f = &r->findings.items[i];
		json_t *j = json_object();

		set_s(j, "rule", f->rule);
		set_s(j, "severity", f->severity == FINDING_BREACH ? "breach" : "at_risk");
		set_s(j, "subject", f->subject);
		set_s(j, "message", f->message);
		set_s(j, "message_zh", f->message_zh);
		set_s(j, "evidence", f->evidence);
		set_s(j, "evidence_zh", f->evidence_zh);
		json_array_append_new(arr, j);
	}
	json_object_set_new(o, "findings", arr);
	arr = json_array();
	for (size_t i = 0; i < r->findings.nmembers; i++) {
		const struct member_stat *m = &r->findings.members[i];
		json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i}", "person", m->key, "name", m->name,
				      "role", m->role >= 0 ? model_member_roles[m->role] : "member", "eligible", m->eligible,
				      "present", m->present, "leave", m->leave, "absent", m->absent,
				      "speeches", m->speeches, "papers", m->papers);

		if (m->name_en)
			json_object_set_new(j, "name_en", json_string(m->name_en));
		json_object_set_new(j, "not_itemised", json_integer(m->not_itemised));
		json_object_set_new(j, "attendance_rate", m->eligible ? json_integer(m->present * 100 / m->eligible) : json_null());
		json_array_append_new(arr, j);
	}
	json_object_set_new(o, "members", arr);
	return o;
}

int view_print(json_t *j)
{
	int rc = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(15));

	fputc('\n', stdout);
	json_decref(j);
	return rc == 0 && !ferror(stdout) ? 0 : -1;
}
