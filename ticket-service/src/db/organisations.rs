//! Queries on `organisations`.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::db::columns;
use crate::domain::organisation::{OrganisationFields, OrganisationKind, OrganisationSource};

/// An organisation as an importer describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganisation {
    /// Stable key across imports, namespaced by origin (`sportelli/alba`, `rete/comune-di-bra`).
    pub slug: String,
    pub name: String,
    pub kind: OrganisationKind,
    pub service_kind: Option<String>,
    pub owner: Option<String>,
    pub area: Option<String>,
    pub municipality: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl NewOrganisation {
    pub fn named(slug: &str, name: &str, kind: OrganisationKind) -> Self {
        NewOrganisation {
            slug: slug.to_owned(),
            name: name.to_owned(),
            kind,
            service_kind: None,
            owner: None,
            area: None,
            municipality: None,
            email: None,
            phone: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct OrganisationRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: OrganisationKind,
    pub service_kind: Option<String>,
    pub owner: Option<String>,
    pub area: Option<String>,
    pub municipality: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub source: String,
    pub active: bool,
}

impl OrganisationRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(OrganisationRow {
            id: row.get("id")?,
            slug: row.get("slug")?,
            name: row.get("name")?,
            kind: columns::parsed(row, "kind")?,
            service_kind: row.get("service_kind")?,
            owner: row.get("owner")?,
            area: row.get("area")?,
            municipality: row.get("municipality")?,
            email: row.get("email")?,
            phone: row.get("phone")?,
            source: row.get("source")?,
            active: row.get("active")?,
        })
    }
}

/// SQL is assembled from literals only (`concat!`), never with `format!`, so no value can end
/// up inside a statement.
macro_rules! select_organisations {
    ($rest:literal) => {
        concat!(
            "SELECT id, slug, name, kind, service_kind, owner, area, municipality, email, phone,
                    source, active
             FROM organisations ",
            $rest
        )
    };
}

/// How an import changed the table.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SyncReport {
    pub upserted: usize,
    pub deactivated: usize,
}

/// Makes the active organisations of `source` exactly `records`: new ones are added, known ones
/// updated, and those no longer listed deactivated (never deleted: users and reports point at
/// them).
pub fn sync_source(
    conn: &mut Connection,
    source: OrganisationSource,
    records: &[NewOrganisation],
    now: i64,
) -> rusqlite::Result<SyncReport> {
    let tx = conn.transaction()?;
    let mut report = SyncReport::default();
    {
        let mut upsert = tx.prepare(
            "INSERT INTO organisations
                 (slug, name, kind, service_kind, owner, area, municipality, email, phone, source, active, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11)
             ON CONFLICT (slug) DO UPDATE SET
                 name = excluded.name, kind = excluded.kind, service_kind = excluded.service_kind,
                 owner = excluded.owner, area = excluded.area, municipality = excluded.municipality,
                 email = excluded.email, phone = excluded.phone, source = excluded.source,
                 active = 1, updated_at = excluded.updated_at",
        )?;
        for record in records {
            upsert.execute(params![
                record.slug,
                record.name,
                record.kind.as_str(),
                record.service_kind,
                record.owner,
                record.area,
                record.municipality,
                record.email,
                record.phone,
                source.as_str(),
                now,
            ])?;
            report.upserted += 1;
        }
        let mut known =
            tx.prepare("SELECT id, slug FROM organisations WHERE source = ?1 AND active = 1")?;
        let stale: Vec<i64> = known
            .query_map([source.as_str()], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
            })?
            .filter_map(Result::ok)
            .filter(|(_, slug)| !records.iter().any(|r| &r.slug == slug))
            .map(|(id, _)| id)
            .collect();
        for id in stale {
            tx.execute(
                "UPDATE organisations SET active = 0, updated_at = ?2 WHERE id = ?1",
                params![id, now],
            )?;
            report.deactivated += 1;
        }
    }
    tx.commit()?;
    Ok(report)
}

/// Every organisation, active first, grouped by kind, by name.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<OrganisationRow>> {
    // SQLite reads a negative LIMIT as no limit.
    page(conn, -1, 0)
}

