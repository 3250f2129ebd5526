//! Fewer duplicate questions: while an office writes a report, the portal's published FAQ and
//! the answered reports it may see that look like its description, before it sends. What was
//! shown is recorded by the form's submission key; filing the report marks it.

use serde::Serialize;

use crate::app::reports::scope_of;
use crate::auth::principal::Principal;
use crate::db::{reports, similar_checks, timeline};
use crate::error::AppError;
use crate::state::AppState;

/// Suggestions of each kind at most.
const SHOWN: usize = 3;

/// A published FAQ of the portal.
#[derive(Debug, Clone, Serialize)]
pub struct FaqSuggestion {
    pub title: String,
    pub description: String,
    pub url: String,
}

/// An answered report the operator may open.
#[derive(Debug, Clone, Serialize)]
pub struct ReportSuggestion {
    pub id: i64,
    pub protocol: String,
    pub topic: Option<String>,
    pub answer: String,
}

/// What the step shows.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Suggestions {
    /// False when there was no description to look for.
    pub checked: bool,
    pub faq: Vec<FaqSuggestion>,
    pub reports: Vec<ReportSuggestion>,
}

/// The portal's address of a FAQ page.
fn faq_url(state: &AppState, path: &str) -> String {
    let base = state.site.base_url.as_deref().unwrap_or("/");
    format!("{}/{path}", base.trim_end_matches('/'))
}

/// The suggestions for `description`, recorded for the form `key` (when it has one).
pub async fn suggest(
    state: &AppState,
    principal: &Principal,
    key: &str,
    description: &str,
) -> Result<Suggestions, AppError> {
    let scope = scope_of(state, principal).await?;
    let text = description.trim().to_owned();
    if text.is_empty() {
        return Ok(Suggestions::default());
    }
    // The answered reports suggested include those answered a moment ago.
    crate::app::reports::search::see_committed_changes(state).await?;
    let (search, faq_index, query) = (state.search.clone(), state.faq.clone(), text.clone());
    let found = tokio::task::spawn_blocking(move || {
        let faq = faq_index.similar(&query, SHOWN).unwrap_or_else(|error| {
            tracing::error!(%error, "FAQ suggestions failed");
            Vec::new()
        });
        let ids = search
            .similar(scope, &query, SHOWN)
            .unwrap_or_else(|error| {
                tracing::error!(%error, "report suggestions failed");
                Vec::new()
            });
        (faq, ids)
    })
    .await
    .map_err(|_| AppError::Refused("La ricerca delle domande simili si è interrotta: riprova."))?;
    let faq: Vec<FaqSuggestion> = found
        .0
        .into_iter()
        .map(|page| FaqSuggestion {
            url: faq_url(state, &page.path),
            title: page.title,
            description: page.description,
        })
        .collect();
    let (key, user_id, now, faq_count) = (
        key.to_owned(),
        principal.user_id,
        state.clock.now(),
        faq.len(),
    );
    let ids = found.1;
    let reports = state
        .db
        .call(move |conn| {
            let mut shown = Vec::new();
            for id in ids {
                let Some(row) = reports::find(conn, scope, id)? else {
                    continue;
                };
                let answer = timeline::latest_answer(conn, id, "pubblicata")?.unwrap_or_default();
                shown.push(ReportSuggestion {
                    id,
                    protocol: row.protocol,
                    topic: row.topic_name,
                    answer,
                });
            }
            if key.len() == 22 {
                similar_checks::record(conn, &key, user_id, faq_count, shown.len(), now)?;
            }
            Ok(shown)
        })
        .await?;
    Ok(Suggestions {
        checked: true,
        faq,
        reports,
    })
}

/// The share of the reports filed after a suggestion was shown: (shown, filed since the step
/// exists).
pub async fn shown_share(state: &AppState) -> Result<(i64, i64), AppError> {
    Ok(state
        .db
        .call(|conn| similar_checks::shown_share(conn))
        .await?)
}
