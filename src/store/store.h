/*
 * store.h -- persistence of the whole domain: the only module with SQL.
 *
 * Opens the database, applies the embedded migrations, and offers two kinds
 * of calls: generic row calls driven by the data dictionary (model.h), used
 * by import and export; and the hand-written queries the services need, each
 * one statement (no query per row), returning plain row structs.
 *
 * Ownership: strings passed in are borrowed for the call. Rows and strings
 * returned are allocated in the caller's arena and live as long as it. All
 * functions return 0 on success and -1 with *err filled, unless noted.
 * Writes are not wrapped in transactions here: a service that writes calls
 * store_begin() and store_commit() around the whole change. Dates are
 * "YYYY-MM-DD" and instants "YYYY-MM-DDTHH:MM:SSZ" text, NULL when absent.
 * One struct store is one connection: one thread at a time.
 */
#ifndef PLENUM_STORE_H
#define PLENUM_STORE_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct err;
struct entity;
struct field;
struct store;

/* The schema version this binary writes; a newer database is refused. */
int store_schema_version(void);

/* How store_open() opens: flags may be or'ed. */
enum store_open_flags {
	STORE_EXISTING = 0,     /* the file must exist and hold plenum's schema (or none yet) */
	STORE_CREATE = 1,       /* create the file when missing */
	STORE_READONLY = 2,     /* read only: no lock, no write, no migration; read-only files work */
	STORE_INIT = 4,         /* as STORE_CREATE, and a 0-byte file is accepted too (plenum init) */
};

/* Opens and, when the stored schema is older, migrates (taking the write lock
 * only then). Refuses a 0-byte file (but with STORE_INIT), a file of another
 * kind or program, a newer schema, and with STORE_READONLY an older one,
 * naming the file and what to do. NULL on error. */
struct store *store_open(const char *path, int flags, struct err *err);
void store_close(struct store *st);                 /* accepts NULL */
/* How long a write waits for the lock held by another connection before it
 * fails with ST_BUSY (default LIM_DB_BUSY_MS). */
void store_set_lock_wait(struct store *st, int ms);
/* A read transaction: the reads until store_read_end() see one snapshot.
 * Takes no lock; writers are not delayed. */
int store_read_begin(struct store *st, struct err *err);
void store_read_end(struct store *st);

/* What the data looks like now: two numbers that together change whenever
 * anything is committed, by this process (any thread) or another one. Read
 * caches key on them. */
struct store_version {
	int64_t others;          /* the database's data_version on this connection */
	int64_t ours;            /* commits made by this process */
};
struct store_version store_version(struct store *st);
/* The round trips to the database this store's connection has made
 * (db_round_trips: 0 on SQLite). For tests and measurements. */
int64_t store_round_trips(struct store *st);
/* The next store_version() must count the commits acknowledged before this
 * call, and may take its reading from the next statement run outside a
 * transaction (db.h db_version_mark: no round trip of its own on
 * PostgreSQL). The server calls it as each request starts. */
void store_version_mark(struct store *st);

int store_begin(struct store *st, struct err *err);
/* Serialises the writers of one org (0: the installation) until the
 * transaction ends; call right after store_begin() before the first read
 * (db.h's db_lock_org: the audit chain's last hash, counters). */
int store_lock_org(struct store *st, int64_t org_id, struct err *err);
int store_commit(struct store *st, struct err *err);
void store_rollback(struct store *st);

/* ---- generic rows, driven by the data dictionary ---- */

enum value_kind { V_NULL, V_INT, V_REAL, V_TEXT };

struct value {
	enum value_kind kind;
	int64_t i;                  /* V_INT, and resolved F_REF ids */
	double d;
	const char *s;
};

/* Inserts one row of entity e. vals has e->nfields entries in field order
 * (F_REFS entries are ignored; F_REF entries carry the referenced id in i).
 * parent_id is the owning row for nested entities. */
int store_row_insert(struct store *st, const struct entity *e, int64_t org_id,
		     int64_t parent_id, const struct value *vals, int64_t *id, struct err *err);
/* Sets one reference column after the fact (self references). */
int store_row_set_ref(struct store *st, const struct entity *e, const struct field *f,
		      int64_t row_id, int64_t ref_id, struct err *err);
/* Adds a link row for an F_REFS field. */
int store_link_insert(struct store *st, const struct field *f, int64_t org_id,
		      int64_t owner_id, int64_t ref_id, struct err *err);

/* 0 when a row of entity e with this key exists in the org; ST_NOTFOUND
 * naming the entity otherwise. */
int store_key_exists(struct store *st, const struct entity *e, int64_t org_id, const char *key,
		     struct err *err);

/* The id of the row of e with this key in the org; ST_NOTFOUND naming the
 * entity when there is none. */
int store_key_id(struct store *st, const struct entity *e, int64_t org_id, const char *key,
		 int64_t *id, struct err *err);

