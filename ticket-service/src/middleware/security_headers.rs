//! Security headers on every response (ASVS 14.4, 8.2.1).

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// No inline script or style, no framing, forms only to this origin.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// Paths whose responses hold no personal data and may be cached by the browser.
fn is_public_asset(path: &str) -> bool {
    path.starts_with("/static/") || path.starts_with("/assets/")
}

pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let cacheable = is_public_asset(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
    );
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !cacheable {
        // Every page is personal or carries a CSRF token: nothing may be stored by the browser
        // or a proxy.
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.settings.behind_tls {
        headers.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_static_files_are_cacheable() {
        assert!(is_public_asset("/static/css/respi.css"));
        assert!(is_public_asset("/assets/tickets.css"));
        assert!(!is_public_asset("/admin/utenti"));
        assert!(!is_public_asset("/staticx"));
    }
}
