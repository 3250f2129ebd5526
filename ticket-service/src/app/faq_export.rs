//! FAQ drafts from answered reports: the coordination picks answered (preferably validated)
//! reports, rewrites question and answer in a general form, picks the topic and exports a
//! `draft: true` page into the portal's content. The anonymiser runs on everything that goes
//! into the file and cannot be skipped: a text it still finds personal data in comes back to
//! the editor, scrubbed, with what was removed, and is written only once it comes through
//! clean. The same use case serves the web pages and `respi-tickets export-faq`.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::Serialize;

use crate::auth::principal::Principal;
use crate::clock::local_date;
use crate::db::DbError;
use crate::db::audit::{self, AuditEntry};
use crate::db::faq_exports::{self, CandidateRow, NewExport, SourceReport};
use crate::db::topics::{self, TopicRow};
use crate::domain::anonymise::{KnownIdentifiers, Removal};
use crate::domain::audit::AuditEvent;
use crate::domain::faq_draft::{self, AnonymisedText, Provenance};
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::export::faq::{WriteError, write_draft};
use crate::forms::FormErrors;
use crate::state::AppState;

/// What the editor sends: the reports, the question and answer as edited, the topic.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DraftForm {
    pub reports: Vec<i64>,
    pub question: String,
    pub answer: String,
    /// The topic's id; empty for the reports' own topic.
    pub topic: String,
}

impl DraftForm {
    /// The form from its fields as sent, `report` repeated once per ticked report.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, AppError> {
        let mut form = DraftForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "report" => form
                    .reports
                    .push(value.parse().map_err(|_| AppError::BadForm)?),
                "question" => form.question.clone_from(value),
                "answer" => form.answer.clone_from(value),
                "topic" => form.topic.clone_from(value),
                _ => {}
            }
        }
        Ok(form)
    }
}

/// A topic the draft can go to: one of the portal's FAQ sections.
#[derive(Debug, Clone, Serialize)]
pub struct TopicOption {
    pub value: i64,
    pub label: String,
}

/// The active topics that have a section in the portal.
pub async fn topic_options(state: &AppState) -> Result<Vec<TopicOption>, AppError> {
    let rows = state.db.call(|conn| topics::list(conn)).await?;
    Ok(rows
        .into_iter()
        .filter(|t| t.active && t.folder.is_some())
        .map(|t| TopicOption {
            value: t.id,
            label: format!("{} (faq/{}/)", t.name, t.folder.unwrap_or_default()),
        })
        .collect())
}

/// The reports of a draft, loaded and checked.
struct Selection {
    sources: Vec<SourceReport>,
    known: KnownIdentifiers,
}

impl Selection {
    /// The reports' identifiers, which the anonymiser removes wherever they appear.
    fn new(sources: Vec<SourceReport>) -> Self {
        let mut known = KnownIdentifiers::default();
        for source in &sources {
            let report = &source.report;
            known.names.push(report.citizen_family_name.clone());
            known.names.push(report.citizen_given_name.clone());
            known.codes.extend(report.citizen_tax_code.clone());
            known.codes.extend(report.file_reference.clone());
            known.codes.push(report.protocol.clone());
            known.birth_dates.extend(report.citizen_birth_date);
        }
        Selection { sources, known }
    }

    /// The answering offices, and the latest validation among the reports.
    fn provenance(&self) -> Provenance {
        let mut offices: Vec<&str> = self
            .sources
            .iter()
            .map(|s| s.report.addressed_office.label)
            .collect();
        offices.sort_unstable();
        offices.dedup();
        let validated = self.sources.iter().filter_map(|s| s.validated_at).max();
        Provenance {
            source: offices.join("; "),
            validated: validated.map(local_date),
        }
    }

    /// The topic all the reports share, if they share one.
    fn common_topic(&self) -> Option<i64> {
        let first = self.sources.first()?.report.topic_id?;
        self.sources
            .iter()
            .all(|s| s.report.topic_id == Some(first))
            .then_some(first)
    }
}

