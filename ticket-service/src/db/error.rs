//! What can go wrong with the database, in words for the person who runs the service.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "il database {path} non si può aprire o è danneggiato ({source}); il servizio non lo sostituisce con uno nuovo: ripristina una copia di sicurezza o sposta il file"
    )]
    Unusable {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("impossibile creare la cartella {path} per il database: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("aggiornamento dello schema del database {path} non riuscito: {source}")]
    Migration {
        path: PathBuf,
        source: rusqlite_migration::Error,
    },
    #[error("errore del database: {0}")]
    Query(#[from] rusqlite::Error),
    #[error("operazione sul database interrotta")]
    Interrupted,
    /// Every connection stayed busy for longer than the queue allows.
    #[error("il database è occupato da troppe richieste; riprova tra poco")]
    Busy,
}
