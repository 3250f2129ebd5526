//! `/appuntamenti`: the kinds of appointment, the days with free seats, the times of one day
//! with the person's details (a list of links, then radio buttons: no date picker, no
//! JavaScript), the review page, the confirmation and the receipt.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};

use crate::app::appointments::{self, BookingRequest, CheckedBooking, Confirmed, Refused};
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::db::appointments::{KindRow, KindSummary};
use crate::domain::appointments::identity::PersonId;
use crate::domain::appointments::quotas::Quota;
use crate::domain::appointments::slots::{FreeSlot, weekday_name};
use crate::domain::report_fields::Choice;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::routes::outcome::OutcomeQuery;
use crate::routes::path_id::PathId;
use crate::state::AppState;
use crate::templates::Page;

/// The booking form, kept as text so every page can show it again.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct BookingForm {
    #[serde(default)]
    kind: String,
    /// The day whose times the form shows.
    #[serde(default)]
    day: String,
    #[serde(default)]
    slot: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    id_kind: String,
    #[serde(default)]
    identifier: String,
    #[serde(default)]
    contact: String,
    /// On the review page: `conferma` or `correggi`.
    #[serde(default, skip_serializing)]
    choice: String,
}

impl BookingForm {
    fn request(&self) -> BookingRequest<'_> {
        BookingRequest {
            kind: &self.kind,
            slot: &self.slot,
            family_name: &self.family_name,
            given_name: &self.given_name,
            id_kind: &self.id_kind,
            identifier: &self.identifier,
            contact: &self.contact,
        }
    }
}

#[derive(Deserialize, Default)]
pub struct OfferQuery {
    #[serde(rename = "tipo")]
    kind: Option<String>,
    #[serde(rename = "giorno")]
    day: Option<String>,
}

const ID_KINDS: &[Choice] = &[
    Choice {
        value: "cf",
        label: "Codice fiscale",
    },
    Choice {
        value: "pratica",
        label: "Numero della pratica di cittadinanza",
    },
];

/// `GET /appuntamenti`: the kinds, and for the chosen one its days and the chosen day's times.
pub async fn page(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<OfferQuery>,
) -> Result<Response, AppError> {
    let form = BookingForm {
        kind: query.kind.unwrap_or_default(),
        day: query.day.unwrap_or_default(),
        ..BookingForm::default()
    };
    let shown = Shown {
        errors: &FormErrors::default(),
        status: StatusCode::OK,
        message: None,
    };
    booking_page(&state, &principal, &form, shown).await
}

/// `POST /appuntamenti/prenota`: the review page, or the form again with its mistakes.
pub async fn review(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(form): CsrfForm<BookingForm>,
) -> Result<Response, AppError> {
    let no_errors = FormErrors::default();
    match appointments::check(&state, &principal, &form.request()).await? {
        Ok(checked) => review_page(&state, &principal, &form, &checked),
        Err(Refused::Invalid(errors)) => {
            let shown = Shown::mistakes(&errors);
            booking_page(&state, &principal, &form, shown).await
        }
        Err(Refused::Full) => {
            booking_page(&state, &principal, &form, Shown::taken(&no_errors)).await
        }
        Err(Refused::QuotaReached) => {
            booking_page(&state, &principal, &form, Shown::quota(&no_errors)).await
        }
    }
}

/// `POST /appuntamenti/conferma`: books, or goes back to the form.
pub async fn confirm(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(form): CsrfForm<BookingForm>,
) -> Result<Response, AppError> {
    let no_errors = FormErrors::default();
    if form.choice == "correggi" {
        let shown = Shown {
            errors: &no_errors,
            status: StatusCode::OK,
            message: None,
        };
        return booking_page(&state, &principal, &form, shown).await;
    }
    match appointments::confirm(&state, &principal, &form.request()).await? {
        Confirmed::Booked(id) => {
            let receipt = paths::with_outcome(&paths::booking(id), "prenotato");
            Ok(Redirect::to(&receipt).into_response())
        }
        Confirmed::Invalid(errors) => {
            booking_page(&state, &principal, &form, Shown::mistakes(&errors)).await
        }
        Confirmed::Full => booking_page(&state, &principal, &form, Shown::taken(&no_errors)).await,
        Confirmed::QuotaReached => {
            booking_page(&state, &principal, &form, Shown::quota(&no_errors)).await
        }
    }
}

