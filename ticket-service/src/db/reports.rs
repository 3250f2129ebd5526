//! Reports: filing one with its protocol number, finding one, and the lists. Every read of a
//! report takes a [`ReportScope`], so a query can only return what the signed-in principal may
//! see. What happens to a report later is in `timeline`, its files in `attachments`, who is
//! told in `notifications`.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde::Serialize;

use crate::db::columns;
use crate::db::timeline::append_event;
use crate::domain::organisation::OrganisationKind;
use crate::domain::report::{ReportScope, ReportState};
use crate::domain::report_fields::{
    Choice, FILE_KINDS, REPORT_KINDS, office_choices, protocol_number,
};
use jiff::civil::Date;

/// The three parameters every scoped query takes: (scope kind, organisation id, institution).
/// Kind 0 sees everything, 1 one organisation, 2 one institution.
fn scope_params(scope: ReportScope) -> (i64, i64, &'static str) {
    match scope {
        ReportScope::All => (0, 0, ""),
        ReportScope::Organisation(id) => (1, id, ""),
        ReportScope::Institution(kind) => (2, 0, kind.as_str()),
    }
}

/// SQL from literals only (`concat!`), see `organisations.rs`. The scope condition uses the
/// numbered parameters ?1, ?2 and ?3.
macro_rules! select_reports {
    ($rest:literal) => {
        concat!(
            "SELECT r.id, r.protocol, r.organisation_id, o.name AS organisation_name,
                    r.filed_by, u.display_name AS filed_by_name, r.kind, r.addressed_office,
                    r.institution, r.file_kind, r.file_reference, r.citizen_family_name,
                    r.citizen_given_name, r.citizen_birth_date, r.citizen_tax_code,
                    r.description, r.urgency, r.urgency_reason, r.state, r.topic_id,
                    t.name AS topic_name, r.due_date, r.waiting_since, r.waited_secs,
                    r.reopen_count, r.created_at, r.updated_at
             FROM reports r
             JOIN organisations o ON o.id = r.organisation_id
             JOIN users u ON u.id = r.filed_by
             LEFT JOIN topics t ON t.id = r.topic_id
             WHERE (?1 = 0 OR (?1 = 1 AND r.organisation_id = ?2) OR (?1 = 2 AND r.institution = ?3)) ",
            $rest
        )
    };
}

