//! Settings in layers: built-in defaults, then an optional TOML file, then `RESPI_TICKETS_*`
//! environment variables (`RESPI_TICKETS_SESSION__IDLE_SECS=600` sets `session.idle_secs`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::domain::attachment::Quota;
use crate::domain::lockout::LockoutPolicy;
use crate::domain::rate_limit::BucketPolicy;
use crate::domain::role::Role;
use crate::domain::session::SessionPolicy;
use crate::domain::urgency::{BusinessCalendar, UrgencyCode, default_codes};

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
}

/// The report workflow: urgency codes, holidays and attachments.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSettings {
    /// Urgency codes from the most to the least urgent; queues sort in this order.
    pub urgency: Vec<UrgencyCode>,
    /// Local holidays skipped by due dates besides the national ones, as `MM-DD`.
    pub local_holidays: Vec<String>,
    /// Where attachments are stored, outside any folder the service serves.
    pub attachment_dir: PathBuf,
    /// Largest attachment accepted, in bytes.
    pub attachment_max_bytes: usize,
    /// Most attachments one report may have, counting the files of its form.
    pub attachments_per_report: usize,
    /// Most bytes the attachments of one report may take together.
    pub attachment_bytes_per_report: usize,
    /// Most attachments one user may upload in 24 hours, on forms and on reports.
    pub attachments_per_user_per_day: usize,
    /// Most bytes one user may upload in 24 hours.
    pub attachment_bytes_per_user_per_day: usize,
    /// Most report forms with attachments, not yet sent, that one session may hold.
    pub drafts_per_session: usize,
    /// Hour of the day (Italian time) when the daily digests are mailed.
    pub digest_hour: i8,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            urgency: default_codes(),
            local_holidays: Vec::new(),
            attachment_dir: PathBuf::from("data/attachments"),
            attachment_max_bytes: 5 * 1024 * 1024,
            attachments_per_report: 20,
            attachment_bytes_per_report: 50 * 1024 * 1024,
            attachments_per_user_per_day: 100,
            attachment_bytes_per_user_per_day: 250 * 1024 * 1024,
            drafts_per_session: 3,
            digest_hour: 7,
        }
    }
}

