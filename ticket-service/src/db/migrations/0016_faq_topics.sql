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
