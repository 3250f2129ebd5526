//! `GET /segnalazioni`: the reports the principal may see, a page at a time, sorted by urgency
//! or by due date with overdue reports first and marked, and filtered by state. Scope, filter,
//! order and page are all in the query. For the coordination this is the queue.

use axum::extract::{Query, State};
use axum::response::Html;
use serde::{Deserialize, Serialize};

use crate::app::reports::scope_of;
use crate::auth::principal::Principal;
use crate::db::reports::{self, ReportList};
use crate::domain::permissions::Action;
use crate::domain::report::ReportState;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::pagination::{self, PageQuery, PageRequest};
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
    let scope = scope_of(&state, &principal).await?;
    let by_due_date = query.order.as_deref() == Some("scadenza");
    let filter = query
        .state
        .as_deref()
        .and_then(|code| code.parse::<ReportState>().ok());
    let today = state.clock.today();
    let settings = &state.settings.reports;
    let list = ReportList {
        scope,
        state: filter,
        by_due_date,
        today: today.to_string(),
        urgency_codes: settings.urgency.iter().map(|u| u.code.clone()).collect(),
    };
    let request = PageRequest::new(&page, state.settings.page_size);
    let paged = state
        .db
        .call(move |conn| {
            request.load(
                conn,
                |conn| reports::count(conn, &list),
                |conn, limit, offset| reports::page(conn, &list, limit, offset),
            )
        })
        .await?;
    let order = if by_due_date { "scadenza" } else { "urgenza" };
    let state_code = filter.map_or("", ReportState::as_str);
    let pages = paged.links(paths::REPORTS, &[("stato", state_code), ("ordina", order)]);
    let views: Vec<ReportView> = paged
        .rows
        .into_iter()
        .map(|row| ReportView::new(row, settings, today))
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
    Page::for_user(&state, &principal, title, paths::REPORTS)
        .with("reports", &views)
        .with("pages", &pages)
        .with("by_due_date", &by_due_date)
        .with("order", &order)
        .with(
            "by_urgency_url",
            &pagination::url(
                paths::REPORTS,
                &[("stato", state_code), ("ordina", "urgenza")],
            ),
        )
        .with(
            "by_due_date_url",
            &pagination::url(
                paths::REPORTS,
                &[("stato", state_code), ("ordina", "scadenza")],
            ),
        )
        .with("state_filter", &state_code)
        .with("states", &states)
        .with("can_file", &principal.can(Action::FileReport))
        .render(&state, "reports.html")
}