/* What store_rows_view() selects. Zero fields mean "any". */
struct row_query {
	int64_t org_id;
	int64_t id;                    /* one row */
	int64_t parent_id;             /* children of one parent */
	int64_t after_id;              /* cursor: rows with a larger id */
	int limit;                     /* 0: no limit */
	const char *const *eq_fields;  /* field = value filters; a reference compares keys */
	const char *const *eq_values;
	int neq;
	const char *range_field;       /* a date or datetime field, from <= f < to */
	const char *from, *to;
	int64_t observer_person_id;    /* meetings only: those this person observed */
	const char *q;                 /* words in the key, name or title (any of name, name_en, title, title_en) */
};

struct row_meta {
	int64_t id, parent_id, version;   /* version 0 for append-only rows */
};

/* Like store_row_scan(), but references come back as the referenced row's
 * key (V_TEXT), filtered by q, in id order. */
typedef int (*store_view_cb)(void *ctx, const struct row_meta *m, const struct value *vals);
/* How many rows store_rows_view would yield for q from its first page
 * (after_id and limit ignored) into *n: a list's total, for a pager. */
int store_rows_count(struct store *st, const struct entity *e, const struct row_query *q, long long *n,
		     struct err *err);
int store_rows_view(struct store *st, const struct entity *e, const struct row_query *q,
		    store_view_cb cb, void *ctx, struct err *err);
/* The keys an F_REFS field lists, per owner (owner_id 0: every owner in the org). */
typedef int (*store_link_key_cb)(void *ctx, int64_t owner_id, const char *key);
int store_link_keys(struct store *st, const struct field *f, int64_t org_id, int64_t owner_id,
		    store_link_key_cb cb, void *ctx, struct err *err);
/* Replaces the links of one owner. */
int store_link_set(struct store *st, const struct field *f, int64_t org_id, int64_t owner_id,
		   const int64_t *ref_ids, size_t n, struct err *err);
/* Updates the fields marked in present[] when the row still has `version`:
 * ST_STALE when it moved, ST_NOTFOUND when the row is gone. */
int store_row_update(struct store *st, const struct entity *e, int64_t id, int64_t version,
		     const struct value *vals, const unsigned char *present, struct err *err);
/* Deletes one row; ST_CONFLICT when other rows still refer to it. */
int store_row_delete(struct store *st, const struct entity *e, int64_t id, struct err *err);

/* ---- org and settings ---- */

struct org_row {
	int64_t id;
	const char *key, *name, *name_en, *timezone;
	int utc_offset;             /* minutes east of UTC */
};

/* The org with this key, or with key NULL the only org (error when there are
 * none or several). ST_NOTFOUND when absent. */
int store_org_get(struct store *st, const char *key, struct arena *a,
		  struct org_row *out, struct err *err);
/* Deletes every row of the org from every table that has an org_id, in an
 * order computed from the schema's foreign keys (referencing tables first),
 * then the org itself and its audit trail. Touches no other org's rows. */
int store_org_delete(struct store *st, int64_t org_id, struct err *err);

/* Copies the org from_org of store from into store to (store_copy.c), for
 * `plenum copy`: every table with an org_id but sessions, tokens, retries
 * and derived data (light counts, search index: built again),
 * then the org's audit entries and the changes they sealed, all through the
 * driver's bulk load, table by table in batches of LIM_COPY_BATCH_ROWS
 * rows (memory does not grow with the org). Ids are kept unless the
 * destination uses them already; then each table's ids move by one offset
 * and the references with them. The destination's triggers do not fire
 * (but SQLite's search index ones, once per batch; PostgreSQL's search rows
 * are written set-based afterwards); the rows' audit images are written afterwards as
 * pending changes, for the caller's audit entry to seal; last, every table
 * is read back from both stores and compared (ST_FAIL on a difference: the
 * caller rolls back). Both stores must
 * be in a transaction (a read snapshot on from, the write on to) and to
 * must not hold the org's key. *to_org gets the org's id in to. */
struct store_copy_stats {
	int64_t rows;              /* rows of the record copied, the org's row included */
	int64_t audit_rows;        /* audit entries and sealed changes copied */
};
int store_copy_org(struct store *from, int64_t from_org, struct store *to, int64_t *to_org,
		   struct store_copy_stats *stats, struct err *err);

typedef int (*store_setting_cb)(void *ctx, const char *name, const char *value);
int store_settings(struct store *st, int64_t org_id, store_setting_cb cb, void *ctx,
		   struct err *err);
int store_setting_set(struct store *st, int64_t org_id, const char *name,
		      const char *value, struct err *err);

/* ---- audit ---- */

struct audit_row {
	int64_t id, org_id;
	const char *at, *actor, *action, *entity;
	int64_t row_id;             /* 0 when none */
	const char *before, *after; /* JSON text or NULL */
	const char *prev_hash, *hash;
	const char *changes_hash;   /* over the row changes it sealed; NULL in entries older than 0005 */
	int64_t nchanges;
};

/* The hash of the org's newest entry into out (size >= 129), "" when none. */
int store_audit_last_hash(struct store *st, int64_t org_id, char *out, size_t size,
			  struct err *err);
/* Inserts the entry; its id into *id (which may be NULL). */
int store_audit_insert(struct store *st, const struct audit_row *row, int64_t *id, struct err *err);
/* Inserts the entry and seals into it the org's pending changes (what
 * store_audit_insert() then store_audit_seal() do), in one statement on
 * PostgreSQL (a round trip less under the org lock). Its id into *id
 * (which may be NULL). */
