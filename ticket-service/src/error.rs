//! `AppError`: everything a handler can fail with, and the HTTP answer for each.
//!
//! Error answers carry only a status and an [`ErrorMessage`]; the `error_pages` middleware turns
//! them into the generic error page with the request id, so no handler ever shows internals.

use axum::http::StatusCode;
use axum::response::Redirect;
use axum::response::{IntoResponse, Response};

use crate::auth::password::HashError;
use crate::db::DbError;
use crate::mail::MailError;
use crate::paths;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not logged in")]
    NotAuthenticated { next: Option<String> },
    #[error("the password must be changed first")]
    MustChangePassword,
    #[error("the second factor must be set up first")]
    SecondFactorRequired,
    /// An export asked in a session whose password was typed too long ago.
    #[error("the password must be typed again")]
    ReauthenticationRequired { next: String },
    #[error("forbidden by the permission table")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("CSRF token missing or wrong")]
    Csrf,
    #[error("form not URL-encoded")]
    UnsupportedMediaType,
    #[error("form body refused with status {0}")]
    BodyRejected(StatusCode),
    #[error("form does not decode")]
    BadForm,
    #[error("too many login attempts from one address")]
    TooManyRequests,
    /// An activation or reset link that is malformed, used or expired.
    #[error("account link not usable")]
    LinkNotUsable,
    #[error("mail not sent: {0}")]
    Mail(#[from] MailError),
    /// A request the rules refuse, with the reason for the person.
    #[error("refused: {0}")]
    Refused(&'static str),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("template: {0}")]
    Template(#[from] tera::Error),
    #[error(transparent)]
    Hash(#[from] HashError),
    /// A FAQ draft that could not be written into the portal's content folder.
    #[error(transparent)]
    FaqWrite(#[from] crate::export::faq::WriteError),
}

/// The sentence the error page shows; attached to error responses as an extension.
#[derive(Debug, Clone, Copy)]
pub struct ErrorMessage(pub &'static str);

impl ErrorMessage {
    /// The sentence for a status that no handler explained (404 from the router, 413 from the
    /// body limit, 500 from a panic…).
    pub fn for_status(status: StatusCode) -> Self {
        ErrorMessage(match status {
            StatusCode::BAD_REQUEST => "La richiesta non è valida.",
            StatusCode::FORBIDDEN => "Non hai i permessi per usare questa pagina.",
            StatusCode::NOT_FOUND => "La pagina richiesta non esiste o non è più disponibile.",
            StatusCode::METHOD_NOT_ALLOWED => "Questa pagina non accetta questo tipo di richiesta.",
            StatusCode::PAYLOAD_TOO_LARGE => {
                "I dati inviati sono troppo grandi. Accorcia i testi e riprova."
            }
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                "Il modulo non è stato inviato nel formato previsto."
            }
            StatusCode::TOO_MANY_REQUESTS => {
                "Troppi tentativi in poco tempo. Attendi qualche minuto e riprova."
            }
            _ if status.is_client_error() => "La richiesta non è valida.",
            _ => {
                "Si è verificato un errore interno. Se si ripete, comunica il codice qui sotto all'assistenza."
            }
        })
    }
}

fn error_response(status: StatusCode, message: ErrorMessage) -> Response {
    let mut response = status.into_response();
    response.extensions_mut().insert(message);
    response
}

/// Every database connection stayed busy: nothing was done, and the person may try again.
fn busy_response() -> Response {
    tracing::warn!("database queue full: request turned away");
    let mut response = error_response(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorMessage(
            "Il servizio è molto occupato in questo momento e la richiesta non è stata eseguita: riprova tra poco.",
        ),
    );
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("5"),
    );
    response
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::NotAuthenticated { next } => match next.filter(|n| n != "/") {
                Some(next) => Redirect::to(&paths::with_next(paths::LOGIN, &next)).into_response(),
                None => Redirect::to(paths::LOGIN).into_response(),
            },
            AppError::MustChangePassword => Redirect::to(paths::CHANGE_PASSWORD).into_response(),
            AppError::SecondFactorRequired => Redirect::to(paths::SECOND_FACTOR).into_response(),
            AppError::ReauthenticationRequired { next } => {
                Redirect::to(&paths::with_next(paths::REAUTHENTICATION, &next)).into_response()
            }
            AppError::Forbidden => error_response(
                StatusCode::FORBIDDEN,
                ErrorMessage::for_status(StatusCode::FORBIDDEN),
            ),
            AppError::NotFound => error_response(
                StatusCode::NOT_FOUND,
                ErrorMessage::for_status(StatusCode::NOT_FOUND),
            ),
            AppError::Csrf => error_response(
                StatusCode::FORBIDDEN,
                ErrorMessage(
                    "Il modulo è scaduto o non è stato inviato da questo sito, quindi non è stato registrato nulla. Torna alla pagina, ricaricala e invia di nuovo il modulo.",
                ),
            ),
            AppError::UnsupportedMediaType => error_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorMessage::for_status(StatusCode::UNSUPPORTED_MEDIA_TYPE),
            ),
            AppError::BodyRejected(status) => {
                error_response(status, ErrorMessage::for_status(status))
            }
            AppError::BadForm => error_response(
                StatusCode::BAD_REQUEST,
                ErrorMessage("I dati del modulo non sono validi. Ricarica la pagina e riprova."),
            ),
            AppError::TooManyRequests => error_response(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorMessage::for_status(StatusCode::TOO_MANY_REQUESTS),
            ),
            AppError::LinkNotUsable => error_response(
                StatusCode::GONE,
                ErrorMessage(
                    "Il collegamento non è valido, è già stato usato oppure è scaduto. Chiedi un nuovo collegamento dalla pagina «Password dimenticata» o all'amministratore della rete.",
                ),
            ),
            AppError::Mail(ref error) => {
                tracing::error!(%error, "mail not sent");
                error_response(
                    StatusCode::BAD_GATEWAY,
                    ErrorMessage(
                        "Non è stato possibile inviare l'e-mail. Riprova più tardi; se il problema continua, avvisa l'assistenza.",
                    ),
                )
            }
            AppError::Refused(message) => {
                error_response(StatusCode::CONFLICT, ErrorMessage(message))
            }
            AppError::Db(DbError::Busy) => busy_response(),
            AppError::FaqWrite(ref error) => {
                tracing::error!(%error, "FAQ draft not written");
                error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorMessage(
                        "La bozza della FAQ non si è potuta scrivere nella cartella dei contenuti del portale, e non è stato registrato nulla. Avvisa l'assistenza: il testo si può esportare di nuovo.",
                    ),
                )
            }
            AppError::Db(_) | AppError::Template(_) | AppError::Hash(_) => {
                tracing::error!(error = %self, "request failed");
                error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorMessage::for_status(StatusCode::INTERNAL_SERVER_ERROR),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_redirect_keeps_the_page_asked_for() {
        let response = AppError::NotAuthenticated {
            next: Some("/admin/utenti?x=1".to_owned()),
        }
        .into_response();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response.headers()[axum::http::header::LOCATION],
            "/login?next=%2Fadmin%2Futenti%3Fx%3D1"
        );
    }

    #[test]
    fn a_full_queue_asks_to_retry_shortly() {
        let response = AppError::Db(DbError::Busy).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[axum::http::header::RETRY_AFTER], "5");
        let message = response.extensions().get::<ErrorMessage>().unwrap();
        assert!(message.0.contains("riprova tra poco"));
    }

    #[test]
    fn internal_errors_carry_only_a_generic_message() {
        let response = AppError::Db(DbError::Interrupted).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let message = response.extensions().get::<ErrorMessage>().unwrap();
        assert!(!message.0.contains("database"));
    }
}
