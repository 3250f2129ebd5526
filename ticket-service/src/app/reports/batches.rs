//! Printed batches: the coordination gathers reports taken in charge into a batch, prints it
//! (one report per sheet) and marks it handed over, which makes its reports wait for the
//! answer. Internal notes are never loaded here, so no print can carry them.

use jiff::civil::Date;
use rusqlite::Transaction;

use crate::app::reports::actions::{ALREADY_CHANGED, effects_of};
use crate::app::reports::{audit, list};
use crate::auth::principal::Principal;
use crate::config::ReportSettings;
use crate::db::batches::{self, BatchRow};
use crate::db::report_list;
use crate::db::reports::{self, ReportRow};
use crate::db::timeline;
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::domain::report::{self as workflow, ReportAction, ReportScope, ReportState};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pagination::{PageQuery, PageRequest, Paged};
use crate::state::AppState;

/// The name of the creation form's checkboxes, one for each report offered.
pub const REPORT_FIELD: &str = "report";

/// Whether the principal's role may put reports taken in charge into a batch.
fn may_create(principal: &Principal) -> bool {
    workflow::transition(
        ReportState::InCharge,
        ReportAction::AddToBatch,
        principal.role,
    )
    .is_ok()
}

/// The batches page: a page of the batches and the reports that can go in a new one.
pub struct Overview {
    pub batches: Paged<BatchRow>,
    /// Every report taken in charge, in the queue's order.
    pub candidates: Vec<ReportRow>,
    pub may_create: bool,
    pub today: Date,
}

/// The batches, newest first, a page at a time, with the reports a new batch can take.
pub async fn overview(
    state: &AppState,
    principal: &Principal,
    page: &PageQuery,
) -> Result<Overview, AppError> {
    principal.require(state, Action::ForwardReports).await?;
    let today = state.clock.today();
    // Only reports taken in charge can go in a batch; the query picks them, queue order.
    let candidates = list::query(
        &state.settings.reports,
        ReportScope::All,
        Some(ReportState::InCharge),
        false,
        today,
    );
    let request = PageRequest::new(page, state.settings.page_size);
    let (batches, candidates) = state
        .db
        .read(move |conn| {
            let batches = request.load(conn, batches::count, batches::page)?;
            // A negative LIMIT reads them all: every candidate must be offered.
            let candidates = report_list::page(conn, &candidates, -1, 0, None)?;
            Ok((batches, candidates))
        })
        .await?;
    Ok(Overview {
        batches,
        candidates,
        may_create: may_create(principal),
        today,
    })
}

/// What became of a new batch.
pub enum Created {
    Batch(i64),
    /// No batch was made; the form comes back with these errors.
    Invalid(FormErrors),
}

/// A batch of the reports `report_ids` (the ticked checkboxes, as sent), all moved to
/// "batched" in one transaction; if any of them has moved on since, nothing is changed.
pub async fn create(
    state: &AppState,
    principal: &Principal,
    report_ids: &[&str],
) -> Result<Created, AppError> {
    principal.require(state, Action::ForwardReports).await?;
    if !may_create(principal) {
        return Err(AppError::Forbidden);
    }
    let ids: Vec<i64> = report_ids
        .iter()
        .map(|value| value.parse().map_err(|_| AppError::BadForm))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        let mut errors = FormErrors::default();
        errors.add(
            REPORT_FIELD,
            "Scegli almeno una segnalazione da inserire nel lotto.",
        );
        return Ok(Created::Invalid(errors));
    }
    let (user_id, now) = (principal.user_id, state.clock.now());
    let settings = state.settings.reports.clone();
    let created = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let batch = batches::insert(&tx, user_id, now)?;
            let step = Step {
                settings: &settings,
                user_id,
                action: ReportAction::AddToBatch,
                from: ReportState::InCharge,
                to: ReportState::Batched,
                now,
            };
            for id in ids {
                let Some(report) = reports::find(&tx, ReportScope::All, id)? else {
                    return Ok(None);
                };
                if !step.apply(&tx, &report)? {
                    // Dropping the transaction undoes the batch and every report moved so far.
                    return Ok(None);
                }
                batches::add_report(&tx, batch, id)?;
            }
            tx.commit()?;
            Ok(Some(batch))
        })
        .await?;
    crate::app::reports::search::update_index(state).await;
    created
        .map(Created::Batch)
        .ok_or(AppError::Refused(ALREADY_CHANGED))
}

