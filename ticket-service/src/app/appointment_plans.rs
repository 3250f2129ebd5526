//! The Prefettura defines the kinds of appointment: their weekly plans, exceptions, notice,
//! horizon and quota. A plan is checked and shown whole (with the quota rule and the seats
//! it gives each office or area) before it is saved, and saved with its audit line.

use crate::auth::principal::Principal;
use crate::db::appointment_plans::{self, KindRow, Saved, SavedKind};
use crate::db::audit::AuditEntry;
use crate::domain::appointments::plan_form::{self, Fields, KindDraft, QuotaChoice};
use crate::domain::appointments::quotas::{self, AreaFigure, Quota};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::state::AppState;

/// A plan whose every field holds, as the review page shows it.
#[derive(Debug, Clone)]
pub struct PlanReview {
    /// `None` for a new kind.
    pub kind_id: Option<i64>,
    pub draft: KindDraft,
    pub quota: Quota,
    /// The seats of a regular week, which the quota by area shares.
    pub weekly_seats: u32,
}

/// Every kind of appointment, active or not, for the Prefettura's list.
pub async fn list(state: &AppState, principal: &Principal) -> Result<Vec<KindRow>, AppError> {
    principal.require(state, Action::PlanAppointments).await?;
    Ok(state
        .db
        .call(|conn| appointment_plans::all_kinds(conn))
        .await?)
}

/// The fields of kind `id` as its form shows them.
pub async fn fields_of(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<Fields, AppError> {
    let kind = existing(state, principal, id).await?;
    let choice = match kind.quota {
        Quota::None => QuotaChoice::None,
        Quota::PerOffice(seats) => QuotaChoice::PerOffice(seats),
        Quota::ByArea(_) => QuotaChoice::ByArea,
    };
    let mut fields = plan_form::fields_of(&kind.name, &kind.plan, choice, kind.active);
    fields.insert("kind_id".to_owned(), id.to_string());
    Ok(fields)
}

async fn existing(state: &AppState, principal: &Principal, id: i64) -> Result<KindRow, AppError> {
    principal.require(state, Action::PlanAppointments).await?;
    state
        .db
        .call(move |conn| appointment_plans::find_any_kind(conn, id))
        .await?
        .ok_or(AppError::NotFound)
}

/// The territorial areas of the portal's `site.toml`.
pub fn areas(state: &AppState) -> Vec<AreaFigure> {
    state
        .site
        .areas
        .iter()
        .map(|area| AreaFigure {
            id: area.id.clone(),
            name: area.name.clone(),
            foreign_residents: area.foreign_residents,
        })
        .collect()
}

/// Checks the form and works out the quota: the review, or the form's mistakes.
pub async fn review(
    state: &AppState,
    principal: &Principal,
    fields: &Fields,
) -> Result<Result<PlanReview, FormErrors>, AppError> {
    principal.require(state, Action::PlanAppointments).await?;
    let kind_id = match fields.get("kind_id").map(|id| id.trim()) {
        None | Some("") => None,
        Some(id) => Some(
            existing(
                state,
                principal,
                id.parse().map_err(|_| AppError::NotFound)?,
            )
            .await?
            .id,
        ),
    };
    let draft = match plan_form::read(fields) {
        Ok(draft) => draft,
        Err(errors) => return Ok(Err(errors)),
    };
    let mut errors = FormErrors::default();
    let weekly_seats = quotas::weekly_seats(&draft.plan);
    let quota = match draft.quota {
        QuotaChoice::None => Some(Quota::None),
        QuotaChoice::PerOffice(seats) => Some(Quota::PerOffice(seats)),
        QuotaChoice::ByArea => errors
            .check("quota_rule", quotas::apportion(weekly_seats, &areas(state)))
            .map(Quota::ByArea),
    };
    let name = draft.name.clone();
    let taken = state
        .db
        .call(move |conn| appointment_plans::name_taken(conn, &name, kind_id))
        .await?;
    if taken {
        errors.add("name", NAME_TAKEN);
    }
    match quota {
        Some(quota) if errors.is_empty() => Ok(Ok(PlanReview {
            kind_id,
            draft,
            quota,
            weekly_seats,
        })),
        _ => Ok(Err(errors)),
    }
}

const NAME_TAKEN: &str = "Esiste già un tipo di appuntamento con questo nome: scegline un altro.";

/// Saves the plan checked again from the review page's fields; returns the kind's id.
pub async fn save(
    state: &AppState,
    principal: &Principal,
    fields: &Fields,
) -> Result<Result<i64, FormErrors>, AppError> {
    let review = match review(state, principal, fields).await? {
        Ok(review) => review,
        Err(errors) => return Ok(Err(errors)),
    };
    let entry = AuditEntry::new(AuditEvent::AppointmentPlanSaved).actor(principal.user_id);
    let now = state.clock.now();
    let saved = state
        .db
        .call(move |conn| {
            let kind = SavedKind {
                id: review.kind_id,
                name: &review.draft.name,
                plan: &review.draft.plan,
                quota: &review.quota,
                active: review.draft.active,
            };
            appointment_plans::save_kind(conn, &kind, &entry, now)
        })
        .await?;
    match saved {
        Saved::Done(id) => Ok(Ok(id)),
        Saved::Missing => Err(AppError::NotFound),
        Saved::NameTaken => {
            let mut errors = FormErrors::default();
            errors.add("name", NAME_TAKEN);
            Ok(Err(errors))
        }
    }
}
