//! Assembles the application: database, organisations, templates, routes and layers; binds the
//! listener and serves until shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;

use crate::auth::login_limiter::LoginLimiter;
use crate::auth::password::PasswordHashing;
use crate::auth::totp_key::{self, TotpKey, TotpKeyError};
use crate::clock::Clock;
use crate::config::{ConfigError, Settings, SiteInfo, SiteInfoError};
use crate::db::{Db, DbError, drafts, sessions, users};
use crate::demo::{self, DemoAccount, DemoError};
use crate::import;
use crate::mail::{MailError, Mailer};
use crate::notify;
use crate::routes;
use crate::search::faq::FaqIndex;
use crate::search::{self, Freshness, SearchError, SearchIndex};
use crate::state::AppState;
use crate::templates::Templates;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Site(#[from] SiteInfoError),
    #[error("modelli delle pagine non validi: {0}")]
    Templates(#[from] tera::Error),
    #[error(transparent)]
    Demo(#[from] DemoError),
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    TotpKey(#[from] TotpKeyError),
    #[error(
        "manca la chiave dei segreti TOTP (login.totp_key, o la variabile RESPI_TICKETS_LOGIN__TOTP_KEY): serve perché {reason}. Generane una con «openssl rand -base64 32», conservala fuori dal database e dalle sue copie e riavvia il servizio"
    )]
    TotpKeyMissing { reason: String },
    #[error(
        "la chiave login.totp_key non apre i segreti TOTP salvati delle utenze {usernames}: rimetti la chiave usata finora, oppure reimposta quelle utenze con «respi-tickets user reset NOME» (dovranno configurare di nuovo l'app di autenticazione)"
    )]
    TotpKeyWrong { usernames: String },
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("impossibile mettersi in ascolto su {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
}

/// Opens the database (refusing a corrupt file), applies migrations and refreshes the
/// organisations from the portal's files. Used by `serve` and by the `user` commands.
pub fn prepare_database(settings: &Settings) -> Result<Db, DbError> {
    prepare_database_at(settings, &settings.database)
}

/// [`prepare_database`] on another file: the demo's own database.
fn prepare_database_at(settings: &Settings, path: &std::path::Path) -> Result<Db, DbError> {
    let db = Db::open_with(path, &settings.pool)?;
    import::sync_all(&db, &settings.content_dir, &settings.network)?;
    Ok(db)
}

/// The key of the TOTP secrets: the configured one, or for the demo its own key beside its
/// database, made at the first start.
fn second_factor_key(
    settings: &Settings,
    demo_mode: bool,
) -> Result<Option<TotpKey>, StartupError> {
    let configured = settings
        .login
        .totp_key
        .as_deref()
        .filter(|text| !text.trim().is_empty());
    Ok(match (configured, demo_mode) {
        (Some(text), _) => Some(TotpKey::parse(text)?),
        (None, true) => Some(TotpKey::load_or_create(&settings.demo_totp_key_path())?),
        (None, false) => None,
    })
}

/// Without a key, refuses to start when a role needs a second factor or an active account
/// has one. With it, seals the secrets older versions stored in clear, and refuses to start
/// when an active account's secret does not open: a changed key would lock those people out
/// with nothing but wrong codes to show for it.
fn seal_second_factor_secrets(
    db: &Db,
    key: Option<&TotpKey>,
    roles_needing_it: &[crate::domain::role::Role],
) -> Result<(), StartupError> {
    let stored = db.call_blocking(|conn| users::second_factor_secrets(conn))?;
    let Some(key) = key else {
        if !roles_needing_it.is_empty() {
            let roles: Vec<&str> = roles_needing_it.iter().map(|role| role.as_str()).collect();
            return Err(StartupError::TotpKeyMissing {
                reason: format!(
                    "i ruoli {} accedono con un codice (login.second_factor_roles)",
                    roles.join(", ")
                ),
            });
        }
        let enrolled = stored.iter().filter(|secret| secret.active).count();
        if enrolled > 0 {
            return Err(StartupError::TotpKeyMissing {
                reason: format!("{enrolled} utenze attive hanno la verifica in due passaggi"),
            });
        }
        return Ok(());
    };
    let sealed = db.call_blocking(|conn| {
        let tx = conn.transaction()?;
        let mut sealed = 0;
        for secret in stored.iter().filter(|s| !TotpKey::is_sealed(&s.secret)) {
            users::seal_second_factor(&tx, secret.id, &key.seal(&secret.secret))?;
            sealed += 1;
        }
        sessions::forget_clear_enrolment_secrets(&tx, totp_key::SEALED_PREFIX)?;
        tx.commit()?;
        Ok(sealed)
    })?;
    if sealed > 0 {
        tracing::warn!(sealed, "TOTP secrets stored in clear are now encrypted");
    }
    let unreadable: Vec<&str> = stored
        .iter()
        .filter(|s| s.active && TotpKey::is_sealed(&s.secret) && key.open(&s.secret).is_none())
        .map(|s| s.username.as_str())
        .collect();
    if !unreadable.is_empty() {
        return Err(StartupError::TotpKeyWrong {
            usernames: unreadable.join(", "),
        });
    }
    Ok(())
}

