-- 0006_audit_rows.sql -- the audit trail covers the rows themselves.
--
-- Triggers (generated from the schema by store.c after every migration, not
-- written here, so that a new column is covered without a new trigger) put
-- the before and after image of every changed row of the record into
-- audit_change. The service that owns the write seals them into its audit
-- entry: changes_hash, over the entry's changes in order, is part of the
-- entry's hash. A change made outside plenum stays unsealed, and a row
-- edited with the triggers dropped no longer matches its last image; audit
-- verify reports both.
CREATE TABLE audit_change (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	audit_id INTEGER,              -- the entry that sealed it; NULL while pending
	tbl TEXT NOT NULL,
	row_key TEXT NOT NULL,         -- the row's id, or its primary key as a JSON array
	old_key TEXT,                  -- the key before an update that changed it
	op TEXT NOT NULL,              -- insert, update, delete
	before TEXT,
	after TEXT
);
CREATE INDEX audit_change_entry ON audit_change(audit_id, id);
CREATE INDEX audit_change_pending ON audit_change(org_id, id) WHERE audit_id IS NULL;

ALTER TABLE audit ADD COLUMN changes_hash TEXT;
ALTER TABLE audit ADD COLUMN nchanges INTEGER NOT NULL DEFAULT 0;

-- Idempotent POSTs: a key a client sends once per intended write. The row is
-- written in the same transaction as the write, so a retry after a lost
-- reply finds it; the reply is stored after the commit.
CREATE TABLE idempotency (
	org_id INTEGER NOT NULL REFERENCES org(id),
	actor TEXT NOT NULL,
	key TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	created_at TEXT NOT NULL,
	status INTEGER,
	location TEXT,
	body TEXT,
	PRIMARY KEY (org_id, actor, key)
);
CREATE INDEX idempotency_created ON idempotency(created_at);