/// One step of the state machine taken by every report of a batch together.
struct Step<'a> {
    settings: &'a ReportSettings,
    user_id: i64,
    action: ReportAction,
    from: ReportState,
    to: ReportState,
    now: i64,
}

impl Step<'_> {
    /// Moves `report` with its timeline entry; false when it was no longer in `from`.
    fn apply(&self, tx: &Transaction<'_>, report: &ReportRow) -> rusqlite::Result<bool> {
        let effects = effects_of(self.settings, report, self.from, self.to, self.now);
        timeline::apply_transition(
            tx,
            report.id,
            self.user_id,
            self.action,
            self.from,
            self.to,
            "",
            &effects,
            self.now,
        )
    }
}

/// The batch and its reports; 404 when there is no such batch.
async fn load_batch(state: &AppState, id: i64) -> Result<(BatchRow, Vec<ReportRow>), AppError> {
    state
        .db
        .read(move |conn| {
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

/// The copy of a batch being made, as the audit log names it.
#[derive(Debug, Clone, Copy)]
pub enum Printout {
    Page,
    Pdf,
}

impl Printout {
    fn label(self) -> &'static str {
        match self {
            Printout::Page => "pagina di stampa",
            Printout::Pdf => "PDF",
        }
    }
}

/// A batch opened for printing, citizen data included.
pub struct Printable {
    pub batch: BatchRow,
    pub reports: Vec<ReportRow>,
    /// Not handed over yet, and the principal's role may mark it so.
    pub may_forward: bool,
    pub today: Date,
    pub printed_at: i64,
}

/// Batch `id` for a print page or a PDF: both carry citizen data, so both ask for the
/// password again (ASVS 3.7.1), and every copy is in the audit log.
pub async fn open_for_print(
    state: &AppState,
    principal: &Principal,
    id: i64,
    printout: Printout,
) -> Result<Printable, AppError> {
    principal.require(state, Action::ForwardReports).await?;
    let (batch, reports) = load_batch(state, id).await?;
    principal.require_recent_authentication(state)?;
    let detail = format!("lotto {id}, {}", printout.label());
    audit(state, principal, AuditEvent::BatchExported, detail).await?;
    let may_forward = batch.forwarded_at.is_none()
        && workflow::transition(
            ReportState::Batched,
            ReportAction::MarkForwarded,
            principal.role,
        )
        .is_ok();
    Ok(Printable {
        batch,
        reports,
        may_forward,
        today: state.clock.today(),
        printed_at: state.clock.now(),
    })
}

/// Batch `id` was handed to the Questura or the Prefettura: its reports wait for the answer
/// and their clocks pause, in one transaction; a report reopened or answered in the meantime
/// stays where it is.
pub async fn mark_forwarded(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<(), AppError> {
    principal.require(state, Action::ForwardReports).await?;
    let from = ReportState::Batched;
    let to = workflow::transition(from, ReportAction::MarkForwarded, principal.role)
        .map_err(|_| AppError::Forbidden)?;
    load_batch(state, id).await?;
    let (user_id, now) = (principal.user_id, state.clock.now());
    let settings = state.settings.reports.clone();
    let marked = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            if !batches::mark_forwarded(&tx, id, user_id, now)? {
                return Ok(false);
            }
            let step = Step {
                settings: &settings,
                user_id,
                action: ReportAction::MarkForwarded,
                from,
                to,
                now,
            };
            for report_id in batches::report_ids(&tx, id)? {
                let Some(report) = reports::find(&tx, ReportScope::All, report_id)? else {
                    continue;
                };
                if report.state == from {
                    step.apply(&tx, &report)?;
                }
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
    crate::app::reports::search::update_index(state).await;
    Ok(())
}
