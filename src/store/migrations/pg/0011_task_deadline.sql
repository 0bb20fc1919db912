-- 0011_task_deadline.sql (PostgreSQL) -- a task's deadline as the source
-- gives it: a date, a period (first and last day, precision), "as soon as
-- possible" or not set yet. Here due_on simply becomes nullable.
ALTER TABLE task ALTER COLUMN due_on DROP NOT NULL;
ALTER TABLE task ADD COLUMN due_kind TEXT NOT NULL DEFAULT 'date';
ALTER TABLE task ADD COLUMN due_from TEXT;
ALTER TABLE task ADD COLUMN due_precision TEXT;
