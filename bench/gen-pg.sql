-- gen-pg.sql -- gen.sql restated for PostgreSQL: the same province-scale
-- dataset for make bench, row for row (same keys, names, dates, statuses,
-- percentages), generated with generate_series on top of the imported demo
-- org (org id 1), so that both columns of bench/run.sh measure the same
-- data. Run with psql -v scale=0.1 (1.0 = the full size of DESIGN.md
-- section 6). Benchmark data only: nothing here is part of plenum, and it
-- is NOT a way to load real data (plenum copy is). Lookups by key go
-- through (org_id, key), the unique index, as joins rather than one
-- subquery per row.
\set ON_ERROR_STOP on
SET synchronous_commit = off;
BEGIN;
CREATE TEMP TABLE lim AS SELECT CAST(20000 * :scale AS INTEGER) AS persons, CAST(2000 * :scale AS INTEGER) AS groups,
	CAST(50000 * :scale AS INTEGER) AS meetings, CAST(1000 * :scale AS INTEGER) AS initiatives,
	CAST(100000 * :scale AS INTEGER) AS tasks;

-- The audit triggers would copy every generated row into audit_change only
-- for gen.sql's DELETE below to drop them again: off while generating (the
-- search, title and latest-report triggers stay on, as in gen.sql).
ALTER TABLE unit DISABLE TRIGGER audit_unit;
ALTER TABLE person DISABLE TRIGGER audit_person;
ALTER TABLE study_group DISABLE TRIGGER audit_study_group;
ALTER TABLE membership DISABLE TRIGGER audit_membership;
ALTER TABLE meeting DISABLE TRIGGER audit_meeting;
ALTER TABLE attendance DISABLE TRIGGER audit_attendance;
ALTER TABLE initiative DISABLE TRIGGER audit_initiative;
ALTER TABLE task DISABLE TRIGGER audit_task;
ALTER TABLE progress_report DISABLE TRIGGER audit_progress_report;

INSERT INTO unit (org_id, key, name, kind)
	SELECT 1, 'bu-' || i, '单位' || i, 'government' FROM generate_series(1, 200) i;
INSERT INTO person (org_id, key, name, unit_id)
	SELECT 1, 'bp-' || i, '人员' || i, u.id
	FROM generate_series(1, (SELECT persons FROM lim)) i
	JOIN unit u ON u.org_id = 1 AND u.key = 'bu-' || (1 + i % 200)
	ORDER BY i;
INSERT INTO study_group (org_id, key, name)
	SELECT 1, 'bg-' || i, '中心组' || i FROM generate_series(1, (SELECT groups FROM lim)) i;
INSERT INTO membership (org_id, group_id, person_id, role, from_on)
	SELECT 1, g.id, p.id, CASE WHEN k.i = 1 THEN 'leader' ELSE 'member' END, '2026-01-01'
	FROM study_group g JOIN generate_series(1, 25) k(i) ON true
	JOIN person p ON p.org_id = 1 AND p.key = 'bp-' || (1 + ((g.id * 25 + k.i) % (SELECT persons FROM lim)))
	WHERE g.key LIKE 'bg-%'
	ORDER BY g.id, k.i;
INSERT INTO meeting (org_id, key, group_id, title, status, starts_at)
	SELECT 1, 'bm-' || n.i, g.id, '学习会议' || n.i, CASE WHEN n.i % 5 = 0 THEN 'planned' ELSE 'held' END,
	       '2026-' || lpad((1 + n.i % 12)::text, 2, '0') || '-' || lpad((1 + n.i % 28)::text, 2, '0') || 'T01:00:00Z'
	FROM generate_series(1, (SELECT meetings FROM lim)) n(i)
	JOIN study_group g ON g.org_id = 1 AND g.key = 'bg-' || (1 + n.i % (SELECT groups FROM lim))
	ORDER BY n.i;
INSERT INTO attendance (org_id, meeting_id, person_id, capacity, status)
	SELECT 1, m.id, ms.person_id, 'member', CASE WHEN (m.id + ms.person_id) % 17 = 0 THEN 'leave' ELSE 'present' END
	FROM meeting m JOIN membership ms ON ms.group_id = m.group_id WHERE m.key LIKE 'bm-%' AND m.status = 'held'
	ORDER BY m.id, ms.id;
INSERT INTO initiative (org_id, key, code, title, weight)
	SELECT 1, 'bi-' || i, 'B' || i, '工程' || i, 1 FROM generate_series(1, (SELECT initiatives FROM lim)) i;
INSERT INTO task (org_id, key, initiative_id, title, lead_unit_id, starts_on, due_on, cadence, state)
	SELECT 1, 'bt-' || n.i, ini.id, '任务' || n.i, u.id,
	       '2026-03-01', '2026-' || lpad((6 + n.i % 7)::text, 2, '0') || '-28', 'monthly', 'in_progress'
	FROM generate_series(1, (SELECT tasks FROM lim)) n(i)
	JOIN initiative ini ON ini.org_id = 1 AND ini.key = 'bi-' || (1 + n.i % (SELECT initiatives FROM lim))
	JOIN unit u ON u.org_id = 1 AND u.key = 'bu-' || (1 + n.i % 200)
	ORDER BY n.i;
INSERT INTO progress_report (org_id, task_id, reported_on, percent, done, filed_by)
	SELECT 1, t.id, '2026-' || lpad((3 + k.i)::text, 2, '0') || '-15', k.i * 9 + (t.id % 10), '进展' || k.i, 'bench'
	FROM task t JOIN generate_series(1, 8) k(i) ON true WHERE t.key LIKE 'bt-%'
	ORDER BY t.id, k.i;
ALTER TABLE unit ENABLE TRIGGER audit_unit;
ALTER TABLE person ENABLE TRIGGER audit_person;
ALTER TABLE study_group ENABLE TRIGGER audit_study_group;
ALTER TABLE membership ENABLE TRIGGER audit_membership;
ALTER TABLE meeting ENABLE TRIGGER audit_meeting;
ALTER TABLE attendance ENABLE TRIGGER audit_attendance;
ALTER TABLE initiative ENABLE TRIGGER audit_initiative;
ALTER TABLE task ENABLE TRIGGER audit_task;
ALTER TABLE progress_report ENABLE TRIGGER audit_progress_report;
-- Rows the audit triggers copied anyway; rows made here are not part
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
