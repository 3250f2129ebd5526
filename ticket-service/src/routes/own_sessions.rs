//! `/profilo/sessioni`: the user's own open sessions (opened when, last used when, from which
//! address and browser), and ending one of them or all the others (ASVS 3.3.4).

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;

use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::db::audit::AuditEntry;
use crate::db::sessions::{self, OwnSession};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::routes::OutcomeQuery;
use crate::routes::login::EmptyForm;
use crate::routes::path_id::PathId;
use crate::routes::reports::local_time;
use crate::startup::AppState;
use crate::templates::Page;

#[derive(Serialize)]
struct SessionView {
    #[serde(flatten)]
    row: OwnSession,
    created: String,
    last_seen: String,
}

pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<OutcomeQuery>,
) -> Result<Html<String>, AppError> {
    principal.require(&state, Action::ManageOwnAccount).await?;
    let (id, current) = (principal.user_id, principal.session_id_hash.clone());
    let rows = state
        .db
        .call(move |conn| sessions::list_for_user(conn, id, &current))
        .await?;
    let views: Vec<SessionView> = rows
        .into_iter()
        .map(|row| SessionView {
            created: local_time(row.created_at),
            last_seen: local_time(row.last_seen_at),
            row,
        })
        .collect();
    let others = views.iter().filter(|view| !view.row.current).count();
    let mut page = Page::for_user(&state, &principal, "Sessioni aperte", "/profilo/sessioni")
        .with("sessions", &views)
        .with("others", &others);
    page = page.outcome(query.message(&[
        ("terminata", "La sessione è stata chiusa."),
        ("altre", "Tutte le altre sessioni sono state chiuse."),
    ]));
    page.render(&state, "sessions.html")
}

async fn record(
    state: &AppState,
    principal: &Principal,
    client: ClientIp,
    detail: String,
) -> Result<(), AppError> {
    let entry = AuditEntry::new(AuditEvent::SessionsEnded)
        .actor(principal.user_id)
        .subject(principal.user_id)
        .ip(client.audit())
        .detail(detail);
    state.audit(entry).await?;
    Ok(())
}

/// `POST /profilo/sessioni/{number}/termina`: ends one of the user's other sessions; someone
/// else's session, the current one or one already ended is 404.
pub async fn end_one(
    State(state): State<AppState>,
    principal: Principal,
    client: ClientIp,
    PathId(number): PathId,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageOwnAccount).await?;
    let (id, current) = (principal.user_id, principal.session_id_hash.clone());
    let ended = state
        .db
        .call(move |conn| sessions::delete_own(conn, id, number, &current))
        .await?;
    if !ended {
        return Err(AppError::NotFound);
    }
    record(&state, &principal, client, "una sessione".to_owned()).await?;
    Ok(Redirect::to("/profilo/sessioni?esito=terminata").into_response())
}

/// `POST /profilo/sessioni/termina-altre`: ends every session of the user but this one.
pub async fn end_others(
    State(state): State<AppState>,
    principal: Principal,
    client: ClientIp,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageOwnAccount).await?;
    let (id, current) = (principal.user_id, principal.session_id_hash.clone());
    let ended = state
        .db
        .call(move |conn| sessions::delete_for_user(conn, id, Some(&current)))
        .await?;
    record(
        &state,
        &principal,
        client,
        format!("tutte le altre ({ended})"),
    )
    .await?;
    Ok(Redirect::to("/profilo/sessioni?esito=altre").into_response())
}
