-- 0013_link_order.sql (PostgreSQL) -- the order of a record's links in a
-- column, seq; restates ../0013_link_order.sql. There was no rowid to copy
-- here: rows on record are numbered in their physical order.
--
-- Also group_concat(text, text), SQLite's aggregate, so that the task list
-- is one text for both engines (its input comes from an ordered subquery).
DROP TRIGGER IF EXISTS audit_task_unit ON task_unit;
DROP TRIGGER IF EXISTS audit_initiative_decision ON initiative_decision;

ALTER TABLE task_unit ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
UPDATE task_unit t SET seq = n.seq FROM (SELECT ctid, row_number() OVER (ORDER BY ctid) AS seq FROM task_unit) n
	WHERE t.ctid = n.ctid;
CREATE INDEX task_unit_seq ON task_unit(org_id, seq);

ALTER TABLE initiative_decision ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
UPDATE initiative_decision t SET seq = n.seq
	FROM (SELECT ctid, row_number() OVER (ORDER BY ctid) AS seq FROM initiative_decision) n WHERE t.ctid = n.ctid;
CREATE INDEX initiative_decision_seq ON initiative_decision(org_id, seq);

CREATE OR REPLACE FUNCTION plenum_concat_step(acc TEXT, v TEXT, sep TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN v IS NULL THEN acc WHEN acc IS NULL THEN v ELSE acc || sep || v END;
$$;
CREATE OR REPLACE AGGREGATE group_concat(TEXT, TEXT) (SFUNC = plenum_concat_step, STYPE = TEXT);
