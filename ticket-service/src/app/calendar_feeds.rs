//! The private calendar feed of a Prefettura user: a secret address (only its digest is
//! stored) that calendar programs subscribe to without logging in, serving the coming
//! appointments as iCalendar. Making a new address revokes the old one; a revoked or unknown
//! address answers 404, as does one whose user may no longer keep the appointments.

use crate::app::appointments::{self, event_of, event_texts, ics_stamp};
use crate::auth::principal::Principal;
use crate::auth::token;
use crate::db::appointments as bookings;
use crate::db::audit::AuditEntry;
use crate::db::{calendar_feeds, users};
use crate::domain::appointments::ics;
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::{self, Action};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;

/// The most appointments a feed carries, the nearest first.
const FEED_LIMIT: u32 = 5000;

/// When the principal's address was made, if they have one.
pub async fn status(state: &AppState, principal: &Principal) -> Result<Option<i64>, AppError> {
    principal.require(state, Action::ManageAppointments).await?;
    let user_id = principal.user_id;
    Ok(state
        .db
        .call(move |conn| calendar_feeds::created_at(conn, user_id))
        .await?)
}

/// Makes a new secret address for the principal, replacing (and so revoking) the old one;
/// returns the whole address, shown once.
pub async fn create(state: &AppState, principal: &Principal) -> Result<String, AppError> {
    principal.require(state, Action::ManageAppointments).await?;
    let secret = token::random_token::<32>();
    let digest = token::digest(&secret);
    let entry = AuditEntry::new(AuditEvent::CalendarFeedCreated).actor(principal.user_id);
    let (user_id, now) = (principal.user_id, state.clock.now());
    state
        .db
        .call(move |conn| calendar_feeds::replace(conn, user_id, &digest, &entry, now))
        .await?;
    let base = state.settings.mail.public_url.trim_end_matches('/');
    Ok(format!("{base}{}", paths::calendar_feed(&secret)))
}

/// Revokes the principal's address; false when there was none.
pub async fn revoke(state: &AppState, principal: &Principal) -> Result<bool, AppError> {
    principal.require(state, Action::ManageAppointments).await?;
    let entry = AuditEntry::new(AuditEvent::CalendarFeedRevoked).actor(principal.user_id);
    let (user_id, now) = (principal.user_id, state.clock.now());
    Ok(state
        .db
        .call(move |conn| calendar_feeds::revoke(conn, user_id, &entry, now))
        .await?)
}

/// The feed of the secret in the address (`….ics`): the appointments from today on.
pub async fn feed(state: &AppState, secret: &str) -> Result<String, AppError> {
    let secret = secret.strip_suffix(".ics").unwrap_or(secret);
    let digest = token::digest(secret);
    let today = appointments::local_now(state)
        .date()
        .to_datetime(jiff::civil::Time::MIN);
    let rows = state
        .db
        .call(move |conn| {
            let Some(user_id) = calendar_feeds::owner(conn, &digest)? else {
                return Ok(None);
            };
            let Some(user) = users::find_by_id(conn, user_id)? else {
                return Ok(None);
            };
            let allowed = user.active
                && user.organisation_active
                && permissions::allows(user.role, Action::ManageAppointments);
            if !allowed {
                return Ok(None);
            }
            Ok(Some(bookings::coming_bookings(conn, today, FEED_LIMIT)?))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let stamp = ics_stamp(state.clock.now());
    let texts: Vec<(String, String)> = rows.iter().map(event_texts).collect();
    let events: Vec<ics::Event<'_>> = rows
        .iter()
        .zip(&texts)
        .map(|(booking, texts)| event_of(booking, texts, &stamp))
        .collect();
    Ok(ics::feed(
        &events,
        Some("Appuntamenti dell'Ufficio Cittadinanza"),
    ))
}
