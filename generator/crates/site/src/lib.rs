//! The build of a ReSPI portal: the stages in order, the cache that lets a later build reuse
//! what did not change, the patch of the last build after an edit to page bodies, and the
//! staging folder that replaces the output only when everything is written.

mod build;
mod cache;
mod findings;
mod incremental;
mod indexing;
mod last_build;
mod links;
pub mod output;
mod site;
mod timings;

pub use build::{LIVE_RELOAD_PATH, WriteError, Written, build, build_to_dir, build_with_cache};
pub use cache::BuildCache;
pub use incremental::rebuild;
pub use site::{Body, BuildOptions, Changes, Site, Stats};
