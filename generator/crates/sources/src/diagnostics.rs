//! Diagnostics for editors: what is wrong, where (file:line:column) and how to fix it.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is: errors stop the build, warnings are counted and printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One problem found in the site's sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as the editor knows it, relative to the site root (`content/faq/x.md`).
    pub file: PathBuf,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based; 0 when unknown.
    pub column: usize,
    /// Short rule id when the diagnostic comes from a named rule (e.g. `C4`).
    pub rule: Option<&'static str>,
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The offending source line, shown under the message.
    pub snippet: Option<String>,
}

impl Diagnostic {
    pub fn error(
        file: impl AsRef<Path>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.as_ref().to_path_buf(),
            line,
            column,
            rule: None,
            message: message.into(),
            help: None,
            snippet: None,
        }
    }

    pub fn warning(
        file: impl AsRef<Path>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, column, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_rule(mut self, rule: &'static str) -> Self {
        self.rule = Some(rule);
        self
    }

    /// Attaches the source line `self.line` of `source` as a snippet.
    pub fn with_source(mut self, source: &str) -> Self {
        if self.line > 0 {
            self.snippet = source.lines().nth(self.line - 1).map(str::to_owned);
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        let kind = match self.severity {
            Severity::Error => "errore",
            Severity::Warning => "avviso",
        };
        match self.rule {
            Some(rule) => write!(f, ": {kind} [{rule}]: {}", self.message)?,
            None => write!(f, ": {kind}: {}", self.message)?,
        }
        if let Some(snippet) = &self.snippet {
            write!(f, "\n     | {snippet}")?;
            if self.column > 0 {
                let pad: String = snippet
                    .chars()
                    .take(self.column - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "\n     | {pad}^")?;
            }
        }
        if let Some(help) = &self.help {
            write!(f, "\n     = come correggere: {help}")?;
        }
        Ok(())
    }
}

/// All the diagnostics of one build, in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
        });
        self.0.dedup();
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// How many errors and warnings each rule gave, one line a rule, the most frequent first,
    /// then the totals.
    pub fn summary(&self) -> String {
        let mut counts: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
        for d in &self.0 {
            let count = counts.entry(d.rule.unwrap_or("senza regola")).or_default();
            if d.is_error() {
                count.0 += 1;
            } else {
                count.1 += 1;
            }
        }
        let mut rows: Vec<(&str, (usize, usize))> = counts.into_iter().collect();
        rows.sort_by_key(|&(rule, (e, w))| (std::cmp::Reverse(e + w), rule));
        let mut text = String::new();
        for (rule, (e, w)) in rows {
            let mut parts = Vec::new();
            if e > 0 {
                parts.push(format!("{e} {}", if e == 1 { "errore" } else { "errori" }));
            }
            if w > 0 {
                parts.push(format!("{w} {}", if w == 1 { "avviso" } else { "avvisi" }));
            }
            text.push_str(&format!("{rule}: {}\n", parts.join(", ")));
        }
        let (e, w) = (self.error_count(), self.warning_count());
        let errors = if e == 1 { "errore" } else { "errori" };
        let warnings = if w == 1 { "avviso" } else { "avvisi" };
        text.push_str(&format!("{e} {errors}, {w} {warnings}"));
        text
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let (e, w) = (self.error_count(), self.warning_count());
        let errors = if e == 1 { "errore" } else { "errori" };
        let warnings = if w == 1 { "avviso" } else { "avvisi" };
        write!(f, "{e} {errors}, {w} {warnings}")
    }
}

impl std::error::Error for Diagnostics {}

/// 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

/// The closest candidate to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = "ab\ncdè\nf";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 4), (2, 2));
        assert_eq!(line_col(text, text.len()), (3, 2));
    }

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["title", "updated", "description"];
        assert_eq!(did_you_mean("udpated", keys), Some("updated"));
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }

    #[test]
    fn summary_counts_each_rule_most_frequent_first() {
        let mut diags = Diagnostics::default();
        for line in 1..=3 {
            diags.push(
                Diagnostic::warning("content/a.md", line, 1, "testo difficile").with_rule("C14"),
            );
        }
        diags.push(Diagnostic::error("content/b.md", 2, 1, "immagine senza alt").with_rule("C1"));
        diags.push(Diagnostic::warning("content/b.md", 4, 1, "grassetto").with_rule("C4"));
        diags.push(Diagnostic::error("content/b.md", 5, 1, "titolo").with_rule("C4"));
        assert_eq!(
            diags.summary(),
            "C14: 3 avvisi\nC4: 1 errore, 1 avviso\nC1: 1 errore\n2 errori, 4 avvisi"
        );
    }

    #[test]
    fn display_names_file_line_column_and_help() {
        let d = Diagnostic::error("content/a.md", 3, 5, "chiave sconosciuta")
            .with_help("usare `updated`")
            .with_source("a\nb\ntitolo: x\n");
        let s = d.to_string();
        assert!(
            s.starts_with("content/a.md:3:5: errore: chiave sconosciuta"),
            "{s}"
        );
        assert!(s.contains("| titolo: x"));
        assert!(s.contains("come correggere: usare `updated`"));
    }
}
