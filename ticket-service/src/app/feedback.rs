//! The feedback of the portal's readers: sending it from a page of the public portal, without
//! logging in, and reading it as the coordination.
//!
//! Sending needs no session: the portal is static and on another origin, so its forms carry
//! nothing of ours. What keeps programs out instead: the per-address limit (in memory only),
//! the trap field that people never see, the rules on the texts (no web address in a
//! comment on a page, at most one in an accessibility report), and the time check: a form
//! from the portal comes back once, to be confirmed no sooner than a person reads it (see
//! [`crate::domain::form_token`]). Nothing that names the sender is stored: no address,
//! cookie or browser, and of the time only the day.

use std::net::IpAddr;

use crate::auth::principal::Principal;
use crate::auth::token;
use crate::db::audit::{self, AuditEntry};
use crate::db::feedback::{self, FeedbackRow, PageCounts};
use crate::db::form_keys;
use crate::domain::audit::AuditEvent;
use crate::domain::feedback::item_step;
use crate::domain::feedback::{
    BackLink, Feedback, FeedbackForm, FeedbackKind, back_link, check_accessibility, check_page,
    portal_path,
};
use crate::domain::form_token::{self, TokenCheck};
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
    /// Nothing stored yet: the form comes back, as sent, to be checked and confirmed with
    /// `token`; `timing` says why a confirmation was not taken.
    Review {
        kind: FeedbackKind,
        token: String,
        timing: Option<Timing>,
    },
    /// Nothing stored; the form comes back with these errors, and `token` to send it again.
    Invalid {
        kind: FeedbackKind,
        errors: FormErrors,
        token: String,
    },
    /// The address sent too many forms lately; nothing stored.
    TooMany,
}

/// Why a confirmation came back instead of being stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// Sent sooner than a person reads the page: the same token is taken a little later.
    TooSoon,
    /// The page was too old (or its token not the service's): a new token comes with it.
    Expired,
}

/// The outcome, and the way back to the portal.
pub struct Sent {
    pub outcome: Outcome,
    pub back: Option<BackLink>,
}

/// The name of the key that signs the feedback forms' tokens.
const TOKEN_KEY: &str = "feedback";

/// Takes a form sent from the portal by `client`. The checks run in this order: the
/// per-address limit, the trap (answered with thanks, as if stored), the fields, then the
/// time token; only a form whose fields hold and whose token is of the right age is stored.
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
    let mut errors = FormErrors::default();
    let checked = check_fields(state, base_url, kind, form, &mut errors)?;
    let key = token_key(state).await?;
    let now = state.clock.now();
    let timing = form_token::check(
        &key,
        &form.token,
        kind,
        now,
        state.settings.feedback.token_ages(),
    );
    // The token sent is kept while it is genuine and young enough, so correcting the form
    // does not restart the wait; otherwise the page carries a new one.
    let token = match timing {
        TokenCheck::Ready | TokenCheck::TooSoon => form.token.trim().to_owned(),
        TokenCheck::Missing | TokenCheck::Stale => form_token::issue(&key, kind, now),
    };
    let outcome = match (checked, timing) {
        (None, _) => Outcome::Invalid {
            kind,
            errors,
            token,
        },
        (Some(checked), TokenCheck::Ready) => store(state, kind, checked).await?,
        (Some(_), timing) => Outcome::Review {
            kind,
            token,
            timing: match timing {
                TokenCheck::TooSoon => Some(Timing::TooSoon),
                TokenCheck::Stale => Some(Timing::Expired),
                _ => None,
            },
        },
    };
    Ok(Sent { outcome, back })
}

/// The form's fields checked by the rules of its kind; `None`, with `errors`, when one does
/// not hold. A page's form must name a page of the portal and a button: anything else was
/// not sent from a page of the portal.
fn check_fields(
    state: &AppState,
    base_url: &str,
    kind: FeedbackKind,
    form: &FeedbackForm,
    errors: &mut FormErrors,
) -> Result<Option<Feedback>, AppError> {
    let day = state.clock.today();
    Ok(match kind {
        FeedbackKind::Page => {
            let Some(path) = portal_path(base_url, &form.page) else {
                if base_url.is_empty() {
                    tracing::warn!("page feedback refused: site.toml gives no base_url");
                }
                return Err(AppError::BadForm);
            };
            let useful = form.useful().ok_or(AppError::BadForm)?;
            check_page(path, useful, &form.comment, day, errors)
        }
        FeedbackKind::Accessibility => check_accessibility(form, day, errors),
    })
}

/// The key of the forms' tokens, made on first use.
async fn token_key(state: &AppState) -> Result<Vec<u8>, AppError> {
    let candidate = token::random_bytes::<32>();
    let key = state
        .db
        .call(move |conn| form_keys::load_or_create(conn, TOKEN_KEY, &candidate))
        .await?;
    Ok(key)
}

async fn store(
    state: &AppState,
    kind: FeedbackKind,
    checked: Feedback,
) -> Result<Outcome, AppError> {
    let reply_expected = checked.reply_email.is_some();
    state
        .db
        .call(move |conn| feedback::insert(conn, &checked))
        .await?;
    Ok(Outcome::Thanked {
        kind,
        reply_expected,
    })
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
