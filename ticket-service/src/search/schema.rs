//! The index's fields and how their text is cut into words: Italian words (lower case, Italian
//! stop words dropped, Snowball's Italian stemmer, accents folded) for the prose, plain words
//! (lower case, accents folded) for numbers, codes and names.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};

/// The name under which the Italian analyser is registered.
pub const ITALIAN: &str = "respi_italiano";
/// The name of the analyser of codes and names.
pub const PLAIN: &str = "respi_parole";

/// Bumped whenever the fields or the analysers change: an index written with another version
/// is rebuilt at start.
pub const VERSION: u32 = 1;

/// The fields of a report's document.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub organisation: Field,
    pub institution: Field,
    pub state: Field,
    pub urgency: Field,
    pub topic: Field,
    pub addressed_office: Field,
    pub area: Field,
    pub created: Field,
    pub description: Field,
    pub published_answers: Field,
    pub received_answers: Field,
    pub notes: Field,
    pub topic_name: Field,
    pub office: Field,
    pub codes: Field,
    pub citizen: Field,
}

/// A text field cut with `analyser`, with positions for phrases; stored when its passages
/// are shown.
pub fn text(analyser: &str, stored: bool) -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analyser)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored { options | STORED } else { options }
}

/// The schema and its fields.
pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let fields = Fields {
        id: builder.add_u64_field("id", INDEXED | STORED | FAST),
        organisation: builder.add_u64_field("organisation", INDEXED),
        institution: builder.add_text_field("institution", STRING),
        state: builder.add_text_field("state", STRING),
        urgency: builder.add_text_field("urgency", STRING),
        topic: builder.add_u64_field("topic", INDEXED),
        addressed_office: builder.add_text_field("addressed_office", STRING),
        area: builder.add_text_field("area", STRING),
        created: builder.add_i64_field("created", INDEXED | FAST),
        description: builder.add_text_field("description", text(ITALIAN, true)),
        published_answers: builder.add_text_field("published_answers", text(ITALIAN, true)),
        received_answers: builder.add_text_field("received_answers", text(ITALIAN, true)),
        notes: builder.add_text_field("notes", text(ITALIAN, true)),
        topic_name: builder.add_text_field("topic_name", text(ITALIAN, false)),
        office: builder.add_text_field("office", text(ITALIAN, false)),
        codes: builder.add_text_field("codes", text(PLAIN, false)),
        citizen: builder.add_text_field("citizen", text(PLAIN, false)),
    };
    (builder.build(), fields)
}

/// Words of Italian prose: «permessi» and «permesso» become the same word.
pub fn italian() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(StopWordFilter::new(Language::Italian).expect("tantivy has Italian stop words"))
        .filter(Stemmer::new(Language::Italian))
        .filter(AsciiFoldingFilter)
        .build()
}

/// Words of codes and names, as written, in lower case and without accents.
pub fn plain() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers the analysers on `index`; tantivy keeps them in memory only.
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(ITALIAN, italian());
    index.tokenizers().register(PLAIN, plain());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(mut analyser: TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyser.token_stream(text);
        let mut words = Vec::new();
        while stream.advance() {
            words.push(stream.token().text.clone());
        }
        words
    }

    #[test]
    fn plural_and_singular_are_one_word_and_stop_words_go() {
        assert_eq!(
            words(italian(), "i permessi di soggiorno"),
            words(italian(), "il permesso del soggiorno")
        );
        assert_eq!(words(italian(), "della"), Vec::<String>::new());
        assert_eq!(
            words(italian(), "ricongiungimenti"),
            words(italian(), "Ricongiungimento")
        );
    }

    #[test]
    fn codes_keep_their_parts() {
        assert_eq!(
            words(plain(), "RESPI-2026-000123"),
            ["respi", "2026", "000123"]
        );
        assert_eq!(words(plain(), "Rodríguez"), ["rodriguez"]);
    }
}
