//! Searching the reports: the words and filters of the GET form, or a citizen's name or fiscal
//! code through the POST form (audited, never in an address). The index finds the reports
//! within the principal's reach; each is then read with the lists' scoped query, so a search
//! can show nothing a list would not.

use crate::app::reports::{audit, scope_of};
use crate::auth::principal::Principal;
use crate::db::reports::{self, ReportRow};
use crate::db::search_source::{self, FilterChoice};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::domain::report::ReportState;
use crate::domain::search::{
    SearchFilters, SearchOrder, SearchReach, SearchRequest, addressed_office, parse_day,
    parse_words,
};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::search::{Fragment, Hits, SearchIndex};
use crate::state::AppState;

/// Results on a page of the search.
pub const PAGE_SIZE: usize = 20;

/// The search form's fields as sent; what no page sends counts as not chosen.
#[derive(Debug, Clone, Default)]
pub struct SearchInput {
    pub words: String,
    pub citizen: Option<String>,
    pub state: String,
    pub urgency: String,
    pub topic: String,
    pub organisation: String,
    pub area: String,
    pub addressed_office: String,
    pub from: String,
    pub to: String,
    pub order: String,
    pub page: String,
}

/// A report found, with the passages where the words are.
pub struct FoundReport {
    pub report: ReportRow,
    pub fragments: Vec<Fragment>,
}

/// What the search page shows.
pub struct SearchOutcome {
    pub request: SearchRequest,
    pub errors: FormErrors,
    /// `None` when nothing was searched (an empty form, or one with mistakes).
    pub total: Option<usize>,
    pub found: Vec<FoundReport>,
    pub topics: Vec<FilterChoice>,
    pub organisations: Vec<FilterChoice>,
    pub areas: Vec<String>,
    /// Whether the principal may use the form of the citizen's identifiers.
    pub citizen_form: bool,
}

/// The principal's reach, or 403 for roles outside the workflow.
async fn reach_of(state: &AppState, principal: &Principal) -> Result<SearchReach, AppError> {
    scope_of(state, principal).await?;
    SearchReach::for_role(principal.role, principal.organisation_id).ok_or(AppError::Forbidden)
}

fn chosen(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|text| !text.is_empty())
}

/// The input as a request, with the problems of its fields.
fn parse(input: &SearchInput, errors: &mut FormErrors) -> SearchRequest {
    let words = errors
        .check("parole", parse_words(&input.words))
        .unwrap_or_default();
    let citizen = input
        .citizen
        .as_deref()
        .and_then(|text| errors.check("persona", parse_words(text)));
    let filters = SearchFilters {
        state: chosen(&input.state).and_then(|s| s.parse::<ReportState>().ok()),
        urgency: chosen(&input.urgency).map(str::to_owned),
        topic: chosen(&input.topic).and_then(|t| t.parse().ok()),
        organisation: chosen(&input.organisation).and_then(|o| o.parse().ok()),
        area: chosen(&input.area).map(str::to_owned),
        addressed_office: chosen(&input.addressed_office).and_then(addressed_office),
        from: errors.check("dal", parse_day(&input.from)).flatten(),
        to: errors.check("al", parse_day(&input.to)).flatten(),
    };
    if let (Some(from), Some(to)) = (filters.from, filters.to)
        && from > to
    {
        errors.add(
            "al",
            "La data finale viene prima di quella iniziale: correggi una delle due.",
        );
    }
    SearchRequest {
        words,
        citizen,
        filters,
        order: SearchOrder::parse(input.order.trim()),
        page: input
            .page
            .trim()
            .parse()
            .ok()
            .filter(|p| *p >= 1)
            .unwrap_or(1),
    }
}

/// Runs the search of the GET form. The citizen's field of `input` is ignored: identifiers
/// are searched only by [`search_citizen`].
pub async fn search(
    state: &AppState,
    principal: &Principal,
    mut input: SearchInput,
) -> Result<SearchOutcome, AppError> {
    input.citizen = None;
    run(state, principal, &input).await
}

/// Runs the search of the POST form, with the citizen's identifiers; audited with the number
/// of results only.
pub async fn search_citizen(
    state: &AppState,
    principal: &Principal,
    input: SearchInput,
) -> Result<SearchOutcome, AppError> {
    principal.require(state, Action::SearchCitizens).await?;
    let outcome = run(state, principal, &input).await?;
    if let Some(total) = outcome.total {
        let detail = format!("{total} risultati");
        audit(state, principal, AuditEvent::CitizenSearched, detail).await?;
    }
    Ok(outcome)
}

