//! A report's row as a document of the index.

use tantivy::TantivyDocument;

use super::schema::Fields;
use crate::db::search_source::ReportDocument;
use crate::domain::report_fields::{ADDRESSED_OFFICES, label_of};

fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or_default()
}

/// The document of `report`: its filters as exact values, its texts cut into words.
pub fn to_document(fields: &Fields, report: &ReportDocument) -> TantivyDocument {
    let mut document = TantivyDocument::default();
    document.add_u64(fields.id, unsigned(report.id));
    document.add_u64(fields.organisation, unsigned(report.organisation_id));
    document.add_text(fields.institution, &report.institution);
    document.add_text(fields.state, &report.state);
    document.add_text(fields.urgency, &report.urgency);
    document.add_u64(fields.topic, report.topic_id.map_or(0, unsigned));
    document.add_text(fields.addressed_office, &report.addressed_office);
    document.add_text(fields.area, &report.area);
    document.add_i64(fields.created, report.created_at);
    document.add_text(fields.description, &report.description);
    for answer in &report.published_answers {
        document.add_text(fields.published_answers, answer);
    }
    for answer in &report.received_answers {
        document.add_text(fields.received_answers, answer);
    }
    for note in &report.notes {
        document.add_text(fields.notes, note);
    }
    document.add_text(fields.topic_name, &report.topic_name);
    document.add_text(fields.office, &report.organisation_name);
    let offices: Vec<_> = ADDRESSED_OFFICES.iter().map(|(c, _)| *c).collect();
    if let Some(label) = label_of(&offices, &report.addressed_office) {
        document.add_text(fields.office, label);
    }
    document.add_text(fields.codes, &report.protocol);
    document.add_text(fields.codes, &report.file_reference);
    document.add_text(fields.citizen, &report.citizen);
    document
}
