-- When the citizen's identifiers (and the attachments) of a report or a booking were deleted,
-- by the retention job or on the person's request; the row itself stays for the statistics.
ALTER TABLE reports ADD COLUMN personal_data_removed_at INTEGER;
ALTER TABLE bookings ADD COLUMN personal_data_removed_at INTEGER;
CREATE INDEX reports_closed_by_age ON reports (state, updated_at)
    WHERE personal_data_removed_at IS NULL;
