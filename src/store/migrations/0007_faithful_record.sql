-- 0007_faithful_record.sql -- hold a published meeting report as it is:
-- dated posts (titles as of a date), the title each person held at a meeting
-- (a snapshot taken when recorded, correctable), dates at the precision the
-- source gives, facts marked inferred, several host bodies and sessions,
-- attendance by category with a count, speeches by a unit or a category,
-- decision clauses with a kind and an attribution, and the provenance of a
-- record. docs/ARCHITECTURE.md (data model) and docs/REPORTS.md describe them.

-- The audit triggers are generated again from the schema after every
-- migration (store_audit_triggers); the old ones go first, so that filling
-- the new columns of rows already on record below is not taken for a change
-- made outside plenum.
DROP TRIGGER IF EXISTS audit_attendance_upd;
DROP TRIGGER IF EXISTS audit_speech_upd;
DROP TRIGGER IF EXISTS audit_meeting_upd;

-- A person's posts with their dates: the title as of a day.
CREATE TABLE post (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES org(id),
	person_id INTEGER NOT NULL REFERENCES person(id),
	title TEXT NOT NULL,
	title_en TEXT,
	from_on TEXT,
	to_on TEXT,
	inferred TEXT,
	illustrative TEXT,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX post_person ON post(person_id, from_on);

-- The meeting: precision of its time, its span, its ordinal in the year,
-- the chair's title at the time, marks of inference, provenance.
ALTER TABLE meeting ADD COLUMN time_precision TEXT NOT NULL DEFAULT 'time';
ALTER TABLE meeting ADD COLUMN part_of_day TEXT;
ALTER TABLE meeting ADD COLUMN ends_on TEXT;
ALTER TABLE meeting ADD COLUMN duration_days REAL;
ALTER TABLE meeting ADD COLUMN ordinal INTEGER;
ALTER TABLE meeting ADD COLUMN chair_title TEXT;
ALTER TABLE meeting ADD COLUMN chair_title_en TEXT;
ALTER TABLE meeting ADD COLUMN inferred TEXT;
ALTER TABLE meeting ADD COLUMN source_title TEXT;
ALTER TABLE meeting ADD COLUMN source_url TEXT;
ALTER TABLE meeting ADD COLUMN outlet TEXT;
ALTER TABLE meeting ADD COLUMN reporters TEXT;
ALTER TABLE meeting ADD COLUMN published_on TEXT;
ALTER TABLE meeting ADD COLUMN source_extent TEXT;

-- The bodies that held a meeting together (a group, or a body such as the
-- Standing Committee, recorded as a unit), each with its own chair.
CREATE TABLE meeting_host (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES org(id),
	meeting_id INTEGER NOT NULL REFERENCES meeting(id),
	group_id INTEGER REFERENCES study_group(id),
	unit_id INTEGER REFERENCES unit(id),
	description TEXT,
	description_en TEXT,
	chair_id INTEGER REFERENCES person(id),
	chair_title TEXT,
	chair_title_en TEXT,
	inferred TEXT,
	illustrative TEXT,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX meeting_host_meeting ON meeting_host(meeting_id);

-- Sessions of a multi-day event, each with its own day, part of day and chair.
CREATE TABLE meeting_session (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES org(id),
	meeting_id INTEGER NOT NULL REFERENCES meeting(id),
	seq INTEGER NOT NULL,
	title TEXT,
	title_en TEXT,
	held_on TEXT,
	part_of_day TEXT,
	chair_id INTEGER REFERENCES person(id),
	chair_title TEXT,
	chair_title_en TEXT,
	inferred TEXT,
	illustrative TEXT,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX meeting_session_meeting ON meeting_session(meeting_id, seq);

-- The title each attendee and speaker held at the meeting.
ALTER TABLE attendance ADD COLUMN title TEXT;
ALTER TABLE attendance ADD COLUMN title_en TEXT;
ALTER TABLE attendance ADD COLUMN inferred TEXT;

-- Attendance by category: the members of a group (unnamed), all members of a
-- body, a role of units; with a count when the source gives one.
ALTER TABLE meeting_unit ADD COLUMN group_id INTEGER REFERENCES study_group(id);
ALTER TABLE meeting_unit ADD COLUMN all_members INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meeting_unit ADD COLUMN count INTEGER;
ALTER TABLE meeting_unit ADD COLUMN inferred TEXT;

-- Speeches by a unit, by a category of people, or unattributed.
ALTER TABLE speech ADD COLUMN speaker_unit_id INTEGER REFERENCES unit(id);
ALTER TABLE speech ADD COLUMN speaker_category TEXT;
ALTER TABLE speech ADD COLUMN speaker_category_en TEXT;
ALTER TABLE speech ADD COLUMN unattributed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE speech ADD COLUMN speaker_title TEXT;
ALTER TABLE speech ADD COLUMN speaker_title_en TEXT;
ALTER TABLE speech ADD COLUMN inferred TEXT;

-- Decision clauses: a decision, a requirement or an emphasis, attributed to
-- the meeting (default), a speech (speech_id) or a body (body_id).
ALTER TABLE decision ADD COLUMN kind TEXT NOT NULL DEFAULT 'decision';
ALTER TABLE decision ADD COLUMN body_id INTEGER REFERENCES unit(id);
ALTER TABLE decision ADD COLUMN inferred TEXT;

-- Titles as of the meeting day: the post covering that day; when the person
-- has no dated post at all, the undated title of the person row. Taken when
-- the row is written without a title (or its person changes); never again,
-- so a promotion entered later changes no past record.
CREATE TRIGGER attendance_title_on_insert AFTER INSERT ON attendance
WHEN NEW.person_id IS NOT NULL AND NEW.title IS NULL AND NEW.title_en IS NULL
BEGIN
	UPDATE attendance SET
		title = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.person_id)
			THEN (SELECT title FROM post WHERE person_id = NEW.person_id
			      AND coalesce(from_on, '') <= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id) AND coalesce(to_on, '9999') >= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id)
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title FROM person WHERE id = NEW.person_id) END,
		title_en = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.person_id)
			THEN (SELECT title_en FROM post WHERE person_id = NEW.person_id
			      AND coalesce(from_on, '') <= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id) AND coalesce(to_on, '9999') >= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id)
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title_en FROM person WHERE id = NEW.person_id) END
	WHERE id = NEW.id;
