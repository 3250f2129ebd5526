//! `/segnalazioni/{id}/allegati`: uploading and downloading attachments. The use cases are in
//! `app::reports::attachments`; files are served only as downloads, never shown inline.

use axum::extract::{Multipart, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};

use crate::app::reports::actions::Outcome;
use crate::app::reports::attachments::{self, Download, FILE_FIELD, Upload};
use crate::auth::csrf::{is_cross_site, tokens_match};
use crate::auth::principal::Principal;
use crate::domain::attachment::{ascii_name, clean_name};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::paths::form_urlencoded_component;
use crate::routes::path_id::PathId;
use crate::routes::reports::detail::{self, ActionTyped, Shown};
use crate::state::AppState;

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
        if field.name() != Some(FILE_FIELD) {
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

/// `POST /segnalazioni/{id}/allegati`: the form is read only once the use case has found the
/// report among those the principal may attach to.
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
    let form = read_form(&principal, multipart);
    match attachments::attach(&state, &principal, id, form).await? {
        Outcome::Done => {
            let to = paths::with_outcome(&paths::report(id), "allegato");
            Ok(Redirect::to(&to).into_response())
        }
        Outcome::Invalid(errors) => show_again(&state, &principal, id, &errors).await,
    }
}

/// The report's page again, answering 422, with the upload form's error.
async fn show_again(
    state: &AppState,
    principal: &Principal,
    id: i64,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let shown = Shown {
        outcome: None,
        standard_answer: false,
        errors,
        typed: &ActionTyped::default(),
    };
    detail::render(state, principal, id, shown).await
}

/// `GET /segnalazioni/{id}/allegati/{attachment}`: the file as a download, to those who can
/// see the report.
pub async fn download(
    State(state): State<AppState>,
    principal: Principal,
    PathId((id, attachment_id)): PathId<(i64, i64)>,
) -> Result<Response, AppError> {
    let file = attachments::download(&state, &principal, id, attachment_id).await?;
    Ok(as_download(file))
}

/// Always a download, never shown inline, whatever the browser would make of it.
fn as_download(file: Download) -> Response {
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_name(&file.name),
        form_urlencoded_component(&file.name).replace('+', "%20")
    );
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let mut response = file.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, content_type);
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    response
}
