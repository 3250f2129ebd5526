//! `/segnalazioni/nuova`: the report form, its review page (ACCESSIBILITY.md F5) and the
//! confirmation that files it. The review page carries a random submission key, so sending the
//! confirmation twice files one report and says so.
//!
//! The form may carry attachments. They are checked and stored when the form is sent, as a
//! draft keyed by the submission key, the user and the session; the review page lists them,
//! the confirmation makes them the report's attachments, and drafts whose session ends are
//! deleted with their files.

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;

use crate::app::reports::filing::{
    self, Filed, MAX_DRAFT_FILES, Upload, draft_files, require_filing,
};
use crate::app::reports::similar::{self, Suggestions};
use crate::auth::csrf::{CsrfForm, is_cross_site, tokens_match};
use crate::auth::principal::Principal;
use crate::auth::session::CurrentSession;
use crate::db::drafts::DraftAttachment;
use crate::db::reports;
use crate::domain::attachment::{clean_name, readable_size};
use crate::domain::report_fields::{self, Choice, FILE_KINDS, REPORT_KINDS};
use crate::domain::report_form::{self, ReportForm};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::routes::reports::ReportView;
use crate::state::AppState;
use crate::templates::Page;

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

/// A file of the draft as the pages show it.
#[derive(Serialize)]
struct DraftView {
    #[serde(flatten)]
    row: DraftAttachment,
    size_kb: i64,
}

fn draft_views(drafts: Vec<DraftAttachment>) -> Vec<DraftView> {
    drafts
        .into_iter()
        .map(|row| DraftView {
            size_kb: (row.size + 1023) / 1024,
            row,
        })
        .collect()
}

/// The form, with what was typed, its errors, the files kept so far, and the suggestions of
/// the "similar questions" step when it was asked for.
fn render_form(
    state: &AppState,
    principal: &Principal,
    form: &ReportForm,
    errors: &FormErrors,
    drafts: Vec<DraftAttachment>,
    similar: Option<&Suggestions>,
) -> Result<Response, AppError> {
    let html = Page::for_user(state, principal, "Nuova segnalazione", paths::NEW_REPORT)
        .with("form", form)
        .with("similar", &similar)
        .with("kinds", &REPORT_KINDS)
        .with("offices", &report_fields::office_choices())
        .with("file_kinds", &FILE_KINDS)
        .with("urgencies", &urgency_options(state))
        .with("drafts", &draft_views(drafts))
        .with(
            "max_files",
            &MAX_DRAFT_FILES.min(state.settings.reports.attachments_per_report),
        )
        .with(
            "max_attachment",
            &readable_size(u64::try_from(state.settings.reports.attachment_max_bytes).unwrap_or(0)),
        )
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
        Vec::new(),
        None,
    )
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

/// What the report form sent: its fields, the files chosen, and the draft files ticked to be
/// taken away. Read from a `multipart/form-data` body (the form has files) or a URL-encoded
/// one; either way the CSRF token is checked before anything else is read.
pub struct Submission {
    form: ReportForm,
    files: Vec<Upload>,
    remove: Vec<i64>,
}

impl Submission {
    fn from_pairs(pairs: Vec<(String, String)>, files: Vec<Upload>) -> Result<Self, AppError> {
        let remove = pairs
            .iter()
            .filter(|(name, _)| name == "remove")
            .map(|(_, value)| value.parse().map_err(|_| AppError::BadForm))
            .collect::<Result<_, _>>()?;
        let fields: Vec<&(String, String)> =
            pairs.iter().filter(|(name, _)| name != "remove").collect();
        let encoded = serde_urlencoded::to_string(fields).map_err(|_| AppError::BadForm)?;
        let form = serde_urlencoded::from_str(&encoded).map_err(|_| AppError::BadForm)?;
        Ok(Submission {
            form,
            files,
            remove,
        })
    }
}

