//! `respi serve`: the site built in memory, served under its base path, rebuilt on every change.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::edit_report;
use axum::Router;
use axum::body::Body as HttpBody;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response, Sse, sse::Event};
use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::{mpsc, watch};

use respi_markdown::{escape_html, percent_decode};
use respi_site::{Body, BuildCache, BuildOptions, Changes, LIVE_RELOAD_PATH};
use respi_sources::diagnostics::Diagnostics;

/// What the server shows: the last good build, or the errors of the last attempt.
struct Snapshot {
    files: BTreeMap<String, Body>,
    errors: Option<Diagnostics>,
    base_path: String,
}

#[derive(Clone)]
struct AppState {
    snapshot: Arc<RwLock<Snapshot>>,
    version: watch::Receiver<u64>,
}

pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: std::net::IpAddr,
    pub port: u16,
    pub drafts: bool,
    /// Also rebuilds the search index (slower; off by default while editing).
    pub search: bool,
}

fn preview_options(root: &Path, addr: SocketAddr, drafts: bool, search: bool) -> BuildOptions {
    let base_path = respi_sources::config::Config::load(root)
        .map(|c| c.base_path())
        .unwrap_or_else(|_| "/".into());
    BuildOptions {
        drafts,
        base_url: Some(format!("http://{addr}{base_path}")),
        live_reload: true,
        search,
    }
}

/// The cache of the builds and the diagnostics of the last one.
type Builds = (BuildCache, Option<Diagnostics>);

fn rebuild(
    root: &Path,
    options: &BuildOptions,
    (cache, last): &mut Builds,
    changes: &Changes,
    snapshot: &RwLock<Snapshot>,
) {
    match respi_site::rebuild(root, options, cache, changes) {
        Ok(site) => {
            if !site.diagnostics.0.is_empty() {
                let shown =
                    edit_report::after_build(root, last.as_ref(), &site.diagnostics, changes);
                eprintln!("{shown}");
            }
            *last = Some(site.diagnostics.clone());
            eprintln!(
                "Sito aggiornato in {} ms: {} pagine composte, {} riprese dalla volta precedente",
                site.elapsed.as_millis(),
                site.stats.jobs_rendered,
                site.stats.jobs_reused
            );
            let mut s = snapshot.write().expect("snapshot lock");
            s.base_path = site.config.base_path();
            let old = std::mem::replace(&mut s.files, site.files);
            s.errors = None;
            drop(s);
            // Freed after the lock is released: requests wait only for the swap.
            drop(old);
        }
        Err(diags) => {
            eprintln!(
                "{}",
                edit_report::after_build(root, last.as_ref(), &diags, changes)
            );
            *last = Some(diags.clone());
            snapshot.write().expect("snapshot lock").errors = Some(diags);
        }
    }
}

/// The longest wait for a burst of file events to end.
const BURST_MAX: Duration = Duration::from_millis(100);

/// The file events of one save. Editors save in steps (truncate then write; or write a temporary
/// file, then rename it over the page): a rebuild waits until no event came for a short while,
/// shorter once every file written has been closed, and at most [`BURST_MAX`].
#[derive(Default)]
struct Burst {
    paths: BTreeSet<PathBuf>,
    /// Events were lost, or came without paths: every file must be looked at.
    unknown: bool,
    /// Files written and not closed yet (only watchers that report closing empty this).
    open: HashSet<PathBuf>,
}

impl Burst {
    /// `None` stands for an error of the watcher, which may have lost events.
    fn add(&mut self, event: Option<notify::Event>) {
        let Some(event) = event else {
            self.unknown = true;
            return;
        };
        if event.need_rescan() || event.paths.is_empty() {
            self.unknown = true;
        }
        match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
                for p in &event.paths {
                    self.open.remove(p);
                }
            }
            EventKind::Create(CreateKind::File) | EventKind::Modify(ModifyKind::Data(_)) => {
                self.open.extend(event.paths.iter().cloned())
            }
            _ => {}
        }
        self.paths.extend(event.paths);
    }

    /// How long no event must come before the burst is over.
    fn quiet(&self) -> Duration {
        if self.open.is_empty() {
            Duration::from_millis(5)
        } else {
            Duration::from_millis(30)
        }
    }

    fn changes(self) -> Changes {
        if self.unknown {
            Changes::Unknown
        } else {
            Changes::Paths(self.paths)
        }
    }
}

/// Whether the watcher passes an event on: reading a file changes nothing, but closing a file
/// that was written says that the save is complete.
fn relevant(kind: &EventKind) -> bool {
    !matches!(kind, EventKind::Access(a) if *a != AccessKind::Close(AccessMode::Write))
}