END;

CREATE TRIGGER attendance_title_on_new_person AFTER UPDATE OF person_id ON attendance
WHEN NEW.person_id IS NOT NULL AND NEW.person_id IS NOT OLD.person_id
	AND NEW.title IS OLD.title AND NEW.title_en IS OLD.title_en
BEGIN
	UPDATE attendance SET
		title = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.person_id)
			THEN (SELECT title FROM post WHERE person_id = NEW.person_id
			      AND coalesce(from_on, '') <= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id) AND coalesce(to_on, '9999') >= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id)
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title FROM person WHERE id = NEW.person_id) END,
		title_en = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.person_id)
			THEN (SELECT title_en FROM post WHERE person_id = NEW.person_id
			      AND coalesce(from_on, '') <= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id) AND coalesce(to_on, '9999') >= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id)
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title_en FROM person WHERE id = NEW.person_id) END
	WHERE id = NEW.id;
END;

CREATE TRIGGER speech_title_on_insert AFTER INSERT ON speech
WHEN NEW.speaker_id IS NOT NULL AND NEW.speaker_title IS NULL AND NEW.speaker_title_en IS NULL
BEGIN
	UPDATE speech SET
		speaker_title = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.speaker_id)
			THEN (SELECT title FROM post WHERE person_id = NEW.speaker_id
			      AND coalesce(from_on, '') <= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id) AND coalesce(to_on, '9999') >= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id)
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title FROM person WHERE id = NEW.speaker_id) END,
		speaker_title_en = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.speaker_id)
			THEN (SELECT title_en FROM post WHERE person_id = NEW.speaker_id
			      AND coalesce(from_on, '') <= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id) AND coalesce(to_on, '9999') >= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id)
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title_en FROM person WHERE id = NEW.speaker_id) END
	WHERE id = NEW.id;
END;

CREATE TRIGGER speech_title_on_new_person AFTER UPDATE OF speaker_id ON speech
WHEN NEW.speaker_id IS NOT NULL AND NEW.speaker_id IS NOT OLD.speaker_id
	AND NEW.speaker_title IS OLD.speaker_title AND NEW.speaker_title_en IS OLD.speaker_title_en
