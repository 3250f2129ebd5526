//! `POST /feedback`: the forms of the public portal ("Questa pagina ti è stata utile?" on every
//! page, and the accessibility report), answered with a plain page that leads back to the
//! portal; `GET /riscontri` and `/riscontri/pagine`: what readers sent, for the coordination.
//! The use cases are in `app::feedback`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Query, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::civil::Date;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tower_http::limit::RequestBodyLimitLayer;

use crate::app::feedback::{self, Outcome, Sent, Timing};
use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::db::feedback::{FeedbackRow, PageCounts};
use crate::domain::feedback::{
    FeedbackForm, FeedbackKind, ITEM_STEPS, SUBMIT_FIELD, item_state_label, page_address,
};
use crate::domain::permissions::{self, Action};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pagination::{PageQuery, PageRequest};
use crate::paths;
use crate::routes::outcome::OutcomeQuery;
use crate::routes::path_id::PathId;
use crate::state::AppState;
use crate::templates::Page;

/// The largest form the portal sends: the longest texts allowed, percent-encoded, fit in it.
const BODY_LIMIT: usize = 32 * 1024;

/// `POST /feedback`, outside the session layer: the portal's readers have no session.
pub fn portal_form() -> Router<AppState> {
    Router::new()
        .route(paths::FEEDBACK, post(send))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
}

/// The coordination's pages.
pub fn pages() -> Router<AppState> {
    Router::new()
        .route(paths::FEEDBACK_LIST, get(to_read))
        .route(paths::FEEDBACK_PAGES, get(counts))
        .route(paths::FEEDBACK_ITEM, post(move_item))
}

/// A URL-encoded form sent from the portal, which is another origin: unlike [`CsrfForm`] it
/// asks for no session and no token. The portal is static and can hold no token of ours, and a
/// forged submission gains nothing one needs to stop: it acts for nobody and only adds an
/// anonymous row, which the per-address limit, the body limit and the trap field bound.
///
/// [`CsrfForm`]: crate::auth::csrf::CsrfForm
pub struct PortalForm<T>(pub T);

impl<S, T> FromRequest<S> for PortalForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::UnsupportedMediaType);
        }
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| AppError::BodyRejected(rejection.status()))?;
        let form = serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadForm)?;
        Ok(PortalForm(form))
    }
}

pub async fn send(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    PortalForm(form): PortalForm<FeedbackForm>,
) -> Result<Response, AppError> {
    let sent = feedback::send(&state, client, &form).await?;
    render_sent(&state, sent, &form)
}

/// The page after a form: thanks, the form to confirm or again with its errors, or the
/// request to wait.
fn render_sent(state: &AppState, sent: Sent, form: &FeedbackForm) -> Result<Response, AppError> {
    let Sent { outcome, back } = sent;
    let page = Page::anonymous(state, "", None).with("back", &back);
    let (status, title, template, page) = match outcome {
        Outcome::Thanked {
            kind,
            reply_expected,
        } => (
            StatusCode::OK,
            thanks_title(kind),
            "feedback_sent.html",
            page.with("kind", &kind.as_str())
                .with("reply_expected", &reply_expected)
                .with("limited", &false),
        ),
        Outcome::Review {
            kind,
            token,
            timing,
        } => {
            let errors = timing_errors(timing);
            let status = if errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let page = form_page(page, kind, form, &token, &errors).with("review", &true);
            (status, review_title(kind), "feedback_form.html", page)
        }
        Outcome::Invalid {
            kind,
            errors,
            token,
        } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            form_title(kind),
            "feedback_form.html",
            form_page(page, kind, form, &token, &errors).with("review", &false),
        ),
        Outcome::TooMany => (
            StatusCode::TOO_MANY_REQUESTS,
            "Troppi invii in poco tempo",
            "feedback_sent.html",
            page.with("kind", &"").with("limited", &true),
        ),
    };
    let page = page.with("page_title", &title);
    Ok((status, page.render(state, template)?).into_response())
}

/// The service's own form of `kind`, with what the reader sent.
fn form_page(
    page: Page,
    kind: FeedbackKind,
    form: &FeedbackForm,
    token: &str,
    errors: &FormErrors,
) -> Page {
    page.with("kind", &kind.as_str())
        .with("form", form)
        .with("token", &token)
        .errors(errors)
}

/// The message of a confirmation sent too soon or too late, on the button that sends it.
fn timing_errors(timing: Option<Timing>) -> FormErrors {
    let mut errors = FormErrors::default();
    match timing {
        Some(Timing::TooSoon) => errors.add(
            SUBMIT_FIELD,
            "Il modulo è stato inviato troppo presto: attendi qualche secondo e invia di nuovo. Quanto hai scritto è ancora qui.",
        ),
        Some(Timing::Expired) => errors.add(
            SUBMIT_FIELD,
            "Il modulo è scaduto, invia di nuovo: quanto hai scritto è ancora qui, controllalo e premi il pulsante di invio.",
        ),
        None => {}
    }
    errors
}

fn review_title(kind: FeedbackKind) -> &'static str {
    match kind {
        FeedbackKind::Page => "Grazie: vuoi aggiungere un commento?",
        FeedbackKind::Accessibility => "Controlla e invia",
    }
}

