-- 0005_accounts.sql (PostgreSQL) -- login throttling, and the end of a
-- user's sessions, API tokens and calendar secret whenever the account is
-- disabled, its password changes or it is deleted; restates
-- ../0005_accounts.sql.
DROP TABLE login_failure;
CREATE TABLE login_throttle (
	login TEXT NOT NULL,
	addr TEXT NOT NULL,
	failures BIGINT NOT NULL,
	next_at BIGINT NOT NULL,
	last_at TEXT NOT NULL,
	PRIMARY KEY (login, addr)
);
CREATE INDEX login_throttle_addr ON login_throttle(addr, last_at);
CREATE INDEX login_throttle_last ON login_throttle(last_at);
CREATE INDEX session_expires ON session(expires_at);

CREATE FUNCTION app_user_ends_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM session WHERE user_id = old.id;
		DELETE FROM api_token WHERE user_id = old.id;
		DELETE FROM calendar_token WHERE user_id = old.id;
		RETURN old;
	END IF;
	IF (new.disabled <> 0 AND old.disabled = 0) OR new.password_hash IS DISTINCT FROM old.password_hash THEN
		DELETE FROM session WHERE user_id = new.id;
		UPDATE api_token SET revoked = 1 WHERE user_id = new.id;
		DELETE FROM calendar_token WHERE user_id = new.id;
	END IF;
	RETURN new;
END;
$$;
CREATE TRIGGER app_user_ends_sessions_upd AFTER UPDATE OF disabled, password_hash ON app_user
	FOR EACH ROW EXECUTE FUNCTION app_user_ends_sessions();
CREATE TRIGGER app_user_delete_ends_sessions BEFORE DELETE ON app_user
	FOR EACH ROW EXECUTE FUNCTION app_user_ends_sessions();

ALTER TABLE progress_report ADD COLUMN period_from TEXT;
ALTER TABLE progress_report ADD COLUMN period_to TEXT;
