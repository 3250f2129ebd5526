//! Server-side form errors in the shape the templates need for ACCESSIBILITY.md F4: a summary
//! that links to each field, and a message per field.

use std::collections::BTreeMap;

use serde::Serialize;

/// One problem with one field; `field` is the id of the input the summary links to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FormErrors {
    /// In the order of the fields on the page.
    pub summary: Vec<FieldError>,
    /// The same messages by field id, for the message next to each input.
    pub fields: BTreeMap<&'static str, String>,
}

impl FormErrors {
    /// Records a problem; only the first one per field is kept, since one is fixed at a time.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        if self.fields.contains_key(field) {
            return;
        }
        let message = message.into();
        self.fields.insert(field, message.clone());
        self.summary.push(FieldError { field, message });
    }

    pub fn is_empty(&self) -> bool {
        self.summary.is_empty()
    }

    /// The problems of `fields` only, in the same order.
    pub fn only(&self, fields: &[&str]) -> FormErrors {
        let mut kept = FormErrors::default();
        for error in self.summary.iter().filter(|e| fields.contains(&e.field)) {
            kept.add(error.field, error.message.clone());
        }
        kept
    }

    /// Keeps the parsed value of `result`, or records its problem against `field`.
    pub fn check<T, E: ToString>(
        &mut self,
        field: &'static str,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => {
                self.add(field, problem.to_string());
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_message_per_field_in_page_order() {
        let mut errors = FormErrors::default();
        errors.add("username", "primo");
        errors.add("password", "secondo");
        errors.add("username", "ignorato");
        assert_eq!(errors.summary.len(), 2);
        assert_eq!(errors.summary[0].field, "username");
        assert_eq!(errors.fields["username"], "primo");
    }
}
