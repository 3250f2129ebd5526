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
use serde::{Deserialize, Serialize};

use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::db::audit::{self, AuditEntry};
use crate::db::organisations::{self, OrganisationRow};
use crate::db::sessions;
use crate::domain::audit::AuditEvent;
use crate::domain::organisation::{
    MANUAL_KINDS, OrganisationFields, OrganisationKind, OrganisationSource, edited_in,
    optional_line, optional_phone, slugify,
};
use crate::domain::permissions::Action;
use crate::domain::report_fields::Choice;
use crate::domain::user::Email;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::routes::outcome::OutcomeQuery;
use crate::routes::pagination::{PageQuery, PageRequest};
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
            kind_label: row.kind().map_or("", |kind| kind.label()),
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
        .call(move |conn| request.load(conn, organisations::count, organisations::page))
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

/// What the administrator typed, kept as text so the form can show it again.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct OrganisationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    service_kind: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    /// The checkbox of the edit form: present when ticked.
    #[serde(default)]
    active: Option<String>,
}

impl From<&OrganisationRow> for OrganisationForm {
    fn from(row: &OrganisationRow) -> Self {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        OrganisationForm {
            name: row.name.clone(),
            kind: row.kind.clone(),
            service_kind: text(&row.service_kind),
            owner: text(&row.owner),
            area: text(&row.area),
            municipality: text(&row.municipality),
            email: text(&row.email),
            phone: text(&row.phone),
            active: row.active.then(|| "1".to_owned()),
        }
    }
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
    let row = state
        .db
        .call(move |conn| organisations::find_by_id(conn, id))
        .await?
        .ok_or(AppError::NotFound)?;
    match edited_in(&row.source) {
        None => render_form(
            &state,
            &principal,
            Some(id),
            &OrganisationForm::from(&row),
            &FormErrors::default(),
        ),
        Some(place) => {
            let html = Page::for_user(&state, &principal, &row.name, paths::ORGANISATIONS)
                .with("place", &place)
                .with("organisation", &OrganisationView::from(row))
                .render(&state, "organisation.html")?;
            Ok(html.into_response())
        }
    }
}

/// Checks the form field by field, in page order.
async fn check(
    state: &AppState,
    form: &OrganisationForm,
    id: Option<i64>,
) -> Result<Result<OrganisationFields, FormErrors>, AppError> {
    let mut errors = FormErrors::default();
    let name = match optional_line(&form.name, 120) {
        Ok(Some(name)) => Some(name),
        Ok(None) => {
            errors.add("name", "Scrivi il nome dell'organizzazione.");
            None
        }
        Err(problem) => {
            errors.add("name", problem);
            None
        }
    };
    if let Some(name) = &name {
        let lookup = name.clone();
        let taken = state
            .db
            .call(move |conn| organisations::name_taken(conn, &lookup, id))
            .await?;
        if taken {
            errors.add(
                "name",
                "Esiste già un'organizzazione con questo nome: controlla l'elenco o scegli un nome diverso.",
            );
        }
    }
    let kind = form
        .kind
        .parse::<OrganisationKind>()
        .ok()
        .filter(|kind| MANUAL_KINDS.contains(kind));
    if kind.is_none() {
        errors.add(
            "kind",
            "Scegli se è uno sportello o un servizio della rete.",
        );
    }
    let service_kind = errors.check("service_kind", optional_line(&form.service_kind, 80));
    let owner = errors.check("owner", optional_line(&form.owner, 120));
    let area = errors.check("area", optional_line(&form.area, 80));
    let municipality = errors.check("municipality", optional_line(&form.municipality, 80));
    let email = if form.email.trim().is_empty() {
        Some(None)
    } else {
        errors
            .check("email", Email::parse(&form.email))
            .map(|email| Some(email.as_str().to_owned()))
    };
    let phone = errors.check("phone", optional_phone(&form.phone));
    let fields = match (
        name,
        kind,
        service_kind,
        owner,
        area,
        municipality,
        email,
        phone,
    ) {
        (
            Some(name),
            Some(kind),
            Some(service_kind),
            Some(owner),
            Some(area),
            Some(municipality),
            Some(email),
            Some(phone),
        ) if errors.is_empty() => OrganisationFields {
            name,
            kind,
            service_kind,
            owner,
            area,
            municipality,
            email,
            phone,
        },
        _ => return Ok(Err(errors)),
    };
    Ok(Ok(fields))
}

/// The audit line of a change, written in the change's transaction.
fn saved(actor: i64, detail: String) -> AuditEntry {
    AuditEntry::new(AuditEvent::OrganisationSaved)
        .actor(actor)
        .detail(detail)
}

pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(form): CsrfForm<OrganisationForm>,
) -> Result<Response, AppError> {
    principal
        .require(&state, Action::ManageOrganisations)
        .await?;
    let fields = match check(&state, &form, None).await? {
        Ok(fields) => fields,
        Err(errors) => return render_form(&state, &principal, None, &form, &errors),
    };
    let base = format!("manuale/{}", slugify(&fields.name));
    let actor = principal.user_id;
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            // Names are unique, but two names can give one slug ("Bra" and "BRA!").
            let mut slug = base.clone();
            let mut n = 2;
            while organisations::find_by_slug(&tx, &slug)?.is_some() {
                slug = format!("{base}-{n}");
                n += 1;
            }
            let now = state.clock.now();
            let id = organisations::insert_manual(&tx, &slug, &fields, now)?;
            let detail = format!("organizzazione {id} aggiunta: {}", fields.name);
            audit::append(&tx, &saved(actor, detail), now)?;
            tx.commit()
        })
        .await?;
    Ok(Redirect::to(&paths::with_outcome(paths::ORGANISATIONS, "creata")).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    CsrfForm(form): CsrfForm<OrganisationForm>,
) -> Result<Response, AppError> {
    principal
        .require(&state, Action::ManageOrganisations)
        .await?;
    let before = state
        .db
        .call(move |conn| organisations::find_by_id(conn, id))
        .await?
        .ok_or(AppError::NotFound)?;
    if edited_in(&before.source).is_some() {
        return Err(AppError::Refused(
            "Questa organizzazione viene dai contenuti del portale o dalla configurazione: si modifica lì, non qui. Non è stato cambiato nulla.",
        ));
    }
    let fields = match check(&state, &form, Some(id)).await? {
        Ok(fields) => fields,
        Err(errors) => return render_form(&state, &principal, Some(id), &form, &errors),
    };
    let active = form.active.is_some();
    let mut detail = format!("organizzazione {id} modificata: {}", fields.name);
    if before.active != active {
        detail.push_str(if active {
            ", riattivata"
        } else {
            ", disattivata"
        });
    }
    let actor = principal.user_id;
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let now = state.clock.now();
            organisations::update_manual(&tx, id, &fields, active, now)?;
            // Its users may no longer work in the reserved area: their sessions end now, and
            // no new one starts while the organisation stays disabled.
            if !active {
                let ended = sessions::delete_for_organisation(&tx, id)?;
                detail.push_str(&format!(", sessioni chiuse: {ended}"));
            }
            audit::append(&tx, &saved(actor, detail), now)?;
            tx.commit()
        })
        .await?;
    Ok(Redirect::to(&paths::with_outcome(paths::ORGANISATIONS, "salvata")).into_response())
}
