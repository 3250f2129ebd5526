//! `respi serve`: the site built in memory, served under its base path, rebuilt on every change.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body as HttpBody;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response, Sse, sse::Event};
use notify::{RecursiveMode, Watcher};
use tokio::sync::watch;

use crate::build::{self, Body, BuildOptions};
use crate::cache::BuildCache;
use crate::diagnostics::Diagnostics;
use crate::markdown::{escape_html, percent_decode};

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
    let base_path = crate::config::Config::load(root)
        .map(|c| c.base_path())
        .unwrap_or_else(|_| "/".into());
    BuildOptions {
        drafts,
        base_url: Some(format!("http://{addr}{base_path}")),
        live_reload: true,
        search,
    }
}

fn rebuild(
    root: &Path,
    options: &BuildOptions,
    cache: &mut BuildCache,
    snapshot: &RwLock<Snapshot>,
) {
    match build::build_with_cache(root, options, cache) {
        Ok(site) => {
            if site.diagnostics.warning_count() > 0 {
                eprintln!("{}", site.diagnostics);
            }
            eprintln!(
                "Sito aggiornato in {} ms: {} pagine composte, {} riprese dalla volta precedente",
                site.elapsed.as_millis(),
                site.stats.jobs_rendered,
                site.stats.jobs_reused
            );
            let mut s = snapshot.write().expect("snapshot lock");
            s.base_path = site.config.base_path();
            s.files = site.files;
            s.errors = None;
        }
        Err(diags) => {
            eprintln!("{diags}");
            snapshot.write().expect("snapshot lock").errors = Some(diags);
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
    let mut cache = BuildCache::new();
    rebuild(&root, &options, &mut cache, &snapshot);
    let cache = Arc::new(std::sync::Mutex::new(cache));
    let (version_tx, version_rx) = watch::channel(0u64);

    let (event_tx, mut event_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res
            && !matches!(event.kind, notify::EventKind::Access(_))
        {
            let _ = event_tx.send(());
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
        while event_rx.recv().await.is_some() {
            // Editors save in bursts (temp file, rename): wait for the burst to end.
            tokio::time::sleep(Duration::from_millis(50)).await;
            while event_rx.try_recv().is_ok() {}
            let (root, options, snapshot, cache) = (
                rebuild_root.clone(),
                options.clone(),
                rebuild_snapshot.clone(),
                cache.clone(),
            );
            let _ = tokio::task::spawn_blocking(move || {
                let mut cache = cache.lock().expect("cache lock");
                rebuild(&root, &options, &mut cache, &snapshot)
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
        build::LIVE_RELOAD_PATH,
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
