//! `GET /admin/organizzazioni`: the organisations of the network and where each comes from.

use axum::extract::State;
use axum::response::Html;
use serde::Serialize;

use crate::auth::principal::Principal;
use crate::db::organisations::{self, OrganisationRow};
use crate::domain::organisation::OrganisationSource;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::startup::AppState;
use crate::templates::Page;

#[derive(Serialize)]
struct OrganisationView {
    #[serde(flatten)]
    row: OrganisationRow,
    kind_label: &'static str,
    source_label: &'static str,
}

pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Html<String>, AppError> {
    principal.require(&state, Action::ViewOrganisations).await?;
    let rows = state.db.call(|conn| organisations::list(conn)).await?;
    let views: Vec<OrganisationView> = rows
        .into_iter()
        .map(|row| OrganisationView {
            kind_label: row.kind().map_or("", |kind| kind.label()),
            source_label: OrganisationSource::label(&row.source),
            row,
        })
        .collect();
    Page::for_user(
        &state,
        &principal,
        "Organizzazioni",
        "/admin/organizzazioni",
    )
    .with("organisations", &views)
    .render(&state, "organisations.html")
}
