//! Fingerprints: the hash of what a result was computed from, to tell whether it must be
//! computed again.

use std::hash::{DefaultHasher, Hash, Hasher};

/// A fingerprint of anything hashable.
pub fn fingerprint<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}