/// Opens the search index beside `database` and brings it up to date with it: caught up
/// from the changes it missed, or rebuilt when it cannot be trusted (see `search`).
pub fn open_search_index(db: &Db, database: &std::path::Path) -> Result<SearchIndex, SearchError> {
    let index = SearchIndex::open(&search::folder_for(database))?;
    match index.bring_up_to_date(db, &mut |_, _| ()) {
        Ok(Freshness::CaughtUp(0)) => {}
        Ok(Freshness::CaughtUp(changed)) => {
            tracing::info!(changed, "search index caught up with the database");
        }
        Ok(Freshness::Rebuilt(why, reports)) => {
            tracing::warn!(reason = why.describe(), reports, "search index rebuilt");
        }
        // Another process on this database keeps the index up to date; this one searches it.
        Err(SearchError::Busy) => {
            tracing::warn!("search index held by another process: left to it");
        }
        Err(error) => return Err(error),
    }
    Ok(index)
}

/// The portal's published FAQ in memory; a broken page is logged and the others are still
/// suggested, since suggestions are a help, not a step the report depends on.
fn load_faq(content_dir: &std::path::Path) -> FaqIndex {
    let pages = match import::faq::read_faq(&content_dir.join("faq")) {
        Ok(pages) => pages,
        Err(error) => {
            tracing::error!(%error, "FAQ not read: no FAQ suggestions");
            Vec::new()
        }
    };
    let index = FaqIndex::build(pages).unwrap_or_else(|error| {
        tracing::error!(%error, "FAQ not indexed: no FAQ suggestions");
        FaqIndex::empty()
    });
    tracing::info!(
        pages = index.len(),
        "published FAQ read for the report form's suggestions"
    );
    index
}

/// With `--demo`, the demo's accounts, reports and appointments; without, the demo's
/// accounts disabled and its reports removed from a database that once ran it.
fn seed_or_clear_demo(
    db: &Db,
    settings: &Settings,
    totp_key: Option<&TotpKey>,
    demo_mode: bool,
) -> Result<(Vec<DemoAccount>, Option<demo::DemoRecords>), StartupError> {
    Ok(if demo_mode {
        // The demo always has a key: the configured one or its own.
        let key = totp_key.expect("the demo makes a key when none is configured");
        let accounts = demo::seed(db, &settings.login.second_factor_roles, key)?;
        let mut records = demo::seed_reports(db, &settings.reports)?;
        records.appointment_kind = demo::seed_appointments(db)?;
        (accounts, Some(records))
    } else {
        let disabled = demo::disable(db)?;
        if disabled > 0 {
            tracing::warn!(disabled, "demo accounts disabled: started without --demo");
        }
        let purged = demo::purge(db, &settings.reports.attachment_dir)?;
        if purged > 0 {
            tracing::warn!(purged, "demo reports removed: started without --demo");
        }
        (Vec::new(), None)
    })
}

/// A bound, ready-to-run service.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    demo_accounts: Vec<DemoAccount>,
}

