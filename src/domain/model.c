/*
 * model.c -- the data dictionary (see model.h). Keep it in step with
 * src/store/migrations/: tests/unit/test_store.c checks that every column
 * named here exists.
 */
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "workflow.h"
#include "../core/limits.h"
#include "../core/banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define KEY { "key", F_KEY, FF_REQUIRED, 1, LIM_KEY_CHARS, NULL, NULL, NULL, NULL, NULL, NULL }
#define TEXT(n, fl, max) { n, F_TEXT, fl, 0, max, NULL, NULL, NULL, NULL, NULL, NULL }
#define NAME(n, fl) TEXT(n, fl, LIM_NAME_CHARS)
#define NOTE(n) TEXT(n, 0, LIM_NOTE_CHARS)
#define LONG(n) TEXT(n, 0, LIM_TEXT_CHARS)
#define INT(n, fl, lo, hi) { n, F_INT, fl, lo, hi, NULL, NULL, NULL, NULL, NULL, NULL }
#define REAL(n, fl, lo, hi) { n, F_REAL, fl, lo, hi, NULL, NULL, NULL, NULL, NULL, NULL }
#define BOOL(n) { n, F_BOOL, 0, 0, 1, NULL, NULL, NULL, NULL, NULL, NULL }
#define DATE(n, fl) { n, F_DATE, fl, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL }
#define DATETIME(n, fl) { n, F_DATETIME, fl, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL }
#define ENUM(n, fl, v) { n, F_ENUM, fl, 0, 0, NULL, v, NULL, NULL, NULL, NULL }
#define REF(n, fl, e) { n, F_REF, fl, 0, 0, e, NULL, NULL, NULL, NULL, NULL }
#define REFS(n, e, t, o, r) { n, F_REFS, 0, 0, LIM_LIST_ITEMS, e, NULL, t, o, r, NULL }
#define STRLIST(n) { n, F_STRLIST, 0, 0, LIM_NOTE_CHARS, NULL, NULL, NULL, NULL, NULL, NULL }
#define ENUMD(n, v, d) { n, F_ENUM, 0, 0, 0, NULL, v, NULL, NULL, NULL, "\"" d "\"" }
#define REALD(n, lo, hi, d) { n, F_REAL, 0, lo, hi, NULL, NULL, NULL, NULL, NULL, d }
#define BOOLD(n) { n, F_BOOL, 0, 0, 1, NULL, NULL, NULL, NULL, NULL, "false" }
#define INFERRED STRLIST("inferred")
/* Provenance: where a record was read (a document or URL, the outlet, its
 * reporters -- kept apart from attendees --, the publication date, an excerpt
 * or the complete text). One line gives a record kind all of it; its
 * migration adds the same columns (0007 for meetings, 0012 for the rest). */
#define SOURCE NAME("source_title", 0), TEXT("source_url", 0, LIM_NOTE_CHARS), NAME("outlet", 0), \
	STRLIST("reporters"), DATE("published_on", 0), ENUM("source_extent", 0, source_extents)
#define ILLUS { "illustrative", F_ILLUS, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL }

