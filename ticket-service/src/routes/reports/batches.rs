//! `/lotti`: printed batches. The coordination gathers reports taken in charge into a batch,
//! prints it (one report per sheet, a cover list, room for the answer) and marks it handed
//! over; the liaison sees the open batches and records the answers from each report's page.
//! Internal notes are never loaded here, so no print can carry them.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;

use crate::app::reports::actions::{ALREADY_CHANGED, effects_of};
use crate::app::reports::audit;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::clock::local_time;
use crate::db::batches::{self, BatchRow};
use crate::db::reports::{self, ReportList, ReportRow};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::domain::report::{self as workflow, ReportAction, ReportScope, ReportState};
use crate::error::AppError;
use crate::export::pdf::{self, Block};
use crate::forms::FormErrors;
use crate::pagination::{PageQuery, PageRequest};
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

fn may_create(principal: &Principal) -> bool {
    workflow::transition(
        ReportState::InCharge,
        ReportAction::AddToBatch,
        principal.role,
    )
    .is_ok()
}

async fn render_list(
    state: &AppState,
    principal: &Principal,
    page: &PageQuery,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let settings = &state.settings.reports;
    let today = state.clock.today();
    // Only reports taken in charge can go in a batch; the query picks them, queue order.
    let candidates_list = ReportList {
        scope: ReportScope::All,
        state: Some(ReportState::InCharge),
        by_due_date: false,
        today: today.to_string(),
        urgency_codes: settings.urgency.iter().map(|u| u.code.clone()).collect(),
    };
    let request = PageRequest::new(page, state.settings.page_size);
    let (paged, candidates) = state
        .db
        .call(move |conn| {
            let paged = request.load(conn, batches::count, batches::page)?;
            // A negative LIMIT reads them all: every candidate must be offered.
            let candidates = reports::page(conn, &candidates_list, -1, 0)?;
            Ok((paged, candidates))
        })
        .await?;
    let candidates: Vec<ReportView> = candidates
        .into_iter()
        .map(|row| ReportView::new(row, settings, today))
        .collect();
    let pages = paged.links(paths::BATCHES, &[]);
    let views: Vec<BatchView> = paged.rows.into_iter().map(BatchView::from).collect();
    let html = Page::for_user(state, principal, "Lotti da consegnare", paths::BATCHES)
        .with("batches", &views)
        .with("pages", &pages)
        .with("may_create", &may_create(principal))
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

pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(page): Query<PageQuery>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ForwardReports).await?;
    render_list(&state, &principal, &page, &FormErrors::default()).await
}

/// `POST /lotti`: a batch of the ticked reports. The form is read as pairs because the
/// checkboxes repeat the `report` name.
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ForwardReports).await?;
    if !may_create(&principal) {
        return Err(AppError::Forbidden);
    }
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(name, _)| name == "report")
        .map(|(_, value)| value.parse().map_err(|_| AppError::BadForm))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        let mut errors = FormErrors::default();
        errors.add(
            "report",
            "Scegli almeno una segnalazione da inserire nel lotto.",
        );
        return render_list(&state, &principal, &PageQuery::default(), &errors).await;
    }
    let user_id = principal.user_id;
    let settings = state.settings.reports.clone();
    let created = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let now = state.clock.now();
            let batch = batches::insert(&tx, user_id, now)?;
            for id in ids {
                let Some(report) = reports::find(&tx, ReportScope::All, id)? else {
                    return Ok(None);
                };
                let from = ReportState::InCharge;
                let to = ReportState::Batched;
                let effects = effects_of(&settings, &report, from, to, now);
                let applied = crate::db::timeline::apply_transition(
                    &tx,
                    id,
                    user_id,
                    ReportAction::AddToBatch,
                    from,
                    to,
                    "",
                    &effects,
                    now,
                )?;
                if !applied {
                    // Dropping the transaction undoes the batch and every report moved so far.
                    return Ok(None);
                }
                batches::add_report(&tx, batch, id)?;
            }
            tx.commit()?;
            Ok(Some(batch))
        })
        .await?;
    let Some(batch) = created else {
        return Err(AppError::Refused(ALREADY_CHANGED));
    };
    Ok(Redirect::to(&paths::with_outcome(&paths::batch(batch), "creato")).into_response())
}

