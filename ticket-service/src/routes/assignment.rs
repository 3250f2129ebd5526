//! The role and organisation fields shared by the new-user form and the role change form: their
//! choices (`app::users` checks what was chosen).

use serde::Serialize;

use crate::db::organisations::{self, OrganisationRow};
use crate::domain::organisation::OrganisationKind;
use crate::domain::role::Role;
use crate::error::AppError;
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
                .filter(|org| org.active && org.kind == kind)
                .cloned()
                .collect(),
        })
        .filter(|group| !group.organisations.is_empty())
        .collect())
}
