//! `GET /segnalazioni`: the reports the principal may see, sorted by urgency or by due date,
//! with overdue reports marked. For the coordination this is the queue.

use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;

use crate::auth::principal::Principal;
use crate::db::reports;
use crate::domain::permissions::Action;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::routes::reports::{ReportView, scope_of, today};
use crate::startup::AppState;
use crate::templates::Page;

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    ordina: Option<String>,
}

/// The two orders a list offers; urgency first is what the coordination works by.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    Urgency,
    DueDate,
}

pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let scope = scope_of(&state, &principal).await?;
    let rows = state
        .db
        .call(move |conn| reports::list(conn, scope))
        .await?;
    let order = match query.ordina.as_deref() {
        Some("scadenza") => Order::DueDate,
        _ => Order::Urgency,
    };
    let settings = &state.settings.reports;
    let today = today();
    let mut views: Vec<ReportView> = rows
        .into_iter()
        .map(|row| ReportView::new(row, settings, today))
        .collect();
    // Reports that still need work come before answered and closed ones in either order.
    views.sort_by(|a, b| {
        let done = |v: &ReportView| v.row.state().is_answered();
        let urgency = |v: &ReportView| settings.urgency_rank(&v.row.urgency);
        let key_a = (done(a), !a.overdue);
        let key_b = (done(b), !b.overdue);
        key_a.cmp(&key_b).then_with(|| match order {
            Order::Urgency => urgency(a)
                .cmp(&urgency(b))
                .then_with(|| a.row.due_date.cmp(&b.row.due_date)),
            Order::DueDate => a
                .row
                .due_date
                .cmp(&b.row.due_date)
                .then_with(|| urgency(a).cmp(&urgency(b))),
        })
    });
    let title = match principal.role {
        Role::Coordinamento | Role::Interfaccia => "Coda delle segnalazioni",
        Role::Questura | Role::Prefettura => "Segnalazioni indirizzate al tuo ente",
        _ => "Le segnalazioni della tua organizzazione",
    };
    Page::for_user(&state, &principal, title, "/segnalazioni")
        .with("reports", &views)
        .with("by_due_date", &(order == Order::DueDate))
        .with("can_file", &principal.can(Action::FileReport))
        .render(&state, "reports.html")
}
