//! Why an index could not be made. The messages are Italian, like every message the generator
//! shows the portal's editors.

use std::path::PathBuf;

/// Why an index could not be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A page written to disk could not be read back.
    #[error("lettura di {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Pagefind's library failed: `doing` says at what (its configuration, a page, a record,
    /// writing its files).
    #[error("{doing}: {message}")]
    Pagefind { doing: String, message: String },
    /// The files of an index are not as Pagefind 1.6 writes them, or cannot be encoded.
    #[error("{0}")]
    Format(String),
    /// More pages than an index numbers.
    #[error("troppe pagine")]
    TooManyPages,
    /// An indexing thread could not start its runtime.
    #[error("impossibile avviare l'indicizzazione: {0}")]
    Start(std::io::Error),
    /// An indexing thread stopped before its batch was indexed.
    #[error("l'indicizzazione si è interrotta")]
    Interrupted,
}

impl Error {
    pub(crate) fn format(message: impl Into<String>) -> Error {
        Error::Format(message.into())
    }
}

pub type Result<T> = std::result::Result<T, Error>;