/// Waits for the burst that `first` starts to end, and returns what it changed.
async fn gather(
    first: Option<notify::Event>,
    events: &mut mpsc::UnboundedReceiver<Option<notify::Event>>,
) -> Changes {
    let started = tokio::time::Instant::now();
    let mut burst = Burst::default();
    burst.add(first);
    loop {
        let left = BURST_MAX.saturating_sub(started.elapsed());
        match tokio::time::timeout(burst.quiet().min(left), events.recv()).await {
            Ok(Some(event)) => burst.add(event),
            Ok(None) | Err(_) => return burst.changes(),
        }
    }
}

/// Builds, serves and watches until Ctrl-C.
pub async fn run(opts: ServeOptions) -> anyhow::Result<()> {
    let root = opts.root.canonicalize()?;
    let listener = tokio::net::TcpListener::bind((opts.bind, opts.port)).await?;
    let addr = listener.local_addr()?;
    let options = preview_options(&root, addr, opts.drafts, opts.search);
    let snapshot = Arc::new(RwLock::new(Snapshot {
        files: BTreeMap::new(),
        errors: None,
        base_path: "/".into(),
    }));
    let mut cache = (BuildCache::new(), None);
    rebuild(&root, &options, &mut cache, &Changes::Unknown, &snapshot);
    let cache = Arc::new(std::sync::Mutex::new(cache));
    let (version_tx, version_rx) = watch::channel(0u64);

    let (event_tx, mut event_rx) = mpsc::unbounded_channel();
    let mut watcher =
        notify::recommended_watcher(move |res: notify::Result<notify::Event>| match res {
            Ok(event) if relevant(&event.kind) => {
                let _ = event_tx.send(Some(event));
            }
            Ok(_) => {}
            Err(_) => {
                let _ = event_tx.send(None);
            }
        })?;
    for dir in ["content", "themes"] {
        let p = root.join(dir);
        if p.exists() {
            watcher.watch(&p, RecursiveMode::Recursive)?;
        }
    }
    watcher.watch(&root, RecursiveMode::NonRecursive)?;

    let rebuild_snapshot = snapshot.clone();
    let rebuild_root = root.clone();
    tokio::spawn(async move {
        let mut version = 0u64;
        while let Some(first) = event_rx.recv().await {
            let changes = gather(first, &mut event_rx).await;
            let (root, options, snapshot, cache) = (
                rebuild_root.clone(),
                options.clone(),
                rebuild_snapshot.clone(),
                cache.clone(),
            );
            let _ = tokio::task::spawn_blocking(move || {
                let mut cache = cache.lock().expect("cache lock");
                rebuild(&root, &options, &mut cache, &changes, &snapshot)
            })
            .await;
            version += 1;
            let _ = version_tx.send(version);
        }
    });

    let base_path = snapshot.read().expect("snapshot lock").base_path.clone();
    let state = AppState {
        snapshot,
        version: version_rx,
    };
    let app = Router::new().fallback(serve_file).with_state(state);
    eprintln!("Anteprima del portale su http://{addr}{base_path} (Ctrl-C per uscire)");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    drop(watcher);
    Ok(())
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, e)| e).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "csv" => "text/csv; charset=utf-8",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

async fn serve_file(State(state): State<AppState>, uri: Uri) -> Response {
    let path = uri.path();
    let base_path = state
        .snapshot
        .read()
        .expect("snapshot lock")
        .base_path
        .clone();
    let Some(rel) = path
        .strip_prefix(base_path.as_str())
        .or_else(|| (format!("{path}/") == base_path).then_some(""))
    else {
        return (
            StatusCode::NOT_FOUND,
            format!("Il portale è servito sotto {base_path}"),
        )
            .into_response();
    };
    if rel == "__respi/events" {
        return events(state.version.clone()).into_response();
    }
    let rel = percent_decode(rel);
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.clone()
    };
    let (found, errors) = {
        let s = state.snapshot.read().expect("snapshot lock");
        let found = match s.files.get(&key) {
            Some(body) => Some((key, body.clone(), StatusCode::OK)),
            None if s.files.contains_key(&format!("{rel}/index.html")) => {
                return (
                    StatusCode::MOVED_PERMANENTLY,
                    [(header::LOCATION, format!("{path}/"))],
                )
                    .into_response();
            }
            None => s
                .files
                .get("404.html")
                .map(|b| ("404.html".to_string(), b.clone(), StatusCode::NOT_FOUND)),
        };
        (found, s.errors.clone())
    };
    if let Some(errors) = errors
        && (path.ends_with('/') || path.ends_with(".html"))
    {
        return error_page(&errors, &base_path);
    }
    match found {
        Some((key, body, status)) => match body.read() {
            Ok(bytes) => {
                let mut resp = Response::new(HttpBody::from(bytes));
                *resp.status_mut() = status;
                resp.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(content_type(&key)),
                );
                resp.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                resp
            }
            Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        },
        None => (StatusCode::NOT_FOUND, "Pagina non trovata").into_response(),
    }
}

