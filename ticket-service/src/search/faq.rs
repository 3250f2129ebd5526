//! The portal's published FAQ in a small index in memory, built at start from `content/faq/`,
//! for the "similar questions" step of the report form.

use tantivy::collector::TopDocs;
use tantivy::schema::{Field, INDEXED, STORED, Schema, Value};
use tantivy::{Index, IndexReader, TantivyDocument};

use super::query::like_query;
use super::schema::{self, ITALIAN};
use crate::import::faq::FaqPage;

/// The FAQ pages and their index.
pub struct FaqIndex {
    index: Index,
    reader: IndexReader,
    position: Field,
    texts: [(Field, f32); 3],
    pages: Vec<FaqPage>,
}

impl FaqIndex {
    /// Indexes `pages`: title, description and text, in Italian words.
    pub fn build(pages: Vec<FaqPage>) -> tantivy::Result<FaqIndex> {
        let mut builder = Schema::builder();
        let position = builder.add_u64_field("position", INDEXED | STORED);
        let text = schema::text(ITALIAN, false);
        let title = builder.add_text_field("title", text.clone());
        let description = builder.add_text_field("description", text.clone());
        let body = builder.add_text_field("body", text);
        let index = Index::create_in_ram(builder.build());
        schema::register(&index);
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        for (number, page) in pages.iter().enumerate() {
            let mut document = TantivyDocument::default();
            document.add_u64(position, number as u64);
            document.add_text(title, &page.title);
            document.add_text(description, &page.description);
            document.add_text(body, &page.body);
            writer.add_document(document)?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(FaqIndex {
            index,
            reader,
            position,
            texts: [(title, 2.0), (description, 1.5), (body, 1.0)],
            pages,
        })
    }

    /// An index with no page, when the portal has no FAQ.
    pub fn empty() -> FaqIndex {
        FaqIndex::build(Vec::new()).expect("an empty index in memory builds")
    }

    pub fn len(&self) -> usize {
        self.pages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// Up to `limit` pages most like `text`, best first.
    pub fn similar(&self, text: &str, limit: usize) -> tantivy::Result<Vec<FaqPage>> {
        let Some(query) = like_query(&self.index, &self.texts, text)? else {
            return Ok(Vec::new());
        };
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut pages = Vec::new();
        for (_, address) in top {
            let document: TantivyDocument = searcher.doc(address)?;
            let number = document.get_first(self.position).and_then(|v| v.as_u64());
            if let Some(page) = number.and_then(|n| self.pages.get(usize::try_from(n).ok()?)) {
                pages.push(page.clone());
            }
        }
        Ok(pages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(title: &str, body: &str) -> FaqPage {
        FaqPage {
            title: title.to_owned(),
            description: String::new(),
            path: format!("faq/prova/{}/", title.len()),
            body: body.to_owned(),
        }
    }

    #[test]
    fn a_question_finds_the_faq_that_shares_its_words_in_another_form() {
        let index = FaqIndex::build(vec![
            page(
                "Permesso smarrito",
                "Se hai perso il permesso di soggiorno, denuncia lo smarrimento.",
            ),
            page(
                "Cittadinanza per matrimonio",
                "La domanda si presenta online.",
            ),
        ])
        .unwrap();
        let found = index
            .similar("I permessi di soggiorno smarriti dai richiedenti", 3)
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].title, "Permesso smarrito");
        assert!(index.similar("orari di apertura", 3).unwrap().is_empty());
    }
}
