//! The statistics page's context: the period form, the indicators with their change since the
//! previous period, each table with its chart, the appointments, and the download forms.

use axum::response::Html;
use serde::Serialize;

use super::chart::{Chart, bar_chart};
use crate::app::statistics::{Asked, KindLine, Row, Statistics, Value};
use crate::auth::principal::Principal;
use crate::domain::permissions::Action;
use crate::domain::statistics::measures::Disclosure;
use crate::domain::statistics::period::Period;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::state::AppState;
use crate::templates::Page;

#[derive(Serialize)]
struct RowView {
    label: String,
    current: String,
    previous: String,
    change: String,
}

fn row_view(row: &Row) -> RowView {
    RowView {
        label: row.label.clone(),
        current: row.current.text(),
        previous: row.previous.text(),
        change: row
            .current
            .change_from(row.previous)
            .unwrap_or_else(|| "–".to_owned()),
    }
}

#[derive(Serialize)]
struct TableView {
    id: &'static str,
    title: &'static str,
    dimension: &'static str,
    compared: bool,
    rows: Vec<RowView>,
    chart: Option<Chart>,
}

#[derive(Serialize)]
struct KindView {
    name: String,
    figures: Vec<String>,
}

fn kind_view(kind: &KindLine) -> KindView {
    let values = [
        kind.seats,
        kind.used,
        kind.free,
        kind.cancelled,
        kind.attended,
        kind.no_shows,
        kind.no_show_share,
        kind.lead_median,
        kind.lead_p90,
    ];
    KindView {
        name: kind.name.clone(),
        figures: values.iter().map(|value: &Value| value.text()).collect(),
    }
}

/// `dal 01/03/2026 al 31/03/2026`.
fn period_text(period: Period) -> String {
    format!(
        "dal {} al {}",
        period.from.strftime("%d/%m/%Y"),
        period.until.strftime("%d/%m/%Y")
    )
}

#[derive(Serialize)]
struct Figures {
    period: String,
    previous: String,
    dal: String,
    al: String,
    restricted: bool,
    indicators: Vec<RowView>,
    tables: Vec<TableView>,
    kinds: Vec<KindView>,
}

fn figures(statistics: &Statistics) -> Figures {
    let period = period_text(statistics.period);
    let tables = statistics
        .tables
        .iter()
        .map(|table| TableView {
            id: table.id,
            title: table.title,
            dimension: table.dimension,
            compared: table.compared,
            rows: table.rows.iter().map(row_view).collect(),
            chart: bar_chart(table, &period),
        })
        .collect();
    Figures {
        previous: period_text(statistics.previous),
        dal: statistics.period.from.to_string(),
        al: statistics.period.until.to_string(),
        restricted: statistics.disclosure == Disclosure::AggregatesOnly,
        indicators: statistics.indicators.iter().map(row_view).collect(),
        tables,
        kinds: statistics.kinds.iter().map(kind_view).collect(),
        period,
    }
}

/// A date field shows what was typed; a value a date field cannot hold (`31/02/2026`, typed
/// where the browser offers no date picker) comes back in a text field, so it is kept.
fn field_type(typed: &str) -> &'static str {
    let holds = typed.is_empty() || typed.parse::<jiff::civil::Date>().is_ok();
    if holds { "date" } else { "text" }
}

/// The page: the figures asked for, or the form with what was typed and why it was refused.
pub fn render(
    state: &AppState,
    principal: &Principal,
    typed: (&str, &str),
    asked: Asked,
) -> Result<Html<String>, AppError> {
    let page = Page::for_user(state, principal, "Statistiche", paths::STATISTICS)
        .with("may_export_reports", &principal.can(Action::ViewAllReports));
    match asked {
        Asked::Figures(statistics) => {
            let figures = figures(&statistics);
            page.with("form_dal", &figures.dal)
                .with("form_al", &figures.al)
                .with("dal_type", &"date")
                .with("al_type", &"date")
                .with("figures", &Some(figures))
                .render(state, "statistics.html")
        }
        Asked::Invalid(refused) => {
            let mut errors = FormErrors::default();
            errors.add(refused.field, refused.error.to_string());
            page.with("form_dal", &typed.0)
                .with("form_al", &typed.1)
                .with("dal_type", &field_type(typed.0))
                .with("al_type", &field_type(typed.1))
                .with("figures", &None::<Figures>)
                .errors(&errors)
                .render(state, "statistics.html")
        }
    }
}
