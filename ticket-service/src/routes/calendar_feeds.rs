//! The private calendar: `/appuntamenti/calendario-privato`, where a Prefettura user makes,
//! makes again or revokes their secret address, and `/calendario/{secret}.ics`, the feed that
//! calendar programs read without logging in.

use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;

use crate::app::calendar_feeds;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::error::AppError;
use crate::paths;
use crate::routes::outcome::OutcomeQuery;
use crate::state::AppState;
use crate::templates::Page;

/// `GET /appuntamenti/calendario-privato`: whether the user has an address, and the buttons.
pub async fn page(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<OutcomeQuery>,
) -> Result<Response, AppError> {
    let message = query.message(&[(
        "revocato",
        "Indirizzo revocato: i programmi di calendario che lo usavano non ricevono più gli appuntamenti.",
    )]);
    feed_page(&state, &principal, None, message).await
}

/// `POST /appuntamenti/calendario-privato`: a new address, shown once; the old one stops.
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let address = calendar_feeds::create(&state, &principal).await?;
    feed_page(&state, &principal, Some(&address), None).await
}

/// `POST /appuntamenti/calendario-privato/revoca`: the address stops working.
pub async fn revoke(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    calendar_feeds::revoke(&state, &principal).await?;
    let page = paths::with_outcome(paths::CALENDAR_FEED_PAGE, "revocato");
    Ok(Redirect::to(&page).into_response())
}

async fn feed_page(
    state: &AppState,
    principal: &Principal,
    address: Option<&str>,
    message: Option<&str>,
) -> Result<Response, AppError> {
    let since = calendar_feeds::status(state, principal).await?.map(|at| {
        let at = Timestamp::from_second(at).unwrap_or(Timestamp::UNIX_EPOCH);
        let local = at.to_zoned(crate::clock::rome());
        local.strftime("%d/%m/%Y alle %H:%M").to_string()
    });
    Page::for_user(
        state,
        principal,
        "Calendario privato",
        paths::CALENDAR_FEED_PAGE,
    )
    .with("address", &address)
    .with("since", &since)
    .outcome(message)
    .render(state, "calendar_feed.html")
    .map(IntoResponse::into_response)
}

/// `GET /calendario/{secret}.ics`: the coming appointments, or 404 for an unknown address.
pub async fn feed(
    State(state): State<AppState>,
    Path(secret): Path<String>,
) -> Result<Response, AppError> {
    let calendar = calendar_feeds::feed(&state, &secret).await?;
    let headers = [
        (CONTENT_TYPE, "text/calendar; charset=utf-8"),
        (CACHE_CONTROL, "private, no-store"),
    ];
    Ok((headers, calendar).into_response())
}
