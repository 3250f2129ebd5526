-- Topics can be retired: a disabled topic is no longer offered for new assignments, and the
-- reports that have it keep it.
ALTER TABLE topics ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
