-- 0008_search_people.sql (PostgreSQL) -- search finds people, and meetings by
-- their place; restates ../0008_search_people.sql.
CREATE FUNCTION person_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM search_index WHERE kind = 'person' AND ref_id = old.id;
		RETURN old;
	END IF;
	PERFORM plenum_search_put('person', new.id, new.org_id, new.name || ' ' || coalesce(new.name_en, ''),
		coalesce(new.title, '') || ' ' || coalesce(new.title_en, ''));
	RETURN new;
END;
$$;
CREATE TRIGGER person_search AFTER INSERT OR UPDATE OR DELETE ON person
	FOR EACH ROW EXECUTE FUNCTION person_search();
INSERT INTO search_index (kind, ref_id, org_id, title, body)
	SELECT 'person', id, org_id, name || ' ' || coalesce(name_en, ''), coalesce(title, '') || ' ' || coalesce(title_en, '')
	FROM person;

CREATE OR REPLACE FUNCTION meeting_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM search_index WHERE kind = 'meeting' AND ref_id = old.id;
		RETURN old;
	END IF;
	PERFORM plenum_search_put('meeting', new.id, new.org_id, new.title || ' ' || coalesce(new.title_en, ''),
		coalesce(new.place, '') || ' ' || coalesce(new.summary, '') || ' ' || coalesce(new.summary_en, '') || ' ' ||
		coalesce(new.minutes, ''));
	RETURN new;
END;
$$;
UPDATE search_index s SET body = coalesce(m.place, '') || ' ' || coalesce(m.summary, '') || ' ' ||
	coalesce(m.summary_en, '') || ' ' || coalesce(m.minutes, '')
	FROM meeting m WHERE s.kind = 'meeting' AND s.ref_id = m.id;
