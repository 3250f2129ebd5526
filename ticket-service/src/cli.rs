//! `respi-tickets user add|disable|reset`: account management from the command line, for the
//! first administrator and for scripts; `respi-tickets reindex`: the search index rebuilt;
//! `export-faq` is in [`faq`].

pub mod faq;

use crate::auth::{password, token};
use crate::db::audit::{self, AuditEntry};
use crate::db::users::{self, NewUser};
use crate::db::{self, Db, DbError, organisations, sessions};
use crate::domain::audit::AuditEvent;
use crate::domain::password::NewPassword;
use crate::domain::role::{Role, UnknownRole};
use crate::domain::user::{DisplayName, Email, FieldProblem, Username};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Hash(#[from] password::HashError),
    #[error("{field}: {problem}")]
    Field {
        field: &'static str,
        problem: FieldProblem,
    },
    #[error(transparent)]
    Role(#[from] UnknownRole),
    #[error(
        "l'organizzazione «{0}» non esiste o non è attiva: i codici sono nella pagina Organizzazioni (es. coordinamento, sportelli/<pagina>)"
    )]
    UnknownOrganisation(String),
    #[error("un utente con ruolo «{role}» non può appartenere a «{organisation}»")]
    WrongOrganisation { role: Role, organisation: String },
    #[error("esiste già un utente «{0}»")]
    Taken(String),
    #[error("l'utente «{0}» non esiste")]
    UnknownUser(String),
    #[error(transparent)]
    Search(#[from] crate::search::SearchError),
}

fn field<T>(field: &'static str, result: Result<T, FieldProblem>) -> Result<T, CliError> {
    result.map_err(|problem| CliError::Field { field, problem })
}

/// What `user add` needs.
pub struct AddUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: &'a str,
    pub role: &'a str,
    pub organisation: &'a str,
}

/// Creates an account with a temporary password, which is returned to be printed once.
pub fn add_user(db: &Db, request: &AddUser<'_>) -> Result<String, CliError> {
    let username = field("username", Username::parse(request.username))?;
    let display_name = field("name", DisplayName::parse(request.display_name))?;
    let email = field("email", Email::parse(request.email))?;
    let role: Role = request.role.parse()?;
    let slug = request.organisation.to_owned();
    let organisation = db
        .call_blocking(|conn| organisations::find_by_slug(conn, &slug))?
        .filter(|org| org.active)
        .ok_or_else(|| CliError::UnknownOrganisation(slug.clone()))?;
    if !role.may_belong_to(organisation.kind) {
        return Err(CliError::WrongOrganisation {
            role,
            organisation: organisation.name,
        });
    }
    if db
        .call_blocking(|conn| users::find_by_username(conn, username.as_str()))?
        .is_some()
    {
        return Err(CliError::Taken(username.to_string()));
    }
    let initial = token::initial_password();
    let hash = password::hash_blocking(
        &NewPassword::parse(initial.clone(), username.as_str())
            .expect("generated passwords follow the password rule"),
    )?;
    db.call_blocking(|conn| {
        let tx = conn.transaction()?;
        let now = db::now();
        let id = users::insert(
            &tx,
            &NewUser {
                username: &username,
                display_name: &display_name,
                email: &email,
                role,
                organisation_id: organisation.id,
                password_hash: &hash,
                must_change_password: true,
                demo: false,
            },
            now,
        )?;
        let entry = AuditEntry::new(AuditEvent::UserCreated)
            .subject(id)
            .detail(format!(
                "da riga di comando; ruolo: {}, organizzazione: {}",
                role.as_str(),
                organisation.name
            ));
        audit::append(&tx, &entry, now)?;
        tx.commit()
    })?;
    Ok(initial)
}

