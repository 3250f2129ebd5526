//! The list of the reports a principal may see: their scope, filtered by state, sorted by
//! urgency or by due date, a page at a time. For the coordination this is the queue.

use jiff::civil::Date;

use crate::app::reports::scope_of;
use crate::auth::principal::Principal;
use crate::config::ReportSettings;
use crate::db::report_list::{self, ReportList};
use crate::db::reports::ReportRow;
use crate::domain::report::{ReportScope, ReportState};
use crate::error::AppError;
use crate::pagination::{PageQuery, PageRequest, Paged};
use crate::state::AppState;

/// The list as its address asked for it; words no page sends mean the defaults, never an error.
pub struct ListRequest<'a> {
    /// `scadenza` sorts by due date; anything else by urgency.
    pub order: Option<&'a str>,
    /// A state's code shows only the reports in that state; anything else shows all.
    pub state: Option<&'a str>,
    pub page: &'a PageQuery,
}

/// A page of the list, with the filter and the order it was read with.
pub struct ReportsPage {
    pub paged: Paged<ReportRow>,
    pub filter: Option<ReportState>,
    pub by_due_date: bool,
    /// The day the list counted overdue reports from.
    pub today: Date,
}

/// The query for the reports of `scope` (in `filter`'s state, if any), in the list's order.
pub(super) fn query(
    settings: &ReportSettings,
    scope: ReportScope,
    filter: Option<ReportState>,
    by_due_date: bool,
    today: Date,
) -> ReportList {
    ReportList {
        scope,
        state: filter,
        by_due_date,
        today: today.to_string(),
        urgency_codes: settings.urgency.iter().map(|u| u.code.clone()).collect(),
    }
}

/// The page of the principal's reports that `request` asks for.
pub async fn reports_page(
    state: &AppState,
    principal: &Principal,
    request: ListRequest<'_>,
) -> Result<ReportsPage, AppError> {
    let scope = scope_of(state, principal).await?;
    let by_due_date = request.order == Some("scadenza");
    let filter = request
        .state
        .and_then(|code| code.parse::<ReportState>().ok());
    let today = state.clock.today();
    let list = query(&state.settings.reports, scope, filter, by_due_date, today);
    let page = PageRequest::new(request.page, state.settings.page_size);
    let orders = state.db.open_orders();
    let paged = state
        .db
        .read(move |conn| {
            let tallies = report_list::tallies(conn, &list)?;
            page.load(
                conn,
                |_| Ok(report_list::count_in(&list, &tallies)),
                |conn, limit, offset| {
                    report_list::page_in(conn, &list, &tallies, (limit, offset), Some(&orders))
                },
            )
        })
        .await?;
    Ok(ReportsPage {
        paged,
        filter,
        by_due_date,
        today,
    })
}
