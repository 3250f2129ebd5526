//! The monitoring report of a period: the aggregate tables (reports, answer times, topics,
//! areas, appointments, page views) written as a draft page under `content/monitoraggio/`,
//! from the coordination's page or `respi-tickets export-monitoring --period 2026-Q3`.
//! Counts below 5 are shown as "< 5" (`domain::monitoring`).

use std::path::Path;

use rusqlite::Connection;

use crate::auth::principal::Principal;
use crate::clock::rome;
use crate::db::DbError;
use crate::db::monitoring;
use crate::domain::monitoring::{CountTable, Period, ReportText, charts, median_days, page};
use crate::domain::permissions::Action;
use crate::domain::report::ReportState;
use crate::error::AppError;
use crate::export::faq::{WriteError, write_new};
use crate::state::AppState;

/// Where the reports go under `content/`.
pub const SECTION: &str = "monitoraggio";

const SECTION_INDEX: &str = "---\ntitle: \"Monitoraggio della rete\"\ndescription: \"I rapporti di monitoraggio della rete: i dati aggregati di ogni periodo.\"\ndraft: true\n---\n\nI rapporti intermedi e finali sull'attività della rete.\n";

#[derive(Debug, thiserror::Error)]
pub enum MonitoringError {
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
}

/// The period's bounds in UTC seconds, `[from, to)`, its days taken in Europe/Rome.
fn bounds(period: &Period) -> (i64, i64) {
    let start = |day: jiff::civil::Date| {
        day.to_zoned(rome())
            .map_or(0, |zoned| zoned.timestamp().as_second())
    };
    let after = period.last.tomorrow().unwrap_or(period.last);
    (start(period.first), start(after))
}

fn labelled(rows: Vec<(String, i64)>, empty: &str) -> Vec<(String, i64)> {
    rows.into_iter()
        .map(|(label, n)| {
            (
                if label.is_empty() {
                    empty.to_owned()
                } else {
                    label
                },
                n,
            )
        })
        .collect()
}

/// The page of the period, from the database as it is, to be written as `{stem}.md`, and its
/// charts' files (name, SVG) to be written next to it.
pub fn report_page(
    conn: &Connection,
    period: &Period,
    stem: &str,
) -> rusqlite::Result<(String, Vec<(String, String)>)> {
    let (from, to) = bounds(period);
    let (first, last) = (period.first.to_string(), period.last.to_string());
    let states = monitoring::reports_by_state(conn, from, to)?
        .into_iter()
        .map(|(state, n)| {
            let label = state
                .parse::<ReportState>()
                .map_or(state, |s| s.label().to_owned());
            (label, n)
        })
        .collect();
    // `adds_up`: every report of the period is in exactly one row, so the rows add up to the
    // reports received that the page gives.
    let table = |caption: &str, first_column: &str, rows, adds_up| CountTable {
        caption: caption.to_owned(),
        first_column: first_column.to_owned(),
        rows,
        adds_up,
    };
    let page_views = crate::db::page_views::total_between(conn, &first, &last)?;
    let most_read = monitoring::most_read(conn, &first, &last)?;
    let tables = [
        table(
            "Segnalazioni del periodo per stato attuale",
            "Stato",
            states,
            true,
        ),
        table(
            "Segnalazioni del periodo per argomento",
            "Argomento",
            labelled(
                monitoring::reports_by_topic(conn, from, to)?,
                "Senza argomento",
            ),
            true,
        ),
        table(
            "Segnalazioni del periodo per bacino territoriale",
            "Bacino",
            labelled(monitoring::reports_by_area(conn, from, to)?, "Non indicato"),
            true,
        ),
        table(
            "Appuntamenti del periodo per tipo ed esito",
            "Tipo ed esito",
            monitoring::appointments(conn, &first, &last)?,
            false,
        ),
        table(
            "Le pagine del portale più lette nel periodo",
            "Pagina",
            most_read.clone(),
            // All the pages read are listed when there are few: their views add up to the
            // page views the page gives.
            most_read.iter().map(|(_, n)| n).sum::<i64>() == page_views,
        ),
    ];
    let mut days = monitoring::answer_days(conn, from, to)?;
    let text = page(&ReportText {
        period,
        reports_filed: monitoring::reports_filed(conn, from, to)?,
        answered: days.len() as i64,
        median_answer_days: median_days(&mut days),
        page_views,
        tables: &tables,
        stem,
    });
    Ok((text, charts(&tables, stem)))
}

/// The first name `{code}`, `{code}-2`, … with no page yet in `dir`.
fn free_stem(dir: &Path, code: &str) -> String {
    (1..)
        .map(|n| {
            if n == 1 {
                code.to_owned()
            } else {
                format!("{code}-{n}")
            }
        })
        .find(|stem| !dir.join(format!("{stem}.md")).exists())
        .expect("some name is free")
}

/// Writes the period's page (and the section's index, the first time); returns the page's
/// path under the content folder.
pub fn export_report(
    conn: &Connection,
    content_dir: &Path,
    period: &Period,
) -> Result<String, MonitoringError> {
    let dir = content_dir.join(SECTION);
    let stem = free_stem(&dir, &period.code.to_lowercase());
    let (text, charts) = report_page(conn, period, &stem)?;
    let index = dir.join("_index.md");
    if !index.exists() {
        write_new(content_dir, SECTION, "_index", SECTION_INDEX)?;
    }
    // The charts first, so the page never names a file that is not there.
    for (name, svg) in &charts {
        let path = dir.join(name);
        std::fs::write(&path, svg).map_err(|source| WriteError { path, source })?;
    }
    Ok(write_new(content_dir, SECTION, &stem, &text)?)
}

/// The coordination's button: writes the report of `period`.
pub async fn export(
    state: &AppState,
    principal: &Principal,
    period: Period,
) -> Result<String, AppError> {
    principal.require(state, Action::ExportMonitoring).await?;
    let content_dir = state.settings.content_dir.clone();
    let written = state
        .db
        .call(move |conn| Ok(export_report(conn, &content_dir, &period)))
        .await?;
    match written {
        Ok(path) => Ok(path),
        Err(MonitoringError::Db(error)) => Err(DbError::from(error).into()),
        Err(MonitoringError::Write(error)) => Err(error.into()),
    }
}
