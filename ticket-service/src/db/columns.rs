//! Typed reads of text columns: a stored value that does not parse is an error of the
//! database, reported as such, never replaced by a default.

use std::fmt::Display;
use std::str::FromStr;

use rusqlite::types::{FromSqlError, Type};
use rusqlite::{Row, RowIndex};

use crate::domain::report_fields::Choice;

fn conversion_error(index: impl Display, problem: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        Type::Text,
        Box::new(FromSqlError::Other(
            format!("colonna {index}: {problem}").into(),
        )),
    )
}

/// The column `name` (or position) parsed as `T`.
pub fn parsed<T: FromStr>(
    row: &Row<'_>,
    name: impl RowIndex + Display + Copy,
) -> rusqlite::Result<T> {
    let text: String = row.get(name)?;
    text.parse()
        .map_err(|_| conversion_error(name, format!("valore non valido «{text}»")))
}

/// The nullable column `name` (or position) parsed as `T`.
pub fn parsed_optional<T: FromStr>(
    row: &Row<'_>,
    name: impl RowIndex + Display + Copy,
) -> rusqlite::Result<Option<T>> {
    let text: Option<String> = row.get(name)?;
    text.map(|text| {
        text.parse()
            .map_err(|_| conversion_error(name, format!("valore non valido «{text}»")))
    })
    .transpose()
}

/// The column `name` (or position) as one of `choices`.
pub fn choice(
    row: &Row<'_>,
    name: impl RowIndex + Display + Copy,
    choices: &[Choice],
) -> rusqlite::Result<Choice> {
    let text: String = row.get(name)?;
    choices
        .iter()
        .find(|choice| choice.value == text)
        .copied()
        .ok_or_else(|| conversion_error(name, format!("scelta sconosciuta «{text}»")))
}

/// Serialises a choice as its stored value, as pages and forms read it.
pub fn choice_value<S: serde::Serializer>(choice: &Choice, out: S) -> Result<S::Ok, S::Error> {
    out.serialize_str(choice.value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report::ReportState;
    use crate::domain::report_fields::REPORT_KINDS;

    fn with_row<T>(
        value: Option<&str>,
        read: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.query_row("SELECT ?1 AS v", [value], |row| Ok(read(row)))
            .unwrap()
    }

    #[test]
    fn a_stored_value_that_does_not_parse_is_an_error_not_a_default() {
        let state = with_row(Some("presa_in_carico"), |row| {
            parsed::<ReportState>(row, "v")
        });
        assert_eq!(state.unwrap(), ReportState::InCharge);
        let error = with_row(Some("sconosciuto"), |row| parsed::<ReportState>(row, "v"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("sconosciuto"), "{error}");
        assert!(
            with_row(None, |row| parsed_optional::<jiff::civil::Date>(row, "v"))
                .unwrap()
                .is_none()
        );
        assert!(
            with_row(
                Some("2026-13-40"),
                |row| parsed_optional::<jiff::civil::Date>(row, "v")
            )
            .is_err()
        );
        assert_eq!(
            with_row(Some("parere"), |row| choice(row, "v", REPORT_KINDS))
                .unwrap()
                .label,
            "Richiesta di parere su un caso specifico"
        );
        assert!(with_row(Some("altro"), |row| choice(row, "v", REPORT_KINDS)).is_err());
    }
}