fn thanks_title(kind: FeedbackKind) -> &'static str {
    match kind {
        FeedbackKind::Page => "Grazie per il tuo parere",
        FeedbackKind::Accessibility => "Segnalazione ricevuta",
    }
}

fn form_title(kind: FeedbackKind) -> &'static str {
    match kind {
        FeedbackKind::Page => "Il tuo parere sulla pagina",
        FeedbackKind::Accessibility => "Segnala un problema di accessibilità",
    }
}

/// One entry of the list, as the page shows it.
#[derive(Serialize)]
struct EntryView {
    day: String,
    day_iso: String,
    accessibility: bool,
    useful: Option<bool>,
    page: String,
    /// The page's address on the portal; none for what a reader typed.
    page_url: Option<String>,
    comment: String,
    reply_email: Option<String>,
    due: Option<String>,
    due_iso: Option<String>,
    overdue: bool,
    id: i64,
    state: Option<String>,
    state_label: &'static str,
    /// The state the item may go to next, and the button that moves it.
    next_to: Option<&'static str>,
    next_label: Option<&'static str>,
}

fn italian(day: Date) -> String {
    day.strftime("%d/%m/%Y").to_string()
}

fn entry_view(row: FeedbackRow, base_url: &str, today: Date) -> EntryView {
    let accessibility = row.kind == FeedbackKind::Accessibility;
    let next = ITEM_STEPS
        .iter()
        .find(|(from, _, _)| row.state.as_deref() == Some(*from));
    // Only a path the service checked becomes a link; what a reader typed stays text.
    let page_url =
        (!accessibility && !base_url.is_empty()).then(|| page_address(base_url, &row.page));
    EntryView {
        day: italian(row.day),
        day_iso: row.day.to_string(),
        accessibility,
        useful: row.useful,
        page: row.page,
        page_url,
        comment: row.comment,
        reply_email: row.reply_email,
        due: row.due_date.map(italian),
        due_iso: row.due_date.map(|day| day.to_string()),
        // Only a report still waiting for its answer can be late.
        overdue: row.state.as_deref() == Some("aperta")
            && row.due_date.is_some_and(|due| due < today),
        state_label: row.state.as_deref().map_or("", item_state_label),
        next_to: next.map(|(_, to, _)| *to),
        next_label: next.map(|(_, _, label)| *label),
        id: row.id,
        state: row.state,
    }
}

/// `GET /riscontri`: accessibility reports with their due dates, then comments on pages.
pub async fn to_read(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<PageQuery>,
    Query(outcome): Query<OutcomeQuery>,
) -> Result<Html<String>, AppError> {
    let request = PageRequest::new(&query, state.settings.page_size);
    let paged = feedback::to_read(&state, &principal, request).await?;
    let pages = paged.links(paths::FEEDBACK_LIST, &[]);
    let base_url = state.site.base_url.as_deref().unwrap_or("");
    let today = state.clock.today();
    let entries: Vec<EntryView> = paged
        .rows
        .into_iter()
        .map(|row| entry_view(row, base_url, today))
        .collect();
    Page::for_user(
        &state,
        &principal,
        "Riscontri dal portale",
        paths::FEEDBACK_LIST,
    )
    .with("entries", &entries)
    .with("pages", &pages)
    .with(
        "may_handle",
        &permissions::allows(principal.role, Action::HandleFeedback),
    )
    .outcome(outcome.message(&[
        ("risposta", "Segnalazione segnata come risposta."),
        ("chiusa", "Segnalazione chiusa."),
    ]))
    .render(&state, "feedback_list.html")
}

#[derive(Serialize)]
struct CountsView {
    page: String,
    page_url: Option<String>,
    useful: i64,
    not_useful: i64,
}

/// `GET /riscontri/pagine`: how many readers found each page useful, and how many did not.
pub async fn counts(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<PageQuery>,
) -> Result<Html<String>, AppError> {
    let request = PageRequest::new(&query, state.settings.page_size);
    let paged = feedback::counts(&state, &principal, request).await?;
    let pages = paged.links(paths::FEEDBACK_PAGES, &[]);
    let base_url = state.site.base_url.as_deref().unwrap_or("");
    let counts: Vec<CountsView> = paged
        .rows
        .into_iter()
        .map(
            |PageCounts {
                 page,
                 useful,
                 not_useful,
             }| CountsView {
                page_url: (!base_url.is_empty()).then(|| page_address(base_url, &page)),
                page,
                useful,
                not_useful,
            },
        )
        .collect();
    Page::for_user(
        &state,
        &principal,
        "Pareri per pagina",
        paths::FEEDBACK_PAGES,
    )
    .with("counts", &counts)
    .with("pages", &pages)
    .render(&state, "feedback_pages.html")
}

/// The step form of an accessibility report: the state the page showed, and the next one.
#[derive(Debug, Deserialize)]
pub struct ItemStep {
    from: String,
    to: String,
}

/// `POST /riscontri/{id}/stato`: the report answered or closed; back to the list.
pub async fn move_item(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    CsrfForm(step): CsrfForm<ItemStep>,
) -> Result<Response, AppError> {
    feedback::move_item(&state, &principal, id, &step.from, &step.to).await?;
    Ok(Redirect::to(&paths::with_outcome(paths::FEEDBACK_LIST, &step.to)).into_response())
}
