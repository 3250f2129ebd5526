//! Queries on `sessions`. Rows are keyed by the SHA-256 of the session id, so a copy of the
//! database does not hand out live sessions.

use rusqlite::{Connection, OptionalExtension, params};

/// A session as stored, with what the pages need about its user when someone is logged in.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub csrf_token: String,
    /// The user who gave the right password and still has to type the TOTP code.
    pub pending_user_id: Option<i64>,
    /// A TOTP secret shown for enrolment and not yet confirmed.
    pub totp_enrolment_secret: Option<String>,
    pub created_at: i64,
    pub last_seen_at: i64,
    /// When the password (and TOTP code) was last typed in this session.
    pub authenticated_at: Option<i64>,
    pub user: Option<SessionUser>,
}

/// Where a logged-in session was opened from, as its user sees it in the list of sessions.
#[derive(Debug, Clone, Default)]
pub struct SessionOrigin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// One of a user's sessions, for the page that lists them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OwnSession {
    /// The row number: what the forms name, never the session id or its hash.
    pub number: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The session of the request that lists them.
    pub current: bool,
}

#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub must_change_password: bool,
    pub has_second_factor: bool,
    /// Notifications of the report workflow not yet read, for the header.
    pub unread_notifications: i64,
}

/// A new session; a logged-in one (with `user_id`) counts as authenticated now.
pub fn insert(
    conn: &Connection,
    id_hash: &[u8],
    user_id: Option<i64>,
    csrf_token: &str,
    origin: &SessionOrigin,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO sessions
             (id_hash, user_id, csrf_token, created_at, last_seen_at, authenticated_at, ip,
              user_agent)
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7)",
        params![
            id_hash,
            user_id,
            csrf_token,
            now,
            user_id.map(|_| now),
            origin.ip,
            origin.user_agent
        ],
    )?;
    Ok(())
}

/// The password (and code) were typed again in this session.
pub fn set_authenticated(conn: &Connection, id_hash: &[u8], now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE sessions SET authenticated_at = ?2 WHERE id_hash = ?1",
        params![id_hash, now],
    )?;
    Ok(())
}

/// The logged-in sessions of a user, the most recently used first.
pub fn list_for_user(
    conn: &Connection,
    user_id: i64,
    current: &[u8],
) -> rusqlite::Result<Vec<OwnSession>> {
    let mut statement = conn.prepare_cached(
        "SELECT rowid, created_at, last_seen_at, ip, user_agent, id_hash = ?2
         FROM sessions WHERE user_id = ?1
         ORDER BY last_seen_at DESC, rowid DESC",
    )?;
    statement
        .query_map(params![user_id, current], |row| {
            Ok(OwnSession {
                number: row.get(0)?,
                created_at: row.get(1)?,
                last_seen_at: row.get(2)?,
                ip: row.get(3)?,
                user_agent: row.get(4)?,
                current: row.get(5)?,
            })
        })?
        .collect()
}

/// Ends one session of a user, never the current one; false when there is no such session.
pub fn delete_own(
    conn: &Connection,
    user_id: i64,
    number: i64,
    current: &[u8],
) -> rusqlite::Result<bool> {
    conn.execute(
        "DELETE FROM sessions WHERE rowid = ?2 AND user_id = ?1 AND id_hash <> ?3",
        params![user_id, number, current],
    )
    .map(|deleted| deleted > 0)
}

/// A session halfway through login: the password was right, the TOTP code is still due.
pub fn insert_pending(
    conn: &Connection,
    id_hash: &[u8],
    pending_user_id: i64,
    csrf_token: &str,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO sessions (id_hash, pending_user_id, csrf_token, created_at, last_seen_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
        params![id_hash, pending_user_id, csrf_token, now],
    )?;
    Ok(())
}

/// Stores (sealed) or clears the TOTP secret being enrolled in this session.
pub fn set_enrolment_secret(
    conn: &Connection,
    id_hash: &[u8],
    secret: Option<&str>,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE sessions SET totp_enrolment_secret = ?2 WHERE id_hash = ?1",
        params![id_hash, secret],
    )?;
    Ok(())
}

