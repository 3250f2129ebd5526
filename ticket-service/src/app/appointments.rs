//! Booking an appointment at the Prefettura's citizenship office for a person an office
//! assists: the free slots of a kind, the booking checked before it is made (the review
//! page), and made only if its slot still has a seat, atomically.

use jiff::Timestamp;
use jiff::civil::DateTime;

use crate::auth::principal::Principal;
use crate::clock::rome;
use crate::db::appointments::{self, Booked, BookingRow, KindRow, KindSummary, NewBooking};
use crate::db::audit::AuditEntry;
use crate::db::booking_quotas::quota_reached;
use crate::db::users;
use crate::domain::appointments::ics;
use crate::domain::appointments::identity::PersonId;
use crate::domain::appointments::quotas::Quota;
use crate::domain::appointments::slots::FreeSlot;
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::domain::report_fields::{MAX_LONG_TEXT, MAX_SHORT_TEXT, bounded_text};
use crate::domain::report_form::required_text;
use crate::domain::role::Role;
use crate::domain::user::Email;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::mail::{Mail, MailAttachment};
use crate::state::AppState;

/// Where the appointments take place, as receipts and calendars say it.
pub const PLACE: &str = "Prefettura – Ufficio Cittadinanza";

/// The UTC stamp of `now` (seconds) as iCalendar writes it.
pub fn ics_stamp(now: i64) -> String {
    Timestamp::from_second(now)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// The texts of a booking's calendar event: its unique id and its description.
pub fn event_texts(booking: &BookingRow) -> (String, String) {
    let uid = format!("prenotazione-{}@respi", booking.id);
    let description = format!(
        "Appuntamento per {}, prenotato da {} ({}). Prenotazione n. {}.",
        booking.person_name, booking.booked_by_name, booking.organisation_name, booking.id
    );
    (uid, description)
}

/// The booking as a calendar event, with the texts of [`event_texts`].
pub fn event_of<'a>(
    booking: &'a BookingRow,
    (uid, description): &'a (String, String),
    stamp: &'a str,
) -> ics::Event<'a> {
    ics::Event {
        uid,
        starts_at: booking.starts_at,
        minutes: booking.slot_minutes,
        summary: &booking.kind_name,
        location: PLACE,
        description,
        stamp,
        sequence: booking.sequence,
    }
}

/// The booking as an iCalendar file, made at `now` (UTC seconds).
pub fn calendar_of(booking: &BookingRow, now: i64) -> String {
    let texts = event_texts(booking);
    let stamp = ics_stamp(now);
    ics::calendar(&event_of(booking, &texts, &stamp))
}

/// Mails the booking with its `.ics` to the operator who made it and, when the person's
/// contact is an e-mail address, to the person. Mail is sent in the background: a slow or
/// failing server never undoes a booking.
pub(crate) async fn mail_booking(
    state: &AppState,
    principal: &Principal,
    id: i64,
    news: MailNews,
) -> Result<(), AppError> {
    let Some(mailer) = &state.mailer else {
        return Ok(());
    };
    let user_id = principal.user_id;
    let (booking, operator) = state
        .db
        .call(move |conn| {
            Ok((
                appointments::find_booking(conn, id)?,
                users::find_by_id(conn, user_id)?,
            ))
        })
        .await?;
    let Some(booking) = booking else {
        return Ok(());
    };
    let calendar = calendar_of(&booking, state.clock.now());
    let person_mail = booking
        .contact
        .as_deref()
        .filter(|contact| Email::parse(contact).is_ok());
    let recipients = operator
        .map(|user| user.email)
        .into_iter()
        .chain(person_mail.map(str::to_owned));
    for to in recipients {
        mailer.send_in_background(Mail {
            to,
            subject: format!("{} {}", news.subject(), booking.kind_name),
            body: format!(
                "{}\n\n\
                 Tipo: {}\nGiorno e ora: {}\nPersona: {}\nPrenotazione n. {}\n\n\
                 Nel file allegato l'appuntamento per il calendario. Per annullarlo rivolgiti allo sportello che l'ha prenotato.\n",
                news.opening(),
                booking.kind_name,
                booking.starts_at.strftime("%d/%m/%Y %H:%M"),
                booking.person_name,
                booking.id
            ),
            attachment: Some(MailAttachment {
                file_name: format!("prenotazione-{}.ics", booking.id),
                content_type: "text/calendar; charset=utf-8",
                content: calendar.clone().into_bytes(),
            }),
        });
    }
    Ok(())
}

