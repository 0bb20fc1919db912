-- 0009_instance_admin.sql -- the administrator of the whole installation: may
-- create orgs over the API. Set only from the command line (plenum user
-- instance-admin LOGIN on), never through an org's own records.
ALTER TABLE app_user ADD COLUMN instance_admin INTEGER NOT NULL DEFAULT 0;
