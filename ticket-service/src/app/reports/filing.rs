//! Filing a report: the files of the form kept as a draft (checked, stored, within the quotas)
//! until the confirmation files the report and makes them its attachments, in one transaction.
//! The submission key of the review page makes a confirmation sent twice file one report.

use crate::app::reports::{load, scope_of, search};
use crate::attachment_store::{self, StoredFile};
use crate::auth::principal::Principal;
use crate::auth::token;
use crate::db::drafts::{self, DraftAttachment, DraftOwner};
use crate::db::reports::{self, NewReport, ReportRow};
use crate::db::{self, attachment_usage, similar_checks};
use crate::domain::attachment::{Quota, USER_QUOTA_SECS, readable_size, sniff};
use crate::domain::permissions::Action;
use crate::domain::report_form::{self, CheckedReport, ReportForm};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::notify::{self, Notice};
use crate::state::AppState;

/// At most this many files per report on the form.
pub const MAX_DRAFT_FILES: usize = 5;

/// A file chosen on the form.
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Whether the principal may file reports (offices and services).
pub async fn require_filing(state: &AppState, principal: &Principal) -> Result<(), AppError> {
    principal.require(state, Action::FileReport).await
}

/// The draft of the form with submission key `key`, of this user in this session.
pub fn owner_of(principal: &Principal, key: &str) -> DraftOwner {
    DraftOwner {
        key: key.to_owned(),
        user_id: principal.user_id,
        session_hash: principal.session_id_hash.clone(),
    }
}

pub async fn draft_files(
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
        .read(move |conn| drafts::list(conn, &owner))
        .await?)
}

/// Takes away the ticked files of the draft and stores the new ones; returns the problems
/// with files, to show under the file field. A file is kept only when its row is committed,
/// and the quotas are checked in the transaction that writes the row.
pub async fn update_draft(
    state: &AppState,
    owner: &DraftOwner,
    remove: Vec<i64>,
    files: Vec<Upload>,
) -> Result<Vec<String>, AppError> {
    remove_from_draft(state, owner, remove).await?;
    let settings = &state.settings.reports;
    // The form is the report to be: its quota, and never more files than the form takes.
    let mut quota = settings.attachment_quota();
    quota.report_files = quota
        .report_files
        .min(u64::try_from(MAX_DRAFT_FILES).unwrap_or(u64::MAX));
    let mut problems = Vec::new();
    for upload in files {
        if let Err(problem) = add_to_draft(state, owner, &quota, upload).await? {
            problems.push(problem);
        }
    }
    Ok(problems)
}

async fn remove_from_draft(
    state: &AppState,
    owner: &DraftOwner,
    remove: Vec<i64>,
) -> Result<(), AppError> {
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
    attachment_store::delete(&state.settings.reports.attachment_dir, removed).await;
    Ok(())
}

/// Checks one file and stores it in the draft; `Ok(Err(problem))` when it is refused.
async fn add_to_draft(
    state: &AppState,
    owner: &DraftOwner,
    quota: &Quota,
    upload: Upload,
) -> Result<Result<(), String>, AppError> {
    let settings = &state.settings.reports;
    let max = settings.attachment_max_bytes;
    if upload.bytes.len() > max {
        return Ok(Err(format!(
            "«{}» è troppo grande: al massimo {} per file.",
            upload.name,
            readable_size(u64::try_from(max).unwrap_or(u64::MAX))
        )));
    }
    let Some(content_type) = sniff(&upload.bytes) else {
        return Ok(Err(format!(
            "«{}» non è un PDF, un JPEG o un PNG: allega un documento in uno di questi formati.",
            upload.name
        )));
    };
    let size = u64::try_from(upload.bytes.len()).unwrap_or(u64::MAX);
    let stored = StoredFile::write(&settings.attachment_dir, upload.bytes)
        .await
        .map_err(|error| {
            tracing::error!(%error, "draft attachment not written");
            AppError::Refused("Non è stato possibile salvare l'allegato. Riprova più tardi.")
        })?;
    let (adding, quota) = (owner.clone(), *quota);
    let (stored_name, name) = (stored.name().to_owned(), upload.name.clone());
    let now = state.clock.now();
    let admitted = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let others = attachment_usage::other_drafts_of_session(&tx, &adding)?;
            let form = attachment_usage::of_draft(&tx, &adding)?;
            let user = attachment_usage::of_user_since(&tx, adding.user_id, now - USER_QUOTA_SECS)?;
            if let Err(exceeded) = quota.admits_on_form(others, form, user, size) {
                return Ok(Err(exceeded));
            }
            let bytes = i64::try_from(size).unwrap_or(i64::MAX);
            drafts::add(&tx, &adding, &stored_name, &name, content_type, bytes, now)?;
            tx.commit()?;
            Ok(Ok(()))
        })
        .await?;
    Ok(match admitted {
        Ok(()) => {
            stored.keep();
            Ok(())
        }
        Err(exceeded) => Err(exceeded.message(&upload.name)),
    })
}

