//! The kinds of appointment and their plans as stored: the weekly hours, the exceptions, the
//! times of notice and horizon, and the weekly quota with the area shares worked out when the
//! plan was saved. A plan is always written whole, with its audit line, in one transaction.

use jiff::civil::{Date, Time, Weekday};
use rusqlite::{Connection, ErrorCode, OptionalExtension, Row, Transaction, params};

use crate::db::audit::{self, AuditEntry};
use crate::db::columns;
use crate::domain::appointments::quotas::{AreaQuota, Quota};
use crate::domain::appointments::slots::{Exception, Opening, Plan};

/// A kind of appointment as stored, with its plan.
#[derive(Debug, Clone)]
pub struct KindRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub plan: Plan,
    pub quota: Quota,
    pub active: bool,
}

/// A kind of appointment to add or change, with its weekly plan.
pub struct NewKind<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub plan: &'a Plan,
}

/// A kind of appointment as the booking pages list it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KindSummary {
    pub id: i64,
    pub name: String,
}

fn weekday_number(weekday: Weekday) -> i8 {
    weekday.to_monday_one_offset()
}

fn weekday_of(number: i8) -> Option<Weekday> {
    Weekday::from_monday_one_offset(number).ok()
}

/// Adds a kind of appointment with its plan and no quota; returns its id.
pub fn insert_kind(conn: &mut Connection, kind: &NewKind<'_>) -> rusqlite::Result<i64> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO appointment_kinds
             (code, name, slot_minutes, seats, min_notice_hours, horizon_days)
         VALUES (?1, ?2, 5, 1, 0, 1)",
        params![kind.code, kind.name],
    )?;
    let id = tx.last_insert_rowid();
    write_plan(&tx, id, kind.plan, &Quota::None, true)?;
    tx.commit()?;
    Ok(id)
}

/// Writes the whole plan of kind `id` over what it had.
fn write_plan(
    tx: &Transaction<'_>,
    id: i64,
    plan: &Plan,
    quota: &Quota,
    active: bool,
) -> rusqlite::Result<()> {
    let office_quota = match quota {
        Quota::PerOffice(seats) => Some(*seats),
        _ => None,
    };
    tx.execute(
        "UPDATE appointment_kinds SET slot_minutes = ?2, seats = ?3, min_notice_hours = ?4,
             horizon_days = ?5, quota_rule = ?6, office_quota = ?7, active = ?8
         WHERE id = ?1",
        params![
            id,
            plan.slot_minutes,
            plan.seats,
            plan.min_notice_hours,
            plan.horizon_days,
            quota.code(),
            office_quota,
            active
        ],
    )?;
    for table in [
        "appointment_openings",
        "appointment_exceptions",
        "appointment_area_quotas",
    ] {
        tx.execute(&format!("DELETE FROM {table} WHERE kind_id = ?1"), [id])?;
    }
    for opening in &plan.openings {
        tx.execute(
            "INSERT INTO appointment_openings (kind_id, weekday, opens, closes)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                id,
                weekday_number(opening.weekday),
                opening.from.to_string(),
                opening.until.to_string()
            ],
        )?;
    }
    for exception in &plan.exceptions {
        let (day, hours) = match *exception {
            Exception::Closed(day) => (day, None),
            Exception::Open { date, from, until } => (date, Some((from, until))),
        };
        tx.execute(
            "INSERT INTO appointment_exceptions (kind_id, day, opens, closes)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                id,
                day.to_string(),
                hours.map(|(from, _)| from.to_string()),
                hours.map(|(_, until)| until.to_string())
            ],
        )?;
    }
    if let Quota::ByArea(shares) = quota {
        for share in shares {
            tx.execute(
                "INSERT INTO appointment_area_quotas
                     (kind_id, area, area_name, foreign_residents, seats)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    id,
                    share.area,
                    share.name,
                    i64::try_from(share.foreign_residents).unwrap_or(i64::MAX),
                    share.seats
                ],
            )?;
        }
    }
    Ok(())
}

/// A kind as the Prefettura saves it.
pub struct SavedKind<'a> {
    /// `None` for a new kind.
    pub id: Option<i64>,
    pub name: &'a str,
    pub plan: &'a Plan,
    pub quota: &'a Quota,
    pub active: bool,
}

/// What saving a kind did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Done(i64),
    /// Another kind already has this name: nothing was written.
    NameTaken,
    /// The kind to change does not exist.
    Missing,
}

/// Adds or changes a kind with its whole plan and its audit line, in one transaction.
pub fn save_kind(
    conn: &mut Connection,
    kind: &SavedKind<'_>,
    entry: &AuditEntry,
    now: i64,
) -> rusqlite::Result<Saved> {
    let tx = conn.transaction()?;
    if name_taken(&tx, kind.name, kind.id)? {
        return Ok(Saved::NameTaken);
    }
    let id = match kind.id {
        Some(id) => {
            let changed = tx.execute(
                "UPDATE appointment_kinds SET name = ?2 WHERE id = ?1",
                params![id, kind.name],
            )?;
            if changed == 0 {
                return Ok(Saved::Missing);
            }
            id
        }
        None => insert_named(&tx, kind.name)?,
    };
    write_plan(&tx, id, kind.plan, kind.quota, kind.active)?;
    audit::append(
        &tx,
        &entry.clone().detail(format!("tipo {id}: {}", kind.name)),
        now,
    )?;
    tx.commit()?;
    Ok(Saved::Done(id))
}

/// Whether another kind than `id` is called `name` (whatever the case of its letters).
pub fn name_taken(conn: &Connection, name: &str, id: Option<i64>) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM appointment_kinds
                        WHERE lower(name) = lower(?1) AND id IS NOT ?2)",
        params![name, id],
        |row| row.get(0),
    )
}

