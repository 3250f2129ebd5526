//! `GET /healthz`: answers 200 when the database answers, for monitoring and load balancers.

use axum::extract::State;
use axum::http::StatusCode;

use crate::state::AppState;

pub async fn check(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state
        .db
        .call(|conn| conn.query_row("SELECT 1", [], |row| row.get::<_, i64>(0)))
        .await
    {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database non disponibile")
        }
    }
}
