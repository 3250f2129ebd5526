//! Demo data for `serve --demo`: an office and a service when the portal has none, and one
//! account per role with a fresh random password at every start.

use rusqlite::Connection;

use crate::auth::totp_key::TotpKey;
use crate::auth::{password, token, totp};
use crate::config::ReportSettings;
use crate::db::audit::{self, AuditEntry};
use crate::db::organisations::{self, NewOrganisation, OrganisationRow};
use crate::db::reports::{self, NewReport};
use crate::db::timeline::{self, TransitionEffects};
use crate::db::users::{self, UserRow};
use crate::db::{self, Db, DbError, sessions};
use crate::db::{batches, demo_rows};
use crate::domain::audit::AuditEvent;
use crate::domain::organisation::{OrganisationKind, OrganisationSource};
use crate::domain::password::NewPassword;
use crate::domain::report::{ReportAction, ReportScope, ReportState};
use crate::domain::role::Role;
use crate::domain::urgency::UrgencyCode;
use crate::domain::user::{DisplayName, Email, Username};

/// A demo login to print at start.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub role: Role,
    pub organisation: String,
    pub password: String,
    /// The TOTP secret (base32) when the role logs in with a second factor.
    pub totp_secret: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Hash(#[from] password::HashError),
    #[error("nessuna organizzazione adatta al ruolo {0}")]
    NoOrganisation(Role),
}

/// Adds what the demo needs and (re)creates the demo accounts.
/// The TOTP secrets are stored sealed with `key`; the accounts returned carry them in clear,
/// to print.
pub fn seed(
    db: &Db,
    second_factor_roles: &[Role],
    key: &TotpKey,
) -> Result<Vec<DemoAccount>, DemoError> {
    let now = db::now();
    add_missing_organisations(db, now)?;
    let mut accounts = Vec::new();
    for role in Role::ALL {
        let second_factor = second_factor_roles.contains(&role);
        accounts.push(seed_account(db, role, second_factor, key, now)?);
    }
    Ok(accounts)
}

/// The first organisation of `kind`, if the database has one.
fn first_of_kind(db: &Db, kind: OrganisationKind) -> Result<Option<OrganisationRow>, DbError> {
    db.call_blocking(|conn| organisations::first_of_kind(conn, kind))
}

/// Whether the portal (or the administrator) gave an organisation of `kind`: the demo's own
/// do not count, so a second start keeps them.
fn has_real(db: &Db, kind: OrganisationKind) -> Result<bool, DbError> {
    let demo = OrganisationSource::Demo.as_str();
    Ok(db
        .call_blocking(|conn| organisations::first_of_kind_except_source(conn, kind, demo))?
        .is_some())
}

/// A demo office and a demo service, each only when the portal has none.
fn add_missing_organisations(db: &Db, now: i64) -> Result<(), DemoError> {
    let mut demo_organisations = Vec::new();
    if !has_real(db, OrganisationKind::Office)? {
        let mut office = NewOrganisation::named(
            "demo/sportello",
            "Sportello di prova",
            OrganisationKind::Office,
        );
        office.owner = Some("Comune di prova".to_owned());
        demo_organisations.push(office);
    }
    if !has_real(db, OrganisationKind::Service)? {
        let mut service = NewOrganisation::named(
            "demo/servizio",
            "Servizio sociale di prova",
            OrganisationKind::Service,
        );
        service.service_kind = Some("consorzio socio-assistenziale".to_owned());
        demo_organisations.push(service);
    }
    db.call_blocking(|conn| {
        organisations::sync_source(conn, OrganisationSource::Demo, &demo_organisations, now)
    })?;
    Ok(())
}

/// The demo account of `role`, with a fresh password (and TOTP secret when `second_factor`).
fn seed_account(
    db: &Db,
    role: Role,
    second_factor: bool,
    key: &TotpKey,
    now: i64,
) -> Result<DemoAccount, DemoError> {
    let kind = role.organisation_kinds()[0];
    let organisation = first_of_kind(db, kind)?.ok_or(DemoError::NoOrganisation(role))?;
    let username = Username::parse(&format!("demo.{}", role.as_str()))
        .expect("demo user names follow the user name rule");
    let display_name =
        DisplayName::parse(&format!("Prova {}", role.label())).expect("demo names are short");
    let email = Email::parse(&format!("demo.{}@example.invalid", role.as_str()))
        .expect("demo addresses are well formed");
    let password = token::initial_password();
    let totp_secret = second_factor.then(totp::new_secret);
    let sealed = totp_secret.as_deref().map(|secret| key.seal(secret));
    let hash = password::hash_blocking(
        &NewPassword::parse(password.clone(), username.as_str())
            .expect("generated passwords follow the password rule"),
    )?;
    let user = users::NewUser {
        username: &username,
        display_name: &display_name,
        email: &email,
        role,
        organisation_id: organisation.id,
        password_hash: &hash,
        must_change_password: false,
        demo: true,
    };
    db.call_blocking(|conn| store_account(conn, &user, sealed.as_deref(), now))?;
    Ok(DemoAccount {
        username: username.to_string(),
        role,
        organisation: organisation.name,
        password,
        totp_secret,
    })
}

