//! Organisations an administrator adds by hand (source `manual`, slug `manuale/…`), edits and
//! disables; imported ones change only where they come from.

use serde::{Deserialize, Serialize};

use crate::auth::principal::Principal;
use crate::db::Db;
use crate::db::audit::{self, AuditEntry};
use crate::db::organisations::{self, OrganisationRow};
use crate::db::sessions;
use crate::domain::audit::AuditEvent;
use crate::domain::organisation::{
    OrganisationFields, edited_in, optional_email, optional_line, optional_phone,
    parse_manual_kind, parse_name, slugify,
};
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::state::AppState;

/// The organisation `id`, or 404.
pub async fn find(db: &Db, id: i64) -> Result<OrganisationRow, AppError> {
    db.read(move |conn| organisations::find_by_id(conn, id))
        .await?
        .ok_or(AppError::NotFound)
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
            kind: row.kind.as_str().to_owned(),
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

pub enum OrganisationChange {
    Saved,
    /// The form again, with what is wrong.
    Invalid(FormErrors),
}

/// Checks the form field by field, in page order; the name must be free (`id` is the
/// organisation being edited, which may keep its own).
async fn check(
    db: &Db,
    form: &OrganisationForm,
    id: Option<i64>,
) -> Result<Result<OrganisationFields, FormErrors>, AppError> {
    let mut errors = FormErrors::default();
    let name = errors.check("name", parse_name(&form.name));
    if let Some(lookup) = name.clone() {
        let taken = db
            .call(move |conn| organisations::name_taken(conn, &lookup, id))
            .await?;
        if taken {
            errors.add(
                "name",
                "Esiste già un'organizzazione con questo nome: controlla l'elenco o scegli un nome diverso.",
            );
        }
    }
    let kind = errors.check("kind", parse_manual_kind(&form.kind));
    let service_kind = errors.check("service_kind", optional_line(&form.service_kind, 80));
    let owner = errors.check("owner", optional_line(&form.owner, 120));
    let area = errors.check("area", optional_line(&form.area, 80));
    let municipality = errors.check("municipality", optional_line(&form.municipality, 80));
    let email = errors.check("email", optional_email(&form.email));
    let phone = errors.check("phone", optional_phone(&form.phone));
    let fields = (|| {
        Some(OrganisationFields {
            name: name?,
            kind: kind?,
            service_kind: service_kind?,
            owner: owner?,
            area: area?,
            municipality: municipality?,
            email: email?,
            phone: phone?,
        })
    })();
    Ok(fields.filter(|_| errors.is_empty()).ok_or(errors))
}

/// The audit line of a change, written in the change's transaction.
fn saved(actor: i64, detail: String) -> AuditEntry {
    AuditEntry::new(AuditEvent::OrganisationSaved)
        .actor(actor)
        .detail(detail)
}

/// Adds an organisation by hand, under a slug of its own.
pub async fn create(
    state: &AppState,
    principal: &Principal,
    form: &OrganisationForm,
) -> Result<OrganisationChange, AppError> {
    principal
        .require(state, Action::ManageOrganisations)
        .await?;
    let fields = match check(&state.db, form, None).await? {
        Ok(fields) => fields,
        Err(errors) => return Ok(OrganisationChange::Invalid(errors)),
    };
    let base = format!("manuale/{}", slugify(&fields.name));
    let actor = principal.user_id;
    let now = state.clock.now();
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
            let id = organisations::insert_manual(&tx, &slug, &fields, now)?;
            let detail = format!("organizzazione {id} aggiunta: {}", fields.name);
            audit::append(&tx, &saved(actor, detail), now)?;
            tx.commit()
        })
        .await?;
    Ok(OrganisationChange::Saved)
}

/// Edits an organisation added by hand. Disabling it ends the sessions of its users, and no
/// new one starts while it stays disabled.
pub async fn update(
    state: &AppState,
    principal: &Principal,
    id: i64,
    form: &OrganisationForm,
) -> Result<OrganisationChange, AppError> {
    principal
        .require(state, Action::ManageOrganisations)
        .await?;
    let before = find(&state.db, id).await?;
    if edited_in(&before.source).is_some() {
        return Err(AppError::Refused(
            "Questa organizzazione viene dai contenuti del portale o dalla configurazione: si modifica lì, non qui. Non è stato cambiato nulla.",
        ));
    }
    let fields = match check(&state.db, form, Some(id)).await? {
        Ok(fields) => fields,
        Err(errors) => return Ok(OrganisationChange::Invalid(errors)),
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
    let now = state.clock.now();
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            organisations::update_manual(&tx, id, &fields, active, now)?;
            if !active {
                let ended = sessions::delete_for_organisation(&tx, id)?;
                detail.push_str(&format!(", sessioni chiuse: {ended}"));
            }
            audit::append(&tx, &saved(actor, detail), now)?;
            tx.commit()
        })
        .await?;
    // A new name or area is in the text and filters of every report the organisation filed.
    crate::app::reports::search::update_index(state).await;
    Ok(OrganisationChange::Saved)
}
