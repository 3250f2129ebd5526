//! Deleting citizens' personal data from reports and bookings: after the retention period,
//! or on the person's request. The rows stay, emptied, so the statistics keep counting them.

use rusqlite::{Connection, params};

/// What one deletion removed: the reports and bookings it emptied, and the attachment files
/// to delete once the transaction has committed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Removed {
    pub reports: usize,
    pub bookings: usize,
    pub files: Vec<String>,
}

/// Empties the reports closed before `closed_before` and the bookings whose appointment was
/// before `day_before` (`YYYY-MM-DD`), not already emptied.
pub fn remove_expired(
    conn: &Connection,
    closed_before: i64,
    day_before: &str,
    now: i64,
) -> rusqlite::Result<Removed> {
    let reports = ids(
        conn,
        "SELECT id FROM reports WHERE state = 'chiusa' AND updated_at < ?1
             AND personal_data_removed_at IS NULL",
        params![closed_before],
    )?;
    let bookings = ids(
        conn,
        "SELECT id FROM bookings WHERE starts_at < ?1 AND state <> 'attiva'
             AND personal_data_removed_at IS NULL",
        params![day_before],
    )?;
    remove(conn, &reports, &bookings, now)
}

/// Empties the given reports and bookings.
pub fn remove(
    conn: &Connection,
    reports: &[i64],
    bookings: &[i64],
    now: i64,
) -> rusqlite::Result<Removed> {
    let mut removed = Removed::default();
    for &id in reports {
        removed.files.extend(ids_as_names(conn, id)?);
        conn.execute("DELETE FROM attachments WHERE report_id = ?1", [id])?;
        removed.reports += conn.execute(
            "UPDATE reports SET citizen_family_name = '', citizen_given_name = '',
                 citizen_birth_date = NULL, citizen_tax_code = NULL, file_reference = NULL,
                 personal_data_removed_at = ?2
             WHERE id = ?1",
            params![id, now],
        )?;
    }
    for &id in bookings {
        removed.bookings += conn.execute(
            "UPDATE bookings SET person_key = 'rimosso:' || id, person_name = '', contact = NULL,
                 personal_data_removed_at = ?2
             WHERE id = ?1",
            params![id, now],
        )?;
    }
    Ok(removed)
}

fn ids(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<Vec<i64>> {
    let mut statement = conn.prepare(sql)?;
    let rows = statement.query_map(params, |row| row.get(0))?;
    rows.collect()
}

fn ids_as_names(conn: &Connection, report_id: i64) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare("SELECT stored_name FROM attachments WHERE report_id = ?1")?;
    let rows = statement.query_map([report_id], |row| row.get(0))?;
    rows.collect()
}

/// One of a person's records, found by their fiscal code or file number.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PersonRecord {
    pub kind: &'static str,
    pub id: i64,
    pub reference: String,
    pub name: String,
    pub birth_date: Option<String>,
    pub identifier: Option<String>,
    pub detail: String,
    pub at: String,
}

/// The reports and bookings that name the person with fiscal code `tax_code` (upper case), or
/// with file number `file_number`.
pub fn find_person(
    conn: &Connection,
    tax_code: Option<&str>,
    file_number: Option<&str>,
) -> rusqlite::Result<Vec<PersonRecord>> {
    let mut found = Vec::new();
    let mut statement = conn.prepare(
        "SELECT id, protocol, citizen_family_name || ' ' || citizen_given_name,
                citizen_birth_date, citizen_tax_code, description, created_at, file_reference
         FROM reports
         WHERE personal_data_removed_at IS NULL
           AND ((?1 IS NOT NULL AND upper(citizen_tax_code) = ?1)
             OR (?2 IS NOT NULL AND file_reference = ?2))
         ORDER BY id",
    )?;
    let rows = statement.query_map(params![tax_code, file_number], |row| {
        let at: i64 = row.get(6)?;
        Ok(PersonRecord {
            kind: "segnalazione",
            id: row.get(0)?,
            reference: row.get(1)?,
            name: row.get(2)?,
            birth_date: row.get(3)?,
            identifier: row.get::<_, Option<String>>(4)?.or(row.get(7)?),
            detail: row.get(5)?,
            at: jiff::Timestamp::from_second(at)
                .map(|t| t.to_string())
                .unwrap_or_default(),
        })
    })?;
    for row in rows {
        found.push(row?);
    }
    let keys: Vec<String> = tax_code
        .map(|code| format!("cf:{code}"))
        .into_iter()
        .chain(file_number.map(|number| format!("pratica:{number}")))
        .collect();
    let mut statement = conn.prepare(
        "SELECT b.id, k.name, b.person_name, b.person_key, b.state, b.starts_at
         FROM bookings b JOIN appointment_kinds k ON k.id = b.kind_id
         WHERE b.personal_data_removed_at IS NULL AND upper(b.person_key) = upper(?1)
         ORDER BY b.id",
    )?;
    for key in keys {
        let rows = statement.query_map([key], |row| {
            Ok(PersonRecord {
                kind: "appuntamento",
                id: row.get(0)?,
                reference: row.get(1)?,
                name: row.get(2)?,
                birth_date: None,
                identifier: row.get(3)?,
                detail: row.get(4)?,
                at: row.get(5)?,
            })
        })?;
        for row in rows {
            found.push(row?);
        }
    }
    Ok(found)
}
