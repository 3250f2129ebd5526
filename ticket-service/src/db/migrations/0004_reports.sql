-- The report workflow: reports, their timeline, internal notes, answers, topics, printed
-- batches, attachments and in-app notifications. Times are UTC unix seconds; due dates are
-- calendar days (YYYY-MM-DD) in Europe/Rome, since business days are local days.

CREATE TABLE topics (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    -- Offered to the coordination as the starting text of an answer on this topic.
    standard_answer TEXT NOT NULL DEFAULT ''
) STRICT;

INSERT INTO topics (name, standard_answer) VALUES
    ('Permesso di soggiorno', 'La pratica risulta in lavorazione presso l''Ufficio Immigrazione. Il rilascio avverrà con la convocazione tramite SMS o con la pubblicazione sul portale della Polizia di Stato.'),
    ('Ricongiungimento familiare', 'La domanda di nulla osta risulta in istruttoria presso lo Sportello Unico. Eventuali integrazioni saranno richieste tramite il portale ALI.'),
    ('Cittadinanza', 'La domanda risulta in istruttoria. L''interessato riceverà le comunicazioni all''indirizzo indicato nella domanda.'),
    ('Lavoro', ''),
    ('Altro', '');

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    protocol TEXT NOT NULL UNIQUE,
    -- The organisation that filed it: its operators, and only they among offices, see it.
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    filed_by INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    addressed_office TEXT NOT NULL,
    -- Whose referents see the report; derived from the addressed office.
    institution TEXT NOT NULL CHECK (institution IN ('questura', 'prefettura')),
    file_kind TEXT NOT NULL,
    file_reference TEXT,
    -- The citizen's identifiers, in their own columns so that search, FAQ export and
    -- retention can find, drop or delete them.
    citizen_family_name TEXT NOT NULL,
    citizen_given_name TEXT NOT NULL,
    citizen_birth_date TEXT,
    citizen_tax_code TEXT,
    description TEXT NOT NULL,
    urgency TEXT NOT NULL,
    urgency_reason TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('nuova', 'presa_in_carico', 'inoltrata', 'in_attesa_di_risposta', 'risposta_ricevuta', 'risposta_pubblicata', 'validata', 'chiusa', 'riaperta')),
    topic_id INTEGER REFERENCES topics (id),
    due_date TEXT NOT NULL,
    -- Set while the report waits on the Questura or the Prefettura: the clock is paused.
    waiting_since INTEGER,
    waited_secs INTEGER NOT NULL DEFAULT 0,
    reopen_count INTEGER NOT NULL DEFAULT 0,
    -- The random key of the review page that confirmed it: a second submission finds it.
    submission_key TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (year, sequence)
) STRICT;

CREATE INDEX reports_by_organisation ON reports (organisation_id);
CREATE INDEX reports_by_institution ON reports (institution);

CREATE TABLE report_events (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    at INTEGER NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    comment TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX report_events_by_report ON report_events (report_id);

-- The timeline is append-only, like the audit log.
CREATE TRIGGER report_events_no_update BEFORE UPDATE ON report_events
BEGIN
    SELECT RAISE(ABORT, 'report_events is append-only');
END;

CREATE TRIGGER report_events_no_delete BEFORE DELETE ON report_events
BEGIN
    SELECT RAISE(ABORT, 'report_events is append-only');
END;

CREATE TABLE internal_notes (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    at INTEGER NOT NULL,
    body TEXT NOT NULL
) STRICT;

CREATE INDEX internal_notes_by_report ON internal_notes (report_id);

-- 'ricevuta' is what the liaison brought back; 'pubblicata' is what the office reads.
CREATE TABLE answers (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    stage TEXT NOT NULL CHECK (stage IN ('ricevuta', 'pubblicata')),
    user_id INTEGER NOT NULL REFERENCES users (id),
    at INTEGER NOT NULL,
    body TEXT NOT NULL
) STRICT;

CREATE INDEX answers_by_report ON answers (report_id);

CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    forwarded_by INTEGER REFERENCES users (id),
    forwarded_at INTEGER
) STRICT;

CREATE TABLE batch_reports (
    batch_id INTEGER NOT NULL REFERENCES batches (id),
    report_id INTEGER NOT NULL REFERENCES reports (id),
    PRIMARY KEY (batch_id, report_id)
) STRICT;

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    -- Random name under the attachment folder; the uploaded name is never used on disk.
    stored_name TEXT NOT NULL UNIQUE,
    original_name TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size INTEGER NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES users (id),
    uploaded_at INTEGER NOT NULL
) STRICT;

CREATE INDEX attachments_by_report ON attachments (report_id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    report_id INTEGER NOT NULL REFERENCES reports (id),
    message TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at INTEGER
) STRICT;

CREATE INDEX notifications_unread ON notifications (user_id, read_at);

-- Set for notifications already mailed, at once or in a daily digest; the digest sends the rest.
ALTER TABLE notifications ADD COLUMN mailed_at INTEGER;

-- 1 when the user wants one mail a day with the day's notifications instead of one mail each.
ALTER TABLE users ADD COLUMN mail_digest INTEGER NOT NULL DEFAULT 0 CHECK (mail_digest IN (0, 1));
