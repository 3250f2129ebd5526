//! `/segnalazioni/nuova`: the report form, its review page (ACCESSIBILITY.md F5) and the
//! confirmation that files it. The review page carries a random submission key, so sending the
//! confirmation twice files one report and says so.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::auth::token;
use crate::db::{self, reports};
use crate::domain::organisation::OrganisationKind;
use crate::domain::permissions::Action;
use crate::domain::report_fields::{
    self, Choice, FILE_KINDS, MAX_LONG_TEXT, MAX_SHORT_TEXT, REPORT_KINDS, bounded_text,
};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::notify::{self, Notice};
use crate::routes::reports::{ReportView, scope_of, today};
use crate::startup::AppState;
use crate::templates::Page;

/// What the operator typed, kept as text so every page can show it again.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ReportForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    addressed_office: String,
    #[serde(default)]
    file_kind: String,
    #[serde(default)]
    file_reference: String,
    #[serde(default)]
    citizen_family_name: String,
    #[serde(default)]
    citizen_given_name: String,
    #[serde(default)]
    citizen_birth_date: String,
    #[serde(default)]
    citizen_tax_code: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    urgency: String,
    #[serde(default)]
    urgency_reason: String,
    /// Set by the review page; identifies one filing.
    #[serde(default)]
    submission_key: String,
    /// On the review page: `invia` to file, `correggi` to go back to the form.
    #[serde(default, skip_serializing)]
    choice: String,
}

/// An urgency code as a radio button.
#[derive(Serialize)]
struct UrgencyOption {
    value: String,
    label: String,
}

fn urgency_options(state: &AppState) -> Vec<UrgencyOption> {
    state
        .settings
        .reports
        .urgency
        .iter()
        .map(|code| UrgencyOption {
            value: code.code.clone(),
            label: format!(
                "{} – {}: risposta entro {} giorni lavorativi",
                code.code, code.label, code.business_days
            ),
        })
        .collect()
}

async fn require_filing(state: &AppState, principal: &Principal) -> Result<(), AppError> {
    principal.require(state, Action::FileReport).await
}

fn render_form(
    state: &AppState,
    principal: &Principal,
    form: &ReportForm,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let html = Page::for_user(
        state,
        principal,
        "Nuova segnalazione",
        "/segnalazioni/nuova",
    )
    .with("form", form)
    .with("kinds", &REPORT_KINDS)
    .with("offices", &report_fields::office_choices())
    .with("file_kinds", &FILE_KINDS)
    .with("urgencies", &urgency_options(state))
    .errors(errors)
    .render(state, "report_new.html")?;
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
    require_filing(&state, &principal).await?;
    render_form(
        &state,
        &principal,
        &ReportForm::default(),
        &FormErrors::default(),
    )
}

/// The form's values once every rule holds.
struct Checked {
    institution: OrganisationKind,
    file_reference: Option<String>,
    citizen_family_name: String,
    citizen_given_name: String,
    citizen_birth_date: Option<String>,
    citizen_tax_code: Option<String>,
    description: String,
    urgency_reason: String,
    business_days: u32,
}

fn required_text(
    errors: &mut FormErrors,
    field: &'static str,
    value: &str,
    max: usize,
    missing: &str,
) -> Option<String> {
    match bounded_text(value, max) {
        Ok(Some(text)) => Some(text),
        Ok(None) => {
            errors.add(field, missing);
            None
        }
        Err(problem) => {
            errors.add(field, problem);
            None
        }
    }
}

fn optional_text(
    errors: &mut FormErrors,
    field: &'static str,
    value: &str,
    max: usize,
) -> Option<String> {
    bounded_text(value, max).unwrap_or_else(|problem| {
        errors.add(field, problem);
        None
    })
}

fn is_choice(choices: &[Choice], value: &str) -> bool {
    choices.iter().any(|choice| choice.value == value)
}

