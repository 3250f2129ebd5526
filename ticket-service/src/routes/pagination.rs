//! The paging of the list pages under the name the administration pages import; it lives in
//! `crate::pagination` so that use cases, which never reach into `routes`, can load a page.

pub use crate::pagination::{PageQuery, PageRequest};
