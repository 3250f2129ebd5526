//! Moving a booking to another slot of its kind. The new seat is counted and taken, and the
//! old one given back, by one statement inside one immediate transaction: the booking is
//! never without a seat, and the last seat of the new slot goes to one request only.

use jiff::civil::DateTime;
use rusqlite::{Connection, TransactionBehavior, params};

use crate::db::audit::{self, AuditEntry};
use crate::db::booking_quotas::quota_reached;
use crate::domain::appointments::quotas::Quota;

/// Where to move a booking, and the limits of its kind.
pub struct Move<'a> {
    pub booking_id: i64,
    pub kind_id: i64,
    pub organisation_id: i64,
    pub to: DateTime,
    pub seats: u32,
    pub quota: &'a Quota,
}

/// What became of a move asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moved {
    Done,
    /// The new slot had no seat left: the booking keeps its old one.
    Full,
    /// The office (or its area) has used its weekly quota in the new slot's week.
    QuotaReached,
    /// The booking was cancelled or marked meanwhile.
    NotActive,
}

/// Moves the booking with its audit line, in one immediate transaction.
pub fn move_booking(
    conn: &mut Connection,
    wanted: &Move<'_>,
    entry: &AuditEntry,
    now: i64,
) -> rusqlite::Result<Moved> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let to = wanted.to.to_string();
    let taken: u32 = tx.query_row(
        "SELECT COUNT(*) FROM bookings
         WHERE kind_id = ?1 AND starts_at = ?2 AND state = 'attiva' AND id <> ?3",
        params![wanted.kind_id, to, wanted.booking_id],
        |row| row.get(0),
    )?;
    if taken >= wanted.seats {
        return Ok(Moved::Full);
    }
    let (kind, office) = (wanted.kind_id, wanted.organisation_id);
    let moving = Some(wanted.booking_id);
    if quota_reached(&tx, kind, wanted.quota, office, wanted.to, moving)? {
        return Ok(Moved::QuotaReached);
    }
    let changed = tx.execute(
        "UPDATE bookings SET starts_at = ?2, sequence = sequence + 1, changed_at = ?3
         WHERE id = ?1 AND state = 'attiva'",
        params![wanted.booking_id, to, now],
    )?;
    if changed == 0 {
        return Ok(Moved::NotActive);
    }
    audit::append(&tx, entry, now)?;
    tx.commit()?;
    Ok(Moved::Done)
}
