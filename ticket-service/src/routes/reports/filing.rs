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
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::app::reports::scope_of;
use crate::attachment_store::{self, StoredFile};
use crate::auth::csrf::{CsrfForm, is_cross_site, tokens_match};
use crate::auth::principal::Principal;
use crate::auth::session::CurrentSession;
use crate::auth::token;
use crate::db::drafts::{self, DraftAttachment, DraftOwner};
use crate::db::{self, attachment_usage, reports};
use crate::domain::attachment::{USER_QUOTA_SECS, clean_name, readable_size, sniff};
use crate::domain::organisation::OrganisationKind;
use crate::domain::permissions::Action;
use crate::domain::report_fields::{
    self, Choice, FILE_KINDS, MAX_LONG_TEXT, MAX_SHORT_TEXT, REPORT_KINDS, bounded_text,
};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::notify::{self, Notice};
use crate::paths;
use crate::routes::reports::ReportView;
use crate::state::AppState;
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

/// At most this many files per report on the form.
pub const MAX_DRAFT_FILES: usize = 5;

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

fn owner_of(principal: &Principal, key: &str) -> DraftOwner {
    DraftOwner {
        key: key.to_owned(),
        user_id: principal.user_id,
        session_hash: principal.session_id_hash.clone(),
    }
}

async fn draft_files(
    state: &AppState,
    principal: &Principal,
    key: &str,
) -> Result<Vec<DraftAttachment>, AppError> {
    if key.is_empty() {
        return Ok(Vec::new());
    }
    let owner = owner_of(principal, key);
    Ok(state
        .db
        .call(move |conn| drafts::list(conn, &owner))
        .await?)
}

fn render_form(
    state: &AppState,
    principal: &Principal,
    form: &ReportForm,
    errors: &FormErrors,
    drafts: Vec<DraftAttachment>,
) -> Result<Response, AppError> {
    let html = Page::for_user(state, principal, "Nuova segnalazione", paths::NEW_REPORT)
        .with("form", form)
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
    )
}