/// What a booking's mail tells.
#[derive(Debug, Clone, Copy)]
pub(crate) enum MailNews {
    Booked,
    Moved,
}

impl MailNews {
    fn subject(self) -> &'static str {
        match self {
            MailNews::Booked => "Appuntamento in Prefettura:",
            MailNews::Moved => "Appuntamento in Prefettura spostato:",
        }
    }

    fn opening(self) -> &'static str {
        match self {
            MailNews::Booked => {
                "È stato prenotato un appuntamento all'Ufficio Cittadinanza della Prefettura."
            }
            MailNews::Moved => {
                "Un appuntamento all'Ufficio Cittadinanza della Prefettura è stato spostato a un nuovo orario: quello di prima non vale più. Il file allegato aggiorna l'appuntamento nel calendario."
            }
        }
    }
}

/// The booking form as sent: raw text, parsed after the permission check.
pub struct BookingRequest<'a> {
    pub kind: &'a str,
    pub slot: &'a str,
    pub family_name: &'a str,
    pub given_name: &'a str,
    /// `cf` for a fiscal code, `pratica` for a file number.
    pub id_kind: &'a str,
    pub identifier: &'a str,
    pub contact: &'a str,
}

/// A booking whose every field holds, ready for the review page or to be made.
#[derive(Debug, Clone)]
pub struct CheckedBooking {
    pub kind: KindRow,
    pub starts_at: DateTime,
    pub person_name: String,
    pub person: PersonId,
    pub contact: Option<String>,
}

/// Why a booking form is not taken.
pub enum Refused {
    /// Mistakes in the form, or a time that is not offered at all.
    Invalid(FormErrors),
    /// The time is offered but its seats are all taken: nothing was booked.
    Full,
    /// The office or its area has used its weekly quota in the slot's week.
    QuotaReached,
}

/// Why a booking or a move was refused though its form was right.
pub const QUOTA_REACHED: &str = "La quota settimanale di questo tipo di appuntamento per il tuo sportello (o per la sua area) è esaurita nella settimana scelta: non è stato prenotato nulla. Scegli un giorno di un'altra settimana.";

/// What the confirmation did.
pub enum Confirmed {
    Booked(i64),
    /// The form has mistakes, or the slot is no longer offered.
    Invalid(FormErrors),
    /// Someone else took the last seat meanwhile: nothing was booked.
    Full,
    /// The office or its area has used its weekly quota in that week: nothing was booked.
    QuotaReached,
}

/// The Italian wall-clock time now.
pub(crate) fn local_now(state: &AppState) -> DateTime {
    let now = Timestamp::from_second(state.clock.now()).unwrap_or(Timestamp::UNIX_EPOCH);
    now.to_zoned(rome()).datetime()
}

/// The kinds of appointment that can be booked.
pub async fn kinds(state: &AppState, principal: &Principal) -> Result<Vec<KindSummary>, AppError> {
    principal.require(state, Action::BookAppointments).await?;
    Ok(state.db.call(|conn| appointments::kinds(conn)).await?)
}

