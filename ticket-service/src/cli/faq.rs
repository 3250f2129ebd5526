//! `respi-tickets export-faq`: a FAQ draft from answered reports, from the command line. The
//! same use case as the web page: the text is anonymised, what was removed is printed, and a
//! text in which the anonymiser still finds personal data is printed scrubbed and not written.

use std::fmt::Write as _;
use std::path::Path;

use crate::app::faq_export::{self, DraftForm, ExportError, Exported, Review};
use crate::db::{Db, DbError, faq_exports};

#[derive(Debug, thiserror::Error)]
pub enum FaqCliError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(
        "la segnalazione «{0}» non esiste: scrivi il numero di protocollo, es. RESPI-2026-000123"
    )]
    UnknownReport(String),
    #[error(
        "la sezione «{0}» delle FAQ non è un argomento: scrivi la cartella sotto content/faq/, es. cittadinanza"
    )]
    UnknownTopic(String),
    #[error("{0}")]
    Refused(String),
}

/// What `export-faq` was asked.
pub struct FaqRequest<'a> {
    pub protocols: &'a [String],
    pub question: &'a str,
    /// `None`: the reports' published answers, anonymised.
    pub answer: Option<&'a str>,
    /// A section folder under `content/faq/`; `None`: the reports' topic.
    pub topic: Option<&'a str>,
    /// Print the anonymised text and what was removed, write nothing.
    pub preview: bool,
}

fn form_of(db: &Db, request: &FaqRequest<'_>) -> Result<DraftForm, FaqCliError> {
    let mut form = DraftForm {
        question: request.question.to_owned(),
        answer: request.answer.unwrap_or_default().to_owned(),
        ..DraftForm::default()
    };
    for protocol in request.protocols {
        let id = db
            .call_blocking(|conn| faq_exports::report_id(conn, protocol))?
            .ok_or_else(|| FaqCliError::UnknownReport(protocol.clone()))?;
        form.reports.push(id);
    }
    if let Some(folder) = request.topic {
        let id = db
            .call_blocking(|conn| faq_exports::topic_id(conn, folder))?
            .ok_or_else(|| FaqCliError::UnknownTopic(folder.to_owned()))?;
        form.topic = id.to_string();
    }
    Ok(form)
}

/// The review as text: what was removed, then the question and the answer.
pub fn describe(review: &Review) -> String {
    let mut out = String::new();
    if review.removed.is_empty() {
        out.push_str("Nessun dato personale trovato.\n");
    } else {
        let _ = writeln!(out, "Dati personali tolti ({}):", review.removed.len());
        for item in &review.removed {
            let _ = writeln!(out, "  - {}: {}", item.label, item.text);
        }
    }
    let _ = writeln!(out, "Domanda: {}", review.form.question);
    let _ = writeln!(out, "Risposta:\n{}", review.form.answer);
    out
}

/// Runs `export-faq`: the preview, or the file written (its path under the content folder)
/// with the review that was written.
pub fn export_faq(
    db: &Db,
    content_dir: &Path,
    request: &FaqRequest<'_>,
    now: i64,
) -> Result<(Review, Option<String>), FaqCliError> {
    let form = form_of(db, request)?;
    let preview = db
        .call_blocking(|conn| faq_export::preview(conn, form.clone()))?
        .map_err(FaqCliError::Refused)?;
    if request.preview {
        return Ok((preview, None));
    }
    // Without an answer of its own, the draft takes the reports' answers as anonymised.
    let mut form = form;
    if form.answer.trim().is_empty() {
        form.answer.clone_from(&preview.form.answer);
    }
    let exported =
        db.call_blocking(|conn| Ok(faq_export::export_draft(conn, content_dir, form, None, now)))??;
    match exported {
        Exported::Written { path, review } => {
            let mut review = review;
            review.removed.extend(preview.removed);
            review.removed.sort();
            review.removed.dedup();
            Ok((review, Some(path)))
        }
        Exported::Refused(review) if review.scrubbed_again => Err(FaqCliError::Refused(format!(
            "nel testo c'erano dati personali: non è stato scritto nulla. Rileggi il testo anonimizzato qui sotto e ripeti il comando con quello.\n{}",
            describe(&review)
        ))),
        Exported::Refused(review) => {
            let messages: Vec<String> = review
                .errors
                .summary
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect();
            Err(FaqCliError::Refused(messages.join("\n")))
        }
    }
}
