-- 0010_audit_row_index.sql (PostgreSQL) -- the audit entries of one row.
CREATE INDEX audit_row ON audit(org_id, entity, row_id);