int store_audit_insert_sealed(struct store *st, const struct audit_row *row, int64_t *id, struct err *err);
typedef int (*store_audit_cb)(void *ctx, const struct audit_row *row);
/* Entries with id > after_id, oldest first, at most limit (0: all). */
int store_audit_scan(struct store *st, int64_t org_id, int64_t after_id, int limit, store_audit_cb cb,
		     void *ctx, struct err *err);

/* One row change copied by the audit triggers into audit_change: the row's
 * table and identity (its id, or its primary key as a JSON array), the
 * operation and the row's images (JSON objects of its columns, secrets left
 * out). Strings are borrowed for the callback. */
struct audit_change {
	int64_t id;
	const char *tbl, *row_key, *old_key, *op, *before, *after;
};
typedef int (*store_change_cb)(void *ctx, const struct audit_change *c);
/* The changes entry audit_id sealed, or with audit_id 0 the org's changes
 * not sealed yet, oldest first. */
int store_audit_changes(struct store *st, int64_t org_id, int64_t audit_id, store_change_cb cb, void *ctx,
			struct err *err);
/* Inserts one change already sealed by entry audit_id (a chain carried
 * over by an import). */
int store_audit_change_insert(struct store *st, int64_t org_id, int64_t audit_id, const struct audit_change *c,
			      struct err *err);
/* What a new entry of the org's chain is made from, in one query (one
 * round trip on PostgreSQL, under the org lock): the hash of the org's
 * newest entry into out (size >= 129, "" when none), as
 * store_audit_last_hash() gives it, and the changes not sealed yet, oldest
 * first, to cb, as store_audit_changes() with audit_id 0 gives them.
 * Returns what store_audit_changes() returns. */
int store_audit_pending(struct store *st, int64_t org_id, char *out, size_t size, store_change_cb cb, void *ctx,
			struct err *err);
/* Seals the org's pending changes into entry audit_id. */
int store_audit_seal(struct store *st, int64_t org_id, int64_t audit_id, struct err *err);
/* The current identity and image of every audited row of the org, computed
 * exactly as the triggers compute them. */
typedef int (*store_image_cb)(void *ctx, const char *tbl, const char *row_key, const char *image);
int store_audit_images(struct store *st, int64_t org_id, store_image_cb cb, void *ctx, struct err *err);

/* The parent and version (0 for append-only rows) of row id of e in the org;
 * ST_NOTFOUND when there is none. */
int store_row_meta(struct store *st, const struct entity *e, int64_t org_id, int64_t id,
		   int64_t *parent_id, int64_t *version, struct err *err);

/* How many rows of e the org has. */
int store_row_count(struct store *st, const struct entity *e, int64_t org_id, int64_t *n, struct err *err);

/* Rules across rows, checked by the record service inside its write.
 * store_row_duplicate(): 1 when a row under parent_id other than exclude_id
 * has the value v in field f (the value, or the referenced key, into
 * value[size]), 0 when not. store_leader_overlap(): 1 when membership id is
 * a leader's whose dates overlap another leader's of the group.
 * store_task_supports_its_lead(): 1 when the task's lead unit is also
 * listed among its supporting units. -1 on error. */
int store_row_duplicate(struct store *st, const struct entity *e, const struct field *f, int64_t parent_id,
			int64_t exclude_id, const struct value *v, char *value, size_t size, struct err *err);
int store_leader_overlap(struct store *st, int64_t membership_id, struct err *err);
int store_task_supports_its_lead(struct store *st, int64_t task_id, struct err *err);

/* 1 when this open upgraded an existing database (store_audit_rebaseline
 * then took fresh images of its rows, for the services to seal). */
int store_migrated(const struct store *st);
/* The keys of the orgs in the database (at most max), in a. */
int store_org_keys(struct store *st, struct arena *a, const char **keys, size_t max, size_t *n, struct err *err);

/* ---- idempotency keys ---- */

struct idem_row {
	int found;
	const char *request_hash;
	int status;                  /* 0 while the reply is not stored yet */
	const char *location, *body;
};
int store_idem_get(struct store *st, int64_t org_id, const char *actor, const char *key, struct arena *a,
		   struct idem_row *out, struct err *err);
/* Records the key inside the write's transaction; ST_CONFLICT (field
 * "Idempotency-Key") when it is there already. */
int store_idem_claim(struct store *st, int64_t org_id, const char *actor, const char *key,
		     const char *request_hash, const char *now, struct err *err);
int store_idem_finish(struct store *st, int64_t org_id, const char *actor, const char *key, int status,
		      const char *location, const char *body, struct err *err);
int store_idem_purge(struct store *st, const char *before, struct err *err);

/* ---- meetings ---- */

