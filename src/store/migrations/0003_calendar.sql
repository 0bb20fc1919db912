-- 0003_calendar.sql -- personal calendar feeds: a secret token per user,
-- stored hashed, that reads that user's meetings and nothing else.
CREATE TABLE calendar_token (
	user_id INTEGER PRIMARY KEY REFERENCES app_user(id),
	org_id INTEGER NOT NULL REFERENCES org(id),
	token_hash TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL
);
