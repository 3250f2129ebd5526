//! The results of a stage that runs on each page on its own, kept from one build to the next:
//! each with the key of the inputs it was computed from, so that a build, full or patched,
//! runs the stage again only on the pages whose inputs changed.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use respi_sources::content::Page;
use respi_sources::fingerprint;

/// A stage whose result for a page depends on the page's source and on what [`key`] sums up
/// of the rest of the site.
///
/// [`key`]: PageStage::key
pub(crate) trait PageStage: Sync {
    type Output: Send;

    /// The fingerprint of what the stage reads besides the page's source.
    fn key(&self) -> u64;

    fn run(&self, page: &Page) -> Self::Output;
}

/// One stage's results, by page (its path under `content/`).
pub(crate) struct StageCache<T> {
    results: HashMap<String, (u64, T)>,
}

impl<T> Default for StageCache<T> {
    fn default() -> Self {
        StageCache {
            results: HashMap::new(),
        }
    }
}

impl<T: Send + Sync> StageCache<T> {
    /// Brings the results of `pages` (each with the hash of its source) up to date: the stage
    /// runs, in parallel, on each page whose inputs differ from those of its result. Returns
    /// how many pages it ran on.
    pub fn update<S: PageStage<Output = T>>(&mut self, stage: &S, pages: &[(&Page, u64)]) -> usize {
        let site = stage.key();
        let fresh: Vec<Option<(u64, T)>> = pages
            .par_iter()
            .map(|&(page, source)| {
                let key = fingerprint(&(source, site));
                match self.results.get(&page.rel) {
                    Some((k, _)) if *k == key => None,
                    _ => Some((key, stage.run(page))),
                }
            })
            .collect();
        let mut ran = 0;
        for ((page, _), fresh) in pages.iter().zip(fresh) {
            if let Some(result) = fresh {
                ran += 1;
                self.results.insert(page.rel.clone(), result);
            }
        }
        ran
    }

    /// The result of a page the cache was brought up to date for.
    pub fn get(&self, rel: &str) -> &T {
        &self.results[rel].1
    }

    /// Drops the results of pages that are not in `present` (deleted or renamed files).
    pub fn retain(&mut self, present: &HashSet<&str>) {
        self.results.retain(|rel, _| present.contains(rel.as_str()));
    }
}

/// Each page's source with its hash. A file that was not read again keeps its shared source,
/// whose hash is then not computed again.
#[derive(Default)]
pub(crate) struct SourceHashes(HashMap<String, (Arc<str>, u64)>);

impl SourceHashes {
    /// The hashes of the sources of `pages`, which become the only ones kept.
    pub fn of_all(&mut self, pages: &[Page]) -> Vec<u64> {
        let hashes: Vec<u64> = pages
            .par_iter()
            .map(|p| match self.0.get(&p.rel) {
                Some((source, hash)) if Arc::ptr_eq(source, &p.source) => *hash,
                _ => fingerprint(&*p.source),
            })
            .collect();
        self.0 = pages
            .iter()
            .zip(&hashes)
            .map(|(p, &hash)| (p.rel.clone(), (p.source.clone(), hash)))
            .collect();
        hashes
    }

    /// The hash of the source of `page`, read again since the hashes were taken.
    pub fn of_one(&mut self, page: &Page) -> u64 {
        let hash = fingerprint(&*page.source);
        self.0.insert(page.rel.clone(), (page.source.clone(), hash));
        hash
    }
}
