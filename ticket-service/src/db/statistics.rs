//! What the statistics read: one row of facts per report filed in a period, from
//! `report_figures` (the report's columns and the figures of its timeline, kept by triggers),
//! the names of organisations and topics, and the bookings of a period with the plans of their
//! kinds.

use std::borrow::Cow;

use jiff::civil::{Date, DateTime};
use rusqlite::{Connection, Row, params};

use crate::db::appointments::{self, KindRow};
use crate::db::columns;
use crate::domain::organisation::OrganisationKind;
use crate::domain::report::ReportState;
use crate::domain::statistics::figures::ReportFacts;

/// The columns of `report_figures` that make a report's facts, in the order [`facts`] reads.
macro_rules! fact_columns {
    () => {
        "f.filed_at, f.state, f.urgency, f.topic_id, f.organisation_id, f.addressed_office,
         f.institution, f.due_date, f.reopen_count, f.first_answer_at, f.waits, f.waited_secs,
         f.validations, f.refusals"
    };
}

/// A text column parsed as `T`, read without copying it first: this runs once per report.
fn parsed_at<T: std::str::FromStr>(row: &Row<'_>, index: usize) -> rusqlite::Result<T> {
    let text = row.get_ref(index)?.as_str()?;
    text.parse().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            format!("valore non valido «{text}»").into(),
        )
    })
}

/// A report's facts from the columns of `fact_columns!()`, which start at `first`; by
/// position, which is quicker than by name on every row.
fn facts<'r>(row: &'r Row<'_>, first: usize) -> rusqlite::Result<ReportFacts<'r>> {
    Ok(ReportFacts {
        filed_at: row.get(first)?,
        state: parsed_at::<ReportState>(row, first + 1)?,
        urgency: Cow::Borrowed(row.get_ref(first + 2)?.as_str()?),
        topic_id: row.get(first + 3)?,
        organisation_id: row.get(first + 4)?,
        addressed_office: Cow::Borrowed(row.get_ref(first + 5)?.as_str()?),
        institution: parsed_at::<OrganisationKind>(row, first + 6)?,
        due_date: parsed_at::<Date>(row, first + 7)?,
        reopen_count: row.get(first + 8)?,
        first_answer_at: row.get(first + 9)?,
        waits: row.get(first + 10)?,
        waited_secs: row.get(first + 11)?,
        validations: row.get(first + 12)?,
        refusals: row.get(first + 13)?,
    })
}

