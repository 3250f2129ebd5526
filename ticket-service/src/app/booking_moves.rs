//! An office moves one of its bookings to another free slot of the same kind, up to the
//! cut-off (the kind's minimum notice): it chooses the slot, reviews, confirms. The new seat
//! is taken and the old one given back in one transaction; the mail carries the new `.ics`.

use jiff::civil::DateTime;

use crate::app::appointments::{self, MailNews};
use crate::auth::principal::Principal;
use crate::db::appointments::{BookingRow, KindRow};
use crate::db::audit::AuditEntry;
use crate::db::booking_moves::{self, Move, Moved};
use crate::domain::appointments::slots::FreeSlot;
use crate::domain::audit::AuditEvent;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::state::AppState;

/// A booking that can be moved, its kind and the other free slots of the kind.
pub struct MoveOffer {
    pub booking: BookingRow,
    pub kind: KindRow,
    pub free: Vec<FreeSlot>,
}

/// Why a move's form is not taken.
pub enum MoveRefused {
    /// No slot chosen, or one that is not offered.
    Invalid(FormErrors),
    /// The slot is offered but full now: nothing changed.
    Full,
    /// The week's quota of the office or its area is used up: nothing changed.
    QuotaReached,
}

const TOO_LATE: &str = "Questa prenotazione non si può più spostare dal sito: è annullata, oppure manca meno del preavviso richiesto. Se serve un altro orario, avvisa direttamente la Prefettura.";

/// Booking `id` of the principal's office, still movable, with the other free slots.
pub async fn offer(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<MoveOffer, AppError> {
    let booking = appointments::receipt(state, principal, id).await?;
    if booking.organisation_id != principal.organisation_id {
        return Err(AppError::NotFound);
    }
    let notice = appointments::notice_of(state, &booking).await?;
    if !appointments::cancellable(state, &booking, notice, false) {
        return Err(AppError::Refused(TOO_LATE));
    }
    let (kind, free) = appointments::offer(state, principal, &booking.kind_id.to_string()).await?;
    let free = free
        .into_iter()
        .filter(|slot| slot.start != booking.starts_at)
        .collect();
    Ok(MoveOffer {
        booking,
        kind,
        free,
    })
}

/// The slot chosen on the move form, if it is one the kind offers now.
pub async fn check(
    state: &AppState,
    principal: &Principal,
    id: i64,
    slot: &str,
) -> Result<(MoveOffer, Result<DateTime, MoveRefused>), AppError> {
    let offer = offer(state, principal, id).await?;
    let wanted = slot.trim().parse::<DateTime>().ok();
    if let Some(start) = wanted
        && offer.free.iter().any(|free| free.start == start)
    {
        let moving = Some(offer.booking.id);
        if appointments::quota_used(state, principal, &offer.kind, start, moving).await? {
            return Ok((offer, Err(MoveRefused::QuotaReached)));
        }
        return Ok((offer, Ok(start)));
    }
    if let Some(start) = wanted
        && start != offer.booking.starts_at
        && appointments::is_plan_slot(state, &offer.kind, start)
    {
        return Ok((offer, Err(MoveRefused::Full)));
    }
    let mut errors = FormErrors::default();
    errors.add(
        "slot",
        "Scegli uno dei nuovi orari liberi: quello indicato è l'orario attuale, è passato, pieno o fuori dal calendario.",
    );
    Ok((offer, Err(MoveRefused::Invalid(errors))))
}

/// Moves booking `id` to `slot`, checked again, atomically; mails the new calendar file.
pub async fn confirm(
    state: &AppState,
    principal: &Principal,
    id: i64,
    slot: &str,
) -> Result<(MoveOffer, Result<(), MoveRefused>), AppError> {
    let (offer, checked) = check(state, principal, id, slot).await?;
    let to = match checked {
        Ok(to) => to,
        Err(refused) => return Ok((offer, Err(refused))),
    };
    let entry = AuditEntry::new(AuditEvent::BookingMoved)
        .actor(principal.user_id)
        .detail(format!(
            "prenotazione {id}: da {} a {}",
            offer.booking.starts_at, to
        ));
    let wanted = (offer.booking.kind_id, offer.booking.organisation_id);
    let (seats, quota, now) = (
        offer.kind.plan.seats,
        offer.kind.quota.clone(),
        state.clock.now(),
    );
    let moved = state
        .db
        .call(move |conn| {
            let wanted = Move {
                booking_id: id,
                kind_id: wanted.0,
                organisation_id: wanted.1,
                to,
                seats,
                quota: &quota,
            };
            booking_moves::move_booking(conn, &wanted, &entry, now)
        })
        .await?;
    let outcome = match moved {
        Moved::Done => {
            appointments::mail_booking(state, principal, id, MailNews::Moved).await?;
            Ok(())
        }
        Moved::Full => Err(MoveRefused::Full),
        Moved::QuotaReached => Err(MoveRefused::QuotaReached),
        Moved::NotActive => return Err(AppError::Refused(TOO_LATE)),
    };
    Ok((offer, outcome))
}
