//! The render stage: the jobs whose inputs changed since the last build are rendered, in
//! parallel; the others keep the output they had.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::cache::{BuildCache, CachedOutput};
use crate::site::Body;
use respi_render::{Job, Renderer};
use respi_sources::diagnostics::{Diagnostic, Diagnostics};

/// The outputs of the jobs of a build.
pub(crate) struct Outputs {
    /// output path → content
    pub files: BTreeMap<String, Body>,
    /// When the build makes the search index, the searchable pages: URL, output path, HTML.
    pub searchable: Vec<(String, String, Arc<Vec<u8>>)>,
}

/// What became of a job whose inputs changed since the last build.
enum Outcome {
    /// Its context is the same as last time: the output is too.
    Same,
    /// Rendered, with the fingerprint of its context.
    Rendered(String, Option<u64>),
    Failed(Box<Diagnostic>),
}

/// Renders the jobs whose key (`keys`, path and key of each job in the order of `jobs`)
/// differs from their output's in the last build, and gathers every output; a template that
/// fails is reported in `diags`. With `search`, the searchable pages are gathered too.
pub(crate) fn render(
    renderer: &Renderer<'_>,
    jobs: &[Job],
    keys: Vec<(String, u64)>,
    cache: &mut BuildCache,
    search: bool,
    diags: &mut Diagnostics,
) -> Outputs {
    let outcomes = render_stale(renderer, jobs, &keys, cache);
    let mut failed = false;
    let mut fresh: HashMap<String, (String, Option<u64>)> = HashMap::new();
    cache.stats.jobs_rendered = 0;
    for (path, key, outcome) in outcomes {
        match outcome {
            Outcome::Same => {
                if let Some(o) = cache.outputs.get_mut(&path) {
                    o.key = key;
                }
            }
            Outcome::Rendered(html, print) => {
                cache.stats.jobs_rendered += 1;
                // Two jobs with one output path are an error reported already; the first is
                // shown.
                fresh.entry(path).or_insert((html, print));
            }
            Outcome::Failed(d) => {
                cache.stats.jobs_rendered += 1;
                failed = true;
                diags.push(*d);
            }
        }
    }
    cache.stats.jobs_reused = jobs.len() - cache.stats.jobs_rendered;
    let outputs = gather(renderer, jobs, keys, fresh, cache, search);
    if failed {
        // A template error may leave stale entries: the next build renders everything again.
        cache.outputs.clear();
    } else {
        cache
            .outputs
            .retain(|path, _| outputs.files.contains_key(path));
    }
    outputs
}

/// A job whose key changed may still render the same bytes: a title shown only in its own
/// listing does not change the other pages. Such jobs have their context built, and are
/// rendered only when the fingerprint of their context changed too.
fn render_stale(
    renderer: &Renderer<'_>,
    jobs: &[Job],
    keys: &[(String, u64)],
    cache: &BuildCache,
) -> Vec<(String, u64, Outcome)> {
    let outputs = &cache.outputs;
    let fingerprinting = cache.fingerprint_contexts;
    let stale: Vec<(&Job, &String, u64)> = jobs
        .iter()
        .zip(keys)
        .filter(|(_, (path, key))| outputs.get(path).is_none_or(|o| o.key != *key))
        .map(|(j, (path, key))| (j, path, *key))
        .collect();
    stale
        .into_par_iter()
        .map(|(job, path, key)| {
            let prepared = renderer.prepare(job, fingerprinting);
            let print = renderer.fingerprint(&prepared);
            if print.is_some() && outputs.get(path).is_some_and(|o| o.print == print) {
                return (path.clone(), key, Outcome::Same);
            }
            let outcome = match renderer.render_prepared(job, prepared) {
                Ok(html) => Outcome::Rendered(html, print),
                Err(d) => Outcome::Failed(d),
            };
            (path.clone(), key, outcome)
        })
        .collect()
}

/// Every output in job order: the fresh ones (which replace theirs in the cache), the others
/// from the cache.
fn gather(
    renderer: &Renderer<'_>,
    jobs: &[Job],
    keys: Vec<(String, u64)>,
    mut fresh: HashMap<String, (String, Option<u64>)>,
    cache: &mut BuildCache,
    search: bool,
) -> Outputs {
    let searchable: HashMap<String, String> = jobs
        .iter()
        .filter_map(|job| match job {
            Job::Page(id) | Job::Section { id, page_no: 1 } if search => Some((
                renderer.output_path(job),
                renderer
                    .inputs
                    .url(&renderer.inputs.library.pages[*id].path),
            )),
            _ => None,
        })
        .collect();
    let mut outputs = Outputs {
        files: BTreeMap::new(),
        searchable: Vec::new(),
    };
    for (path, key) in keys {
        if outputs.files.contains_key(&path) {
            continue;
        }
        let bytes = match fresh.remove(&path) {
            Some((html, print)) => {
                let bytes = Arc::new(html.into_bytes());
                let output = CachedOutput {
                    key,
                    print,
                    bytes: bytes.clone(),
                };
                cache.outputs.insert(path.clone(), output);
                bytes
            }
            None => match cache.outputs.get(&path) {
                Some(o) => o.bytes.clone(),
                None => continue,
            },
        };
        if let Some(url) = searchable.get(&path) {
            outputs
                .searchable
                .push((url.clone(), path.clone(), bytes.clone()));
        }
        outputs.files.insert(path, Body::Bytes(bytes));
    }
    outputs
}
