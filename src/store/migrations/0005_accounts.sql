-- 0005_accounts.sql -- login throttling per (login, address) with an
-- exponential back-off, and the end of a user's sessions, API tokens and
-- calendar secret whenever the account is disabled, its password changes
-- or it is deleted -- whichever path (CLI, API, import) made the change.

-- One row per login and address that failed since its last success:
-- failures counted, and the earliest time the next attempt is heard (in
-- milliseconds since 1970: waits start at one second).
DROP TABLE login_failure;
CREATE TABLE login_throttle (
	login TEXT NOT NULL,
	addr TEXT NOT NULL,
	failures INTEGER NOT NULL,
	next_at INTEGER NOT NULL,
	last_at TEXT NOT NULL,
	PRIMARY KEY (login, addr)
);
CREATE INDEX login_throttle_addr ON login_throttle(addr, last_at);
CREATE INDEX login_throttle_last ON login_throttle(last_at);
CREATE INDEX session_expires ON session(expires_at);

CREATE TRIGGER app_user_disabled_ends_sessions AFTER UPDATE OF disabled ON app_user
WHEN new.disabled AND NOT old.disabled BEGIN
	DELETE FROM session WHERE user_id = new.id;
	UPDATE api_token SET revoked = 1 WHERE user_id = new.id;
	DELETE FROM calendar_token WHERE user_id = new.id;
END;
CREATE TRIGGER app_user_password_ends_sessions AFTER UPDATE OF password_hash ON app_user
WHEN new.password_hash IS NOT old.password_hash BEGIN
	DELETE FROM session WHERE user_id = new.id;
	UPDATE api_token SET revoked = 1 WHERE user_id = new.id;
	DELETE FROM calendar_token WHERE user_id = new.id;
END;
CREATE TRIGGER app_user_delete_ends_sessions BEFORE DELETE ON app_user BEGIN
	DELETE FROM session WHERE user_id = old.id;
	DELETE FROM api_token WHERE user_id = old.id;
	DELETE FROM calendar_token WHERE user_id = old.id;
END;

-- A progress report may say which period it covers (within the task's span).
ALTER TABLE progress_report ADD COLUMN period_from TEXT;
ALTER TABLE progress_report ADD COLUMN period_to TEXT;
