//! Log lines: readable text on a terminal, one JSON object a line otherwise (for a journal or
//! a log collector), or as `RESPI_LOG_FORMAT` (`text` or `json`) says. No line carries
//! a path of the machine the service was built on: the source file of the libraries' `log`
//! records is left out.

use std::io::IsTerminal;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// The variable that chooses the format; outside the `RESPI_TICKETS_` settings, which are
/// read after the logger starts and refuse unknown keys.
pub const FORMAT_VARIABLE: &str = "RESPI_LOG_FORMAT";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

impl Format {
    /// `configured` (the variable's value) when it names a format, else text on a terminal
    /// and JSON elsewhere.
    pub fn choose(configured: Option<&str>, terminal: bool) -> Format {
        match configured.map(str::trim) {
            Some("json") => Format::Json,
            Some("text") => Format::Text,
            _ if terminal => Format::Text,
            _ => Format::Json,
        }
    }
}

/// Installs the logger writing to standard error; `RUST_LOG` filters (default `info`).
pub fn init() {
    let configured = std::env::var(FORMAT_VARIABLE).ok();
    let terminal = std::io::stderr().is_terminal();
    let format = Format::choose(configured.as_deref(), terminal);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only where a terminal shows them.
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(terminal)
        .with_env_filter(filter);
    match format {
        Format::Text => builder.init(),
        Format::Json => builder.event_format(JsonLines).init(),
    }
}

/// One JSON object a line: time, level, target, message and fields.
pub struct JsonLines;

impl<S, N> FormatEvent<S, N> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let meta = event.metadata();
        let mut line = Map::new();
        line.insert(
            "timestamp".into(),
            jiff::Timestamp::now().to_string().into(),
        );
        line.insert("level".into(), meta.level().as_str().into());
        let target = fields.target.unwrap_or_else(|| meta.target().to_owned());
        line.insert("target".into(), target.into());
        line.insert("fields".into(), Value::Object(fields.values));
        let mut text = Value::Object(line).to_string();
        text.push('\n');
        writer.write_str(&text)
    }
}

/// The fields of an event, without the `log.*` metadata of records that came through the
/// `log` crate (their `log.target` becomes the target).
#[derive(Default)]
struct Fields {
    values: Map<String, Value>,
    target: Option<String>,
}

impl Fields {
    fn insert(&mut self, field: &Field, value: Value) {
        match field.name() {
            "log.target" => self.target = value.as_str().map(str::to_owned),
            name if name.starts_with("log.") => {}
            name => {
                self.values.insert(name.to_owned(), value);
            }
        }
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.insert(field, value.into());
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.insert(field, value.into());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.insert(field, value.into());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.insert(field, value.into());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.insert(field, format!("{value:?}").into());
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_format_follows_the_variable_then_the_terminal() {
        assert_eq!(Format::choose(None, true), Format::Text);
        assert_eq!(Format::choose(None, false), Format::Json);
        assert_eq!(Format::choose(Some("json"), true), Format::Json);
        assert_eq!(Format::choose(Some("text"), false), Format::Text);
        assert_eq!(Format::choose(Some("xml"), false), Format::Json);
    }

    #[test]
    fn json_lines_leave_out_the_source_paths_of_log_records() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .event_format(JsonLines)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(
                log.target = "rusqlite_migration",
                log.file = "/root/.cargo/registry/src/rusqlite_migration/src/lib.rs",
                log.line = 741,
                "Database migrated to version 12"
            );
            tracing::warn!(imported = 10, what = "offices", "organisations imported");
        });
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(!text.contains("/root/"), "{text}");
        assert_eq!(lines[0]["target"], "rusqlite_migration");
        assert_eq!(lines[0]["level"], "INFO");
        assert_eq!(
            lines[0]["fields"]["message"],
            "Database migrated to version 12"
        );
        assert_eq!(lines[1]["fields"]["imported"], 10);
        assert_eq!(lines[1]["fields"]["what"], "offices");
    }
}