impl FromRequest<AppState> for Submission {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let is_multipart = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("multipart/form-data"));
        if !is_multipart {
            let CsrfForm(pairs) =
                CsrfForm::<Vec<(String, String)>>::from_request(request, state).await?;
            return Submission::from_pairs(pairs, Vec::new());
        }
        if is_cross_site(request.headers()) {
            return Err(AppError::Csrf);
        }
        let expected = request
            .extensions()
            .get::<CurrentSession>()
            .and_then(|current| current.0.as_ref())
            .map(|session| session.csrf_token.clone())
            .ok_or(AppError::Csrf)?;
        let bad = |_| AppError::BadForm;
        let mut multipart = Multipart::from_request(request, state)
            .await
            .map_err(|rejection| AppError::BodyRejected(rejection.status()))?;
        // The token comes first in the form, so nothing of a forged request is read beyond it.
        let Some(first) = multipart.next_field().await.map_err(bad)? else {
            return Err(AppError::Csrf);
        };
        if first.name() != Some("csrf") {
            return Err(AppError::Csrf);
        }
        if !tokens_match(&first.text().await.map_err(bad)?, &expected) {
            return Err(AppError::Csrf);
        }
        let mut pairs = Vec::new();
        let mut files = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(bad)? {
            let name = field.name().unwrap_or("").to_owned();
            if name == "attachments" {
                let file_name = field.file_name().unwrap_or("").to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|error| AppError::BodyRejected(error.status()))?;
                // A file input left empty still sends an empty part.
                if !bytes.is_empty() || !file_name.is_empty() {
                    files.push(Upload {
                        name: clean_name(&file_name),
                        bytes: bytes.to_vec(),
                    });
                }
            } else {
                pairs.push((name, field.text().await.map_err(bad)?));
            }
        }
        Submission::from_pairs(pairs, files)
    }
}

/// `POST /segnalazioni/nuova`: keeps the attached files in the draft, checks the form and
/// shows the review page, or the form again with its errors and the files kept so far.
pub async fn review(
    State(state): State<AppState>,
    principal: Principal,
    submission: Submission,
) -> Result<Response, AppError> {
    let Submission {
        form,
        files,
        remove,
    } = submission;
    let checking = form.choice == CHECK_SIMILAR;
    let sent = filing::keep_and_check(&state, &principal, form, remove, files).await?;
    let (form, errors, drafts) = (sent.form, sent.errors, sent.drafts);
    if checking {
        // Only the description matters here; the other fields are checked when sending.
        let similar =
            similar::suggest(&state, &principal, &form.submission_key, &form.description).await?;
        let errors = errors.only(&["attachments"]);
        return render_form(&state, &principal, &form, &errors, drafts, Some(&similar));
    }
    if !errors.is_empty() {
        return render_form(&state, &principal, &form, &errors, drafts, None);
    }
    let similar =
        similar::suggest(&state, &principal, &form.submission_key, &form.description).await?;
    render_review(&state, &principal, &form, drafts, &similar)
}

/// The value of the form's "Verifica domande simili" button.
const CHECK_SIMILAR: &str = "verifica";

/// The review page, with the similar questions found, before the report is sent.
fn render_review(
    state: &AppState,
    principal: &Principal,
    form: &ReportForm,
    drafts: Vec<DraftAttachment>,
    similar: &Suggestions,
) -> Result<Response, AppError> {
    let lines = review_lines(state, form);
    Page::for_user(
        state,
        principal,
        "Controlla la segnalazione",
        paths::NEW_REPORT,
    )
    .with("form", form)
    .with("lines", &lines)
    .with("drafts", &draft_views(drafts))
    .with("similar", similar)
    .render(state, "report_review.html")
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
        let drafts = draft_files(&state, &principal, &form.submission_key).await?;
        return render_form(
            &state,
            &principal,
            &form,
            &FormErrors::default(),
            drafts,
            None,
        );
    }
    // The hidden fields came back from the browser: every rule is checked again.
    let mut errors = FormErrors::default();
    let Some(checked) = report_form::check(
        &form,
        state.clock.today(),
        &state.settings.reports.urgency,
        &mut errors,
    ) else {
        let drafts = draft_files(&state, &principal, &form.submission_key).await?;
        return render_form(&state, &principal, &form, &errors, drafts, None);
    };
    match filing::file(&state, &principal, &form, checked).await? {
        Filed::New(id) => {
            Ok(Redirect::to(&paths::with_outcome(&paths::report(id), "inviata")).into_response())
        }
        Filed::Already(existing) => already_filed(&state, &principal, *existing),
    }
}

/// The answer to a confirmation sent a second time: nothing new is filed, and the page says so.
fn already_filed(
    state: &AppState,
    principal: &Principal,
    existing: reports::ReportRow,
) -> Result<Response, AppError> {
    let view = ReportView::new(existing, &state.settings.reports, state.clock.today());
    let html = Page::for_user(
        state,
        principal,
        "Segnalazione già inviata",
        paths::NEW_REPORT,
    )
    .with("report", &view)
    .render(state, "report_already_filed.html")?;
    Ok((StatusCode::OK, html).into_response())
}
