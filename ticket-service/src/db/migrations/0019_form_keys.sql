-- Keys the service signs its own tokens with, made at random on first use and kept here so
-- that tokens stay valid across restarts: 'feedback' signs the time tokens of the portal's
-- feedback forms. Nothing about any person.
CREATE TABLE form_keys (
    name TEXT PRIMARY KEY,
    secret BLOB NOT NULL CHECK (length(secret) >= 32)
) STRICT;
