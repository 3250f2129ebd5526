//! A person's rights over their data (GDPR articles 15 and 17): every report and booking that
//! names them, exported on request, and their identifiers deleted on request. Both are run by
//! the data controller's staff from the command line and both leave an audit line, which
//! names the request but never the person.

use serde::Serialize;

use crate::db::audit::{self, AuditEntry};
use crate::db::retention::{self, PersonRecord, Removed};
use crate::db::{self, Db, DbError};
use crate::domain::appointments::identity::{IdError, PersonId};
use crate::domain::audit::AuditEvent;

#[derive(Debug, thiserror::Error)]
pub enum CitizenDataError {
    #[error("{0}")]
    Identifier(#[from] IdError),
    #[error("indica il codice fiscale (--codice-fiscale) o il numero della pratica (--pratica)")]
    NoIdentifier,
    #[error(
        "indica il riferimento della richiesta della persona (--richiesta, es. il protocollo della domanda): finisce nel registro di sicurezza"
    )]
    NoRequest,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Who the request is about.
pub struct Person {
    tax_code: Option<String>,
    file_number: Option<String>,
}

impl Person {
    /// From what was typed: the fiscal code (check character verified) and/or the file number.
    pub fn parse(
        tax_code: Option<&str>,
        file_number: Option<&str>,
    ) -> Result<Self, CitizenDataError> {
        let tax_code = match tax_code.filter(|t| !t.trim().is_empty()) {
            Some(text) => match PersonId::fiscal_code(text)? {
                PersonId::FiscalCode(code) => Some(code),
                PersonId::FileNumber(_) => None,
            },
            None => None,
        };
        let file_number = match file_number.filter(|t| !t.trim().is_empty()) {
            Some(text) => match PersonId::file_number(text)? {
                PersonId::FileNumber(number) => Some(number),
                PersonId::FiscalCode(_) => None,
            },
            None => None,
        };
        if tax_code.is_none() && file_number.is_none() {
            return Err(CitizenDataError::NoIdentifier);
        }
        Ok(Person {
            tax_code,
            file_number,
        })
    }
}

/// The export given to the person.
#[derive(Debug, Serialize)]
pub struct Export {
    pub request: String,
    pub made_at: String,
    pub records: Vec<PersonRecord>,
}

fn checked_request(request: &str) -> Result<String, CitizenDataError> {
    let request = request.trim();
    if request.is_empty() {
        return Err(CitizenDataError::NoRequest);
    }
    Ok(request.chars().take(120).collect())
}

/// Every record that names `person`, with an audit line.
pub fn export(db: &Db, person: &Person, request: &str) -> Result<Export, CitizenDataError> {
    let request = checked_request(request)?;
    let now = db::now();
    let records = db.call_blocking(|conn| {
        let tx = conn.transaction()?;
        let records = retention::find_person(
            &tx,
            person.tax_code.as_deref(),
            person.file_number.as_deref(),
        )?;
        let entry = AuditEntry::new(AuditEvent::CitizenDataExported).detail(format!(
            "richiesta {request}: {} registrazioni",
            records.len()
        ));
        audit::append(&tx, &entry, now)?;
        tx.commit()?;
        Ok(records)
    })?;
    Ok(Export {
        request,
        made_at: jiff::Timestamp::from_second(now)
            .map(|t| t.to_string())
            .unwrap_or_default(),
        records,
    })
}

/// Deletes `person`'s identifiers and attachments from every record that names them, with an
/// audit line; the attachment files go once the deletion has committed.
pub fn erase(
    db: &Db,
    person: &Person,
    request: &str,
    attachment_dir: &std::path::Path,
) -> Result<Removed, CitizenDataError> {
    let request = checked_request(request)?;
    let now = db::now();
    let removed = db.call_blocking(|conn| {
        let tx = conn.transaction()?;
        let records = retention::find_person(
            &tx,
            person.tax_code.as_deref(),
            person.file_number.as_deref(),
        )?;
        let of_kind = |kind: &str| -> Vec<i64> {
            records
                .iter()
                .filter(|r| r.kind == kind)
                .map(|r| r.id)
                .collect()
        };
        let removed =
            retention::remove(&tx, &of_kind("segnalazione"), &of_kind("appuntamento"), now)?;
        let entry = AuditEntry::new(AuditEvent::CitizenDataErased).detail(format!(
            "richiesta {request}: {} segnalazioni, {} prenotazioni, {} allegati",
            removed.reports,
            removed.bookings,
            removed.files.len()
        ));
        audit::append(&tx, &entry, now)?;
        tx.commit()?;
        Ok(removed)
    })?;
    for name in &removed.files {
        let path = attachment_dir.join(name);
        if let Err(error) = std::fs::remove_file(&path)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(%error, "attachment file not removed");
        }
    }
    Ok(removed)
}
