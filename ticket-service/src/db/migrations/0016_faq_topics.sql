-- Topics are the portal's FAQ macro-topics: each section `content/faq/<folder>/` becomes one
-- at every start ('content'), so a report's topic says where its FAQ will go. The coordination
-- may add further topics by hand ('manual'); the five topics the first schema seeded ('seed')
-- give way to the portal's sections: a seed whose name matches a section becomes that
-- section's topic, the others are removed, or disabled when reports have them.
ALTER TABLE topics ADD COLUMN folder TEXT;
ALTER TABLE topics ADD COLUMN source TEXT NOT NULL DEFAULT 'manual'
    CHECK (source IN ('content', 'manual', 'seed'));
CREATE UNIQUE INDEX topics_by_folder ON topics (folder) WHERE folder IS NOT NULL;

UPDATE topics SET source = 'seed'
WHERE id <= 5 AND name IN ('Permesso di soggiorno', 'Ricongiungimento familiare',
                           'Cittadinanza', 'Lavoro', 'Altro');

-- FAQ drafts exported from answered reports. The public file never names the reports; this
-- is where the reserved area keeps the link from a report to the FAQ made of it.
CREATE TABLE faq_exports (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    -- NULL when exported from the command line.
    user_id INTEGER REFERENCES users (id),
    topic_id INTEGER NOT NULL REFERENCES topics (id),
    -- The file under the portal's content folder: 'faq/<topic>/<slug>.md'.
    path TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL
) STRICT;

CREATE TABLE faq_export_reports (
    export_id INTEGER NOT NULL REFERENCES faq_exports (id),
    report_id INTEGER NOT NULL REFERENCES reports (id),
    PRIMARY KEY (export_id, report_id)
) STRICT;

CREATE INDEX faq_export_reports_by_report ON faq_export_reports (report_id);

-- The portal's page counter: views per day, page and language, nothing else. No address,
-- cookie, browser or time of day is kept, so no row says who read what.
CREATE TABLE page_views (
    -- Italian date, 'YYYY-MM-DD'.
    day TEXT NOT NULL,
    -- The portal path ('/faq/rinnovo/').
    path TEXT NOT NULL,
    lang TEXT NOT NULL,
    views INTEGER NOT NULL CHECK (views > 0),
    PRIMARY KEY (day, path, lang)
) STRICT;

-- An accessibility report is an item for the coordination until answered ('risposta') and
-- closed ('chiusa'); the comments on pages have no state.
ALTER TABLE feedback ADD COLUMN state TEXT CHECK (state IN ('aperta', 'risposta', 'chiusa'));
UPDATE feedback SET state = 'aperta' WHERE kind = 'accessibilita';
