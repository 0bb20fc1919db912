-- 0010_audit_row_index.sql -- the audit entries of one row, found without
-- reading the org's whole trail: the calendar's LAST-MODIFIED (the last entry
-- that wrote a meeting) is one index range per feed, whatever the history.
CREATE INDEX audit_row ON audit(org_id, entity, row_id);