/// Rebuilds the search index of the database at `database` from its reports, calling
/// `progress(done, total)` along the way; returns how many reports it holds. A running service
/// holds the index's lock: the command then says so and changes nothing.
pub fn reindex(
    db: &Db,
    database: &std::path::Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<u64, CliError> {
    let index = crate::search::SearchIndex::open(&crate::search::folder_for(database))?;
    Ok(index.rebuild(db, progress)?)
}

fn find_user(db: &Db, username: &str) -> Result<users::UserRow, CliError> {
    let normalised = username.trim().to_lowercase();
    db.call_blocking(|conn| users::find_by_username(conn, &normalised))?
        .ok_or_else(|| CliError::UnknownUser(username.to_owned()))
}

/// Disables an account and ends its sessions.
pub fn disable_user(db: &Db, username: &str) -> Result<(), CliError> {
    let user = find_user(db, username)?;
    db.call_blocking(|conn| {
        let tx = conn.transaction()?;
        users::set_active(&tx, user.id, false)?;
        sessions::delete_for_user(&tx, user.id, None)?;
        let entry = AuditEntry::new(AuditEvent::UserDisabled)
            .subject(user.id)
            .detail("da riga di comando");
        audit::append(&tx, &entry, db::now())?;
        tx.commit()
    })?;
    Ok(())
}

/// Gives an account a new temporary password (to change at next login), lifts any lock,
/// re-enables it and ends its sessions. Returns the password to print once.
pub fn reset_user(db: &Db, username: &str) -> Result<String, CliError> {
    let user = find_user(db, username)?;
    let initial = token::initial_password();
    let hash = password::hash_blocking(
        &NewPassword::parse(initial.clone(), &user.username)
            .expect("generated passwords follow the password rule"),
    )?;
    db.call_blocking(|conn| {
        let tx = conn.transaction()?;
        let now = db::now();
        users::set_password(&tx, user.id, &hash, true, now)?;
        users::set_active(&tx, user.id, true)?;
        // A reset is also the way back for someone who lost the phone with the second factor.
        users::set_second_factor(&tx, user.id, None, None)?;
        sessions::delete_for_user(&tx, user.id, None)?;
        let entry = AuditEntry::new(AuditEvent::PasswordReset)
            .subject(user.id)
            .detail("da riga di comando");
        audit::append(&tx, &entry, now)?;
        tx.commit()
    })?;
    Ok(initial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::NetworkSettings;
    use crate::import;

    fn database() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("db.sqlite3")).unwrap();
        let network = NetworkSettings {
            coordination_name: "Coordinamento".to_owned(),
            questura_name: "Questura".to_owned(),
            prefettura_name: "Prefettura".to_owned(),
        };
        import::sync_all(&db, &dir.path().join("content"), &network).unwrap();
        (dir, db)
    }

    fn admin<'a>() -> AddUser<'a> {
        AddUser {
            username: "Anna.Admin",
            display_name: "Anna Admin",
            email: "anna@ente.example.it",
            role: "admin",
            organisation: "coordinamento",
        }
    }

    #[test]
    fn the_first_admin_is_created_with_a_temporary_password() {
        let (_dir, db) = database();
        let password = add_user(&db, &admin()).unwrap();
        assert_eq!(password.chars().count(), 23);
        let user = find_user(&db, "anna.admin").unwrap();
        assert!(user.must_change_password);
        assert_eq!(user.role, Role::Admin);
        assert!(matches!(add_user(&db, &admin()), Err(CliError::Taken(_))));
    }

    #[test]
    fn roles_must_fit_the_organisation() {
        let (_dir, db) = database();
        let request = AddUser {
            role: "questura",
            ..admin()
        };
        assert!(matches!(
            add_user(&db, &request),
            Err(CliError::WrongOrganisation { .. })
        ));
        let request = AddUser {
            organisation: "sportelli/nessuno",
            ..admin()
        };
        assert!(matches!(
            add_user(&db, &request),
            Err(CliError::UnknownOrganisation(_))
        ));
    }

    #[test]
    fn disable_and_reset_toggle_the_account() {
        let (_dir, db) = database();
        add_user(&db, &admin()).unwrap();
        disable_user(&db, "anna.admin").unwrap();
        assert!(!find_user(&db, "anna.admin").unwrap().active);
        let password = reset_user(&db, "ANNA.ADMIN").unwrap();
        let user = find_user(&db, "anna.admin").unwrap();
        assert!(user.active && user.must_change_password);
        assert!(!password.is_empty());
        assert!(matches!(
            disable_user(&db, "nobody"),
            Err(CliError::UnknownUser(_))
        ));
    }
}
