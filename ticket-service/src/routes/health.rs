//! `GET /healthz` (liveness: the process answers and its database answers) and `GET /readyz`
//! (readiness: a read and a write connection are free within the queue time and the schema is
//! the one this program expects), for monitoring, systemd and load balancers.

use axum::extract::State;
use axum::http::StatusCode;

use crate::db;
use crate::state::AppState;

pub async fn check(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state
        .db
        .read(|conn| conn.query_row("SELECT 1", [], |row| row.get::<_, i64>(0)))
        .await
    {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database non disponibile")
        }
    }
}

pub async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    let read = state
        .db
        .read(|conn| conn.query_row("PRAGMA user_version", [], |row| row.get::<_, i64>(0)))
        .await;
    let write = state
        .db
        .call(|conn| conn.query_row("SELECT 1", [], |row| row.get::<_, i64>(0)))
        .await;
    match (read, write) {
        (Ok(version), Ok(_)) if version == db::latest_schema_version() => {
            (StatusCode::OK, "pronto")
        }
        (Ok(_), Ok(_)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "schema del database diverso da quello previsto",
        ),
        (Err(error), _) | (_, Err(error)) => {
            tracing::warn!(%error, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "database occupato o non disponibile",
            )
        }
    }
}