impl ReportSettings {
    fn check(&self) -> Result<(), ConfigError> {
        if self.urgency.is_empty() {
            return Err(rule(
                "reports.urgency",
                "elenca almeno un codice di urgenza",
            ));
        }
        let codes: std::collections::BTreeSet<&str> = self
            .urgency
            .iter()
            .map(|urgency| urgency.code.as_str())
            .collect();
        if codes.len() != self.urgency.len() {
            return Err(rule(
                "reports.urgency",
                "contiene due volte lo stesso codice",
            ));
        }
        // Lists sort by the codes' order, passed to the query as one comma-separated
        // parameter, so a code is a short word.
        let well_formed = |code: &str| {
            (1..=10).contains(&code.len())
                && code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        if let Some(code) = codes.iter().find(|code| !well_formed(code)) {
            return Err(rule(
                "reports.urgency",
                format!(
                    "il codice «{code}» non è ammesso: usa da 1 a 10 lettere, cifre, trattini o trattini bassi"
                ),
            ));
        }
        within(
            "reports.digest_hour",
            self.digest_hour,
            0,
            23,
            "le ore dell'e-mail di riepilogo",
        )?;
        if BusinessCalendar::new(&self.local_holidays).is_err() {
            return Err(rule(
                "reports.local_holidays",
                "scrivi ogni festività locale come MM-GG, per esempio \"09-29\"",
            ));
        }
        within(
            "reports.attachment_max_bytes",
            bytes(self.attachment_max_bytes),
            1024,
            100 * MIB,
            "i byte di un allegato",
        )?;
        within(
            "reports.attachments_per_report",
            self.attachments_per_report,
            1,
            1000,
            "gli allegati di una segnalazione",
        )?;
        within(
            "reports.attachment_bytes_per_report",
            bytes(self.attachment_bytes_per_report),
            1,
            10 * 1024 * MIB,
            "i byte degli allegati di una segnalazione",
        )?;
        within(
            "reports.attachments_per_user_per_day",
            self.attachments_per_user_per_day,
            1,
            10_000,
            "gli allegati che un utente carica in 24 ore",
        )?;
        within(
            "reports.attachment_bytes_per_user_per_day",
            bytes(self.attachment_bytes_per_user_per_day),
            1,
            100 * 1024 * MIB,
            "i byte che un utente carica in 24 ore",
        )?;
        within(
            "reports.drafts_per_session",
            self.drafts_per_session,
            1,
            50,
            "le segnalazioni con allegati non ancora inviate in una sessione",
        )
    }

    /// The attachment quotas, as the rules of `domain::attachment` take them.
    pub fn attachment_quota(&self) -> Quota {
        let count = |value: usize| u64::try_from(value).unwrap_or(u64::MAX);
        Quota {
            report_files: count(self.attachments_per_report),
            report_bytes: count(self.attachment_bytes_per_report),
            user_files: count(self.attachments_per_user_per_day),
            user_bytes: count(self.attachment_bytes_per_user_per_day),
            session_drafts: count(self.drafts_per_session),
        }
    }

    pub fn calendar(&self) -> BusinessCalendar {
        // `Settings::check` has parsed the holidays already.
        BusinessCalendar::new(&self.local_holidays).unwrap_or_default()
    }

    pub fn urgency(&self, code: &str) -> Option<&UrgencyCode> {
        self.urgency.iter().find(|urgency| urgency.code == code)
    }

    /// Position of `code` in the configured order, for sorting; unknown codes last.
    pub fn urgency_rank(&self, code: &str) -> usize {
        self.urgency
            .iter()
            .position(|urgency| urgency.code == code)
            .unwrap_or(usize::MAX)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSettings {
    /// A session ends after this many seconds without requests.
    pub idle_secs: i64,
    /// A session ends this many seconds after login, however busy.
    pub absolute_secs: i64,
    /// Exports need the password (and code) typed within this many seconds; older sessions
    /// are asked again first (ASVS 3.7.1).
    pub reauth_secs: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginSettings {
    /// Failed logins allowed on one account before it is locked.
    pub free_attempts: u32,
    /// First lock, in seconds; it doubles with each further failure.
    pub lock_base_secs: i64,
    /// Longest lock, in seconds.
    pub lock_max_secs: i64,
    /// Login attempts one address may make in a burst.
    pub ip_burst: u32,
    /// Seconds for one attempt of the burst to come back.
    pub ip_refill_secs: f64,
    /// Addresses (IPv6: /64 networks) the per-address limit keeps in memory at most; beyond
    /// them, those idle the longest are forgotten.
    pub ip_max_addresses: usize,
    /// Hours a temporary password (from `user add`, `user reset`, or an account created
    /// without mail) stays valid; after that only a new reset gives one.
    pub temporary_password_hours: u32,
    /// Password hashes (Argon2, 19 MiB and tens of milliseconds of a core each) computed at
    /// the same time at most; further ones wait their turn.
    pub hash_concurrency: usize,
    /// Roles that must log in with a TOTP code besides the password (ASVS 4.3.1).
    pub second_factor_roles: Vec<Role>,
    /// The key (32 random bytes in base64) that encrypts the TOTP secrets in the database.
    /// Kept out of the database, better in `RESPI_TICKETS_LOGIN__TOTP_KEY` than in a file;
    /// required as soon as a role needs a second factor or an account has one. The demo
    /// makes its own when this is not set.
    pub totp_key: Option<String>,
}

/// The names of the institutions every network has; offices and services come from `content/`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSettings {
    pub coordination_name: String,
    pub questura_name: String,
    pub prefettura_name: String,
}

/// Outgoing mail. Without `smtp_host` no mail is sent: new accounts then get a temporary
/// password that the administrator hands over, and "password dimenticata" is not offered.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    pub smtp_security: SmtpSecurity,
    pub smtp_username: Option<String>,
    /// Better set through `RESPI_TICKETS_MAIL__SMTP_PASSWORD` than written in a file.
    pub smtp_password: Option<String>,
    /// Sender, as `Nome <indirizzo>`.
    pub from: String,
    /// The address of the reserved area as people reach it, for the links in mails.
    pub public_url: String,
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (port 587).
    Starttls,
    /// TLS from the start (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine.
    None,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            smtp_host: None,
            smtp_port: 587,
            smtp_security: SmtpSecurity::Starttls,
            smtp_username: None,
            smtp_password: None,
            from: "Area riservata ReSPI <noreply@example.invalid>".to_owned(),
            public_url: "http://127.0.0.1:8090/".to_owned(),
        }
    }
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

fn rule(key: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError::Rule {
        key,
        message: message.into(),
    }
}

/// Refuses `value` of `key` outside `min..=max`, saying what the key holds. A value that does
/// not compare (NaN) is outside every range.
fn within<T: PartialOrd + std::fmt::Display>(
    key: &'static str,
    value: T,
    min: T,
    max: T,
    what: &str,
) -> Result<(), ConfigError> {
    if min <= value && value <= max {
        return Ok(());
    }
    Err(rule(
        key,
        format!("il valore {value} non è ammesso: {what} vanno da {min} a {max}"),
    ))
}

/// Sizes in bytes are compared as `u64`, whatever the width of `usize`.
fn bytes(value: usize) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

const MIB: u64 = 1024 * 1024;

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

