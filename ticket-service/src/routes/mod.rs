//! HTTP: the route table and the layers around it. Handlers extract, call, render.

mod account_link;
mod admin_audit;
mod admin_organisations;
mod admin_user;
mod admin_users;
mod appointment_day;
mod appointment_plans;
mod appointments;
mod assets;
mod assignment;
mod booking_files;
mod booking_moves;
mod calendar_feeds;
mod dashboard;
mod demo_routes;
mod faq_drafts;
mod feedback;
mod forgotten_password;
mod health;
pub(crate) mod login;
mod monitoring;
mod outcome;
mod own_sessions;
mod page_counter;
mod path_id;
mod profile;
mod reauthentication;
pub(crate) mod reports;
mod second_factor;
mod statistics;
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
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use crate::auth::session::load_session;
use crate::config::ReportSettings;
use crate::error::AppError;
use crate::middleware::error_pages::{REQUEST_ID_HEADER, error_pages};
use crate::middleware::request_id::{ClientRequestId, set_aside_client_request_id};
use crate::middleware::security_headers::security_headers;
use crate::paths;
use crate::state::AppState;

/// The whole service: the public routes and the pages, inside the layers every request
/// passes.
pub fn router(state: AppState) -> Router {
    let routes = public_routes(&state).merge(pages(&state));
    with_outer_layers(routes, state)
}

/// What answers without a session: the health check, the demo's route list, the portal's
/// feedback form, the stylesheet, the private calendar feeds (by their secret address) and
/// the theme's static files.
fn public_routes(state: &AppState) -> Router<AppState> {
    let mut router = Router::new()
        .route(paths::HEALTH, get(health::check))
        .route(paths::READY, get(health::ready));
    if state.demo.is_some() {
        router = router.route(paths::ROUTE_LIST, get(demo_routes::list));
    }
    router
        .route(paths::STYLESHEET, get(assets::stylesheet))
        .route(paths::CALENDAR_FEED, get(calendar_feeds::feed))
        .merge(feedback::portal_form())
        .route(paths::PAGE_COUNTER, get(page_counter::count))
        .nest_service(paths::STATIC, ServeDir::new(&state.settings.static_dir))
}

/// Every page, each request with its session loaded; bodies are held to `max_body_bytes`
/// except where files are uploaded.
fn pages(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(account_pages())
        .merge(administration())
        .merge(report_pages())
        .merge(batches_and_topics())
        .merge(appointment_pages())
        .merge(feedback::pages())
        .merge(statistics_pages())
        .fallback(not_found)
        .layer(RequestBodyLimitLayer::new(state.settings.max_body_bytes))
        .merge(uploads(&state.settings.reports))
        .layer(from_fn_with_state(state.clone(), load_session))
}

/// Logging in and out, one-time links, and what a user does with their own account.
fn account_pages() -> Router<AppState> {
    Router::new()
        .route(paths::HOME, get(dashboard::show))
        .route(paths::LOGIN, get(login::form).post(login::submit))
        .route(
            paths::LOGIN_CODE,
            get(second_factor::code_form).post(second_factor::code_submit),
        )
        .route(paths::LOGOUT, post(login::logout))
        .route(
            paths::FORGOTTEN_PASSWORD,
            get(forgotten_password::form).post(forgotten_password::submit),
        )
        .route(
            paths::ACTIVATION,
            get(account_link::show_activation).post(account_link::submit_activation),
        )
        .route(
            paths::RESET,
            get(account_link::show_reset).post(account_link::submit_reset),
        )
        .route(paths::PROFILE, get(profile::show))
        .route(
            paths::CHANGE_PASSWORD,
            get(profile::password_form).post(profile::change_password),
        )
        .route(paths::MAIL_CHOICE, post(profile::set_mail_choice))
        .route(paths::OWN_SESSIONS, get(own_sessions::list))
        .route(paths::END_OTHER_SESSIONS, post(own_sessions::end_others))
        .route(paths::END_SESSION, post(own_sessions::end_one))
        .route(
            paths::SECOND_FACTOR,
            get(second_factor::enrol_form).post(second_factor::enrol_submit),
        )
        .route(
            paths::REPLACE_SECOND_FACTOR,
            get(second_factor::replace_form),
        )
        .route(
            paths::REAUTHENTICATION,
            get(reauthentication::form).post(reauthentication::submit),
        )
}

