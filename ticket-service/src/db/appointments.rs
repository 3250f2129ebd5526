//! Kinds of appointment with their plans, and bookings. A booking is written only in the
//! transaction that counted the seats of its slot, so the last seat goes to one booking
//! however many operators ask for it at once.

use std::collections::HashMap;

use jiff::civil::{Date, DateTime};
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use crate::db::audit::{self, AuditEntry};
use crate::db::booking_quotas::quota_reached;
use crate::db::columns;
use crate::domain::appointments::quotas::Quota;

pub use crate::db::appointment_plans::{
    KindRow, KindSummary, NewKind, find_kind, insert_kind, kinds,
};

/// A booking to make.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub kind_id: i64,
    pub starts_at: DateTime,
    pub person_key: String,
    pub person_name: String,
    pub contact: Option<String>,
    pub organisation_id: i64,
    pub booked_by: i64,
}

/// What became of a booking asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Booked {
    /// Made, with this id.
    Made(i64),
    /// The slot had no seat left.
    Full,
    /// The person already holds an active booking of this kind.
    PersonAlreadyBooked,
    /// The office (or its area) has used its weekly quota of this kind in that week.
    QuotaReached,
}

/// The seats taken in each slot of kind `kind_id` from `from` on.
pub fn booked_seats(
    conn: &Connection,
    kind_id: i64,
    from: DateTime,
) -> rusqlite::Result<HashMap<DateTime, u32>> {
    let mut statement = conn.prepare(
        "SELECT starts_at, COUNT(*) AS taken FROM bookings
         WHERE kind_id = ?1 AND state = 'attiva' AND starts_at >= ?2
         GROUP BY starts_at",
    )?;
    let rows = statement.query_map(params![kind_id, from.to_string()], |row| {
        Ok((
            columns::parsed::<DateTime>(row, "starts_at")?,
            row.get::<_, u32>("taken")?,
        ))
    })?;
    rows.collect()
}

/// Books a seat of the slot when one is left, counting and writing in one immediate
/// transaction: concurrent bookings of the last seat give one booking and `Full` to the rest.
pub fn book(
    conn: &mut Connection,
    booking: &NewBooking,
    seats: u32,
    quota: &Quota,
    now: i64,
) -> rusqlite::Result<Booked> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let starts_at = booking.starts_at.to_string();
    let taken: u32 = tx.query_row(
        "SELECT COUNT(*) FROM bookings WHERE kind_id = ?1 AND starts_at = ?2 AND state = 'attiva'",
        params![booking.kind_id, starts_at],
        |row| row.get(0),
    )?;
    if taken >= seats {
        return Ok(Booked::Full);
    }
    let (kind, office, at) = (booking.kind_id, booking.organisation_id, booking.starts_at);
    if quota_reached(&tx, kind, quota, office, at, None)? {
        return Ok(Booked::QuotaReached);
    }
    let inserted = tx.execute(
        "INSERT INTO bookings (kind_id, starts_at, person_key, person_name, contact,
                               organisation_id, booked_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            booking.kind_id,
            starts_at,
            booking.person_key,
            booking.person_name,
            booking.contact,
            booking.organisation_id,
            booking.booked_by,
            now
        ],
    );
    match inserted {
        Ok(_) => {
            let id = tx.last_insert_rowid();
            tx.commit()?;
            Ok(Booked::Made(id))
        }
        Err(rusqlite::Error::SqliteFailure(failure, _))
            if failure.code == ErrorCode::ConstraintViolation =>
        {
            Ok(Booked::PersonAlreadyBooked)
        }
        Err(error) => Err(error),
    }
}

/// A booking as its receipt shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BookingRow {
    pub id: i64,
    pub kind_id: i64,
    pub kind_name: String,
    pub starts_at: DateTime,
    pub slot_minutes: i32,
    pub person_name: String,
    pub person_key: String,
    pub contact: Option<String>,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub booked_by: i64,
    pub booked_by_name: String,
    pub state: String,
    pub created_at: i64,
    /// Raised each time the booking is moved, for calendar programs.
    pub sequence: u32,
}

