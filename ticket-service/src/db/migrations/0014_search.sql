-- Report search. The search index lives in files beside the database; the database keeps a
-- queue of the reports whose indexed text or filters changed, filled by triggers, so that any
-- write (a use case, a command, a crash between the database's commit and the index's) leaves
-- a trace the index catches up from. The index's commit records the last queue entry it
-- holds; entries up to it are then deleted, and `trimmed_upto` remembers how far, so an index
-- older than that (a restored backup) is rebuilt instead of trusted.
CREATE TABLE search_queue (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id INTEGER NOT NULL
) STRICT;

CREATE TABLE search_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    trimmed_upto INTEGER NOT NULL
) STRICT;

INSERT INTO search_state (id, trimmed_upto) VALUES (1, 0);

CREATE TRIGGER search_report_inserted AFTER INSERT ON reports
BEGIN
    INSERT INTO search_queue (report_id) VALUES (NEW.id);
END;

CREATE TRIGGER search_report_updated AFTER UPDATE ON reports
BEGIN
    INSERT INTO search_queue (report_id) VALUES (NEW.id);
END;

CREATE TRIGGER search_report_deleted AFTER DELETE ON reports
BEGIN
    INSERT INTO search_queue (report_id) VALUES (OLD.id);
END;

CREATE TRIGGER search_answer_inserted AFTER INSERT ON answers
BEGIN
    INSERT INTO search_queue (report_id) VALUES (NEW.report_id);
END;

CREATE TRIGGER search_answer_updated AFTER UPDATE ON answers
BEGIN
    INSERT INTO search_queue (report_id) VALUES (NEW.report_id);
END;

CREATE TRIGGER search_answer_deleted AFTER DELETE ON answers
BEGIN
    INSERT INTO search_queue (report_id) VALUES (OLD.report_id);
END;

CREATE TRIGGER search_note_inserted AFTER INSERT ON internal_notes
BEGIN
    INSERT INTO search_queue (report_id) VALUES (NEW.report_id);
END;

CREATE TRIGGER search_note_updated AFTER UPDATE ON internal_notes
BEGIN
    INSERT INTO search_queue (report_id) VALUES (NEW.report_id);
END;

CREATE TRIGGER search_note_deleted AFTER DELETE ON internal_notes
BEGIN
    INSERT INTO search_queue (report_id) VALUES (OLD.report_id);
END;

-- A renamed topic or organisation changes the text of every report that names it.
-- The imports rewrite every organisation at start: only a real change counts.
CREATE TRIGGER search_topic_renamed AFTER UPDATE OF name ON topics
WHEN OLD.name IS NOT NEW.name
BEGIN
    INSERT INTO search_queue (report_id) SELECT id FROM reports WHERE topic_id = NEW.id;
END;

CREATE TRIGGER search_organisation_changed AFTER UPDATE OF name, area ON organisations
WHEN OLD.name IS NOT NEW.name OR OLD.area IS NOT NEW.area
BEGIN
    INSERT INTO search_queue (report_id)
        SELECT id FROM reports WHERE organisation_id = NEW.id;
END;

-- Fewer duplicate questions: whether the "similar questions" step showed the office at least
-- one published FAQ or answered report before the report was filed (1), or showed nothing or
-- was not used (0). NULL for reports filed before the step existed. The statistics read the
-- share from here.
ALTER TABLE reports ADD COLUMN similar_shown INTEGER CHECK (similar_shown IN (0, 1));

-- What the step showed for a form, by its submission key, until the form is filed.
CREATE TABLE similar_checks (
    submission_key TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    at INTEGER NOT NULL,
    faq_shown INTEGER NOT NULL,
    reports_shown INTEGER NOT NULL
) STRICT;