BEGIN
	UPDATE speech SET
		speaker_title = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.speaker_id)
			THEN (SELECT title FROM post WHERE person_id = NEW.speaker_id
			      AND coalesce(from_on, '') <= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id) AND coalesce(to_on, '9999') >= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id)
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title FROM person WHERE id = NEW.speaker_id) END,
		speaker_title_en = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.speaker_id)
			THEN (SELECT title_en FROM post WHERE person_id = NEW.speaker_id
			      AND coalesce(from_on, '') <= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id) AND coalesce(to_on, '9999') >= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id)
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title_en FROM person WHERE id = NEW.speaker_id) END
	WHERE id = NEW.id;
END;

CREATE TRIGGER meeting_title_on_insert AFTER INSERT ON meeting
WHEN NEW.chair_id IS NOT NULL AND NEW.chair_title IS NULL AND NEW.chair_title_en IS NULL
BEGIN
	UPDATE meeting SET
		chair_title = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.chair_id)
			THEN (SELECT title FROM post WHERE person_id = NEW.chair_id
			      AND coalesce(from_on, '') <= substr(NEW.starts_at, 1, 10) AND coalesce(to_on, '9999') >= substr(NEW.starts_at, 1, 10)
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title FROM person WHERE id = NEW.chair_id) END,
		chair_title_en = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.chair_id)
			THEN (SELECT title_en FROM post WHERE person_id = NEW.chair_id
			      AND coalesce(from_on, '') <= substr(NEW.starts_at, 1, 10) AND coalesce(to_on, '9999') >= substr(NEW.starts_at, 1, 10)
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title_en FROM person WHERE id = NEW.chair_id) END
	WHERE id = NEW.id;
END;

CREATE TRIGGER meeting_title_on_new_person AFTER UPDATE OF chair_id ON meeting
WHEN NEW.chair_id IS NOT NULL AND NEW.chair_id IS NOT OLD.chair_id
	AND NEW.chair_title IS OLD.chair_title AND NEW.chair_title_en IS OLD.chair_title_en
BEGIN
	UPDATE meeting SET
		chair_title = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.chair_id)
			THEN (SELECT title FROM post WHERE person_id = NEW.chair_id
			      AND coalesce(from_on, '') <= substr(NEW.starts_at, 1, 10) AND coalesce(to_on, '9999') >= substr(NEW.starts_at, 1, 10)
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title FROM person WHERE id = NEW.chair_id) END,
		chair_title_en = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.chair_id)
			THEN (SELECT title_en FROM post WHERE person_id = NEW.chair_id
			      AND coalesce(from_on, '') <= substr(NEW.starts_at, 1, 10) AND coalesce(to_on, '9999') >= substr(NEW.starts_at, 1, 10)
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title_en FROM person WHERE id = NEW.chair_id) END
	WHERE id = NEW.id;
END;

CREATE TRIGGER meeting_host_title_on_insert AFTER INSERT ON meeting_host
WHEN NEW.chair_id IS NOT NULL AND NEW.chair_title IS NULL AND NEW.chair_title_en IS NULL
BEGIN
	UPDATE meeting_host SET
		chair_title = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.chair_id)
			THEN (SELECT title FROM post WHERE person_id = NEW.chair_id
			      AND coalesce(from_on, '') <= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id) AND coalesce(to_on, '9999') >= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id)
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title FROM person WHERE id = NEW.chair_id) END,
		chair_title_en = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.chair_id)
			THEN (SELECT title_en FROM post WHERE person_id = NEW.chair_id
			      AND coalesce(from_on, '') <= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id) AND coalesce(to_on, '9999') >= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id)
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title_en FROM person WHERE id = NEW.chair_id) END
	WHERE id = NEW.id;
END;

CREATE TRIGGER meeting_host_title_on_new_person AFTER UPDATE OF chair_id ON meeting_host
WHEN NEW.chair_id IS NOT NULL AND NEW.chair_id IS NOT OLD.chair_id
	AND NEW.chair_title IS OLD.chair_title AND NEW.chair_title_en IS OLD.chair_title_en
BEGIN
	UPDATE meeting_host SET
		chair_title = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.chair_id)
			THEN (SELECT title FROM post WHERE person_id = NEW.chair_id
			      AND coalesce(from_on, '') <= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id) AND coalesce(to_on, '9999') >= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id)
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title FROM person WHERE id = NEW.chair_id) END,
		chair_title_en = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.chair_id)
			THEN (SELECT title_en FROM post WHERE person_id = NEW.chair_id
			      AND coalesce(from_on, '') <= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id) AND coalesce(to_on, '9999') >= (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id)
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title_en FROM person WHERE id = NEW.chair_id) END
	WHERE id = NEW.id;