pub fn count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT COUNT(*) FROM organisations", [], |row| row.get(0))
}

/// `limit` organisations from `offset`, in the order of [`list`].
pub fn page(conn: &Connection, limit: i64, offset: i64) -> rusqlite::Result<Vec<OrganisationRow>> {
    let mut stmt = conn.prepare(select_organisations!(
        "ORDER BY active DESC,
                  CASE kind WHEN 'coordination' THEN 0 WHEN 'questura' THEN 1 WHEN 'prefettura' THEN 2
                            WHEN 'office' THEN 3 ELSE 4 END,
                  name COLLATE NOCASE, id
         LIMIT ?1 OFFSET ?2"
    ))?;
    stmt.query_map(params![limit, offset], OrganisationRow::from_row)?
        .collect()
}

pub fn find_by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<OrganisationRow>> {
    conn.query_row(
        select_organisations!("WHERE id = ?1"),
        [id],
        OrganisationRow::from_row,
    )
    .optional()
}

pub fn find_by_slug(conn: &Connection, slug: &str) -> rusqlite::Result<Option<OrganisationRow>> {
    conn.query_row(
        select_organisations!("WHERE slug = ?1"),
        [slug],
        OrganisationRow::from_row,
    )
    .optional()
}

/// The first active organisation of a kind, by name; demo accounts attach to it.
/// [`first_of_kind`] among the organisations that did not come from `source`.
pub fn first_of_kind_except_source(
    conn: &Connection,
    kind: OrganisationKind,
    source: &str,
) -> rusqlite::Result<Option<OrganisationRow>> {
    conn.query_row(
        select_organisations!(
            "WHERE kind = ?1 AND active = 1 AND source <> ?2
             ORDER BY name COLLATE NOCASE LIMIT 1"
        ),
        params![kind.as_str(), source],
        OrganisationRow::from_row,
    )
    .optional()
}

pub fn first_of_kind(
    conn: &Connection,
    kind: OrganisationKind,
) -> rusqlite::Result<Option<OrganisationRow>> {
    conn.query_row(
        select_organisations!(
            "WHERE kind = ?1 AND active = 1 ORDER BY name COLLATE NOCASE LIMIT 1"
        ),
        [kind.as_str()],
        OrganisationRow::from_row,
    )
    .optional()
}

/// Whether an organisation other than `except` has this name, ignoring case.
pub fn name_taken(conn: &Connection, name: &str, except: Option<i64>) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM organisations
                        WHERE lower(name) = lower(?1) AND id IS NOT ?2)",
        params![name, except],
        |row| row.get(0),
    )
}

/// Adds an organisation made by an administrator, under `slug` (namespaced `manuale/…`).
pub fn insert_manual(
    conn: &Connection,
    slug: &str,
    fields: &OrganisationFields,
    now: i64,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO organisations
             (slug, name, kind, service_kind, owner, area, municipality, email, phone, source,
              active, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'manual', 1, ?10)",
        params![
            slug,
            fields.name,
            fields.kind.as_str(),
            fields.service_kind,
            fields.owner,
            fields.area,
            fields.municipality,
            fields.email,
            fields.phone,
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Changes an organisation made by an administrator; imported ones are never matched, so
/// their source stays the only place they change. False when nothing matched.
pub fn update_manual(
    conn: &Connection,
    id: i64,
    fields: &OrganisationFields,
    active: bool,
    now: i64,
) -> rusqlite::Result<bool> {
    conn.execute(
        "UPDATE organisations
         SET name = ?2, kind = ?3, service_kind = ?4, owner = ?5, area = ?6, municipality = ?7,
             email = ?8, phone = ?9, active = ?10, updated_at = ?11
         WHERE id = ?1 AND source = 'manual'",
        params![
            id,
            fields.name,
            fields.kind.as_str(),
            fields.service_kind,
            fields.owner,
            fields.area,
            fields.municipality,
            fields.email,
            fields.phone,
            active,
            now
        ],
    )
    .map(|changed| changed > 0)
}
