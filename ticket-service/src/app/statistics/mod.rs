//! The network's statistics: the page and its CSV of aggregates for the roles with the
//! statistics permission, and the CSV of one line per report for those who may also see every
//! single report. Figures of roles that see no single report hide their small cells.

mod dimensions;
mod load;
mod model;
mod tables;

use std::collections::HashMap;

use crate::auth::principal::Principal;
use crate::clock::rome;
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::statistics::{self, OrganisationName, ReportLine};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::domain::statistics::measures::Disclosure;
use crate::domain::statistics::period::{FieldError, Period};
use crate::error::AppError;
use crate::state::AppState;

pub use model::{KindLine, Row, Statistics, Table, Value};

use load::{load, month_starts};

/// The statistics of `period`, compared with the period of equal length before it.
pub async fn overview(
    state: &AppState,
    principal: &Principal,
    period: Period,
) -> Result<Statistics, AppError> {
    principal.require(state, Action::ViewStatistics).await?;
    let zone = rome();
    let today = state.clock.today();
    let loaded = {
        let zone = zone.clone();
        state
            .db
            .call(move |conn| load(conn, period, &zone, today))
            .await?
    };
    let disclosure = Disclosure::for_role(principal.role);
    let calendar = state.settings.reports.calendar();
    let (months, _) = month_starts(period, &zone);
    let context = model::Context {
        period,
        disclosure,
        months: &months,
        urgency: &state.settings.reports.urgency,
        calendar: &calendar,
        zone: &zone,
    };
    Ok(tables::build(&context, loaded))
}

/// What the period form asked for.
pub enum Asked {
    Figures(Box<Statistics>),
    /// The dates do not make a period; nothing was read.
    Invalid(FieldError),
}

/// The statistics of the period the form's dates give (the default period for empty ones),
/// or why the dates were refused; the permission is checked first either way.
pub async fn for_form(
    state: &AppState,
    principal: &Principal,
    from: &str,
    until: &str,
) -> Result<Asked, AppError> {
    principal.require(state, Action::ViewStatistics).await?;
    match Period::from_form(from, until, state.clock.today()) {
        Ok(period) => Ok(Asked::Figures(Box::new(
            overview(state, principal, period).await?,
        ))),
        Err(error) => Ok(Asked::Invalid(error)),
    }
}

/// The statistics for the CSV of aggregates; the download is in the audit log.
pub async fn export_aggregates(
    state: &AppState,
    principal: &Principal,
    period: Period,
) -> Result<Statistics, AppError> {
    let statistics = overview(state, principal, period).await?;
    let entry = AuditEntry::new(AuditEvent::StatisticsExported)
        .actor(principal.user_id)
        .detail(format!("aggregati dal {} al {}", period.from, period.until));
    state.audit(entry).await?;
    Ok(statistics)
}

/// A report of the per-report CSV, with the names its codes stand for.
pub struct NamedLine {
    pub line: ReportLine,
    pub organisation: String,
    pub area: String,
    pub topic: String,
}

/// One line per report filed in `period`, for roles that see every single report, after the
/// password was typed again; the export and its audit line are one transaction.
pub async fn export_reports(
    state: &AppState,
    principal: &Principal,
    period: Period,
) -> Result<Vec<NamedLine>, AppError> {
    principal.require(state, Action::ViewStatistics).await?;
    principal.require(state, Action::ViewAllReports).await?;
    principal.require_recent_authentication(state)?;
    let (from, until) = period.bounds(&rome());
    let entry = AuditEntry::new(AuditEvent::StatisticsExported)
        .actor(principal.user_id)
        .detail(format!(
            "per segnalazione dal {} al {}",
            period.from, period.until
        ));
    let now = state.clock.now();
    let (lines, organisations, topics) = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            db::audit::append(&tx, &entry, now)?;
            let lines = statistics::report_lines(&tx, from, until)?;
            let organisations = statistics::organisation_names(&tx)?;
            let topics = statistics::topic_names(&tx)?;
            tx.commit()?;
            Ok((lines, organisations, topics))
        })
        .await?;
    Ok(named(lines, organisations, topics))
}

fn named(
    lines: Vec<ReportLine>,
    organisations: Vec<OrganisationName>,
    topics: Vec<(i64, String)>,
) -> Vec<NamedLine> {
    let organisations: HashMap<i64, OrganisationName> =
        organisations.into_iter().map(|o| (o.id, o)).collect();
    let topics: HashMap<i64, String> = topics.into_iter().collect();
    lines
        .into_iter()
        .map(|line| {
            let organisation = organisations.get(&line.facts.organisation_id);
            NamedLine {
                organisation: organisation.map(|o| o.name.clone()).unwrap_or_default(),
                area: organisation
                    .and_then(|o| o.area.clone())
                    .unwrap_or_default(),
                topic: line
                    .facts
                    .topic_id
                    .and_then(|id| topics.get(&id).cloned())
                    .unwrap_or_default(),
                line,
            }
        })
        .collect()
}
