-- 0006_audit_rows.sql (PostgreSQL) -- row images for the audit trail and
-- idempotent POSTs; restates ../0006_audit_rows.sql.
--
-- The triggers that fill audit_change are generated from the schema at run
-- time by store_audit.c on SQLite and are NOT restated here. A plpgsql
-- version needs one generic trigger function for every audited table:
-- to_jsonb(old) / to_jsonb(new) give the before and after images (column
-- order and number formatting must match what store_audit.c hashes on
-- SQLite, or `audit verify` after a copy between stores fails), the row key
-- from TG_TABLE_NAME's primary key (pg_index), and org_id from the row.
CREATE TABLE audit_change (
	id BIGSERIAL PRIMARY KEY,
	org_id BIGINT NOT NULL,
	audit_id BIGINT,
	tbl TEXT NOT NULL,
	row_key TEXT NOT NULL,
	old_key TEXT,
	op TEXT NOT NULL,
	before TEXT,
	after TEXT
);
CREATE INDEX audit_change_entry ON audit_change(audit_id, id);
CREATE INDEX audit_change_pending ON audit_change(org_id, id) WHERE audit_id IS NULL;

ALTER TABLE audit ADD COLUMN changes_hash TEXT;
ALTER TABLE audit ADD COLUMN nchanges BIGINT NOT NULL DEFAULT 0;

CREATE TABLE idempotency (
	org_id BIGINT NOT NULL REFERENCES org(id),
	actor TEXT NOT NULL,
	key TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	created_at TEXT NOT NULL,
	status BIGINT,
	location TEXT,
	body TEXT,
	PRIMARY KEY (org_id, actor, key)
);
CREATE INDEX idempotency_created ON idempotency(created_at);

-- Row images and keys print exactly as SQLite's json_object()/json_array()
-- print them (compact, strings escaped alike, REAL as "%!.15g": 2.0, 0.1,
-- 1.0e+20), so that the images that store_audit.c's generated triggers
-- write on either engine are the same bytes and a chain copied between
-- stores verifies. One function per column type; NULL is null.
CREATE FUNCTION plenum_json(v BIGINT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(v::text, 'null');
$$;
CREATE FUNCTION plenum_json(v TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(to_json(v)::text, 'null');
$$;
CREATE FUNCTION plenum_json(v DOUBLE PRECISION) RETURNS TEXT LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	m NUMERIC;
	e INT;
	s TEXT;
BEGIN
	IF v IS NULL OR v <> v THEN
		RETURN 'null';
	ELSIF v = 0 THEN
		RETURN '0.0';
	ELSIF v = 'Infinity'::float8 THEN
		RETURN '9.0e+999';
	ELSIF v = '-Infinity'::float8 THEN
		RETURN '-9.0e+999';
	END IF;
	m := v::numeric;                   -- 15 significant digits, as %.15g
	e := floor(log(abs(m)))::int;
	IF e < -4 OR e >= 15 THEN
		s := trim_scale(m / power(10::numeric, e))::text;
		IF position('.' in s) = 0 THEN
			s := s || '.0';
		END IF;
		RETURN s || 'e' || CASE WHEN e < 0 THEN '-' ELSE '+' END || lpad(abs(e)::text, 2, '0');
	END IF;
	s := trim_scale(m)::text;
	IF position('.' in s) = 0 THEN
		s := s || '.0';
	END IF;
	RETURN s;
END;
$$;