async fn load_batch(state: &AppState, id: i64) -> Result<(BatchRow, Vec<ReportRow>), AppError> {
    state
        .db
        .call(move |conn| {
            let Some(batch) = batches::find(conn, id)? else {
                return Ok(None);
            };
            let mut rows = Vec::new();
            for report_id in batches::report_ids(conn, id)? {
                if let Some(row) = reports::find(conn, ReportScope::All, report_id)? {
                    rows.push(row);
                }
            }
            Ok(Some((batch, rows)))
        })
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(serde::Deserialize)]
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
    principal.require(&state, Action::ForwardReports).await?;
    let (batch, rows) = load_batch(&state, id).await?;
    // The print page shows what the PDF holds, citizen data included: it asks for the
    // password again in the same way (ASVS 3.7.1).
    principal.require_recent_authentication(&state)?;
    audit(
        &state,
        &principal,
        AuditEvent::BatchExported,
        format!("lotto {id}, pagina di stampa"),
    )
    .await?;
    let settings = &state.settings.reports;
    let today = state.clock.today();
    let reports: Vec<ReportView> = rows
        .into_iter()
        .map(|row| ReportView::new(row, settings, today))
        .collect();
    let may_forward = batch.forwarded_at.is_none()
        && workflow::transition(
            ReportState::Batched,
            ReportAction::MarkForwarded,
            principal.role,
        )
        .is_ok();
    let title = format!("Lotto n. {id}");
    let mut page = Page::for_user(&state, &principal, &title, paths::BATCHES)
        .with("batch", &BatchView::from(batch))
        .with("reports", &reports)
        .with("may_forward", &may_forward)
        .with("printed_on", &local_time(state.clock.now()));
    match query.outcome.as_deref() {
        Some("creato") => {
            page = page.status_message("Lotto creato. Stampalo con il comando di stampa del browser: ogni segnalazione è su un foglio.");
        }
        Some("consegnato") => {
            page = page.status_message(
                "Lotto segnato come consegnato: le segnalazioni sono in attesa di risposta.",
            );
        }
        _ => {}
    }
    page.render(&state, "batch.html")
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
    principal.require(&state, Action::ForwardReports).await?;
    let (batch, rows) = load_batch(&state, id).await?;
    principal.require_recent_authentication(&state)?;
    audit(
        &state,
        &principal,
        AuditEvent::BatchExported,
        format!("lotto {id}, PDF"),
    )
    .await?;
    let settings = &state.settings.reports;
    let today = state.clock.today();
    let reports: Vec<ReportView> = rows
        .into_iter()
        .map(|row| ReportView::new(row, settings, today))
        .collect();
    let batch = BatchView::from(batch);
    let title = format!("Lotto n. {id} – Segnalazioni alla Questura e alla Prefettura");
    let blocks = pdf_blocks(&batch, &reports);
    // Laying out and embedding the fonts of a large batch takes a few hundred milliseconds.
    let rendered = tokio::task::spawn_blocking(move || pdf::render(&title, "it-IT", &blocks))
        .await
        .unwrap_or_else(|failed| std::panic::resume_unwind(failed.into_panic()));
    let bytes = rendered.map_err(|error| {
        tracing::error!(%error, batch = id, "batch PDF not written");
        AppError::Refused(
            "Non è stato possibile creare un PDF accessibile del lotto. Stampa il lotto dalla sua pagina e avvisa l'assistenza.",
        )
    })?;
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

/// `POST /lotti/{id}/consegnato`: the batch was handed to the Questura or the Prefettura; its
/// reports wait for the answer and their clocks pause.
pub async fn mark_forwarded(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ForwardReports).await?;
    let from = ReportState::Batched;
    let to = workflow::transition(from, ReportAction::MarkForwarded, principal.role)
        .map_err(|_| AppError::Forbidden)?;
    load_batch(&state, id).await?;
    let user_id = principal.user_id;
    let settings = state.settings.reports.clone();
    let marked = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let now = state.clock.now();
            if !batches::mark_forwarded(&tx, id, user_id, now)? {
                return Ok(false);
            }
            for report_id in batches::report_ids(&tx, id)? {
                let Some(report) = reports::find(&tx, ReportScope::All, report_id)? else {
                    continue;
                };
                // A report reopened or answered in the meantime stays where it is.
                if report.state != from {
                    continue;
                }
                let effects = effects_of(&settings, &report, from, to, now);
                crate::db::timeline::apply_transition(
                    &tx,
                    report_id,
                    user_id,
                    ReportAction::MarkForwarded,
                    from,
                    to,
                    "",
                    &effects,
                    now,
                )?;
            }
            tx.commit()?;
            Ok(true)
        })
        .await?;
    if !marked {
        return Err(AppError::Refused(
            "Questo lotto era già stato segnato come consegnato: non è stato cambiato nulla.",
        ));
    }
    Ok(Redirect::to(&paths::with_outcome(&paths::batch(id), "consegnato")).into_response())
}