/// Users, organisations and the audit log.
fn administration() -> Router<AppState> {
    Router::new()
        .route(paths::USERS, get(admin_users::list))
        .route(
            paths::NEW_USER,
            get(admin_users::new_form).post(admin_users::create),
        )
        .route(paths::USER, get(admin_user::show))
        .route(paths::USER_ROLE, post(admin_user::change_role))
        .route(paths::USER_DISABLE, post(admin_user::disable))
        .route(paths::USER_LINK, post(admin_user::send_link))
        .route(paths::ORGANISATIONS, get(admin_organisations::list))
        .route(
            paths::NEW_ORGANISATION,
            get(admin_organisations::new_form).post(admin_organisations::create),
        )
        .route(
            paths::ORGANISATION,
            get(admin_organisations::show).post(admin_organisations::update),
        )
        .route(paths::AUDIT, get(admin_audit::list))
        .route(paths::AUDIT_EXPORT, get(admin_audit::export))
}

/// Reports: the lists, the form (its submission is among the uploads), one report and what is
/// done to it, and the notifications about them.
fn report_pages() -> Router<AppState> {
    Router::new()
        .route(paths::REPORTS, get(reports::list::list))
        .route(paths::NEW_REPORT, get(reports::filing::new_form))
        .route(paths::CONFIRM_REPORT, post(reports::filing::confirm))
        .route(paths::REPORT_SEARCH, get(reports::search::search))
        .route(
            paths::REPORT_SEARCH_CITIZEN,
            post(reports::search::search_citizen),
        )
        .route(paths::REPORT, get(reports::detail::show))
        .route(paths::REPORT_ACTION, post(reports::actions::apply))
        .route(paths::REPORT_NOTE, post(reports::actions::add_note))
        .route(paths::REPORT_TOPIC, post(reports::actions::set_topic))
        .route(
            paths::REPORT_ATTACHMENT,
            get(reports::attachments::download),
        )
        .route(paths::NOTIFICATIONS, get(reports::notifications::list))
        .route(
            paths::NOTIFICATIONS_READ,
            post(reports::notifications::mark_all_read),
        )
}

/// Booking appointments at the Prefettura's citizenship office.
fn appointment_pages() -> Router<AppState> {
    Router::new()
        .route(paths::APPOINTMENTS, get(appointments::page))
        .route(paths::BOOKING_REVIEW, post(appointments::review))
        .route(paths::BOOKING_CONFIRM, post(appointments::confirm))
        .route(paths::BOOKING, get(appointments::receipt))
        .route(paths::BOOKING_CALENDAR, get(booking_files::calendar_file))
        .route(paths::BOOKING_PDF, get(booking_files::receipt_pdf))
        .route(paths::APPOINTMENTS_DAY, get(appointment_day::page))
        .route(paths::BOOKING_ATTENDANCE, post(appointment_day::mark))
        .route(paths::BOOKING_CANCEL, post(appointments::cancel))
        .route(
            paths::APPOINTMENT_KINDS,
            get(appointment_plans::list).post(appointment_plans::review),
        )
        .route(
            paths::NEW_APPOINTMENT_KIND,
            get(appointment_plans::new_form),
        )
        .route(paths::APPOINTMENT_KIND, get(appointment_plans::edit_form))
        .route(paths::APPOINTMENT_KIND_SAVE, post(appointment_plans::save))
        .route(
            paths::BOOKING_MOVE,
            get(booking_moves::page).post(booking_moves::review),
        )
        .route(paths::BOOKING_MOVE_CONFIRM, post(booking_moves::confirm))
        .route(
            paths::CALENDAR_FEED_PAGE,
            get(calendar_feeds::page).post(calendar_feeds::create),
        )
        .route(paths::CALENDAR_FEED_REVOKE, post(calendar_feeds::revoke))
}