/// Hands `each` the facts of every report filed from `from` (included) to `until`
/// (excluded), UTC seconds, without keeping them: a period may hold many thousands.
pub fn for_each_report(
    conn: &Connection,
    from: i64,
    until: i64,
    mut each: impl FnMut(&ReportFacts<'_>),
) -> rusqlite::Result<()> {
    let mut statement = conn.prepare_cached(concat!(
        "SELECT ",
        fact_columns!(),
        " FROM report_figures f WHERE f.filed_at >= ?1 AND f.filed_at < ?2"
    ))?;
    let mut rows = statement.query(params![from, until])?;
    while let Some(row) = rows.next()? {
        each(&facts(row, 0)?);
    }
    Ok(())
}

/// One report of the per-report export: its protocol number and its facts.
#[derive(Debug, Clone)]
pub struct ReportLine {
    pub protocol: String,
    pub facts: ReportFacts<'static>,
}

/// The reports filed in the period with their protocol numbers, oldest first.
pub fn report_lines(conn: &Connection, from: i64, until: i64) -> rusqlite::Result<Vec<ReportLine>> {
    let mut statement = conn.prepare(concat!(
        "SELECT r.protocol, ",
        fact_columns!(),
        " FROM report_figures f JOIN reports r ON r.id = f.report_id
          WHERE f.filed_at >= ?1 AND f.filed_at < ?2 ORDER BY f.filed_at, f.report_id"
    ))?;
    let rows = statement.query_map(params![from, until], |row| {
        Ok(ReportLine {
            protocol: row.get(0)?,
            facts: facts(row, 1)?.into_owned(),
        })
    })?;
    rows.collect()
}

/// An organisation as the statistics name it.
#[derive(Debug, Clone)]
pub struct OrganisationName {
    pub id: i64,
    pub name: String,
    pub area: Option<String>,
}

pub fn organisation_names(conn: &Connection) -> rusqlite::Result<Vec<OrganisationName>> {
    let mut statement = conn.prepare("SELECT id, name, area FROM organisations")?;
    let rows = statement.query_map([], |row| {
        Ok(OrganisationName {
            id: row.get("id")?,
            name: row.get("name")?,
            area: row.get("area")?,
        })
    })?;
    rows.collect()
}

pub fn topic_names(conn: &Connection) -> rusqlite::Result<Vec<(i64, String)>> {
    let mut statement = conn.prepare("SELECT id, name FROM topics")?;
    let rows = statement.query_map([], |row| Ok((row.get("id")?, row.get("name")?)))?;
    rows.collect()
}

/// A booking of the period, as stored.
#[derive(Debug, Clone)]
pub struct BookingLine {
    pub kind_id: i64,
    pub state: String,
    pub created_at: i64,
    pub starts_at: DateTime,
}

/// The bookings whose appointment falls on the days from `from` to `until`, both included.
pub fn bookings(conn: &Connection, from: Date, until: Date) -> rusqlite::Result<Vec<BookingLine>> {
    let end = until.tomorrow().unwrap_or(until);
    let mut statement = conn.prepare_cached(
        "SELECT kind_id, state, created_at, starts_at FROM bookings
         WHERE starts_at >= ?1 AND starts_at < ?2",
    )?;
    let rows = statement.query_map(params![from.to_string(), end.to_string()], |row| {
        Ok(BookingLine {
            kind_id: row.get("kind_id")?,
            state: row.get("state")?,
            created_at: row.get("created_at")?,
            starts_at: columns::parsed(row, "starts_at")?,
        })
    })?;
    rows.collect()
}

/// Every kind of appointment that has bookings or is offered: id and name, with the current
/// plan of those still offered.
pub fn kinds(conn: &Connection) -> rusqlite::Result<Vec<(i64, String, Option<KindRow>)>> {
    let mut statement = conn.prepare("SELECT id, name FROM appointment_kinds ORDER BY id")?;
    let listed: Vec<(i64, String)> = statement
        .query_map([], |row| Ok((row.get("id")?, row.get("name")?)))?
        .collect::<rusqlite::Result<_>>()?;
    listed
        .into_iter()
        .map(|(id, name)| Ok((id, name, appointments::find_kind(conn, id)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_facts(conn: &Connection, from: i64, until: i64) -> Vec<ReportFacts<'static>> {
        let mut all = Vec::new();
        for_each_report(conn, from, until, |facts| {
            all.push(facts.clone().into_owned())
        })
        .unwrap();
        all
    }

    fn event(conn: &Connection, report: i64, at: i64, action: &str) {
        conn.execute(
            "INSERT INTO report_events (report_id, at, user_id, action) VALUES (?1, ?2, 1, ?3)",
            params![report, at, action],
        )
        .unwrap();
    }

    /// A report of the Questura filed at 0 that was handed over at 100, answered at 400,
    /// published at 500, refused at 600, published again at 700, validated at 800, and handed
    /// over again at 900.
    fn walked(conn: &Connection, id: i64) {
        conn.execute(
            "INSERT INTO reports (id, year, sequence, protocol, organisation_id, filed_by, kind,
                 addressed_office, institution, file_kind, citizen_family_name,
                 citizen_given_name, description, urgency, urgency_reason, state, due_date,
                 submission_key, created_at, updated_at)
             VALUES (?1, 2026, ?1, 'RESPI-2026-00000' || ?1, 1, 1, 'parere',
                 'questura_immigrazione', 'questura', 'altro', 'Esempio', 'Esempio', 'x', 'U3',
                 'y', 'in_attesa_di_risposta', '2026-03-10', 'k' || ?1, 0, 0)",
            [id],
        )
        .unwrap();
        for (at, action) in [
            (0, "inviata"),
            (100, "segna_consegnata"),
            (400, "registra_risposta"),
            (500, "pubblica_risposta"),
            (600, "rifiuta_validazione"),
            (700, "pubblica_risposta"),
            (800, "valida"),
            (900, "segna_consegnata"),
        ] {
            event(conn, id, at, action);
        }
    }

    #[test]
    fn the_migration_fills_older_reports_as_the_trigger_keeps_new_ones() {
        let mut conn = Connection::open_in_memory().unwrap();
        let migrations = crate::db::migrations();
        // Version 12: every migration before the figures.
        migrations.to_version(&mut conn, 12).unwrap();
        conn.execute_batch(
            "INSERT INTO organisations (id, slug, name, kind, source, updated_at)
                 VALUES (1, 'a', 'Sportello A', 'office', 'demo', 0);
             INSERT INTO users (id, username, display_name, email, role, organisation_id,
                                password_hash, created_at, password_changed_at)
                 VALUES (1, 'a', 'A', 'a@example.invalid', 'sportello', 1, 'x', 0, 0);",
        )
        .unwrap();
        walked(&conn, 1);
        migrations.to_latest(&mut conn).unwrap();
        walked(&conn, 2);
        let backfilled = report_facts(&conn, 0, 1);
        assert_eq!(backfilled.len(), 2);
        for facts in &backfilled {
            assert_eq!(facts.first_answer_at, Some(500));
            assert_eq!((facts.waits, facts.waited_secs), (1, 300));
            assert_eq!((facts.validations, facts.refusals), (1, 1));
        }
        let open_wait = |id: i64| -> Option<i64> {
            conn.query_row(
                "SELECT wait_started_at FROM report_figures WHERE report_id = ?1",
                [id],
                |row| row.get(0),
            )
            .unwrap()
        };
        assert_eq!((open_wait(1), open_wait(2)), (Some(900), Some(900)));
        // The second answer closes the open wait: 600 more seconds.
        event(&conn, 1, 1500, "registra_risposta");
        let facts = report_facts(&conn, 0, 1);
        assert_eq!((facts[0].waits, facts[0].waited_secs), (2, 900));
        assert_eq!(open_wait(1), None);
        // A change of the report reaches its figures too.
        conn.execute(
            "UPDATE reports SET state = 'risposta_ricevuta' WHERE id = 2",
            [],
        )
        .unwrap();
        let facts = report_facts(&conn, 0, 1);
        assert_eq!(facts[1].state, ReportState::AnswerReceived);
        // Reports filed outside the period are not read.
        assert!(report_facts(&conn, 1, 100).is_empty());
    }
}
