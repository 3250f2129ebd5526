//! A search request as a tantivy query. The words are never read with tantivy's query syntax
//! (which could name any field, internal notes included): each word is cut with the analyser
//! of each field the reach allows, and the query is built term by term. Every word must match
//! in at least one of those fields; the filters and the reach's scope must all hold.

use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Index, Term};

use super::schema::Fields;
use crate::clock::rome;
use crate::domain::report::{ReportScope, ReportState};
use crate::domain::search::{SearchFilters, SearchReach, SearchRequest};

/// The texts the words of the GET form look in for `reach`, with their weight.
pub fn word_fields(fields: &Fields, reach: &SearchReach) -> Vec<(Field, f32)> {
    let mut list = vec![
        (fields.description, 1.0),
        (fields.published_answers, 1.0),
        (fields.topic_name, 1.5),
        (fields.office, 1.0),
        (fields.codes, 3.0),
    ];
    if reach.received_answers {
        list.push((fields.received_answers, 1.0));
    }
    if reach.notes {
        list.push((fields.notes, 0.8));
    }
    list
}

/// The query of one word in one field: a term, the phrase of its parts (a code such as
/// `RESPI-2026-000123`), or nothing when the analyser drops it (a stop word).
fn word_in_field(
    index: &Index,
    field: Field,
    word: &str,
) -> tantivy::Result<Option<Box<dyn Query>>> {
    let mut analyser = index.tokenizer_for_field(field)?;
    let mut stream = analyser.token_stream(word);
    let mut terms = Vec::new();
    while stream.advance() {
        terms.push(Term::from_field_text(field, &stream.token().text));
    }
    Ok(match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            terms.remove(0),
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(Box::new(PhraseQuery::new(terms))),
    })
}

/// One clause per word of `text`: the word in any of `fields`. Words every analyser drops
/// (stop words) give no clause.
pub fn word_clauses(
    index: &Index,
    fields: &[(Field, f32)],
    text: &str,
) -> tantivy::Result<Vec<Box<dyn Query>>> {
    let mut words: Vec<Box<dyn Query>> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // A word written twice is one word: it must not count twice towards a minimum.
    for word in text
        .split_whitespace()
        .filter(|w| seen.insert(w.to_lowercase()))
    {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for &(field, boost) in fields {
            if let Some(query) = word_in_field(index, field, word)? {
                alternatives.push((Occur::Should, Box::new(BoostQuery::new(query, boost))));
            }
        }
        if !alternatives.is_empty() {
            words.push(Box::new(BooleanQuery::new(alternatives)));
        }
    }
    Ok(words)
}

/// Every word of `text` in at least one of `fields`; `None` when no word is left.
pub fn words_query(
    index: &Index,
    fields: &[(Field, f32)],
    text: &str,
) -> tantivy::Result<Option<Box<dyn Query>>> {
    let words = word_clauses(index, fields, text)?;
    Ok((!words.is_empty()).then(|| Box::new(BooleanQuery::intersection(words)) as Box<dyn Query>))
}

/// Texts like `text`: at least two of its words (one, if it has only one) in any of
/// `fields`, the more the better; `None` when no word is left.
pub fn like_query(
    index: &Index,
    fields: &[(Field, f32)],
    text: &str,
) -> tantivy::Result<Option<Box<dyn Query>>> {
    let words = word_clauses(index, fields, text)?;
    if words.is_empty() {
        return Ok(None);
    }
    let least = words.len().min(2);
    Ok(Some(Box::new(
        BooleanQuery::union_with_minimum_required_clauses(words, least),
    )))
}

/// A filter: matches or not, without weighing in the order of the results.
fn filter(query: impl Query) -> (Occur, Box<dyn Query>) {
    (
        Occur::Must,
        Box::new(ConstScoreQuery::new(Box::new(query), 0.0)),
    )
}

fn exact(field: Field, value: &str) -> TermQuery {
    TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    )
}

fn number(field: Field, value: i64) -> TermQuery {
    TermQuery::new(
        Term::from_field_u64(field, u64::try_from(value).unwrap_or(u64::MAX)),
        IndexRecordOption::Basic,
    )
}

