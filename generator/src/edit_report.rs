//! What the preview prints after an edit: the diagnostics of the files the edit touched, every
//! error and every diagnostic the edit caused elsewhere, then one line counting the warnings
//! of the rest of the site, which did not change. The first build, `respi check` and
//! `respi build` print them all.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use respi_site::Changes;
use respi_sources::diagnostics::Diagnostics;

/// The text to print after a build, given the diagnostics of the build before it (none for
/// the first build).
pub fn after_build(
    root: &Path,
    previous: Option<&Diagnostics>,
    current: &Diagnostics,
    changes: &Changes,
) -> String {
    let (Some(previous), Changes::Paths(paths)) = (previous, changes) else {
        return current.to_string();
    };
    let touched: Vec<PathBuf> = paths
        .iter()
        .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf())
        .collect();
    let before: HashSet<String> = previous.iter().map(ToString::to_string).collect();
    let mut text = String::new();
    let mut unchanged = 0;
    for d in current.iter() {
        let shown = touched.iter().any(|t| d.file.starts_with(t))
            || d.is_error()
            || !before.contains(&d.to_string());
        if shown {
            text.push_str(&format!("{d}\n"));
        } else {
            unchanged += 1;
        }
    }
    if unchanged > 0 {
        let warnings = if unchanged == 1 { "avviso" } else { "avvisi" };
        let same = if unchanged == 1 {
            "invariato"
        } else {
            "invariati"
        };
        text.push_str(&format!(
            "{unchanged} {warnings} {same} nel resto del sito (`respi check` li mostra tutti)\n"
        ));
    }
    text.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use respi_sources::diagnostics::Diagnostic;

    fn warning(file: &str, message: &str) -> Diagnostic {
        Diagnostic::warning(file, 3, 1, message).with_rule("C13")
    }

    fn site(extra: &[Diagnostic]) -> Diagnostics {
        let mut all: Vec<Diagnostic> = ["a", "b", "c"]
            .iter()
            .map(|p| warning(&format!("content/{p}.md"), "istruzione basata sul colore"))
            .collect();
        all.extend_from_slice(extra);
        Diagnostics(all)
    }

    #[test]
    fn an_edit_shows_its_own_file_and_counts_the_rest() {
        let root = Path::new("/sito");
        let changes = Changes::Paths([PathBuf::from("/sito/content/b.md")].into());
        let shown = after_build(root, Some(&site(&[])), &site(&[]), &changes);
        assert_eq!(
            shown,
            "content/b.md:3:1: avviso [C13]: istruzione basata sul colore\n\
             2 avvisi invariati nel resto del sito (`respi check` li mostra tutti)"
        );
    }

    #[test]
    fn errors_and_new_diagnostics_elsewhere_are_shown() {
        let root = Path::new("/sito");
        let changes = Changes::Paths([PathBuf::from("/sito/content/b.md")].into());
        let caused = [
            Diagnostic::error("content/c.md", 9, 2, "collegamento interrotto"),
            warning("content/a.md", "nuovo avviso"),
        ];
        let shown = after_build(root, Some(&site(&[])), &site(&caused), &changes);
        assert!(shown.contains("content/c.md:9:2: errore"), "{shown}");
        assert!(shown.contains("content/a.md:3:1: avviso [C13]: nuovo avviso"));
        assert!(
            shown
                .ends_with("2 avvisi invariati nel resto del sito (`respi check` li mostra tutti)")
        );
    }

    #[test]
    fn the_first_build_and_unknown_changes_show_everything() {
        let root = Path::new("/sito");
        let all = site(&[]).to_string();
        assert_eq!(after_build(root, None, &site(&[]), &Changes::Unknown), all);
        assert_eq!(
            after_build(root, Some(&site(&[])), &site(&[]), &Changes::Unknown),
            all
        );
    }
}