const char *const model_member_roles[] = {
	[MR_LEADER] = "leader", [MR_DEPUTY] = "deputy", [MR_MEMBER] = "member", [MR_SECRETARY] = "secretary",
	[MR_COUNT] = NULL,
};
const char *const model_capacities[] = {
	[CAP_MEMBER] = "member", [CAP_ATTENDEE] = "attendee", [CAP_OBSERVER] = "observer", [CAP_COUNT] = NULL,
};
const char *const model_attendance[] = {
	[AT_PRESENT] = "present", [AT_ABSENT] = "absent", [AT_LEAVE] = "leave", [AT_COUNT] = NULL,
};
const char *const model_speech_kinds[] = {
	[SK_KEYNOTE] = "keynote", [SK_CENTRAL] = "central", [SK_EXCHANGE] = "exchange", [SK_REMARKS] = "remarks",
	[SK_LECTURE] = "lecture", [SK_COUNT] = NULL,
};
const char *const model_task_states[] = {
	[TS_REGISTERED] = "registered", [TS_DISPATCHED] = "dispatched", [TS_ACKNOWLEDGED] = "acknowledged",
	[TS_IN_PROGRESS] = "in_progress", [TS_COMPLETION_REPORTED] = "completion_reported",
	[TS_RETURNED] = "returned", [TS_CLOSED] = "closed", [TS_COUNT] = NULL,
};
const char *const model_due_kinds[] = {
	[DK_DATE] = "date", [DK_PERIOD] = "period", [DK_ASAP] = "asap", [DK_UNSET] = "unset", [DK_COUNT] = NULL,
};
const char *const model_due_precisions[] = {
	[DP_YEAR] = "year", [DP_HALF] = "half", [DP_QUARTER] = "quarter", [DP_MONTH] = "month", [DP_COUNT] = NULL,
};
_Static_assert(N(model_due_kinds) == DK_COUNT + 1, "model_due_kinds and enum due_kind differ");
_Static_assert(N(model_due_precisions) == DP_COUNT + 1, "model_due_precisions and enum due_precision differ");
_Static_assert(N(model_member_roles) == MR_COUNT + 1, "model_member_roles and enum member_role differ");
_Static_assert(N(model_capacities) == CAP_COUNT + 1, "model_capacities and enum capacity differ");
_Static_assert(N(model_attendance) == AT_COUNT + 1, "model_attendance and enum attendance_status differ");
_Static_assert(N(model_speech_kinds) == SK_COUNT + 1, "model_speech_kinds and enum speech_kind differ");
_Static_assert(N(model_task_states) == TS_COUNT + 1, "model_task_states and enum task_state differ");
const char *const model_cadences[] = { "none", "weekly", "monthly", "quarterly", "half_yearly", NULL };
const char *const model_user_roles[] = { "admin", "secretary", "member", "reporter", "observer", "viewer", NULL };

static const char *const unit_kinds[] = {
	"party", "government", "court", "procuratorate", "district", "enterprise",
	"institution", "category", "other", NULL
};
static const char *const plan_status[] = { "draft", "approved", "filed", NULL };
static const char *const meeting_kinds[] = { "collective", "expanded", "special", "seminar", "lecture", NULL };
/* How precise a meeting's time is: the source gives a clock time, a part of
 * the day, or only the date (starts_at then holds local noon or the part's
 * conventional hour, never shown). */
const char *const model_time_precisions[] = { "time", "part_of_day", "date", NULL };
const char *const model_parts_of_day[] = { "morning", "afternoon", "evening", NULL };
static const char *const source_extents[] = { "excerpt", "complete", NULL };
const char *const model_clause_kinds[] = { "decision", "requirement", "emphasis", NULL };
static const char *const meeting_status[] = { "planned", "held", "cancelled", NULL };
static const char *const material_kinds[] = { "speech", "document", "book", "article", "video", "other", NULL };
static const char *const paper_kinds[] = { "research_report", "article", "reflection", NULL };
static const char *const ext_status[] = { "pending", "approved", "refused", NULL };
static const char *const directions[] = { "higher", "lower", NULL };