struct meeting_row {
	int64_t id;
	const char *key, *title, *title_en, *kind, *status, *starts_at, *ends_at, *place;
	const char *group_key, *group_name, *group_name_en;
	const char *chair_key, *chair_name, *chair_name_en;
	const char *recorder_name, *recorder_name_en;
	const char *topic_key, *topic_title;
	const char *summary, *summary_en, *minutes, *illustrative;
	int n_attendance, n_present, n_speeches, n_decisions;
	int64_t version;
	/* migration 0007: precision, span, ordinal, the chair's title then,
	 * inferred marks (JSON list), provenance (reporters: JSON list) */
	const char *time_precision, *part_of_day, *ends_on, *duration_days;
	int ordinal;                 /* 0: not given */
	const char *chair_title, *chair_title_en, *inferred;
	const char *source_title, *source_url, *outlet, *reporters, *published_on, *source_extent;
};

struct meeting_filter {
	const char *group_key;
	const char *status;
	const char *from_at, *to_at;   /* starts_at range, inclusive-exclusive */
};

int store_meeting_list(struct store *st, int64_t org_id, const struct meeting_filter *f,
		       struct arena *a, struct meeting_row **rows, size_t *n, struct err *err);
/* The first limit planned meetings starting at or after from_at. */
int store_meeting_upcoming(struct store *st, int64_t org_id, const char *from_at, int limit, struct arena *a,
			   struct meeting_row **rows, size_t *n, struct err *err);
int store_meeting_get(struct store *st, int64_t org_id, const char *key, struct arena *a,
		      struct meeting_row *out, struct err *err);
/* The time ("YYYY-MM-DDTHH:MM:SSZ", in the arena) of the last audit entry
 * that wrote the meeting row itself, for each of the org's meetings that has
 * one: ids[i], ats[i], *n of them. One statement over the org's entries. */
int store_meeting_changed(struct store *st, int64_t org_id, struct arena *a, int64_t **ids, const char ***ats,
			  size_t *n, struct err *err);

struct material_row {
	const char *kind, *title, *title_en, *source, *note;
};

struct attendance_row {
	int64_t person_id;
	const char *person_key, *name, *name_en, *title, *title_en, *unit_name, *unit_name_en;
	const char *capacity, *status, *leave_reason, *approver_name, *approver_name_en;
	const char *makeup_due, *makeup_done, *makeup_note, *note, *illustrative;
	const char *inferred;        /* title, title_en: as of the meeting (snapshot) */
};

struct meeting_unit_row {
	const char *unit_key, *unit_name, *unit_name_en, *description, *description_en;
	const char *represented_by, *represented_by_en, *capacity;
	const char *group_key, *group_name, *group_name_en;   /* the members of this group, unnamed */
	int all_members;             /* all members of the unit (a body) */
	int count;                   /* 0: not given */
	const char *inferred;
};

/* A body that held the meeting (a group, or a unit such as the Standing
 * Committee, or a description), with its own chair. */
struct host_row {
	const char *group_key, *group_name, *group_name_en, *unit_key, *unit_name, *unit_name_en;
	const char *description, *description_en;
	const char *chair_key, *chair_name, *chair_name_en, *chair_title, *chair_title_en, *inferred;
};

/* A session of a multi-day event. */
struct session_row {
	int seq;
	const char *title, *title_en, *held_on, *part_of_day;
	const char *chair_key, *chair_name, *chair_name_en, *chair_title, *chair_title_en, *inferred;
};

struct speech_row {
	int64_t id;
	const char *key, *kind;
	int seq;
	const char *speaker_key, *speaker_name, *speaker_name_en, *speaker_title, *speaker_title_en;
	const char *title, *title_en;
	const char *key_points, *key_points_en;    /* JSON arrays of strings, or NULL */
	const char *text;
	/* speaker_title: as of the meeting (snapshot); a speech by a unit or a
	 * category of people, or unattributed */
	const char *speaker_unit_key, *speaker_unit_name, *speaker_unit_name_en;
	const char *speaker_category, *speaker_category_en, *inferred;
	int unattributed;
};

struct decision_row {
	int64_t id;
	const char *key;
	int number;
	const char *text, *text_en;
	const char *speech_key;      /* NULL: taken by the meeting as a whole */
	const char *kind;            /* decision requirement emphasis */
	const char *body_key, *body_name, *body_name_en;   /* attributed to a body */
	const char *inferred;
};

struct feedback_row {
	const char *written_on, *text, *filed_by;
	const char *author_name, *author_name_en;   /* the filing user's person, when linked */
	const char *meeting_title, *meeting_title_en, *meeting_starts_at;
};

struct meeting_record {
	struct material_row *materials; size_t nmaterials;
	struct attendance_row *attendance; size_t nattendance;   /* by capacity, then order entered */
	struct meeting_unit_row *units; size_t nunits;
	struct speech_row *speeches; size_t nspeeches;           /* by seq */
	struct decision_row *decisions; size_t ndecisions;       /* by number */
	struct feedback_row *feedback; size_t nfeedback;         /* observers' notes, as filed */
	struct host_row *hosts; size_t nhosts;                   /* as entered */
	struct session_row *sessions; size_t nsessions;          /* by seq */
};

int store_meeting_record(struct store *st, int64_t meeting_id, struct arena *a,
			 struct meeting_record *out, struct err *err);
/* The feedback notes on a group's meetings that start in [from_at, to_at). */
int store_group_feedback(struct store *st, int64_t group_id, const char *from_at, const char *to_at,
			 struct arena *a, struct feedback_row **out, size_t *n, struct err *err);

