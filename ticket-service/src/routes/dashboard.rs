//! `GET /`: the home page of the reserved area, listing what the user's role may do.

use axum::extract::State;
use axum::response::Html;
use serde::Serialize;

use crate::auth::principal::Principal;
use crate::domain::permissions::{self, Action};
use crate::error::AppError;
use crate::startup::AppState;
use crate::templates::Page;

#[derive(Serialize)]
struct ActionItem {
    label: &'static str,
    url: Option<&'static str>,
}

/// The page that performs an action, for actions that have one already.
fn page_of(action: Action) -> Option<&'static str> {
    match action {
        Action::ManageOwnAccount => Some("/profilo"),
        Action::FileReport => Some("/segnalazioni/nuova"),
        Action::ViewOwnReports | Action::ViewAllReports | Action::ViewAddressedReports => {
            Some("/segnalazioni")
        }
        Action::ForwardReports => Some("/lotti"),
        Action::AnswerReports | Action::ValidateAnswers => Some("/segnalazioni"),
        Action::ManageUsers => Some("/admin/utenti"),
        Action::ViewOrganisations => Some("/admin/organizzazioni"),
        Action::ReadAuditLog => Some("/admin/audit"),
        _ => None,
    }
}

pub async fn show(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Html<String>, AppError> {
    principal.require(&state, Action::ViewDashboard).await?;
    let actions: Vec<ActionItem> = permissions::allowed_actions(principal.role)
        .into_iter()
        .filter(|action| *action != Action::ViewDashboard)
        .map(|action| ActionItem {
            label: action.label(),
            url: page_of(action),
        })
        .collect();
    Page::for_user(&state, &principal, "Area riservata", "/")
        .with("actions", &actions)
        .render(&state, "dashboard.html")
}
