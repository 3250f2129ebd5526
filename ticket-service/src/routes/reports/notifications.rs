//! `/notifiche`: the user's notifications of the report workflow, newest first.

use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;

use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::db;
use crate::db::reports::{self, NotificationRow};
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::routes::reports::local_time;
use crate::startup::AppState;
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
) -> Result<Html<String>, AppError> {
    principal.require(&state, Action::ViewDashboard).await?;
    let user_id = principal.user_id;
    let rows = state
        .db
        .call(move |conn| reports::notifications(conn, user_id))
        .await?;
    let views: Vec<NotificationView> = rows
        .into_iter()
        .map(|row| NotificationView {
            when: local_time(row.created_at),
            row,
        })
        .collect();
    Page::for_user(&state, &principal, "Notifiche", "/notifiche")
        .with("notifications", &views)
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
        .call(move |conn| reports::mark_all_read(conn, user_id, db::now()))
        .await?;
    Ok(Redirect::to("/notifiche").into_response())
}
