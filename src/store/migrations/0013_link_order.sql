-- 0013_link_order.sql -- the order of a record's links (a task's supporting
-- units, an initiative's decisions) kept in a column, seq, instead of
-- SQLite's rowid: PostgreSQL has no rowid, and the export lists links in the
-- order they were given. store_link_insert() writes one more than the org's
-- largest seq. (Numbered 13 so as not to collide with 0011 and 0012 being
-- written on other branches; renumber at merge if needed.)

-- The audit triggers are generated again after the migration; the old ones
-- go first so that numbering the rows on record is not taken for a change
-- made outside plenum (as in 0007).
DROP TRIGGER IF EXISTS audit_task_unit_upd;
DROP TRIGGER IF EXISTS audit_initiative_decision_upd;

ALTER TABLE task_unit ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE task_unit SET seq = rowid;
CREATE INDEX task_unit_seq ON task_unit(org_id, seq);

ALTER TABLE initiative_decision ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE initiative_decision SET seq = rowid;
CREATE INDEX initiative_decision_seq ON initiative_decision(org_id, seq);