/// Checks every field, in page order, collecting one message per field.
fn check(state: &AppState, form: &ReportForm, errors: &mut FormErrors) -> Option<Checked> {
    if !is_choice(REPORT_KINDS, &form.kind) {
        errors.add("kind", "Scegli il tipo di segnalazione.");
    }
    let institution = report_fields::addressed_office(&form.addressed_office).map(|(_, k)| k);
    if institution.is_none() {
        errors.add(
            "addressed_office",
            "Scegli l'ufficio a cui è rivolta la segnalazione.",
        );
    }
    if !is_choice(FILE_KINDS, &form.file_kind) {
        errors.add("file_kind", "Scegli il tipo di pratica.");
    }
    let file_reference = optional_text(errors, "file_reference", &form.file_reference, 60);
    let family = required_text(
        errors,
        "citizen_family_name",
        &form.citizen_family_name,
        MAX_SHORT_TEXT,
        "Scrivi il cognome della persona.",
    );
    let given = required_text(
        errors,
        "citizen_given_name",
        &form.citizen_given_name,
        MAX_SHORT_TEXT,
        "Scrivi il nome della persona.",
    );
    let birth_date = match form.citizen_birth_date.trim() {
        "" => None,
        text => match text.parse::<Date>() {
            Ok(date) if date < today() && date.year() >= 1900 => Some(date.to_string()),
            _ => {
                errors.add(
                    "citizen_birth_date",
                    "La data di nascita non è valida: scrivila come AAAA-MM-GG, per esempio 1990-05-31, oppure lasciala vuota.",
                );
                None
            }
        },
    };
    let tax_code = match form.citizen_tax_code.trim() {
        "" => None,
        text => {
            let upper = text.to_uppercase();
            if (upper.len() == 16 || upper.len() == 11)
                && upper.chars().all(|c| c.is_ascii_alphanumeric())
            {
                Some(upper)
            } else {
                errors.add(
                    "citizen_tax_code",
                    "Il codice fiscale deve avere 16 caratteri (o 11 cifre se provvisorio), senza spazi; oppure lascialo vuoto.",
                );
                None
            }
        }
    };
    let description = required_text(
        errors,
        "description",
        &form.description,
        MAX_LONG_TEXT,
        "Descrivi la richiesta.",
    );
    let urgency = state.settings.reports.urgency(&form.urgency);
    if urgency.is_none() {
        errors.add("urgency", "Scegli il codice di urgenza.");
    }
    let urgency_reason = required_text(
        errors,
        "urgency_reason",
        &form.urgency_reason,
        MAX_SHORT_TEXT * 4,
        "Spiega il motivo dell'urgenza, per esempio la scadenza del permesso o un appuntamento in Questura.",
    );
    if !errors.is_empty() {
        return None;
    }
    Some(Checked {
        institution: institution?,
        file_reference,
        citizen_family_name: family?,
        citizen_given_name: given?,
        citizen_birth_date: birth_date,
        citizen_tax_code: tax_code,
        description: description?,
        urgency_reason: urgency_reason?,
        business_days: urgency?.business_days,
    })
}

/// The review page's summary of a field: label and the value as people read it.
#[derive(Serialize)]
struct ReviewLine {
    label: &'static str,
    value: String,
}

fn review_lines(state: &AppState, form: &ReportForm) -> Vec<ReviewLine> {
    let label = |choices: &[Choice], value: &str| {
        report_fields::label_of(choices, value)
            .unwrap_or("")
            .to_owned()
    };
    let or_dash = |text: &str| {
        let text = text.trim();
        if text.is_empty() {
            "–".to_owned()
        } else {
            text.to_owned()
        }
    };
    let urgency = state
        .settings
        .reports
        .urgency(&form.urgency)
        .map_or_else(String::new, |u| format!("{} – {}", u.code, u.label));
    vec![
        ReviewLine {
            label: "Tipo di segnalazione",
            value: label(REPORT_KINDS, &form.kind),
        },
        ReviewLine {
            label: "Ufficio destinatario",
            value: label(&report_fields::office_choices(), &form.addressed_office),
        },
        ReviewLine {
            label: "Tipo di pratica",
            value: label(FILE_KINDS, &form.file_kind),
        },
        ReviewLine {
            label: "Numero della pratica",
            value: or_dash(&form.file_reference),
        },
        ReviewLine {
            label: "Cognome",
            value: or_dash(&form.citizen_family_name),
        },
        ReviewLine {
            label: "Nome",
            value: or_dash(&form.citizen_given_name),
        },
        ReviewLine {
            label: "Data di nascita",
            value: or_dash(&form.citizen_birth_date),
        },
        ReviewLine {
            label: "Codice fiscale",
            value: or_dash(&form.citizen_tax_code.to_uppercase()),
        },
        ReviewLine {
            label: "Descrizione",
            value: or_dash(&form.description),
        },
        ReviewLine {
            label: "Urgenza",
            value: urgency,
        },
        ReviewLine {
            label: "Motivo dell'urgenza",
            value: or_dash(&form.urgency_reason),
        },
    ]
}

