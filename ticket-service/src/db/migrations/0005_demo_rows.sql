-- The timeline stays append-only, except for the reports filed by the demo accounts of
-- `serve --demo`: a normal start removes them, with their whole history, so that demo data
-- never mixes with real reports.
DROP TRIGGER report_events_no_delete;

CREATE TRIGGER report_events_no_delete BEFORE DELETE ON report_events
WHEN NOT EXISTS (
    SELECT 1 FROM reports r JOIN users u ON u.id = r.filed_by
    WHERE r.id = OLD.report_id AND u.demo = 1
)
BEGIN
    SELECT RAISE(ABORT, 'report_events is append-only');
END;