/// The report form as sent to the review page: its files kept in the draft, its fields
/// checked; no errors means the review page comes next.
pub struct SentForm {
    pub form: ReportForm,
    pub errors: FormErrors,
    pub drafts: Vec<DraftAttachment>,
}

/// Keeps the files of the form in its draft and checks its fields. The submission key names
/// the draft from the first sending of the form, so files attached to a form with mistakes
/// are still there once the mistakes are fixed.
pub async fn keep_and_check(
    state: &AppState,
    principal: &Principal,
    mut form: ReportForm,
    remove: Vec<i64>,
    files: Vec<Upload>,
) -> Result<SentForm, AppError> {
    require_filing(state, principal).await?;
    if form.submission_key.len() != 22 {
        form.submission_key = token::random_token::<16>();
    }
    let owner = owner_of(principal, &form.submission_key);
    let mut errors = FormErrors::default();
    let today = state.clock.today();
    report_form::check(&form, today, &state.settings.reports.urgency, &mut errors);
    let problems = update_draft(state, &owner, remove, files).await?;
    if !problems.is_empty() {
        errors.add("attachments", problems.join(" "));
    }
    let drafts = draft_files(state, principal, &form.submission_key).await?;
    Ok(SentForm {
        form,
        errors,
        drafts,
    })
}

/// What the confirmation did.
pub enum Filed {
    /// A new report, with this id.
    New(i64),
    /// The form was already filed (sent twice): nothing new.
    Already(Box<ReportRow>),
}

/// Files the checked report with the files of its draft, or finds the one its submission key
/// already filed; an urgent report is announced to the coordination.
pub async fn file(
    state: &AppState,
    principal: &Principal,
    form: &ReportForm,
    checked: CheckedReport,
) -> Result<Filed, AppError> {
    if form.submission_key.len() != 22 {
        return Err(AppError::BadForm);
    }
    let scope = scope_of(state, principal).await?;
    let key = form.submission_key.clone();
    if let Some(existing) = filed_with_key(state, principal, &key).await? {
        return Ok(Filed::Already(Box::new(existing)));
    }
    let new = new_report(state, principal, form, checked);
    let owner = owner_of(principal, &key);
    let (year, now) = (state.clock.today().year(), state.clock.now());
    // The report and the files of its form are filed together, or not at all.
    let inserted = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let (id, _) = reports::insert(&tx, &new, year, now)?;
            drafts::attach_to_report(&tx, &owner, id)?;
            similar_checks::mark_filed(&tx, id, &owner.key)?;
            tx.commit()?;
            Ok(id)
        })
        .await;
    let id = match inserted {
        Ok(id) => id,
        // Two confirmations racing: the UNIQUE key lets one through; the other finds it.
        Err(error) if is_constraint_violation(&error) => {
            return match filed_with_key(state, principal, &key).await? {
                Some(existing) => Ok(Filed::Already(Box::new(existing))),
                None => Err(error.into()),
            };
        }
        Err(error) => return Err(error.into()),
    };
    search::update_index(state).await;
    let report = load(state, scope, id).await?;
    let urgent = state.settings.reports.urgency(&report.urgency);
    if urgent.is_some_and(|u| u.urgent) {
        notify::announce(state, &report, Notice::NewUrgent).await?;
    }
    Ok(Filed::New(id))
}

fn is_constraint_violation(error: &db::DbError) -> bool {
    matches!(error, db::DbError::Query(rusqlite::Error::SqliteFailure(failure, _))
        if failure.code == rusqlite::ErrorCode::ConstraintViolation)
}

async fn filed_with_key(
    state: &AppState,
    principal: &Principal,
    key: &str,
) -> Result<Option<ReportRow>, AppError> {
    let scope = scope_of(state, principal).await?;
    let key = key.to_owned();
    Ok(state
        .db
        .read(move |conn| reports::find_by_submission_key(conn, scope, &key))
        .await?)
}

fn new_report(
    state: &AppState,
    principal: &Principal,
    form: &ReportForm,
    checked: CheckedReport,
) -> NewReport {
    let due = state
        .settings
        .reports
        .calendar()
        .add_business_days(state.clock.today(), checked.business_days);
    NewReport {
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
    }
}
