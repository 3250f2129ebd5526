//! `/segnalazioni/{id}/allegati`: uploading and downloading attachments. Files are stored under
//! the configured folder, outside anything the service serves, with random names; their type
//! is checked by content, and they are served only as downloads to those who can see the report.

use axum::extract::{Multipart, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};

use crate::app::reports::{audit, load, scope_of};
use crate::attachment_store::StoredFile;
use crate::auth::csrf::{is_cross_site, tokens_match};
use crate::auth::principal::Principal;
use crate::db::attachment_usage;
use crate::domain::attachment::{USER_QUOTA_SECS, ascii_name, clean_name, readable_size, sniff};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::paths::form_urlencoded_component;
use crate::routes::path_id::PathId;
use crate::routes::reports::detail::{self, ActionTyped, Shown};
use crate::state::AppState;

/// The uploaded file, once read.
struct Upload {
    name: String,
    bytes: Vec<u8>,
}

/// Reads the multipart form: the CSRF field must come first, so nothing of a forged request
/// is read beyond it.
async fn read_form(
    principal: &Principal,
    mut multipart: Multipart,
) -> Result<Option<Upload>, AppError> {
    let bad = |_| AppError::BadForm;
    let Some(first) = multipart.next_field().await.map_err(bad)? else {
        return Err(AppError::Csrf);
    };
    if first.name() != Some("csrf") {
        return Err(AppError::Csrf);
    }
    let sent = first.text().await.map_err(bad)?;
    if !tokens_match(&sent, &principal.csrf_token) {
        return Err(AppError::Csrf);
    }
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = clean_name(field.file_name().unwrap_or(""));
        let bytes = field
            .bytes()
            .await
            .map_err(|error| AppError::BodyRejected(error.status()))?;
        if bytes.is_empty() {
            return Ok(None);
        }
        return Ok(Some(Upload {
            name,
            bytes: bytes.to_vec(),
        }));
    }
    Ok(None)
}

async fn with_error(
    state: &AppState,
    principal: &Principal,
    id: i64,
    message: String,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    errors.add("file", message);
    let typed = ActionTyped::default();
    let shown = Shown {
        outcome: None,
        standard_answer: false,
        errors: &errors,
        typed: &typed,
    };
    detail::render(state, principal, id, shown).await
}

pub async fn upload(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, AppError> {
    if is_cross_site(&headers) {
        return Err(AppError::Csrf);
    }
    if !(principal.can(Action::FileReport) || principal.can(Action::AssignTopics)) {
        principal.require(&state, Action::FileReport).await?;
    }
    let scope = scope_of(&state, &principal).await?;
    load(&state, scope, id).await?;
    let settings = &state.settings.reports;
    let max = settings.attachment_max_bytes;
    let Some(upload) = read_form(&principal, multipart).await? else {
        return with_error(
            &state,
            &principal,
            id,
            "Scegli un file da allegare.".to_owned(),
        )
        .await;
    };
    if upload.bytes.len() > max {
        let message = format!(
            "Il file è troppo grande: al massimo {}.",
            readable_size(u64::try_from(max).unwrap_or(u64::MAX))
        );
        return with_error(&state, &principal, id, message).await;
    }
    let Some(content_type) = sniff(&upload.bytes) else {
        return with_error(
            &state,
            &principal,
            id,
            "Il file non è un PDF, un JPEG o un PNG: allega un documento in uno di questi formati."
                .to_owned(),
        )
        .await;
    };
    let size = u64::try_from(upload.bytes.len()).unwrap_or(u64::MAX);
    // The file is written first and removed again unless its row is committed.
    let stored = StoredFile::write(&settings.attachment_dir, upload.bytes)
        .await
        .map_err(|error| {
            tracing::error!(%error, "attachment not written");
            AppError::Refused("Non è stato possibile salvare l'allegato. Riprova più tardi.")
        })?;
    let quota = settings.attachment_quota();
    let user_id = principal.user_id;
    let stored_name = stored.name().to_owned();
    let original = upload.name.clone();
    let now = state.clock.now();
    let admitted = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let report = attachment_usage::of_report(&tx, id)?;
            let user = attachment_usage::of_user_since(&tx, user_id, now - USER_QUOTA_SECS)?;
            if let Err(exceeded) = quota.admits(report, user, size) {
                return Ok(Err(exceeded));
            }
            crate::db::attachments::add_attachment(
                &tx,
                id,
                &stored_name,
                &original,
                content_type,
                i64::try_from(size).unwrap_or(i64::MAX),
                user_id,
                now,
            )?;
            tx.commit()?;
            Ok(Ok(()))
        })
        .await?;
    if let Err(exceeded) = admitted {
        return with_error(&state, &principal, id, exceeded.message(&upload.name)).await;
    }
    stored.keep();
    Ok(Redirect::to(&paths::with_outcome(&paths::report(id), "allegato")).into_response())
}

/// `GET /segnalazioni/{id}/allegati/{attachment}`: the file as a download, to those who can
/// see the report; every download is in the audit log, by protocol and file id.
pub async fn download(
    State(state): State<AppState>,
    principal: Principal,
    PathId((id, attachment_id)): PathId<(i64, i64)>,
) -> Result<Response, AppError> {
    let scope = scope_of(&state, &principal).await?;
    let report = load(&state, scope, id).await?;
    let attachment = state
        .db
        .call(move |conn| crate::db::attachments::find_attachment(conn, id, attachment_id))
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
    audit(
        &state,
        &principal,
        AuditEvent::AttachmentDownloaded,
        format!("{}, allegato {attachment_id}", report.protocol),
    )
    .await?;
    // Always a download, never shown inline, whatever the browser would make of it.
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_name(&attachment.original_name),
        form_urlencoded_component(&attachment.original_name).replace('+', "%20")
    );
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(&attachment.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