static const struct field org_fields[] = {
	KEY, NAME("name", FF_REQUIRED), NAME("name_en", 0), { "timezone", F_TEXT, 0, 0, 64, NULL, NULL, NULL, NULL, NULL, "\"Asia/Shanghai\"" },
	{ "utc_offset", F_INT, 0, -720, 840, NULL, NULL, NULL, NULL, NULL, "480" }, ILLUS,
};
static const struct field unit_fields[] = {
	KEY, NAME("name", FF_REQUIRED), NAME("name_en", 0), ENUM("kind", FF_REQUIRED, unit_kinds),
	REF("parent", 0, "unit"), ILLUS,
};
static const struct field person_fields[] = {
	KEY, NAME("name", FF_REQUIRED), NAME("name_en", 0), NAME("title", 0), NAME("title_en", 0),
	REF("unit", 0, "unit"), BOOLD("external"), INFERRED, SOURCE, ILLUS,
};
static const struct field post_fields[] = {
	NAME("title", FF_REQUIRED), NAME("title_en", 0), DATE("from_on", 0), DATE("to_on", 0), INFERRED, SOURCE, ILLUS,
};
static const struct field user_fields[] = {
	{ "login", F_KEY, FF_REQUIRED, 1, LIM_KEY_CHARS, NULL, NULL, NULL, NULL, NULL, NULL },
	ENUM("role", FF_REQUIRED, model_user_roles), REF("person", 0, "person"), REF("unit", 0, "unit"),
	TEXT("password_hash", FF_NOEXPORT, 256), BOOLD("disabled"), ILLUS,
};
static const struct field group_fields[] = {
	KEY, NAME("name", FF_REQUIRED), NAME("name_en", 0), ILLUS,
};
static const struct field member_fields[] = {
	REF("person", FF_REQUIRED, "person"), ENUM("role", FF_REQUIRED, model_member_roles),
	DATE("from_on", 0), DATE("to_on", 0), ILLUS,
};
static const struct field plan_fields[] = {
	KEY, REF("group", FF_REQUIRED, "group"), INT("year", FF_REQUIRED, LIM_YEAR_MIN, LIM_YEAR_MAX),
	NAME("title", 0), ENUM("status", FF_REQUIRED, plan_status), DATE("approved_on", 0),
	REF("approved_by", 0, "person"), DATE("filed_on", 0), NAME("filed_with", 0), NOTE("note"), ILLUS,
};
static const struct field topic_fields[] = {
	KEY, INT("quarter", FF_REQUIRED, 1, 4), NAME("title", FF_REQUIRED), NAME("title_en", 0),
	NOTE("materials"), NOTE("research_question"), NOTE("expected_result"), ILLUS,
};
static const struct field meeting_fields[] = {
	KEY, REF("group", FF_REQUIRED, "group"), NAME("title", FF_REQUIRED), NAME("title_en", 0),
	ENUMD("kind", meeting_kinds, "collective"), ENUM("status", FF_REQUIRED, meeting_status),
	DATETIME("starts_at", FF_REQUIRED), DATETIME("ends_at", 0), NAME("place", 0),
	REF("chair", 0, "person"), REF("recorder", 0, "person"), REF("topic", 0, "topic"),
	NOTE("summary"), NOTE("summary_en"), LONG("minutes"),
	ENUMD("time_precision", model_time_precisions, "time"), ENUM("part_of_day", 0, model_parts_of_day),
	DATE("ends_on", 0), REAL("duration_days", 0, 0, 366), INT("ordinal", 0, 1, 1000),
	NAME("chair_title", 0), NAME("chair_title_en", 0), INFERRED, SOURCE, ILLUS,
};
static const struct field host_fields[] = {
	REF("group", 0, "group"), REF("unit", 0, "unit"), NAME("description", 0), NAME("description_en", 0),
	REF("chair", 0, "person"), NAME("chair_title", 0), NAME("chair_title_en", 0), INFERRED, ILLUS,
};
static const struct field session_fields[] = {
	INT("seq", FF_REQUIRED, 1, 1000), NAME("title", 0), NAME("title_en", 0), DATE("held_on", 0),
	ENUM("part_of_day", 0, model_parts_of_day), REF("chair", 0, "person"), NAME("chair_title", 0),
	NAME("chair_title_en", 0), INFERRED, ILLUS,
};
static const struct field material_fields[] = {
	ENUM("kind", FF_REQUIRED, material_kinds), NAME("title", FF_REQUIRED), NAME("title_en", 0),
	NAME("source", 0), NOTE("note"), ILLUS,
};
static const struct field attendance_fields[] = {
	REF("person", FF_REQUIRED, "person"), ENUM("capacity", FF_REQUIRED, model_capacities),
	ENUM("status", FF_REQUIRED, model_attendance), NOTE("leave_reason"),
	REF("leave_approver", 0, "person"), DATE("makeup_due", 0), DATE("makeup_done", 0),
	NOTE("makeup_note"), NOTE("note"), NAME("title", 0), NAME("title_en", 0), INFERRED, ILLUS,
};
static const struct field meeting_unit_fields[] = {
	REF("unit", 0, "unit"), NAME("description", 0), NAME("description_en", 0),
	NAME("represented_by", 0), NAME("represented_by_en", 0),
	ENUMD("capacity", model_capacities, "attendee"), REF("group", 0, "group"), BOOLD("all_members"),
	INT("count", 0, 1, 100000), INFERRED, ILLUS,
};
static const struct field speech_fields[] = {
	KEY, INT("seq", FF_REQUIRED, 1, 1000), ENUM("kind", FF_REQUIRED, model_speech_kinds),
	REF("speaker", 0, "person"), NAME("speaker_name", 0), NAME("title", 0), NAME("title_en", 0),
	STRLIST("key_points"), STRLIST("key_points_en"), LONG("text"), REF("speaker_unit", 0, "unit"),
	NAME("speaker_category", 0), NAME("speaker_category_en", 0), BOOLD("unattributed"),
	NAME("speaker_title", 0), NAME("speaker_title_en", 0), INFERRED, SOURCE, ILLUS,
};
static const struct field decision_fields[] = {
	KEY, INT("number", FF_REQUIRED, 1, 1000), TEXT("text", FF_REQUIRED, LIM_NOTE_CHARS),
	TEXT("text_en", 0, LIM_NOTE_CHARS), REF("speech", 0, "speech"), ENUMD("kind", model_clause_kinds, "decision"),
	REF("body", 0, "unit"), INFERRED, SOURCE, ILLUS,
};
static const struct field paper_fields[] = {
	KEY, REF("group", FF_REQUIRED, "group"), REF("person", FF_REQUIRED, "person"),
	ENUM("kind", FF_REQUIRED, paper_kinds), NAME("title", FF_REQUIRED), NAME("title_en", 0),
	DATE("submitted_on", FF_REQUIRED), REF("meeting", 0, "meeting"), ILLUS,
};
static const struct field initiative_fields[] = {
	KEY, REF("parent", 0, "initiative"), TEXT("code", FF_REQUIRED, 32), NAME("title", FF_REQUIRED),
	NAME("title_en", 0), NOTE("goal"), NOTE("goal_en"), REF("lead_unit", 0, "unit"),
	REALD("weight", 0, 1000000, "1.0"), DATE("starts_on", 0), DATE("due_on", 0),
	REFS("decisions", "decision", "initiative_decision", "initiative_id", "decision_id"), INFERRED, SOURCE, ILLUS,
};
static const struct field task_fields[] = {
	KEY, REF("initiative", FF_REQUIRED, "initiative"), REF("decision", 0, "decision"),
	TEXT("code", 0, 32), NAME("title", FF_REQUIRED), NAME("title_en", 0),
	REF("lead_unit", FF_REQUIRED, "unit"),
	REFS("supporting_units", "unit", "task_unit", "task_id", "unit_id"),
	REF("responsible", 0, "person"), DATE("starts_on", FF_REQUIRED), DATE("due_on", 0),
	ENUMD("due_kind", model_due_kinds, "date"), DATE("due_from", 0), ENUM("due_precision", 0, model_due_precisions),
	ENUMD("cadence", model_cadences, "monthly"), REALD("weight", 0, 1000000, "1.0"),
	ENUMD("state", model_task_states, "registered"), INFERRED, SOURCE, ILLUS,
};
static const struct field transition_fields[] = {
	NAME("action", FF_REQUIRED), ENUM("from_state", FF_REQUIRED, model_task_states),
	ENUM("to_state", FF_REQUIRED, model_task_states), DATETIME("at", FF_REQUIRED),
	NAME("actor", FF_REQUIRED), NOTE("note"), ILLUS,
};
static const struct field extension_fields[] = {
	DATETIME("requested_at", FF_REQUIRED), NAME("requested_by", FF_REQUIRED),
	DATE("old_due_on", FF_REQUIRED), DATE("new_due_on", FF_REQUIRED), NOTE("reason"),
	ENUM("status", FF_REQUIRED, ext_status), DATETIME("decided_at", 0), NAME("decided_by", 0),
	NOTE("decision_note"), ILLUS,
};
static const struct field report_fields[] = {
	DATE("reported_on", FF_REQUIRED), INT("percent", FF_REQUIRED, 0, 100),
	TEXT("done", FF_REQUIRED, LIM_NOTE_CHARS), NOTE("problems"), NOTE("next_steps"),
	REF("reporter", 0, "person"), NAME("filed_by", FF_REQUIRED), DATE("period_from", 0), DATE("period_to", 0), ILLUS,
};
static const struct field feedback_fields[] = {
	DATE("written_on", FF_REQUIRED), TEXT("text", FF_REQUIRED, LIM_NOTE_CHARS), NAME("filed_by", FF_REQUIRED), ILLUS,
};
static const struct field indicator_fields[] = {
	KEY, REF("initiative", FF_REQUIRED, "initiative"), NAME("name", FF_REQUIRED), NAME("name_en", 0),
	NAME("unit_of_measure", FF_REQUIRED), ENUMD("direction", directions, "higher"),
	REAL("baseline", 0, -1e15, 1e15), DATE("baseline_on", 0), REAL("target", FF_REQUIRED, -1e15, 1e15),
	DATE("target_on", 0), ILLUS,
};
static const struct field value_fields[] = {
	DATE("measured_on", FF_REQUIRED), REAL("value", FF_REQUIRED, -1e15, 1e15), NAME("source", 0), ILLUS,
};

