//! Layers around every route: security headers and the generic error page.

pub mod error_pages;
pub mod security_headers;
