//! The weekly quota of a kind counted inside the transaction that books or moves: the
//! bookings (not cancelled) of the same kind in the week of the appointment, by the booking
//! office or by the offices of its area.

use jiff::civil::DateTime;
use rusqlite::{Connection, params};

use crate::domain::appointments::quotas::{Quota, week_of};

/// Whether `organisation_id` has used its quota of kind `kind_id` in the week of `starts_at`,
/// not counting booking `moving` (the one being moved, if any). Booking and moving ask it
/// inside their immediate transaction; the review pages ask it beforehand, to tell at once.
pub fn quota_reached(
    tx: &Connection,
    kind_id: i64,
    quota: &Quota,
    organisation_id: i64,
    starts_at: DateTime,
    moving: Option<i64>,
) -> rusqlite::Result<bool> {
    let (monday, next) = week_of(starts_at.date());
    let week = (monday.to_string(), next.to_string());
    let (limit, area) = match quota {
        Quota::None => return Ok(false),
        Quota::PerOffice(limit) => (*limit, None),
        Quota::ByArea(shares) => {
            let area: Option<String> = tx.query_row(
                "SELECT area FROM organisations WHERE id = ?1",
                [organisation_id],
                |row| row.get(0),
            )?;
            let share = area
                .as_deref()
                .and_then(|area| shares.iter().find(|share| share.area == area));
            match share {
                Some(share) => (share.seats, Some(share.area.clone())),
                None => return Ok(false),
            }
        }
    };
    let used: u32 = tx.query_row(
        "SELECT COUNT(*) FROM bookings b
         WHERE b.kind_id = ?1 AND b.state <> 'annullata'
           AND b.starts_at >= ?2 AND b.starts_at < ?3 AND b.id IS NOT ?4
           AND CASE WHEN ?6 IS NULL THEN b.organisation_id = ?5
                    ELSE b.organisation_id IN (SELECT id FROM organisations WHERE area = ?6) END",
        params![kind_id, week.0, week.1, moving, organisation_id, area],
        |row| row.get(0),
    )?;
    Ok(used >= limit)
}
