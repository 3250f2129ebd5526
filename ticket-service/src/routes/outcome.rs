//! The message a page shows after a form succeeded and redirected to it.

/// `?esito=…` on the page a form redirects to after it succeeded: which message to show.
#[derive(serde::Deserialize, Default)]
pub struct OutcomeQuery {
    #[serde(default)]
    #[serde(rename = "esito")]
    pub outcome: Option<String>,
}

impl OutcomeQuery {
    /// The text that `messages` (outcome, text) gives this query's outcome, if any.
    pub fn message(&self, messages: &[(&str, &'static str)]) -> Option<&'static str> {
        let outcome = self.outcome.as_deref()?;
        messages
            .iter()
            .find(|(code, _)| *code == outcome)
            .map(|(_, text)| *text)
    }
}
