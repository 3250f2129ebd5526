//! `/appuntamenti/tipi`: the Prefettura's kinds of appointment. The list, the form of a kind
//! and its plan (plain fields, no JavaScript), the review page that shows the plan and its
//! quotas before anything is saved, and the save.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Time;
use serde::Serialize;

use crate::app::appointment_plans::{self, PlanReview};
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::db::appointments::KindRow;
use crate::domain::appointments::plan_form::{Fields, WEEK};
use crate::domain::appointments::quotas::Quota;
use crate::domain::appointments::slots::{Exception, Plan, weekday_name};
use crate::domain::report_fields::Choice;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::routes::appointments::long_day;
use crate::routes::outcome::OutcomeQuery;
use crate::routes::path_id::PathId;
use crate::state::AppState;
use crate::templates::Page;

/// `GET /appuntamenti/tipi`: every kind, with its hours and quota.
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<OutcomeQuery>,
) -> Result<Response, AppError> {
    let kinds = appointment_plans::list(&state, &principal).await?;
    let rows: Vec<KindLine> = kinds.iter().map(kind_line).collect();
    Page::for_user(
        &state,
        &principal,
        "Tipi di appuntamento",
        paths::APPOINTMENT_KINDS,
    )
    .with("kinds", &rows)
    .outcome(query.message(&[("salvato", "Tipo di appuntamento salvato.")]))
    .render(&state, "appointment_kinds.html")
    .map(IntoResponse::into_response)
}

/// `GET /appuntamenti/tipi/nuovo`: the form of a new kind, with usual values.
pub async fn new_form(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, AppError> {
    appointment_plans::list(&state, &principal).await?;
    let fields: Fields = [
        ("slot_minutes", "30"),
        ("seats", "1"),
        ("min_notice_hours", "24"),
        ("horizon_days", "30"),
        ("quota_rule", "nessuna"),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .collect();
    form_page(
        &state,
        &principal,
        &fields,
        &FormErrors::default(),
        StatusCode::OK,
    )
}

/// `GET /appuntamenti/tipi/{id}`: the form of a kind as saved.
pub async fn edit_form(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let fields = appointment_plans::fields_of(&state, &principal, id).await?;
    form_page(
        &state,
        &principal,
        &fields,
        &FormErrors::default(),
        StatusCode::OK,
    )
}

/// `POST /appuntamenti/tipi`: the review page, or the form again with its mistakes.
pub async fn review(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(form): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let fields = plan_fields(form);
    match appointment_plans::review(&state, &principal, &fields).await? {
        Ok(review) => review_page(&state, &principal, &fields, &review),
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            form_page(&state, &principal, &fields, &errors, status)
        }
    }
}

/// `POST /appuntamenti/tipi/salva`: saves the reviewed plan, or goes back to the form.
pub async fn save(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(form): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let back = form
        .get("choice")
        .is_some_and(|choice| choice == "correggi");
    let fields = plan_fields(form);
    if back {
        appointment_plans::list(&state, &principal).await?;
        return form_page(
            &state,
            &principal,
            &fields,
            &FormErrors::default(),
            StatusCode::OK,
        );
    }
    match appointment_plans::save(&state, &principal, &fields).await? {
        Ok(_) => {
            let list = paths::with_outcome(paths::APPOINTMENT_KINDS, "salvato");
            Ok(Redirect::to(&list).into_response())
        }
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            form_page(&state, &principal, &fields, &errors, status)
        }
    }
}

/// The form's own fields: without the CSRF token and the button pressed.
fn plan_fields(mut form: Fields) -> Fields {
    form.remove("csrf");
    form.remove("choice");
    form
}

/// A kind as the list shows it.
#[derive(Serialize)]
struct KindLine {
    name: String,
    active: bool,
    hours: Vec<String>,
    quota: String,
    link: String,
}

fn kind_line(kind: &KindRow) -> KindLine {
    KindLine {
        name: kind.name.clone(),
        active: kind.active,
        hours: hours_lines(&kind.plan),
        quota: kind.quota.describe(),
        link: paths::appointment_kind(kind.id),
    }
}

fn hhmm(time: Time) -> String {
    time.strftime("%H:%M").to_string()
}

/// "lunedì 09:00–12:00, 14:00–16:00", a line a weekday with hours.
fn hours_lines(plan: &Plan) -> Vec<String> {
    WEEK.iter()
        .filter_map(|(weekday, _)| {
            let ranges: Vec<String> = plan
                .openings
                .iter()
                .filter(|opening| opening.weekday == *weekday)
                .map(|opening| format!("{}–{}", hhmm(opening.from), hhmm(opening.until)))
                .collect();
            (!ranges.is_empty())
                .then(|| format!("{} {}", weekday_name(*weekday), ranges.join(", ")))
        })
        .collect()
}

/// One field of the weekly hours as the form shows it.
#[derive(Serialize)]
struct HourField {
    name: &'static str,
    label: &'static str,
    value: String,
    error: String,
}

