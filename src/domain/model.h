/*
 * model.h -- the data dictionary: every entity of the domain, its fields,
 * their types, limits and references.
 *
 * One table describes what a meeting, a task or an indicator *is*, and the
 * importer, the exporter and the store all read it: the importer to validate a
 * document and name the JSON path of every problem, the exporter to write the
 * same shape back, the store to build its generic insert and scan statements.
 * A field's JSON name is its column name, except references, whose column is
 * the name plus "_id" and whose JSON value is the referenced row's key.
 *
 * It is NOT an ORM: services read and write through the hand-written queries
 * of store.h; this table only describes rows.
 */
#ifndef PLENUM_MODEL_H
#define PLENUM_MODEL_H

#include <stddef.h>

enum ftype {
	F_KEY,        /* the row's external key: text, unique per org and entity */
	F_TEXT,       /* UTF-8, at most maxlen characters */
	F_INT,        /* integer in [min, max] */
	F_REAL,       /* finite number in [min, max] */
	F_BOOL,       /* true / false, stored 0 / 1 */
	F_DATE,       /* "YYYY-MM-DD" */
	F_DATETIME,   /* ISO 8601 with zone, stored UTC */
	F_ENUM,       /* one of values[] */
	F_REF,        /* key of a row of `ref` */
	F_REFS,       /* list of keys of `ref`, stored in a link table */
	F_STRLIST,    /* list of strings, stored as a JSON array */
	F_ILLUS,      /* true, or a list of this entity's field names */
};

enum fflag {
	FF_REQUIRED = 1,   /* must be present and not null */
	FF_NOEXPORT = 2,   /* accepted on import, never written back: secrets (a password hash) */
};

struct field {
	const char *name;
	enum ftype type;
	unsigned flags;
	long long min, max;            /* F_INT, F_REAL range; F_TEXT max chars */
	const char *ref;               /* F_REF, F_REFS: the entity referred to */
	const char *const *values;     /* F_ENUM: NULL-terminated */
	const char *link_table;        /* F_REFS: table, owner column, ref column */
	const char *link_owner;
	const char *link_ref;
	const char *def;               /* value stored when the field is absent, as JSON text */
};

struct entity {
	const char *name;              /* "meeting" */
	const char *list;              /* JSON name of the list: "meetings", or under the parent "speeches" */
	const char *table;             /* SQL table */
	const char *parent;            /* entity this one nests under, or NULL */
	const char *parent_col;        /* column naming the parent row */
	const char *key_field;         /* name of the F_KEY field, or NULL */
	const struct field *fields;
	size_t nfields;
	unsigned flags;                /* enum entity_flag */
};

enum entity_flag {
	EF_APPEND_ONLY = 1,            /* no version column; rows are never updated or deleted */
};

/* Entities in dependency order: a row only refers to entities listed
 * earlier, or to its own entity (initiative.parent). */
extern const struct entity model_entities[];
extern const size_t model_nentities;
/* The org row itself: the document's top object, not in the list above. */
extern const struct entity model_org;

const struct entity *model_entity(const char *name);
const struct field *model_field(const struct entity *e, const char *name);
int model_enum_index(const struct field *f, const char *value);   /* -1 when absent */
/* The column of a stored field into buf ("chair" -> "chair_id"). */
const char *model_column(const struct field *f, char *buf, size_t size);
/* 1 when the field has its own column in the entity's table. */
int model_is_column(const struct field *f);

/* Enumerations the rules share with the data dictionary: the index of each
 * value in its list below. model.c builds the lists from these names with
 * designated initializers and static asserts, so they cannot drift. */
enum member_role { MR_LEADER, MR_DEPUTY, MR_MEMBER, MR_SECRETARY, MR_COUNT };
enum capacity { CAP_MEMBER, CAP_ATTENDEE, CAP_OBSERVER, CAP_COUNT };
enum attendance_status { AT_PRESENT, AT_ABSENT, AT_LEAVE, AT_COUNT };
enum speech_kind { SK_KEYNOTE, SK_CENTRAL, SK_EXCHANGE, SK_REMARKS, SK_LECTURE, SK_COUNT };
/* A task's deadline (domain/deadline.h): a date, a period, as soon as
 * possible, not set yet; a period's precision. */
enum due_kind { DK_DATE, DK_PERIOD, DK_ASAP, DK_UNSET, DK_COUNT };
enum due_precision { DP_YEAR, DP_HALF, DP_QUARTER, DP_MONTH, DP_COUNT };

/* Enumerations the services share with the data dictionary. */
extern const char *const model_member_roles[];     /* leader deputy member secretary */
extern const char *const model_capacities[];       /* member attendee observer */
extern const char *const model_attendance[];       /* present absent leave */
extern const char *const model_speech_kinds[];     /* keynote central exchange remarks lecture */
extern const char *const model_task_states[];
extern const char *const model_time_precisions[];  /* time part_of_day date */
extern const char *const model_parts_of_day[];     /* morning afternoon evening */
extern const char *const model_clause_kinds[];     /* decision requirement emphasis */
extern const char *const model_cadences[];
extern const char *const model_due_kinds[];        /* date period asap unset */
extern const char *const model_due_precisions[];   /* year half quarter month */
extern const char *const model_user_roles[];

#endif
