-- 0014_task_latest_and_lights.sql -- the province budgets (issue 13 item 6).
--
-- 1. The latest progress report's fields on the task row, so that a list of
--    tasks needs no correlated subquery per row. "Latest" is the report with
--    the greatest (reported_on, id), as before. Kept by a trigger in the
--    transaction that inserts the report, whatever inserts it (the service,
--    the import, the ledger import, bench/gen.sql): it cannot drift. Reports
--    are append-only and go away only with their task.
ALTER TABLE task ADD COLUMN last_percent INTEGER;
ALTER TABLE task ADD COLUMN last_report_on TEXT;
ALTER TABLE task ADD COLUMN last_report_done TEXT;
UPDATE task SET last_percent = p.percent, last_report_on = p.reported_on, last_report_done = p.done
FROM (SELECT task_id, percent, reported_on, done,
             row_number() OVER (PARTITION BY task_id ORDER BY reported_on DESC, id DESC) AS k
      FROM progress_report) p
WHERE p.task_id = task.id AND p.k = 1;
CREATE TRIGGER progress_report_latest AFTER INSERT ON progress_report
BEGIN
	UPDATE task SET last_percent = NEW.percent, last_report_on = NEW.reported_on, last_report_done = NEW.done
	WHERE id = NEW.task_id AND (last_report_on IS NULL OR last_report_on <= NEW.reported_on);
END;

-- 2. Incremental light counts (src/service/lights.h). task_light holds the
--    contribution each task makes to the counts (its light as of the stamp's
--    day, its initiative, weight and progress); light_count sums them per
--    initiative and light; light_stamp says for which day and light rules
--    they hold. A stale or missing stamp means "recompute": nothing here is
--    read unless the stamp matches today and the org's rules. No foreign key
--    to task: a deleted task's row is what its subtraction reads.
CREATE TABLE task_light (
	task_id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES org(id),
	initiative_id INTEGER NOT NULL,
	light INTEGER NOT NULL,
	weight REAL NOT NULL,
	progress INTEGER NOT NULL
);
CREATE INDEX task_light_pick ON task_light(org_id, light, task_id);
CREATE TABLE light_count (
	org_id INTEGER NOT NULL REFERENCES org(id),
	initiative_id INTEGER NOT NULL,
	light INTEGER NOT NULL,
	n INTEGER NOT NULL,
	wsum REAL NOT NULL,      -- sum of weights
	wacc REAL NOT NULL,      -- sum of weight * progress
	psum INTEGER NOT NULL,   -- sum of progress
	PRIMARY KEY (org_id, initiative_id, light)
);
CREATE TABLE light_stamp (
	org_id INTEGER PRIMARY KEY REFERENCES org(id),
	day INTEGER NOT NULL,    -- date.h day number the lights are computed for
	rules TEXT NOT NULL      -- the light rules in force then ("30/10/7")
);

-- 3. A token that changes (a new random value) with every write to the org's
--    record other than its tasks' progress (tasks, reports, extensions): what
--    the supervision check reads (meetings, attendance, speeches, members,
--    plans) can only have changed when it did, so the dashboard keeps the
--    check's answer under it (src/http/h_misc.c).
CREATE TABLE record_token (
	org_id INTEGER PRIMARY KEY REFERENCES org(id),
	token INTEGER NOT NULL
);
INSERT INTO record_token (org_id, token) SELECT id, id FROM org;
