//! The report workflow's pages: filing, lists, the detail with its timeline, the actions of the
//! state machine, printed batches, attachments and notifications.

pub mod actions;
pub mod attachments;
pub mod batches;
pub mod detail;
pub mod filing;
pub mod list;
pub mod notifications;
pub mod search;

use jiff::civil::Date;
use serde::Serialize;

use crate::clock::{italian_date, local_time};
use crate::config::ReportSettings;
use crate::db::reports::ReportRow;
use crate::domain::report::ReportState;

/// A report with the labels and flags the pages show.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    #[serde(flatten)]
    pub row: ReportRow,
    pub state_label: &'static str,
    pub kind_label: &'static str,
    pub office_label: &'static str,
    pub file_kind_label: &'static str,
    pub urgency_label: String,
    pub due: String,
    pub filed: String,
    /// Past its due date while the clock runs.
    pub overdue: bool,
    /// Waiting on the Questura or the Prefettura: the clock is paused.
    pub paused: bool,
    pub waited_days: i64,
}

impl ReportView {
    pub fn new(row: ReportRow, settings: &ReportSettings, today: Date) -> Self {
        let state = row.state;
        let overdue = state.clock_runs() && row.due_date < today;
        let urgency_label = settings.urgency(&row.urgency).map_or_else(
            || row.urgency.clone(),
            |u| format!("{} – {}", u.code, u.label),
        );
        ReportView {
            state_label: state.label(),
            kind_label: row.kind.label,
            office_label: row.addressed_office.label,
            file_kind_label: row.file_kind.label,
            urgency_label,
            due: italian_date(&row.due_date.to_string()),
            filed: local_time(row.created_at),
            overdue,
            paused: state == ReportState::AwaitingAnswer,
            waited_days: row.waited_secs / 86_400,
            row,
        }
    }
}
