//! Running a search: the number of matches, one page of them in the order asked for, and for
//! each the passages of its texts where the words were found, with the words marked.

use tantivy::collector::{Count, TopDocs};
use tantivy::query::Query;
use tantivy::schema::{Field, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, Order, Searcher, TantivyDocument};

use super::query;
use super::schema::Fields;
use crate::domain::report::ReportScope;
use crate::domain::search::{SearchOrder, SearchReach, SearchRequest};

/// A piece of a passage: marked when it is one of the words searched.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Part {
    pub text: String,
    pub marked: bool,
}

/// A passage of one of a report's texts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Fragment {
    /// Which text it comes from, as the page names it.
    pub source: &'static str,
    pub parts: Vec<Part>,
}

/// One report found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub id: i64,
    pub fragments: Vec<Fragment>,
}

/// A page of results and how many there are in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hits {
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// The stored texts a reach may see passages of, with the names the page gives them.
fn passage_fields(fields: &Fields, reach: &SearchReach) -> Vec<(Field, &'static str)> {
    let mut list = vec![
        (fields.description, "Descrizione"),
        (fields.published_answers, "Risposta"),
    ];
    if reach.received_answers {
        list.push((fields.received_answers, "Risposta ricevuta"));
    }
    if reach.notes {
        list.push((fields.notes, "Nota interna"));
    }
    list
}

fn id_of(fields: &Fields, document: &TantivyDocument) -> i64 {
    document
        .get_first(fields.id)
        .and_then(|value| value.as_u64())
        .and_then(|id| i64::try_from(id).ok())
        .unwrap_or_default()
}

/// The page `request` asks for, in its order; the matching documents' addresses.
fn ranked(
    searcher: &Searcher,
    query: &dyn Query,
    request: &SearchRequest,
    page_size: usize,
) -> tantivy::Result<(usize, Vec<DocAddress>)> {
    let offset = request.page.saturating_sub(1).saturating_mul(page_size);
    let top = || TopDocs::with_limit(page_size.max(1)).and_offset(offset);
    let by_date = |order| {
        searcher
            .search(
                query,
                &(Count, top().order_by_fast_field::<i64>("created", order)),
            )
            .map(|(total, docs)| (total, docs.into_iter().map(|(_, a)| a).collect()))
    };
    let has_words = !request.words.trim().is_empty()
        || request
            .citizen
            .as_deref()
            .is_some_and(|c| !c.trim().is_empty());
    match request.order {
        SearchOrder::Newest => by_date(Order::Desc),
        SearchOrder::Oldest => by_date(Order::Asc),
        SearchOrder::Relevance if !has_words => by_date(Order::Desc),
        SearchOrder::Relevance => searcher
            .search(query, &(Count, top().order_by_score()))
            .map(|(total, docs)| (total, docs.into_iter().map(|(_, a)| a).collect())),
    }
}

/// The passages of `document` where the words of `words` were found.
fn fragments(
    generators: &[(SnippetGenerator, &'static str)],
    document: &TantivyDocument,
) -> Vec<Fragment> {
    let mut found = Vec::new();
    for (generator, source) in generators {
        let snippet = generator.snippet_from_doc(document);
        if snippet.highlighted().is_empty() {
            continue;
        }
        let text = snippet.fragment();
        let mut parts = Vec::new();
        let mut at = 0;
        for range in snippet.highlighted() {
            if range.start > at {
                parts.push(Part {
                    text: text[at..range.start].to_owned(),
                    marked: false,
                });
            }
            parts.push(Part {
                text: text[range.clone()].to_owned(),
                marked: true,
            });
            at = range.end;
        }
        if at < text.len() {
            parts.push(Part {
                text: text[at..].to_owned(),
                marked: false,
            });
        }
        found.push(Fragment { source, parts });
    }
    found
}

/// The page of reports within `reach` that `request` finds.
pub fn search(
    searcher: &Searcher,
    index: &Index,
    fields: &Fields,
    reach: &SearchReach,
    request: &SearchRequest,
    page_size: usize,
) -> tantivy::Result<Hits> {
    let query::Built { query, words } = query::build(index, fields, reach, request)?;
    let (total, addresses) = ranked(searcher, query.as_ref(), request, page_size)?;
    let mut generators = Vec::new();
    if let Some(words) = &words {
        for (field, source) in passage_fields(fields, reach) {
            let mut generator = SnippetGenerator::create(searcher, words.as_ref(), field)?;
            generator.set_max_num_chars(180);
            generators.push((generator, source));
        }
    }
    let mut hits = Vec::with_capacity(addresses.len());
    for address in addresses {
        let document: TantivyDocument = searcher.doc(address)?;
        hits.push(Hit {
            id: id_of(fields, &document),
            fragments: fragments(&generators, &document),
        });
    }
    Ok(Hits { total, hits })
}

/// Up to `limit` answered reports within `scope` most like `text`, best first.
pub fn similar(
    searcher: &Searcher,
    index: &Index,
    fields: &Fields,
    scope: ReportScope,
    text: &str,
    limit: usize,
) -> tantivy::Result<Vec<i64>> {
    let Some(query) = query::similar(index, fields, scope, text)? else {
        return Ok(Vec::new());
    };
    let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
    let mut ids = Vec::new();
    for (_, address) in top {
        let document: TantivyDocument = searcher.doc(address)?;
        ids.push(id_of(fields, &document));
    }
    Ok(ids)
}