/// Booking `id`, with the names its receipt shows.
pub fn find_booking(conn: &Connection, id: i64) -> rusqlite::Result<Option<BookingRow>> {
    conn.query_row(
        "SELECT b.id, b.kind_id, k.name AS kind_name, b.starts_at, k.slot_minutes, b.person_name, b.person_key, b.contact,
                b.organisation_id, o.name AS organisation_name, b.booked_by,
                u.display_name AS booked_by_name,
                b.state, b.created_at, b.sequence
         FROM bookings b
         JOIN appointment_kinds k ON k.id = b.kind_id
         JOIN organisations o ON o.id = b.organisation_id
         JOIN users u ON u.id = b.booked_by
         WHERE b.id = ?1",
        [id],
        |row| {
            Ok(BookingRow {
                id: row.get("id")?,
                kind_id: row.get("kind_id")?,
                kind_name: row.get("kind_name")?,
                starts_at: columns::parsed(row, "starts_at")?,
                slot_minutes: row.get("slot_minutes")?,
                person_name: row.get("person_name")?,
                person_key: row.get("person_key")?,
                contact: row.get("contact")?,
                organisation_id: row.get("organisation_id")?,
                organisation_name: row.get("organisation_name")?,
                booked_by: row.get("booked_by")?,
                booked_by_name: row.get("booked_by_name")?,
                state: row.get("state")?,
                created_at: row.get("created_at")?,
                sequence: row.get("sequence")?,
            })
        },
    )
    .optional()
}

/// Cancels active booking `id` with its audit line, in one transaction; false when it was
/// no longer active (cancelled twice, or marked meanwhile).
pub fn cancel(
    conn: &mut Connection,
    id: i64,
    entry: &AuditEntry,
    now: i64,
) -> rusqlite::Result<bool> {
    let tx = conn.transaction()?;
    let changed = tx.execute(
        "UPDATE bookings SET state = 'annullata', changed_at = ?2 WHERE id = ?1 AND state = 'attiva'",
        params![id, now],
    )?;
    if changed == 1 {
        audit::append(&tx, entry, now)?;
    }
    tx.commit()?;
    Ok(changed == 1)
}

/// The bookings of `day`, all kinds, by time: active ones and those marked since.
pub fn day_bookings(conn: &Connection, day: Date) -> rusqlite::Result<Vec<BookingRow>> {
    let mut statement = conn.prepare(
        "SELECT b.id FROM bookings b
         WHERE b.starts_at >= ?1 AND b.starts_at < ?2 AND b.state <> 'annullata'
         ORDER BY b.starts_at, b.id",
    )?;
    let next = day.tomorrow().unwrap_or(day);
    let ids: Vec<i64> = statement
        .query_map(params![day.to_string(), next.to_string()], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        rows.extend(find_booking(conn, id)?);
    }
    Ok(rows)
}

/// The active bookings of every kind from `from` on, by time, at most `limit`: the
/// Prefettura's calendar feed.
pub fn coming_bookings(
    conn: &Connection,
    from: DateTime,
    limit: u32,
) -> rusqlite::Result<Vec<BookingRow>> {
    let mut statement = conn.prepare(
        "SELECT id FROM bookings WHERE starts_at >= ?1 AND state = 'attiva'
         ORDER BY starts_at, id LIMIT ?2",
    )?;
    let ids: Vec<i64> = statement
        .query_map(params![from.to_string(), limit], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        rows.extend(find_booking(conn, id)?);
    }
    Ok(rows)
}

/// Marks whether the person came (`presente`) or not (`assente`), with its audit line, in one
/// transaction; false when the booking was cancelled.
pub fn mark_attendance(
    conn: &mut Connection,
    id: i64,
    attended: bool,
    entry: &AuditEntry,
    now: i64,
) -> rusqlite::Result<bool> {
    let tx = conn.transaction()?;
    let state = if attended { "presente" } else { "assente" };
    let changed = tx.execute(
        "UPDATE bookings SET state = ?2, changed_at = ?3 WHERE id = ?1 AND state <> 'annullata'",
        params![id, state, now],
    )?;
    if changed == 1 {
        audit::append(&tx, entry, now)?;
    }
    tx.commit()?;
    Ok(changed == 1)
}

#[cfg(test)]
mod tests {
    use jiff::civil::{Weekday, date, time};