/* The provenance of a record other than a meeting (migration 0012): what
 * it is and where it was read. */
struct source_row {
	int64_t meeting_id;      /* the meeting it belongs to or came from; 0 for persons and posts */
	const char *kind;        /* speech decision initiative task person post */
	const char *label, *label_en;
	const char *source_title, *source_url, *outlet, *reporters, *published_on, *source_extent;
};
/* The records with a source that support a group's year: the speeches and
 * decisions of its meetings that start in [from_at, to_at), the initiatives
 * and tasks those decisions gave rise to, the persons who were members at
 * some time in [from_day, to_day) and their posts held then; by meeting (persons and
 * posts last), then kind, then order. */
int store_group_sources(struct store *st, int64_t group_id, const char *from_at, const char *to_at,
			const char *from_day, const char *to_day, struct arena *a, struct source_row **out,
			size_t *n, struct err *err);

/* ---- initiatives and tasks ---- */

struct initiative_row {
	int64_t id, parent_id;
	const char *key, *code, *title, *title_en, *goal, *goal_en;
	const char *lead_unit_name, *lead_unit_name_en, *starts_on, *due_on;
	double weight;
};

int store_initiative_list(struct store *st, int64_t org_id, struct arena *a,
			  struct initiative_row **rows, size_t *n, struct err *err);

struct task_row {
	int64_t id, initiative_id, version;
	const char *key, *code, *title, *title_en, *state, *cadence;
	const char *initiative_key, *initiative_code, *initiative_title, *initiative_title_en;
	const char *decision_key, *decision_text, *decision_text_en;
	int decision_number;
	const char *speech_key, *speech_title, *speaker_name, *speaker_name_en;
	const char *meeting_key, *meeting_title, *meeting_title_en;
	const char *lead_unit_key, *lead_unit_name, *lead_unit_name_en;
	const char *supporting, *supporting_en;    /* unit names joined with "、" / ", " */
	const char *responsible_name, *responsible_name_en;
	const char *responsible_key;      /* the person's key, or NULL */
	const char *supporting_keys;      /* unit keys joined with ";", in link order */
	const char *starts_on, *due_on;  /* due_on: the date, or a period's last day; NULL for asap, unset */
	const char *due_kind, *due_from, *due_precision;    /* domain/deadline.h */
	const char *source_title, *source_url, *outlet, *reporters, *published_on, *source_extent;
	const char *inferred;            /* a JSON list of "field" or "field: note" */
	double weight;
	int has_report, percent;
	const char *last_report_on, *illustrative;
	const char *last_report_done;    /* what the latest report says was done */
};

struct task_filter {
	const char *unit_key;        /* lead or supporting */
	const char *initiative_key;  /* that initiative and everything below it */
	const char *meeting_key;     /* tasks from that meeting's decisions */
	const char *state;
	const char *due_from, *due_to;
	const char *q;               /* words in the title (either language), code or key */
	const char *group_key;       /* tasks from the decisions of that group's meetings */
	int year;                    /* 0: any; else tasks running that year (start on or before its
	                              * last day, due on or after its first) */
	int64_t after_id;            /* cursor: tasks with id > after_id */
	int limit;                   /* 0: no limit */
	int list;                    /* rows carry only what a list shows (no speech, supporting
	                              * units, responsible person, decision text: the record has them) */
	int lean;                    /* with no other filter: rows carry only what the light and the
	                              * roll-up read (ids, key, state, cadence, dates, weight, latest
	                              * report), for whole-org passes */
};

int store_task_list(struct store *st, int64_t org_id, const struct task_filter *f,
		    struct arena *a, struct task_row **rows, size_t *n, struct err *err);
/* How many tasks the filter matches (after_id, limit and lean ignored), from
 * the indexes alone: a list's "of N" without reading its rows. */
int store_task_count(struct store *st, int64_t org_id, const struct task_filter *f, long long *n,
		     struct err *err);
/* Like store_task_list, one row at a time: the row's strings are borrowed
 * for the call only. A non-zero return from cb stops the scan. */
typedef int (*store_task_cb)(void *ctx, const struct task_row *t);
/* The whole rows of the tasks with these ids (at most LIM_PAGE_ITEMS * 4), by id. */
int store_task_scan_ids(struct store *st, int64_t org_id, const int64_t *ids, size_t n, store_task_cb cb,
			void *ctx, struct err *err);
int store_task_scan(struct store *st, int64_t org_id, const struct task_filter *f, store_task_cb cb,
		    void *ctx, struct err *err);
/* Every (task, unit) pair of the org -- each task's lead unit (lead 1) and
 * each of its supporting units (lead 0) -- grouped by unit (by unit id, then
 * task id), for per-unit counts; the unit's key and names are borrowed for
 * the call. A non-zero return from cb stops (a negative one is an error). */
typedef int (*store_task_unit_cb)(void *ctx, int64_t task_id, int lead, const char *unit_key,
				  const char *name, const char *name_en);