/// The scope of the lists, as a filter; `None` for the whole network.
fn scope_filter(fields: &Fields, scope: ReportScope) -> Option<(Occur, Box<dyn Query>)> {
    match scope {
        ReportScope::All => None,
        ReportScope::Organisation(id) => Some(filter(number(fields.organisation, id))),
        ReportScope::Institution(kind) => Some(filter(exact(fields.institution, kind.as_str()))),
    }
}

/// The filters of the request, each as a clause.
fn filter_clauses(fields: &Fields, filters: &SearchFilters) -> Vec<(Occur, Box<dyn Query>)> {
    let mut clauses = Vec::new();
    if let Some(state) = filters.state {
        clauses.push(filter(exact(fields.state, state.as_str())));
    }
    if let Some(urgency) = &filters.urgency {
        clauses.push(filter(exact(fields.urgency, urgency)));
    }
    if let Some(topic) = filters.topic {
        clauses.push(filter(number(fields.topic, topic)));
    }
    if let Some(organisation) = filters.organisation {
        clauses.push(filter(number(fields.organisation, organisation)));
    }
    if let Some(area) = &filters.area {
        clauses.push(filter(exact(fields.area, area)));
    }
    if let Some(office) = filters.addressed_office {
        clauses.push(filter(exact(fields.addressed_office, office)));
    }
    let start_of = |day: jiff::civil::Date| {
        day.to_zoned(rome())
            .map_or(i64::MIN, |zoned| zoned.timestamp().as_second())
    };
    let lower = filters.from.map_or(Bound::Unbounded, |day| {
        Bound::Included(Term::from_field_i64(fields.created, start_of(day)))
    });
    let upper = filters
        .to
        .and_then(|day| day.tomorrow().ok())
        .map_or(Bound::Unbounded, |day| {
            Bound::Excluded(Term::from_field_i64(fields.created, start_of(day)))
        });
    if filters.from.is_some() || filters.to.is_some() {
        clauses.push(filter(RangeQuery::new(lower, upper)));
    }
    clauses
}

/// A search's query, and the part of it made of words (for the highlights).
pub struct Built {
    pub query: Box<dyn Query>,
    pub words: Option<Box<dyn Query>>,
}

/// The whole query of `request` for `reach`. The citizen's words are searched only when the
/// reach allows it.
pub fn build(
    index: &Index,
    fields: &Fields,
    reach: &SearchReach,
    request: &SearchRequest,
) -> tantivy::Result<Built> {
    let words = words_query(index, &word_fields(fields, reach), &request.words)?;
    let citizen = match request.citizen.as_deref() {
        Some(text) if reach.citizen => words_query(index, &[(fields.citizen, 1.0)], text)?,
        _ => None,
    };
    let mut clauses = filter_clauses(fields, &request.filters);
    clauses.extend(scope_filter(fields, reach.scope));
    if let Some(words) = &words {
        clauses.push((Occur::Must, words.box_clone()));
    }
    if let Some(citizen) = citizen {
        clauses.push((Occur::Must, citizen));
    }
    let query: Box<dyn Query> = if clauses.is_empty() {
        Box::new(AllQuery)
    } else {
        Box::new(BooleanQuery::new(clauses))
    };
    Ok(Built { query, words })
}

/// Answered reports within `scope` whose description or published answers are like `text`.
/// For the "similar questions" step.
pub fn similar(
    index: &Index,
    fields: &Fields,
    scope: ReportScope,
    text: &str,
) -> tantivy::Result<Option<Box<dyn Query>>> {
    let texts = [(fields.description, 1.0), (fields.published_answers, 1.0)];
    let Some(like) = like_query(index, &texts, text)? else {
        return Ok(None);
    };
    let answered: Vec<(Occur, Box<dyn Query>)> = ReportState::ALL
        .into_iter()
        .filter(|state| state.is_answered())
        .map(|state| {
            (
                Occur::Should,
                Box::new(exact(fields.state, state.as_str())) as Box<dyn Query>,
            )
        })
        .collect();
    let mut clauses = vec![(Occur::Must, like), filter(BooleanQuery::new(answered))];
    clauses.extend(scope_filter(fields, scope));
    Ok(Some(Box::new(BooleanQuery::new(clauses))))
}
