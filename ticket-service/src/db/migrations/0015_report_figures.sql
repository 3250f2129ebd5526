-- What the statistics read of each report, in one narrow table kept by triggers: the report's
-- own columns as they change, and the figures of its timeline (first answer, waits on the
-- Questura or Prefettura, validations, refusals) as entries are appended. Every change reaches
-- it in the same transaction as the change itself, so it never disagrees with the reports and
-- their timelines; it is stored in the order of filing, so the statistics of a period read one
-- stretch of it instead of the wide report rows and every timeline.
CREATE TABLE report_figures (
    report_id INTEGER NOT NULL UNIQUE REFERENCES reports (id) ON DELETE CASCADE,
    filed_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    urgency TEXT NOT NULL,
    topic_id INTEGER,
    organisation_id INTEGER NOT NULL,
    addressed_office TEXT NOT NULL,
    institution TEXT NOT NULL,
    due_date TEXT NOT NULL,
    reopen_count INTEGER NOT NULL,
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
    refusals INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (filed_at, report_id)
) STRICT, WITHOUT ROWID;

-- The reports filed before this migration, with the figures of their timelines.
INSERT INTO report_figures (report_id, filed_at, state, urgency, topic_id, organisation_id,
                            addressed_office, institution, due_date, reopen_count)
SELECT id, created_at, state, urgency, topic_id, organisation_id, addressed_office,
       institution, due_date, reopen_count
FROM reports;

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

CREATE TRIGGER report_figures_follow_filing AFTER INSERT ON reports
BEGIN
    INSERT INTO report_figures (report_id, filed_at, state, urgency, topic_id, organisation_id,
                                addressed_office, institution, due_date, reopen_count)
    VALUES (NEW.id, NEW.created_at, NEW.state, NEW.urgency, NEW.topic_id, NEW.organisation_id,
            NEW.addressed_office, NEW.institution, NEW.due_date, NEW.reopen_count);
END;

CREATE TRIGGER report_figures_follow_report AFTER UPDATE ON reports
BEGIN
    UPDATE report_figures SET
        filed_at = NEW.created_at,
        state = NEW.state,
        urgency = NEW.urgency,
        topic_id = NEW.topic_id,
        organisation_id = NEW.organisation_id,
        addressed_office = NEW.addressed_office,
        institution = NEW.institution,
        due_date = NEW.due_date,
        reopen_count = NEW.reopen_count
    WHERE report_id = NEW.id;
END;

CREATE TRIGGER report_figures_follow_timeline AFTER INSERT ON report_events
WHEN NEW.action IN ('pubblica_risposta', 'segna_consegnata', 'registra_risposta', 'valida',
                    'rifiuta_validazione')
BEGIN
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

-- The statistics choose bookings by their day.
CREATE INDEX bookings_by_start ON bookings (starts_at);
