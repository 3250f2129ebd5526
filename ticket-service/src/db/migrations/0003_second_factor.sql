-- TOTP second factor: the shared secret (base32) and the last time step used, so a code
-- cannot be replayed; on sessions, the user waiting to type the code after the password and
-- the secret being enrolled.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
ALTER TABLE sessions ADD COLUMN pending_user_id INTEGER REFERENCES users (id);
ALTER TABLE sessions ADD COLUMN totp_enrolment_secret TEXT;