    use super::*;
    use crate::db::Db;
    use crate::domain::appointments::slots::{Exception, Opening, Plan};

    fn plan(seats: u32) -> Plan {
        Plan {
            openings: vec![Opening {
                weekday: Weekday::Tuesday,
                from: time(9, 0, 0, 0),
                until: time(11, 0, 0, 0),
            }],
            slot_minutes: 30,
            seats,
            exceptions: vec![
                Exception::Closed(date(2026, 12, 15)),
                Exception::Open {
                    date: date(2026, 12, 19),
                    from: time(9, 0, 0, 0),
                    until: time(10, 0, 0, 0),
                },
            ],
            min_notice_hours: 24,
            horizon_days: 30,
        }
    }

    fn seeded(seats: u32) -> (tempfile::TempDir, std::path::PathBuf, i64) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        let db = Db::open(&path).unwrap();
        let kind = db
            .call_blocking(|c| {
                c.execute_batch(
                    "INSERT INTO organisations (id, slug, name, kind, source, updated_at) VALUES
                         (1, 'a', 'Sportello A', 'office', 'demo', 0);
                     INSERT INTO users (id, username, display_name, email, role, organisation_id,
                                        password_hash, created_at, password_changed_at) VALUES
                         (1, 'a', 'A', 'a@example.invalid', 'sportello', 1, 'x', 0, 0);",
                )?;
                let plan = plan(seats);
                insert_kind(
                    c,
                    &NewKind {
                        code: "giuramento",
                        name: "Giuramento",
                        plan: &plan,
                    },
                )
            })
            .unwrap();
        (dir, path, kind)
    }

    fn booking(kind_id: i64, person: usize) -> NewBooking {
        NewBooking {
            kind_id,
            starts_at: date(2026, 12, 22).at(9, 30, 0, 0),
            person_key: format!("pratica:{person}"),
            person_name: format!("Persona {person}"),
            contact: None,
            organisation_id: 1,
            booked_by: 1,
        }
    }

    #[test]
    fn a_plan_comes_back_as_it_was_saved() {
        let (_dir, path, kind) = seeded(2);
        let db = Db::open(&path).unwrap();
        let found = db.call_blocking(|c| find_kind(c, kind)).unwrap().unwrap();
        assert_eq!(found.plan, plan(2));
        assert_eq!(found.code, "giuramento");
    }

    #[test]
    fn the_last_seat_goes_to_one_booking_however_many_race_for_it() {
        let (_dir, path, kind) = seeded(1);
        // Twenty connections of their own to the same file, ten bookings each, at once.
        let handles: Vec<_> = (0..20)
            .map(|connection| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let db = Db::open(&path).unwrap();
                    (0..10)
                        .map(|n| {
                            let wanted = booking(kind, connection * 10 + n);
                            db.call_blocking(|c| book(c, &wanted, 1, &Quota::None, 0))
                                .unwrap()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let outcomes: Vec<Booked> = handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap())
            .collect();
        assert_eq!(outcomes.len(), 200);
        let made = outcomes
            .iter()
            .filter(|outcome| matches!(outcome, Booked::Made(_)))
            .count();
        assert_eq!(made, 1, "{outcomes:?}");
        assert!(
            outcomes
                .iter()
                .all(|outcome| matches!(outcome, Booked::Made(_) | Booked::Full))
        );
        let db = Db::open(&path).unwrap();
        let taken = db
            .call_blocking(|c| booked_seats(c, kind, date(2026, 12, 1).at(0, 0, 0, 0)))
            .unwrap();
        assert_eq!(
            taken,
            HashMap::from([(date(2026, 12, 22).at(9, 30, 0, 0), 1)])
        );
    }

    #[test]
    fn a_person_holds_one_active_booking_per_kind() {
        let (_dir, path, kind) = seeded(5);
        let db = Db::open(&path).unwrap();
        let first = booking(kind, 7);
        assert!(matches!(
            db.call_blocking(|c| book(c, &first, 5, &Quota::None, 0))
                .unwrap(),
            Booked::Made(_)
        ));
        let again = NewBooking {
            starts_at: date(2026, 12, 22).at(10, 0, 0, 0),
            ..booking(kind, 7)
        };
        assert_eq!(
            db.call_blocking(|c| book(c, &again, 5, &Quota::None, 0))
                .unwrap(),
            Booked::PersonAlreadyBooked
        );
        let taken = db
            .call_blocking(|c| booked_seats(c, kind, date(2026, 12, 1).at(0, 0, 0, 0)))
            .unwrap();
        assert_eq!(
            taken.values().sum::<u32>(),
            1,
            "nothing written for the refused one"
        );
    }

    #[test]
    fn a_weekly_quota_holds_however_many_race_for_the_week() {
        let (_dir, path, kind) = seeded(50);
        // Forty bookings at once, each for its own person and its own slot of the same week
        // (Tuesday 22 and the extra Saturday 19 belong to different weeks: only Tuesdays here).
        let handles: Vec<_> = (0..40)
            .map(|n| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let db = Db::open(&path).unwrap();
                    let minutes = [0, 30, 60, 90][n % 4];
                    let wanted = NewBooking {
                        starts_at: date(2026, 12, 22).at(9, 0, 0, 0)
                            + jiff::Span::new().minutes(minutes),
                        ..booking(kind, n)
                    };
                    db.call_blocking(|c| book(c, &wanted, 50, &Quota::PerOffice(3), 0))
                        .unwrap()
                })
            })
            .collect();
        let outcomes: Vec<Booked> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let made = outcomes
            .iter()
            .filter(|outcome| matches!(outcome, Booked::Made(_)))
            .count();
        let refused = outcomes
            .iter()
            .filter(|outcome| **outcome == Booked::QuotaReached)
            .count();
        assert_eq!((made, refused), (3, 37), "{outcomes:?}");
    }

    #[test]
    fn a_move_takes_the_new_seat_before_it_gives_back_the_old_one() {
        use crate::db::booking_moves::{Move, Moved, move_booking};
        use crate::domain::audit::AuditEvent;
        let (_dir, path, kind) = seeded(1);
        let db = Db::open(&path).unwrap();
        let at =
            |minutes: i64| date(2026, 12, 22).at(9, 0, 0, 0) + jiff::Span::new().minutes(minutes);
        let first = NewBooking {
            starts_at: at(0),
            ..booking(kind, 1)
        };
        let second = NewBooking {
            starts_at: at(30),
            ..booking(kind, 2)
        };
        let Booked::Made(id) = db
            .call_blocking(|c| book(c, &first, 1, &Quota::None, 0))
            .unwrap()
        else {
            panic!("booked")
        };
        db.call_blocking(|c| book(c, &second, 1, &Quota::None, 0))
            .unwrap();
        let entry = AuditEntry::new(AuditEvent::BookingMoved);
        let to = |slot: DateTime| Move {
            booking_id: id,
            kind_id: kind,
            organisation_id: 1,
            to: slot,
            seats: 1,
            quota: &Quota::None,
        };
        // The 9:30 seat is taken: the booking keeps 9:00.
        let full = db
            .call_blocking(|c| move_booking(c, &to(at(30)), &entry, 5))
            .unwrap();
        assert_eq!(full, Moved::Full);
        let seats = |c: &mut Connection| booked_seats(c, kind, at(0));
        let taken = db.call_blocking(seats).unwrap();
        assert_eq!(taken, HashMap::from([(at(0), 1), (at(30), 1)]));
        // 10:00 is free: moved, 9:00 free again, the sequence raised.
        let done = db
            .call_blocking(|c| move_booking(c, &to(at(60)), &entry, 5))
            .unwrap();
        assert_eq!(done, Moved::Done);
        let taken = db.call_blocking(seats).unwrap();
        assert_eq!(taken, HashMap::from([(at(30), 1), (at(60), 1)]));
        let row = db.call_blocking(|c| find_booking(c, id)).unwrap().unwrap();
        assert_eq!((row.starts_at, row.sequence), (at(60), 1));
        // A cancelled booking is not moved.
        db.call_blocking(|c| cancel(c, id, &entry, 6)).unwrap();
        let gone = db
            .call_blocking(|c| move_booking(c, &to(at(90)), &entry, 7))
            .unwrap();
        assert_eq!(gone, Moved::NotActive);
    }
}
