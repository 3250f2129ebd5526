//! The sources of a ReSPI portal, read and checked: the configuration (`site.toml`), the theme,
//! the pages of `content/` with their front matter, the library of all of them (sections,
//! translations, tags), the archive's documents and the wider network's directory. Every
//! problem is a [`diagnostics::Diagnostic`] that names file, line and column.
//!
//! This is the first stage of the generator and depends on no other: the reserved area can use
//! the content model without the rest of the generator.

pub mod archive;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod events;
pub mod frontmatter;
pub mod library;
pub mod network;
pub mod theme;

use std::hash::{DefaultHasher, Hash, Hasher};

/// A fingerprint of anything hashable: the key of what a result was computed from, to tell
/// whether it must be computed again.
pub fn fingerprint<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}
