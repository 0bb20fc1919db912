-- 0001_domain.sql (PostgreSQL) -- the whole domain of DESIGN.md section 2,
-- restating ../0001_domain.sql: keep the two in step, column for column.
--
-- SQLite's INTEGER PRIMARY KEY is BIGSERIAL here, INTEGER is BIGINT (64-bit
-- as in SQLite) and REAL is DOUBLE PRECISION; booleans stay integers 0/1 and
-- dates and instants stay TEXT, so that both drivers read the same values
-- (db.h). Refusals by triggers raise SQLSTATE 23000, which the driver maps
-- to ST_CONFLICT as SQLite's RAISE(ABORT) is.

-- Raised by BEFORE UPDATE triggers of append-only tables; the message is
-- the trigger's argument.
CREATE FUNCTION plenum_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TABLE org (
	id BIGSERIAL PRIMARY KEY,
	key TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	name_en TEXT,
	timezone TEXT NOT NULL DEFAULT 'Asia/Shanghai',
	utc_offset BIGINT NOT NULL DEFAULT 480,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE setting (
	org_id BIGINT NOT NULL REFERENCES org(id),
	name TEXT NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (org_id, name)
);

CREATE TABLE unit (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	key TEXT NOT NULL,
	name TEXT NOT NULL,
	name_en TEXT,
	kind TEXT NOT NULL,
	parent_id BIGINT REFERENCES unit(id),
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1,
	UNIQUE (org_id, key)
);

CREATE TABLE person (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	key TEXT NOT NULL,
	name TEXT NOT NULL,
	name_en TEXT,
	title TEXT,
	title_en TEXT,
	unit_id BIGINT REFERENCES unit(id),
	external BIGINT NOT NULL DEFAULT 0,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1,
	UNIQUE (org_id, key)
);
CREATE INDEX person_unit ON person(unit_id);

CREATE TABLE app_user (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	login TEXT NOT NULL,
	role TEXT NOT NULL,
	person_id BIGINT REFERENCES person(id),
	unit_id BIGINT REFERENCES unit(id),
	password_hash TEXT,
	disabled BIGINT NOT NULL DEFAULT 0,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1,
	UNIQUE (org_id, login)
);
CREATE UNIQUE INDEX app_user_login ON app_user(login);

CREATE TABLE study_group (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	key TEXT NOT NULL,
	name TEXT NOT NULL,
	name_en TEXT,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1,
	UNIQUE (org_id, key)
);

CREATE TABLE membership (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	group_id BIGINT NOT NULL REFERENCES study_group(id),
	person_id BIGINT NOT NULL REFERENCES person(id),
	role TEXT NOT NULL,
	from_on TEXT,
	to_on TEXT,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX membership_group ON membership(group_id, person_id);
CREATE INDEX membership_person ON membership(person_id);

CREATE TABLE plan (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	key TEXT NOT NULL,
	group_id BIGINT NOT NULL REFERENCES study_group(id),
	year BIGINT NOT NULL,
	title TEXT,
	status TEXT NOT NULL,
	approved_on TEXT,
	approved_by_id BIGINT REFERENCES person(id),
	filed_on TEXT,
	filed_with TEXT,
	note TEXT,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1,
	UNIQUE (org_id, key),
	UNIQUE (group_id, year)
);

CREATE TABLE plan_topic (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	key TEXT NOT NULL,
	plan_id BIGINT NOT NULL REFERENCES plan(id),
	quarter BIGINT NOT NULL,
	title TEXT NOT NULL,
	title_en TEXT,
	materials TEXT,
	research_question TEXT,
	expected_result TEXT,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1,
	UNIQUE (org_id, key)
);
CREATE INDEX plan_topic_plan ON plan_topic(plan_id, quarter);

CREATE TABLE meeting (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	key TEXT NOT NULL,
	group_id BIGINT NOT NULL REFERENCES study_group(id),
	title TEXT NOT NULL,
	title_en TEXT,
	kind TEXT NOT NULL DEFAULT 'collective',
	status TEXT NOT NULL,
	starts_at TEXT NOT NULL,
	ends_at TEXT,
	place TEXT,
	chair_id BIGINT REFERENCES person(id),
	recorder_id BIGINT REFERENCES person(id),
	topic_id BIGINT REFERENCES plan_topic(id),
	summary TEXT,
	summary_en TEXT,
	minutes TEXT,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1,
	UNIQUE (org_id, key)
);
CREATE INDEX meeting_group ON meeting(group_id, starts_at);
CREATE INDEX meeting_org ON meeting(org_id, starts_at);

CREATE TABLE material (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	meeting_id BIGINT NOT NULL REFERENCES meeting(id),
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	title_en TEXT,
	source TEXT,
	note TEXT,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX material_meeting ON material(meeting_id);

CREATE TABLE attendance (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	meeting_id BIGINT NOT NULL REFERENCES meeting(id),
	person_id BIGINT NOT NULL REFERENCES person(id),
	capacity TEXT NOT NULL,
	status TEXT NOT NULL,
	leave_reason TEXT,
	leave_approver_id BIGINT REFERENCES person(id),
	makeup_due TEXT,
	makeup_done TEXT,
	makeup_note TEXT,
	note TEXT,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1,
	UNIQUE (meeting_id, person_id)
);
CREATE INDEX attendance_person ON attendance(person_id);

CREATE TABLE meeting_unit (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	meeting_id BIGINT NOT NULL REFERENCES meeting(id),
	unit_id BIGINT REFERENCES unit(id),
	description TEXT,
	description_en TEXT,
	represented_by TEXT,
	represented_by_en TEXT,
	capacity TEXT NOT NULL DEFAULT 'attendee',
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX meeting_unit_meeting ON meeting_unit(meeting_id);

CREATE TABLE speech (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	key TEXT NOT NULL,
	meeting_id BIGINT NOT NULL REFERENCES meeting(id),
	seq BIGINT NOT NULL,
	kind TEXT NOT NULL,
	speaker_id BIGINT REFERENCES person(id),
	speaker_name TEXT,
	title TEXT,
	title_en TEXT,
	key_points TEXT,
	key_points_en TEXT,
	text TEXT,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1,
	UNIQUE (org_id, key)
);
CREATE INDEX speech_meeting ON speech(meeting_id, seq);
CREATE INDEX speech_speaker ON speech(speaker_id);

CREATE TABLE decision (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	key TEXT NOT NULL,
	meeting_id BIGINT NOT NULL REFERENCES meeting(id),
	number BIGINT NOT NULL,
	text TEXT NOT NULL,
	text_en TEXT,
	speech_id BIGINT REFERENCES speech(id),
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1,
	UNIQUE (org_id, key)
);
CREATE INDEX decision_meeting ON decision(meeting_id, number);

CREATE TABLE paper (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	key TEXT NOT NULL,
	group_id BIGINT NOT NULL REFERENCES study_group(id),
	person_id BIGINT NOT NULL REFERENCES person(id),
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	title_en TEXT,
	submitted_on TEXT NOT NULL,
	meeting_id BIGINT REFERENCES meeting(id),
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1,
	UNIQUE (org_id, key)
);
CREATE INDEX paper_group ON paper(group_id, submitted_on);
CREATE INDEX paper_person ON paper(person_id);

CREATE TABLE initiative (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	key TEXT NOT NULL,
	parent_id BIGINT REFERENCES initiative(id),
	code TEXT NOT NULL,
	title TEXT NOT NULL,
	title_en TEXT,
	goal TEXT,
	goal_en TEXT,
	lead_unit_id BIGINT REFERENCES unit(id),
	weight DOUBLE PRECISION NOT NULL DEFAULT 1,
	starts_on TEXT,
	due_on TEXT,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1,
	UNIQUE (org_id, key)
);
CREATE INDEX initiative_parent ON initiative(parent_id);
CREATE INDEX initiative_org ON initiative(org_id, code);

CREATE TABLE initiative_decision (
	org_id BIGINT NOT NULL REFERENCES org(id),
	initiative_id BIGINT NOT NULL REFERENCES initiative(id),
	decision_id BIGINT NOT NULL REFERENCES decision(id),
	PRIMARY KEY (initiative_id, decision_id)
);
CREATE INDEX initiative_decision_decision ON initiative_decision(decision_id);

CREATE TABLE task (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	key TEXT NOT NULL,
	initiative_id BIGINT NOT NULL REFERENCES initiative(id),
	decision_id BIGINT REFERENCES decision(id),
	code TEXT,
	title TEXT NOT NULL,
	title_en TEXT,
	lead_unit_id BIGINT NOT NULL REFERENCES unit(id),
	responsible_id BIGINT REFERENCES person(id),
	starts_on TEXT NOT NULL,
	due_on TEXT NOT NULL,
	cadence TEXT NOT NULL DEFAULT 'monthly',
	weight DOUBLE PRECISION NOT NULL DEFAULT 1,
	state TEXT NOT NULL DEFAULT 'registered',
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1,
	UNIQUE (org_id, key)
);
CREATE INDEX task_initiative ON task(initiative_id);
CREATE INDEX task_decision ON task(decision_id);
CREATE INDEX task_lead_unit ON task(lead_unit_id, due_on);
CREATE INDEX task_org_due ON task(org_id, due_on);
CREATE INDEX task_org_state ON task(org_id, state);

CREATE TABLE task_unit (
	org_id BIGINT NOT NULL REFERENCES org(id),
	task_id BIGINT NOT NULL REFERENCES task(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	PRIMARY KEY (task_id, unit_id)
);
CREATE INDEX task_unit_unit ON task_unit(unit_id);

CREATE TABLE task_transition (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	task_id BIGINT NOT NULL REFERENCES task(id),
	action TEXT NOT NULL,
	from_state TEXT NOT NULL,
	to_state TEXT NOT NULL,
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	note TEXT,
	illustrative TEXT
);
CREATE INDEX task_transition_task ON task_transition(task_id, id);

CREATE TABLE extension (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	task_id BIGINT NOT NULL REFERENCES task(id),
	requested_at TEXT NOT NULL,
	requested_by TEXT NOT NULL,
	old_due_on TEXT NOT NULL,
	new_due_on TEXT NOT NULL,
	reason TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending',
	decided_at TEXT,
	decided_by TEXT,
	decision_note TEXT,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX extension_task ON extension(task_id, id);

CREATE TABLE progress_report (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	task_id BIGINT NOT NULL REFERENCES task(id),
	reported_on TEXT NOT NULL,
	percent BIGINT NOT NULL,
	done TEXT NOT NULL,
	problems TEXT,
	next_steps TEXT,
	reporter_id BIGINT REFERENCES person(id),
	filed_by TEXT NOT NULL,
	illustrative TEXT
);
CREATE INDEX progress_report_task ON progress_report(task_id, reported_on, id);

-- Progress reports are append-only: a correction is a new report.
CREATE TRIGGER progress_report_no_update BEFORE UPDATE ON progress_report
	FOR EACH ROW EXECUTE FUNCTION plenum_append_only('progress reports are append-only');

CREATE TABLE indicator (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	key TEXT NOT NULL,
	initiative_id BIGINT NOT NULL REFERENCES initiative(id),
	name TEXT NOT NULL,
	name_en TEXT,
	unit_of_measure TEXT NOT NULL,
	direction TEXT NOT NULL DEFAULT 'higher',
	baseline DOUBLE PRECISION,
	baseline_on TEXT,
	target DOUBLE PRECISION NOT NULL,
	target_on TEXT,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1,
	UNIQUE (org_id, key)
);
CREATE INDEX indicator_initiative ON indicator(initiative_id);

CREATE TABLE indicator_value (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	indicator_id BIGINT NOT NULL REFERENCES indicator(id),
	measured_on TEXT NOT NULL,
	value DOUBLE PRECISION NOT NULL,
	source TEXT,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX indicator_value_indicator ON indicator_value(indicator_id, measured_on);

CREATE TABLE audit (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL,
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	entity TEXT NOT NULL,
	row_id BIGINT,
	before TEXT,
	after TEXT,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_org ON audit(org_id, id);
