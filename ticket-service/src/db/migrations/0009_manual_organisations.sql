-- Organisations that administrators add in the web interface ('manual'): the imports never
-- touch them. SQLite cannot change a CHECK constraint in place, so the table is rebuilt
-- (foreign keys are off while migrations run, and checked afterwards).
CREATE TABLE organisations_new (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('office', 'service', 'coordination', 'questura', 'prefettura')),
    service_kind TEXT,
    owner TEXT,
    area TEXT,
    municipality TEXT,
    email TEXT,
    phone TEXT,
    source TEXT NOT NULL CHECK (source IN ('content', 'csv', 'builtin', 'demo', 'manual')),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at INTEGER NOT NULL
) STRICT;

INSERT INTO organisations_new
    (id, slug, name, kind, service_kind, owner, area, municipality, email, phone, source, active,
     updated_at)
SELECT id, slug, name, kind, service_kind, owner, area, municipality, email, phone, source, active,
       updated_at
FROM organisations;

DROP TABLE organisations;
ALTER TABLE organisations_new RENAME TO organisations;
