//! Attaching a file to a report and downloading it again. Files are stored under the
//! configured folder, outside anything the service serves, with random names; their type is
//! checked by content, and they go back only to those who can see the report.

use crate::app::reports::actions::Outcome;
use crate::app::reports::{audit, load, scope_of};
use crate::attachment_store::StoredFile;
use crate::auth::principal::Principal;
use crate::db::{attachment_usage, attachments};
use crate::domain::attachment::{QuotaExceeded, USER_QUOTA_SECS, readable_size, sniff};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::state::AppState;

/// The field of the upload form.
pub const FILE_FIELD: &str = "file";

/// A file as the upload form sent it, its name already cleaned.
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Attaches the file of the upload form to report `id`, with its timeline entry. The form is
/// read (`form` awaited) only once the principal may attach to the report, so a request for a
/// report they cannot see answers 404 before anything of its body is read; `None` is a form
/// without a file.
pub async fn attach(
    state: &AppState,
    principal: &Principal,
    id: i64,
    form: impl Future<Output = Result<Option<Upload>, AppError>>,
) -> Result<Outcome, AppError> {
    if !(principal.can(Action::FileReport) || principal.can(Action::AssignTopics)) {
        principal.require(state, Action::FileReport).await?;
    }
    let scope = scope_of(state, principal).await?;
    load(state, scope, id).await?;
    let Some(upload) = form.await? else {
        return Ok(invalid("Scegli un file da allegare.".to_owned()));
    };
    let content_type = match checked(state, &upload) {
        Ok(content_type) => content_type,
        Err(message) => return Ok(invalid(message)),
    };
    let size = u64::try_from(upload.bytes.len()).unwrap_or(u64::MAX);
    // The file is written first and removed again unless its row is committed.
    let stored = StoredFile::write(&state.settings.reports.attachment_dir, upload.bytes)
        .await
        .map_err(|error| {
            tracing::error!(%error, "attachment not written");
            AppError::Refused("Non è stato possibile salvare l'allegato. Riprova più tardi.")
        })?;
    let row = NewAttachment {
        stored_name: stored.name().to_owned(),
        original_name: upload.name.clone(),
        content_type,
        size,
    };
    if let Err(exceeded) = record(state, principal, id, row).await? {
        return Ok(invalid(exceeded.message(&upload.name)));
    }
    stored.keep();
    Ok(Outcome::Done)
}

fn invalid(message: String) -> Outcome {
    let mut errors = FormErrors::default();
    errors.add(FILE_FIELD, message);
    Outcome::Invalid(errors)
}

/// The file's type, found from its content; the message to show when it is too large or of
/// a type the service does not take.
fn checked(state: &AppState, upload: &Upload) -> Result<&'static str, String> {
    let max = state.settings.reports.attachment_max_bytes;
    if upload.bytes.len() > max {
        return Err(format!(
            "Il file è troppo grande: al massimo {}.",
            readable_size(u64::try_from(max).unwrap_or(u64::MAX))
        ));
    }
    sniff(&upload.bytes).ok_or_else(|| {
        "Il file non è un PDF, un JPEG o un PNG: allega un documento in uno di questi formati."
            .to_owned()
    })
}

/// What the row of a file just stored records.
struct NewAttachment {
    stored_name: String,
    original_name: String,
    content_type: &'static str,
    size: u64,
}

/// The attachment's row, if the report's and the user's quotas admit the file, in one
/// transaction.
async fn record(
    state: &AppState,
    principal: &Principal,
    id: i64,
    row: NewAttachment,
) -> Result<Result<(), QuotaExceeded>, AppError> {
    let quota = state.settings.reports.attachment_quota();
    let (user_id, now) = (principal.user_id, state.clock.now());
    let admitted = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let report = attachment_usage::of_report(&tx, id)?;
            let user = attachment_usage::of_user_since(&tx, user_id, now - USER_QUOTA_SECS)?;
            if let Err(exceeded) = quota.admits(report, user, row.size) {
                return Ok(Err(exceeded));
            }
            attachments::add_attachment(
                &tx,
                id,
                &row.stored_name,
                &row.original_name,
                row.content_type,
                i64::try_from(row.size).unwrap_or(i64::MAX),
                user_id,
                now,
            )?;
            tx.commit()?;
            Ok(Ok(()))
        })
        .await?;
    Ok(admitted)
}

/// A file to download, with the name it was uploaded with.
pub struct Download {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Attachment `attachment_id` of report `id`, to those who can see the report; every download
/// is in the audit log, by protocol and file id.
pub async fn download(
    state: &AppState,
    principal: &Principal,
    id: i64,
    attachment_id: i64,
) -> Result<Download, AppError> {
    let scope = scope_of(state, principal).await?;
    let report = load(state, scope, id).await?;
    let attachment = state
        .db
        .read(move |conn| attachments::find_attachment(conn, id, attachment_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let path = state
        .settings
        .reports
        .attachment_dir
        .join(&attachment.stored_name);
    let bytes = tokio::fs::read(&path).await.map_err(|error| {
        tracing::error!(%error, "attachment not readable");
        AppError::NotFound
    })?;
    // The file's name may carry citizen data: the log names the file by its id.
    let detail = format!("{}, allegato {attachment_id}", report.protocol);
    audit(state, principal, AuditEvent::AttachmentDownloaded, detail).await?;
    Ok(Download {
        name: attachment.original_name,
        content_type: attachment.content_type,
        bytes,
    })
}
