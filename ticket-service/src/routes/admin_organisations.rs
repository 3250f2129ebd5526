//! `/admin/organizzazioni`: the organisations of the network and where each comes from.
//!
//! Imported organisations (offices from the portal's pages, services from its CSV, the
//! institutions from the configuration) keep their source as the one place where they
//! change: here they are read-only, with a note saying where to edit them. Administrators
//! add organisations by hand (source `manual`, slug `manuale/…`), edit and disable them; the
//! imports never touch those.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;

use crate::app::organisations::{self, OrganisationChange, OrganisationForm};
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::db::organisations::{self as db_organisations, OrganisationRow};
use crate::domain::organisation::{OrganisationSource, edited_in};
use crate::domain::permissions::Action;
use crate::domain::report_fields::Choice;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pagination::{PageQuery, PageRequest};
use crate::paths;
use crate::routes::outcome::OutcomeQuery;
use crate::routes::path_id::PathId;
use crate::state::AppState;
use crate::templates::Page;

#[derive(Serialize)]
struct OrganisationView {
    #[serde(flatten)]
    row: OrganisationRow,
    kind_label: &'static str,
    source_label: &'static str,
    editable: bool,
}

impl From<OrganisationRow> for OrganisationView {
    fn from(row: OrganisationRow) -> Self {
        OrganisationView {
            kind_label: row.kind.label(),
            source_label: OrganisationSource::label(&row.source),
            editable: edited_in(&row.source).is_none(),
            row,
        }
    }
}

pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<OutcomeQuery>,
    Query(page): Query<PageQuery>,
) -> Result<Html<String>, AppError> {
    principal.require(&state, Action::ViewOrganisations).await?;
    let request = PageRequest::new(&page, state.settings.page_size);
    let paged = state
        .db
        .read(move |conn| request.load(conn, db_organisations::count, db_organisations::page))
        .await?;
    let pages = paged.links(paths::ORGANISATIONS, &[]);
    let views: Vec<OrganisationView> = paged.rows.into_iter().map(OrganisationView::from).collect();
    let page = Page::for_user(&state, &principal, "Organizzazioni", paths::ORGANISATIONS)
        .with("organisations", &views)
        .with("pages", &pages)
        .with("can_manage", &principal.can(Action::ManageOrganisations));
    page.outcome(query.message(&[
        ("creata", "Organizzazione aggiunta."),
        ("salvata", "Organizzazione salvata."),
    ]))
    .render(&state, "organisations.html")
}

const KIND_CHOICES: [Choice; 2] = [
    Choice {
        value: "office",
        label: "Sportello",
    },
    Choice {
        value: "service",
        label: "Servizio della rete",
    },
];

fn render_form(
    state: &AppState,
    principal: &Principal,
    id: Option<i64>,
    form: &OrganisationForm,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let title = if id.is_some() {
        "Modifica l'organizzazione"
    } else {
        "Nuova organizzazione"
    };
    let html = Page::for_user(state, principal, title, paths::ORGANISATIONS)
        .with("organisation_id", &id)
        .with("form", form)
        .with("kinds", &KIND_CHOICES)
        .errors(errors)
        .render(state, "organisation_form.html")?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, html).into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, AppError> {
    principal
        .require(&state, Action::ManageOrganisations)
        .await?;
    render_form(
        &state,
        &principal,
        None,
        &OrganisationForm::default(),
        &FormErrors::default(),
    )
}

/// `GET /admin/organizzazioni/{id}`: the form of an organisation added by hand, or the
/// read-only page of an imported one with where to change it.
pub async fn show(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    principal
        .require(&state, Action::ManageOrganisations)
        .await?;
    let row = organisations::find(&state.db, id).await?;
    let Some(place) = edited_in(&row.source) else {
        let form = OrganisationForm::from(&row);
        return render_form(&state, &principal, Some(id), &form, &FormErrors::default());
    };
    let html = Page::for_user(&state, &principal, &row.name, paths::ORGANISATIONS)
        .with("place", &place)
        .with("organisation", &OrganisationView::from(row))
        .render(&state, "organisation.html")?;
    Ok(html.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(form): CsrfForm<OrganisationForm>,
) -> Result<Response, AppError> {
    match organisations::create(&state, &principal, &form).await? {
        OrganisationChange::Saved => {
            let to = paths::with_outcome(paths::ORGANISATIONS, "creata");
            Ok(Redirect::to(&to).into_response())
        }
        OrganisationChange::Invalid(errors) => {
            render_form(&state, &principal, None, &form, &errors)
        }
    }
}

pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    CsrfForm(form): CsrfForm<OrganisationForm>,
) -> Result<Response, AppError> {
    match organisations::update(&state, &principal, id, &form).await? {
        OrganisationChange::Saved => {
            let to = paths::with_outcome(paths::ORGANISATIONS, "salvata");
            Ok(Redirect::to(&to).into_response())
        }
        OrganisationChange::Invalid(errors) => {
            render_form(&state, &principal, Some(id), &form, &errors)
        }
    }
}
