//! What the search index reads from the database: the reports as documents (their text, the
//! filters, who may see them) and the queue of reports changed since the index's last commit,
//! which the triggers of migration 0014 fill.

use std::collections::HashMap;

use rusqlite::{Connection, params};

/// One report as the index holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportDocument {
    pub id: i64,
    pub protocol: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub area: String,
    pub institution: String,
    pub addressed_office: String,
    pub state: String,
    pub urgency: String,
    pub topic_id: Option<i64>,
    pub topic_name: String,
    pub file_reference: String,
    pub description: String,
    pub created_at: i64,
    /// The answers the office reads.
    pub published_answers: Vec<String>,
    /// The answers as the liaison recorded them, before publication.
    pub received_answers: Vec<String>,
    pub notes: Vec<String>,
    /// Family name, given name, birth date and fiscal code, as one text.
    pub citizen: String,
}

/// The reports with ids in `from..=to`, in id order, with their answers and notes.
pub fn documents_between(
    conn: &Connection,
    from: i64,
    to: i64,
) -> rusqlite::Result<Vec<ReportDocument>> {
    let mut statement = conn.prepare_cached(
        "SELECT r.id, r.protocol, r.organisation_id, o.name, COALESCE(o.area, ''), r.institution,
                r.addressed_office, r.state, r.urgency, r.topic_id, COALESCE(t.name, ''),
                COALESCE(r.file_reference, ''), r.description, r.created_at,
                r.citizen_family_name || ' ' || r.citizen_given_name || ' '
                    || COALESCE(r.citizen_birth_date, '') || ' ' || COALESCE(r.citizen_tax_code, '')
         FROM reports r
         JOIN organisations o ON o.id = r.organisation_id
         LEFT JOIN topics t ON t.id = r.topic_id
         WHERE r.id BETWEEN ?1 AND ?2 ORDER BY r.id",
    )?;
    let mut documents: Vec<ReportDocument> = statement
        .query_map(params![from, to], |row| {
            Ok(ReportDocument {
                id: row.get(0)?,
                protocol: row.get(1)?,
                organisation_id: row.get(2)?,
                organisation_name: row.get(3)?,
                area: row.get(4)?,
                institution: row.get(5)?,
                addressed_office: row.get(6)?,
                state: row.get(7)?,
                urgency: row.get(8)?,
                topic_id: row.get(9)?,
                topic_name: row.get(10)?,
                file_reference: row.get(11)?,
                description: row.get(12)?,
                created_at: row.get(13)?,
                citizen: row.get(14)?,
                ..ReportDocument::default()
            })
        })?
        .collect::<Result<_, _>>()?;
    let position: HashMap<i64, usize> = documents
        .iter()
        .enumerate()
        .map(|(index, document)| (document.id, index))
        .collect();
    let mut answers = conn.prepare_cached(
        "SELECT report_id, stage, body FROM answers
         WHERE report_id BETWEEN ?1 AND ?2 ORDER BY id",
    )?;
    let mut rows = answers.query(params![from, to])?;
    while let Some(row) = rows.next()? {
        let Some(&index) = position.get(&row.get::<_, i64>(0)?) else {
            continue;
        };
        let stage: String = row.get(1)?;
        let list = if stage == "pubblicata" {
            &mut documents[index].published_answers
        } else {
            &mut documents[index].received_answers
        };
        list.push(row.get(2)?);
    }
    let mut notes = conn.prepare_cached(
        "SELECT report_id, body FROM internal_notes
         WHERE report_id BETWEEN ?1 AND ?2 ORDER BY id",
    )?;
    let mut rows = notes.query(params![from, to])?;
    while let Some(row) = rows.next()? {
        if let Some(&index) = position.get(&row.get::<_, i64>(0)?) {
            documents[index].notes.push(row.get(1)?);
        }
    }
    Ok(documents)
}

/// The smallest and largest report id, `None` when there is no report.
pub fn id_range(conn: &Connection) -> rusqlite::Result<Option<(i64, i64)>> {
    conn.query_row("SELECT MIN(id), MAX(id) FROM reports", [], |row| {
        Ok(row
            .get::<_, Option<i64>>(0)?
            .zip(row.get::<_, Option<i64>>(1)?))
    })
}

pub fn report_count(conn: &Connection) -> rusqlite::Result<u64> {
    let count: i64 = conn.query_row("SELECT COUNT(*) FROM reports", [], |row| row.get(0))?;
    Ok(u64::try_from(count).unwrap_or_default())
}

/// The queue as the index sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueState {
    /// The last entry ever written, 0 when none.
    pub last: i64,
    /// Entries up to here were applied to the index and deleted.
    pub trimmed_upto: i64,
}

pub fn queue_state(conn: &Connection) -> rusqlite::Result<QueueState> {
    conn.query_row(
        "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'search_queue'), 0),
                trimmed_upto
         FROM search_state WHERE id = 1",
        [],
        |row| {
            Ok(QueueState {
                last: row.get(0)?,
                trimmed_upto: row.get(1)?,
            })
        },
    )
}

/// The reports changed after entry `after`, each once, with the last entry read.
pub fn changed_since(conn: &Connection, after: i64) -> rusqlite::Result<(Vec<i64>, i64)> {
    let mut statement = conn.prepare_cached(
        "SELECT report_id, MAX(seq) FROM search_queue WHERE seq > ?1 GROUP BY report_id",
    )?;
    let mut last = after;
    let mut ids = Vec::new();
    let mut rows = statement.query([after])?;
    while let Some(row) = rows.next()? {
        ids.push(row.get(0)?);
        last = last.max(row.get(1)?);
    }
    Ok((ids, last))
}

/// Forgets the entries up to `upto`, which the index now holds.
pub fn trim(conn: &mut Connection, upto: i64) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM search_queue WHERE seq <= ?1", [upto])?;
    tx.execute(
        "UPDATE search_state SET trimmed_upto = MAX(trimmed_upto, ?1) WHERE id = 1",
        [upto],
    )?;
    tx.commit()
}

/// A value a search filter offers, with its label.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FilterChoice {
    pub value: String,
    pub label: String,
}

/// The topics, for the topic filter.
pub fn topic_choices(conn: &Connection) -> rusqlite::Result<Vec<FilterChoice>> {
    let mut statement =
        conn.prepare_cached("SELECT id, name FROM topics ORDER BY name COLLATE NOCASE")?;
    statement
        .query_map([], |row| {
            Ok(FilterChoice {
                value: row.get::<_, i64>(0)?.to_string(),
                label: row.get(1)?,
            })
        })?
        .collect()
}

/// The offices and services that may file reports, for the filter of who filed.
pub fn filer_choices(conn: &Connection) -> rusqlite::Result<Vec<FilterChoice>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, name FROM organisations WHERE kind IN ('office', 'service')
         ORDER BY kind, name COLLATE NOCASE",
    )?;
    statement
        .query_map([], |row| {
            Ok(FilterChoice {
                value: row.get::<_, i64>(0)?.to_string(),
                label: row.get(1)?,
            })
        })?
        .collect()
}

/// The areas the organisations belong to.
pub fn areas(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare_cached(
        "SELECT DISTINCT area FROM organisations WHERE area IS NOT NULL AND area <> ''
         ORDER BY area",
    )?;
    statement.query_map([], |row| row.get(0))?.collect()
}