int store_task_unit_pairs(struct store *st, int64_t org_id, store_task_unit_cb cb, void *ctx, struct err *err);
/* What the rules about one attendance row read: its status, whether it has
 * a leave reason (not blank: text_is_blank) and an approver, its make-up dates and its
 * meeting's start ("YYYY-MM-DDTHH:MM:SSZ"); "" for a date not given.
 * ST_NOTFOUND when there is no such row. */
struct attendance_facts {
	char status[16];
	int has_reason, has_approver;
	char makeup_due[16], makeup_done[16], meeting_starts_at[40];
};
int store_attendance_facts(struct store *st, int64_t attendance_id, struct attendance_facts *out,
			   struct err *err);
/* The light's shape (task_filter.lean) of the task with this id: *found 0
 * when there is none. Strings in a. */
int store_task_light_row(struct store *st, int64_t org_id, int64_t task_id, struct arena *a, struct task_row *out,
			 int *found, struct err *err);

/* ---- one write among several in a transaction (store_savepoint.c) ---- */

/* A savepoint for the next write of a group commit (service/tx.c): release
 * it when the write is done, roll back to it (and release it) when the
 * write was refused; the writes before it stay. One at a time. */
int store_savepoint(struct store *st, struct err *err);
int store_savepoint_release(struct store *st, struct err *err);
int store_savepoint_rollback(struct store *st, struct err *err);
/* Sets up the connection that applies writes in savepoints. */
int store_savepoint_setup(struct store *st, struct err *err);

/* ---- the WAL checkpoint off the request path (store_wal.c; SQLite only) ---- */

/* This connection's commits no longer checkpoint the WAL themselves. */
int store_wal_manual(struct store *st, struct err *err);
/* A passive checkpoint now; *copied: the pages it copied back. */
int store_wal_checkpoint(struct store *st, int *copied, struct err *err);
/* SQLite's page cache of this connection, at most kb kilobytes. */
int store_cache_kb(struct store *st, int kb, struct err *err);

/* ---- incremental light counts (store_light.c; service/lights.h decides) ---- */

/* What one task adds to the counts: its light, initiative, weight, progress;
 * and the day its light may next change with the date alone (DATE_NONE:
 * never; stored as NULL). */
struct light_contrib {
	int64_t task_id, initiative_id;
	int light;
	double weight;
	int progress;
	int32_t next_change;
};
/* The day and rules ("30/10/7") the org's counts hold for; *found 0: none. */
int store_light_stamp(struct store *st, int64_t org_id, int32_t *day, char *rules, size_t size, int *found,
		      struct err *err);
/* Moves the stamp to day and rules (the counts were brought up to it). */
int store_light_restamp(struct store *st, int64_t org_id, int32_t day, const char *rules, struct err *err);
/* The org's counted tasks whose next_change is on or before day, by task id,
 * each given to cb (a nonzero return stops; -1 is returned as an error). */
typedef int (*store_light_contrib_cb)(void *ctx, const struct light_contrib *c);
int store_light_due(struct store *st, int64_t org_id, int32_t day, store_light_contrib_cb cb, void *ctx,
		    struct err *err);
/* Forgets the stamp: the counts are recomputed before they are read again. */
int store_light_invalidate(struct store *st, int64_t org_id, struct err *err);
/* Empties the org's counts and stamps them for day and rules (then filled by put/add). */
int store_light_reset(struct store *st, int64_t org_id, int32_t day, const char *rules, struct err *err);
int store_light_get(struct store *st, int64_t task_id, struct light_contrib *out, int *found, struct err *err);
int store_light_put(struct store *st, int64_t org_id, const struct light_contrib *c, struct err *err);
/* store_light_put() of n contributions, LIM_DB_ROWS_PER_INSERT rows a statement. */
int store_light_put_many(struct store *st, int64_t org_id, const struct light_contrib *c, size_t n, struct err *err);
int store_light_del(struct store *st, int64_t task_id, struct err *err);
/* Fills the org's light_count from its task_light rows (after a reset and puts). */
int store_light_sum_up(struct store *st, int64_t org_id, struct err *err);
/* Adds (sign 1) or takes away (sign -1) c in its initiative's and light's sums. */
int store_light_add(struct store *st, int64_t org_id, const struct light_contrib *c, int sign, struct err *err);
/* Adds these sums (a difference: any sign) to one initiative's and light's. */
int store_light_add_sums(struct store *st, int64_t org_id, int64_t initiative_id, int light, long n, double wsum,
			 double wacc, long psum, struct err *err);
typedef int (*store_light_count_cb)(void *ctx, int64_t initiative_id, int light, long n, double wsum, double wacc,
				    long psum);
int store_light_counts(struct store *st, int64_t org_id, store_light_count_cb cb, void *ctx, struct err *err);
/* The org's record token (0 when none was ever set) and setting a new one. */
int store_record_token(struct store *st, int64_t org_id, int64_t *token, struct err *err);
int store_record_token_set(struct store *st, int64_t org_id, int64_t token, struct err *err);
/* The first (by id) at most max tasks counted with this light. */
int store_light_pick(struct store *st, int64_t org_id, int light, int64_t *ids, size_t max, size_t *n,
		     struct err *err);

int store_task_get(struct store *st, int64_t org_id, const char *key, struct arena *a,
		   struct task_row *out, struct err *err);

