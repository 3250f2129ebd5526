-- What readers of the public portal send without logging in: whether a page was useful
-- ('pagina'), and reports of accessibility problems ('accessibilita', AgID's feedback
-- mechanism, answered within 30 days). Only the day is kept, never the time, the address,
-- a cookie or the browser: nothing here says who sent what.
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    -- Italian date, 'YYYY-MM-DD'.
    day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('pagina', 'accessibilita')),
    -- For 'pagina' the portal path ('/faq/rinnovo/'); for 'accessibilita' the page or service
    -- the reader named, possibly empty.
    page TEXT NOT NULL,
    -- 1 useful, 0 not useful; only for 'pagina'.
    useful INTEGER CHECK (useful IN (0, 1)),
    comment TEXT NOT NULL DEFAULT '',
    -- Where the reader of an accessibility report asked to be answered, if anywhere.
    reply_email TEXT,
    -- The day by which an accessibility report must be answered.
    due_date TEXT,
    CHECK ((kind = 'pagina') = (useful IS NOT NULL)),
    CHECK ((kind = 'accessibilita') = (due_date IS NOT NULL)),
    CHECK (kind = 'accessibilita' OR reply_email IS NULL)
);

CREATE INDEX feedback_by_day ON feedback (day, id);
CREATE INDEX feedback_by_page ON feedback (kind, page);
