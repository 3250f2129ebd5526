//! HTTP: the route table and the layers around it. Handlers extract, call, render.

mod account_link;
mod admin_audit;
mod admin_organisations;
mod admin_user;
mod admin_users;
mod assets;
mod assignment;
mod dashboard;
mod demo_routes;
mod forgotten_password;
mod health;
pub(crate) mod login;
mod own_sessions;
mod pagination;
mod path_id;
mod profile;
mod reauthentication;
pub(crate) mod reports;
mod second_factor;
mod topics;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

/// `?esito=…` on the page a form redirects to after it succeeded: which message to show.
#[derive(serde::Deserialize, Default)]
pub struct OutcomeQuery {
    #[serde(default)]
    pub esito: Option<String>,
}

impl OutcomeQuery {
    /// The text that `messages` (outcome, text) gives this query's outcome, if any.
    pub fn message(&self, messages: &[(&str, &'static str)]) -> Option<&'static str> {
        let esito = self.esito.as_deref()?;
        messages
            .iter()
            .find(|(code, _)| *code == esito)
            .map(|(_, text)| *text)
    }
}
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use crate::auth::session::load_session;
use crate::error::AppError;
use crate::middleware::error_pages::{REQUEST_ID_HEADER, error_pages};
use crate::middleware::request_id::{ClientRequestId, set_aside_client_request_id};
use crate::middleware::security_headers::security_headers;
use crate::startup::AppState;

pub fn router(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(dashboard::show))
        .route("/login", get(login::form).post(login::submit))
        .route(
            "/login/codice",
            get(second_factor::code_form).post(second_factor::code_submit),
        )
        .route("/logout", post(login::logout))
        .route(
            "/password-dimenticata",
            get(forgotten_password::form).post(forgotten_password::submit),
        )
        .route(
            "/attiva/{token}",
            get(account_link::show_activation).post(account_link::submit_activation),
        )
        .route(
            "/reimposta/{token}",
            get(account_link::show_reset).post(account_link::submit_reset),
        )
        .route("/profilo", get(profile::show))
        .route(
            "/profilo/password",
            get(profile::password_form).post(profile::change_password),
        )
        .route("/profilo/notifiche", post(profile::set_mail_choice))
        .route("/profilo/sessioni", get(own_sessions::list))
        .route(
            "/profilo/sessioni/termina-altre",
            post(own_sessions::end_others),
        )
        .route(
            "/profilo/sessioni/{number}/termina",
            post(own_sessions::end_one),
        )
        .route(
            "/profilo/verifica",
            get(second_factor::enrol_form).post(second_factor::enrol_submit),
        )
        .route(
            "/profilo/verifica/sostituisci",
            get(second_factor::replace_form),
        )
        .route("/admin/utenti", get(admin_users::list))
        .route(
            "/admin/utenti/nuovo",
            get(admin_users::new_form).post(admin_users::create),
        )
        .route("/admin/utenti/{id}", get(admin_user::show))
        .route("/admin/utenti/{id}/ruolo", post(admin_user::change_role))
        .route("/admin/utenti/{id}/disattiva", post(admin_user::disable))
        .route(
            "/admin/utenti/{id}/collegamento",
            post(admin_user::send_link),
        )
        .route("/admin/organizzazioni", get(admin_organisations::list))
        .route(
            "/admin/organizzazioni/nuova",
            get(admin_organisations::new_form).post(admin_organisations::create),
        )
        .route(
            "/admin/organizzazioni/{id}",
            get(admin_organisations::show).post(admin_organisations::update),
        )
        .route("/admin/audit", get(admin_audit::list))
        .route("/admin/audit/esporta", get(admin_audit::export))
        .route(
            "/conferma-identita",
            get(reauthentication::form).post(reauthentication::submit),
        )
        .route("/segnalazioni", get(reports::list::list))
        .route("/segnalazioni/nuova", get(reports::filing::new_form))
        .route("/segnalazioni/conferma", post(reports::filing::confirm))
        .route("/segnalazioni/{id}", get(reports::detail::show))
        .route("/segnalazioni/{id}/azione", post(reports::actions::apply))
        .route("/segnalazioni/{id}/nota", post(reports::actions::add_note))
        .route(
            "/segnalazioni/{id}/argomento",
            post(reports::actions::set_topic),
        )
        .route(
            "/segnalazioni/{id}/allegati/{attachment}",
            get(reports::attachments::download),
        )
        .route(
            "/lotti",
            get(reports::batches::list).post(reports::batches::create),
        )
        .route("/lotti/{id}", get(reports::batches::show))
        .route("/lotti/{id}/pdf", get(reports::batches::pdf))
        .route(
            "/lotti/{id}/consegnato",
            post(reports::batches::mark_forwarded),
        )
        .route("/argomenti", get(topics::list))
        .route(
            "/argomenti/nuovo",
            get(topics::new_form).post(topics::create),
        )
        .route(
            "/argomenti/{id}",
            get(topics::edit_form).post(topics::update),
        )
        .route("/notifiche", get(reports::notifications::list))
        .route(
            "/notifiche/lette",
            post(reports::notifications::mark_all_read),
        )
        .fallback(not_found)
        .layer(RequestBodyLimitLayer::new(state.settings.max_body_bytes));

    // Attachments are the one place where a large body is expected; the limit there is the
    // attachment size (times the files the report form takes) plus room for the other fields.
    let max_file = state.settings.reports.attachment_max_bytes;
    let upload_limit = max_file + 64 * 1024;
    let uploads = Router::new()
        .route(
            "/segnalazioni/{id}/allegati",
            post(reports::attachments::upload),
        )
        .layer(DefaultBodyLimit::max(upload_limit))
        .layer(RequestBodyLimitLayer::new(upload_limit));
    let form_limit = max_file * reports::filing::MAX_DRAFT_FILES + 64 * 1024;
    let report_form = Router::new()
        .route("/segnalazioni/nuova", post(reports::filing::review))
        .layer(DefaultBodyLimit::max(form_limit))
        .layer(RequestBodyLimitLayer::new(form_limit));

    let pages = pages
        .merge(uploads)
        .merge(report_form)
        .layer(from_fn_with_state(state.clone(), load_session));

    let request_id = HeaderName::from_static(REQUEST_ID_HEADER);
    let mut router = Router::new().route("/healthz", get(health::check));
    if state.demo.is_some() {
        router = router.route("/__routes", get(demo_routes::list));
    }
    router
        .route("/assets/tickets.css", get(assets::stylesheet))
        .nest_service("/static", ServeDir::new(&state.settings.static_dir))
        .merge(pages)
        .layer(
            ServiceBuilder::new()
                .layer(from_fn(set_aside_client_request_id))
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                        let id = request
                            .headers()
                            .get(REQUEST_ID_HEADER)
                            .and_then(|value| value.to_str().ok())
                            .unwrap_or("");
                        let client_id = request
                            .extensions()
                            .get::<ClientRequestId>()
                            .map(|client| client.0.as_str());
                        tracing::info_span!(
                            "request",
                            method = %request.method(),
                            path = loggable_path(request.uri().path()),
                            request_id = id,
                            client_request_id = client_id,
                        )
                    }),
                )
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(from_fn_with_state(state.clone(), security_headers))
                .layer(from_fn_with_state(state.clone(), error_pages))
                .layer(CatchPanicLayer::new()),
        )
        .with_state(state)
}

/// The path as it may be logged: without the query string, and without the secret token of
/// activation and reset links (ASVS 7.1.1).
fn loggable_path(path: &str) -> &str {
    for prefix in ["/attiva/", "/reimposta/"] {
        if path.starts_with(prefix) {
            return prefix;
        }
    }
    path
}

async fn not_found() -> AppError {
    AppError::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_tokens_never_reach_the_logs() {
        assert_eq!(loggable_path("/attiva/abcdef"), "/attiva/");
        assert_eq!(loggable_path("/reimposta/abcdef"), "/reimposta/");
        assert_eq!(loggable_path("/admin/utenti"), "/admin/utenti");
    }
}