struct transition_row {
	const char *action, *from_state, *to_state, *at, *actor, *note;
};
struct extension_row {
	int64_t id;
	const char *requested_at, *requested_by, *old_due_on, *new_due_on, *reason, *status;
	const char *decided_at, *decided_by, *decision_note;
};
struct report_row {
	int64_t id;
	const char *reported_on, *done, *problems, *next_steps, *reporter_name, *filed_by;
	const char *reporter_key, *period_from, *period_to;
	int percent;
};
struct task_history {
	struct transition_row *transitions; size_t ntransitions;
	struct extension_row *extensions; size_t nextensions;
	struct report_row *reports; size_t nreports;              /* the latest LIM_TASK_REPORTS, oldest first */
	long reports_total;                                        /* all of the task's reports */
};

/* The task's transitions, extensions and latest LIM_TASK_REPORTS reports. */
int store_task_history(struct store *st, int64_t task_id, struct arena *a,
		       struct task_history *out, struct err *err);
int store_task_report_count(struct store *st, int64_t task_id, long *n, struct err *err);
int store_report_get(struct store *st, int64_t report_id, struct arena *a, struct report_row *out, struct err *err);

/* Moves the task to a state when its version is still `version` (ST_STALE
 * otherwise) and bumps the version. */
int store_task_set_state(struct store *st, int64_t task_id, int64_t version,
			 const char *state, struct err *err);
/* An approved extension: the deadline becomes the date due_on (a period's or
 * any other kind's fields are cleared). */
int store_task_set_due(struct store *st, int64_t task_id, const char *due_on, struct err *err);
int store_transition_insert(struct store *st, int64_t org_id, int64_t task_id,
			    const struct transition_row *t, struct err *err);
int store_report_insert(struct store *st, int64_t org_id, int64_t task_id,
			const struct report_row *r, int64_t reporter_id, int64_t *id,
			struct err *err);
int store_extension_insert(struct store *st, int64_t org_id, int64_t task_id,
			   const struct extension_row *x, int64_t *id, struct err *err);
int store_extension_decide(struct store *st, int64_t extension_id, const char *status,
			   const char *at, const char *by, const char *note, struct err *err);

/* ---- accounts ---- */

struct user_row {
	int64_t id, org_id, person_id, unit_id;
	const char *login, *role, *password_hash, *org_key, *unit_key, *person_key, *person_name, *person_name_en;
	int disabled;
	int instance_admin;          /* may create orgs (set from the command line only) */
};

int store_user_set_instance_admin(struct store *st, int64_t user_id, int on, struct err *err);

/* A user by login (logins are unique across orgs); ST_NOTFOUND when none. */
int store_user_by_login(struct store *st, const char *login, struct arena *a, struct user_row *out,
			struct err *err);
/* The user of an unexpired session (its CSRF token into csrf), or of an API
 * token that is not revoked; ST_NOTFOUND otherwise. */
int store_user_by_session(struct store *st, const char *token_hash, const char *now, struct arena *a,
			  struct user_row *out, const char **csrf, struct err *err);
int store_user_by_token(struct store *st, const char *token_hash, struct arena *a, struct user_row *out,
			struct err *err);
int store_user_set_password(struct store *st, int64_t user_id, const char *hash, struct err *err);
int store_user_set_disabled(struct store *st, int64_t user_id, int disabled, struct err *err);
int store_session_insert(struct store *st, int64_t org_id, int64_t user_id, const char *token_hash,
			 const char *csrf, const char *created_at, const char *expires_at, struct err *err);
int store_session_delete(struct store *st, const char *token_hash, struct err *err);
/* Ends every session and revokes every API token of a user. */
int store_user_logout_all(struct store *st, int64_t user_id, struct err *err);
/* Sets the user's calendar token (replacing an older one). */
int store_calendar_token_set(struct store *st, int64_t org_id, int64_t user_id, const char *token_hash,
			     const char *created_at, struct err *err);
int store_user_by_calendar_token(struct store *st, const char *token_hash, struct arena *a,
				 struct user_row *out, struct err *err);
int store_token_insert(struct store *st, int64_t org_id, int64_t user_id, const char *name,
		       const char *token_hash, const char *created_at, struct err *err);
/* Login throttling, per (login, address): the failures since the last
 * success and the earliest time of the next attempt (ms since 1970; 0 when
 * no row); the failures from an address since an instant, over every login. */
int store_throttle_get(struct store *st, const char *login, const char *addr, int *failures, int64_t *next_ms,
		       struct err *err);
int store_throttle_addr_failures(struct store *st, const char *addr, const char *since, int *failures,
				 struct err *err);
int store_throttle_set(struct store *st, const char *login, const char *addr, int failures, int64_t next_ms,
		       const char *now, struct err *err);
/* Moves the next attempt's time to next_ms, unless it is later already. */
int store_throttle_hold(struct store *st, const char *login, const char *addr, int64_t next_ms, struct err *err);
int store_throttle_clear(struct store *st, const char *login, const char *addr, struct err *err);
/* Deletes sessions expired by now and throttle rows idle since before
 * since and no longer holding anyone back. */
int store_auth_purge(struct store *st, const char *now, int64_t now_ms, const char *since, struct err *err);

