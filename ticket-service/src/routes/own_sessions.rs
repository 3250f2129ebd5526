//! `/profilo/sessioni`: the user's own open sessions (opened when, last used when, from which
//! address and browser), and ending one of them or all the others (ASVS 3.3.4).

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;

use crate::app::own_sessions;
use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::clock::local_time;
use crate::db::sessions::{self, OwnSession};
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
        .read(move |conn| sessions::list_for_user(conn, id, &current))
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

/// `POST /profilo/sessioni/{number}/termina`: ends one of the user's other sessions; someone
/// else's session, the current one or one already ended is 404.
pub async fn end_one(
    State(state): State<AppState>,
    principal: Principal,
    ClientIp(client): ClientIp,
    PathId(number): PathId,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, AppError> {
    own_sessions::end_one(&state, &principal, client, number).await?;
    Ok(Redirect::to(&paths::with_outcome(paths::OWN_SESSIONS, "terminata")).into_response())
}

/// `POST /profilo/sessioni/termina-altre`: ends every session of the user but this one.
pub async fn end_others(
    State(state): State<AppState>,
    principal: Principal,
    ClientIp(client): ClientIp,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, AppError> {
    own_sessions::end_others(&state, &principal, client).await?;
    Ok(Redirect::to(&paths::with_outcome(paths::OWN_SESSIONS, "altre")).into_response())
}
