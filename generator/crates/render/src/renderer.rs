//! The renderer: the jobs of a site, each made ready by the module of its kind of output
//! (a typed context) and rendered with the theme's template.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};
use std::sync::Arc;

use crate::context::{Common, Output, Prepared};
use crate::inputs::Inputs;
use crate::jobs::{ARCHIVE_PAGE_SIZE, Job, NetworkView, Special};
use crate::shared::Shared;
use crate::{alias, archive, not_found, page, section, services, special, tags};
use respi_markdown::Rendered;
use respi_sources::archive::DocumentFile;
use respi_sources::config::Config;
use respi_sources::diagnostics::Diagnostic;
use respi_sources::library::{Library, PageId};
use respi_sources::network::Network;
use respi_sources::theme::Theme;

/// Renders the outputs of one build.
pub struct Renderer<'a> {
    pub inputs: Inputs<'a>,
    /// Adds the live-reload script to every page (the preview).
    pub live_reload: bool,
    shared: Shared,
}

impl<'a> Renderer<'a> {
    pub fn new(
        config: &'a Config,
        library: &'a Library,
        rendered: &'a [Arc<Rendered>],
        theme: &'a Theme,
        documents: &'a HashMap<PageId, DocumentFile>,
        network: Option<&'a Network>,
        live_reload: bool,
    ) -> Self {
        let inputs = Inputs::new(config, library, rendered, theme, documents, network);
        // The site object and the UI strings are the same for thousands of pages: converted
        // to template values once, each page only clones a reference to them.
        let shared = Shared::new(&inputs);
        Renderer {
            inputs,
            live_reload,
            shared,
        }
    }

    /// A renderer with the values of [`Renderer::into_shared`] from a renderer of the same
    /// configuration, theme and front matter.
    #[allow(clippy::too_many_arguments)]
    pub fn with_shared(
        config: &'a Config,
        library: &'a Library,
        rendered: &'a [Arc<Rendered>],
        theme: &'a Theme,
        documents: &'a HashMap<PageId, DocumentFile>,
        network: Option<&'a Network>,
        live_reload: bool,
        shared: Shared,
    ) -> Self {
        Renderer {
            inputs: Inputs::new(config, library, rendered, theme, documents, network),
            live_reload,
            shared,
        }
    }

    /// A fingerprint of the site-wide values every page gets (the `site` object, UI strings,
    /// which languages have a news feed).
    pub fn shared_key(&self) -> u64 {
        respi_sources::fingerprint(&(self.shared.print(), self.inputs.feed_langs()))
    }

    /// The values converted for every page, to render again with [`Renderer::with_shared`].
    pub fn into_shared(self) -> Shared {
        self.shared
    }

    /// Every job of a full build.
    pub fn jobs(&self) -> Vec<Job> {
        let lib = self.inputs.library;
        let mut jobs = Vec::new();
        for (id, p) in lib.pages.iter().enumerate() {
            jobs.extend(self.page_jobs(id));
            for alias in &p.fm.aliases {
                jobs.push(Job::Alias {
                    from: alias.clone(),
                    to: id,
                });
            }
        }
        for lang in self.inputs.config.languages() {
            let lang = lang.code;
            if lib.sections.contains_key(&(String::new(), lang.clone())) {
                self.language_jobs(lang, &mut jobs);
            }
        }
        for (facet, docs) in self.inputs.archive_facets() {
            for page_no in 1..=docs.len().div_ceil(ARCHIVE_PAGE_SIZE).max(1) {
                let facet = facet.clone();
                jobs.push(Job::Archive { facet, page_no });
            }
        }
        if let Some(network) = self.inputs.network {
            jobs.push(Job::Network {
                view: NetworkView::All,
            });
            for kind in network.grouped(|s| &s.kind).into_keys() {
                let view = NetworkView::Kind(kind);
                jobs.push(Job::Network { view });
            }
            for area in network.grouped(|s| &s.area).into_keys() {
                let view = NetworkView::Area(area);
                jobs.push(Job::Network { view });
            }
        }
        jobs.push(Job::NotFound);
        jobs
    }

    /// The jobs of a language with a home page: the tag index, the site map page and the other
    /// pages the layout links to, even when none of its pages has a tag yet, and the pages of
    /// each tag.
    fn language_jobs(&self, lang: String, jobs: &mut Vec<Job>) {
        jobs.push(Job::TagIndex { lang: lang.clone() });
        for kind in Special::ALL {
            let lang = lang.clone();
            jobs.push(Job::Special { kind, lang });
        }
        let per = self.inputs.config.taxonomies.paginate_by.max(1);
        for (slug, (_, pages)) in self.inputs.library.tags.get(&lang).into_iter().flatten() {
            for page_no in 1..=pages.len().div_ceil(per).max(1) {
                jobs.push(Job::Tag {
                    lang: lang.clone(),
                    slug: slug.clone(),
                    page_no,
                });
            }
        }
    }

    /// The outputs that show a page's body: the page, or every page of a section's listing.
    pub fn page_jobs(&self, id: PageId) -> Vec<Job> {
        if self.inputs.library.pages[id].is_section {
            (1..=self.page_count(id))
                .map(|page_no| Job::Section { id, page_no })
                .collect()
        } else {
            vec![Job::Page(id)]
        }
    }