const TAKEN: &str = "Nel frattempo l'ultimo posto di quell'orario è stato prenotato da un altro sportello: non è stato prenotato nulla. Scegli uno degli orari ancora liberi qui sotto.";

/// `GET /appuntamenti/{id}`: the receipt of a booking.
pub async fn receipt(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    Query(query): Query<OutcomeQuery>,
) -> Result<Response, AppError> {
    let booking = appointments::receipt(&state, &principal, id).await?;
    let notice = appointments::notice_of(&state, &booking).await?;
    let by_prefettura = appointments::keeps_appointments(&principal);
    let cancellable = appointments::cancellable(&state, &booking, notice, by_prefettura);
    let movable = appointments::cancellable(&state, &booking, notice, false)
        && booking.organisation_id == principal.organisation_id;
    let title = format!("Prenotazione n. {}", booking.id);
    let state_label = match booking.state.as_str() {
        "attiva" => "Confermata",
        "annullata" => "Annullata",
        "presente" => "La persona si è presentata",
        _ => "La persona non si è presentata",
    };
    Page::for_user(&state, &principal, &title, paths::APPOINTMENTS)
        .with("when", &long_when(booking.starts_at))
        .with("calendar", &paths::booking_calendar(booking.id))
        .with("pdf", &paths::booking_pdf(booking.id))
        .with(
            "cancel",
            &cancellable.then(|| paths::booking_cancel(booking.id)),
        )
        .with("move", &movable.then(|| paths::booking_move(booking.id)))
        .with("notice_hours", &notice)
        .with("ask_reason", &by_prefettura)
        .with("state_label", &state_label)
        .with("booking", &booking)
        .outcome(outcome_message(query.outcome.as_deref()))
        .render(&state, "appointment.html")
        .map(IntoResponse::into_response)
}

/// `POST /appuntamenti/{id}/annulla`: cancels the booking, up to its cut-off.
pub async fn cancel(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    CsrfForm(form): CsrfForm<CancelForm>,
) -> Result<Response, AppError> {
    appointments::cancel(&state, &principal, id, &form.reason).await?;
    let receipt = paths::with_outcome(&paths::booking(id), "annullato");
    Ok(Redirect::to(&receipt).into_response())
}

/// The cancel form: the Prefettura's has the reason.
#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default, rename = "motivo")]
    reason: String,
}

fn outcome_message(outcome: Option<&str>) -> Option<&'static str> {
    match outcome? {
        "prenotato" => Some("Prenotazione fatta."),
        "annullato" => Some("Prenotazione annullata: il posto è di nuovo libero."),
        "spostato" => {
            Some("Prenotazione spostata al nuovo orario: il posto di prima è di nuovo libero.")
        }
        _ => None,
    }
}

/// How a page is shown besides the offer: its errors, its status and a message.
struct Shown<'a> {
    errors: &'a FormErrors,
    status: StatusCode,
    message: Option<&'a str>,
}

impl<'a> Shown<'a> {
    /// The slot filled up meanwhile: the page says so and shows the times still free.
    fn taken(errors: &'a FormErrors) -> Self {
        Shown {
            errors,
            status: StatusCode::CONFLICT,
            message: Some(TAKEN),
        }
    }

    /// The office's weekly quota is used up: the page says so and shows the times.
    fn quota(errors: &'a FormErrors) -> Self {
        Shown {
            message: Some(appointments::QUOTA_REACHED),
            ..Shown::taken(errors)
        }
    }

    fn mistakes(errors: &'a FormErrors) -> Self {
        Shown {
            errors,
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: None,
        }
    }
}

/// A kind as a link of the page.
#[derive(Serialize)]
struct KindLink {
    name: String,
    link: String,
    current: bool,
}

/// A day with free seats.
#[derive(Serialize)]
struct DayLink {
    label: String,
    link: String,
    current: bool,
    slots: usize,
}

/// The chosen kind's days, and the chosen day's times as the radio buttons' choices.
#[derive(Serialize)]
pub(crate) struct OfferView {
    kind_name: String,
    /// The weekly quota's rule, when the kind has one.
    quota: Option<String>,
    horizon_days: i32,
    days: Vec<DayLink>,
    day_label: String,
    slots: Vec<SlotChoice>,
}

#[derive(Serialize)]
struct SlotChoice {
    value: String,
    label: String,
}

