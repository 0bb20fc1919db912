-- 0004_feedback.sql -- feedback notes that an observer (列席旁听, from the
-- superior propaganda department) files on a meeting observed. Append-only:
-- a note once filed is part of the record; a correction is a new note.
CREATE TABLE meeting_feedback (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES org(id),
	meeting_id INTEGER NOT NULL REFERENCES meeting(id),
	written_on TEXT NOT NULL,
	text TEXT NOT NULL,
	filed_by TEXT NOT NULL,
	illustrative TEXT
);
CREATE INDEX meeting_feedback_meeting ON meeting_feedback(meeting_id, id);

CREATE TRIGGER meeting_feedback_no_update BEFORE UPDATE ON meeting_feedback
BEGIN SELECT RAISE(ABORT, 'feedback notes are append-only'); END;
