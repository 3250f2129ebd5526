//! The files of a booking's receipt: the event for a calendar program (RFC 5545) and the
//! printable receipt as a tagged PDF (PDF/UA-1, as the batch PDF).

use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use crate::app::appointments;
use crate::auth::principal::Principal;
use crate::db::appointments::BookingRow;
use crate::error::AppError;
use crate::export::pdf::{self, Block};
use crate::routes::appointments::long_when;
use crate::routes::path_id::PathId;
use crate::state::AppState;

use crate::app::appointments::PLACE;

/// `GET /appuntamenti/{id}/calendario.ics`: the booking as an iCalendar event.
pub async fn calendar_file(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let booking = appointments::receipt(&state, &principal, id).await?;
    let file = appointments::calendar_of(&booking, state.clock.now());
    let name = format!("attachment; filename=\"prenotazione-{}.ics\"", booking.id);
    let headers = [
        (CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
        (CONTENT_DISPOSITION, name),
    ];
    Ok((headers, file).into_response())
}

/// `GET /appuntamenti/{id}/ricevuta.pdf`: the receipt to print or send to the person.
pub async fn receipt_pdf(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let booking = appointments::receipt(&state, &principal, id).await?;
    let title = format!("Prenotazione n. {} – {}", booking.id, booking.kind_name);
    let blocks = receipt_blocks(&booking);
    let rendered = tokio::task::spawn_blocking(move || pdf::render(&title, "it-IT", &blocks))
        .await
        .unwrap_or_else(|failed| std::panic::resume_unwind(failed.into_panic()));
    let bytes = rendered.map_err(|error| {
        tracing::error!(%error, booking = id, "booking receipt PDF not written");
        AppError::Refused(
            "Non è stato possibile creare la ricevuta in PDF. Stampa la pagina della prenotazione e avvisa l'assistenza.",
        )
    })?;
    let name = format!("attachment; filename=\"prenotazione-{}.pdf\"", booking.id);
    let headers = [
        (CONTENT_TYPE, "application/pdf".to_owned()),
        (CONTENT_DISPOSITION, name),
    ];
    Ok((headers, bytes).into_response())
}

fn receipt_blocks(booking: &BookingRow) -> Vec<Block> {
    let line = |label: &str, value: &str| Block::P(format!("{label}: {value}"));
    vec![
        Block::H1(format!("Prenotazione n. {}", booking.id)),
        Block::P(format!("Appuntamento: {}", booking.kind_name)),
        line("Giorno e ora", &long_when(booking.starts_at)),
        line("Luogo", PLACE),
        line("Persona", &booking.person_name),
        line(
            "Prenotato da",
            &format!("{}, {}", booking.booked_by_name, booking.organisation_name),
        ),
        Block::H2("Da portare".to_owned()),
        Block::P(
            "Un documento di identità valido e questa ricevuta. Se non puoi venire, avvisa lo sportello che ha prenotato, che può annullare l'appuntamento.".to_owned(),
        ),
    ]
}