/// `POST /segnalazioni/nuova`: checks the form and shows the review page, or the form again
/// with its errors.
pub async fn review(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(mut form): CsrfForm<ReportForm>,
) -> Result<Response, AppError> {
    require_filing(&state, &principal).await?;
    let mut errors = FormErrors::default();
    if check(&state, &form, &mut errors).is_none() {
        return render_form(&state, &principal, &form, &errors);
    }
    if form.submission_key.is_empty() {
        form.submission_key = token::random_token::<16>();
    }
    let lines = review_lines(&state, &form);
    Page::for_user(
        &state,
        &principal,
        "Controlla la segnalazione",
        "/segnalazioni/nuova",
    )
    .with("form", &form)
    .with("lines", &lines)
    .render(&state, "report_review.html")
    .map(IntoResponse::into_response)
}

/// `POST /segnalazioni/conferma`: files the report, or goes back to the form to correct it.
pub async fn confirm(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(form): CsrfForm<ReportForm>,
) -> Result<Response, AppError> {
    require_filing(&state, &principal).await?;
    if form.choice == "correggi" {
        return render_form(&state, &principal, &form, &FormErrors::default());
    }
    // The hidden fields came back from the browser: every rule is checked again.
    let mut errors = FormErrors::default();
    let Some(checked) = check(&state, &form, &mut errors) else {
        return render_form(&state, &principal, &form, &errors);
    };
    if form.submission_key.len() != 22 {
        return Err(AppError::BadForm);
    }
    let scope = scope_of(&state, &principal).await?;
    let key = form.submission_key.clone();
    let already = state
        .db
        .call(move |conn| reports::find_by_submission_key(conn, scope, &key))
        .await?;
    if let Some(existing) = already {
        return already_filed(&state, &principal, existing);
    }
    let today = today();
    let due = state
        .settings
        .reports
        .calendar()
        .add_business_days(today, checked.business_days);
    let new = reports::NewReport {
        organisation_id: principal.organisation_id,
        filed_by: principal.user_id,
        kind: form.kind.clone(),
        addressed_office: form.addressed_office.clone(),
        institution: checked.institution,
        file_kind: form.file_kind.clone(),
        file_reference: checked.file_reference,
        citizen_family_name: checked.citizen_family_name,
        citizen_given_name: checked.citizen_given_name,
        citizen_birth_date: checked.citizen_birth_date,
        citizen_tax_code: checked.citizen_tax_code,
        description: checked.description,
        urgency: form.urgency.clone(),
        urgency_reason: checked.urgency_reason,
        due_date: due.to_string(),
        submission_key: form.submission_key.clone(),
    };
    let year = today.year();
    let inserted = state
        .db
        .call(move |conn| reports::insert(conn, &new, year, db::now()))
        .await;
    let id = match inserted {
        Ok((id, _)) => id,
        // Two confirmations racing: the UNIQUE key lets one through; the other finds it.
        Err(db::DbError::Query(rusqlite::Error::SqliteFailure(failure, _)))
            if failure.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            let key = form.submission_key.clone();
            let existing = state
                .db
                .call(move |conn| reports::find_by_submission_key(conn, scope, &key))
                .await?
                .ok_or(AppError::NotFound)?;
            return already_filed(&state, &principal, existing);
        }
        Err(error) => return Err(error.into()),
    };
    let report = super::load(&state, scope, id).await?;
    if state
        .settings
        .reports
        .urgency(&report.urgency)
        .is_some_and(|u| u.urgent)
    {
        notify::announce(&state, &report, Notice::NewUrgent).await?;
    }
    Ok(Redirect::to(&format!("/segnalazioni/{id}?esito=inviata")).into_response())
}

/// The answer to a confirmation sent a second time: nothing new is filed, and the page says so.
fn already_filed(
    state: &AppState,
    principal: &Principal,
    existing: reports::ReportRow,
) -> Result<Response, AppError> {
    let view = ReportView::new(existing, &state.settings.reports, today());
    let html = Page::for_user(
        state,
        principal,
        "Segnalazione già inviata",
        "/segnalazioni/nuova",
    )
    .with("report", &view)
    .render(state, "report_already_filed.html")?;
    Ok((StatusCode::OK, html).into_response())
}
