//! How the data is kept: the database's connections, the scheduled backups, and how long
//! citizens' data stays once a report is closed.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use crate::db::PoolSettings;

/// `[backup]`: copies made while the service runs, `keep` of them kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupSettings {
    /// Folder of the scheduled copies; none (the default) means no scheduled copy, only the
    /// `respi-tickets backup FILE` command.
    pub folder: Option<PathBuf>,
    /// Hours between two scheduled copies.
    pub every_hours: u64,
    /// How many scheduled copies are kept; older ones are deleted after a new one succeeds.
    pub keep: usize,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            folder: None,
            every_hours: 24,
            keep: 14,
        }
    }
}

/// `[retention]`: what is deleted, and when, from reports closed long ago.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionSettings {
    /// Days after closing when a report loses the citizen's identifiers and its attachments;
    /// 0 keeps them for ever (to be justified in the processing register).
    pub closed_after_days: u32,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        RetentionSettings {
            closed_after_days: 730,
        }
    }
}
