-- gen.sql -- a province-scale dataset for make bench, generated in SQL on
-- top of the imported demo org (org id 1). :scale is 1.0 for the full size
-- of DESIGN.md section 6 (2,000 groups, 50,000 meetings, 1,000,000
-- attendance rows, 100,000 tasks, 1,000,000 progress reports); the default
-- run uses a tenth. Benchmark data only: nothing here is part of plenum.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE n(i INTEGER PRIMARY KEY);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000000) INSERT INTO n SELECT i FROM c;
CREATE TEMP TABLE lim AS SELECT CAST(20000 * :scale AS INTEGER) AS persons, CAST(2000 * :scale AS INTEGER) AS groups,
	CAST(50000 * :scale AS INTEGER) AS meetings, CAST(1000 * :scale AS INTEGER) AS initiatives,
	CAST(100000 * :scale AS INTEGER) AS tasks;

INSERT INTO unit (org_id, key, name, kind)
	SELECT 1, 'bu-' || i, '单位' || i, 'government' FROM n WHERE i <= 200;
INSERT INTO person (org_id, key, name, unit_id)
	SELECT 1, 'bp-' || i, '人员' || i, (SELECT id FROM unit WHERE key = 'bu-' || (1 + i % 200)) FROM n
	WHERE i <= (SELECT persons FROM lim);
INSERT INTO study_group (org_id, key, name)
	SELECT 1, 'bg-' || i, '中心组' || i FROM n WHERE i <= (SELECT groups FROM lim);
INSERT INTO membership (org_id, group_id, person_id, role, from_on)
	SELECT 1, g.id, p.id, CASE WHEN k.i = 1 THEN 'leader' ELSE 'member' END, '2026-01-01'
	FROM study_group g JOIN n k ON k.i <= 25
	JOIN person p ON p.key = 'bp-' || (1 + ((g.id * 25 + k.i) % (SELECT persons FROM lim)))
	WHERE g.key LIKE 'bg-%';
INSERT INTO meeting (org_id, key, group_id, title, status, starts_at)
	SELECT 1, 'bm-' || n.i, g.id, '学习会议' || n.i, CASE WHEN n.i % 5 = 0 THEN 'planned' ELSE 'held' END,
	       printf('2026-%02d-%02dT01:00:00Z', 1 + n.i % 12, 1 + n.i % 28)
	FROM n JOIN study_group g ON g.key = 'bg-' || (1 + n.i % (SELECT groups FROM lim))
	WHERE n.i <= (SELECT meetings FROM lim);
INSERT INTO attendance (org_id, meeting_id, person_id, capacity, status)
	SELECT 1, m.id, ms.person_id, 'member', CASE WHEN (m.id + ms.person_id) % 17 = 0 THEN 'leave' ELSE 'present' END
	FROM meeting m JOIN membership ms ON ms.group_id = m.group_id WHERE m.key LIKE 'bm-%' AND m.status = 'held';
INSERT INTO initiative (org_id, key, code, title, weight)
	SELECT 1, 'bi-' || i, 'B' || i, '工程' || i, 1 FROM n WHERE i <= (SELECT initiatives FROM lim);
INSERT INTO task (org_id, key, initiative_id, title, lead_unit_id, starts_on, due_on, cadence, state)
	SELECT 1, 'bt-' || n.i, (SELECT id FROM initiative WHERE key = 'bi-' || (1 + n.i % (SELECT initiatives FROM lim))),
	       '任务' || n.i, (SELECT id FROM unit WHERE key = 'bu-' || (1 + n.i % 200)),
	       '2026-03-01', printf('2026-%02d-28', 6 + n.i % 7), 'monthly', 'in_progress'
	FROM n WHERE n.i <= (SELECT tasks FROM lim);
INSERT INTO progress_report (org_id, task_id, reported_on, percent, done, filed_by)
	SELECT 1, t.id, printf('2026-%02d-15', 3 + k.i), k.i * 9 + (t.id % 10), '进展' || k.i, 'bench'
	FROM task t JOIN n k ON k.i <= 8 WHERE t.key LIKE 'bt-%';
-- The audit triggers copied every generated row; rows made here are not part
-- of any audited write (audit verify reports them as added outside plenum),
-- and the benchmark's first write must not seal millions of them.
DELETE FROM audit_change WHERE audit_id IS NULL;
-- Written outside plenum: what plenum keeps derived from the record must be
-- told (docs/SCALING.md): the light counts are recounted on the first read,
-- and the answers kept under the record token are dropped.
DELETE FROM light_stamp;
UPDATE record_token SET token = token + 1;
COMMIT;
ANALYZE;