/// The network's statistics and their downloads.
fn statistics_pages() -> Router<AppState> {
    Router::new()
        .route(paths::STATISTICS, get(statistics::page))
        .route(paths::STATISTICS_CSV, get(statistics::aggregates_csv))
        .route(paths::STATISTICS_REPORTS_CSV, get(statistics::reports_csv))
}

/// The batches carried to the Questura and Prefettura, and the topics reports are filed under.
fn batches_and_topics() -> Router<AppState> {
    Router::new()
        .route(
            paths::BATCHES,
            get(reports::batches::list).post(reports::batches::create),
        )
        .route(paths::BATCH, get(reports::batches::show))
        .route(paths::BATCH_PDF, get(reports::batches::pdf))
        .route(
            paths::BATCH_FORWARDED,
            post(reports::batches::mark_forwarded),
        )
        .route(paths::READERSHIP, get(page_counter::readership))
        .route(
            paths::MONITORING,
            get(monitoring::form).post(monitoring::export),
        )
        .route(paths::FAQ_DRAFTS, get(faq_drafts::list))
        .route(paths::FAQ_DRAFT, post(faq_drafts::start))
        .route(paths::FAQ_EXPORT, post(faq_drafts::export))
        .route(paths::TOPICS, get(topics::list))
        .route(paths::NEW_TOPIC, get(topics::new_form).post(topics::create))
        .route(paths::TOPIC, get(topics::edit_form).post(topics::update))
}

/// Attachments are the one place where a large body is expected; the limit there is the
/// attachment size (times the files the report form takes) plus room for the other fields.
fn uploads(settings: &ReportSettings) -> Router<AppState> {
    let max_file = settings.attachment_max_bytes;
    let upload_limit = max_file + 64 * 1024;
    let attachments = Router::new()
        .route(
            paths::REPORT_ATTACHMENTS,
            post(reports::attachments::upload),
        )
        .layer(DefaultBodyLimit::max(upload_limit))
        .layer(RequestBodyLimitLayer::new(upload_limit));
    let form_limit = max_file * crate::app::reports::filing::MAX_DRAFT_FILES + 64 * 1024;
    let report_form = Router::new()
        .route(paths::NEW_REPORT, post(reports::filing::review))
        .layer(DefaultBodyLimit::max(form_limit))
        .layer(RequestBodyLimitLayer::new(form_limit));
    attachments.merge(report_form)
}

/// The layers every request passes, the first listed outermost: the client's request id set
/// aside, ours set, the request traced and its id returned, the security headers, the error
/// pages, and a panic turned into an error page.
fn with_outer_layers(routes: Router<AppState>, state: AppState) -> Router {
    let request_id = HeaderName::from_static(REQUEST_ID_HEADER);
    routes
        .layer(
            ServiceBuilder::new()
                .layer(from_fn(set_aside_client_request_id))
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(request_span))
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(from_fn_with_state(state.clone(), security_headers))
                .layer(from_fn_with_state(state.clone(), error_pages))
                .layer(CatchPanicLayer::new()),
        )
        .with_state(state)
}

/// The span a request is logged in: method, loggable path and both request ids.
fn request_span<B>(request: &Request<B>) -> tracing::Span {
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
}

/// The path as it may be logged: without the query string, and without the secret token of
/// activation and reset links and of private calendar feeds (ASVS 7.1.1).
fn loggable_path(path: &str) -> &str {
    for prefix in [
        paths::ACTIVATION_PREFIX,
        paths::RESET_PREFIX,
        paths::CALENDAR_FEED_PREFIX,
    ] {
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
        assert_eq!(loggable_path("/calendario/abcdef.ics"), "/calendario/");
        assert_eq!(loggable_path("/admin/utenti"), "/admin/utenti");
    }
}
