//! `GET /`: the home page of the reserved area, listing what the user's role may do.

use axum::extract::State;
use axum::response::Html;
use serde::Serialize;

use crate::app::reports::similar;
use crate::auth::principal::Principal;
use crate::domain::permissions::{self, Action};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::templates::Page;

/// The share of reports filed after the "similar questions" step showed something.
#[derive(Serialize)]
struct SimilarShare {
    shown: i64,
    filed: i64,
    percent: i64,
}

impl SimilarShare {
    fn new((shown, filed): (i64, i64)) -> Self {
        let percent = if filed == 0 {
            0
        } else {
            (shown * 100 + filed / 2) / filed
        };
        SimilarShare {
            shown,
            filed,
            percent,
        }
    }
}

#[derive(Serialize)]
struct ActionItem {
    label: &'static str,
    url: Option<&'static str>,
}

/// The page that performs an action, for actions that have one already.
fn page_of(action: Action) -> Option<&'static str> {
    match action {
        Action::ManageOwnAccount => Some(paths::PROFILE),
        Action::FileReport => Some(paths::NEW_REPORT),
        Action::ViewOwnReports | Action::ViewAllReports | Action::ViewAddressedReports => {
            Some(paths::REPORTS)
        }
        Action::ForwardReports => Some(paths::BATCHES),
        Action::AnswerReports | Action::ValidateAnswers => Some(paths::REPORTS),
        Action::ManageUsers => Some(paths::USERS),
        Action::ViewOrganisations => Some(paths::ORGANISATIONS),
        Action::ReadAuditLog => Some(paths::AUDIT),
        Action::BookAppointments => Some(paths::APPOINTMENTS),
        Action::ManageAppointments => Some(paths::APPOINTMENTS_DAY),
        Action::PlanAppointments => Some(paths::APPOINTMENT_KINDS),
        Action::SearchInternalNotes | Action::SearchCitizens => Some(paths::REPORT_SEARCH),
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
    let similar = if principal.can(Action::ViewStatistics) {
        Some(SimilarShare::new(similar::shown_share(&state).await?))
    } else {
        None
    };
    Page::for_user(&state, &principal, "Area riservata", paths::HOME)
        .with("actions", &actions)
        .with("similar", &similar)
        .render(&state, "dashboard.html")
}
