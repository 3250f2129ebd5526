//! `/contatore`: the image every page of the portal asks, which counts the view; and
//! `/letture`, where the coordination reads the most read pages and the views of each day.
//! The image answers without a session and sets no cookie.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, USER_AGENT};
use axum::response::{Html, IntoResponse, Response};

use crate::app::page_counter::{self, ViewQuery};
use crate::auth::client_ip::ClientIp;
use crate::auth::principal::Principal;
use crate::clock::italian_date;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::templates::Page;

/// A transparent GIF of one pixel.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// Counts the view when it counts, and answers the image whatever happened, so a page never
/// shows a broken image; a failure is only logged.
pub async fn count(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Query(query): Query<ViewQuery>,
) -> Response {
    let agent = headers
        .get(USER_AGENT)
        .and_then(|value| value.to_str().ok());
    if let Err(error) = page_counter::view(&state, client, agent, &query).await {
        tracing::error!(%error, "page view not counted");
    }
    // Never cached: each view of a page asks again.
    (
        [(CONTENT_TYPE, "image/gif"), (CACHE_CONTROL, "no-store")],
        PIXEL,
    )
        .into_response()
}

pub async fn readership(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Html<String>, AppError> {
    let mut readership = page_counter::readership(&state, &principal).await?;
    for day in &mut readership.days {
        day.day = italian_date(&day.day);
    }
    let since = italian_date(&readership.since);
    Page::for_user(&state, &principal, "Letture del portale", paths::READERSHIP)
        .with("readership", &readership)
        .with("since", &since)
        .render(&state, "readership.html")
}
