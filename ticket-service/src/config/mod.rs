//! Settings in layers: built-in defaults, then an optional TOML file, then `RESPI_TICKETS_*`
//! environment variables (`RESPI_TICKETS_SESSION__IDLE_SECS=600` sets `session.idle_secs`).

mod check;
mod feedback;
mod login;
mod mail;
mod reports;
mod site;
mod storage;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::domain::lockout::LockoutPolicy;
use crate::domain::rate_limit::BucketPolicy;
use crate::domain::role::Role;
use crate::domain::session::SessionPolicy;

pub use feedback::{CounterSettings, FeedbackSettings};
pub use login::{LoginSettings, SessionSettings};
pub use mail::{MailSettings, SmtpSecurity};
pub use reports::ReportSettings;
pub use site::{SiteArea, SiteInfo, SiteInfoError};
pub use storage::{BackupSettings, PoolSettings, RetentionSettings};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Address and port to listen on.
    pub bind: SocketAddr,
    /// The SQLite database file; created with its folder when missing.
    pub database: PathBuf,
    /// The database of `serve --demo`; by default `database` with `-demo` added to its name,
    /// so demo accounts and reports never reach the real one.
    pub demo_database: Option<PathBuf>,
    /// The portal's `content/` folder, source of the offices and of the network's services.
    pub content_dir: PathBuf,
    /// The portal's `site.toml`, for the site's name, owner and legal links.
    pub site_config: PathBuf,
    /// The portal theme's static files, served under `/static/`.
    pub static_dir: PathBuf,
    /// True when a TLS-terminating proxy sits in front: adds `Strict-Transport-Security`.
    pub behind_tls: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Addresses of the reverse proxies in front of the service. Only a request coming from
    /// one of them has its client address read from `X-Forwarded-For`; empty (the default)
    /// means the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Rows on each page of a list (reports, batches, notifications, users, organisations,
    /// the audit log).
    pub page_size: usize,
    pub session: SessionSettings,
    pub login: LoginSettings,
    pub network: NetworkSettings,
    pub mail: MailSettings,
    pub reports: ReportSettings,
    pub feedback: FeedbackSettings,
    /// `[pool]`: read connections and the queue in front of the database.
    pub pool: PoolSettings,
    pub backup: BackupSettings,
    pub retention: RetentionSettings,
    pub counter: CounterSettings,
}

/// The names of the institutions every network has; offices and services come from `content/`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSettings {
    pub coordination_name: String,
    pub questura_name: String,
    pub prefettura_name: String,
}

