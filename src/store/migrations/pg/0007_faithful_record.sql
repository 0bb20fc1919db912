-- 0007_faithful_record.sql (PostgreSQL) -- a published meeting report held
-- as it is; restates ../0007_faithful_record.sql (dated posts, titles as of
-- the meeting day, dates at their precision, inferred facts, several hosts
-- and sessions, attendance by category, decision clauses, provenance).
--
-- Differences from SQLite, all invisible to plenum:
-- - the title snapshots are one plpgsql function for the five tables;
-- - the search triggers need no re-creation: PostgreSQL's meeting_search and
--   speech_search already re-index on UPDATE;
-- - the generated audit triggers are dropped first, as on SQLite, so that
--   filling the new columns of rows on record is not taken for an outside
--   change (store_audit.c makes them again after the migrations).

DO $$
DECLARE r record;
BEGIN
	FOR r IN SELECT t.tgname, c.relname AS tbl FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
		 WHERE t.tgname LIKE 'audit\_%' AND NOT t.tgisinternal
		 AND c.relnamespace = current_schema()::regnamespace LOOP
		EXECUTE format('DROP TRIGGER %I ON %I', r.tgname, r.tbl);
	END LOOP;
END $$;

CREATE TABLE post (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	person_id BIGINT NOT NULL REFERENCES person(id),
	title TEXT NOT NULL,
	title_en TEXT,
	from_on TEXT,
	to_on TEXT,
	inferred TEXT,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX post_person ON post(person_id, from_on);

ALTER TABLE meeting ADD COLUMN time_precision TEXT NOT NULL DEFAULT 'time';
ALTER TABLE meeting ADD COLUMN part_of_day TEXT;
ALTER TABLE meeting ADD COLUMN ends_on TEXT;
ALTER TABLE meeting ADD COLUMN duration_days DOUBLE PRECISION;
ALTER TABLE meeting ADD COLUMN ordinal BIGINT;
ALTER TABLE meeting ADD COLUMN chair_title TEXT;
ALTER TABLE meeting ADD COLUMN chair_title_en TEXT;
ALTER TABLE meeting ADD COLUMN inferred TEXT;
ALTER TABLE meeting ADD COLUMN source_title TEXT;
ALTER TABLE meeting ADD COLUMN source_url TEXT;
ALTER TABLE meeting ADD COLUMN outlet TEXT;
ALTER TABLE meeting ADD COLUMN reporters TEXT;
ALTER TABLE meeting ADD COLUMN published_on TEXT;
ALTER TABLE meeting ADD COLUMN source_extent TEXT;

CREATE TABLE meeting_host (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	meeting_id BIGINT NOT NULL REFERENCES meeting(id),
	group_id BIGINT REFERENCES study_group(id),
	unit_id BIGINT REFERENCES unit(id),
	description TEXT,
	description_en TEXT,
	chair_id BIGINT REFERENCES person(id),
	chair_title TEXT,
	chair_title_en TEXT,
	inferred TEXT,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX meeting_host_meeting ON meeting_host(meeting_id);

CREATE TABLE meeting_session (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	meeting_id BIGINT NOT NULL REFERENCES meeting(id),
	seq BIGINT NOT NULL,
	title TEXT,
	title_en TEXT,
	held_on TEXT,
	part_of_day TEXT,
	chair_id BIGINT REFERENCES person(id),
	chair_title TEXT,
	chair_title_en TEXT,
	inferred TEXT,
	illustrative TEXT,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX meeting_session_meeting ON meeting_session(meeting_id, seq);

ALTER TABLE attendance ADD COLUMN title TEXT;
ALTER TABLE attendance ADD COLUMN title_en TEXT;
ALTER TABLE attendance ADD COLUMN inferred TEXT;

ALTER TABLE meeting_unit ADD COLUMN group_id BIGINT REFERENCES study_group(id);
ALTER TABLE meeting_unit ADD COLUMN all_members BIGINT NOT NULL DEFAULT 0;
ALTER TABLE meeting_unit ADD COLUMN count BIGINT;
ALTER TABLE meeting_unit ADD COLUMN inferred TEXT;

ALTER TABLE speech ADD COLUMN speaker_unit_id BIGINT REFERENCES unit(id);
ALTER TABLE speech ADD COLUMN speaker_category TEXT;
ALTER TABLE speech ADD COLUMN speaker_category_en TEXT;
ALTER TABLE speech ADD COLUMN unattributed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE speech ADD COLUMN speaker_title TEXT;
ALTER TABLE speech ADD COLUMN speaker_title_en TEXT;
ALTER TABLE speech ADD COLUMN inferred TEXT;

ALTER TABLE decision ADD COLUMN kind TEXT NOT NULL DEFAULT 'decision';
ALTER TABLE decision ADD COLUMN body_id BIGINT REFERENCES unit(id);
ALTER TABLE decision ADD COLUMN inferred TEXT;

-- A person's title (en: the English one) as of a day: the post covering that
-- day; when the person has no dated post at all, the person row's title.
-- (SQLite sorts NULL first, so from_on DESC puts undated posts last.)
CREATE FUNCTION plenum_title_at(pid BIGINT, day TEXT, en BOOLEAN) RETURNS TEXT LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN EXISTS (SELECT 1 FROM post WHERE person_id = pid)
		THEN (SELECT CASE WHEN en THEN title_en ELSE title END FROM post WHERE person_id = pid
		      AND coalesce(from_on, '') <= day AND coalesce(to_on, '9999') >= day
		      ORDER BY from_on DESC NULLS LAST, id DESC LIMIT 1)
		ELSE (SELECT CASE WHEN en THEN title_en ELSE title END FROM person WHERE id = pid) END;
$$;

CREATE FUNCTION plenum_meeting_day(mid BIGINT) RETURNS TEXT LANGUAGE sql STABLE AS $$
	SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = mid;
$$;

-- The snapshots are taken as on SQLite: after the row is written, by an
-- UPDATE of it, so that the audit trail records the same insert and update
-- on both engines. PostgreSQL fires a table's triggers in name order: these
-- are named title_* so that they run after the audit trigger (audit_*).
CREATE FUNCTION plenum_take_title() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	pcol TEXT := TG_ARGV[0];          -- the person column
	tcol TEXT := TG_ARGV[1];          -- the title column (and tcol || '_en')
	pid BIGINT;
	old_pid BIGINT;
	day TEXT;
	t TEXT;
	t_en TEXT;
	old_t TEXT;
	old_t_en TEXT;
	n JSONB := to_jsonb(NEW);
	o JSONB;
BEGIN
	pid := (n ->> pcol)::bigint;
	t := n ->> tcol;
	t_en := n ->> (tcol || '_en');
	IF pid IS NULL THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		IF t IS NOT NULL OR t_en IS NOT NULL THEN
			RETURN NULL;
		END IF;
	ELSE
		o := to_jsonb(OLD);
		old_pid := (o ->> pcol)::bigint;
		old_t := o ->> tcol;
		old_t_en := o ->> (tcol || '_en');
		IF pid IS NOT DISTINCT FROM old_pid OR t IS DISTINCT FROM old_t OR t_en IS DISTINCT FROM old_t_en THEN
			RETURN NULL;
		END IF;
	END IF;
	IF TG_TABLE_NAME = 'meeting' THEN
		day := substr(n ->> 'starts_at', 1, 10);
	ELSIF TG_TABLE_NAME = 'meeting_session' THEN
		day := coalesce(n ->> 'held_on', plenum_meeting_day((n ->> 'meeting_id')::bigint));
	ELSE
		day := plenum_meeting_day((n ->> 'meeting_id')::bigint);
	END IF;
	EXECUTE format('UPDATE %I SET %I = $1, %I = $2 WHERE id = $3', TG_TABLE_NAME, tcol, tcol || '_en')
		USING plenum_title_at(pid, day, false), plenum_title_at(pid, day, true), (n ->> 'id')::bigint;
	RETURN NULL;
END;
$$;
CREATE TRIGGER title_attendance AFTER INSERT OR UPDATE OF person_id ON attendance
	FOR EACH ROW EXECUTE FUNCTION plenum_take_title('person_id', 'title');
CREATE TRIGGER title_speech AFTER INSERT OR UPDATE OF speaker_id ON speech
	FOR EACH ROW EXECUTE FUNCTION plenum_take_title('speaker_id', 'speaker_title');
CREATE TRIGGER title_meeting AFTER INSERT OR UPDATE OF chair_id ON meeting
	FOR EACH ROW EXECUTE FUNCTION plenum_take_title('chair_id', 'chair_title');
CREATE TRIGGER title_meeting_host AFTER INSERT OR UPDATE OF chair_id ON meeting_host
	FOR EACH ROW EXECUTE FUNCTION plenum_take_title('chair_id', 'chair_title');
CREATE TRIGGER title_meeting_session AFTER INSERT OR UPDATE OF chair_id ON meeting_session
	FOR EACH ROW EXECUTE FUNCTION plenum_take_title('chair_id', 'chair_title');

-- Rows recorded before this migration: the title as it stands now is the
-- best snapshot there is.
UPDATE attendance SET title = (SELECT title FROM person WHERE id = attendance.person_id),
	title_en = (SELECT title_en FROM person WHERE id = attendance.person_id);
UPDATE speech SET speaker_title = (SELECT title FROM person WHERE id = speech.speaker_id),
	speaker_title_en = (SELECT title_en FROM person WHERE id = speech.speaker_id) WHERE speaker_id IS NOT NULL;
UPDATE meeting SET chair_title = (SELECT title FROM person WHERE id = meeting.chair_id),
	chair_title_en = (SELECT title_en FROM person WHERE id = meeting.chair_id) WHERE chair_id IS NOT NULL;
