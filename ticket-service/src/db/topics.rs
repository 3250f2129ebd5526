//! Queries on `topics`: the FAQ categories the coordination assigns to reports, each with the
//! standard answer offered as the start of an answer.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::domain::topic::SectionTopic;

#[derive(Debug, Clone, Serialize)]
pub struct TopicRow {
    pub id: i64,
    pub name: String,
    pub standard_answer: String,
    /// False once disabled: not offered any more, still shown on the reports that have it.
    pub active: bool,
    /// How many reports have this topic; counted only for the topics page.
    pub reports: Option<i64>,
    /// The section `content/faq/<folder>/` the topic's FAQ go to; `None` for a topic the
    /// coordination added by hand.
    pub folder: Option<String>,
    /// True when the topic comes from the portal's sections: its name changes there.
    pub imported: bool,
}

/// The section of an imported topic, as its form shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedSection {
    pub folder: String,
    pub name: String,
}

impl TopicRow {
    pub fn imported_section(self) -> Option<ImportedSection> {
        let folder = self.folder.filter(|_| self.imported)?;
        Some(ImportedSection {
            folder,
            name: self.name,
        })
    }
}

const SELECT: &str = "SELECT t.id, t.name, t.standard_answer, t.active,
        (SELECT COUNT(*) FROM reports r WHERE r.topic_id = t.id), t.folder, t.source
     FROM topics t";

/// [`SELECT`] without counting reports, for the pages that offer the topics as choices.
const SELECT_UNCOUNTED: &str = "SELECT t.id, t.name, t.standard_answer, t.active,
        NULL, t.folder, t.source
     FROM topics t";

fn from_row(row: &Row<'_>) -> rusqlite::Result<TopicRow> {
    Ok(TopicRow {
        id: row.get(0)?,
        name: row.get(1)?,
        standard_answer: row.get(2)?,
        active: row.get(3)?,
        reports: row.get(4)?,
        folder: row.get(5)?,
        imported: row.get::<_, String>(6)? == "content",
    })
}

/// Every topic, in alphabetical order, with how many reports have it.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<TopicRow>> {
    let mut statement = conn.prepare(&format!("{SELECT} ORDER BY t.name COLLATE NOCASE"))?;
    statement.query_map([], from_row)?.collect()
}

/// Every topic, in alphabetical order, without counting their reports: what a report's page
/// offers, read on every view.
pub fn choices(conn: &Connection) -> rusqlite::Result<Vec<TopicRow>> {
    let mut statement = conn.prepare_cached(&format!(
        "{SELECT_UNCOUNTED} ORDER BY t.name COLLATE NOCASE"
    ))?;
    statement.query_map([], from_row)?.collect()
}

pub fn find(conn: &Connection, id: i64) -> rusqlite::Result<Option<TopicRow>> {
    conn.query_row(&format!("{SELECT} WHERE t.id = ?1"), [id], from_row)
        .optional()
}

/// Whether another topic than `except` already has this name, ignoring case.
pub fn name_taken(conn: &Connection, name: &str, except: Option<i64>) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM topics
                        WHERE lower(name) = lower(?1) AND id IS NOT ?2)",
        params![name, except],
        |row| row.get(0),
    )
}

pub fn insert(conn: &Connection, name: &str, standard_answer: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO topics (name, standard_answer, active) VALUES (?1, ?2, 1)",
        params![name, standard_answer],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Renames, rewrites the standard answer and enables or disables; false for an unknown id.
pub fn update(
    conn: &Connection,
    id: i64,
    name: &str,
    standard_answer: &str,
    active: bool,
) -> rusqlite::Result<bool> {
    conn.execute(
        "UPDATE topics SET name = ?2, standard_answer = ?3, active = ?4 WHERE id = ?1",
        params![id, name, standard_answer, active],
    )
    .map(|changed| changed > 0)
}

/// What a refresh of the topics from the portal changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TopicSync {
    pub imported: usize,
    pub disabled: usize,
    pub removed: usize,
}

/// The row that becomes the topic of `section`: the one already holding its folder, else a
/// seeded or hand-made topic without a folder whose name matches the section's title or
/// whose slug is the folder (the seed "Cittadinanza" for `cittadinanza/`).
fn row_for_section(conn: &Connection, section: &SectionTopic) -> rusqlite::Result<Option<i64>> {
    let by_folder: Option<i64> = conn
        .query_row(
            "SELECT id FROM topics WHERE folder = ?1",
            [&section.folder],
            |row| row.get(0),
        )
        .optional()?;
    if by_folder.is_some() {
        return Ok(by_folder);
    }
    let mut statement = conn.prepare("SELECT id, name FROM topics WHERE folder IS NULL")?;
    let candidates = statement
        .query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(candidates.into_iter().find_map(|(id, name)| {
        (name.to_lowercase() == section.name.to_lowercase()
            || slug::slugify(&name) == section.folder)
            .then_some(id)
    }))
}