impl Application {
    /// Prepares everything and binds `settings.bind` (port 0 picks a free port).
    pub async fn build(settings: Settings, demo_mode: bool) -> Result<Self, StartupError> {
        // However the settings were built, none that switches a protection off gets further.
        settings.check()?;
        // The demo runs on a database of its own, so its accounts and reports never reach
        // the real one; a real database that ran the demo before loses its demo reports here.
        let database = if demo_mode {
            settings.demo_database_path()
        } else {
            settings.database.clone()
        };
        let db = prepare_database_at(&settings, &database)?;
        let totp_key = second_factor_key(&settings, demo_mode)?;
        let (demo_accounts, demo_records) =
            seed_or_clear_demo(&db, &settings, totp_key.as_ref(), demo_mode)?;
        seal_second_factor_secrets(&db, totp_key.as_ref(), &settings.login.second_factor_roles)?;
        let search = open_search_index(&db, &database)?;
        let site = SiteInfo::load(&settings.site_config)?;
        let templates = Templates::load()?;
        let mailer = Mailer::from_settings(&settings.mail)?;
        let listener =
            TcpListener::bind(settings.bind)
                .await
                .map_err(|source| StartupError::Bind {
                    address: settings.bind,
                    source,
                })?;
        let state = AppState {
            db,
            login_limiter: Arc::new(LoginLimiter::with_capacity(
                settings.login_bucket_policy(),
                settings.login.ip_max_addresses,
            )),
            login_form_limiter: Arc::new(LoginLimiter::with_capacity(
                settings.login_form_bucket_policy(),
                settings.login.ip_max_addresses,
            )),
            feedback_limiter: Arc::new(LoginLimiter::with_capacity(
                settings.feedback.bucket_policy(),
                settings.login.ip_max_addresses,
            )),
            counter_limiter: Arc::new(LoginLimiter::with_capacity(
                settings.counter.bucket_policy(),
                settings.login.ip_max_addresses,
            )),
            hashing: Arc::new(PasswordHashing::new(settings.login.hash_concurrency)),
            totp_key,
            mailer,
            demo: demo_records,
            clock: Clock::system(),
            search: Arc::new(search),
            indexing: Arc::new(crate::search::IndexUpkeep::default()),
            faq: Arc::new(load_faq(&settings.content_dir)),
            settings: Arc::new(settings),
            site: Arc::new(site),
            templates: Arc::new(templates),
        };
        let router = routes::router(state.clone());
        Ok(Application {
            listener,
            router,
            state,
            demo_accounts,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn demo_accounts(&self) -> &[DemoAccount] {
        &self.demo_accounts
    }

    /// The service's state, for tests that run a scheduled job at a chosen moment.
    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    /// The service's clock: a test moves it forward instead of waiting.
    pub fn clock(&self) -> Clock {
        self.state.clock.clone()
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let purge = tokio::spawn(purge_sessions_periodically(self.state.clone()));
        let digests = tokio::spawn(notify::send_digests_daily(self.state.clone()));
        let retention = tokio::spawn(crate::app::retention::run_daily(self.state.clone()));
        let backups = tokio::spawn(crate::backup::schedule::run_periodically(
            self.state.clone(),
        ));
        let indexing = tokio::spawn(crate::app::reports::search::keep_index_current(
            self.state.clone(),
        ));
        let result = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        purge.abort();
        digests.abort();
        backups.abort();
        retention.abort();
        // Changes not yet in the index stay queued in the database: the next start applies them.
        indexing.abort();
        let (index, db) = (self.state.search.clone(), self.state.db.clone());
        match tokio::task::spawn_blocking(move || index.forget_applied(&db)).await {
            Ok(Ok(())) | Ok(Err(crate::search::SearchError::Busy)) => {}
            Ok(Err(error)) => tracing::warn!(%error, "search queue not trimmed at stop"),
            Err(error) => tracing::warn!(%error, "search queue not trimmed at stop"),
        }
        result
    }
}

/// Deletes ended sessions every few minutes, and the attachments of report forms never sent
/// in them; expiry itself is checked on every request, this only keeps the tables small. The
/// first round runs at start.
async fn purge_sessions_periodically(state: AppState) {
    let mut every = tokio::time::interval(Duration::from_secs(300));
    loop {
        every.tick().await;
        let policy = state.settings.session_policy();
        let now = state.clock.now();
        let purged = state
            .db
            .call(move |conn| {
                sessions::purge_expired(conn, policy.idle_secs, policy.absolute_secs, now)?;
                drafts::purge_abandoned(conn)
            })
            .await;
        match purged {
            Ok(files) => {
                let folder = state.settings.reports.attachment_dir.clone();
                crate::attachment_store::delete(&folder, files).await;
            }
            Err(error) => tracing::error!(%error, "session purge failed"),
        }
    }
}
