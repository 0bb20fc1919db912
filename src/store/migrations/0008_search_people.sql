-- 0008_search_people.sql -- search finds people (so that a secretary finds a
-- person before entering a duplicate) and meetings by their place.
-- rowid = person id * 8 + 6.
CREATE TRIGGER person_search_ins AFTER INSERT ON person BEGIN
	INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id) VALUES (new.id * 8 + 6,
		new.name || ' ' || coalesce(new.name_en, ''), coalesce(new.title, '') || ' ' || coalesce(new.title_en, ''),
		new.org_id, 'person', new.id);
END;
CREATE TRIGGER person_search_upd AFTER UPDATE ON person BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 6;
	INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id) VALUES (new.id * 8 + 6,
		new.name || ' ' || coalesce(new.name_en, ''), coalesce(new.title, '') || ' ' || coalesce(new.title_en, ''),
		new.org_id, 'person', new.id);
END;
CREATE TRIGGER person_search_del AFTER DELETE ON person BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 6;
END;
INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id)
	SELECT id * 8 + 6, name || ' ' || coalesce(name_en, ''), coalesce(title, '') || ' ' || coalesce(title_en, ''),
	       org_id, 'person', id FROM person;

DROP TRIGGER meeting_search_ins;
DROP TRIGGER meeting_search_upd;
CREATE TRIGGER meeting_search_ins AFTER INSERT ON meeting BEGIN
	INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id) VALUES (new.id * 8 + 1,
		new.title || ' ' || coalesce(new.title_en, ''),
		coalesce(new.place, '') || ' ' || coalesce(new.summary, '') || ' ' || coalesce(new.summary_en, '') || ' ' ||
		coalesce(new.minutes, ''), new.org_id, 'meeting', new.id);
END;
CREATE TRIGGER meeting_search_upd AFTER UPDATE ON meeting BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
	INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id) VALUES (new.id * 8 + 1,
		new.title || ' ' || coalesce(new.title_en, ''),
		coalesce(new.place, '') || ' ' || coalesce(new.summary, '') || ' ' || coalesce(new.summary_en, '') || ' ' ||
		coalesce(new.minutes, ''), new.org_id, 'meeting', new.id);
END;
DELETE FROM search_index WHERE kind = 'meeting';
INSERT INTO search_index (rowid, title, body, org_id, kind, ref_id)
	SELECT id * 8 + 1, title || ' ' || coalesce(title_en, ''),
	       coalesce(place, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(summary_en, '') || ' ' ||
	       coalesce(minutes, ''), org_id, 'meeting', id FROM meeting;
