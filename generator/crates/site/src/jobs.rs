//! The outputs of a full build: one job each, checked for outputs that would take the same
//! address.

use std::collections::{HashMap, HashSet};

use respi_render::{Job, Renderer};
use respi_sources::diagnostics::{Diagnostic, Diagnostics};
use respi_sources::library::PageId;

/// Every job of the renderer but those of pages whose template is missing (reported already,
/// with the line of `template:`). An alias that takes the address of another output is
/// reported in `diags`.
pub(crate) fn plan(
    renderer: &Renderer<'_>,
    without_template: &HashSet<PageId>,
    diags: &mut Diagnostics,
) -> Vec<Job> {
    let mut jobs = renderer.jobs();
    jobs.retain(|job| {
        !matches!(job, Job::Page(id) | Job::Section { id, .. } if without_template.contains(id))
    });
    report_colliding_aliases(renderer, &jobs, diags);
    jobs
}

fn report_colliding_aliases(renderer: &Renderer<'_>, jobs: &[Job], diags: &mut Diagnostics) {
    let library = renderer.inputs.library;
    let mut owners: HashMap<String, String> = HashMap::new();
    for job in jobs {
        let out = renderer.output_path(job);
        let owner = match job {
            Job::Alias { to, .. } => {
                format!("l'alias di {}", library.pages[*to].file.display())
            }
            Job::Page(id) | Job::Section { id, .. } => {
                library.pages[*id].file.display().to_string()
            }
            _ => "una pagina generata".into(),
        };
        if let Some(previous) = owners.insert(out, owner)
            && let Job::Alias { to, from } = job
        {
            let p = &library.pages[*to];
            let line = p
                .source
                .lines()
                .position(|l| l.contains(from.as_str()))
                .map(|i| i + 1)
                .unwrap_or(1);
            diags.push(
                Diagnostic::error(
                    &p.file,
                    line,
                    1,
                    format!("l'alias `{from}` coincide con l'indirizzo di {previous}"),
                )
                .with_help("scegliere un vecchio indirizzo che non sia usato da un'altra pagina")
                .with_source(&p.source),
            );
        }
    }
}