/// A report as stored, with the names the pages show.
#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    pub id: i64,
    pub protocol: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub filed_by: i64,
    pub filed_by_name: String,
    #[serde(serialize_with = "columns::choice_value")]
    pub kind: Choice,
    #[serde(serialize_with = "columns::choice_value")]
    pub addressed_office: Choice,
    pub institution: OrganisationKind,
    #[serde(serialize_with = "columns::choice_value")]
    pub file_kind: Choice,
    pub file_reference: Option<String>,
    pub citizen_family_name: String,
    pub citizen_given_name: String,
    pub citizen_birth_date: Option<Date>,
    pub citizen_tax_code: Option<String>,
    pub description: String,
    pub urgency: String,
    pub urgency_reason: String,
    pub state: ReportState,
    pub topic_id: Option<i64>,
    pub topic_name: Option<String>,
    pub due_date: Date,
    pub waiting_since: Option<i64>,
    pub waited_secs: i64,
    pub reopen_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The columns `select_reports!` gives, in order: rows are read by position (reading by name
/// looks each name up among all the columns, for every value of every row).
const COLUMNS: [&str; 27] = [
    "id",
    "protocol",
    "organisation_id",
    "organisation_name",
    "filed_by",
    "filed_by_name",
    "kind",
    "addressed_office",
    "institution",
    "file_kind",
    "file_reference",
    "citizen_family_name",
    "citizen_given_name",
    "citizen_birth_date",
    "citizen_tax_code",
    "description",
    "urgency",
    "urgency_reason",
    "state",
    "topic_id",
    "topic_name",
    "due_date",
    "waiting_since",
    "waited_secs",
    "reopen_count",
    "created_at",
    "updated_at",
];

/// The position of column `name` in [`COLUMNS`], found while compiling.
const fn position(name: &str) -> usize {
    let mut i = 0;
    while i < COLUMNS.len() {
        let (a, b) = (COLUMNS[i].as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("column not in COLUMNS")
}

macro_rules! at {
    ($name:literal) => {
        const { position($name) }
    };
}

impl ReportRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(ReportRow {
            id: row.get(at!("id"))?,
            protocol: row.get(at!("protocol"))?,
            organisation_id: row.get(at!("organisation_id"))?,
            organisation_name: row.get(at!("organisation_name"))?,
            filed_by: row.get(at!("filed_by"))?,
            filed_by_name: row.get(at!("filed_by_name"))?,
            kind: columns::choice(row, at!("kind"), REPORT_KINDS)?,
            addressed_office: columns::choice(row, at!("addressed_office"), &office_choices())?,
            institution: columns::parsed(row, at!("institution"))?,
            file_kind: columns::choice(row, at!("file_kind"), FILE_KINDS)?,
            file_reference: row.get(at!("file_reference"))?,
            citizen_family_name: row.get(at!("citizen_family_name"))?,
            citizen_given_name: row.get(at!("citizen_given_name"))?,
            citizen_birth_date: columns::parsed_optional(row, at!("citizen_birth_date"))?,
            citizen_tax_code: row.get(at!("citizen_tax_code"))?,
            description: row.get(at!("description"))?,
            urgency: row.get(at!("urgency"))?,
            urgency_reason: row.get(at!("urgency_reason"))?,
            state: columns::parsed(row, at!("state"))?,
            topic_id: row.get(at!("topic_id"))?,
            topic_name: row.get(at!("topic_name"))?,
            due_date: columns::parsed(row, at!("due_date"))?,
            waiting_since: row.get(at!("waiting_since"))?,
            waited_secs: row.get(at!("waited_secs"))?,
            reopen_count: row.get(at!("reopen_count"))?,
            created_at: row.get(at!("created_at"))?,
            updated_at: row.get(at!("updated_at"))?,
        })
    }
}

/// A validated report to file.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub organisation_id: i64,
    pub filed_by: i64,
    pub kind: String,
    pub addressed_office: String,
    pub institution: OrganisationKind,
    pub file_kind: String,
    pub file_reference: Option<String>,
    pub citizen_family_name: String,
    pub citizen_given_name: String,
    pub citizen_birth_date: Option<Date>,
    pub citizen_tax_code: Option<String>,
    pub description: String,
    pub urgency: String,
    pub urgency_reason: String,
    pub due_date: Date,
    pub submission_key: String,
}

/// Files a report with the next protocol number of `year`, and its first timeline entry, in
/// the caller's transaction (the attachments of its form go in the same one). Returns the id
/// and the protocol number.
pub fn insert(
    tx: &Transaction<'_>,
    report: &NewReport,
    year: i16,
    now: i64,
) -> rusqlite::Result<(i64, String)> {
    let sequence: i64 = tx.query_row(
        "SELECT COALESCE(MAX(sequence), 0) + 1 FROM reports WHERE year = ?1",
        [year],
        |row| row.get(0),
    )?;
    let protocol = protocol_number(year, sequence);
    tx.execute(
        "INSERT INTO reports
             (year, sequence, protocol, organisation_id, filed_by, kind, addressed_office,
              institution, file_kind, file_reference, citizen_family_name, citizen_given_name,
              citizen_birth_date, citizen_tax_code, description, urgency, urgency_reason, state,
              due_date, submission_key, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 'nuova', ?18, ?19, ?20, ?20)",
        params![
            year,
            sequence,
            protocol,
            report.organisation_id,
            report.filed_by,
            report.kind,
            report.addressed_office,
            report.institution.as_str(),
            report.file_kind,
            report.file_reference,
            report.citizen_family_name,
            report.citizen_given_name,
            report.citizen_birth_date.map(|date| date.to_string()),
            report.citizen_tax_code,
            report.description,
            report.urgency,
            report.urgency_reason,
            report.due_date.to_string(),
            report.submission_key,
            now,
        ],
    )?;
    let id = tx.last_insert_rowid();
    append_event(
        tx,
        id,
        report.filed_by,
        "inviata",
        None,
        Some(ReportState::New),
        "",
        now,
    )?;
    Ok((id, protocol))
}

/// The report a review page already filed, found by its submission key within the scope.
pub fn find_by_submission_key(
    conn: &Connection,
    scope: ReportScope,
    key: &str,
) -> rusqlite::Result<Option<ReportRow>> {
    let (kind, org, inst) = scope_params(scope);
    conn.prepare_cached(select_reports!("AND r.submission_key = ?4"))?
        .query_row(params![kind, org, inst, key], ReportRow::from_row)
        .optional()
}

