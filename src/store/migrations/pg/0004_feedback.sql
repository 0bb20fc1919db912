-- 0004_feedback.sql (PostgreSQL) -- observers' feedback notes, append-only;
-- restates ../0004_feedback.sql.
CREATE TABLE meeting_feedback (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL REFERENCES org(id),
	meeting_id BIGINT NOT NULL REFERENCES meeting(id),
	written_on TEXT NOT NULL,
	text TEXT NOT NULL,
	filed_by TEXT NOT NULL,
	illustrative TEXT
);
CREATE INDEX meeting_feedback_meeting ON meeting_feedback(meeting_id, id);

CREATE TRIGGER meeting_feedback_no_update BEFORE UPDATE ON meeting_feedback
	FOR EACH ROW EXECUTE FUNCTION plenum_append_only('feedback notes are append-only');
