-- 0002_auth_search.sql (PostgreSQL) -- sessions, API tokens, login
-- throttling, and the search index; restates ../0002_auth_search.sql.
--
-- Search: SQLite has an FTS5 table with the trigram tokenizer and a rowid of
-- record id * 8 + kind. Here search_index is a plain table keyed by (kind,
-- ref_id), kept in step by plpgsql triggers, with pg_trgm GIN indexes on
-- title and body so that LIKE '%words%' (and ILIKE) is answered from the
-- index for words of three characters or more. Words of one or two Chinese
-- characters give pg_trgm no trigram to look up: LIKE still answers them
-- correctly, by reading the table (measured in docs/SCALING.md); the
-- planned fallback at scale is a bigram side table filled by the same
-- triggers. pg_trgm needs a UTF-8 database with a UTF-8 LC_CTYPE (C.UTF-8
-- is enough) for Chinese characters to count as word characters.

CREATE TABLE session (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	user_id BIGINT NOT NULL REFERENCES app_user(id),
	token_hash TEXT NOT NULL UNIQUE,
	csrf TEXT NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
-- (SQLite names this index session_user, a reserved word in PostgreSQL.)
CREATE INDEX session_user_id ON session(user_id);

CREATE TABLE api_token (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	user_id BIGINT NOT NULL REFERENCES app_user(id),
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	revoked BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_token_user ON api_token(user_id);

CREATE TABLE login_failure (
	id BIGSERIAL PRIMARY KEY,
	login TEXT NOT NULL,
	addr TEXT NOT NULL,
	at TEXT NOT NULL
);
CREATE INDEX login_failure_login ON login_failure(login, at);
CREATE INDEX login_failure_addr ON login_failure(addr, at);

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE search_index (
	kind TEXT NOT NULL,            -- meeting, speech, decision, task, report, person
	ref_id BIGINT NOT NULL,
	org_id BIGINT NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	PRIMARY KEY (kind, ref_id)
);
CREATE INDEX search_index_org ON search_index(org_id, kind);
CREATE INDEX search_index_title ON search_index USING gin (title gin_trgm_ops);
CREATE INDEX search_index_body ON search_index USING gin (body gin_trgm_ops);

-- Writes one record's search row, replacing the old one.
CREATE FUNCTION plenum_search_put(k TEXT, rid BIGINT, oid BIGINT, t TEXT, b TEXT) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO search_index (kind, ref_id, org_id, title, body) VALUES (k, rid, oid, t, b)
	ON CONFLICT (kind, ref_id) DO UPDATE SET org_id = excluded.org_id, title = excluded.title, body = excluded.body;
$$;

-- The key points are stored as a JSON array of strings; search reads their
-- words, as SQLite's replace() chain does.
CREATE FUNCTION plenum_search_points(p TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
	SELECT replace(replace(replace(coalesce(p, ''), '["', ''), '","', ' '), '"]', '');
$$;

CREATE FUNCTION meeting_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM search_index WHERE kind = 'meeting' AND ref_id = old.id;
		RETURN old;
	END IF;
	PERFORM plenum_search_put('meeting', new.id, new.org_id, new.title || ' ' || coalesce(new.title_en, ''),
		coalesce(new.summary, '') || ' ' || coalesce(new.summary_en, '') || ' ' || coalesce(new.minutes, ''));
	RETURN new;
END;
$$;
CREATE TRIGGER meeting_search AFTER INSERT OR UPDATE OR DELETE ON meeting
	FOR EACH ROW EXECUTE FUNCTION meeting_search();

CREATE FUNCTION speech_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM search_index WHERE kind = 'speech' AND ref_id = old.id;
		RETURN old;
	END IF;
	PERFORM plenum_search_put('speech', new.id, new.org_id,
		coalesce(new.title, '') || ' ' || coalesce(new.title_en, '') || ' ' || coalesce(new.speaker_name, ''),
		plenum_search_points(new.key_points) || ' ' || plenum_search_points(new.key_points_en) || ' ' ||
		coalesce(new.text, ''));
	RETURN new;
END;
$$;
CREATE TRIGGER speech_search AFTER INSERT OR UPDATE OR DELETE ON speech
	FOR EACH ROW EXECUTE FUNCTION speech_search();

CREATE FUNCTION decision_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM search_index WHERE kind = 'decision' AND ref_id = old.id;
		RETURN old;
	END IF;
	PERFORM plenum_search_put('decision', new.id, new.org_id, new.text, coalesce(new.text_en, ''));
	RETURN new;
END;
$$;
CREATE TRIGGER decision_search AFTER INSERT OR UPDATE OR DELETE ON decision
	FOR EACH ROW EXECUTE FUNCTION decision_search();

CREATE FUNCTION task_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM search_index WHERE kind = 'task' AND ref_id = old.id;
		RETURN old;
	END IF;
	PERFORM plenum_search_put('task', new.id, new.org_id, new.title,
		coalesce(new.title_en, '') || ' ' || coalesce(new.code, ''));
	RETURN new;
END;
$$;
CREATE TRIGGER task_search_ins AFTER INSERT OR DELETE ON task
	FOR EACH ROW EXECUTE FUNCTION task_search();
CREATE TRIGGER task_search_upd AFTER UPDATE OF title, title_en, code ON task
	FOR EACH ROW EXECUTE FUNCTION task_search();

CREATE FUNCTION report_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM search_index WHERE kind = 'report' AND ref_id = old.id;
		RETURN old;
	END IF;
	PERFORM plenum_search_put('report', new.id, new.org_id, new.done,
		coalesce(new.problems, '') || ' ' || coalesce(new.next_steps, ''));
	RETURN new;
END;
$$;
CREATE TRIGGER report_search AFTER INSERT OR DELETE ON progress_report
	FOR EACH ROW EXECUTE FUNCTION report_search();