/// Loads the reports `ids`; an error message when there are none or one is not answered.
fn select(conn: &Connection, ids: &[i64]) -> rusqlite::Result<Result<Selection, String>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Err(
            "Scegli almeno una segnalazione con risposta.".to_owned()
        ));
    }
    let mut sources = Vec::new();
    for id in ids {
        match faq_exports::source(conn, id)? {
            Some(source) => sources.push(source),
            None => {
                return Ok(Err(format!(
                    "La segnalazione {id} non esiste o non ha ancora una risposta pubblicata."
                )));
            }
        }
    }
    Ok(Ok(Selection::new(sources)))
}

/// A report of the draft as the editor sees it: its description anonymised, for reference.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewReport {
    pub id: i64,
    pub protocol: String,
    pub description: String,
}

/// The editor's page: the reports, the texts to edit, what the anonymiser removed.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub form: DraftForm,
    pub reports: Vec<ReviewReport>,
    pub removed: Vec<Removal>,
    pub errors: FormErrors,
    /// True when the export found more personal data and sends the text back.
    pub scrubbed_again: bool,
}

/// The first review of a selection: the answers, anonymised, as the starting answer.
fn first_review(selection: &Selection, form: DraftForm) -> Review {
    let answers: Vec<&str> = selection
        .sources
        .iter()
        .map(|s| s.answer.as_str())
        .collect();
    let anonymised = faq_draft::anonymise(&form.question, &answers.join("\n\n"), &selection.known);
    let mut review = review_of(selection, form, &anonymised);
    review.form.answer = anonymised.answer.text.clone();
    if review.form.topic.is_empty() {
        review.form.topic = selection
            .common_topic()
            .map(|id| id.to_string())
            .unwrap_or_default();
    }
    review
}

fn review_of(selection: &Selection, form: DraftForm, anonymised: &AnonymisedText) -> Review {
    let mut removed = anonymised.removed();
    let reports = selection
        .sources
        .iter()
        .map(|s| {
            let description =
                crate::domain::anonymise::scrub(&s.report.description, &selection.known);
            removed.extend(description.removed);
            ReviewReport {
                id: s.report.id,
                protocol: s.report.protocol.clone(),
                description: description.text,
            }
        })
        .collect();
    removed.sort();
    removed.dedup();
    Review {
        form,
        reports,
        removed,
        errors: FormErrors::default(),
        scrubbed_again: false,
    }
}

/// What an export did.
#[derive(Debug)]
pub enum Exported {
    /// Written: the file under the content folder (`faq/<topic>/<stem>.md`).
    Written { path: String, review: Review },
    /// Not written: the form comes back, with the errors or with the text scrubbed again.
    Refused(Review),
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
}

/// The topic the draft goes to: the chosen one, else the reports' own; it must be one of the
/// portal's FAQ sections.
fn topic_of(
    conn: &Connection,
    form: &DraftForm,
    selection: &Selection,
    errors: &mut FormErrors,
) -> rusqlite::Result<Option<TopicRow>> {
    let id = form
        .topic
        .trim()
        .parse::<i64>()
        .ok()
        .or_else(|| selection.common_topic());
    let topic = match id {
        Some(id) => topics::find(conn, id)?,
        None => None,
    };
    match topic {
        Some(topic) if topic.folder.is_some() && topic.active => Ok(Some(topic)),
        Some(topic) => {
            errors.add("topic", format!("L'argomento «{}» non ha una sezione tra le FAQ del portale: scegli uno dei macroargomenti del portale.", topic.name));
            Ok(None)
        }
        None => {
            errors.add(
                "topic",
                "Scegli l'argomento: dice in quale sezione delle FAQ va la bozza.",
            );
            Ok(None)
        }
    }
}