    /// Refuses values that would switch a protection off (a zero limit, a session that never
    /// ends) or that make no sense, naming the key. The service checks again at start,
    /// whatever built the settings.
    pub fn check(&self) -> Result<(), ConfigError> {
        let session = &self.session;
        within(
            "session.idle_secs",
            session.idle_secs,
            1,
            12 * 3600,
            "i secondi senza richieste dopo cui la sessione termina (consigliati 1800, cioè 30 minuti)",
        )?;
        within(
            "session.absolute_secs",
            session.absolute_secs,
            1,
            24 * 3600,
            "i secondi dall'accesso dopo cui la sessione termina comunque (consigliati 43200, cioè 12 ore)",
        )?;
        within(
            "session.reauth_secs",
            session.reauth_secs,
            1,
            3600,
            "i secondi in cui la password digitata vale per un'esportazione (consigliati 300, cioè 5 minuti)",
        )?;
        let login = &self.login;
        within(
            "login.free_attempts",
            login.free_attempts,
            1,
            100,
            "i tentativi sbagliati prima della sospensione dell'utenza",
        )?;
        within(
            "login.lock_base_secs",
            login.lock_base_secs,
            1,
            24 * 3600,
            "i secondi della prima sospensione",
        )?;
        within(
            "login.lock_max_secs",
            login.lock_max_secs,
            login.lock_base_secs,
            7 * 24 * 3600,
            "i secondi della sospensione più lunga (non meno di login.lock_base_secs)",
        )?;
        within(
            "login.ip_burst",
            login.ip_burst,
            1,
            1000,
            "i tentativi di accesso consecutivi da un indirizzo",
        )?;
        within(
            "login.ip_refill_secs",
            login.ip_refill_secs,
            0.01,
            3600.0,
            "i secondi per recuperare un tentativo di accesso",
        )?;
        within(
            "login.ip_max_addresses",
            login.ip_max_addresses,
            1,
            10_000_000,
            "gli indirizzi di cui si tengono in memoria i tentativi di accesso",
        )?;
        within(
            "login.hash_concurrency",
            login.hash_concurrency,
            1,
            256,
            "gli hash di password calcolati insieme",
        )?;
        within(
            "login.temporary_password_hours",
            login.temporary_password_hours,
            1,
            30 * 24,
            "le ore di validità di una password temporanea",
        )?;
        within(
            "max_body_bytes",
            bytes(self.max_body_bytes),
            1024,
            16 * MIB,
            "i byte di una richiesta",
        )?;
        within(
            "page_size",
            self.page_size,
            1,
            500,
            "le righe di ogni pagina degli elenchi",
        )?;
        self.reports.check()
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

/// What the pages need from the portal's `site.toml`; other keys are the generator's business.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteInfo {
    pub title: String,
    pub short_title: String,
    pub owner: String,
    pub base_url: Option<String>,
    pub accessibility_statement_url: Option<String>,
}

impl Default for SiteInfo {
    fn default() -> Self {
        SiteInfo {
            title: "Rete degli sportelli pubblici per immigrati".to_owned(),
            short_title: "ReSPI".to_owned(),
            owner: String::new(),
            base_url: None,
            accessibility_statement_url: None,
        }
    }
}

impl SiteInfo {
    /// Reads `site.toml`; a missing file gives the defaults, a broken one an error.
    pub fn load(path: &Path) -> Result<Self, SiteInfoError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                tracing::warn!(path = %path.display(), "site.toml not found: using generic site names");
                return Ok(SiteInfo::default());
            }
            Err(source) => {
                return Err(SiteInfoError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        toml::from_str(&text).map_err(|source| SiteInfoError::Parse {
            path: path.to_owned(),
            source: Box::new(source),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SiteInfoError {
    #[error("impossibile leggere {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} non è valido: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
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
    fn urgency_codes_and_holidays_come_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tickets.toml");
        std::fs::write(
            &file,
            "[reports]\nlocal_holidays = [\"12-04\"]\n[[reports.urgency]]\ncode = \"A\"\nlabel = \"Alta\"\nbusiness_days = 1\nurgent = true\n",
        )
        .unwrap();
        let settings = Settings::load(Some(&file)).unwrap();
        assert_eq!(settings.reports.urgency.len(), 1);
        assert_eq!(settings.reports.urgency_rank("A"), 0);
        assert!(
            settings
                .reports
                .calendar()
                .is_holiday(jiff::civil::date(2026, 12, 4))
        );

        std::fs::write(&file, "[reports]\nlocal_holidays = [\"4 dicembre\"]\n").unwrap();
        assert!(matches!(
            Settings::load(Some(&file)),
            Err(ConfigError::Rule {
                key: "reports.local_holidays",
                ..
            })
        ));
    }

    #[test]
    fn values_that_switch_a_protection_off_are_refused_naming_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tickets.toml");
        for (toml, key) in [
            ("[session]\nidle_secs = 0\n", "session.idle_secs"),
            (
                "[session]\nabsolute_secs = 999999999\n",
                "session.absolute_secs",
            ),
            ("[session]\nreauth_secs = 0\n", "session.reauth_secs"),
            ("[login]\nfree_attempts = 0\n", "login.free_attempts"),
            ("[login]\nfree_attempts = 100000\n", "login.free_attempts"),
            ("[login]\nlock_base_secs = 0\n", "login.lock_base_secs"),
            ("[login]\nlock_max_secs = 10\n", "login.lock_max_secs"),
            ("[login]\nip_burst = 0\n", "login.ip_burst"),
            ("[login]\nip_refill_secs = nan\n", "login.ip_refill_secs"),
            ("max_body_bytes = 0\n", "max_body_bytes"),
            ("page_size = 0\n", "page_size"),
            (
                "[reports]\nattachment_max_bytes = 0\n",
                "reports.attachment_max_bytes",
            ),
            (
                "[reports]\ndrafts_per_session = 0\n",
                "reports.drafts_per_session",
            ),
        ] {
            std::fs::write(&file, toml).unwrap();
            let error = Settings::load(Some(&file)).unwrap_err();
            assert!(
                matches!(&error, ConfigError::Rule { key: found, .. } if *found == key),
                "{toml}: {error}"
            );
            let message = error.to_string();
            assert!(message.contains(key), "{message}");
            assert!(message.contains("non è ammesso"), "{message}");
        }
        std::fs::write(
            &file,
            "[[reports.urgency]]\ncode = \"U,1\"\nlabel = \"x\"\nbusiness_days = 1\nurgent = false\n",
        )
        .unwrap();
        assert!(Settings::load(Some(&file)).is_err());
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

    #[test]
    fn site_info_reads_only_what_it_needs() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("site.toml");
        std::fs::write(
            &file,
            "title = \"Rete\"\nshort_title = \"R\"\nowner = \"Provincia\"\nmenu = [\"a\"]\n",
        )
        .unwrap();
        let info = SiteInfo::load(&file).unwrap();
        assert_eq!(info.owner, "Provincia");
        assert!(info.accessibility_statement_url.is_none());
        let missing = SiteInfo::load(&dir.path().join("none.toml")).unwrap();
        assert_eq!(missing.short_title, "ReSPI");
    }
}
