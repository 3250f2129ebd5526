-- The Prefettura's editing of appointment plans: an optional weekly quota per kind (per office,
-- or per territorial area with the seats worked out when the plan was saved); a sequence per
-- booking, raised when it is moved, so calendar programs replace the old event; and the
-- private calendar feeds of the Prefettura's staff, of which only a digest of the secret
-- address is kept.
ALTER TABLE appointment_kinds ADD COLUMN quota_rule TEXT NOT NULL DEFAULT 'nessuna'
    CHECK (quota_rule IN ('nessuna', 'sportello', 'area'));
ALTER TABLE appointment_kinds ADD COLUMN office_quota INTEGER
    CHECK (office_quota IS NULL OR office_quota BETWEEN 1 AND 10000);

CREATE TABLE appointment_area_quotas (
    kind_id INTEGER NOT NULL REFERENCES appointment_kinds (id) ON DELETE CASCADE,
    area TEXT NOT NULL,
    area_name TEXT NOT NULL,
    foreign_residents INTEGER NOT NULL CHECK (foreign_residents >= 0),
    seats INTEGER NOT NULL CHECK (seats >= 0),
    PRIMARY KEY (kind_id, area)
);

ALTER TABLE bookings ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;

CREATE TABLE calendar_feeds (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