/// Inserts the demo account, or gives an existing one the new password, enables it and ends
/// its sessions; then sets its second factor (none when `sealed` is `None`).
fn store_account(
    conn: &mut Connection,
    user: &users::NewUser,
    sealed: Option<&str>,
    now: i64,
) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    match users::find_by_username(&tx, user.username.as_str())? {
        Some(existing) => {
            users::set_password(&tx, existing.id, user.password_hash, false, now)?;
            users::set_active(&tx, existing.id, true)?;
            sessions::delete_for_user(&tx, existing.id, None)?;
        }
        None => {
            users::insert(&tx, user, now)?;
        }
    }
    let stored = users::find_by_username(&tx, user.username.as_str())?;
    if let Some(stored) = stored {
        users::set_second_factor(&tx, stored.id, sealed, None)?;
    }
    tx.commit()
}

/// Disables the demo accounts and ends their sessions, so a database once started with
/// `--demo` has no known passwords when started for real.
pub fn disable(db: &Db) -> Result<usize, DbError> {
    db.call_blocking(|conn| {
        let tx = conn.transaction()?;
        let ids = users::disable_demo_accounts(&tx)?;
        for id in &ids {
            sessions::delete_for_user(&tx, *id, None)?;
        }
        tx.commit()?;
        Ok(ids.len())
    })
}

/// Removes the reports the demo accounts filed (with their timeline, attachments and
/// notifications) and the batches left empty, for a start without `--demo` on a database
/// that once ran the demo. Returns how many reports went.
pub fn purge(db: &Db, attachment_dir: &std::path::Path) -> Result<usize, DbError> {
    let purged = db.call_blocking(|conn| {
        let tx = conn.transaction()?;
        let purged = demo_rows::purge(&tx)?;
        if purged.reports > 0 {
            let entry = AuditEntry::new(AuditEvent::DemoDataRemoved).detail(format!(
                "{} segnalazioni e {} lotti della modalità dimostrativa",
                purged.reports, purged.batches
            ));
            audit::append(&tx, &entry, db::now())?;
        }
        tx.commit()?;
        Ok(purged)
    })?;
    // The rows are gone: their files go after them, never before.
    for name in &purged.stored_files {
        if let Err(error) = std::fs::remove_file(attachment_dir.join(name))
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(%error, "demo attachment not removed");
        }
    }
    Ok(purged.reports)
}

/// The ids of the demo's reports and batch, for the list of pages of `GET /__routes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoRecords {
    /// A new report of the demo office, addressed to the Questura.
    pub report_id: i64,
    /// A batch holding a second report, taken in charge and batched.
    pub batch_id: i64,
    /// The demo office operator, for the admin's user page.
    pub user_id: i64,
    /// The demo office operator's organisation, for the admin's organisation page.
    pub organisation_id: i64,
    /// The first kind of appointment, for the booking page.
    pub appointment_kind: i64,
}

/// Submission keys of the demo reports: finding them means the demo ran before.
/// The demo's kinds of appointment, marked as examples: documents handed in Monday to
/// Thursday mornings, two people every half hour; the oath on Wednesdays, three an hour.
pub fn seed_appointments(db: &Db) -> Result<i64, DemoError> {
    use crate::db::appointments::{self, NewKind};
    use crate::domain::appointments::slots::{Opening, Plan};
    use jiff::civil::{Time, Weekday};
    let opening = |weekday, from: Time, until: Time| Opening {
        weekday,
        from,
        until,
    };
    let (nine, ten, noon) = (
        Time::constant(9, 0, 0, 0),
        Time::constant(10, 0, 0, 0),
        Time::constant(12, 0, 0, 0),
    );
    let documents = Plan {
        openings: [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
        ]
        .into_iter()
        .map(|day| opening(day, nine, noon))
        .collect(),
        slot_minutes: 30,
        seats: 2,
        exceptions: Vec::new(),
        min_notice_hours: 24,
        horizon_days: 30,
    };
    let oath = Plan {
        openings: vec![opening(Weekday::Wednesday, ten, noon)],
        slot_minutes: 60,
        seats: 3,
        horizon_days: 60,
        ..documents.clone()
    };
    let first = db.call_blocking(|conn| {
        let kinds = appointments::kinds(conn)?;
        if let Some(kind) = kinds.into_iter().min_by_key(|kind| kind.id) {
            return Ok(kind.id);
        }
        let documents_id = appointments::insert_kind(
            conn,
            &NewKind {
                code: "consegna_documenti",
                name: "Consegna di documenti (esempio)",
                plan: &documents,
            },
        )?;
        let oath_kind = NewKind {
            code: "giuramento",
            name: "Giuramento (esempio)",
            plan: &oath,
        };
        appointments::insert_kind(conn, &oath_kind)?;
        Ok(documents_id)
    })?;
    Ok(first)
}

