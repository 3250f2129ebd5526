//! The role and organisation fields shared by the new-user form and the role change form: their
//! choices and their validation.

use serde::Serialize;

use crate::db::organisations::{self, OrganisationRow};
use crate::domain::organisation::OrganisationKind;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::state::AppState;

#[derive(Serialize)]
pub struct RoleOption {
    value: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
pub struct OrganisationGroup {
    label: &'static str,
    organisations: Vec<OrganisationRow>,
}

pub fn role_options() -> Vec<RoleOption> {
    Role::ALL
        .into_iter()
        .map(|role| RoleOption {
            value: role.as_str(),
            label: role.label(),
        })
        .collect()
}

/// Active organisations grouped by kind, for an `<optgroup>` per kind.
pub async fn organisation_groups(state: &AppState) -> Result<Vec<OrganisationGroup>, AppError> {
    let all = state.db.call(|conn| organisations::list(conn)).await?;
    Ok(OrganisationKind::ALL
        .into_iter()
        .map(|kind| OrganisationGroup {
            label: kind.label(),
            organisations: all
                .iter()
                .filter(|org| org.active && org.kind() == Some(kind))
                .cloned()
                .collect(),
        })
        .filter(|group| !group.organisations.is_empty())
        .collect())
}

/// Parses the `role` and `organisation` fields and checks that the role may belong to the
/// organisation; problems go to `errors` under those two field ids.
pub async fn check_assignment(
    state: &AppState,
    role: &str,
    organisation: &str,
    errors: &mut FormErrors,
) -> Result<Option<(Role, OrganisationRow)>, AppError> {
    let role = if role.is_empty() {
        errors.add("role", "Scegli il ruolo.");
        None
    } else {
        errors.check("role", role.parse::<Role>())
    };
    let organisation = match organisation.trim().parse::<i64>() {
        Ok(id) => state
            .db
            .call(move |conn| organisations::find_by_id(conn, id))
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
    if !organisation
        .kind()
        .is_some_and(|kind| role.may_belong_to(kind))
    {
        errors.add(
            "organisation",
            format!(
                "Un utente con ruolo «{}» non può appartenere a «{}»: scegli un'organizzazione adatta al ruolo.",
                role.label(),
                organisation.name
            ),
        );
        return Ok(None);
    }
    Ok(Some((role, organisation)))
}
