//! `GET /segnalazioni`: the reports the principal may see, a page at a time, sorted by urgency
//! or by due date with overdue reports first and marked, and filtered by state. Scope, filter,
//! order and page are all in the query. For the coordination this is the queue. The use case
//! is in `app::reports::list`.

use axum::extract::{Query, State};
use axum::response::Html;
use serde::{Deserialize, Serialize};

use crate::app::reports::list::{self, ListRequest, ReportsPage};
use crate::auth::principal::Principal;
use crate::domain::permissions::Action;
use crate::domain::report::ReportState;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::pagination::{self, PageQuery};
use crate::paths;
use crate::routes::reports::ReportView;
use crate::state::AppState;
use crate::templates::Page;

#[derive(Deserialize)]
pub struct ListQuery {
    /// `scadenza` sorts by due date; anything else by urgency.
    #[serde(default)]
    #[serde(rename = "ordina")]
    order: Option<String>,
    /// A state's code shows only the reports in that state; anything else shows all.
    #[serde(default)]
    #[serde(rename = "stato")]
    state: Option<String>,
}

/// A choice of the state filter.
#[derive(Serialize)]
struct StateOption {
    value: &'static str,
    label: &'static str,
}

pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<ListQuery>,
    Query(page): Query<PageQuery>,
) -> Result<Html<String>, AppError> {
    let request = ListRequest {
        order: query.order.as_deref(),
        state: query.state.as_deref(),
        page: &page,
    };
    let listed = list::reports_page(&state, &principal, request).await?;
    render(&state, &principal, listed)
}

/// The list's page: the reports, the links to the other pages, and the controls of order and
/// filter, which keep each other's choice.
fn render(
    state: &AppState,
    principal: &Principal,
    listed: ReportsPage,
) -> Result<Html<String>, AppError> {
    let settings = &state.settings.reports;
    let order = if listed.by_due_date {
        "scadenza"
    } else {
        "urgenza"
    };
    let state_code = listed.filter.map_or("", ReportState::as_str);
    let pages = listed
        .paged
        .links(paths::REPORTS, &[("stato", state_code), ("ordina", order)]);
    let views: Vec<ReportLine> = listed
        .paged
        .rows
        .into_iter()
        .map(|row| ReportLine::from(ReportView::new(row, settings, listed.today)))
        .collect();
    let states: Vec<StateOption> = ReportState::ALL
        .into_iter()
        .map(|state| StateOption {
            value: state.as_str(),
            label: state.label(),
        })
        .collect();
    let title = match principal.role {
        Role::Coordination | Role::Liaison => "Coda delle segnalazioni",
        Role::Questura | Role::Prefettura => "Segnalazioni indirizzate al tuo ente",
        _ => "Le segnalazioni della tua organizzazione",
    };
    let sorted_by =
        |order: &str| pagination::url(paths::REPORTS, &[("stato", state_code), ("ordina", order)]);
    Page::for_user(state, principal, title, paths::REPORTS)
        .with("reports", &views)
        .with("pages", &pages)
        .with("by_due_date", &listed.by_due_date)
        .with("order", &order)
        .with("by_urgency_url", &sorted_by("urgenza"))
        .with("by_due_date_url", &sorted_by("scadenza"))
        .with("state_filter", &state_code)
        .with("states", &states)
        .with("can_file", &principal.can(Action::FileReport))
        .render(state, "reports.html")
}

/// A line of the list: what its table shows of a report, and nothing more (every field given
/// to the template is converted on each request).
#[derive(Serialize)]
struct ReportLine {
    id: i64,
    protocol: String,
    organisation_name: String,
    topic_name: Option<String>,
    state_label: &'static str,
    office_label: &'static str,
    urgency_label: String,
    due: String,
    overdue: bool,
    paused: bool,
}

impl From<ReportView> for ReportLine {
    fn from(view: ReportView) -> Self {
        ReportLine {
            id: view.row.id,
            protocol: view.row.protocol,
            organisation_name: view.row.organisation_name,
            topic_name: view.row.topic_name,
            state_label: view.state_label,
            office_label: view.office_label,
            urgency_label: view.urgency_label,
            due: view.due,
            overdue: view.overdue,
            paused: view.paused,
        }
    }
}
