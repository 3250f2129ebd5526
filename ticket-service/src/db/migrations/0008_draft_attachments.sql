-- Files attached on the report form before the report is sent: kept per draft (the random
-- key of the review page), per user and per session until the report is filed, then moved
-- to `attachments`. Drafts whose session has ended are removed with their files.
CREATE TABLE draft_attachments (
    id INTEGER PRIMARY KEY,
    draft_key TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    session_hash BLOB NOT NULL,
    stored_name TEXT NOT NULL UNIQUE,
    original_name TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size INTEGER NOT NULL,
    uploaded_at INTEGER NOT NULL
) STRICT;

CREATE INDEX draft_attachments_by_draft ON draft_attachments (draft_key, user_id);