END;

CREATE TRIGGER meeting_session_title_on_insert AFTER INSERT ON meeting_session
WHEN NEW.chair_id IS NOT NULL AND NEW.chair_title IS NULL AND NEW.chair_title_en IS NULL
BEGIN
	UPDATE meeting_session SET
		chair_title = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.chair_id)
			THEN (SELECT title FROM post WHERE person_id = NEW.chair_id
			      AND coalesce(from_on, '') <= coalesce(NEW.held_on, (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id)) AND coalesce(to_on, '9999') >= coalesce(NEW.held_on, (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id))
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title FROM person WHERE id = NEW.chair_id) END,
		chair_title_en = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.chair_id)
			THEN (SELECT title_en FROM post WHERE person_id = NEW.chair_id
			      AND coalesce(from_on, '') <= coalesce(NEW.held_on, (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id)) AND coalesce(to_on, '9999') >= coalesce(NEW.held_on, (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id))
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title_en FROM person WHERE id = NEW.chair_id) END
	WHERE id = NEW.id;
END;

CREATE TRIGGER meeting_session_title_on_new_person AFTER UPDATE OF chair_id ON meeting_session
WHEN NEW.chair_id IS NOT NULL AND NEW.chair_id IS NOT OLD.chair_id
	AND NEW.chair_title IS OLD.chair_title AND NEW.chair_title_en IS OLD.chair_title_en
BEGIN
	UPDATE meeting_session SET
		chair_title = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.chair_id)
			THEN (SELECT title FROM post WHERE person_id = NEW.chair_id
			      AND coalesce(from_on, '') <= coalesce(NEW.held_on, (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id)) AND coalesce(to_on, '9999') >= coalesce(NEW.held_on, (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id))
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title FROM person WHERE id = NEW.chair_id) END,
		chair_title_en = CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = NEW.chair_id)
			THEN (SELECT title_en FROM post WHERE person_id = NEW.chair_id
			      AND coalesce(from_on, '') <= coalesce(NEW.held_on, (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id)) AND coalesce(to_on, '9999') >= coalesce(NEW.held_on, (SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = NEW.meeting_id))
			      ORDER BY from_on DESC, id DESC LIMIT 1)
			ELSE (SELECT title_en FROM person WHERE id = NEW.chair_id) END
	WHERE id = NEW.id;
END;

-- SQLite fires a row's triggers newest first. The search index's insert
-- triggers must run before the snapshots above (whose UPDATE re-indexes the
-- row), so they are created again here, unchanged, after them.
DROP TRIGGER meeting_search_ins;
CREATE TRIGGER meeting_search_ins AFTER INSERT ON meeting BEGIN
	INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id) VALUES (new.id * 8 + 1,
		new.title || ' ' || coalesce(new.title_en, ''),
		coalesce(new.summary, '') || ' ' || coalesce(new.summary_en, '') || ' ' || coalesce(new.minutes, ''),
		new.org_id, 'meeting', new.id);
END;
DROP TRIGGER speech_search_ins;
CREATE TRIGGER speech_search_ins AFTER INSERT ON speech BEGIN
	INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id) VALUES (new.id * 8 + 2,
		coalesce(new.title, '') || ' ' || coalesce(new.title_en, '') || ' ' || coalesce(new.speaker_name, ''),
		replace(replace(replace(coalesce(new.key_points, ''), '["', ''), '","', ' '), '"]', '') || ' ' || replace(replace(replace(coalesce(new.key_points_en, ''), '["', ''), '","', ' '), '"]', '') || ' ' || coalesce(new.text, ''),
		new.org_id, 'speech', new.id);
END;

-- Rows recorded before this migration: the title as it stands now is the
-- best snapshot there is.
UPDATE attendance SET title = (SELECT title FROM person WHERE id = attendance.person_id),
	title_en = (SELECT title_en FROM person WHERE id = attendance.person_id);
UPDATE speech SET speaker_title = (SELECT title FROM person WHERE id = speech.speaker_id),
	speaker_title_en = (SELECT title_en FROM person WHERE id = speech.speaker_id) WHERE speaker_id IS NOT NULL;
UPDATE meeting SET chair_title = (SELECT title FROM person WHERE id = meeting.chair_id),
	chair_title_en = (SELECT title_en FROM person WHERE id = meeting.chair_id) WHERE chair_id IS NOT NULL;
