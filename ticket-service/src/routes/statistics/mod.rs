//! `GET /statistiche`: the network's figures for a period chosen in a GET form, compared with
//! the period before, as tables with their charts; `GET /statistiche/dati.csv` the same
//! aggregates as a spreadsheet; `GET /statistiche/segnalazioni.csv` one line per report, for
//! the roles that see every single report.

mod chart;
mod view;

use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::app::statistics;
use crate::auth::principal::Principal;
use crate::domain::statistics::period::Period;
use crate::error::AppError;
use crate::export::statistics_csv::{self, Separator};
use crate::state::AppState;

/// The fields of the period form and of the download forms.
#[derive(Debug, Default, Deserialize)]
pub struct StatisticsQuery {
    #[serde(default)]
    pub dal: String,
    #[serde(default)]
    pub al: String,
    pub separatore: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<StatisticsQuery>,
) -> Result<Html<String>, AppError> {
    let asked = statistics::for_form(&state, &principal, &query.dal, &query.al).await?;
    view::render(&state, &principal, (&query.dal, &query.al), asked)
}

/// The period and separator of a download form, which only offers valid ones.
fn download_choice(
    state: &AppState,
    query: &StatisticsQuery,
) -> Result<(Period, Separator), AppError> {
    let period = Period::from_form(&query.dal, &query.al, state.clock.today())
        .map_err(|_| AppError::BadForm)?;
    let separator = Separator::from_form(query.separatore.as_deref()).ok_or(AppError::BadForm)?;
    Ok((period, separator))
}

fn csv_file(bytes: Result<Vec<u8>, csv::Error>, name: &str) -> Result<Response, AppError> {
    let bytes = bytes.map_err(|error| {
        tracing::error!(%error, "statistics CSV not written");
        AppError::Refused("Non è stato possibile preparare il file. Riprova più tardi.")
    })?;
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /statistiche/dati.csv`: the aggregates of the page.
pub async fn aggregates_csv(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<StatisticsQuery>,
) -> Result<Response, AppError> {
    let (period, separator) = download_choice(&state, &query)?;
    let figures = statistics::export_aggregates(&state, &principal, period).await?;
    let name = format!("statistiche-{}-{}.csv", period.from, period.until);
    csv_file(statistics_csv::aggregates(&figures, separator), &name)
}

/// `GET /statistiche/segnalazioni.csv`: one line per report filed in the period.
pub async fn reports_csv(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<StatisticsQuery>,
) -> Result<Response, AppError> {
    let (period, separator) = download_choice(&state, &query)?;
    let lines = statistics::export_reports(&state, &principal, period).await?;
    let today = state.clock.today();
    let name = format!("segnalazioni-{}-{}.csv", period.from, period.until);
    csv_file(statistics_csv::reports(&lines, today, separator), &name)
}