/// Adds a kind named `name` with a code made from it, numbered when the code is taken.
fn insert_named(tx: &Transaction<'_>, name: &str) -> rusqlite::Result<i64> {
    let base: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    for n in 1.. {
        let code = match n {
            1 => base.clone(),
            n => format!("{base}_{n}"),
        };
        let inserted = tx.execute(
            "INSERT INTO appointment_kinds
                 (code, name, slot_minutes, seats, min_notice_hours, horizon_days)
             VALUES (?1, ?2, 5, 1, 0, 1)",
            params![code, name],
        );
        match inserted {
            Ok(_) => return Ok(tx.last_insert_rowid()),
            Err(rusqlite::Error::SqliteFailure(failure, _))
                if failure.code == ErrorCode::ConstraintViolation => {}
            Err(error) => return Err(error),
        }
    }
    unreachable!("the codes tried are endless")
}

/// The kind `id` with its plan, when it exists and is active.
pub fn find_kind(conn: &Connection, id: i64) -> rusqlite::Result<Option<KindRow>> {
    Ok(find_any_kind(conn, id)?.filter(|kind| kind.active))
}

/// The kind `id` with its plan, active or not.
pub fn find_any_kind(conn: &Connection, id: i64) -> rusqlite::Result<Option<KindRow>> {
    let found = conn
        .query_row(
            "SELECT code, name, slot_minutes, seats, min_notice_hours, horizon_days, quota_rule,
                    office_quota, active
             FROM appointment_kinds WHERE id = ?1",
            [id],
            |row| {
                let plan = Plan {
                    openings: Vec::new(),
                    slot_minutes: row.get("slot_minutes")?,
                    seats: row.get("seats")?,
                    exceptions: Vec::new(),
                    min_notice_hours: row.get("min_notice_hours")?,
                    horizon_days: row.get("horizon_days")?,
                };
                let rule: String = row.get("quota_rule")?;
                let office_quota: Option<u32> = row.get("office_quota")?;
                Ok(KindRow {
                    id,
                    code: row.get("code")?,
                    name: row.get("name")?,
                    plan,
                    quota: match (rule.as_str(), office_quota) {
                        ("sportello", Some(seats)) => Quota::PerOffice(seats),
                        ("area", _) => Quota::ByArea(Vec::new()),
                        _ => Quota::None,
                    },
                    active: row.get("active")?,
                })
            },
        )
        .optional()?;
    let Some(mut kind) = found else {
        return Ok(None);
    };
    kind.plan.openings = openings(conn, id)?;
    kind.plan.exceptions = exceptions(conn, id)?;
    if let Quota::ByArea(shares) = &mut kind.quota {
        *shares = area_quotas(conn, id)?;
    }
    Ok(Some(kind))
}

fn openings(conn: &Connection, kind_id: i64) -> rusqlite::Result<Vec<Opening>> {
    let mut statement = conn.prepare(
        "SELECT weekday, opens, closes FROM appointment_openings
         WHERE kind_id = ?1 ORDER BY weekday, opens",
    )?;
    let rows = statement.query_map([kind_id], |row: &Row<'_>| {
        let number: i8 = row.get("weekday")?;
        Ok(Opening {
            weekday: weekday_of(number).ok_or(rusqlite::Error::IntegralValueOutOfRange(
                0,
                i64::from(number),
            ))?,
            from: columns::parsed::<Time>(row, "opens")?,
            until: columns::parsed::<Time>(row, "closes")?,
        })
    })?;
    rows.collect()
}

fn exceptions(conn: &Connection, kind_id: i64) -> rusqlite::Result<Vec<Exception>> {
    let mut statement = conn.prepare(
        "SELECT day, opens, closes FROM appointment_exceptions WHERE kind_id = ?1 ORDER BY day, opens",
    )?;
    let rows = statement.query_map([kind_id], |row: &Row<'_>| {
        let date: Date = columns::parsed(row, "day")?;
        let opens: Option<Time> = columns::parsed_optional(row, "opens")?;
        let closes: Option<Time> = columns::parsed_optional(row, "closes")?;
        Ok(match (opens, closes) {
            (Some(from), Some(until)) => Exception::Open { date, from, until },
            _ => Exception::Closed(date),
        })
    })?;
    rows.collect()
}

fn area_quotas(conn: &Connection, kind_id: i64) -> rusqlite::Result<Vec<AreaQuota>> {
    let mut statement = conn.prepare(
        "SELECT area, area_name, foreign_residents, seats FROM appointment_area_quotas
         WHERE kind_id = ?1 ORDER BY rowid",
    )?;
    let rows = statement.query_map([kind_id], |row| {
        Ok(AreaQuota {
            area: row.get("area")?,
            name: row.get("area_name")?,
            foreign_residents: u64::try_from(row.get::<_, i64>("foreign_residents")?).unwrap_or(0),
            seats: row.get("seats")?,
        })
    })?;
    rows.collect()
}

/// The active kinds of appointment, by name.
pub fn kinds(conn: &Connection) -> rusqlite::Result<Vec<KindSummary>> {
    let mut statement =
        conn.prepare("SELECT id, name FROM appointment_kinds WHERE active = 1 ORDER BY name")?;
    let rows = statement.query_map([], |row| {
        Ok(KindSummary {
            id: row.get("id")?,
            name: row.get("name")?,
        })
    })?;
    rows.collect()
}

/// Every kind, active or not, with its plan, by name: the Prefettura's list.
pub fn all_kinds(conn: &Connection) -> rusqlite::Result<Vec<KindRow>> {
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM appointment_kinds ORDER BY active DESC, name")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut kinds = Vec::with_capacity(ids.len());
    for id in ids {
        kinds.extend(find_any_kind(conn, id)?);
    }
    Ok(kinds)
}
