-- 0009_instance_admin.sql (PostgreSQL) -- the administrator of the whole
-- installation; restates ../0009_instance_admin.sql.
ALTER TABLE app_user ADD COLUMN instance_admin BIGINT NOT NULL DEFAULT 0;
