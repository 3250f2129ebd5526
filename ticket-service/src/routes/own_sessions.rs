//! `/profilo/sessioni`: the user's own open sessions (opened when, last used when, from which
//! address and browser), and ending one of them or all the others (ASVS 3.3.4).

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;

use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::clock::local_time;
use crate::db::audit::{self, AuditEntry};
use crate::db::sessions::{self, OwnSession};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::paths;
use crate::routes::login::EmptyForm;
use crate::routes::outcome::OutcomeQuery;
use crate::routes::path_id::PathId;
use crate::state::AppState;
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
    let mut page = Page::for_user(&state, &principal, "Sessioni aperte", paths::OWN_SESSIONS)
        .with("sessions", &views)
        .with("others", &others);
    page = page.outcome(query.message(&[
        ("terminata", "La sessione è stata chiusa."),
        ("altre", "Tutte le altre sessioni sono state chiuse."),
    ]));
    page.render(&state, "sessions.html")
}

/// The audit line of sessions ended by their user, written in the same transaction.
fn ended(principal: &Principal, client: ClientIp, detail: String) -> AuditEntry {
    AuditEntry::new(AuditEvent::SessionsEnded)
        .actor(principal.user_id)
        .subject(principal.user_id)
        .ip(client.audit())
        .detail(detail)
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
    let entry = ended(&principal, client, "una sessione".to_owned());
    let found = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            if !sessions::delete_own(&tx, id, number, &current)? {
                return Ok(false);
            }
            audit::append(&tx, &entry, state.clock.now())?;
            tx.commit()?;
            Ok(true)
        })
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&paths::with_outcome(paths::OWN_SESSIONS, "terminata")).into_response())
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
    let entry = ended(&principal, client, String::new());
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let count = sessions::delete_for_user(&tx, id, Some(&current))?;
            let entry = entry.detail(format!("tutte le altre ({count})"));
            audit::append(&tx, &entry, state.clock.now())?;
            tx.commit()
        })
        .await?;
    Ok(Redirect::to(&paths::with_outcome(paths::OWN_SESSIONS, "altre")).into_response())
}
