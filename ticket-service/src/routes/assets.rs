//! The service's own stylesheet, compiled into the binary: the forms and tables of the reserved
//! area need a few rules the portal's stylesheet does not have.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};

const STYLESHEET: &str = include_str!("../../assets/tickets.css");

pub async fn stylesheet() -> ([(axum::http::HeaderName, &'static str); 2], &'static str) {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}
