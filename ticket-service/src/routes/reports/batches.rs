//! `/lotti`: printed batches. The coordination gathers reports taken in charge into a batch,
//! prints it (one report per sheet, a cover list, room for the answer) and marks it handed
//! over; the liaison sees the open batches and records the answers from each report's page.
//! The use cases are in `app::reports::batches`, which never loads internal notes, so no
//! print can carry them.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use crate::app::reports::batches::{self, Created, Overview, Printable, Printout, REPORT_FIELD};
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::clock::local_time;
use crate::db::batches::BatchRow;
use crate::error::AppError;
use crate::export::pdf::{self, Block};
use crate::forms::FormErrors;
use crate::pagination::PageQuery;
use crate::paths;
use crate::routes::path_id::PathId;
use crate::routes::reports::ReportView;
use crate::state::AppState;
use crate::templates::Page;

#[derive(Serialize)]
struct BatchView {
    #[serde(flatten)]
    row: BatchRow,
    created: String,
    forwarded: Option<String>,
}

impl From<BatchRow> for BatchView {
    fn from(row: BatchRow) -> Self {
        BatchView {
            created: local_time(row.created_at),
            forwarded: row.forwarded_at.map(local_time),
            row,
        }
    }
}

pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(page): Query<PageQuery>,
) -> Result<Response, AppError> {
    let overview = batches::overview(&state, &principal, &page).await?;
    render_list(&state, &principal, overview, &FormErrors::default())
}

/// The batches page; with errors it answers 422.
fn render_list(
    state: &AppState,
    principal: &Principal,
    overview: Overview,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let settings = &state.settings.reports;
    let candidates: Vec<ReportView> = overview
        .candidates
        .into_iter()
        .map(|row| ReportView::new(row, settings, overview.today))
        .collect();
    let pages = overview.batches.links(paths::BATCHES, &[]);
    let views: Vec<BatchView> = overview
        .batches
        .rows
        .into_iter()
        .map(BatchView::from)
        .collect();
    let html = Page::for_user(state, principal, "Lotti da consegnare", paths::BATCHES)
        .with("batches", &views)
        .with("pages", &pages)
        .with("may_create", &overview.may_create)
        .with("candidates", &candidates)
        .errors(errors)
        .render(state, "batches.html")?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, html).into_response())
}

/// `POST /lotti`: a batch of the ticked reports. The form is read as pairs because the
/// checkboxes repeat the `report` name.
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let ticked: Vec<&str> = pairs
        .iter()
        .filter(|(name, _)| name == REPORT_FIELD)
        .map(|(_, value)| value.as_str())
        .collect();
    match batches::create(&state, &principal, &ticked).await? {
        Created::Batch(batch) => Ok(to_batch(batch, "creato")),
        Created::Invalid(errors) => {
            let overview = batches::overview(&state, &principal, &PageQuery::default()).await?;
            render_list(&state, &principal, overview, &errors)
        }
    }
}

fn to_batch(id: i64, outcome: &str) -> Response {
    Redirect::to(&paths::with_outcome(&paths::batch(id), outcome)).into_response()
}

#[derive(Deserialize)]
pub struct BatchQuery {
    #[serde(default)]
    #[serde(rename = "esito")]
    outcome: Option<String>,
}

/// `GET /lotti/{id}`: the batch as a print-ready page, after the password is confirmed.
pub async fn show(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    Query(query): Query<BatchQuery>,
) -> Result<Response, AppError> {
    let printable = batches::open_for_print(&state, &principal, id, Printout::Page).await?;
    let status = match query.outcome.as_deref() {
        Some("creato") => Some(
            "Lotto creato. Stampalo con il comando di stampa del browser: ogni segnalazione è su un foglio.",
        ),
        Some("consegnato") => {
            Some("Lotto segnato come consegnato: le segnalazioni sono in attesa di risposta.")
        }
        _ => None,
    };
    render_batch(&state, &principal, printable, status)
}

/// The print page of a batch, with the status message of what was just done to it.
fn render_batch(
    state: &AppState,
    principal: &Principal,
    printable: Printable,
    status: Option<&'static str>,
) -> Result<Response, AppError> {
    let settings = &state.settings.reports;
    let reports: Vec<ReportView> = printable
        .reports
        .into_iter()
        .map(|row| ReportView::new(row, settings, printable.today))
        .collect();
    let title = format!("Lotto n. {}", printable.batch.id);
    let mut page = Page::for_user(state, principal, &title, paths::BATCHES)
        .with("batch", &BatchView::from(printable.batch))
        .with("reports", &reports)
        .with("may_forward", &printable.may_forward)
        .with("printed_on", &local_time(printable.printed_at));
    if let Some(message) = status {
        page = page.status_message(message);
    }
    page.render(state, "batch.html")
        .map(IntoResponse::into_response)
}