/// A weekday's four fields.
#[derive(Serialize)]
struct DayFields {
    day: &'static str,
    fields: Vec<HourField>,
}

fn week_fields(fields: &Fields, errors: &FormErrors) -> Vec<DayFields> {
    const LABELS: [&str; 4] = [
        "Prima fascia, dalle",
        "Prima fascia, alle",
        "Seconda fascia, dalle",
        "Seconda fascia, alle",
    ];
    WEEK.iter()
        .map(|(weekday, names)| DayFields {
            day: weekday_name(*weekday),
            fields: names
                .iter()
                .zip(LABELS)
                .map(|(name, label)| HourField {
                    name,
                    label,
                    value: fields.get(*name).cloned().unwrap_or_default(),
                    error: errors.fields.get(name).cloned().unwrap_or_default(),
                })
                .collect(),
        })
        .collect()
}

const QUOTA_RULES: &[Choice] = &[
    Choice {
        value: "nessuna",
        label: "Nessuna quota",
    },
    Choice {
        value: "sportello",
        label: "Una quota uguale per ogni sportello",
    },
    Choice {
        value: "area",
        label: "Quote per area, in proporzione ai residenti stranieri",
    },
];

fn form_page(
    state: &AppState,
    principal: &Principal,
    fields: &Fields,
    errors: &FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let editing = fields.get("kind_id").filter(|id| !id.is_empty());
    let title = match editing {
        Some(_) => "Modifica il tipo di appuntamento",
        None => "Nuovo tipo di appuntamento",
    };
    let html = Page::for_user(state, principal, title, paths::APPOINTMENT_KINDS)
        .with("form", fields)
        .with("editing", &editing.is_some())
        .with("week", &week_fields(fields, errors))
        .with("quota_rules", &QUOTA_RULES)
        .with("areas", &state.site.areas)
        .errors(errors)
        .render(state, "appointment_kind_form.html")?;
    Ok((status, html).into_response())
}

/// The plan as the review page reads it.
#[derive(Serialize)]
struct ReviewView {
    name: String,
    active: bool,
    slot_minutes: i32,
    seats: u32,
    hours: Vec<String>,
    exceptions: Vec<String>,
    min_notice_hours: i32,
    horizon_days: i32,
    weekly_seats: u32,
    rule: String,
    office_quota: Option<u32>,
    areas: Vec<AreaLine>,
}

#[derive(Serialize)]
struct AreaLine {
    name: String,
    foreign_residents: u64,
    share: String,
    seats: u32,
}

fn review_page(
    state: &AppState,
    principal: &Principal,
    fields: &Fields,
    review: &PlanReview,
) -> Result<Response, AppError> {
    let plan = &review.draft.plan;
    let view = ReviewView {
        name: review.draft.name.clone(),
        active: review.draft.active,
        slot_minutes: plan.slot_minutes,
        seats: plan.seats,
        hours: hours_lines(plan),
        exceptions: plan.exceptions.iter().map(exception_line).collect(),
        min_notice_hours: plan.min_notice_hours,
        horizon_days: plan.horizon_days,
        weekly_seats: review.weekly_seats,
        rule: review.quota.describe(),
        office_quota: match review.quota {
            Quota::PerOffice(seats) => Some(seats),
            _ => None,
        },
        areas: area_lines(&review.quota),
    };
    let hidden: &BTreeMap<String, String> = fields;
    Page::for_user(
        state,
        principal,
        "Controlla il calendario",
        paths::APPOINTMENT_KINDS,
    )
    .with("review", &view)
    .with("hidden", hidden)
    .render(state, "appointment_kind_review.html")
    .map(IntoResponse::into_response)
}

fn exception_line(exception: &Exception) -> String {
    match *exception {
        Exception::Closed(date) => format!("{}: chiuso", long_day(date)),
        Exception::Open { date, from, until } => {
            format!("{}: aperto {}–{}", long_day(date), hhmm(from), hhmm(until))
        }
    }
}

/// The areas' shares, with each area's part of the residents in per cent.
fn area_lines(quota: &Quota) -> Vec<AreaLine> {
    let Quota::ByArea(shares) = quota else {
        return Vec::new();
    };
    let total: u64 = shares.iter().map(|share| share.foreign_residents).sum();
    shares
        .iter()
        .map(|share| AreaLine {
            name: share.name.clone(),
            foreign_residents: share.foreign_residents,
            share: percent(share.foreign_residents, total),
            seats: share.seats,
        })
        .collect()
}

/// "27,4 %".
fn percent(part: u64, total: u64) -> String {
    let tenths = (part * 1000 + total / 2) / total.max(1);
    format!("{},{} %", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_written_in_italian_per_cent() {
        assert_eq!(percent(14800, 54100), "27,4 %");
        assert_eq!(percent(1, 3), "33,3 %");
        assert_eq!(percent(0, 0), "0,0 %");
    }
}
