//! The stages that run on each page on its own: its Markdown converted to HTML, its content
//! checked against the accessibility rules, its document (for the archive) read. A full build
//! runs them on every page, a patch on the edited pages, both through the same stage caches.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use crate::findings::Findings;
use crate::stage_cache::{PageStage, SourceHashes, StageCache};
use crate::timings::Timings;
use respi_lint::Linter;
use respi_markdown::{LinkTargets, PageRef, Rendered};
use respi_sources::archive::{self, DocumentFile, DocumentRead};
use respi_sources::content::{Asset, Page};
use respi_sources::diagnostics::{Diagnostic, Diagnostics};
use respi_sources::fingerprint;
use respi_sources::library::PageId;

/// The keys of what the per-page stages read besides each page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InputKeys {
    /// What links resolve against: every page's file, language and address, the copied files,
    /// the base path.
    pub targets: u64,
    /// The files under `content/` that are not pages, which content rules and documents read.
    pub assets: u64,
}

impl InputKeys {
    pub fn new(pages: &[Page], assets: &[Asset], targets: &LinkTargets) -> InputKeys {
        let assets = fingerprint(
            &assets
                .iter()
                .map(|a| (&a.rel, a.len, a.modified))
                .collect::<Vec<_>>(),
        );
        let targets = fingerprint(&(
            assets,
            &targets.base_path,
            pages
                .iter()
                .map(|p| (&p.rel, &p.key, &p.lang, &p.path))
                .collect::<Vec<_>>(),
        ));
        InputKeys { targets, assets }
    }
}

/// What the per-page stages read: the site's folder, the link targets, their keys.
pub(crate) struct PageInputs<'a> {
    pub root: &'a Path,
    pub targets: &'a LinkTargets,
    pub keys: InputKeys,
}

/// A page's Markdown converted.
pub(crate) struct MarkdownEntry {
    pub rendered: Arc<Rendered>,
    pub diagnostics: Vec<Diagnostic>,
    /// A fingerprint of what the page's outputs show of it (HTML and text): links to other
    /// pages change it when those pages move or gain a translation, the source staying the same.
    pub print: u64,
}

struct ConvertMarkdown<'a> {
    targets: &'a LinkTargets,
    key: u64,
}

impl PageStage for ConvertMarkdown<'_> {
    type Output = MarkdownEntry;

    fn key(&self) -> u64 {
        self.key
    }

    fn run(&self, page: &Page) -> MarkdownEntry {
        let (rendered, diagnostics) = respi_markdown::render(&PageRef::from(page), self.targets);
        MarkdownEntry {
            print: fingerprint(&(&rendered.html, &rendered.text)),
            rendered: Arc::new(rendered),
            diagnostics,
        }
    }
}

/// Content accessibility rules C1–C15 (respi-lint's README.md): they read the page and the
/// files it links to.
struct CheckContent<'a> {
    linter: &'a Linter,
    key: u64,
}

impl PageStage for CheckContent<'_> {
    type Output = Vec<Diagnostic>;

    fn key(&self) -> u64 {
        self.key
    }

    fn run(&self, page: &Page) -> Vec<Diagnostic> {
        self.linter.check(page)
    }
}

/// The file of a document page, with its format, size and text.
struct ReadDocument<'a> {
    root: &'a Path,
    key: u64,
}

impl PageStage for ReadDocument<'_> {
    type Output = DocumentRead;

    fn key(&self) -> u64 {
        self.key
    }

    fn run(&self, page: &Page) -> DocumentRead {
        archive::read(self.root, page)
    }
}

/// The per-page stages' results, kept from build to build.
#[derive(Default)]
pub(crate) struct PageCaches {
    pub hashes: SourceHashes,
    markdown: StageCache<MarkdownEntry>,
    lint: StageCache<Vec<Diagnostic>>,
    documents: StageCache<DocumentRead>,
}

impl PageCaches {
    /// Runs the stages on the `pages` whose inputs changed (each page comes with the hash of
    /// its source); returns how many pages had their Markdown converted.
    pub fn update(
        &mut self,
        inputs: &PageInputs<'_>,
        pages: &[(&Page, u64)],
        timings: &mut Timings,
    ) -> usize {
        let keys = inputs.keys;
        let convert = ConvertMarkdown {
            targets: inputs.targets,
            key: keys.targets,
        };
        let converted = self.markdown.update(&convert, pages);
        timings.lap("markdown");
        let linter = Linter::new(inputs.root);
        let check = CheckContent {
            linter: &linter,
            key: keys.assets,
        };
        self.lint.update(&check, pages);
        timings.lap("lint");
        let read = ReadDocument {
            root: inputs.root,
            key: keys.assets,
        };
        self.documents.update(&read, pages);
        timings.lap("documents");
        converted
    }

    /// Drops the results of pages that are not in `present`.
    pub fn retain(&mut self, present: &HashSet<&str>) {
        self.markdown.retain(present);
        self.lint.retain(present);
        self.documents.retain(present);
    }

    /// What the stages made of `page`.
    pub fn result(&self, page: &Page) -> PageResult {
        let markdown = self.markdown.get(&page.rel);
        PageResult {
            rendered: markdown.rendered.clone(),
            print: markdown.print,
            markdown: markdown.diagnostics.clone(),
            lint: self.lint.get(&page.rel).clone(),
            document: self.documents.get(&page.rel).clone(),
        }
    }
}

/// What the per-page stages made of one page.
pub(crate) struct PageResult {
    pub rendered: Arc<Rendered>,
    pub print: u64,
    pub markdown: Vec<Diagnostic>,
    pub lint: Vec<Diagnostic>,
    pub document: DocumentRead,
}

impl PageResult {
    /// The problem of the page's document, if any.
    pub fn document_diagnostics(&self) -> Vec<Diagnostic> {
        match &self.document {
            Err(d) => vec![(**d).clone()],
            Ok(_) => Vec::new(),
        }
    }
}

/// The per-page results of a full build, indexed like `Library::pages`.
pub(crate) struct PageResults {
    pub rendered: Vec<Arc<Rendered>>,
    pub prints: Vec<u64>,
    pub markdown: Vec<Vec<Diagnostic>>,
    pub lint: Vec<Vec<Diagnostic>>,
    pub documents: Vec<Vec<Diagnostic>>,
    pub document_files: HashMap<PageId, DocumentFile>,
}

impl PageResults {
    /// The findings of the build so far: those found before the per-page stages (`before`),
    /// and the per-page stages' own, taken out of these results.
    pub fn findings(&mut self, before: Diagnostics) -> Findings {
        Findings {
            before: before.0,
            markdown: std::mem::take(&mut self.markdown),
            lint: std::mem::take(&mut self.lint),
            documents: std::mem::take(&mut self.documents),
            site: Vec::new(),
            links: Vec::new(),
        }
    }

    pub fn collect(caches: &PageCaches, pages: &[Page]) -> PageResults {
        let mut results = PageResults {
            rendered: Vec::with_capacity(pages.len()),
            prints: Vec::with_capacity(pages.len()),
            markdown: Vec::with_capacity(pages.len()),
            lint: Vec::with_capacity(pages.len()),
            documents: Vec::with_capacity(pages.len()),
            document_files: HashMap::new(),
        };
        for (id, page) in pages.iter().enumerate() {
            let result = caches.result(page);
            results.documents.push(result.document_diagnostics());
            if let Ok(Some(file)) = result.document {
                results.document_files.insert(id, file);
            }
            results.rendered.push(result.rendered);
            results.prints.push(result.print);
            results.markdown.push(result.markdown);
            results.lint.push(result.lint);
        }
        results
    }
}