/// The form's values once every rule holds.
struct Checked {
    institution: OrganisationKind,
    file_reference: Option<String>,
    citizen_family_name: String,
    citizen_given_name: String,
    citizen_birth_date: Option<Date>,
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
            Ok(date) if date < state.clock.today() && date.year() >= 1900 => Some(date),
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

/// A file chosen on the form.
struct Upload {
    name: String,
    bytes: Vec<u8>,
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

/// Takes away the ticked files and stores the new ones in the draft; the problems with
/// files go to `errors`, under the file field. A file is kept only when its row is
/// committed, and the quotas are checked in the transaction that writes the row.
async fn update_draft(
    state: &AppState,
    owner: &DraftOwner,
    remove: Vec<i64>,
    files: Vec<Upload>,
    errors: &mut FormErrors,
) -> Result<(), AppError> {
    let settings = &state.settings.reports;
    let folder = settings.attachment_dir.clone();
    let max = settings.attachment_max_bytes;
    let removing = owner.clone();
    let removed = state
        .db
        .call(move |conn| {
            let mut names = Vec::new();
            for id in remove {
                names.extend(drafts::remove(conn, &removing, id)?);
            }
            Ok(names)
        })
        .await?;
    attachment_store::delete(&folder, removed).await;
    // The form is the report to be: its quota, and never more files than the form takes.
    let mut quota = settings.attachment_quota();
    quota.report_files = quota
        .report_files
        .min(u64::try_from(MAX_DRAFT_FILES).unwrap_or(u64::MAX));
    let mut problems = Vec::new();
    for upload in files {
        if upload.bytes.len() > max {
            problems.push(format!(
                "«{}» è troppo grande: al massimo {} per file.",
                upload.name,
                readable_size(u64::try_from(max).unwrap_or(u64::MAX))
            ));
            continue;
        }
        let Some(content_type) = sniff(&upload.bytes) else {
            problems.push(format!(
                "«{}» non è un PDF, un JPEG o un PNG: allega un documento in uno di questi formati.",
                upload.name
            ));
            continue;
        };
        let size = u64::try_from(upload.bytes.len()).unwrap_or(u64::MAX);
        let stored = StoredFile::write(&folder, upload.bytes)
            .await
            .map_err(|error| {
                tracing::error!(%error, "draft attachment not written");
                AppError::Refused("Non è stato possibile salvare l'allegato. Riprova più tardi.")
            })?;
        let adding = owner.clone();
        let stored_name = stored.name().to_owned();
        let name = upload.name.clone();
        let now = state.clock.now();
        let admitted = state
            .db
            .call(move |conn| {
                let tx = conn.transaction()?;
                let others = attachment_usage::other_drafts_of_session(&tx, &adding)?;
                let form = attachment_usage::of_draft(&tx, &adding)?;
                let user =
                    attachment_usage::of_user_since(&tx, adding.user_id, now - USER_QUOTA_SECS)?;
                if let Err(exceeded) = quota.admits_on_form(others, form, user, size) {
                    return Ok(Err(exceeded));
                }
                drafts::add(
                    &tx,
                    &adding,
                    &stored_name,
                    &name,
                    content_type,
                    i64::try_from(size).unwrap_or(i64::MAX),
                    now,
                )?;
                tx.commit()?;
                Ok(Ok(()))
            })
            .await?;
        match admitted {
            Ok(()) => stored.keep(),
            Err(exceeded) => problems.push(exceeded.message(&upload.name)),
        }
    }
    if !problems.is_empty() {
        errors.add("attachments", problems.join(" "));
    }
    Ok(())
}

/// `POST /segnalazioni/nuova`: keeps the attached files in the draft, checks the form and
/// shows the review page, or the form again with its errors and the files kept so far.
pub async fn review(
    State(state): State<AppState>,
    principal: Principal,
    submission: Submission,
) -> Result<Response, AppError> {
    require_filing(&state, &principal).await?;
    let Submission {
        mut form,
        files,
        remove,
    } = submission;
    // The key names the draft from the first sending of the form, so files attached to a
    // form with mistakes are still there once the mistakes are fixed.
    if form.submission_key.len() != 22 {
        form.submission_key = token::random_token::<16>();
    }
    let owner = owner_of(&principal, &form.submission_key);
    let mut errors = FormErrors::default();
    let checked = check(&state, &form, &mut errors);
    update_draft(&state, &owner, remove, files, &mut errors).await?;
    let drafts = draft_files(&state, &principal, &form.submission_key).await?;
    if checked.is_none() || !errors.is_empty() {
        return render_form(&state, &principal, &form, &errors, drafts);
    }
    let lines = review_lines(&state, &form);
    Page::for_user(
        &state,
        &principal,
        "Controlla la segnalazione",
        paths::NEW_REPORT,
    )
    .with("form", &form)
    .with("lines", &lines)
    .with("drafts", &draft_views(drafts))
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
        let drafts = draft_files(&state, &principal, &form.submission_key).await?;
        return render_form(&state, &principal, &form, &FormErrors::default(), drafts);
    }
    // The hidden fields came back from the browser: every rule is checked again.
    let mut errors = FormErrors::default();
    let Some(checked) = check(&state, &form, &mut errors) else {
        let drafts = draft_files(&state, &principal, &form.submission_key).await?;
        return render_form(&state, &principal, &form, &errors, drafts);
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
    let today = state.clock.today();
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
        due_date: due,
        submission_key: form.submission_key.clone(),
    };
    let year = today.year();
    let owner = owner_of(&principal, &form.submission_key);
    // The report and the files of its form are filed together, or not at all.
    let now = state.clock.now();
    let inserted = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let (id, _) = reports::insert(&tx, &new, year, now)?;
            drafts::attach_to_report(&tx, &owner, id)?;
            tx.commit()?;
            Ok(id)
        })
        .await;
    let id = match inserted {
        Ok(id) => id,
        Err(error) => {
            // Two confirmations racing: the UNIQUE key lets one through; the other finds it.
            if let db::DbError::Query(rusqlite::Error::SqliteFailure(failure, _)) = &error
                && failure.code == rusqlite::ErrorCode::ConstraintViolation
            {
                let key = form.submission_key.clone();
                let existing = state
                    .db
                    .call(move |conn| reports::find_by_submission_key(conn, scope, &key))
                    .await?;
                if let Some(existing) = existing {
                    return already_filed(&state, &principal, existing);
                }
            }
            return Err(error.into());
        }
    };
    let report = crate::app::reports::load(&state, scope, id).await?;
    if state
        .settings
        .reports
        .urgency(&report.urgency)
        .is_some_and(|u| u.urgent)
    {
        notify::announce(&state, &report, Notice::NewUrgent).await?;
    }
    Ok(Redirect::to(&paths::with_outcome(&paths::report(id), "inviata")).into_response())
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