/// Checks, anonymises and, when the text comes through clean, writes the draft and records
/// the export (with its audit line) in one transaction; a failed record removes the file.
pub fn export_draft(
    conn: &mut Connection,
    content_dir: &Path,
    form: DraftForm,
    actor: Option<i64>,
    now: i64,
) -> Result<Exported, ExportError> {
    let selection = match select(conn, &form.reports)? {
        Ok(selection) => selection,
        Err(message) => {
            let mut review = review_of(
                &Selection::new(Vec::new()),
                form,
                &AnonymisedText::default(),
            );
            review.errors.add("report", message);
            return Ok(Exported::Refused(review));
        }
    };
    let mut errors = FormErrors::default();
    let question = errors.check("question", faq_draft::parse_question(&form.question));
    let answer = errors.check("answer", faq_draft::parse_answer(&form.answer));
    let topic = topic_of(conn, &form, &selection, &mut errors)?;
    let (Some(question), Some(answer), Some(topic)) = (question, answer, topic) else {
        let mut review = review_of(&selection, form, &AnonymisedText::default());
        review.errors = errors;
        return Ok(Exported::Refused(review));
    };
    let anonymised = faq_draft::anonymise(&question, &answer, &selection.known);
    if !anonymised.is_clean() {
        let mut form = form;
        form.question = anonymised.question.text.clone();
        form.answer = anonymised.answer.text.clone();
        let mut review = review_of(&selection, form, &anonymised);
        review.scrubbed_again = true;
        return Ok(Exported::Refused(review));
    }
    let text = faq_draft::page(&question, &answer, &selection.provenance());
    let folder = topic.folder.clone().unwrap_or_default();
    let path = write_draft(
        content_dir,
        &folder,
        &faq_draft::file_stem(&question),
        &text,
    )?;
    let ids: Vec<i64> = selection.sources.iter().map(|s| s.report.id).collect();
    if let Err(error) = record(conn, &path, &question, topic.id, &ids, actor, now) {
        // Nothing half done: a file the reserved area does not know of is taken back.
        let _ = std::fs::remove_file(content_dir.join(&path));
        return Err(error.into());
    }
    let review = review_of(&selection, form, &anonymised);
    Ok(Exported::Written { path, review })
}

fn record(
    conn: &mut Connection,
    path: &str,
    title: &str,
    topic_id: i64,
    ids: &[i64],
    actor: Option<i64>,
    now: i64,
) -> rusqlite::Result<()> {
    let protocols: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
    let tx = conn.transaction()?;
    faq_exports::record(
        &tx,
        &NewExport {
            user_id: actor,
            topic_id,
            path,
            title,
            reports: ids,
        },
        now,
    )?;
    let mut entry = AuditEntry::new(AuditEvent::FaqExported).detail(format!(
        "{path} dalle segnalazioni {}",
        protocols.join(", ")
    ));
    if let Some(actor) = actor {
        entry = entry.actor(actor);
    }
    audit::append(&tx, &entry, now)?;
    tx.commit()
}

/// The review of a selection as the command line shows it before writing, or an error message.
pub fn preview(conn: &Connection, form: DraftForm) -> rusqlite::Result<Result<Review, String>> {
    Ok(select(conn, &form.reports)?.map(|selection| {
        let mut review = first_review(&selection, form.clone());
        if !form.answer.trim().is_empty() {
            let anonymised = faq_draft::anonymise(&form.question, &form.answer, &selection.known);
            review = review_of(&selection, form, &anonymised);
            review.form.question = anonymised.question.text;
            review.form.answer = anonymised.answer.text;
        }
        review
    }))
}

/// The answered reports the coordination may pick from.
pub async fn candidates(
    state: &AppState,
    principal: &Principal,
) -> Result<Vec<CandidateRow>, AppError> {
    principal.require(state, Action::ExportFaq).await?;
    Ok(state.db.call(|conn| faq_exports::candidates(conn)).await?)
}

/// The editor's first page for the chosen reports; `Err` with the list's message when the
/// choice is empty or wrong.
pub async fn start(
    state: &AppState,
    principal: &Principal,
    form: DraftForm,
) -> Result<Result<Review, String>, AppError> {
    principal.require(state, Action::ExportFaq).await?;
    let reviewed = state
        .db
        .call(move |conn| Ok(select(conn, &form.reports)?.map(|s| first_review(&s, form))))
        .await?;
    Ok(reviewed)
}

/// Exports the draft the editor sent.
pub async fn export(
    state: &AppState,
    principal: &Principal,
    form: DraftForm,
) -> Result<Exported, AppError> {
    principal.require(state, Action::ExportFaq).await?;
    let content_dir: PathBuf = state.settings.content_dir.clone();
    let actor = Some(principal.user_id);
    let now = state.clock.now();
    let exported = state
        .db
        .call(move |conn| Ok(export_draft(conn, &content_dir, form, actor, now)))
        .await?;
    match exported {
        Ok(exported) => Ok(exported),
        Err(ExportError::Db(error)) => Err(DbError::from(error).into()),
        Err(ExportError::Write(error)) => Err(error.into()),
    }
}
