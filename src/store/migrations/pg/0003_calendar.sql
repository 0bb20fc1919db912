-- 0003_calendar.sql (PostgreSQL) -- personal calendar feeds; restates
-- ../0003_calendar.sql.
CREATE TABLE calendar_token (
	user_id BIGINT PRIMARY KEY REFERENCES app_user(id),
	org_id BIGINT NOT NULL REFERENCES org(id),
	token_hash TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL
);
