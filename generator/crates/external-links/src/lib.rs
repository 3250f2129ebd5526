//! The site's external links checked over HTTP: where each one is written (file:line), what
//! its address answers, and a report for the editors. Never part of a build: `respi check
//! --external` runs it, throttled per host, with a cache so a daily run asks again only for the
//! links checked longest ago.

mod cache;
mod collect;
mod probe;
mod report;
mod schedule;

pub use cache::{Cache, CacheError};
pub use collect::{LinkUse, from_network, from_pages, from_site};
pub use probe::{Limits, Outcome, Verdict};
pub use report::{Finding, Report};
pub use schedule::{Checked, check_all};
