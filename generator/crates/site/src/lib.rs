//! The build of a ReSPI portal: the stages in order, the cache that lets a later build reuse
//! what did not change, the patch of the last build after an edit to page bodies, and the
//! staging folder that replaces the output only when everything is written.
//!
//! The stages, in the order `build` runs them: `load`, `page_stages` (each page on its own,
//! through `stage_cache`), `jobs` and `job_keys`, `render`, `indexing` (the search index),
//! `extras`, `links`. `incremental` patches the build that `last_build` keeps; `output` writes
//! a build to disk; `cache` holds what one build leaves for the next.

mod build;
mod cache;
mod extras;
mod findings;
mod incremental;
mod indexing;
mod job_keys;
mod jobs;
mod last_build;
mod links;
mod load;
pub mod output;
mod page_stages;
mod render;
mod site;
mod stage_cache;
mod timings;

pub use build::{build, build_with_cache};
pub use cache::BuildCache;
pub use extras::LIVE_RELOAD_PATH;
pub use incremental::rebuild;
pub use output::{WriteError, Written, build_to_dir};
pub use site::{Body, BuildOptions, Changes, Site, Stats};