/// Makes the portal's sections the active imported topics: each section's topic is created or
/// takes the section's title, topics of sections no longer there are disabled (reports keep
/// them), and the seeded topics that matched no section are removed, or disabled when reports
/// have them. Topics the coordination added by hand are left as they are.
pub fn sync_sections(
    conn: &mut Connection,
    sections: &[SectionTopic],
) -> rusqlite::Result<TopicSync> {
    let tx = conn.transaction()?;
    let mut sync = TopicSync::default();
    for section in sections {
        let id = row_for_section(&tx, section)?;
        // A hand-made topic elsewhere with the section's title keeps it; the section's topic
        // then keeps its previous name (or the folder) until one of them is renamed.
        let name = if name_taken(&tx, &section.name, id)? {
            tracing::warn!(folder = %section.folder, name = %section.name, "topic name already taken");
            section.folder.clone()
        } else {
            section.name.clone()
        };
        match id {
            Some(id) => tx.execute(
                "UPDATE topics SET name = ?2, folder = ?3, source = 'content', active = 1
                 WHERE id = ?1",
                params![id, name, section.folder],
            )?,
            None => tx.execute(
                "INSERT INTO topics (name, standard_answer, active, folder, source)
                 VALUES (?1, '', 1, ?2, 'content')",
                params![name, section.folder],
            )?,
        };
        sync.imported += 1;
    }
    let mut statement = tx.prepare(
        "SELECT id, folder, source FROM topics WHERE active = 1 AND source IN ('content', 'seed')",
    )?;
    let stale: Vec<i64> = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, Option<String>>(1)?,
                row.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .filter(|(_, folder, source)| match folder {
            Some(folder) => !sections.iter().any(|s| &s.folder == folder),
            None => source == "seed",
        })
        .map(|(id, _, _)| id)
        .collect();
    drop(statement);
    for id in stale {
        // A seed without reports is removed below; disabling it first changes nothing.
        sync.disabled += tx.execute(
            "UPDATE topics SET active = 0 WHERE id = ?1
             AND (source = 'content' OR EXISTS (SELECT 1 FROM reports r WHERE r.topic_id = ?1))",
            [id],
        )?;
    }
    sync.removed = tx.execute(
        "DELETE FROM topics WHERE source = 'seed'
         AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.topic_id = topics.id)",
        [],
    )?;
    tx.commit()?;
    Ok(sync)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    fn section(folder: &str, name: &str) -> SectionTopic {
        SectionTopic {
            folder: folder.to_owned(),
            name: name.to_owned(),
        }
    }

    fn names(conn: &Connection) -> Vec<(String, Option<String>, bool)> {
        list(conn)
            .unwrap()
            .into_iter()
            .map(|t| (t.name, t.folder, t.active))
            .collect()
    }

    #[test]
    fn sections_replace_the_seeds_and_hand_made_topics_stay() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("db.sqlite3")).unwrap();
        db.call_blocking(|conn| {
            insert(conn, "Asilo", "")?;
            // A report on the seed "Altro" keeps it, disabled; the report's columns are not the
            // point here, so references are left unchecked.
            conn.pragma_update(None, "foreign_keys", "OFF")?;
            conn.execute(
                "INSERT INTO reports (year, sequence, protocol, organisation_id, filed_by, kind,
                     addressed_office, institution, file_kind, citizen_family_name,
                     citizen_given_name, description, urgency, urgency_reason, state, topic_id,
                     due_date, submission_key, created_at, updated_at)
                 VALUES (2026, 1, 'RESPI-2026-000001', 1, 1, 'parere', 'prefettura_sui',
                     'prefettura', 'altro', 'A', 'B', 'x', 'U3', 'x', 'nuova',
                     (SELECT id FROM topics WHERE name = 'Altro'), '2026-01-01', 'k', 1, 1)",
                [],
            )?;
            conn.pragma_update(None, "foreign_keys", "ON")
        })
        .unwrap();
        let sections = [
            section("cittadinanza", "Domande sulla cittadinanza"),
            section("salute", "Domande sulla salute"),
        ];
        let sync = db
            .call_blocking(|conn| sync_sections(conn, &sections))
            .unwrap();
        assert_eq!(
            sync,
            TopicSync {
                imported: 2,
                disabled: 1,
                removed: 3
            }
        );
        let after = db.call_blocking(|conn| Ok(names(conn))).unwrap();
        assert_eq!(
            after,
            [
                ("Altro".to_owned(), None, false),
                ("Asilo".to_owned(), None, true),
                (
                    "Domande sulla cittadinanza".to_owned(),
                    Some("cittadinanza".to_owned()),
                    true
                ),
                (
                    "Domande sulla salute".to_owned(),
                    Some("salute".to_owned()),
                    true
                ),
            ]
        );
        // The seed "Cittadinanza" became the section's topic: its standard answer is kept.
        let cittadinanza = db
            .call_blocking(|conn| list(conn))
            .unwrap()
            .into_iter()
            .find(|t| t.folder.as_deref() == Some("cittadinanza"))
            .unwrap();
        assert!(cittadinanza.standard_answer.contains("istruttoria"));
        assert!(cittadinanza.imported);

        // A section gone: its topic is disabled, not deleted; back again, enabled.
        let only_health = [section("salute", "Salute")];
        db.call_blocking(|conn| sync_sections(conn, &only_health))
            .unwrap();
        let after = db.call_blocking(|conn| Ok(names(conn))).unwrap();
        assert!(after.contains(&(
            "Domande sulla cittadinanza".to_owned(),
            Some("cittadinanza".to_owned()),
            false
        )));
        assert!(after.contains(&("Salute".to_owned(), Some("salute".to_owned()), true)));
        db.call_blocking(|conn| sync_sections(conn, &sections))
            .unwrap();
        let after = db.call_blocking(|conn| Ok(names(conn))).unwrap();
        assert!(
            after
                .iter()
                .filter(|(_, folder, _)| folder.is_some())
                .all(|t| t.2)
        );
    }
}