/* A user's API tokens that are not revoked, oldest first. */
struct token_row {
	int64_t id;
	const char *name, *created_at;
};
int store_token_list(struct store *st, int64_t user_id, struct arena *a, struct token_row **out, size_t *n,
		     struct err *err);
/* Revokes one token of the user; ST_NOTFOUND when it has no such live token. */
int store_token_revoke(struct store *st, int64_t user_id, int64_t token_id, struct err *err);

/* 1 when the unit is the task's lead or a supporting unit, 0 when not, -1 on error. */
int store_task_involves(struct store *st, int64_t org_id, const char *task_key, const char *unit_key);
/* 1 when the person is on the meeting's attendance or in its group, 0 when not. */
int store_meeting_involves(struct store *st, int64_t meeting_id, int64_t person_id);
/* 1 when the person attended the meeting as an observer, 0 when not, -1 on error. */
int store_observed(struct store *st, int64_t meeting_id, int64_t person_id);

/* ---- search ---- */

struct search_hit {
	const char *kind;            /* meeting speech decision task report */
	int64_t ref_id, meeting_id;  /* meeting_id for meetings, speeches, decisions */
	const char *link_key;        /* the meeting's or the task's key */
	const char *title, *body;
	const char *snippet;         /* with \x01 and \x02 around the matches; NULL for short queries */
	double rank;
};

/* Searches the org's index: when every word has three or more characters,
 * each word anywhere in the title or body (SQLite's FTS5 trigram index, or
 * pg_trgm's indexes on PostgreSQL), best first, with a snippet made from
 * the stored text (the same bytes on both stores); else the whole query as
 * one substring, newest first, with no snippet. Same hits on both stores. */
int store_search(struct store *st, int64_t org_id, const char *query, int limit, struct arena *a,
		 struct search_hit **hits, size_t *n, struct err *err);

/* The facts of past lights, one at a time: every progress report of the
 * org (task, date, percent) in task and date order, or (closings) every
 * closing (task, instant, 0) in task and time order. A cursor, so that a
 * whole-org replay holds one row of each, not the tables. */
struct db_stmt;
struct store_facts {
	struct db_stmt *s;
	int done;                 /* no current row */
	int64_t task_id;          /* the current row */
	char when[40];
	int percent;
};
int store_facts_open(struct store *st, int64_t org_id, int closings, struct store_facts *f, struct err *err);
int store_facts_next(struct store_facts *f, struct err *err);
void store_facts_close(struct store_facts *f);

/* Every extension request of the org, oldest first. */
typedef int (*store_extension_cb)(void *ctx, int64_t task_id, const struct extension_row *x);
int store_extensions_all(struct store *st, int64_t org_id, store_extension_cb cb, void *ctx, struct err *err);

/* ---- people and groups ---- */

int store_person_find(struct store *st, int64_t org_id, const char *key, int64_t *id,
		      struct err *err);

struct group_row {
	int64_t id;
	const char *key, *name, *name_en;
};
int store_group_get(struct store *st, int64_t org_id, const char *key, struct arena *a,
		    struct group_row *out, struct err *err);

struct member_row {
	int64_t person_id;
	const char *person_key, *name, *name_en, *role, *from_on, *to_on;
};
int store_group_members(struct store *st, int64_t group_id, struct arena *a,
			struct member_row **rows, size_t *n, struct err *err);

/* Attendance, speeches and papers of one group between two instants/dates:
 * the facts the compliance check judges. */
struct attendance_fact {
	int64_t meeting_id, person_id;
	const char *capacity, *status, *makeup_done;
	int has_reason, has_approver;
};
int store_group_attendance(struct store *st, int64_t group_id, const char *from_at,
			   const char *to_at, struct arena *a, struct attendance_fact **rows,
			   size_t *n, struct err *err);
struct speech_fact {
	int64_t person_id;
	const char *kind;
};
int store_group_speeches(struct store *st, int64_t group_id, const char *from_at,
			 const char *to_at, struct arena *a, struct speech_fact **rows,
			 size_t *n, struct err *err);
/* Evidence of presence at the group's held meetings in [from_at, to_at)
 * besides attendance rows: chairs (of the meeting, a host body, a session)
 * and named speakers, one row per (meeting, person); and, with person_id 0
 * and members_category 1, the meetings whose record cannot tell who was
 * absent: the group's members attended as a category, or the record is an
 * excerpt of a published report. */
struct presence_fact {
	int64_t meeting_id, person_id;
	int members_category;
};
int store_group_presence(struct store *st, int64_t group_id, const char *from_at, const char *to_at,
			 struct arena *a, struct presence_fact **rows, size_t *n, struct err *err);
int store_group_papers(struct store *st, int64_t group_id, const char *from_on,
		       const char *to_on, struct arena *a, int64_t **person_ids, size_t *n,
		       struct err *err);

struct plan_row {
	int64_t id;
	const char *key, *status, *approved_on, *filed_on, *title;
	int year;
};
/* ST_NOTFOUND when the group has no plan for the year. */
int store_plan_get(struct store *st, int64_t group_id, int year, struct arena *a,
		   struct plan_row *out, struct err *err);

#endif
