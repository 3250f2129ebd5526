//! Layers around every route: request ids, security headers and the generic error page.

pub mod error_pages;
pub mod request_id;
pub mod security_headers;
