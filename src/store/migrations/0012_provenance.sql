-- 0012_provenance.sql -- provenance on every record a secretary enters from
-- a source, not only meetings (0007): the same six columns -- the document's
-- title or URL, the outlet, its reporters (a JSON list, kept apart from
-- attendees), the publication date, "excerpt" or "complete". The data
-- dictionary gives them with one word (SOURCE in domain/model.c), so a record
-- kind gets provenance by that word and these six lines. Persons, initiatives
-- and tasks also get `inferred` (as 0007 gave the meeting's records): facts the
-- secretary inferred rather than read, such as a year taken from the page's date.

ALTER TABLE person ADD COLUMN inferred TEXT;
ALTER TABLE initiative ADD COLUMN inferred TEXT;
ALTER TABLE task ADD COLUMN inferred TEXT;

ALTER TABLE person ADD COLUMN source_title TEXT;
ALTER TABLE person ADD COLUMN source_url TEXT;
ALTER TABLE person ADD COLUMN outlet TEXT;
ALTER TABLE person ADD COLUMN reporters TEXT;
ALTER TABLE person ADD COLUMN published_on TEXT;
ALTER TABLE person ADD COLUMN source_extent TEXT;

ALTER TABLE post ADD COLUMN source_title TEXT;
ALTER TABLE post ADD COLUMN source_url TEXT;
ALTER TABLE post ADD COLUMN outlet TEXT;
ALTER TABLE post ADD COLUMN reporters TEXT;
ALTER TABLE post ADD COLUMN published_on TEXT;
ALTER TABLE post ADD COLUMN source_extent TEXT;

ALTER TABLE speech ADD COLUMN source_title TEXT;
ALTER TABLE speech ADD COLUMN source_url TEXT;
ALTER TABLE speech ADD COLUMN outlet TEXT;
ALTER TABLE speech ADD COLUMN reporters TEXT;
ALTER TABLE speech ADD COLUMN published_on TEXT;
ALTER TABLE speech ADD COLUMN source_extent TEXT;

ALTER TABLE decision ADD COLUMN source_title TEXT;
ALTER TABLE decision ADD COLUMN source_url TEXT;
ALTER TABLE decision ADD COLUMN outlet TEXT;
ALTER TABLE decision ADD COLUMN reporters TEXT;
ALTER TABLE decision ADD COLUMN published_on TEXT;
ALTER TABLE decision ADD COLUMN source_extent TEXT;

ALTER TABLE initiative ADD COLUMN source_title TEXT;
ALTER TABLE initiative ADD COLUMN source_url TEXT;
ALTER TABLE initiative ADD COLUMN outlet TEXT;
ALTER TABLE initiative ADD COLUMN reporters TEXT;
ALTER TABLE initiative ADD COLUMN published_on TEXT;
ALTER TABLE initiative ADD COLUMN source_extent TEXT;

ALTER TABLE task ADD COLUMN source_title TEXT;
ALTER TABLE task ADD COLUMN source_url TEXT;
ALTER TABLE task ADD COLUMN outlet TEXT;
ALTER TABLE task ADD COLUMN reporters TEXT;
ALTER TABLE task ADD COLUMN published_on TEXT;
ALTER TABLE task ADD COLUMN source_extent TEXT;
