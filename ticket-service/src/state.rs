//! What every handler can reach, and the parts of it a handler or a use case can ask for alone
//! (axum's `FromRef`): the database, the settings, the clock.

use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::login_limiter::LoginLimiter;
use crate::auth::password::PasswordHashing;
use crate::auth::totp_key::TotpKey;
use crate::clock::Clock;
use crate::config::{Settings, SiteInfo};
use crate::db::{self, Db, DbError};
use crate::demo::DemoRecords;
use crate::mail::Mailer;
use crate::search::SearchIndex;
use crate::search::faq::FaqIndex;
use crate::templates::{PageSource, Templates};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub site: Arc<SiteInfo>,
    pub templates: Arc<Templates>,
    /// Limits login attempts per address.
    pub login_limiter: Arc<LoginLimiter>,
    /// Limits the anonymous sessions an address can create by opening the login form.
    pub login_form_limiter: Arc<LoginLimiter>,
    /// Limits the feedback forms an address can send from the public portal.
    pub feedback_limiter: Arc<LoginLimiter>,
    /// Limits the page views of an address the portal's counter takes.
    pub counter_limiter: Arc<LoginLimiter>,
    /// Every password hash of the requests, bounded in number at once.
    pub hashing: Arc<PasswordHashing>,
    /// Seals and opens the TOTP secrets; `None` when no role needs a second factor, no account
    /// has one and no key is configured (enrolling is then refused).
    pub totp_key: Option<TotpKey>,
    /// `None` when no SMTP server is configured.
    pub mailer: Option<Mailer>,
    /// The demo's records when started with `--demo`; only then is `GET /__routes` served.
    pub demo: Option<DemoRecords>,
    /// Every "now" and "today" of the requests.
    pub clock: Clock,
    /// The full-text index of the reports.
    pub search: Arc<SearchIndex>,
    /// Wakes the task that applies the queued changes to `search` (see
    /// `app::reports::search::keep_index_current`).
    pub indexing: Arc<crate::search::IndexUpkeep>,
    /// The portal's published FAQ, for the suggestions of the report form.
    pub faq: Arc<FaqIndex>,
}

impl AppState {
    /// Appends `entry` to the audit log.
    pub async fn audit(&self, entry: db::audit::AuditEntry) -> Result<(), DbError> {
        let now = self.clock.now();
        self.db
            .write_shared(move |conn| db::audit::append(conn, &entry, now))
            .await
    }
}

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Db {
        state.db.clone()
    }
}

impl FromRef<AppState> for Arc<Settings> {
    fn from_ref(state: &AppState) -> Arc<Settings> {
        state.settings.clone()
    }
}

impl FromRef<AppState> for Clock {
    fn from_ref(state: &AppState) -> Clock {
        state.clock.clone()
    }
}

impl PageSource for AppState {
    fn site(&self) -> &SiteInfo {
        &self.site
    }

    fn templates(&self) -> &Templates {
        &self.templates
    }
}
