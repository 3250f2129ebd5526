//! Issuing the one-time links of `domain::account_link` and mailing them.

use crate::auth::token;
use crate::db::DbError;
use crate::db::account_links;
use crate::db::audit::{self, AuditEntry};
use crate::db::users::UserRow;
use crate::domain::account_link::LinkPurpose;
use crate::domain::audit::AuditEvent;
use crate::mail::{Mail, Mailer, texts};
use crate::paths;
use crate::state::AppState;

/// 32 random bytes, base64url: the length of every link token.
pub const TOKEN_CHARS: usize = 43;

/// Whether `raw` has the shape of a token; anything else is refused before touching the
/// database.
pub fn looks_like_token(raw: &str) -> bool {
    raw.len() == TOKEN_CHARS
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Stores a new link for `user` (replacing older unused ones), records it in the audit log and
/// returns the mail to send.
pub async fn issue(
    state: &AppState,
    mailer: &Mailer,
    user: &UserRow,
    purpose: LinkPurpose,
    actor: Option<i64>,
) -> Result<Mail, DbError> {
    let token = token::random_token::<32>();
    let hash = token::digest(&token);
    let user_id = user.id;
    let mut entry = AuditEntry::new(AuditEvent::PasswordLinkSent)
        .subject(user_id)
        .detail(match purpose {
            LinkPurpose::Activation => "attivazione",
            LinkPurpose::Reset => "reimpostazione",
        });
    if let Some(actor) = actor {
        entry = entry.actor(actor);
    }
    let now = state.clock.now();
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            account_links::create(&tx, user_id, purpose, &hash, now)?;
            audit::append(&tx, &entry, now)?;
            tx.commit()
        })
        .await?;
    let link = mailer.link(&format!("{}{token}", paths::link_prefix(purpose)));
    Ok(match purpose {
        LinkPurpose::Activation => {
            texts::activation(&user.email, &user.display_name, &user.username, &link)
        }
        LinkPurpose::Reset => texts::reset(&user.email, &user.display_name, &user.username, &link),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_token_shaped_strings_pass() {
        assert!(looks_like_token(&token::random_token::<32>()));
        assert!(!looks_like_token("short"));
        assert!(!looks_like_token(&"a".repeat(42)));
        assert!(!looks_like_token(&format!("{}/", "a".repeat(42))));
    }
}
