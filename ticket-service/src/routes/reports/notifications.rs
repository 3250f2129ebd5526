//! `/notifiche`: the user's notifications of the report workflow, newest first, a page at a
//! time.

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;

use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::clock::local_time;
use crate::db::notifications::NotificationRow;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::pagination::{PageQuery, PageRequest};
use crate::paths;
use crate::state::AppState;
use crate::templates::Page;

#[derive(Serialize)]
struct NotificationView {
    #[serde(flatten)]
    row: NotificationRow,
    when: String,
}

pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(page): Query<PageQuery>,
) -> Result<Html<String>, AppError> {
    principal.require(&state, Action::ViewDashboard).await?;
    let user_id = principal.user_id;
    let request = PageRequest::new(&page, state.settings.page_size);
    let paged = state
        .db
        .call(move |conn| {
            request.load(
                conn,
                |conn| crate::db::notifications::notification_count(conn, user_id),
                |conn, limit, offset| {
                    crate::db::notifications::notifications(conn, user_id, limit, offset)
                },
            )
        })
        .await?;
    let pages = paged.links(paths::NOTIFICATIONS, &[]);
    let views: Vec<NotificationView> = paged
        .rows
        .into_iter()
        .map(|row| NotificationView {
            when: local_time(row.created_at),
            row,
        })
        .collect();
    Page::for_user(&state, &principal, "Notifiche", paths::NOTIFICATIONS)
        .with("notifications", &views)
        .with("pages", &pages)
        .render(&state, "notifications.html")
}

pub async fn mark_all_read(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ViewDashboard).await?;
    let user_id = principal.user_id;
    state
        .db
        .call(move |conn| crate::db::notifications::mark_all_read(conn, user_id, state.clock.now()))
        .await?;
    Ok(Redirect::to(paths::NOTIFICATIONS).into_response())
}
