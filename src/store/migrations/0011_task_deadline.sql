-- 0011_task_deadline.sql -- a task's deadline as the source gives it: a date
-- (as before), a period ("2026年第三季度", "年内": its first and last day and
-- its precision), "as soon as possible" (尽快) or not set yet (待定).
-- due_on becomes nullable: it is the date, or the period's last day, and is
-- NULL for asap and unset. docs/ARCHITECTURE.md (data model, lights).
--
-- SQLite cannot drop NOT NULL in place: the table is rebuilt as
-- https://www.sqlite.org/lang_altertable.html#otheralter says. store.c
-- turns foreign keys off around the migrating transaction and runs
-- PRAGMA foreign_key_check before it commits. Dropping the old table drops
-- its triggers: the search triggers are made again below, the audit triggers
-- are generated again from the schema after every migration
-- (store_audit_triggers), and an upgraded database's row images are taken
-- again (store_audit_rebaseline), so `plenum audit verify` still passes.
-- Which fields a kind needs is checked by the one validator of every way in
-- (service/record.c, domain/deadline.c), which names the field.
CREATE TABLE task_new (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES org(id),
	key TEXT NOT NULL,
	initiative_id INTEGER NOT NULL REFERENCES initiative(id),
	decision_id INTEGER REFERENCES decision(id),
	code TEXT,
	title TEXT NOT NULL,
	title_en TEXT,
	lead_unit_id INTEGER NOT NULL REFERENCES unit(id),
	responsible_id INTEGER REFERENCES person(id),
	starts_on TEXT NOT NULL,
	due_on TEXT,
	cadence TEXT NOT NULL DEFAULT 'monthly',
	weight REAL NOT NULL DEFAULT 1,
	state TEXT NOT NULL DEFAULT 'registered',
	illustrative TEXT,
	version INTEGER NOT NULL DEFAULT 1,
	due_kind TEXT NOT NULL DEFAULT 'date',
	due_from TEXT,
	due_precision TEXT,
	UNIQUE (org_id, key)
);
INSERT INTO task_new (id, org_id, key, initiative_id, decision_id, code, title, title_en, lead_unit_id,
		      responsible_id, starts_on, due_on, cadence, weight, state, illustrative, version)
	SELECT id, org_id, key, initiative_id, decision_id, code, title, title_en, lead_unit_id,
	       responsible_id, starts_on, due_on, cadence, weight, state, illustrative, version
	FROM task;
DROP TABLE task;
ALTER TABLE task_new RENAME TO task;

CREATE INDEX task_initiative ON task(initiative_id);
CREATE INDEX task_decision ON task(decision_id);
CREATE INDEX task_lead_unit ON task(lead_unit_id, due_on);
CREATE INDEX task_org_due ON task(org_id, due_on);
CREATE INDEX task_org_state ON task(org_id, state);

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
