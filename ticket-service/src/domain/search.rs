//! The rules of report search: what a login may search (the scope of the lists, and which
//! texts besides the description and the published answers), the filters as typed values, and
//! the orders of the results. No I/O: the index applies what these types say.

use jiff::civil::Date;

use super::permissions::{Action, allows};
use super::report::{ReportScope, ReportState};
use super::report_fields::{ADDRESSED_OFFICES, MAX_SHORT_TEXT};
use super::role::Role;

/// What a login reaches with a search. Derived from the role and the organisation of the
/// session, like the lists' scope, never from the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchReach {
    /// The same reports as the lists.
    pub scope: ReportScope,
    /// The internal notes: the coordination only.
    pub notes: bool,
    /// The answers as recorded before publication: those who read them on the report's page.
    pub received_answers: bool,
    /// Names, birth dates and fiscal codes of the citizens, through the POST form only.
    pub citizen: bool,
}

impl SearchReach {
    /// `None` for roles outside the report workflow.
    pub fn for_role(role: Role, organisation_id: i64) -> Option<SearchReach> {
        Some(SearchReach {
            scope: ReportScope::for_role(role, organisation_id)?,
            notes: allows(role, Action::SearchInternalNotes),
            received_answers: allows(role, Action::HandleInternalNotes),
            citizen: allows(role, Action::SearchCitizens),
        })
    }
}

/// The order of the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchOrder {
    /// Best match first; with no words, newest first.
    #[default]
    Relevance,
    Newest,
    Oldest,
}

impl SearchOrder {
    pub const ALL: [SearchOrder; 3] = [
        SearchOrder::Relevance,
        SearchOrder::Newest,
        SearchOrder::Oldest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SearchOrder::Relevance => "pertinenza",
            SearchOrder::Newest => "recenti",
            SearchOrder::Oldest => "meno-recenti",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SearchOrder::Relevance => "Pertinenza",
            SearchOrder::Newest => "Più recenti prima",
            SearchOrder::Oldest => "Meno recenti prima",
        }
    }

    /// The order a form's value names; anything else is the default.
    pub fn parse(text: &str) -> SearchOrder {
        SearchOrder::ALL
            .into_iter()
            .find(|order| order.as_str() == text)
            .unwrap_or_default()
    }
}

/// The filters of a search, each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilters {
    pub state: Option<ReportState>,
    pub urgency: Option<String>,
    pub topic: Option<i64>,
    /// The office or service that filed the report.
    pub organisation: Option<i64>,
    pub area: Option<String>,
    pub addressed_office: Option<&'static str>,
    /// Filed on or after this day (Italian time).
    pub from: Option<Date>,
    /// Filed on or before this day (Italian time).
    pub to: Option<Date>,
}

/// A search: words, filters, order and the page of results.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchRequest {
    /// Words looked for in the texts the reach allows, except the citizen's identifiers.
    pub words: String,
    /// Words looked for in the citizen's identifiers only (the POST form).
    pub citizen: Option<String>,
    pub filters: SearchFilters,
    pub order: SearchOrder,
    /// From 1.
    pub page: usize,
}

impl SearchRequest {
    /// Whether the request asks for anything at all; an empty form shows no results.
    pub fn is_empty(&self) -> bool {
        self.words.trim().is_empty()
            && self.citizen.as_deref().is_none_or(|c| c.trim().is_empty())
            && self.filters == SearchFilters::default()
    }
}

/// The addressed office a form's value names, when it is one.
pub fn addressed_office(value: &str) -> Option<&'static str> {
    ADDRESSED_OFFICES
        .iter()
        .map(|(choice, _)| choice.value)
        .find(|office| *office == value)
}

/// A day typed in a date field (`AAAA-MM-GG`); empty is no filter.
pub fn parse_day(text: &str) -> Result<Option<Date>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<Date>().map(Some).map_err(|_| {
        format!("«{text}» non è una data valida: scrivila come AAAA-MM-GG, per esempio 2026-03-31.")
    })
}

/// The words of a search, bounded like the other short fields.
pub fn parse_words(text: &str) -> Result<String, String> {
    let text = text.trim();
    let count = text.chars().count();
    if count > MAX_SHORT_TEXT {
        return Err(format!(
            "La ricerca è troppo lunga: al massimo {MAX_SHORT_TEXT} caratteri, ne hai scritti {count}."
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::organisation::OrganisationKind;

    #[test]
    fn only_the_coordination_searches_internal_notes() {
        for role in Role::ALL {
            let reach = SearchReach::for_role(role, 7);
            assert_eq!(
                reach.is_some_and(|r| r.notes),
                role == Role::Coordination,
                "{role}"
            );
        }
    }

    #[test]
    fn the_reach_has_the_scope_of_the_lists() {
        let office = SearchReach::for_role(Role::Office, 7).unwrap();
        assert_eq!(office.scope, ReportScope::Organisation(7));
        assert!(!office.received_answers);
        let referent = SearchReach::for_role(Role::Questura, 3).unwrap();
        assert_eq!(
            referent.scope,
            ReportScope::Institution(OrganisationKind::Questura)
        );
        assert!(SearchReach::for_role(Role::Admin, 1).is_none());
    }

    #[test]
    fn dates_and_orders_are_parsed_with_italian_messages() {
        assert_eq!(parse_day(""), Ok(None));
        assert_eq!(
            parse_day("2026-03-31"),
            Ok(Some(jiff::civil::date(2026, 3, 31)))
        );
        assert!(parse_day("31/03/2026").unwrap_err().contains("AAAA-MM-GG"));
        assert_eq!(SearchOrder::parse("recenti"), SearchOrder::Newest);
        assert_eq!(SearchOrder::parse("x"), SearchOrder::Relevance);
        assert!(parse_words(&"a".repeat(200)).is_err());
    }
}
