-- One-time links sent by e-mail to activate an account or reset its password.
-- Only the SHA-256 of the token is stored; the token itself is only in the mail.
CREATE TABLE account_links (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('activation', 'reset')),
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
) STRICT;

CREATE INDEX account_links_by_user ON account_links (user_id);