/// Kind `id` and its free slots now, from the first to the horizon.
pub async fn offer(
    state: &AppState,
    principal: &Principal,
    kind_id: &str,
) -> Result<(KindRow, Vec<FreeSlot>), AppError> {
    principal.require(state, Action::BookAppointments).await?;
    let kind_id: i64 = kind_id.trim().parse().map_err(|_| AppError::NotFound)?;
    let now = local_now(state);
    let (kind, booked) = state
        .db
        .call(move |conn| {
            let Some(kind) = appointments::find_kind(conn, kind_id)? else {
                return Ok(None);
            };
            let booked = appointments::booked_seats(conn, kind_id, now)?;
            Ok(Some((kind, booked)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let calendar = state.settings.reports.calendar();
    let free = kind.plan.free_slots(now, &calendar, &booked);
    Ok((kind, free))
}

/// Checks the booking form: a slot the kind offers now, the person's names and identifier.
pub async fn check(
    state: &AppState,
    principal: &Principal,
    request: &BookingRequest<'_>,
) -> Result<Result<CheckedBooking, Refused>, AppError> {
    let (kind, free) = offer(state, principal, request.kind).await?;
    let mut errors = FormErrors::default();
    let starts_at = request.slot.parse::<DateTime>().ok();
    let offered = starts_at.filter(|start| free.iter().any(|slot| slot.start == *start));
    if let Some(start) = starts_at
        && offered.is_none()
        && is_plan_slot(state, &kind, start)
    {
        return Ok(Err(Refused::Full));
    }
    if let Some(start) = offered
        && quota_used(state, principal, &kind, start, None).await?
    {
        return Ok(Err(Refused::QuotaReached));
    }
    if offered.is_none() {
        errors.add(
            "slot",
            "Scegli uno degli orari liberi: quello indicato è passato, pieno, fuori dal calendario o in un giorno di chiusura.",
        );
    }
    let family = required_text(
        &mut errors,
        "family_name",
        request.family_name,
        MAX_SHORT_TEXT,
        "Scrivi il cognome della persona.",
    );
    let given = required_text(
        &mut errors,
        "given_name",
        request.given_name,
        MAX_SHORT_TEXT,
        "Scrivi il nome della persona.",
    );
    let person = match request.id_kind {
        "cf" => errors.check("identifier", PersonId::fiscal_code(request.identifier)),
        "pratica" => errors.check("identifier", PersonId::file_number(request.identifier)),
        _ => {
            errors.add(
                "id_kind",
                "Scegli se indicare il codice fiscale o il numero della pratica.",
            );
            None
        }
    };
    let contact = errors
        .check("contact", bounded_text(request.contact, MAX_SHORT_TEXT))
        .flatten();
    match (offered, family, given, person) {
        (Some(starts_at), Some(family), Some(given), Some(person)) if errors.is_empty() => {
            Ok(Ok(CheckedBooking {
                kind,
                starts_at,
                person_name: format!("{family} {given}"),
                person,
                contact,
            }))
        }
        _ => Ok(Err(Refused::Invalid(errors))),
    }
}

/// Whether the principal's office (or its area) has used the kind's weekly quota in the week
/// of `start`, not counting booking `moving`.
pub(crate) async fn quota_used(
    state: &AppState,
    principal: &Principal,
    kind: &KindRow,
    start: DateTime,
    moving: Option<i64>,
) -> Result<bool, AppError> {
    if kind.quota == Quota::None {
        return Ok(false);
    }
    let (kind_id, quota, office) = (kind.id, kind.quota.clone(), principal.organisation_id);
    Ok(state
        .db
        .call(move |conn| quota_reached(conn, kind_id, &quota, office, start, moving))
        .await?)
}

/// Whether `start` is a time the kind offers now when nobody has booked it: if it is not
/// free, its seats are taken.
pub(crate) fn is_plan_slot(state: &AppState, kind: &KindRow, start: DateTime) -> bool {
    let calendar = state.settings.reports.calendar();
    let unbooked = kind
        .plan
        .free_slots(local_now(state), &calendar, &Default::default());
    unbooked.iter().any(|slot| slot.start == start)
}

/// Makes the booking checked again from the review page's fields, if its slot still has a
/// seat and the person holds no other active booking of this kind.
pub async fn confirm(
    state: &AppState,
    principal: &Principal,
    request: &BookingRequest<'_>,
) -> Result<Confirmed, AppError> {
    let checked = match check(state, principal, request).await? {
        Ok(checked) => checked,
        Err(Refused::Invalid(errors)) => return Ok(Confirmed::Invalid(errors)),
        Err(Refused::Full) => return Ok(Confirmed::Full),
        Err(Refused::QuotaReached) => return Ok(Confirmed::QuotaReached),
    };
    let booking = NewBooking {
        kind_id: checked.kind.id,
        starts_at: checked.starts_at,
        person_key: checked.person.key(),
        person_name: checked.person_name,
        contact: checked.contact,
        organisation_id: principal.organisation_id,
        booked_by: principal.user_id,
    };
    let (seats, now) = (checked.kind.plan.seats, state.clock.now());
    let quota = checked.kind.quota;
    let booked = state
        .db
        .call(move |conn| appointments::book(conn, &booking, seats, &quota, now))
        .await?;
    Ok(match booked {
        Booked::Made(id) => {
            mail_booking(state, principal, id, MailNews::Booked).await?;
            Confirmed::Booked(id)
        }
        Booked::Full => Confirmed::Full,
        Booked::QuotaReached => Confirmed::QuotaReached,
        Booked::PersonAlreadyBooked => {
            let mut errors = FormErrors::default();
            errors.add(
                "identifier",
                "Questa persona ha già un appuntamento di questo tipo: annulla quello prima di prenotarne un altro.",
            );
            Confirmed::Invalid(errors)
        }
    })
}

/// Booking `id` for its receipt: the office that made it, the Prefettura and the admins.
pub async fn receipt(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<BookingRow, AppError> {
    principal.require(state, Action::BookAppointments).await?;
    let booking = state
        .db
        .call(move |conn| appointments::find_booking(conn, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let sees_all = matches!(principal.role, Role::Prefettura | Role::Admin);
    if !sees_all && booking.organisation_id != principal.organisation_id {
        return Err(AppError::NotFound);
    }
    Ok(booking)
}

/// Whether an office may still cancel the booking: not after the kind's minimum notice
/// before it starts, the same notice a new booking needs.
/// The Prefettura cancels up to the appointment's start, with a reason.
pub fn cancellable(
    state: &AppState,
    booking: &BookingRow,
    notice_hours: i32,
    by_prefettura: bool,
) -> bool {
    let notice = if by_prefettura { 0 } else { notice_hours };
    let cut_off = booking
        .starts_at
        .checked_sub(jiff::Span::new().hours(notice))
        .unwrap_or(booking.starts_at);
    booking.state == "attiva" && local_now(state) < cut_off
}

/// Whether the principal keeps the office's appointments (the Prefettura).
pub fn keeps_appointments(principal: &Principal) -> bool {
    principal.can(Action::ManageAppointments)
}

/// Cancels booking `id` for the office that made it, up to the cut-off, or for the
/// Prefettura, with a `reason` mailed to the operator who booked; its seat is free again.
pub async fn cancel(
    state: &AppState,
    principal: &Principal,
    id: i64,
    reason: &str,
) -> Result<(), AppError> {
    let booking = receipt(state, principal, id).await?;
    let notice = notice_of(state, &booking).await?;
    let by_prefettura = keeps_appointments(principal);
    let reason = match (by_prefettura, bounded_text(reason, MAX_LONG_TEXT)) {
        (false, _) => None,
        (true, Ok(Some(reason))) => Some(reason),
        (true, _) => {
            return Err(AppError::Refused(
                "Scrivi il motivo dell'annullamento (al massimo 4000 caratteri): lo sportello che ha prenotato lo riceverà. Non è stato annullato nulla.",
            ));
        }
    };
    if !cancellable(state, &booking, notice, by_prefettura) {
        return Err(AppError::Refused(
            "Questa prenotazione non si può più annullare dal sito: è già annullata, oppure manca meno del preavviso richiesto. Se la persona non può presentarsi, avvisa direttamente la Prefettura.",
        ));
    }
    let entry = AuditEntry::new(AuditEvent::BookingCancelled)
        .actor(principal.user_id)
        .detail(match by_prefettura {
            true => format!("prenotazione {id}, dalla Prefettura"),
            false => format!("prenotazione {id}"),
        });
    let now = state.clock.now();
    let cancelled = state
        .db
        .call(move |conn| appointments::cancel(conn, id, &entry, now))
        .await?;
    if !cancelled {
        return Err(AppError::Refused(
            "La prenotazione era già stata annullata: non è cambiato nulla.",
        ));
    }
    if let Some(reason) = reason {
        tell_office(state, &booking, &reason).await?;
    }
    Ok(())
}

/// Mails the operator who booked that the Prefettura cancelled the appointment, and why.
async fn tell_office(state: &AppState, booking: &BookingRow, reason: &str) -> Result<(), AppError> {
    let Some(mailer) = &state.mailer else {
        return Ok(());
    };
    let user_id = booking.booked_by;
    let operator = state
        .db
        .call(move |conn| users::find_by_id(conn, user_id))
        .await?;
    if let Some(operator) = operator {
        mailer.send_in_background(Mail {
            to: operator.email,
            subject: format!("Appuntamento annullato dalla Prefettura: prenotazione n. {}", booking.id),
            body: format!(
                "La Prefettura ha annullato l'appuntamento «{}» del {} per {}.\n\nMotivo: {}\n\nAvvisa la persona e, se serve, prenota un altro orario.\n",
                booking.kind_name,
                booking.starts_at.strftime("%d/%m/%Y %H:%M"),
                booking.person_name,
                reason
            ),
            attachment: None,
        });
    }
    Ok(())
}

/// The minimum notice of the booking's kind, in hours.
pub async fn notice_of(state: &AppState, booking: &BookingRow) -> Result<i32, AppError> {
    let kind_id = booking.kind_id;
    let kind = state
        .db
        .call(move |conn| appointments::find_kind(conn, kind_id))
        .await?;
    Ok(kind.map_or(0, |kind| kind.plan.min_notice_hours))
}

/// The bookings of `day` (today when not given or not a date), for the Prefettura.
pub async fn day_list(
    state: &AppState,
    principal: &Principal,
    day: Option<&str>,
) -> Result<(jiff::civil::Date, Vec<BookingRow>), AppError> {
    principal.require(state, Action::ManageAppointments).await?;
    let day = day
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| local_now(state).date());
    let rows = state
        .db
        .call(move |conn| appointments::day_bookings(conn, day))
        .await?;
    Ok((day, rows))
}

/// Records whether the person of booking `id` came; only once the appointment has begun.
pub async fn mark_attendance(
    state: &AppState,
    principal: &Principal,
    id: i64,
    outcome: &str,
) -> Result<jiff::civil::Date, AppError> {
    principal.require(state, Action::ManageAppointments).await?;
    let booking = receipt(state, principal, id).await?;
    let attended = match outcome {
        "presente" => true,
        "assente" => false,
        _ => return Err(AppError::BadForm),
    };
    if local_now(state) < booking.starts_at {
        return Err(AppError::Refused(
            "L'appuntamento non è ancora cominciato: la presenza si segna dall'ora dell'appuntamento in poi.",
        ));
    }
    let entry = AuditEntry::new(AuditEvent::AttendanceMarked)
        .actor(principal.user_id)
        .detail(format!("prenotazione {id}: {outcome}"));
    let now = state.clock.now();
    let marked = state
        .db
        .call(move |conn| appointments::mark_attendance(conn, id, attended, &entry, now))
        .await?;
    if !marked {
        return Err(AppError::Refused(
            "La prenotazione è stata annullata: non c'è una presenza da segnare.",
        ));
    }
    Ok(booking.starts_at.date())
}
