//! The feedback of the portal's readers: sending it from a page of the public portal, without
//! logging in, and reading it as the coordination.
//!
//! Sending needs no session: the portal is static and on another origin, so its forms carry
//! nothing of ours. What keeps programs out instead: the per-address limit (in memory only),
//! the trap field that people never see, and the rules on the texts (no web address in a
//! comment on a page, at most one in an accessibility report). Nothing that names the sender
//! is stored: no address, cookie or browser, and of the time only the day.

use std::net::IpAddr;

use crate::auth::principal::Principal;
use crate::db::audit::{self, AuditEntry};
use crate::db::feedback::{self, FeedbackRow, PageCounts};
use crate::domain::audit::AuditEvent;
use crate::domain::feedback::item_step;
use crate::domain::feedback::{
    BackLink, FeedbackForm, FeedbackKind, back_link, check_accessibility, check_page, portal_path,
};
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pagination::{PageRequest, Paged};
use crate::state::AppState;

/// What became of a form sent from the portal.
pub enum Outcome {
    /// Stored, or caught by the trap and dropped without a word: the sender reads thanks
    /// either way, so a program learns nothing from the answer.
    Thanked {
        kind: FeedbackKind,
        /// An accessibility report that asked for an answer by e-mail.
        reply_expected: bool,
    },
    /// Nothing stored; the form comes back with these errors.
    Invalid {
        kind: FeedbackKind,
        errors: FormErrors,
    },
    /// The address sent too many forms lately; nothing stored.
    TooMany,
}

/// The outcome, and the way back to the portal.
pub struct Sent {
    pub outcome: Outcome,
    pub back: Option<BackLink>,
}

/// Takes a form sent from the portal by `client`.
pub async fn send(state: &AppState, client: IpAddr, form: &FeedbackForm) -> Result<Sent, AppError> {
    let base_url = state.site.base_url.as_deref().unwrap_or("");
    let back = back_link(base_url, &form.page);
    if !state.feedback_limiter.try_attempt(client) {
        let outcome = Outcome::TooMany;
        return Ok(Sent { outcome, back });
    }
    if form.is_trapped() {
        tracing::info!("feedback with the trap field filled in: not stored");
        let kind = form.kind().unwrap_or(FeedbackKind::Page);
        let outcome = Outcome::Thanked {
            kind,
            reply_expected: false,
        };
        return Ok(Sent { outcome, back });
    }
    let kind = form.kind().ok_or(AppError::BadForm)?;
    let day = state.clock.today();
    let mut errors = FormErrors::default();
    let checked = match kind {
        FeedbackKind::Page => {
            // The portal's pages send their own address and a button: anything else was not
            // sent from a page of the portal.
            let Some(path) = portal_path(base_url, &form.page) else {
                if base_url.is_empty() {
                    tracing::warn!("page feedback refused: site.toml gives no base_url");
                }
                return Err(AppError::BadForm);
            };
            let useful = form.useful().ok_or(AppError::BadForm)?;
            check_page(path, useful, &form.comment, day, &mut errors)
        }
        FeedbackKind::Accessibility => check_accessibility(form, day, &mut errors),
    };
    let Some(checked) = checked else {
        let outcome = Outcome::Invalid { kind, errors };
        return Ok(Sent { outcome, back });
    };
    let reply_expected = checked.reply_email.is_some();
    state
        .db
        .call(move |conn| feedback::insert(conn, &checked))
        .await?;
    let outcome = Outcome::Thanked {
        kind,
        reply_expected,
    };
    Ok(Sent { outcome, back })
}

/// The feedback with something to read, a page at a time: accessibility reports first, then
/// the newest comments.
pub async fn to_read(
    state: &AppState,
    principal: &Principal,
    page: PageRequest,
) -> Result<Paged<FeedbackRow>, AppError> {
    principal.require(state, Action::ReadFeedback).await?;
    let paged = state
        .db
        .call(move |conn| page.load(conn, feedback::count_to_read, feedback::page_to_read))
        .await?;
    Ok(paged)
}

/// How many readers found each page useful or not, a page of the list at a time.
pub async fn counts(
    state: &AppState,
    principal: &Principal,
    page: PageRequest,
) -> Result<Paged<PageCounts>, AppError> {
    principal.require(state, Action::ReadFeedback).await?;
    let paged = state
        .db
        .call(move |conn| page.load(conn, feedback::count_pages, feedback::page_counts))
        .await?;
    Ok(paged)
}

/// Moves the accessibility report `id` a step on (answered, then closed), with its audit line;
/// `Refused` when the step is not in the rules or the report is no longer where the page
/// showed it.
pub async fn move_item(
    state: &AppState,
    principal: &Principal,
    id: i64,
    from: &str,
    to: &str,
) -> Result<(), AppError> {
    principal.require(state, Action::HandleFeedback).await?;
    let Some((from, to)) = item_step(from, to) else {
        return Err(AppError::BadForm);
    };
    let actor = principal.user_id;
    let now = state.clock.now();
    let moved = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let moved = feedback::move_item(&tx, id, from, to)?;
            if moved {
                let entry = AuditEntry::new(AuditEvent::FeedbackHandled)
                    .actor(actor)
                    .detail(format!("segnalazione di accessibilità {id}: {from} → {to}"));
                audit::append(&tx, &entry, now)?;
            }
            tx.commit()?;
            Ok(moved)
        })
        .await?;
    if moved {
        Ok(())
    } else {
        Err(AppError::Refused(
            "La segnalazione non è più nello stato mostrato dalla pagina: non è stato cambiato nulla. Ricarica la pagina.",
        ))
    }
}
