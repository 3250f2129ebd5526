//! Synchronizer-token CSRF protection for every form, plus the Fetch Metadata check.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::{CONTENT_TYPE, HOST, ORIGIN};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use crate::auth::session::CurrentSession;
use crate::error::AppError;

/// The hidden field every form template carries.
#[derive(Deserialize)]
struct TokenField {
    #[serde(default)]
    csrf: String,
}

/// A URL-encoded form whose `csrf` field matched the session's token. Extracting it before any
/// other work means a forged or replayed request is refused before anything is written.
pub struct CsrfForm<T>(pub T);

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = request.headers();
        if is_cross_site(headers) {
            return Err(AppError::Csrf);
        }
        let is_form = headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::UnsupportedMediaType);
        }
        let expected = request
            .extensions()
            .get::<CurrentSession>()
            .and_then(|current| current.0.as_ref())
            .map(|session| session.csrf_token.clone())
            .ok_or(AppError::Csrf)?;
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| AppError::BodyRejected(rejection.status()))?;
        let sent: TokenField =
            serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadForm)?;
        if !tokens_match(&sent.csrf, &expected) {
            return Err(AppError::Csrf);
        }
        let form = serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadForm)?;
        Ok(CsrfForm(form))
    }
}

pub(crate) fn tokens_match(sent: &str, expected: &str) -> bool {
    !sent.is_empty() && bool::from(sent.as_bytes().ct_eq(expected.as_bytes()))
}

/// Browsers say where a request comes from (`Sec-Fetch-Site`); older ones at least send
/// `Origin` on POST. Either one pointing elsewhere is refused outright.
pub(crate) fn is_cross_site(headers: &axum::http::HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    match (headers.get(ORIGIN), headers.get(HOST)) {
        (Some(origin), Some(host)) => {
            let origin = origin.to_str().unwrap_or("");
            let origin_host = origin
                .split_once("://")
                .map_or("", |(_, rest)| rest.trim_end_matches('/'));
            origin_host != host.to_str().unwrap_or("")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue};

    use super::*;

    #[test]
    fn tokens_must_match_exactly_and_not_be_empty() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abd", "abc"));
        assert!(!tokens_match("ab", "abc"));
        assert!(!tokens_match("", ""));
    }

    #[test]
    fn cross_site_requests_are_recognised() {
        let mut headers = HeaderMap::new();
        assert!(!is_cross_site(&headers));
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(is_cross_site(&headers));
        headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(!is_cross_site(&headers));

        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_static("127.0.0.1:8090"));
        headers.insert(ORIGIN, HeaderValue::from_static("http://127.0.0.1:8090"));
        assert!(!is_cross_site(&headers));
        headers.insert(ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(is_cross_site(&headers));
    }
}
