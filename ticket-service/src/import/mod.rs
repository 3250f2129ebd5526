//! Brings the network's organisations in from the portal's files at every start, so the portal
//! stays the single source of truth: offices from `content/sportelli/`, wider-network services
//! from `content/rete/servizi.csv`, and the coordination, Questura and Prefettura from the
//! configuration.

mod error;
pub mod faq;
pub mod offices;
pub mod services;
pub mod topics;

pub use error::ImportError;

use std::path::Path;

use crate::config::NetworkSettings;
use crate::db::organisations::{self, NewOrganisation, SyncReport};
use crate::db::topics as db_topics;
use crate::db::{self, Db, DbError};
use crate::domain::organisation::{OrganisationKind, OrganisationSource};

/// The institutions every network has, named in the configuration.
pub fn builtin_organisations(network: &NetworkSettings) -> Vec<NewOrganisation> {
    vec![
        NewOrganisation::named(
            "coordinamento",
            &network.coordination_name,
            OrganisationKind::Coordination,
        ),
        NewOrganisation::named(
            "questura",
            &network.questura_name,
            OrganisationKind::Questura,
        ),
        NewOrganisation::named(
            "prefettura",
            &network.prefettura_name,
            OrganisationKind::Prefettura,
        ),
    ]
}

/// Refreshes every source. A source whose files are broken is left as it was (and the problem
/// logged with file:line:column) rather than deactivating all its organisations; a source
/// whose folder or file is absent is skipped with a warning.
pub fn sync_all(db: &Db, content_dir: &Path, network: &NetworkSettings) -> Result<(), DbError> {
    let now = db::now();
    let builtin = builtin_organisations(network);
    db.call_blocking(|conn| {
        organisations::sync_source(conn, OrganisationSource::Builtin, &builtin, now)
    })?;

    match offices::read_offices(&content_dir.join("sportelli")) {
        Ok(Some(records)) => {
            let report = db.call_blocking(|conn| {
                organisations::sync_source(conn, OrganisationSource::Content, &records, now)
            })?;
            log_report("offices", &report);
        }
        Ok(None) => tracing::warn!(
            dir = %content_dir.join("sportelli").display(),
            "offices folder not found: no office imported"
        ),
        Err(error) => tracing::error!(%error, "offices not imported; previous ones kept"),
    }

    match services::read_services(&content_dir.join(services::CSV_PATH)) {
        Ok(Some(records)) => {
            let report = db.call_blocking(|conn| {
                organisations::sync_source(conn, OrganisationSource::Csv, &records, now)
            })?;
            log_report("services", &report);
        }
        Ok(None) => tracing::info!(
            file = %content_dir.join(services::CSV_PATH).display(),
            "wider-network CSV not found: no service imported"
        ),
        Err(error) => tracing::error!(%error, "services not imported; previous ones kept"),
    }
    sync_topics(db, &content_dir.join(topics::FAQ_DIR))
}

/// The portal's FAQ sections become the topics; the previous topics stay when the folder is
/// absent or a section is broken.
fn sync_topics(db: &Db, faq_dir: &Path) -> Result<(), DbError> {
    match topics::read_topics(faq_dir) {
        Ok(Some(sections)) => {
            let sync = db.call_blocking(|conn| db_topics::sync_sections(conn, &sections))?;
            tracing::info!(
                imported = sync.imported,
                disabled = sync.disabled,
                removed = sync.removed,
                "topics imported from the FAQ sections"
            );
        }
        Ok(None) => tracing::warn!(
            dir = %faq_dir.display(),
            "FAQ folder not found: topics left as they were"
        ),
        Err(error) => tracing::error!(%error, "topics not imported; previous ones kept"),
    }
    Ok(())
}

fn log_report(what: &str, report: &SyncReport) {
    tracing::info!(
        what,
        imported = report.upserted,
        deactivated = report.deactivated,
        "organisations imported"
    );
}
