-- Appointments at the Prefettura's citizenship office: the kinds of appointment, each with
-- its weekly plan and the exceptions to it, and the bookings offices make for the people
-- they assist. Times of slots are Italian wall-clock times, 'YYYY-MM-DDTHH:MM:SS'.
CREATE TABLE appointment_kinds (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes BETWEEN 5 AND 240),
    seats INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 50),
    min_notice_hours INTEGER NOT NULL CHECK (min_notice_hours BETWEEN 0 AND 720),
    horizon_days INTEGER NOT NULL CHECK (horizon_days BETWEEN 1 AND 366),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE appointment_openings (
    kind_id INTEGER NOT NULL REFERENCES appointment_kinds (id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens TEXT NOT NULL,
    closes TEXT NOT NULL CHECK (closes > opens)
);

-- A day closed (no hours) or opened at other hours than the weekly ones.
CREATE TABLE appointment_exceptions (
    kind_id INTEGER NOT NULL REFERENCES appointment_kinds (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    opens TEXT,
    closes TEXT,
    CHECK ((opens IS NULL AND closes IS NULL) OR closes > opens)
);

CREATE TABLE bookings (
    id INTEGER PRIMARY KEY,
    kind_id INTEGER NOT NULL REFERENCES appointment_kinds (id),
    starts_at TEXT NOT NULL,
    -- The person's fiscal code or file number, as one key (`cf:…`, `pratica:…`).
    person_key TEXT NOT NULL,
    person_name TEXT NOT NULL,
    contact TEXT,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    booked_by INTEGER NOT NULL REFERENCES users (id),
    state TEXT NOT NULL DEFAULT 'attiva'
        CHECK (state IN ('attiva', 'annullata', 'presente', 'assente')),
    created_at INTEGER NOT NULL,
    changed_at INTEGER
);

-- One active booking per person and kind of appointment.
CREATE UNIQUE INDEX bookings_one_per_person ON bookings (kind_id, person_key)
    WHERE state = 'attiva';
CREATE INDEX bookings_by_slot ON bookings (kind_id, starts_at) WHERE state = 'attiva';