    fn page_count(&self, section: PageId) -> usize {
        let lib = self.inputs.library;
        let p = &lib.pages[section];
        match p.fm.paginate_by {
            Some(n) if n > 0 => lib.pages_in(&p.dir, &p.lang).len().div_ceil(n).max(1),
            _ => 1,
        }
    }

    /// Output path of a job, relative to the output folder.
    pub fn output_path(&self, job: &Job) -> String {
        self.inputs.output_path(job)
    }

    /// Builds the context of a job and renders it.
    pub fn render(&self, job: &Job) -> Result<String, Box<Diagnostic>> {
        self.render_prepared(job, self.prepare(job, false))
    }

    /// The template and context of a job, without the site-wide values every job shares.
    /// With `fingerprint`, the preparation also gets the fingerprint of its context.
    pub fn prepare(&self, job: &Job, fingerprint: bool) -> Prepared {
        let inputs = &self.inputs;
        match job {
            Job::Page(id) | Job::Section { id, .. } if !inputs.library.pages[*id].is_section => {
                self.ready(job, page::output(inputs, *id), fingerprint)
            }
            Job::Page(id) => self.ready(job, section::output(inputs, *id, 1), fingerprint),
            Job::Section { id, page_no } => {
                self.ready(job, section::output(inputs, *id, *page_no), fingerprint)
            }
            Job::TagIndex { lang } => self.ready(job, tags::index(inputs, lang), fingerprint),
            Job::Tag {
                lang,
                slug,
                page_no,
            } => self.ready(job, tags::tag(inputs, lang, slug, *page_no), fingerprint),
            Job::Special { kind, lang } => {
                self.ready(job, special::output(inputs, *kind, lang), fingerprint)
            }
            Job::Archive { facet, page_no } => {
                self.ready(job, archive::output(inputs, facet, *page_no), fingerprint)
            }
            Job::Network { view } => self.ready(job, services::output(inputs, view), fingerprint),
            Job::NotFound => self.ready(job, not_found::output(inputs), fingerprint),
            Job::Alias { to, .. } => self.ready(job, alias::output(inputs, *to), fingerprint),
        }
    }

    /// A kind of output's template and context, with what every page gets: the language, its
    /// direction, the live-reload flag, the active entry of the menu.
    fn ready<C: serde::Serialize>(
        &self,
        job: &Job,
        output: Output<C>,
        fingerprint: bool,
    ) -> Prepared {
        let lang = output.lang.clone();
        let dir = self
            .inputs
            .config
            .language(&lang)
            .map(|l| l.dir)
            .unwrap_or_else(|| "ltr".into());
        let current_dir = match job {
            Job::Page(id) | Job::Section { id, .. } => self.inputs.library.pages[*id].dir.as_str(),
            _ => "",
        };
        let active = self.shared.active_entry(&lang, current_dir);
        let common = Common {
            live_reload: self.live_reload,
            lang: &lang,
            dir: &dir,
        };
        Prepared::new(output, &common, active, fingerprint)
    }

    /// A fingerprint of everything a prepared job's output is made from: the theme, the
    /// template's name, the job's context and the site-wide values it will get; `None` when the
    /// job was prepared without one. Templates read nothing else (the theme registers no function
    /// that reads the site), so two preparations with one fingerprint render the same bytes.
    pub fn fingerprint(&self, prepared: &Prepared) -> Option<u64> {
        let mut h = DefaultHasher::new();
        h.write_u64(prepared.print?);
        h.write_u64(self.inputs.theme.fingerprint);
        h.write_u64(self.shared.print());
        h.write(prepared.template.as_bytes());
        h.write_u8(0);
        h.write(prepared.lang.as_bytes());
        h.write_u64(prepared.active.map_or(0, |a| a as u64 + 1));
        Some(h.finish())
    }

    /// Renders a job from its preparation.
    pub fn render_prepared(
        &self,
        job: &Job,
        prepared: Prepared,
    ) -> Result<String, Box<Diagnostic>> {
        let Prepared {
            template,
            lang,
            active,
            mut context,
            ..
        } = prepared;
        context.insert_value("site", self.shared.site(&lang, active));
        context.insert_value("t", self.shared.strings(&lang));
        let theme = &self.inputs.config.theme;
        self.inputs
            .theme
            .tera
            .render(&template, &context)
            .map_err(|e| {
                let file = match job {
                    Job::Page(id) | Job::Section { id, .. } | Job::Alias { to: id, .. } => {
                        self.inputs.library.pages[*id].file.clone()
                    }
                    _ => format!("themes/{theme}/templates/{template}").into(),
                };
                let help = if matches!(e.kind(), tera::ErrorKind::TemplateNotFound(_)) {
                    format!(
                        "creare themes/{theme}/templates/{template} o correggere `template:` nel front matter"
                    )
                } else {
                    format!("correggere il modello `{template}` del tema")
                };
                Box::new(
                    Diagnostic::error(
                        file,
                        0,
                        0,
                        format!("impossibile comporre la pagina con il modello `{template}`: {e}"),
                    )
                    .with_help(help),
                )
            })
    }
}
