-- 0014_task_latest_and_lights.sql (PostgreSQL) -- restates
-- ../0014_task_latest_and_lights.sql: the latest report on the task row,
-- kept by a trigger, and the incremental light counts.
ALTER TABLE task ADD COLUMN last_percent BIGINT;
ALTER TABLE task ADD COLUMN last_report_on TEXT;
ALTER TABLE task ADD COLUMN last_report_done TEXT;
UPDATE task SET last_percent = p.percent, last_report_on = p.reported_on, last_report_done = p.done
FROM (SELECT task_id, percent, reported_on, done,
             row_number() OVER (PARTITION BY task_id ORDER BY reported_on DESC, id DESC) AS k
      FROM progress_report) p
WHERE p.task_id = task.id AND p.k = 1;
CREATE FUNCTION plenum_report_latest() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE task SET last_percent = NEW.percent, last_report_on = NEW.reported_on, last_report_done = NEW.done
	WHERE id = NEW.task_id AND (last_report_on IS NULL OR last_report_on <= NEW.reported_on);
	RETURN NULL;
END;
$$;
CREATE TRIGGER progress_report_latest AFTER INSERT ON progress_report
	FOR EACH ROW EXECUTE FUNCTION plenum_report_latest();

CREATE TABLE task_light (
	task_id BIGINT PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	initiative_id BIGINT NOT NULL,
	light BIGINT NOT NULL,
	weight DOUBLE PRECISION NOT NULL,
	progress BIGINT NOT NULL
);
CREATE INDEX task_light_pick ON task_light(org_id, light, task_id);
CREATE TABLE light_count (
	org_id BIGINT NOT NULL REFERENCES org(id),
	initiative_id BIGINT NOT NULL,
	light BIGINT NOT NULL,
	n BIGINT NOT NULL,
	wsum DOUBLE PRECISION NOT NULL,
	wacc DOUBLE PRECISION NOT NULL,
	psum BIGINT NOT NULL,
	PRIMARY KEY (org_id, initiative_id, light)
);
CREATE TABLE light_stamp (
	org_id BIGINT PRIMARY KEY REFERENCES org(id),
	day BIGINT NOT NULL,
	rules TEXT NOT NULL
);

-- 3. A token that changes (a new random value) with every write to the org's
--    record other than its tasks' progress (tasks, reports, extensions): what
--    the supervision check reads (meetings, attendance, speeches, members,
--    plans) can only have changed when it did, so the dashboard keeps the
--    check's answer under it (src/http/h_misc.c).
CREATE TABLE record_token (
	org_id BIGINT PRIMARY KEY REFERENCES org(id),
	token BIGINT NOT NULL
);
INSERT INTO record_token (org_id, token) SELECT id, id FROM org;
