-- Organisations of the network, users, sessions and the security audit log.
-- Times are UTC unix seconds.

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('office', 'service', 'coordination', 'questura', 'prefettura')),
    -- For services: municipality, consortium, job centre… as written in the network's CSV.
    service_kind TEXT,
    owner TEXT,
    area TEXT,
    municipality TEXT,
    email TEXT,
    phone TEXT,
    source TEXT NOT NULL CHECK (source IN ('content', 'csv', 'builtin', 'demo')),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('sportello', 'servizio', 'coordinamento', 'interfaccia', 'questura', 'prefettura', 'admin')),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Accounts made by `serve --demo`; disabled whenever the service starts without it.
    demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    created_at INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL
) STRICT;

-- The session id itself is only in the browser's cookie; the database keeps its SHA-256.
CREATE TABLE sessions (
    id_hash BLOB PRIMARY KEY,
    user_id INTEGER REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    event TEXT NOT NULL,
    actor_user_id INTEGER REFERENCES users (id),
    subject_user_id INTEGER REFERENCES users (id),
    ip TEXT,
    detail TEXT NOT NULL DEFAULT ''
) STRICT;

-- The audit log is append-only: the database itself refuses to change or remove a line.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
