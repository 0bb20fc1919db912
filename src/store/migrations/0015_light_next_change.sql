-- 0015: the day change of the incremental light counts (src/service/lights.h).
-- next_change is the first day (date.h day number) after the stamp's day on
-- which the task's light may change with the date alone (a due date comes
-- near or passes, the schedule moves past a threshold, a report falls due,
-- an "asap" task stays silent too long); NULL when it never can (closed,
-- unset, already overdue). At a new day only the tasks whose next_change is
-- on or before today are recomputed, found through the index.
-- Rows written before this migration have none: the stamp is dropped so that
-- the counts (and every next_change) are recomputed once.
ALTER TABLE task_light ADD COLUMN next_change INTEGER;
CREATE INDEX task_light_next ON task_light(org_id, next_change);
DELETE FROM light_stamp;
