//! The portal's page counter: every page asks `/contatore` for an image, and the view is
//! counted under (day, path, language) only. Robots are not counted, nor the views of an
//! address beyond its allowance (kept in memory only); the reader gets the image either way.
//! The coordination reads the most read pages and the views of each day.

use std::net::IpAddr;

use jiff::ToSpan;
use serde::{Deserialize, Serialize};

use crate::auth::principal::Principal;
use crate::db::page_views::{self, DayTotal, PageTotal};
use crate::domain::feedback::portal_path;
use crate::domain::page_counter::{is_robot, language};
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::state::AppState;

/// The image's address carries the page and its language.
#[derive(Debug, Default, Deserialize)]
pub struct ViewQuery {
    #[serde(default)]
    pagina: String,
    #[serde(default)]
    lingua: String,
}

/// Whether a view was counted, and why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Yes,
    Robot,
    TooMany,
    /// Not a page of the portal, or no language.
    NotAPage,
}

pub async fn view(
    state: &AppState,
    client: IpAddr,
    user_agent: Option<&str>,
    query: &ViewQuery,
) -> Result<Counted, AppError> {
    if is_robot(user_agent) {
        return Ok(Counted::Robot);
    }
    let base_url = state.site.base_url.as_deref().unwrap_or("");
    let (Some(path), Some(lang)) = (
        portal_path(base_url, &query.pagina),
        language(&query.lingua),
    ) else {
        return Ok(Counted::NotAPage);
    };
    if !state.counter_limiter.try_attempt(client) {
        return Ok(Counted::TooMany);
    }
    let day = state.clock.today().to_string();
    state
        .db
        .call(move |conn| page_views::count(conn, &day, &path, &lang))
        .await?;
    Ok(Counted::Yes)
}

/// What the coordination reads: the most read pages of the last 30 days, and the views of
/// each of the last 30 days.
#[derive(Debug, Serialize)]
pub struct Readership {
    pub since: String,
    pub pages: Vec<PageTotal>,
    pub days: Vec<DayTotal>,
}

pub async fn readership(state: &AppState, principal: &Principal) -> Result<Readership, AppError> {
    principal.require(state, Action::ViewStatistics).await?;
    let since = state
        .clock
        .today()
        .checked_sub(29.days())
        .unwrap_or(state.clock.today())
        .to_string();
    let from = since.clone();
    let (pages, days) = state
        .db
        .call(move |conn| {
            Ok((
                page_views::most_read(conn, &from, 20)?,
                page_views::per_day(conn, &from)?,
            ))
        })
        .await?;
    Ok(Readership { since, pages, days })
}
