//! The diagnostics of a build, kept by stage and by page.

use respi_sources::diagnostics::{Diagnostic, Diagnostics};

/// The diagnostics of a build, kept by stage and by page (indexed like `Library::pages`), so
/// that a later build can replace those of one page. [`Findings::collect`] puts them in the
/// order a full build reports them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Findings {
    /// Loading, the site graph, the references of site.toml.
    pub before: Vec<Diagnostic>,
    pub markdown: Vec<Vec<Diagnostic>>,
    pub lint: Vec<Vec<Diagnostic>>,
    pub documents: Vec<Vec<Diagnostic>>,
    /// The network's CSV, colliding aliases, templates that failed, the search index.
    pub site: Vec<Diagnostic>,
    pub links: Vec<Vec<Diagnostic>>,
}

impl Findings {
    fn all(&self) -> impl Iterator<Item = &Diagnostic> {
        self.before
            .iter()
            .chain(self.markdown.iter().flatten())
            .chain(self.lint.iter().flatten())
            .chain(self.documents.iter().flatten())
            .chain(&self.site)
            .chain(self.links.iter().flatten())
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.all().any(Diagnostic::is_error)
    }

    /// Every diagnostic, sorted by file and position.
    pub(crate) fn collect(&self) -> Diagnostics {
        let mut diags = Diagnostics(self.all().cloned().collect());
        diags.sort();
        diags
    }
}
