//! The request id is made by the service for every request, never taken from the client: an id
//! the client chose could make its requests share an id with someone else's in the logs and on
//! the error page. An id the client sent is only kept aside, as [`ClientRequestId`], for the log.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

use crate::middleware::error_pages::REQUEST_ID_HEADER;

/// Longest client-sent id kept for the log.
const CLIENT_ID_MAX_CHARS: usize = 64;

/// The `x-request-id` the client sent, if any: logged as a field of its own, never used as the
/// request's id.
#[derive(Debug, Clone)]
pub struct ClientRequestId(pub String);

/// Middleware, before the layer that assigns ids: removes the client's `x-request-id`, so the
/// service always makes its own, and keeps a printable, shortened copy as [`ClientRequestId`].
pub async fn set_aside_client_request_id(mut request: Request, next: Next) -> Response {
    if let Some(value) = request.headers_mut().remove(REQUEST_ID_HEADER) {
        let text: String = value
            .to_str()
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_graphic)
            .take(CLIENT_ID_MAX_CHARS)
            .collect();
        request.extensions_mut().insert(ClientRequestId(text));
    }
    next.run(request).await
}
