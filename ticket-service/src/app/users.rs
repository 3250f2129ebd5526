//! Administering accounts: creating one, changing its role, disabling it. Each change ends the
//! sessions it affects and writes its audit line in its own transaction.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::app::typed_password::{self, PasswordField};
use crate::auth::principal::Principal;
use crate::auth::{links, password, token};
use crate::db::audit::{self, AuditEntry};
use crate::db::organisations::{self, OrganisationRow};
use crate::db::sessions;
use crate::db::users::{self, NewUser, UserRow};
use crate::db::{Db, DbError};
use crate::domain::account_link::LinkPurpose;
use crate::domain::audit::AuditEvent;
use crate::domain::password::NewPassword;
use crate::domain::permissions::Action;
use crate::domain::role::Role;
use crate::domain::user::{DisplayName, Email, Username};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::state::AppState;

const USERNAME_TAKEN: &str = "Esiste già un utente con questo nome: scegline un altro.";

/// The account `id`, or 404.
pub async fn find(db: &Db, id: i64) -> Result<UserRow, AppError> {
    db.read(move |conn| users::find_by_id(conn, id))
        .await?
        .ok_or(AppError::NotFound)
}

/// Parses the `role` and `organisation` fields and checks that the role may belong to the
/// organisation; problems go to `errors` under those two field ids.
async fn check_assignment(
    db: &Db,
    role: &str,
    organisation: &str,
    errors: &mut FormErrors,
) -> Result<Option<(Role, OrganisationRow)>, AppError> {
    let role = errors.check("role", Role::parse_choice(role));
    let organisation = match organisation.trim().parse::<i64>() {
        Ok(id) => db
            .read(move |conn| organisations::find_by_id(conn, id))
            .await?
            .filter(|org| org.active),
        Err(_) => None,
    };
    let Some(organisation) = organisation else {
        errors.add("organisation", "Scegli l'organizzazione dall'elenco.");
        return Ok(None);
    };
    let Some(role) = role else {
        return Ok(None);
    };
    if let Err(problem) = role.check_membership(Some(organisation.kind), &organisation.name) {
        errors.add("organisation", problem);
        return Ok(None);
    }
    Ok(Some((role, organisation)))
}

/// What the admin typed, kept as text so the form can show it again next to its errors.
#[derive(Deserialize, Serialize, Default)]
pub struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
}

/// A new account once every field is checked.
struct ValidUser {
    username: Username,
    display_name: DisplayName,
    email: Email,
    role: Role,
    organisation: OrganisationRow,
}

/// Checks the form field by field, in page order; the user name must be free.
async fn check_new_user(
    db: &Db,
    form: &NewUserForm,
) -> Result<Result<ValidUser, FormErrors>, AppError> {
    let mut errors = FormErrors::default();
    let username = errors.check("username", Username::parse(&form.username));
    let display_name = errors.check("display_name", DisplayName::parse(&form.display_name));
    let email = errors.check("email", Email::parse(&form.email));
    if let Some(username) = &username {
        let lookup = username.as_str().to_owned();
        let taken = db
            .read(move |conn| users::find_by_username(conn, &lookup))
            .await?
            .is_some();
        if taken {
            errors.add("username", USERNAME_TAKEN);
        }
    }
    let assignment = check_assignment(db, &form.role, &form.organisation, &mut errors).await?;
    Ok(match (username, display_name, email, assignment) {
        (Some(username), Some(display_name), Some(email), Some((role, organisation)))
            if errors.is_empty() =>
        {
            Ok(ValidUser {
                username,
                display_name,
                email,
                role,
                organisation,
            })
        }
        _ => Err(errors),
    })
}

/// The account as the page after its creation shows it.
#[derive(Serialize)]
pub struct CreatedUser {
    id: i64,
    username: String,
    display_name: String,
    email: String,
    /// The temporary password, when no mail can carry an activation link.
    password: Option<String>,
}

pub enum UserCreation {
    Created(CreatedUser),
    /// The form again, with what is wrong.
    Invalid(FormErrors),
}

/// Creates an account. With mail, the person chooses the password through an activation
/// link; without it, a temporary password is shown once to the admin and must be changed at
/// first login.
pub async fn create(
    state: &AppState,
    principal: &Principal,
    form: &NewUserForm,
) -> Result<UserCreation, AppError> {
    principal.require(state, Action::ManageUsers).await?;
    let valid = match check_new_user(&state.db, form).await? {
        Ok(valid) => valid,
        Err(errors) => return Ok(UserCreation::Invalid(errors)),
    };
    let (initial, hash) = if state.mailer.is_some() {
        (None, password::UNUSABLE_HASH.to_owned())
    } else {
        let initial = token::initial_password();
        let rule_abiding = NewPassword::parse(initial.clone(), valid.username.as_str())
            .expect("generated passwords follow the password rule");
        (Some(initial), state.hashing.hash(rule_abiding).await?)
    };
    let now = state.clock.now();
    let must_change_password = initial.is_some();
    let admin_id = principal.user_id;
    let Some(id) = insert(&state.db, admin_id, valid, hash, must_change_password, now).await?
    else {
        let mut errors = FormErrors::default();
        errors.add("username", USERNAME_TAKEN);
        return Ok(UserCreation::Invalid(errors));
    };
    let created = find(&state.db, id).await?;
    if let Some(mailer) = &state.mailer {
        let purpose = LinkPurpose::Activation;
        let mail = links::issue(state, mailer, &created, purpose, Some(admin_id)).await?;
        mailer.send(&mail).await?;
    }
    Ok(UserCreation::Created(CreatedUser {
        id,
        username: created.username,
        display_name: created.display_name,
        email: created.email,
        password: initial,
    }))
}