/// The report `id` when the scope covers it; `None` both when it does not exist and when it
/// belongs to someone else, so the two cannot be told apart.
pub fn find(conn: &Connection, scope: ReportScope, id: i64) -> rusqlite::Result<Option<ReportRow>> {
    let (kind, org, inst) = scope_params(scope);
    conn.prepare_cached(select_reports!("AND r.id = ?4"))?
        .query_row(params![kind, org, inst, id], ReportRow::from_row)
        .optional()
}

/// The reports of `ids`, with the names the pages show, in no particular order.
pub(crate) fn rows_by_id(conn: &Connection, ids: &[i64]) -> rusqlite::Result<Vec<ReportRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned());
    let (kind, org, inst) = scope_params(ReportScope::All);
    let mut statement = conn.prepare_cached(select_reports!(
        "AND r.id IN (SELECT value FROM json_each(?4))"
    ))?;
    statement
        .query_map(params![kind, org, inst, ids], ReportRow::from_row)?
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use crate::db::report_list::{ReportList, count, page};
    use crate::db::timeline::{TransitionEffects, apply_transition, events};
    use crate::domain::report::ReportAction;

    fn seeded() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("db.sqlite3")).unwrap();
        db.call_blocking(|c| {
            c.execute_batch(
                "INSERT INTO organisations (id, slug, name, kind, source, updated_at) VALUES
                     (1, 'a', 'Sportello A', 'office', 'demo', 0),
                     (2, 'b', 'Sportello B', 'office', 'demo', 0);
                 INSERT INTO users (id, username, display_name, email, role, organisation_id,
                                    password_hash, created_at, password_changed_at) VALUES
                     (1, 'a', 'A', 'a@example.invalid', 'sportello', 1, 'x', 0, 0),
                     (2, 'b', 'B', 'b@example.invalid', 'sportello', 2, 'x', 0, 0);",
            )
        })
        .unwrap();
        (dir, db)
    }

    fn file(c: &mut Connection, key: &str, year: i16) -> rusqlite::Result<(i64, String)> {
        let tx = c.transaction()?;
        let filed = insert(&tx, &report(key), year, 0)?;
        tx.commit()?;
        Ok(filed)
    }

    fn report(key: &str) -> NewReport {
        NewReport {
            organisation_id: 1,
            filed_by: 1,
            kind: "parere".to_owned(),
            addressed_office: "questura_immigrazione".to_owned(),
            institution: OrganisationKind::Questura,
            file_kind: "permesso_soggiorno".to_owned(),
            file_reference: None,
            citizen_family_name: "Rossi".to_owned(),
            citizen_given_name: "Ada".to_owned(),
            citizen_birth_date: None,
            citizen_tax_code: None,
            description: "x".to_owned(),
            urgency: "U1".to_owned(),
            urgency_reason: "y".to_owned(),
            due_date: jiff::civil::date(2026, 11, 30),
            submission_key: key.to_owned(),
        }
    }

    #[test]
    fn rows_are_read_by_the_positions_their_query_gives_the_columns() {
        let (_dir, db) = seeded();
        let names = db
            .call_blocking(|c| {
                let statement = c.prepare(select_reports!(""))?;
                Ok(statement
                    .column_names()
                    .into_iter()
                    .map(str::to_owned)
                    .collect::<Vec<_>>())
            })
            .unwrap();
        assert_eq!(names, COLUMNS);
    }

    #[test]
    fn protocol_numbers_count_per_year_and_scopes_hide_other_offices() {
        let (_dir, db) = seeded();
        let first = db.call_blocking(|c| file(c, "k1", 2026)).unwrap();
        let second = db.call_blocking(|c| file(c, "k2", 2026)).unwrap();
        let next_year = db.call_blocking(|c| file(c, "k3", 2027)).unwrap();
        assert_eq!(first.1, "RESPI-2026-000001");
        assert_eq!(second.1, "RESPI-2026-000002");
        assert_eq!(next_year.1, "RESPI-2027-000001");
        assert!(
            db.call_blocking(|c| file(c, "k1", 2026)).is_err(),
            "a submission key files once"
        );
        let own = db
            .call_blocking(|c| find(c, ReportScope::Organisation(1), first.0))
            .unwrap();
        assert!(own.is_some());
        let other = db
            .call_blocking(|c| find(c, ReportScope::Organisation(2), first.0))
            .unwrap();
        assert!(other.is_none());
        let prefettura = all_of(ReportScope::Institution(OrganisationKind::Prefettura));
        assert_eq!(db.call_blocking(|c| count(c, &prefettura)).unwrap(), 0);
        assert!(
            db.call_blocking(|c| page(c, &prefettura, 10, 0, None))
                .unwrap()
                .is_empty()
        );
        let all = all_of(ReportScope::All);
        assert_eq!(db.call_blocking(|c| count(c, &all)).unwrap(), 3);
        assert_eq!(
            db.call_blocking(|c| page(c, &all, 10, 0, None))
                .unwrap()
                .len(),
            3
        );
    }

    fn all_of(scope: ReportScope) -> ReportList {
        ReportList {
            scope,
            state: None,
            by_due_date: false,
            today: "2026-11-20".to_owned(),
            urgency_codes: vec!["U1".to_owned(), "U2".to_owned(), "U3".to_owned()],
        }
    }

    /// Files a report of `urgency`, due on `due`, and moves it to `state` by hand.
    fn filed(db: &Db, key: &str, urgency: &str, due: &str, state: &str) -> i64 {
        let (id, _) = db
            .call_blocking(|c| {
                let mut new = report(key);
                new.urgency = urgency.to_owned();
                new.due_date = due.parse().unwrap();
                let tx = c.transaction()?;
                let filed = insert(&tx, &new, 2026, 0)?;
                tx.execute(
                    "UPDATE reports SET state = ?2 WHERE id = ?1",
                    params![filed.0, state],
                )?;
                tx.commit()?;
                Ok(filed)
            })
            .unwrap();
        id
    }

    #[test]
    fn lists_sort_in_the_query_answered_last_overdue_first_then_by_urgency_or_due_date() {
        let (_dir, db) = seeded();
        let answered = filed(&db, "a", "U1", "2026-11-01", "chiusa");
        let late = filed(&db, "b", "U3", "2026-11-19", "nuova");
        let paused_late = filed(&db, "c", "U1", "2026-11-18", "in_attesa_di_risposta");
        let urgent = filed(&db, "d", "U1", "2026-11-30", "presa_in_carico");
        let soon = filed(&db, "e", "U2", "2026-11-23", "nuova");
        let unknown = filed(&db, "f", "X9", "2026-11-21", "nuova");
        let ids = |list: &ReportList| -> Vec<i64> {
            db.call_blocking(|c| page(c, list, -1, 0, None))
                .unwrap()
                .into_iter()
                .map(|row| row.id)
                .collect()
        };
        let mut list = all_of(ReportScope::All);
        // The paused report is not overdue: its clock does not run.
        assert_eq!(
            ids(&list),
            [late, paused_late, urgent, soon, unknown, answered]
        );
        list.by_due_date = true;
        assert_eq!(
            ids(&list),
            [late, paused_late, unknown, soon, urgent, answered]
        );
        list.state = Some(ReportState::New);
        assert_eq!(ids(&list), [late, unknown, soon]);
        assert_eq!(db.call_blocking(|c| count(c, &list)).unwrap(), 3);
        assert_eq!(
            db.call_blocking(|c| page(c, &list, 2, 1, None))
                .unwrap()
                .into_iter()
                .map(|row| row.id)
                .collect::<Vec<_>>(),
            [unknown, soon]
        );
    }

    #[test]
    fn a_transition_applies_once_and_the_timeline_is_append_only() {
        let (_dir, db) = seeded();
        let (id, _) = db.call_blocking(|c| file(c, "k", 2026)).unwrap();
        let apply = |c: &mut Connection| {
            let tx = c.transaction()?;
            let applied = apply_transition(
                &tx,
                id,
                1,
                ReportAction::TakeInCharge,
                ReportState::New,
                ReportState::InCharge,
                "",
                &TransitionEffects::default(),
                1,
            )?;
            tx.commit()?;
            Ok(applied)
        };
        assert!(db.call_blocking(apply).unwrap());
        assert!(!db.call_blocking(apply).unwrap());
        assert_eq!(db.call_blocking(|c| events(c, id)).unwrap().len(), 2);
        assert!(
            db.call_blocking(|c| c.execute("DELETE FROM report_events", []))
                .is_err()
        );
    }
}