const DEMO_KEYS: [&str; 2] = ["demo-segnalazione-0001", "demo-segnalazione-0002"];

/// Files two demo reports as `demo.sportello` (one new, one in a batch), once per database.
pub fn seed_reports(db: &Db, settings: &ReportSettings) -> Result<DemoRecords, DemoError> {
    let records = db.call_blocking(|conn| {
        let office = users::find_by_username(conn, "demo.sportello")?;
        let coordination = users::find_by_username(conn, "demo.coordinamento")?;
        let (Some(office), Some(coordination)) = (office, coordination) else {
            return Ok(None);
        };
        let ids = file_demo_reports(conn, &office, settings)?;
        let [report_id, batched_id] = ids[..] else {
            return Ok(None);
        };
        let batch_id = batch_demo_report(conn, batched_id, coordination.id)?;
        Ok(Some(DemoRecords {
            report_id,
            batch_id,
            user_id: office.id,
            organisation_id: office.organisation_id,
            appointment_kind: 0,
        }))
    })?;
    records.ok_or(DemoError::NoOrganisation(Role::Office))
}

/// Files the demo reports as `office`, the first with the most urgent code and the second
/// with the least, keeping those an earlier start filed. Their ids; none without codes.
fn file_demo_reports(
    conn: &mut Connection,
    office: &UserRow,
    settings: &ReportSettings,
) -> rusqlite::Result<Vec<i64>> {
    let today = crate::clock::Clock::system().today();
    let (Some(first), Some(last)) = (settings.urgency.first(), settings.urgency.last()) else {
        return Ok(Vec::new());
    };
    let mut ids = Vec::new();
    for (key, urgency) in DEMO_KEYS.into_iter().zip([first, last]) {
        if let Some(existing) = reports::find_by_submission_key(conn, ReportScope::All, key)? {
            ids.push(existing.id);
            continue;
        }
        let due = settings
            .calendar()
            .add_business_days(today, urgency.business_days);
        let report = demo_report(office, key, urgency, due);
        let tx = conn.transaction()?;
        let (id, _) = reports::insert(&tx, &report, today.year(), db::now())?;
        tx.commit()?;
        ids.push(id);
    }
    Ok(ids)
}

/// A demo report of `office` to the Questura about a residence permit.
fn demo_report(
    office: &UserRow,
    key: &str,
    urgency: &UrgencyCode,
    due_date: jiff::civil::Date,
) -> NewReport {
    NewReport {
        organisation_id: office.organisation_id,
        filed_by: office.id,
        kind: "stato_pratica".to_owned(),
        addressed_office: "questura_immigrazione".to_owned(),
        institution: OrganisationKind::Questura,
        file_kind: "permesso_soggiorno".to_owned(),
        file_reference: Some("DEMO-0001".to_owned()),
        citizen_family_name: "Persona".to_owned(),
        citizen_given_name: "Di prova".to_owned(),
        citizen_birth_date: None,
        citizen_tax_code: None,
        description: "Segnalazione di prova creata dalla modalità dimostrativa.".to_owned(),
        urgency: urgency.code.clone(),
        urgency_reason: "Esempio.".to_owned(),
        due_date,
        submission_key: key.to_owned(),
    }
}

/// Takes the report in charge and puts it in a new batch as the coordination, unless an
/// earlier start did; the id of the batch that holds it.
fn batch_demo_report(
    conn: &mut Connection,
    report_id: i64,
    coordination_id: i64,
) -> rusqlite::Result<i64> {
    let now = db::now();
    let tx = conn.transaction()?;
    let none = TransitionEffects::default();
    timeline::apply_transition(
        &tx,
        report_id,
        coordination_id,
        ReportAction::TakeInCharge,
        ReportState::New,
        ReportState::InCharge,
        "",
        &none,
        now,
    )?;
    let moved = timeline::apply_transition(
        &tx,
        report_id,
        coordination_id,
        ReportAction::AddToBatch,
        ReportState::InCharge,
        ReportState::Batched,
        "",
        &none,
        now,
    )?;
    if moved {
        let batch = batches::insert(&tx, coordination_id, now)?;
        batches::add_report(&tx, batch, report_id)?;
    }
    tx.commit()?;
    conn.query_row(
        "SELECT batch_id FROM batch_reports WHERE report_id = ?1",
        [report_id],
        |row| row.get(0),
    )
}
