//! `/appuntamenti/giornata`: the Prefettura's list of the day's appointments, printable, with
//! the buttons that record whether each person came.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use crate::app::appointments;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::error::AppError;
use crate::paths;
use crate::routes::appointments::long_day;
use crate::routes::path_id::PathId;
use crate::state::AppState;
use crate::templates::Page;

#[derive(Deserialize, Default)]
pub struct DayQuery {
    #[serde(rename = "data")]
    day: Option<String>,
}

/// One appointment of the day as the list shows it.
#[derive(Serialize)]
struct Row {
    time: String,
    kind: String,
    person: String,
    office: String,
    state: &'static str,
    attendance: String,
}

/// `GET /appuntamenti/giornata?data=AAAA-MM-GG`: the day's appointments, by time.
pub async fn page(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<DayQuery>,
) -> Result<Response, AppError> {
    let (day, bookings) = appointments::day_list(&state, &principal, query.day.as_deref()).await?;
    let rows: Vec<Row> = bookings
        .into_iter()
        .map(|booking| Row {
            time: booking.starts_at.strftime("%H:%M").to_string(),
            kind: booking.kind_name,
            person: booking.person_name,
            office: booking.organisation_name,
            state: match booking.state.as_str() {
                "presente" => "Presente",
                "assente" => "Assente",
                _ => "Atteso",
            },
            attendance: paths::booking_attendance(booking.id),
        })
        .collect();
    let (previous, next) = (day.yesterday().ok(), day.tomorrow().ok());
    let link =
        |date: Option<jiff::civil::Date>| date.map(|d| paths::appointments_day(&d.to_string()));
    Page::for_user(
        &state,
        &principal,
        "Appuntamenti del giorno",
        paths::APPOINTMENTS_DAY,
    )
    .with("day_label", &long_day(day))
    .with("rows", &rows)
    .with("previous", &link(previous))
    .with("next", &link(next))
    .render(&state, "appointments_day.html")
    .map(IntoResponse::into_response)
}

#[derive(Deserialize)]
pub struct AttendanceForm {
    #[serde(default, rename = "esito")]
    outcome: String,
}

/// `POST /appuntamenti/{id}/presenza`: records whether the person came.
pub async fn mark(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    CsrfForm(form): CsrfForm<AttendanceForm>,
) -> Result<Response, AppError> {
    let day = appointments::mark_attendance(&state, &principal, id, &form.outcome).await?;
    Ok(Redirect::to(&paths::appointments_day(&day.to_string())).into_response())
}
