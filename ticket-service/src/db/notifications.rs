//! Who hears about a change of a report: notifications in the app, mails at once or in the
//! daily digest, and what each user has read.

use rusqlite::{Connection, params};
use serde::Serialize;

/// Someone to tell about a change: in the app, and by e-mail.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    /// Wants one mail a day rather than one per notification.
    pub digest: bool,
}

/// Who hears about a change of a report.
#[derive(Debug, Clone, Copy)]
pub enum Audience {
    /// The active users of the organisation that filed it.
    Organisation(i64),
    /// The active users with this role (the coordination, the referents of an institution).
    Role(&'static str),
}

pub fn recipients(conn: &Connection, audience: Audience) -> rusqlite::Result<Vec<Recipient>> {
    let (organisation, role) = match audience {
        Audience::Organisation(id) => (id, ""),
        Audience::Role(role) => (0, role),
    };
    let mut statement = conn.prepare_cached(
        "SELECT id, email, display_name, mail_digest FROM users
         WHERE active = 1 AND ((?1 <> 0 AND organisation_id = ?1 AND role IN ('sportello', 'servizio'))
                               OR (?1 = 0 AND role = ?2))
         ORDER BY id",
    )?;
    statement
        .query_map(params![organisation, role], |row| {
            Ok(Recipient {
                user_id: row.get(0)?,
                email: row.get(1)?,
                display_name: row.get(2)?,
                digest: row.get(3)?,
            })
        })?
        .collect()
}

/// Records a notification; `mailed` when it is mailed at once, so the digest skips it.
pub fn notify(
    conn: &Connection,
    user_id: i64,
    report_id: i64,
    message: &str,
    now: i64,
    mailed: bool,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO notifications (user_id, report_id, message, created_at, mailed_at)
         VALUES (?1, ?2, ?3, ?4, CASE WHEN ?5 THEN ?4 END)",
        params![user_id, report_id, message, now, mailed],
    )?;
    Ok(())
}

/// One line of a daily digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestItem {
    /// The notification's id, marked as mailed once the digest is sent.
    pub id: i64,
    pub report_id: i64,
    pub message: String,
}

/// The users who chose the daily digest and have notifications not yet mailed, with them.
pub fn pending_digests(conn: &Connection) -> rusqlite::Result<Vec<(Recipient, Vec<DigestItem>)>> {
    let mut statement = conn.prepare_cached(
        "SELECT u.id, u.email, u.display_name, n.id, n.report_id, n.message
         FROM notifications n JOIN users u ON u.id = n.user_id
         WHERE n.mailed_at IS NULL AND u.mail_digest = 1 AND u.active = 1
         ORDER BY u.id, n.id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            Recipient {
                user_id: row.get(0)?,
                email: row.get(1)?,
                display_name: row.get(2)?,
                digest: true,
            },
            DigestItem {
                id: row.get(3)?,
                report_id: row.get(4)?,
                message: row.get(5)?,
            },
        ))
    })?;
    let mut grouped: Vec<(Recipient, Vec<DigestItem>)> = Vec::new();
    for row in rows {
        let (recipient, item) = row?;
        match grouped.last_mut() {
            Some((last, items)) if last.user_id == recipient.user_id => items.push(item),
            _ => grouped.push((recipient, vec![item])),
        }
    }
    Ok(grouped)
}

pub fn mark_mailed(conn: &Connection, ids: &[i64], now: i64) -> rusqlite::Result<()> {
    let mut statement = conn
        .prepare("UPDATE notifications SET mailed_at = ?2 WHERE id = ?1 AND mailed_at IS NULL")?;
    for id in ids {
        statement.execute(params![id, now])?;
    }
    Ok(())
}

pub fn mail_digest(conn: &Connection, user_id: i64) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT mail_digest FROM users WHERE id = ?1",
        [user_id],
        |row| row.get(0),
    )
}

/// Sets the user's choice; false when it was already that, so a repeated form says so.
pub fn set_mail_digest(conn: &Connection, user_id: i64, digest: bool) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE users SET mail_digest = ?2 WHERE id = ?1 AND mail_digest <> ?2",
        params![user_id, digest],
    )?;
    Ok(changed == 1)
}

#[derive(Debug, Clone, Serialize)]
pub struct NotificationRow {
    pub id: i64,
    pub report_id: i64,
    pub protocol: String,
    pub message: String,
    pub created_at: i64,
    pub unread: bool,
}

pub fn notification_count(conn: &Connection, user_id: i64) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT COUNT(*) FROM notifications WHERE user_id = ?1",
        [user_id],
        |row| row.get(0),
    )
}

/// `limit` of the user's notifications from `offset`, newest first. Only the user's own rows
/// are read, and each names a report the user was told about by the workflow itself.
pub fn notifications(
    conn: &Connection,
    user_id: i64,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<Vec<NotificationRow>> {
    let mut statement = conn.prepare_cached(
        "SELECT n.id, n.report_id, r.protocol, n.message, n.created_at, n.read_at IS NULL
         FROM notifications n JOIN reports r ON r.id = n.report_id
         WHERE n.user_id = ?1 ORDER BY n.id DESC LIMIT ?2 OFFSET ?3",
    )?;
    statement
        .query_map(params![user_id, limit, offset], |row| {
            Ok(NotificationRow {
                id: row.get(0)?,
                report_id: row.get(1)?,
                protocol: row.get(2)?,
                message: row.get(3)?,
                created_at: row.get(4)?,
                unread: row.get(5)?,
            })
        })?
        .collect()
}

/// Marks the user's notifications about one report as read, when the user opens it.
pub fn mark_read(
    conn: &Connection,
    user_id: i64,
    report_id: i64,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE notifications SET read_at = ?3
         WHERE user_id = ?1 AND report_id = ?2 AND read_at IS NULL",
        params![user_id, report_id, now],
    )?;
    Ok(())
}

pub fn mark_all_read(conn: &Connection, user_id: i64, now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE notifications SET read_at = ?2 WHERE user_id = ?1 AND read_at IS NULL",
        params![user_id, now],
    )?;
    Ok(())
}
