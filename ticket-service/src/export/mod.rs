//! Documents the service produces for download.

pub mod faq;
pub mod pdf;
pub mod statistics_csv;
