//! What goes wrong reading the portal's files of offices and services.

use std::path::{Path, PathBuf};

/// A file that could not be imported, with where the problem is.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("impossibile leggere {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

impl ImportError {
    pub(super) fn read(path: &Path, source: std::io::Error) -> Self {
        ImportError::Read {
            path: path.to_owned(),
            source,
        }
    }

    pub(super) fn invalid(
        path: &Path,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        ImportError::Invalid {
            path: path.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }
}