/// The blocks of the batch's PDF: the cover list, then one sheet per report with room for the
/// answer. Built from the same views as the print page, which hold no internal notes.
fn pdf_blocks(batch: &BatchView, reports: &[ReportView]) -> Vec<Block> {
    let mut blocks = vec![
        Block::H1(format!("Lotto n. {}", batch.row.id)),
        Block::P(format!(
            "Creato il {} da {}. Segnalazioni: {}.",
            batch.created,
            batch.row.created_by_name,
            reports.len()
        )),
    ];
    for report in reports {
        blocks.push(Block::P(format!(
            "{} – {} – {} – scadenza {}",
            report.row.protocol, report.office_label, report.urgency_label, report.due
        )));
    }
    for report in reports {
        blocks.push(Block::PageBreak);
        blocks.push(Block::H2(format!(
            "{} – {}",
            report.row.protocol, report.office_label
        )));
        let mut person = format!(
            "{} {}",
            report.row.citizen_family_name, report.row.citizen_given_name
        );
        if let Some(birth) = &report.row.citizen_birth_date {
            person.push_str(&format!(", nata/o il {birth}"));
        }
        if let Some(tax_code) = &report.row.citizen_tax_code {
            person.push_str(&format!(", codice fiscale {tax_code}"));
        }
        let file = match &report.row.file_reference {
            Some(reference) => format!("{}, numero {reference}", report.file_kind_label),
            None => report.file_kind_label.to_owned(),
        };
        for (label, value) in [
            ("Tipo di segnalazione", report.kind_label.to_owned()),
            ("Pratica", file),
            ("Persona interessata", person),
            (
                "Urgenza",
                format!("{}: {}", report.urgency_label, report.row.urgency_reason),
            ),
            ("Scadenza", report.due.clone()),
            ("Sportello o servizio", report.row.organisation_name.clone()),
            ("Descrizione", report.row.description.clone()),
        ] {
            blocks.push(Block::P(format!("{label}: {value}")));
        }
        blocks.push(Block::H3("Risposta dell'ufficio".to_owned()));
        blocks.push(Block::AnswerSpace(220.0));
        blocks.push(Block::P(
            "Data, nome e firma del funzionario: ______________________________".to_owned(),
        ));
    }
    blocks
}

/// `GET /lotti/{id}/pdf`: the batch as a tagged PDF download.
pub async fn pdf(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let printable = batches::open_for_print(&state, &principal, id, Printout::Pdf).await?;
    let bytes = render_pdf(&state, printable).await?;
    let disposition = format!("attachment; filename=\"lotto-{id}.pdf\"");
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// The batch's PDF, laid out on a blocking thread: embedding the fonts of a large batch takes
/// a few hundred milliseconds.
async fn render_pdf(state: &AppState, printable: Printable) -> Result<Vec<u8>, AppError> {
    let settings = &state.settings.reports;
    let reports: Vec<ReportView> = printable
        .reports
        .into_iter()
        .map(|row| ReportView::new(row, settings, printable.today))
        .collect();
    let id = printable.batch.id;
    let batch = BatchView::from(printable.batch);
    let title = format!("Lotto n. {id} – Segnalazioni alla Questura e alla Prefettura");
    let blocks = pdf_blocks(&batch, &reports);
    let rendered = tokio::task::spawn_blocking(move || pdf::render(&title, "it-IT", &blocks))
        .await
        .unwrap_or_else(|failed| std::panic::resume_unwind(failed.into_panic()));
    rendered.map_err(|error| {
        tracing::error!(%error, batch = id, "batch PDF not written");
        AppError::Refused(
            "Non è stato possibile creare un PDF accessibile del lotto. Stampa il lotto dalla sua pagina e avvisa l'assistenza.",
        )
    })
}

/// `POST /lotti/{id}/consegnato`: the batch was handed to the Questura or the Prefettura; its
/// reports wait for the answer and their clocks pause.
pub async fn mark_forwarded(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    batches::mark_forwarded(&state, &principal, id).await?;
    Ok(to_batch(id, "consegnato"))
}
