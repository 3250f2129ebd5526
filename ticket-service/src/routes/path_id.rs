//! Ids in paths (`/segnalazioni/{id}`): only a number names a record, and a path whose id is
//! anything else is answered like a record that does not exist, 404, never 400, so the two
//! cannot be told apart.

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// The path's id (`PathId<i64>`, the default), or its ids (`PathId<(i64, i64)>`).
#[derive(Debug, Clone, Copy)]
pub struct PathId<T = i64>(pub T);

impl<S, T> FromRequestParts<S> for PathId<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(PathId(value)),
            Err(PathRejection::FailedToDeserializePathParams(_)) => Err(AppError::NotFound),
            Err(rejection) => {
                // A route without the parameter its handler reads: a mistake in the route
                // table, which the tests of every `{id}` route would show.
                tracing::error!(%rejection, "path parameters missing");
                Err(AppError::NotFound)
            }
        }
    }
}
