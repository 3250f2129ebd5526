//! The answers of earlier runs, kept in a CSV file (one address a line: its status, where
//! it led, when it was asked) so that a daily run asks again only the addresses checked
//! longest ago.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::probe::Outcome;

/// The answers kept, by address.
#[derive(Debug, Default)]
pub struct Cache {
    entries: BTreeMap<String, (Outcome, Timestamp)>,
}

/// A cache file that cannot be read or written.
#[derive(Debug)]
pub struct CacheError(pub String);

impl std::fmt::Display for CacheError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CacheError {}

/// One line of the file.
#[derive(Serialize, Deserialize)]
struct Row {
    url: String,
    status: u16,
    location: Option<String>,
    permanent: bool,
    error: Option<String>,
    checked: Timestamp,
}

impl Cache {
    /// The cache kept in `path`; empty when the file does not exist yet.
    pub fn load(path: &Path) -> Result<Cache, CacheError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Cache::default()),
            Err(e) => return Err(CacheError(format!("{}: {e}", path.display()))),
        };
        let mut entries = BTreeMap::new();
        for (i, row) in csv::Reader::from_reader(text.as_bytes())
            .deserialize::<Row>()
            .enumerate()
        {
            let row = row.map_err(|e| {
                CacheError(format!(
                    "{}:{}: riga non leggibile ({e}); cancellare il file per ricontrollare tutto",
                    path.display(),
                    i + 2
                ))
            })?;
            let outcome = Outcome {
                status: row.status,
                location: row.location,
                permanent: row.permanent,
                error: row.error,
            };
            entries.insert(row.url, (outcome, row.checked));
        }
        Ok(Cache { entries })
    }

    /// Writes the cache to `path` (a temporary file renamed into place).
    pub fn save(&self, path: &Path) -> Result<(), CacheError> {
        let fail = |e: &dyn std::fmt::Display| CacheError(format!("{}: {e}", path.display()));
        let mut writer = csv::Writer::from_writer(Vec::new());
        for (url, (outcome, checked)) in &self.entries {
            let row = Row {
                url: url.clone(),
                status: outcome.status,
                location: outcome.location.clone(),
                permanent: outcome.permanent,
                error: outcome.error.clone(),
                checked: *checked,
            };
            writer.serialize(row).map_err(|e| fail(&e))?;
        }
        let bytes = writer.into_inner().map_err(|e| fail(&e))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
        }
        let partial = path.with_extension("csv.part");
        std::fs::write(&partial, bytes).map_err(|e| fail(&e))?;
        std::fs::rename(&partial, path).map_err(|e| fail(&e))
    }

    /// The answer for `url` when it was asked less than `max_age` before `now`.
    pub fn fresh(
        &self,
        url: &str,
        now: Timestamp,
        max_age: SignedDuration,
    ) -> Option<(&Outcome, Timestamp)> {
        let (outcome, checked) = self.entries.get(url)?;
        (now.duration_since(*checked) < max_age).then_some((outcome, *checked))
    }

    pub fn insert(&mut self, url: &str, outcome: Outcome, checked: Timestamp) {
        self.entries.insert(url.to_string(), (outcome, checked));
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_survive_a_save_and_age_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("collegamenti.csv");
        let asked: Timestamp = "2026-11-01T08:00:00Z".parse().unwrap();
        let mut cache = Cache::default();
        let moved = Outcome {
            status: 200,
            location: Some("https://b.example/, nuovo".into()),
            permanent: true,
            error: None,
        };
        cache.insert("https://a.example/", moved.clone(), asked);
        cache.save(&path).unwrap();
        let cache = Cache::load(&path).unwrap();
        let week = SignedDuration::from_hours(24 * 7);
        let day_after = asked + SignedDuration::from_hours(24);
        let fresh = cache.fresh("https://a.example/", day_after, week);
        assert_eq!(fresh, Some((&moved, asked)));
        let eight_days = asked + SignedDuration::from_hours(24 * 8);
        assert_eq!(cache.fresh("https://a.example/", eight_days, week), None);
    }
}