impl Default for Settings {
    fn default() -> Self {
        let session = SessionPolicy::default();
        let lockout = LockoutPolicy::default();
        Settings {
            bind: SocketAddr::from(([127, 0, 0, 1], 8090)),
            database: PathBuf::from("data/respi-tickets.sqlite3"),
            demo_database: None,
            content_dir: PathBuf::from("content"),
            site_config: PathBuf::from("site.toml"),
            static_dir: PathBuf::from("themes/respi/static"),
            behind_tls: false,
            max_body_bytes: 64 * 1024,
            trusted_proxies: Vec::new(),
            page_size: 50,
            session: SessionSettings {
                idle_secs: session.idle_secs,
                absolute_secs: session.absolute_secs,
                reauth_secs: 5 * 60,
            },
            login: LoginSettings {
                free_attempts: lockout.free_attempts,
                lock_base_secs: lockout.base_secs,
                lock_max_secs: lockout.max_secs,
                ip_burst: 10,
                ip_refill_secs: 6.0,
                ip_max_addresses: crate::auth::login_limiter::DEFAULT_CAPACITY,
                hash_concurrency: 4,
                temporary_password_hours: 72,
                second_factor_roles: vec![Role::Admin, Role::Coordination],
                totp_key: None,
            },
            network: NetworkSettings {
                coordination_name: "Coordinamento della rete".to_owned(),
                questura_name: "Questura – Ufficio Immigrazione".to_owned(),
                prefettura_name: "Prefettura – Sportello Unico per l'Immigrazione".to_owned(),
            },
            mail: MailSettings::default(),
            reports: ReportSettings::default(),
            feedback: FeedbackSettings::default(),
            pool: PoolSettings::default(),
            backup: BackupSettings::default(),
            retention: RetentionSettings::default(),
            counter: CounterSettings::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("il file di configurazione {0} non esiste")]
    Missing(PathBuf),
    #[error("configurazione non valida: {0}")]
    Invalid(#[from] Box<figment::Error>),
    /// A value that reads well but would switch a protection off or makes no sense.
    #[error("configurazione non valida: {key}: {message}")]
    Rule { key: &'static str, message: String },
}

impl Settings {
    /// Reads the layers; `file`, when given, must exist.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = file {
            if !file.is_file() {
                return Err(ConfigError::Missing(file.to_owned()));
            }
            figment = figment.merge(Toml::file_exact(file));
        }
        let settings: Settings = figment
            .merge(Env::prefixed("RESPI_TICKETS_").split("__"))
            .extract()
            .map_err(Box::new)?;
        settings.check()?;
        Ok(settings)
    }

    /// The database `serve --demo` uses: `demo_database`, or `database` with `-demo` before
    /// its extension (`data/respi-tickets.sqlite3` → `data/respi-tickets-demo.sqlite3`).
    pub fn demo_database_path(&self) -> PathBuf {
        if let Some(path) = &self.demo_database {
            return path.clone();
        }
        let stem = self
            .database
            .file_stem()
            .map_or_else(|| "respi-tickets".into(), |s| s.to_string_lossy());
        let name = match self.database.extension() {
            Some(extension) => format!("{stem}-demo.{}", extension.to_string_lossy()),
            None => format!("{stem}-demo"),
        };
        self.database.with_file_name(name)
    }

    /// Where the demo keeps the TOTP key it makes when `login.totp_key` is not set: beside its
    /// database (`data/respi-tickets-demo.totp-key`).
    pub fn demo_totp_key_path(&self) -> PathBuf {
        self.demo_database_path().with_extension("totp-key")
    }

    pub fn session_policy(&self) -> SessionPolicy {
        SessionPolicy {
            idle_secs: self.session.idle_secs,
            absolute_secs: self.session.absolute_secs,
        }
    }

    pub fn lockout_policy(&self) -> LockoutPolicy {
        LockoutPolicy {
            free_attempts: self.login.free_attempts,
            base_secs: self.login.lock_base_secs,
            max_secs: self.login.lock_max_secs,
        }
    }

    /// How long a temporary password stays valid, in seconds.
    pub fn temporary_password_secs(&self) -> i64 {
        i64::from(self.login.temporary_password_hours) * 3600
    }

    pub fn login_bucket_policy(&self) -> BucketPolicy {
        BucketPolicy {
            burst: self.login.ip_burst,
            refill_every: Duration::from_secs_f64(self.login.ip_refill_secs),
        }
    }

    /// Opening the login form creates an anonymous session row; an address may open it three
    /// times as often as it may submit it, which covers typing mistakes but not a flood.
    pub fn login_form_bucket_policy(&self) -> BucketPolicy {
        BucketPolicy {
            burst: self.login.ip_burst.saturating_mul(3),
            refill_every: Duration::from_secs_f64(self.login.ip_refill_secs / 3.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_listen_on_loopback_port_8090() {
        let settings = Settings::load(None).unwrap();
        assert_eq!(settings.bind.to_string(), "127.0.0.1:8090");
        assert_eq!(
            settings.database,
            PathBuf::from("data/respi-tickets.sqlite3")
        );
    }

    #[test]
    fn the_demo_has_a_database_of_its_own() {
        let mut settings = Settings::default();
        assert_eq!(
            settings.demo_database_path(),
            PathBuf::from("data/respi-tickets-demo.sqlite3")
        );
        settings.database = PathBuf::from("/var/lib/respi/tickets");
        assert_eq!(
            settings.demo_database_path(),
            PathBuf::from("/var/lib/respi/tickets-demo")
        );
        settings.demo_database = Some(PathBuf::from("/tmp/prova.sqlite3"));
        assert_eq!(
            settings.demo_database_path(),
            PathBuf::from("/tmp/prova.sqlite3")
        );
        assert_eq!(
            settings.demo_totp_key_path(),
            PathBuf::from("/tmp/prova.totp-key")
        );
    }

    #[test]
    fn the_file_overrides_defaults_and_unknown_keys_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tickets.toml");
        std::fs::write(
            &file,
            "bind = \"127.0.0.1:9000\"\n[session]\nidle_secs = 60\nabsolute_secs = 120\n",
        )
        .unwrap();
        let settings = Settings::load(Some(&file)).unwrap();
        assert_eq!(settings.bind.port(), 9000);
        assert_eq!(settings.session.idle_secs, 60);

        std::fs::write(&file, "bnd = \"127.0.0.1:9000\"\n").unwrap();
        assert!(Settings::load(Some(&file)).is_err());
        assert!(matches!(
            Settings::load(Some(&dir.path().join("missing.toml"))),
            Err(ConfigError::Missing(_))
        ));
    }

    #[test]
    fn the_example_file_holds_every_key_and_loads() {
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("respi-tickets.example.toml");
        let settings = Settings::load(Some(&example)).unwrap();
        let defaults = Settings::default();
        assert_eq!(settings.page_size, defaults.page_size);
        assert_eq!(
            settings.reports.attachment_quota(),
            defaults.reports.attachment_quota()
        );
    }
}
