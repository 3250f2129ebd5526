-- What the user sees in the list of their own sessions (address and browser at login), and
-- when the password (and the TOTP code) was last typed in the session, for the check before
-- exports.
ALTER TABLE sessions ADD COLUMN authenticated_at INTEGER;
ALTER TABLE sessions ADD COLUMN ip TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
