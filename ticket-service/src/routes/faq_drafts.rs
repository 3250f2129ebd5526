//! `/faq`: the coordination turns answered reports into anonymised FAQ drafts of the portal.
//! The list of answered reports, the editor's page (question, answer, topic, and what the
//! anonymiser removed), and the export. The use cases are in `app::faq_export`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;

use crate::app::faq_export::{self, DraftForm, Exported, Review};
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::clock::{italian_date, local_date};
use crate::db::faq_exports::CandidateRow;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::state::AppState;
use crate::templates::Page;

#[derive(Serialize)]
struct CandidateView {
    #[serde(flatten)]
    row: CandidateRow,
    /// The day of the validation, as people read it.
    validated: Option<String>,
}

/// The list of answered reports, with the list's errors.
async fn render_list(
    state: &AppState,
    principal: &Principal,
    errors: &FormErrors,
) -> Result<Html<String>, AppError> {
    let rows: Vec<CandidateView> = faq_export::candidates(state, principal)
        .await?
        .into_iter()
        .map(|row| CandidateView {
            validated: row
                .validated_at
                .map(|at| italian_date(&local_date(at).to_string())),
            row,
        })
        .collect();
    Page::for_user(state, principal, "Bozze delle FAQ", paths::FAQ_DRAFTS)
        .with("candidates", &rows)
        .errors(errors)
        .render(state, "faq_candidates.html")
}

pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Html<String>, AppError> {
    render_list(&state, &principal, &FormErrors::default()).await
}

/// The editor's page; 422 when it comes back with errors or with more removed.
async fn render_review(
    state: &AppState,
    principal: &Principal,
    review: &Review,
) -> Result<Response, AppError> {
    let topics = faq_export::topic_options(state).await?;
    let html = Page::for_user(state, principal, "Bozza di FAQ", paths::FAQ_DRAFTS)
        .with("review", review)
        .with("topics", &topics)
        .errors(&review.errors)
        .render(state, "faq_draft.html")?;
    let refused = !review.errors.is_empty() || review.scrubbed_again;
    let status = if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, html).into_response())
}

pub async fn start(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form = DraftForm::from_pairs(&pairs)?;
    match faq_export::start(&state, &principal, form).await? {
        Ok(review) => render_review(&state, &principal, &review).await,
        Err(message) => {
            let mut errors = FormErrors::default();
            errors.add("report", message);
            let html = render_list(&state, &principal, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

pub async fn export(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form = DraftForm::from_pairs(&pairs)?;
    match faq_export::export(&state, &principal, form).await? {
        Exported::Written { path, review } => {
            let html = Page::for_user(&state, &principal, "Bozza esportata", paths::FAQ_DRAFTS)
                .with("path", &path)
                .with("review", &review)
                .render(&state, "faq_exported.html")?;
            Ok(html.into_response())
        }
        Exported::Refused(review) => render_review(&state, &principal, &review).await,
    }
}
