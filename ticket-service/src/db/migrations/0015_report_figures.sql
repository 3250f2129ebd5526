-- What the statistics read of each report's timeline, kept by a trigger on the timeline
-- itself: every entry that moves a figure changes it in the same transaction, so the figures
-- never disagree with the timeline, and the statistics page reads one row per report instead
-- of walking every timeline.
CREATE TABLE report_figures (
    report_id INTEGER PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    -- The first time an answer was published to the office (action 'pubblica_risposta').
    first_answer_at INTEGER,
    -- Set from the hand-over to the Questura or Prefettura ('segna_consegnata') until their
    -- answer is recorded ('registra_risposta').
    wait_started_at INTEGER,
    -- The completed waits on the Questura or Prefettura: how many, and their seconds in all.
    waits INTEGER NOT NULL DEFAULT 0,
    waited_secs INTEGER NOT NULL DEFAULT 0,
    -- How many times a referent validated, or refused, a published answer.
    validations INTEGER NOT NULL DEFAULT 0,
    refusals INTEGER NOT NULL DEFAULT 0
) STRICT;

-- The figures of the reports filed before this migration, from their timelines.
INSERT INTO report_figures (report_id) SELECT id FROM reports;

UPDATE report_figures SET
    first_answer_at = (
        SELECT MIN(e.at) FROM report_events e
        WHERE e.report_id = report_figures.report_id AND e.action = 'pubblica_risposta'),
    validations = (
        SELECT COUNT(*) FROM report_events e
        WHERE e.report_id = report_figures.report_id AND e.action = 'valida'),
    refusals = (
        SELECT COUNT(*) FROM report_events e
        WHERE e.report_id = report_figures.report_id AND e.action = 'rifiuta_validazione');

-- Each recorded answer closes the wait opened by the latest hand-over before it.
UPDATE report_figures SET
    waits = (
        SELECT COUNT(*) FROM report_events e
        WHERE e.report_id = report_figures.report_id AND e.action = 'registra_risposta'),
    waited_secs = COALESCE((
        SELECT SUM(e.at - (
            SELECT MAX(s.at) FROM report_events s
            WHERE s.report_id = e.report_id AND s.action = 'segna_consegnata' AND s.id < e.id))
        FROM report_events e
        WHERE e.report_id = report_figures.report_id AND e.action = 'registra_risposta'), 0),
    wait_started_at = (
        SELECT CASE WHEN last.action = 'segna_consegnata' THEN last.at END
        FROM report_events last
        WHERE last.report_id = report_figures.report_id
          AND last.action IN ('segna_consegnata', 'registra_risposta')
        ORDER BY last.id DESC LIMIT 1);

CREATE TRIGGER report_figures_follow_timeline AFTER INSERT ON report_events
WHEN NEW.action IN ('inviata', 'pubblica_risposta', 'segna_consegnata', 'registra_risposta',
                    'valida', 'rifiuta_validazione')
BEGIN
    INSERT OR IGNORE INTO report_figures (report_id) VALUES (NEW.report_id);
    -- Every expression reads the row as it was before this entry.
    UPDATE report_figures SET
        first_answer_at = CASE
            WHEN NEW.action = 'pubblica_risposta' AND first_answer_at IS NULL THEN NEW.at
            ELSE first_answer_at END,
        waits = waits + (NEW.action = 'registra_risposta' AND wait_started_at IS NOT NULL),
        waited_secs = waited_secs + CASE
            WHEN NEW.action = 'registra_risposta' AND wait_started_at IS NOT NULL
            THEN NEW.at - wait_started_at ELSE 0 END,
        wait_started_at = CASE NEW.action
            WHEN 'segna_consegnata' THEN NEW.at
            WHEN 'registra_risposta' THEN NULL
            ELSE wait_started_at END,
        validations = validations + (NEW.action = 'valida'),
        refusals = refusals + (NEW.action = 'rifiuta_validazione')
    WHERE report_id = NEW.report_id;
END;

-- The statistics choose reports by the day they were filed, and bookings by their day.
CREATE INDEX reports_by_filing ON reports (created_at);
CREATE INDEX bookings_by_start ON bookings (starts_at);
