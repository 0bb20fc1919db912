/*
 * compliance.h -- the rules that govern center-group study, checked for one
 * group and one year (DESIGN.md section 2; rules-and-practice.md U1-U4, P8,
 * P10, P11, P15). Each finding names the rule, the people or meetings
 * concerned and the evidence.
 *
 * Rules (thresholds from struct compliance_rules, defaults in brackets):
 *   quarterly_meeting  at least N held collective meetings per quarter [1]
 *   attendance_rate    each member's attendance rate >= R% [90], counting
 *                      only held meetings while the person was a member.
 *                      Present: an attendance row saying so, or, with no
 *                      row, chairing or speaking at the meeting. With no row
 *                      and the group's members recorded only as a category
 *                      (or the record an excerpt of a published report), the
 *                      meeting is "not itemised" and left out of the rate.
 *   leave_reason       every leave has a reason
 *   leave_approver     every leave has an approver
 *   makeup             every absence or leave has a make-up done within D
 *                      days of the meeting [30]
 *   exchange_speech    at least N speeches per member at the group's meetings
 *                      (keynote, central or exchange; remarks do not count) [1]
 *   paper              at least N written papers per member [1]
 *   plan_filed         the year's plan approved and filed by MM-DD [01-31]
 *   ordinal            the ordinals given to the year's meetings ("the 3rd
 *                      collective study of 2026") are unique (a breach) and
 *                      skip none below the highest (at risk: the record
 *                      lacks that meeting)
 *
 * A rule about a period not over yet (a quarter or year still running, a
 * make-up still within its days) gives no breach; per-year counts that are
 * still short give an "at risk" finding instead. Members are leaders, deputy
 * leaders and members; learning secretaries are staff and are not judged.
 * Pure: the caller gathers the facts, nothing here touches storage or the clock.
 */
#ifndef PLENUM_COMPLIANCE_H
#define PLENUM_COMPLIANCE_H

#include <stddef.h>
#include <stdint.h>

struct arena;

struct compliance_rules {
	int meetings_per_quarter;
	int attendance_rate;        /* percent */
	int makeup_days;
	int exchange_speeches;
	int papers;
	int plan_month, plan_day;   /* filing deadline in the plan's year */
};

struct cf_member {
	int64_t person_id;
	const char *key, *name, *name_en;  /* name_en may be NULL */
	int role;                   /* index in model_member_roles */
	int32_t from_on, to_on;     /* DATE_NONE when open */
};

struct cf_meeting {
	int64_t id;
	const char *key, *title, *title_en;  /* title_en may be NULL */
	int32_t day;
	int held;                   /* status is held */
	int members_category;       /* cannot tell absences: members as a category, or an excerpt */
	int ordinal;                /* "the Nth collective study of the year"; 0: not given */
};

struct cf_attendance {
	int64_t meeting_id, person_id;
	int status;                 /* index in model_attendance */
	int has_reason, has_approver;
	int32_t makeup_done;        /* DATE_NONE when not done */
};

struct cf_speech {
	int64_t person_id;
	int kind;                   /* index in model_speech_kinds */
};

/* Evidence that a person was at a meeting besides an attendance row: the
 * person chaired it (or a host body's part, or a session) or spoke at it. */
struct cf_presence {
	int64_t meeting_id, person_id;
};

struct cf_paper {
	int64_t person_id;
};

struct cf_plan {
	int exists;
	int status;                 /* 0 draft, 1 approved, 2 filed */
	int32_t approved_on, filed_on;
};

struct compliance_input {
	int year;
	int32_t today;
	const struct cf_member *members; size_t nmembers;
	const struct cf_meeting *meetings; size_t nmeetings;   /* of the group in the year */
	const struct cf_attendance *attendance; size_t nattendance;
	const struct cf_speech *speeches; size_t nspeeches;    /* at the group's meetings in the year */
	const struct cf_paper *papers; size_t npapers;         /* submitted in the year */
	struct cf_plan plan;
	const struct cf_presence *presence; size_t npresence;
};

enum finding_severity { FINDING_BREACH, FINDING_AT_RISK };

struct finding {
	const char *rule;           /* "attendance_rate" */
	enum finding_severity severity;
	const char *subject;        /* who or what: a name, a meeting, "Q2" */
	const char *message;        /* English */
	const char *message_zh;
	const char *evidence;       /* the facts the finding rests on, English */
	const char *evidence_zh;
};

/* One member's year, the numbers the rules judge. */
struct member_stat {
	int64_t person_id;
	const char *key, *name, *name_en;
	int role;                   /* index in model_member_roles */
	int eligible;               /* held meetings while a member, up to today */
	int present, leave, absent; /* absent includes "not recorded" */
	int not_itemised;           /* meetings whose record cannot tell (members as a category) */
	int speeches, papers;
};

struct findings {
	struct finding *items;
	size_t n, cap;
	struct member_stat *members;  /* one per judged person */
	size_t nmembers;
	/* the numbers behind the findings, for reports */
	int meetings_held, meetings_planned;
};

void compliance_rules_default(struct compliance_rules *r);

/* Judges the input; appends findings to *out, every string in arena. */
void compliance_check(const struct compliance_input *in, const struct compliance_rules *r,
		      struct arena *arena, struct findings *out);

#endif
