//! The range checks of the settings: a value that reads well but would switch a protection off
//! or makes no sense is refused, naming its key.

use crate::domain::urgency::BusinessCalendar;

use super::{
    ConfigError, CounterSettings, FeedbackSettings, LoginSettings, ReportSettings, SessionSettings,
    Settings,
};

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
    /// Refuses values that would switch a protection off (a zero limit, a session that never
    /// ends) or that make no sense, naming the key. The service checks again at start,
    /// whatever built the settings.
    pub fn check(&self) -> Result<(), ConfigError> {
        session(&self.session)?;
        login(&self.login)?;
        requests(self)?;
        urgency(&self.reports)?;
        calendar(&self.reports)?;
        feedback(&self.feedback)?;
        counter(&self.counter)?;
        attachments(&self.reports)
    }
}

/// How long a session lasts, idle and at most, and how long a typed password vouches for an
/// export.
fn session(session: &SessionSettings) -> Result<(), ConfigError> {
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
    )
}

/// The lockout after failed logins, the per-address limit, the hashing pool and temporary
/// passwords.
fn login(login: &LoginSettings) -> Result<(), ConfigError> {
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
    )
}

/// How often one address may send the portal's feedback forms.
fn feedback(feedback: &FeedbackSettings) -> Result<(), ConfigError> {
    within(
        "feedback.ip_burst",
        feedback.ip_burst,
        1,
        1000,
        "i moduli di feedback consecutivi da un indirizzo",
    )?;
    within(
        "feedback.ip_refill_secs",
        feedback.ip_refill_secs,
        0.01,
        3600.0,
        "i secondi per recuperare un invio di feedback",
    )?;
    within(
        "feedback.min_secs",
        feedback.min_secs,
        0,
        600,
        "i secondi minimi prima di confermare un modulo di feedback",
    )?;
    within(
        "feedback.max_secs",
        feedback.max_secs,
        feedback.min_secs.max(60),
        7 * 24 * 3600,
        "i secondi di validità di un modulo di feedback da confermare",
    )
}

/// How many page views of one address the counter takes.
fn counter(counter: &CounterSettings) -> Result<(), ConfigError> {
    within(
        "counter.ip_burst",
        counter.ip_burst,
        1,
        10_000,
        "le pagine consecutive contate per un indirizzo",
    )?;
    within(
        "counter.ip_refill_secs",
        counter.ip_refill_secs,
        0.01,
        3600.0,
        "i secondi per contare di nuovo una pagina dello stesso indirizzo",
    )
}

/// The size of a request and the rows of a page.
fn requests(settings: &Settings) -> Result<(), ConfigError> {
    within(
        "max_body_bytes",
        bytes(settings.max_body_bytes),
        1024,
        16 * MIB,
        "i byte di una richiesta",
    )?;
    within(
        "page_size",
        settings.page_size,
        1,
        500,
        "le righe di ogni pagina degli elenchi",
    )
}

/// The urgency codes: at least one, each once, each a short word.
fn urgency(reports: &ReportSettings) -> Result<(), ConfigError> {
    if reports.urgency.is_empty() {
        return Err(rule(
            "reports.urgency",
            "elenca almeno un codice di urgenza",
        ));
    }
    let codes: std::collections::BTreeSet<&str> = reports
        .urgency
        .iter()
        .map(|urgency| urgency.code.as_str())
        .collect();
    if codes.len() != reports.urgency.len() {
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
    Ok(())
}

/// The hour of the daily digests and the local holidays due dates skip.
fn calendar(reports: &ReportSettings) -> Result<(), ConfigError> {
    within(
        "reports.digest_hour",
        reports.digest_hour,
        0,
        23,
        "le ore dell'e-mail di riepilogo",
    )?;
    if BusinessCalendar::new(&reports.local_holidays).is_err() {
        return Err(rule(
            "reports.local_holidays",
            "scrivi ogni festività locale come MM-GG, per esempio \"09-29\"",
        ));
    }
    Ok(())
}

/// The attachment quotas: per file, per report, per user and day, per session.
fn attachments(reports: &ReportSettings) -> Result<(), ConfigError> {
    within(
        "reports.attachment_max_bytes",
        bytes(reports.attachment_max_bytes),
        1024,
        100 * MIB,
        "i byte di un allegato",
    )?;
    within(
        "reports.attachments_per_report",
        reports.attachments_per_report,
        1,
        1000,
        "gli allegati di una segnalazione",
    )?;
    within(
        "reports.attachment_bytes_per_report",
        bytes(reports.attachment_bytes_per_report),
        1,
        10 * 1024 * MIB,
        "i byte degli allegati di una segnalazione",
    )?;
    within(
        "reports.attachments_per_user_per_day",
        reports.attachments_per_user_per_day,
        1,
        10_000,
        "gli allegati che un utente carica in 24 ore",
    )?;
    within(
        "reports.attachment_bytes_per_user_per_day",
        bytes(reports.attachment_bytes_per_user_per_day),
        1,
        100 * 1024 * MIB,
        "i byte che un utente carica in 24 ore",
    )?;
    within(
        "reports.drafts_per_session",
        reports.drafts_per_session,
        1,
        50,
        "le segnalazioni con allegati non ancora inviate in una sessione",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