#define ENT(name, list, table, parent, pcol, key, f) { name, list, table, parent, pcol, key, f, N(f), 0 }
#define ENTA(name, list, table, parent, pcol, f) { name, list, table, parent, pcol, NULL, f, N(f), EF_APPEND_ONLY }

const struct entity model_entities[] = {
	ENT("unit", "units", "unit", NULL, NULL, "key", unit_fields),
	ENT("person", "persons", "person", NULL, NULL, "key", person_fields),
	ENT("post", "posts", "post", "person", "person_id", NULL, post_fields),
	ENT("user", "users", "app_user", NULL, NULL, "login", user_fields),
	ENT("group", "groups", "study_group", NULL, NULL, "key", group_fields),
	ENT("membership", "members", "membership", "group", "group_id", NULL, member_fields),
	ENT("plan", "plans", "plan", NULL, NULL, "key", plan_fields),
	ENT("topic", "topics", "plan_topic", "plan", "plan_id", "key", topic_fields),
	ENT("meeting", "meetings", "meeting", NULL, NULL, "key", meeting_fields),
	ENT("host", "hosts", "meeting_host", "meeting", "meeting_id", NULL, host_fields),
	ENT("session", "sessions", "meeting_session", "meeting", "meeting_id", NULL, session_fields),
	ENT("material", "materials", "material", "meeting", "meeting_id", NULL, material_fields),
	ENT("attendance", "attendance", "attendance", "meeting", "meeting_id", NULL, attendance_fields),
	ENT("meeting_unit", "units", "meeting_unit", "meeting", "meeting_id", NULL, meeting_unit_fields),
	ENT("speech", "speeches", "speech", "meeting", "meeting_id", "key", speech_fields),
	ENT("decision", "decisions", "decision", "meeting", "meeting_id", "key", decision_fields),
	ENTA("feedback", "feedback", "meeting_feedback", "meeting", "meeting_id", feedback_fields),
	ENT("paper", "papers", "paper", NULL, NULL, "key", paper_fields),
	ENT("initiative", "initiatives", "initiative", NULL, NULL, "key", initiative_fields),
	ENT("task", "tasks", "task", NULL, NULL, "key", task_fields),
	ENTA("transition", "transitions", "task_transition", "task", "task_id", transition_fields),
	ENT("extension", "extensions", "extension", "task", "task_id", NULL, extension_fields),
	ENTA("report", "reports", "progress_report", "task", "task_id", report_fields),
	ENT("indicator", "indicators", "indicator", NULL, NULL, "key", indicator_fields),
	ENT("indicator_value", "values", "indicator_value", "indicator", "indicator_id", NULL, value_fields),
};
const size_t model_nentities = N(model_entities);

/* The org row itself, described for the importer and exporter. */
const struct entity model_org = ENT("org", "org", "org", NULL, NULL, "key", org_fields);

const struct entity *model_entity(const char *name)
{
	if (strcmp(name, "org") == 0)
		return &model_org;
	for (size_t i = 0; i < model_nentities; i++)
		if (strcmp(model_entities[i].name, name) == 0)
			return &model_entities[i];
	return NULL;
}

const struct field *model_field(const struct entity *e, const char *name)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].name, name) == 0)
			return &e->fields[i];
	return NULL;
}

int model_enum_index(const struct field *f, const char *value)
{
	for (int i = 0; f->values && f->values[i]; i++)
		if (strcmp(f->values[i], value) == 0)
			return i;
	return -1;
}

const char *model_column(const struct field *f, char *buf, size_t size)
{
	if (f->type == F_REF)
		snprintf(buf, size, "%s_id", f->name);
	else
		snprintf(buf, size, "%s", f->name);
	return buf;
}

int model_is_column(const struct field *f)
{
	return f->type != F_REFS;
}