fn events(mut version: watch::Receiver<u64>) -> impl IntoResponse {
    let stream = async_stream(version.clone());
    version.mark_unchanged();
    Sse::new(stream).keep_alive(axum::response::sse::KeepAlive::default())
}

fn async_stream(
    version: watch::Receiver<u64>,
) -> impl futures_util::Stream<Item = Result<Event, std::convert::Infallible>> {
    futures_util::stream::unfold((version, true), |(mut rx, first)| async move {
        if !first && rx.changed().await.is_err() {
            return None;
        }
        let v = *rx.borrow_and_update();
        Some((Ok(Event::default().data(v.to_string())), (rx, false)))
    })
}

/// An accessible page listing the build errors, in place of the site until they are fixed.
fn error_page(errors: &Diagnostics, base_path: &str) -> Response {
    let items: String = errors
        .iter()
        .map(|d| format!("<li><pre>{}</pre></li>", escape_html(&d.to_string())))
        .collect();
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"it\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Errore: la costruzione del sito non è riuscita</title><link rel=\"stylesheet\" href=\"{base_path}static/css/respi.css\"><script src=\"{base_path}{}\" defer></script></head><body><main id=\"main\" class=\"container\"><h1>La costruzione del sito non è riuscita</h1><div role=\"alert\"><p>{} errori. Correggere i file indicati: la pagina si aggiorna da sola.</p></div><ol class=\"build-errors\">{items}</ol></main></body></html>",
        LIVE_RELOAD_PATH,
        errors.error_count()
    );
    let mut resp = Response::new(HttpBody::from(html));
    *resp.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{DataChange, RemoveKind, RenameMode};

    fn event(kind: EventKind, path: &str) -> Option<notify::Event> {
        Some(notify::Event::new(kind).add_path(PathBuf::from(path)))
    }

    #[test]
    fn a_save_in_place_ends_when_the_file_is_closed() {
        let mut burst = Burst::default();
        burst.add(event(
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            "/s/content/a.md",
        ));
        assert_eq!(
            burst.quiet(),
            Duration::from_millis(30),
            "still being written"
        );
        burst.add(event(
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            "/s/content/a.md",
        ));
        assert_eq!(burst.quiet(), Duration::from_millis(5));
        assert_eq!(
            burst.changes(),
            Changes::Paths([PathBuf::from("/s/content/a.md")].into())
        );
    }

    #[test]
    fn a_save_by_rename_names_both_files() {
        let mut burst = Burst::default();
        for (kind, path) in [
            (EventKind::Create(CreateKind::File), "/s/content/a.md.tmp"),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                "/s/content/a.md.tmp",
            ),
            (
                EventKind::Modify(ModifyKind::Name(RenameMode::From)),
                "/s/content/a.md.tmp",
            ),
            (
                EventKind::Modify(ModifyKind::Name(RenameMode::To)),
                "/s/content/a.md",
            ),
        ] {
            burst.add(event(kind, path));
        }
        assert_eq!(burst.quiet(), Duration::from_millis(5));
        assert_eq!(
            burst.changes(),
            Changes::Paths(
                [
                    PathBuf::from("/s/content/a.md"),
                    PathBuf::from("/s/content/a.md.tmp")
                ]
                .into()
            )
        );
    }

    #[test]
    fn lost_events_ask_for_every_file() {
        let mut burst = Burst::default();
        burst.add(event(
            EventKind::Remove(RemoveKind::File),
            "/s/content/a.md",
        ));
        burst.add(Some(
            notify::Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan),
        ));
        assert_eq!(burst.changes(), Changes::Unknown);
        let mut burst = Burst::default();
        burst.add(None);
        assert_eq!(burst.changes(), Changes::Unknown);
    }

    #[test]
    fn reading_a_file_is_not_a_change() {
        assert!(!relevant(&EventKind::Access(AccessKind::Read)));
        assert!(!relevant(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(relevant(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(relevant(&EventKind::Modify(ModifyKind::Any)));
    }
}