/// Writes the account and its audit line; `None` when its user name was taken meanwhile.
async fn insert(
    db: &Db,
    admin_id: i64,
    valid: ValidUser,
    password_hash: String,
    must_change_password: bool,
    now: i64,
) -> Result<Option<i64>, AppError> {
    let detail = format!(
        "ruolo: {}, organizzazione: {}",
        valid.role.as_str(),
        valid.organisation.name
    );
    let inserted = db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let new_user = NewUser {
                username: &valid.username,
                display_name: &valid.display_name,
                email: &valid.email,
                role: valid.role,
                organisation_id: valid.organisation.id,
                password_hash: &password_hash,
                must_change_password,
                demo: false,
            };
            let id = users::insert(&tx, &new_user, now)?;
            let entry = AuditEntry::new(AuditEvent::UserCreated)
                .actor(admin_id)
                .subject(id)
                .detail(detail);
            audit::append(&tx, &entry, now)?;
            tx.commit()?;
            Ok(id)
        })
        .await;
    match inserted {
        Ok(id) => Ok(Some(id)),
        // Two admins creating the same user name at once: the UNIQUE constraint decides.
        Err(DbError::Query(rusqlite::Error::SqliteFailure(failure, _)))
            if failure.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Ok(None)
        }
        Err(error) => Err(error.into()),
    }
}

/// The role change form as typed; the password is never shown again.
#[derive(Deserialize, Serialize, Default)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
    #[serde(default, skip_serializing)]
    admin_password: String,
}

impl From<&UserRow> for RoleForm {
    /// The form as it opens: the account's role and organisation.
    fn from(user: &UserRow) -> Self {
        RoleForm {
            role: user.role.as_str().to_owned(),
            organisation: user.organisation_id.to_string(),
            admin_password: String::new(),
        }
    }
}

pub enum RoleChange {
    /// Changed, and the user's sessions ended.
    Changed,
    /// The role and organisation were these already.
    Unchanged,
    /// The form again, with what is wrong, for the account.
    Invalid {
        errors: FormErrors,
        user: Box<UserRow>,
    },
}

/// Gives an account another role or organisation; the admin confirms with their password
/// (ASVS 3.7.1), and the account's sessions end, since what it may see has changed.
pub async fn change_role(
    state: &AppState,
    principal: &Principal,
    client: IpAddr,
    user_id: i64,
    form: &RoleForm,
) -> Result<RoleChange, AppError> {
    principal.require(state, Action::ManageUsers).await?;
    let user = find(&state.db, user_id).await?;
    if user.id == principal.user_id {
        return Err(AppError::Refused(
            "Non puoi cambiare il tuo stesso ruolo: chiedi a un altro amministratore.",
        ));
    }
    let mut errors = FormErrors::default();
    let assignment =
        check_assignment(&state.db, &form.role, &form.organisation, &mut errors).await?;
    let password = form.admin_password.clone();
    let field = PasswordField {
        name: "admin_password",
        missing: "Scrivi la tua password per confermare il cambio di ruolo.",
        wrong: "La password non è corretta: scrivi la password con cui sei entrato.",
        confirms: "conferma di un cambio di ruolo",
    };
    let admin = principal.user_id;
    typed_password::check(state, admin, client, password, &field, &mut errors).await?;
    let Some((role, organisation)) = assignment.filter(|_| errors.is_empty()) else {
        let user = Box::new(user);
        return Ok(RoleChange::Invalid { errors, user });
    };
    if user.role == role && user.organisation_id == organisation.id {
        return Ok(RoleChange::Unchanged);
    }
    let entry = AuditEntry::new(AuditEvent::RoleChanged)
        .actor(principal.user_id)
        .subject(user.id)
        .detail(format!(
            "da {} ({}) a {} ({})",
            user.role,
            user.organisation_name,
            role.as_str(),
            organisation.name
        ));
    let now = state.clock.now();
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            users::set_role(&tx, user_id, role, organisation.id)?;
            sessions::delete_for_user(&tx, user_id, None)?;
            audit::append(&tx, &entry, now)?;
            tx.commit()
        })
        .await?;
    Ok(RoleChange::Changed)
}

/// Disables an account and ends its sessions; disabling a disabled account changes nothing.
pub async fn disable(
    state: &AppState,
    principal: &Principal,
    user_id: i64,
) -> Result<(), AppError> {
    principal.require(state, Action::ManageUsers).await?;
    if user_id == principal.user_id {
        return Err(AppError::Refused(
            "Non puoi disattivare la tua stessa utenza: chiedi a un altro amministratore.",
        ));
    }
    let admin_id = principal.user_id;
    let now = state.clock.now();
    let found = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let Some(user) = users::find_by_id(&tx, user_id)? else {
                return Ok(false);
            };
            if user.active {
                users::set_active(&tx, user_id, false)?;
                sessions::delete_for_user(&tx, user_id, None)?;
                let entry = AuditEntry::new(AuditEvent::UserDisabled)
                    .actor(admin_id)
                    .subject(user_id);
                audit::append(&tx, &entry, now)?;
            }
            tx.commit()?;
            Ok(true)
        })
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(())
}
