//! `Principal`: who is asking, taken from the server-side session and nothing the client sends.

use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;

use crate::auth::session::CurrentSession;
use crate::db::audit::AuditEntry;
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::{self, Action};
use crate::domain::role::Role;
use crate::domain::session::needs_reauthentication;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::templates::Viewer;

/// The logged-in user of a request. Handlers get it as an extractor and then call
/// [`Principal::require`] with the action they perform.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The organisation whose data an office or service operator may see: queries on
    /// organisation-owned records filter by it.
    pub organisation_id: i64,
    pub organisation_name: String,
    /// Unread notifications of the report workflow, shown in the header.
    pub unread_notifications: i64,
    pub session_id_hash: Vec<u8>,
    pub csrf_token: String,
    /// A TOTP secret shown on the enrolment page and not yet confirmed, sealed with the key.
    pub enrolment_secret: Option<String>,
    /// When the password (and code) was last typed in this session.
    pub authenticated_at: Option<i64>,
    /// The page asked for, to come back to after confirming the password.
    pub path_and_query: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let session = parts
            .extensions
            .get::<CurrentSession>()
            .and_then(|current| current.0.clone());
        let Some((session, user)) = session.and_then(|s| s.user.clone().map(|u| (s, u))) else {
            // Only a page can be returned to after login; a form post would be replayed blind.
            let next = (parts.method == Method::GET)
                .then(|| parts.uri.path_and_query().map(|pq| pq.as_str().to_owned()))
                .flatten();
            return Err(AppError::NotAuthenticated { next });
        };
        if user.must_change_password
            && parts.uri.path() != paths::CHANGE_PASSWORD
            && parts.uri.path() != paths::LOGOUT
        {
            return Err(AppError::MustChangePassword);
        }
        if session.second_factor_missing
            && !user.must_change_password
            && parts.uri.path() != paths::SECOND_FACTOR
            && parts.uri.path() != paths::LOGOUT
        {
            return Err(AppError::SecondFactorRequired);
        }
        let role = user.role.parse().map_err(|_| AppError::Forbidden)?;
        Ok(Principal {
            user_id: user.id,
            username: user.username,
            display_name: user.display_name,
            role,
            organisation_id: user.organisation_id,
            organisation_name: user.organisation_name,
            unread_notifications: user.unread_notifications,
            session_id_hash: session.id_hash,
            csrf_token: session.csrf_token,
            enrolment_secret: session.enrolment_secret,
            authenticated_at: session.authenticated_at,
            path_and_query: parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned()),
        })
    }
}

impl Principal {
    /// Whether the permission table lets this user perform `action`.
    pub fn can(&self, action: Action) -> bool {
        permissions::allows(self.role, action)
    }

    /// Before an export: succeeds when the password (and code) was typed in this session
    /// within `session.reauth_secs`; otherwise sends the user to confirm it, then back here.
    pub fn require_recent_authentication(&self, state: &AppState) -> Result<(), AppError> {
        let window = state.settings.session.reauth_secs;
        if needs_reauthentication(self.authenticated_at, window, state.clock.now()) {
            return Err(AppError::ReauthenticationRequired {
                next: self.path_and_query.clone(),
            });
        }
        Ok(())
    }

    /// Succeeds when the permission table allows `action`; otherwise records the refusal in the
    /// audit log and answers 403.
    pub async fn require(&self, state: &AppState, action: Action) -> Result<(), AppError> {
        if self.can(action) {
            return Ok(());
        }
        tracing::warn!(user_id = self.user_id, ?action, "access denied");
        let entry = AuditEntry::new(AuditEvent::AccessDenied)
            .actor(self.user_id)
            .detail(format!("{action:?}"));
        state.audit(entry).await?;
        Err(AppError::Forbidden)
    }
}

impl Viewer for Principal {
    fn username(&self) -> &str {
        &self.username
    }

    fn display_name(&self) -> &str {
        &self.display_name
    }

    fn role_label(&self) -> &'static str {
        self.role.label()
    }

    fn organisation_name(&self) -> &str {
        &self.organisation_name
    }

    fn unread_notifications(&self) -> i64 {
        self.unread_notifications
    }

    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn can(&self, action: Action) -> bool {
        Principal::can(self, action)
    }
}
