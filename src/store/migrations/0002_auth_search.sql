-- 0002_auth_search.sql -- sessions, API tokens, login throttling, and the
-- full-text index that search reads.

CREATE TABLE session (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES org(id),
	user_id INTEGER NOT NULL REFERENCES app_user(id),
	token_hash TEXT NOT NULL UNIQUE,
	csrf TEXT NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
CREATE INDEX session_user ON session(user_id);

CREATE TABLE api_token (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES org(id),
	user_id INTEGER NOT NULL REFERENCES app_user(id),
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_token_user ON api_token(user_id);

CREATE TABLE login_failure (
	id INTEGER PRIMARY KEY,
	login TEXT NOT NULL,
	addr TEXT NOT NULL,
	at TEXT NOT NULL
);
CREATE INDEX login_failure_login ON login_failure(login, at);
CREATE INDEX login_failure_addr ON login_failure(addr, at);

-- Search: one FTS5 row per searchable record, rowid = record id * 8 + kind
-- (1 meeting, 2 speech, 3 decision, 4 task, 5 progress report), kept in
-- step by the triggers below. The trigram tokenizer finds Chinese words
-- without a dictionary.
CREATE VIRTUAL TABLE search_index USING fts5(
	title, body, org_id UNINDEXED, kind UNINDEXED, ref_id UNINDEXED, tokenize = 'trigram'
);

CREATE TRIGGER meeting_search_ins AFTER INSERT ON meeting BEGIN
	INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id) VALUES (new.id * 8 + 1,
		new.title || ' ' || coalesce(new.title_en, ''),
		coalesce(new.summary, '') || ' ' || coalesce(new.summary_en, '') || ' ' || coalesce(new.minutes, ''),
		new.org_id, 'meeting', new.id);
END;
CREATE TRIGGER meeting_search_upd AFTER UPDATE ON meeting BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
	INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id) VALUES (new.id * 8 + 1,
		new.title || ' ' || coalesce(new.title_en, ''),
		coalesce(new.summary, '') || ' ' || coalesce(new.summary_en, '') || ' ' || coalesce(new.minutes, ''),
		new.org_id, 'meeting', new.id);
END;
CREATE TRIGGER meeting_search_del AFTER DELETE ON meeting BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
END;

CREATE TRIGGER speech_search_ins AFTER INSERT ON speech BEGIN
	INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id) VALUES (new.id * 8 + 2,
		coalesce(new.title, '') || ' ' || coalesce(new.title_en, '') || ' ' || coalesce(new.speaker_name, ''),
		replace(replace(replace(coalesce(new.key_points, ''), '["', ''), '","', ' '), '"]', '') || ' ' || replace(replace(replace(coalesce(new.key_points_en, ''), '["', ''), '","', ' '), '"]', '') || ' ' || coalesce(new.text, ''),
		new.org_id, 'speech', new.id);
END;
CREATE TRIGGER speech_search_upd AFTER UPDATE ON speech BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
	INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id) VALUES (new.id * 8 + 2,
		coalesce(new.title, '') || ' ' || coalesce(new.title_en, '') || ' ' || coalesce(new.speaker_name, ''),
		replace(replace(replace(coalesce(new.key_points, ''), '["', ''), '","', ' '), '"]', '') || ' ' || replace(replace(replace(coalesce(new.key_points_en, ''), '["', ''), '","', ' '), '"]', '') || ' ' || coalesce(new.text, ''),
		new.org_id, 'speech', new.id);
END;
CREATE TRIGGER speech_search_del AFTER DELETE ON speech BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
END;

CREATE TRIGGER decision_search_ins AFTER INSERT ON decision BEGIN
	INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id) VALUES (new.id * 8 + 3,
		new.text, coalesce(new.text_en, ''), new.org_id, 'decision', new.id);
END;
CREATE TRIGGER decision_search_upd AFTER UPDATE ON decision BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
	INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id) VALUES (new.id * 8 + 3,
		new.text, coalesce(new.text_en, ''), new.org_id, 'decision', new.id);
END;
CREATE TRIGGER decision_search_del AFTER DELETE ON decision BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
END;

CREATE TRIGGER task_search_ins AFTER INSERT ON task BEGIN
	INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id) VALUES (new.id * 8 + 4,
		new.title, coalesce(new.title_en, '') || ' ' || coalesce(new.code, ''), new.org_id, 'task', new.id);
END;
CREATE TRIGGER task_search_upd AFTER UPDATE OF title, title_en, code ON task BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
	INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id) VALUES (new.id * 8 + 4,
		new.title, coalesce(new.title_en, '') || ' ' || coalesce(new.code, ''), new.org_id, 'task', new.id);
END;
CREATE TRIGGER task_search_del AFTER DELETE ON task BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
END;

CREATE TRIGGER report_search_ins AFTER INSERT ON progress_report BEGIN
	INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id) VALUES (new.id * 8 + 5,
		new.done, coalesce(new.problems, '') || ' ' || coalesce(new.next_steps, ''), new.org_id, 'report', new.id);
END;
CREATE TRIGGER report_search_del AFTER DELETE ON progress_report BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 5;
END;

-- Rows written before this migration.
INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id)
	SELECT id * 8 + 1, title || ' ' || coalesce(title_en, ''),
	       coalesce(summary, '') || ' ' || coalesce(summary_en, '') || ' ' || coalesce(minutes, ''), org_id, 'meeting', id
	FROM meeting;
INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id)
	SELECT id * 8 + 2, coalesce(title, '') || ' ' || coalesce(title_en, '') || ' ' || coalesce(speaker_name, ''),
	       replace(replace(replace(coalesce(key_points, ''), '["', ''), '","', ' '), '"]', '') || ' ' || replace(replace(replace(coalesce(key_points_en, ''), '["', ''), '","', ' '), '"]', '') || ' ' || coalesce(text, ''), org_id, 'speech', id
	FROM speech;
INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id)
	SELECT id * 8 + 3, text, coalesce(text_en, ''), org_id, 'decision', id FROM decision;
INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id)
	SELECT id * 8 + 4, title, coalesce(title_en, '') || ' ' || coalesce(code, ''), org_id, 'task', id FROM task;
INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id)
	SELECT id * 8 + 5, done, coalesce(problems, '') || ' ' || coalesce(next_steps, ''), org_id, 'report', id
	FROM progress_report;