/// Forgets the secrets being enrolled that older versions stored in clear; the enrolment page
/// simply shows a new one.
pub fn forget_clear_enrolment_secrets(
    conn: &Connection,
    sealed_prefix: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE sessions SET totp_enrolment_secret = NULL
         WHERE totp_enrolment_secret IS NOT NULL
           AND substr(totp_enrolment_secret, 1, length(?1)) <> ?1",
        [sealed_prefix],
    )
}

/// The session with this hash. A session whose user, or the user's organisation, has been
/// disabled comes back without a user, so the caller treats it as ended.
pub fn find(conn: &Connection, id_hash: &[u8]) -> rusqlite::Result<Option<SessionRow>> {
    conn.prepare_cached(
        "SELECT s.csrf_token, s.created_at, s.last_seen_at, s.user_id,
                u.username, u.display_name, u.role, u.organisation_id, o.name, u.must_change_password,
                u.active AND o.active, s.pending_user_id, s.totp_enrolment_secret, u.totp_secret IS NOT NULL,
                (SELECT COUNT(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL),
                s.authenticated_at
         FROM sessions s
         LEFT JOIN users u ON u.id = s.user_id
         LEFT JOIN organisations o ON o.id = u.organisation_id
         WHERE s.id_hash = ?1",
    )?
    .query_row(
        [id_hash],
        |row| {
            let user_id: Option<i64> = row.get(3)?;
            let active: Option<bool> = row.get(10)?;
            let user = match (user_id, active) {
                (Some(id), Some(true)) => Some(SessionUser {
                    id,
                    username: row.get(4)?,
                    display_name: row.get(5)?,
                    role: row.get(6)?,
                    organisation_id: row.get(7)?,
                    organisation_name: row.get(8)?,
                    must_change_password: row.get(9)?,
                    has_second_factor: row.get(13)?,
                    unread_notifications: row.get(14)?,
                }),
                _ => None,
            };
            Ok((
                SessionRow {
                    csrf_token: row.get(0)?,
                    pending_user_id: row.get(11)?,
                    totp_enrolment_secret: row.get(12)?,
                    created_at: row.get(1)?,
                    last_seen_at: row.get(2)?,
                    authenticated_at: row.get(15)?,
                    user,
                },
                user_id.is_some(),
            ))
        },
    )
    .optional()
    .map(|found| {
        found.and_then(|(session, had_user)| {
            // A logged-in session whose user is gone or disabled is no session at all.
            (session.user.is_some() || !had_user).then_some(session)
        })
    })
}

pub fn touch(conn: &Connection, id_hash: &[u8], now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1",
        params![id_hash, now],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, id_hash: &[u8]) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM sessions WHERE id_hash = ?1", [id_hash])?;
    Ok(())
}

/// Ends every session of the users of an organisation; returns how many ended.
pub fn delete_for_organisation(conn: &Connection, organisation_id: i64) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM sessions
         WHERE user_id IN (SELECT id FROM users WHERE organisation_id = ?1)",
        [organisation_id],
    )
}

/// Ends every session of a user except, when given, the one still in use.
pub fn delete_for_user(
    conn: &Connection,
    user_id: i64,
    keep: Option<&[u8]>,
) -> rusqlite::Result<usize> {
    match keep {
        Some(keep) => conn.execute(
            "DELETE FROM sessions WHERE user_id = ?1 AND id_hash <> ?2",
            params![user_id, keep],
        ),
        None => conn.execute("DELETE FROM sessions WHERE user_id = ?1", [user_id]),
    }
}

/// Removes sessions that ended by time, so abandoned login pages do not pile up.
pub fn purge_expired(
    conn: &Connection,
    idle_secs: i64,
    absolute_secs: i64,
    now: i64,
) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM sessions WHERE last_seen_at <= ?1 OR created_at <= ?2",
        params![now - idle_secs, now - absolute_secs],
    )
}