async fn run(
    state: &AppState,
    principal: &Principal,
    input: &SearchInput,
) -> Result<SearchOutcome, AppError> {
    let reach = reach_of(state, principal).await?;
    let mut errors = FormErrors::default();
    let request = parse(input, &mut errors);
    let searched = errors.is_empty() && !request.is_empty();
    let hits = if searched {
        // Every change committed before the search is in the index when it runs.
        see_committed_changes(state).await?;
        Some(find(state, reach, request.clone()).await?)
    } else {
        None
    };
    let total = hits.as_ref().map(|hits| hits.total);
    let found = match hits {
        Some(hits) => rows_of(state, reach, hits).await?,
        None => Vec::new(),
    };
    let (topics, organisations, areas) = state
        .db
        .read(|conn| {
            Ok((
                search_source::topic_choices(conn)?,
                search_source::filer_choices(conn)?,
                search_source::areas(conn)?,
            ))
        })
        .await?;
    let many = !matches!(
        reach.scope,
        crate::domain::report::ReportScope::Organisation(_)
    );
    Ok(SearchOutcome {
        request,
        errors,
        total,
        found,
        topics,
        organisations: if many { organisations } else { Vec::new() },
        areas: if many { areas } else { Vec::new() },
        citizen_form: reach.citizen,
    })
}

async fn find(
    state: &AppState,
    reach: SearchReach,
    request: SearchRequest,
) -> Result<Hits, AppError> {
    let index = state.search.clone();
    tokio::task::spawn_blocking(move || index.search(&reach, &request, PAGE_SIZE))
        .await
        .map_err(|_| AppError::Refused(SEARCH_FAILED))?
        .map_err(|error| {
            tracing::error!(%error, "search failed");
            AppError::Refused(SEARCH_FAILED)
        })
}

const SEARCH_FAILED: &str = "La ricerca non è riuscita per un problema dell'indice. Riprova tra poco; se il problema resta, avvisa l'amministratore.";

/// The rows of the reports found, read with the lists' scope.
async fn rows_of(
    state: &AppState,
    reach: SearchReach,
    hits: Hits,
) -> Result<Vec<FoundReport>, AppError> {
    let scope = reach.scope;
    Ok(state
        .db
        .read(move |conn| {
            let mut found = Vec::new();
            for hit in hits.hits {
                if let Some(report) = reports::find(conn, scope, hit.id)? {
                    found.push(FoundReport {
                        report,
                        fragments: hit.fragments,
                    });
                }
            }
            Ok(found)
        })
        .await?)
}

/// Asks for the index to be brought up to date after a use case's commit, and returns at
/// once: [`keep_index_current`] applies every change committed meanwhile in one commit of the
/// index, instead of one commit per request, and a search first waits for it (see
/// [`see_committed_changes`]).
pub async fn update_index(state: &AppState) {
    state.indexing.wake.notify_one();
}

/// Applies the queued changes to the index whenever a use case asks; a request made while
/// it works is served by the next round. Runs as long as the service.
pub async fn keep_index_current(state: AppState) {
    loop {
        state.indexing.wake.notified().await;
        catch_up(&state).await;
        state.indexing.round_done.notify_waiters();
    }
}

/// How long a search waits for the index to take in the changes committed before it; past
/// that it catches up by itself.
const INDEX_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Returns once searches see every change committed before the call: at once when they do,
/// otherwise after the round of [`keep_index_current`] that applies them, which searches made
/// at the same moment share.
pub(crate) async fn see_committed_changes(state: &AppState) -> Result<(), AppError> {
    if state.search.visible_upto().is_none() {
        // Another process writes the index: this one searches what it finds.
        return Ok(());
    }
    let wanted = state.db.read(search_source::queue_state).await?.last;
    let rounds = async {
        loop {
            let done = state.indexing.round_done.notified();
            tokio::pin!(done);
            done.as_mut().enable();
            if state
                .search
                .visible_upto()
                .is_none_or(|seen| seen >= wanted)
            {
                return;
            }
            state.indexing.wake.notify_one();
            done.await;
        }
    };
    if tokio::time::timeout(INDEX_WAIT, rounds).await.is_err() {
        catch_up(state).await;
    }
    Ok(())
}

/// Applies the queued changes now. A failure is logged, not shown: the change is safe in the
/// database and its queue, and the next round or start applies it.
async fn catch_up(state: &AppState) {
    let (index, db): (std::sync::Arc<SearchIndex>, _) = (state.search.clone(), state.db.clone());
    match tokio::task::spawn_blocking(move || index.catch_up(&db)).await {
        Ok(Ok(_)) => {}
        Ok(Err(error)) => tracing::error!(%error, "search index not updated; retried later"),
        Err(error) => tracing::error!(%error, "search index update interrupted"),
    }
}