async fn booking_page(
    state: &AppState,
    principal: &Principal,
    form: &BookingForm,
    shown: Shown<'_>,
) -> Result<Response, AppError> {
    let kinds = appointments::kinds(state, principal).await?;
    let offer = match form.kind.is_empty() {
        true => None,
        false => Some(appointments::offer(state, principal, &form.kind).await?),
    };
    let mut form = form.clone();
    if form.day.is_empty() {
        form.day = form.slot.get(..10).unwrap_or_default().to_owned();
    }
    // Without a day chosen, the first day with free seats.
    if let Some((_, free)) = &offer
        && form.day.parse::<Date>().is_err()
    {
        form.day = free
            .first()
            .map(|slot| slot.start.date().to_string())
            .unwrap_or_default();
    }
    let offer = offer.map(|(kind, free)| {
        let link = |day: &str| paths::appointments_of(kind.id, Some(day));
        offer_view(&kind, &free, &form.day, &link)
    });
    let html = Page::for_user(state, principal, "Appuntamenti", paths::APPOINTMENTS)
        .with("kinds", &kind_links(&kinds, &form.kind))
        .with("offer", &offer)
        .with("form", &form)
        .with("id_kinds", &ID_KINDS)
        .errors(shown.errors)
        .outcome(shown.message)
        .render(state, "appointments.html")?;
    Ok((shown.status, html).into_response())
}

fn kind_links(kinds: &[KindSummary], current: &str) -> Vec<KindLink> {
    kinds
        .iter()
        .map(|kind| KindLink {
            name: kind.name.clone(),
            link: paths::appointments_of(kind.id, None),
            current: kind.id.to_string() == current,
        })
        .collect()
}

/// The days of `free` as links (`link` of a day's date), and the times of `day`.
pub(crate) fn offer_view(
    kind: &KindRow,
    free: &[FreeSlot],
    day: &str,
    link: &dyn Fn(&str) -> String,
) -> OfferView {
    let mut days: Vec<(Date, usize)> = Vec::new();
    for slot in free {
        match days.last_mut() {
            Some((date, count)) if *date == slot.start.date() => *count += 1,
            _ => days.push((slot.start.date(), 1)),
        }
    }
    let chosen = day.parse::<Date>().ok();
    let slots = free
        .iter()
        .filter(|slot| Some(slot.start.date()) == chosen)
        .map(|slot| SlotChoice {
            value: slot.start.to_string(),
            label: format!(
                "{} ({} {})",
                slot.start.strftime("%H:%M"),
                slot.free,
                if slot.free == 1 {
                    "posto libero"
                } else {
                    "posti liberi"
                }
            ),
        })
        .collect();
    OfferView {
        kind_name: kind.name.clone(),
        quota: (kind.quota != Quota::None).then(|| kind.quota.describe()),
        horizon_days: kind.plan.horizon_days,
        days: days
            .into_iter()
            .map(|(date, slots)| DayLink {
                label: long_day(date),
                link: link(&date.to_string()),
                current: Some(date) == chosen,
                slots,
            })
            .collect(),
        day_label: chosen.map(long_day).unwrap_or_default(),
        slots,
    }
}

fn review_page(
    state: &AppState,
    principal: &Principal,
    form: &BookingForm,
    checked: &CheckedBooking,
) -> Result<Response, AppError> {
    #[derive(Serialize)]
    struct Review<'a> {
        kind_name: &'a str,
        when: String,
        person_name: &'a str,
        id_label: &'static str,
    }
    let review = Review {
        kind_name: &checked.kind.name,
        when: long_when(checked.starts_at),
        person_name: &checked.person_name,
        id_label: match checked.person {
            PersonId::FiscalCode(_) => "Codice fiscale",
            PersonId::FileNumber(_) => "Numero della pratica",
        },
    };
    Page::for_user(
        state,
        principal,
        "Controlla la prenotazione",
        paths::APPOINTMENTS,
    )
    .with("review", &review)
    .with("form", form)
    .render(state, "appointment_review.html")
    .map(IntoResponse::into_response)
}

/// "martedì 1 dicembre 2026".
pub(crate) fn long_day(date: Date) -> String {
    let month = crate::clock::month_name(date);
    format!(
        "{} {} {month} {}",
        weekday_name(date.weekday()),
        date.day(),
        date.year()
    )
}

/// "martedì 1 dicembre 2026 alle 09:30".
pub(crate) fn long_when(at: DateTime) -> String {
    format!("{} alle {}", long_day(at.date()), at.strftime("%H:%M"))
}
