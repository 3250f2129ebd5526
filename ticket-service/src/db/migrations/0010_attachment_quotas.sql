-- The attachment quotas count what a user uploaded in the last 24 hours, on reports and on
-- report forms, and the unsent report forms with files that a session holds.
CREATE INDEX attachments_by_uploader ON attachments (uploaded_by, uploaded_at);
CREATE INDEX draft_attachments_by_user ON draft_attachments (user_id, uploaded_at);
CREATE INDEX draft_attachments_by_session ON draft_attachments (session_hash);
