-- 0015: the day change of the incremental light counts (see the SQLite
-- migration of the same number for what the column means).
ALTER TABLE task_light ADD COLUMN next_change BIGINT;
CREATE INDEX task_light_next ON task_light(org_id, next_change);
DELETE FROM light_stamp;
