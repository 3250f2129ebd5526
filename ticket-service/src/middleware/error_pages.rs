//! The generic error page: any 4xx or 5xx that is not already a page of ours becomes one, with
//! the request id so a person can quote it and an operator can find it in the logs.

use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ErrorMessage;
use crate::state::AppState;
use crate::templates::Page;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

fn title_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::FORBIDDEN => "Accesso non consentito",
        StatusCode::NOT_FOUND => "Pagina non trovata",
        StatusCode::TOO_MANY_REQUESTS => "Troppi tentativi",
        StatusCode::GONE => "Collegamento non valido",
        _ if status.is_client_error() => "Richiesta non valida",
        _ => "Errore del servizio",
    }
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}

pub async fn error_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let request_id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_html(&response) {
        return response;
    }
    if status.is_server_error() {
        tracing::error!(%status, request_id, "server error");
    }
    let message = response
        .extensions()
        .get::<ErrorMessage>()
        .copied()
        .unwrap_or_else(|| ErrorMessage::for_status(status));
    let page = Page::anonymous(&state, title_for(status), None)
        .with("message", &message.0)
        .with("request_id", &request_id)
        .render(&state, "error.html");
    match page {
        Ok(html) => {
            let mut rendered = (status, html).into_response();
            // Keep headers such as Retry-After or Allow that explain the status.
            for (name, value) in response.headers() {
                if name != CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
                    rendered.headers_mut().insert(name.clone(), value.clone());
                }
            }
            rendered
        }
        Err(error) => {
            tracing::error!(%error, "error page failed to render");
            let mut fallback = (
                status,
                format!("Errore {status}. Codice della richiesta: {request_id}"),
            )
                .into_response();
            fallback.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            fallback
        }
    }
}
