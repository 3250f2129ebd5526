//! Rendering: one job per output file, each job's context built from the library by the module
//! of its kind of output, as typed values, and rendered with the theme's templates; and the
//! outputs that need no template (JSON-LD, sitemap.xml, robots.txt, the Atom feeds).
//!
//! Modules, each using only those listed before it: `jobs` (the outputs of a site and their
//! addresses), `inputs` (what every output reads), `dates`, `jsonld`, `values` (what templates
//! of every kind get), `offices` (the directory of offices), one module per kind of output
//! (`page`, `archive`, `section`, `tags`, `special`, `services`, `alias`, `not_found`, `feed`,
//! `sitemap`), `context` and `shared` (the template context), `renderer`.

pub mod alias;
pub mod archive;
mod context;
pub mod dates;
pub mod events;
pub mod feed;
mod inputs;
mod jobs;
pub mod jsonld;
pub mod not_found;
pub mod offices;
pub mod page;
mod renderer;
pub mod section;
pub mod services;
mod shared;
pub mod sitemap;
pub mod special;
pub mod tags;
pub mod values;

pub use context::Prepared;
pub use inputs::Inputs;
pub use jobs::{
    ARCHIVE_PAGE_SIZE, AZ_PAGE, ArchiveFacet, Job, NetworkView, PAGINATION_SEGMENT, SEARCH_PAGE,
    SITEMAP_PAGE, Special, page_slice, paginated,
};
pub use renderer::Renderer;
pub use shared::Shared;
