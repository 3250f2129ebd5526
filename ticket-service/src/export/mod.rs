//! Documents the service produces for download.

pub mod pdf;
