//! Scheduled backups: one every `every_hours` into `[backup] folder`, the newest `keep` kept.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::state::AppState;

const PREFIX: &str = "respi-tickets-";
const SUFFIX: &str = ".sqlite3";

/// The file name of a scheduled backup made at `now` (UTC seconds); names sort by time.
pub fn file_name(now: i64) -> String {
    let stamp = jiff::Timestamp::from_second(now)
        .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_else(|_| now.to_string());
    format!("{PREFIX}{stamp}{SUFFIX}")
}

/// Deletes the oldest scheduled backups in `folder` beyond the newest `keep`; other files
/// are left alone. The deleted paths.
pub fn prune(folder: &Path, keep: usize) -> std::io::Result<Vec<PathBuf>> {
    let mut backups: Vec<PathBuf> = std::fs::read_dir(folder)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(PREFIX) && name.ends_with(SUFFIX))
        })
        .collect();
    backups.sort();
    let excess = backups.len().saturating_sub(keep.max(1));
    let deleted: Vec<PathBuf> = backups.into_iter().take(excess).collect();
    for path in &deleted {
        std::fs::remove_file(path)?;
    }
    Ok(deleted)
}

/// Makes one scheduled backup and prunes the old ones.
pub async fn run_once(state: &AppState, folder: PathBuf) -> Result<(), String> {
    let database = state.db.path().to_owned();
    let attachments = state.settings.reports.attachment_dir.clone();
    let keep = state.settings.backup.keep;
    let now = state.clock.now();
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&folder).map_err(|error| error.to_string())?;
        let dest = folder.join(file_name(now));
        let report =
            super::make(&database, &attachments, &dest, now).map_err(|error| error.to_string())?;
        let pruned = prune(&folder, keep).map_err(|error| error.to_string())?;
        tracing::info!(
            file = %report.file.display(),
            reports = report.reports,
            files = report.files,
            missing_files = report.missing_files.len(),
            pruned = pruned.len(),
            "scheduled backup made"
        );
        Ok(())
    })
    .await
    .map_err(|error| error.to_string())?
}

/// Runs [`run_once`] every `every_hours`, the first time one period after start.
pub async fn run_periodically(state: AppState) {
    let Some(folder) = state.settings.backup.folder.clone() else {
        return;
    };
    let period = Duration::from_secs(state.settings.backup.every_hours.max(1) * 3600);
    let mut every = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    loop {
        every.tick().await;
        if let Err(error) = run_once(&state, folder.clone()).await {
            tracing::error!(%error, "scheduled backup failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_time_and_only_the_newest_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let times = [1_780_000_000, 1_780_086_400, 1_780_172_800, 1_780_259_200];
        for now in times {
            std::fs::write(dir.path().join(file_name(now)), b"x").unwrap();
        }
        std::fs::write(dir.path().join("appunti.txt"), b"x").unwrap();
        let deleted = prune(dir.path(), 2).unwrap();
        assert_eq!(
            deleted,
            vec![
                dir.path().join(file_name(times[0])),
                dir.path().join(file_name(times[1]))
            ]
        );
        assert!(dir.path().join(file_name(times[3])).exists());
        assert!(dir.path().join("appunti.txt").exists(), "other files stay");
        assert_eq!(
            file_name(times[0]),
            "respi-tickets-20260528T202640Z.sqlite3"
        );
    }
}
