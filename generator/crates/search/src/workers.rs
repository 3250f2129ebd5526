//! The batches indexed on every processor: each thread takes the next batch from a queue and
//! indexes it, reading its pages itself when it can (`reader`) and with Pagefind's library
//! otherwise. Pagefind's library is async: each thread runs a runtime of its own, which also
//! keeps it apart from the caller's (the preview server's), where blocking on one panics.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::batch::{self, Batch};
use crate::error::{Error, Result};
use crate::input::{Item, PageHtml, Prepared};
use crate::pagefind_index::pagefind_files;
use crate::reader;
use crate::searchable::searchable_part;
use crate::words::StemCache;

/// The batches to index and those indexed, shared by the threads.
struct Work {
    /// The batches left, with their place among all the batches.
    queue: Mutex<VecDeque<(usize, Vec<Item>)>>,
    /// Every batch, in order: those of the last index, and those indexed now.
    done: Mutex<Vec<Option<Arc<Batch>>>>,
    /// The first failure; the others stop at their next batch.
    failure: Mutex<Option<Error>>,
    failed: AtomicBool,
    progress: Progress,
}

/// Indexes the batches of `queue` on `threads` threads, and returns every batch in order:
/// those of `done`, kept from the last index, and the new ones. With `show_progress`, the pages
/// indexed are counted on the terminal.
pub(crate) fn index_batches(
    queue: VecDeque<(usize, Vec<Item>)>,
    done: Vec<Option<Arc<Batch>>>,
    threads: usize,
    show_progress: bool,
) -> Result<Vec<Arc<Batch>>> {
    let to_index = queue.len();
    let pages = queue.iter().map(|(_, batch)| batch.len()).sum();
    let work = Work {
        queue: Mutex::new(queue),
        done: Mutex::new(done),
        failure: Mutex::new(None),
        failed: AtomicBool::new(false),
        progress: Progress::new(show_progress && to_index > 1, pages),
    };
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1).min(to_index) {
            scope.spawn(|| work.run());
        }
    });
    work.progress.finish();
    if let Some(e) = work.failure.into_inner().expect("failure") {
        return Err(e);
    }
    work.done
        .into_inner()
        .expect("batches")
        .into_iter()
        .map(|batch| batch.ok_or(Error::Interrupted))
        .collect()
}

impl Work {
    /// One thread's work: batches from the queue until it is empty or a batch failed.
    fn run(&self) {
        let mut stems = StemCache::default();
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => return self.fail(Error::Start(e)),
        };
        loop {
            let Some((n, batch)) = self.queue.lock().expect("queue").pop_front() else {
                return;
            };
            if self.failed.load(Ordering::Relaxed) {
                return;
            }
            let items = batch.len();
            match runtime.block_on(index_batch(batch, &mut stems)) {
                Ok(batch) => {
                    self.done.lock().expect("batches")[n] = Some(Arc::new(batch));
                    self.progress.advance(items);
                }
                Err(e) => return self.fail(e),
            }
        }
    }

    fn fail(&self, e: Error) {
        self.failed.store(true, Ordering::Relaxed);
        self.failure.lock().expect("failure").get_or_insert(e);
    }
}

/// A batch indexed: read here when every page is one `reader` reads as Pagefind would (see
/// [`reader::supported`]), by a Pagefind index of its own otherwise.
async fn index_batch(items: Vec<Item>, stems: &mut StemCache) -> Result<Batch> {
    let mut prepared = Vec::with_capacity(items.len());
    for item in items {
        prepared.push(match item {
            Item::Page(url, html) => {
                let html = match html {
                    PageHtml::Memory(bytes) => searchable_part(&String::from_utf8_lossy(&bytes)),
                    PageHtml::File(path) => match std::fs::read_to_string(&path) {
                        Ok(html) => searchable_part(&html),
                        Err(source) => return Err(Error::Read { path, source }),
                    },
                };
                Prepared::Page(url, html)
            }
            Item::Record(r) => Prepared::Record(r),
        });
    }
    let readable = prepared
        .iter()
        .all(|p| matches!(p, Prepared::Page(_, html) if reader::supported(html)));
    if readable {
        let pages = prepared
            .iter()
            .filter_map(|p| match p {
                Prepared::Page(url, html) => reader::read(url, html, stems),
                Prepared::Record(_) => None,
            })
            .collect();
        return Ok(batch::own_batch(pages));
    }
    batch::read_batch(pagefind_files(prepared).await?)
}

/// Pages indexed so far, shown on one line of a terminal during a build (not in the preview
/// server's log, nor where the output is not a terminal).
struct Progress {
    shown: bool,
    total: usize,
    done: Mutex<usize>,
}

impl Progress {
    fn new(wanted: bool, total: usize) -> Self {
        use std::io::IsTerminal;
        Progress {
            shown: wanted && std::io::stderr().is_terminal(),
            total,
            done: Mutex::new(0),
        }
    }

    fn advance(&self, items: usize) {
        if self.shown {
            let mut done = self.done.lock().expect("progress");
            *done += items;
            eprint!(
                "\rIndice di ricerca: {}/{} pagine e documenti",
                *done, self.total
            );
        }
    }

    fn finish(&self) {
        if self.shown {
            eprintln!();
        }
    }
}
