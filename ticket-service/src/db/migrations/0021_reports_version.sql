-- A count moved by every change that can move a report within the report list's stretch of
-- reports still to be answered: a filing, a deletion, a change of state, urgency code, due
-- date or owner. The list keeps that stretch's order between requests while it stays put
-- (db/open_order.rs).
CREATE TABLE reports_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO reports_version (id, version) VALUES (1, 0);

CREATE TRIGGER reports_version_on_insert AFTER INSERT ON reports
BEGIN
    UPDATE reports_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER reports_version_on_delete AFTER DELETE ON reports
BEGIN
    UPDATE reports_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER reports_version_on_update
AFTER UPDATE OF state, urgency, due_date, organisation_id, institution ON reports
BEGIN
    UPDATE reports_version SET version = version + 1 WHERE id = 1;
END;
