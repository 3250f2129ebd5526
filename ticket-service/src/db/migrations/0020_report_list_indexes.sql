-- The list of reports read a page at a time from indexes, instead of sorting every report in
-- scope on each request (see db/report_list.rs): the reports still to be answered are found
-- by state, with what their order needs in the index; the answered ones are read in order of
-- urgency code and due date, or of due date alone.
CREATE INDEX reports_open_all ON reports (state, urgency, due_date);
CREATE INDEX reports_open_by_organisation ON reports (organisation_id, state, urgency, due_date);
CREATE INDEX reports_open_by_institution ON reports (institution, state, urgency, due_date);
CREATE INDEX reports_by_urgency_due ON reports (urgency, due_date, id DESC);
CREATE INDEX reports_by_organisation_urgency_due
    ON reports (organisation_id, urgency, due_date, id DESC);
CREATE INDEX reports_by_institution_urgency_due
    ON reports (institution, urgency, due_date, id DESC);
CREATE INDEX reports_by_due ON reports (due_date, id DESC);
CREATE INDEX reports_by_organisation_due ON reports (organisation_id, due_date, id DESC);
CREATE INDEX reports_by_institution_due ON reports (institution, due_date, id DESC);
-- The index on organisation alone is the first column of the ones above.
DROP INDEX reports_by_organisation;
DROP INDEX reports_by_institution;
-- How many reports each topic has (the topics page), and deleting a topic.
CREATE INDEX reports_by_topic ON reports (topic_id);

-- How many reports there are of each organisation, institution, state and urgency code, kept
-- by triggers in the same transaction as every change: the list counts its pages from these
-- few rows instead of counting reports.
CREATE TABLE report_counts (
    organisation_id INTEGER NOT NULL,
    institution TEXT NOT NULL,
    state TEXT NOT NULL,
    urgency TEXT NOT NULL,
    reports INTEGER NOT NULL,
    PRIMARY KEY (organisation_id, institution, state, urgency)
) STRICT, WITHOUT ROWID;

INSERT INTO report_counts (organisation_id, institution, state, urgency, reports)
SELECT organisation_id, institution, state, urgency, COUNT(*)
FROM reports
GROUP BY organisation_id, institution, state, urgency;

CREATE TRIGGER report_counts_follow_filing AFTER INSERT ON reports
BEGIN
    INSERT INTO report_counts (organisation_id, institution, state, urgency, reports)
    VALUES (NEW.organisation_id, NEW.institution, NEW.state, NEW.urgency, 1)
    ON CONFLICT DO UPDATE SET reports = reports + 1;
END;

CREATE TRIGGER report_counts_follow_change
AFTER UPDATE OF organisation_id, institution, state, urgency ON reports
WHEN OLD.organisation_id IS NOT NEW.organisation_id OR OLD.institution IS NOT NEW.institution
  OR OLD.state IS NOT NEW.state OR OLD.urgency IS NOT NEW.urgency
BEGIN
    UPDATE report_counts SET reports = reports - 1
    WHERE organisation_id = OLD.organisation_id AND institution = OLD.institution
      AND state = OLD.state AND urgency = OLD.urgency;
    INSERT INTO report_counts (organisation_id, institution, state, urgency, reports)
    VALUES (NEW.organisation_id, NEW.institution, NEW.state, NEW.urgency, 1)
    ON CONFLICT DO UPDATE SET reports = reports + 1;
END;

CREATE TRIGGER report_counts_follow_removal AFTER DELETE ON reports
BEGIN
    UPDATE report_counts SET reports = reports - 1
    WHERE organisation_id = OLD.organisation_id AND institution = OLD.institution
      AND state = OLD.state AND urgency = OLD.urgency;
END;
