//! `/appuntamenti/{id}/sposta`: an office moves a booking to another free time of its kind.
//! The days as links and the chosen day's times as radio buttons (no JavaScript), the review
//! page with the old and the new time, then the confirmation.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::app::appointments::QUOTA_REACHED;
use crate::app::booking_moves::{self, MoveOffer, MoveRefused};
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::routes::appointments::{long_when, offer_view};
use crate::routes::path_id::PathId;
use crate::state::AppState;
use crate::templates::Page;

#[derive(Deserialize, Default)]
pub struct MoveQuery {
    #[serde(rename = "giorno")]
    day: Option<String>,
}

/// The move form: the day shown and the time chosen.
#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    slot: String,
}

const TAKEN: &str = "Nel frattempo l'ultimo posto di quell'orario è stato preso: la prenotazione non è stata spostata e resta all'orario di prima. Scegli uno degli orari ancora liberi qui sotto.";

/// `GET /appuntamenti/{id}/sposta`: the free times of the booking's kind.
pub async fn page(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    Query(query): Query<MoveQuery>,
) -> Result<Response, AppError> {
    let offer = booking_moves::offer(&state, &principal, id).await?;
    let day = query.day.unwrap_or_default();
    let shown = Shown::plain(&day);
    move_page(&state, &principal, &offer, &shown)
}

/// `POST /appuntamenti/{id}/sposta`: the review of the move, or the times again.
pub async fn review(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> Result<Response, AppError> {
    let (offer, checked) = booking_moves::check(&state, &principal, id, &form.slot).await?;
    match checked {
        Ok(to) => Page::for_user(
            &state,
            &principal,
            "Controlla lo spostamento",
            paths::APPOINTMENTS,
        )
        .with("booking", &offer.booking)
        .with("old_when", &long_when(offer.booking.starts_at))
        .with("new_when", &long_when(to))
        .with("slot", &to.to_string())
        .with("confirm", &paths::booking_move_confirm(id))
        .with("back", &paths::booking_move(id))
        .render(&state, "booking_move_review.html")
        .map(IntoResponse::into_response),
        Err(refused) => refused_page(&state, &principal, &offer, &form.day, &refused),
    }
}

/// `POST /appuntamenti/{id}/sposta/conferma`: moves, or shows the times again.
pub async fn confirm(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> Result<Response, AppError> {
    let (offer, moved) = booking_moves::confirm(&state, &principal, id, &form.slot).await?;
    match moved {
        Ok(()) => {
            let receipt = paths::with_outcome(&paths::booking(id), "spostato");
            Ok(Redirect::to(&receipt).into_response())
        }
        Err(refused) => refused_page(&state, &principal, &offer, &form.day, &refused),
    }
}

/// How the page of times is shown: the day, the errors, a message and the status.
struct Shown<'a> {
    day: &'a str,
    errors: FormErrors,
    message: Option<&'static str>,
    status: StatusCode,
}

impl<'a> Shown<'a> {
    fn plain(day: &'a str) -> Self {
        Shown {
            day,
            errors: FormErrors::default(),
            message: None,
            status: StatusCode::OK,
        }
    }
}

fn refused_page(
    state: &AppState,
    principal: &Principal,
    offer: &MoveOffer,
    day: &str,
    refused: &MoveRefused,
) -> Result<Response, AppError> {
    let shown = match refused {
        MoveRefused::Invalid(errors) => Shown {
            errors: errors.clone(),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            ..Shown::plain(day)
        },
        MoveRefused::Full => Shown {
            message: Some(TAKEN),
            status: StatusCode::CONFLICT,
            ..Shown::plain(day)
        },
        MoveRefused::QuotaReached => Shown {
            message: Some(QUOTA_REACHED),
            status: StatusCode::CONFLICT,
            ..Shown::plain(day)
        },
    };
    move_page(state, principal, offer, &shown)
}

fn move_page(
    state: &AppState,
    principal: &Principal,
    offer: &MoveOffer,
    shown: &Shown<'_>,
) -> Result<Response, AppError> {
    let id = offer.booking.id;
    let first = offer.free.first().map(|slot| slot.start.date().to_string());
    let day = match shown.day.parse::<jiff::civil::Date>() {
        Ok(_) => shown.day.to_owned(),
        Err(_) => first.unwrap_or_default(),
    };
    let link = |day: &str| format!("{}?giorno={day}", paths::booking_move(id));
    let view = offer_view(&offer.kind, &offer.free, &day, &link);
    let html = Page::for_user(
        state,
        principal,
        "Sposta la prenotazione",
        paths::APPOINTMENTS,
    )
    .with("booking", &offer.booking)
    .with("when", &long_when(offer.booking.starts_at))
    .with("offer", &view)
    .with("day", &day)
    .with("action", &paths::booking_move(id))
    .with("receipt", &paths::booking(id))
    .errors(&shown.errors)
    .outcome(shown.message)
    .render(state, "booking_move.html")?;
    Ok((shown.status, html).into_response())
}
