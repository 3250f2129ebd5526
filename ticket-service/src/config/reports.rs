//! The report workflow's settings: urgency codes, holidays, attachment quotas and the hour of
//! the daily digests.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::domain::attachment::Quota;
use crate::domain::urgency::{BusinessCalendar, UrgencyCode, default_codes};

/// The report workflow: urgency codes, holidays and attachments.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSettings {
    /// Urgency codes from the most to the least urgent; queues sort in this order.
    pub urgency: Vec<UrgencyCode>,
    /// Local holidays skipped by due dates besides the national ones, as `MM-DD`.
    pub local_holidays: Vec<String>,
    /// Where attachments are stored, outside any folder the service serves.
    pub attachment_dir: PathBuf,
    /// Largest attachment accepted, in bytes.
    pub attachment_max_bytes: usize,
    /// Most attachments one report may have, counting the files of its form.
    pub attachments_per_report: usize,
    /// Most bytes the attachments of one report may take together.
    pub attachment_bytes_per_report: usize,
    /// Most attachments one user may upload in 24 hours, on forms and on reports.
    pub attachments_per_user_per_day: usize,
    /// Most bytes one user may upload in 24 hours.
    pub attachment_bytes_per_user_per_day: usize,
    /// Most report forms with attachments, not yet sent, that one session may hold.
    pub drafts_per_session: usize,
    /// Hour of the day (Italian time) when the daily digests are mailed.
    pub digest_hour: i8,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            urgency: default_codes(),
            local_holidays: Vec::new(),
            attachment_dir: PathBuf::from("data/attachments"),
            attachment_max_bytes: 5 * 1024 * 1024,
            attachments_per_report: 20,
            attachment_bytes_per_report: 50 * 1024 * 1024,
            attachments_per_user_per_day: 100,
            attachment_bytes_per_user_per_day: 250 * 1024 * 1024,
            drafts_per_session: 3,
            digest_hour: 7,
        }
    }
}

impl ReportSettings {
    /// The attachment quotas, as the rules of `domain::attachment` take them.
    pub fn attachment_quota(&self) -> Quota {
        let count = |value: usize| u64::try_from(value).unwrap_or(u64::MAX);
        Quota {
            report_files: count(self.attachments_per_report),
            report_bytes: count(self.attachment_bytes_per_report),
            user_files: count(self.attachments_per_user_per_day),
            user_bytes: count(self.attachment_bytes_per_user_per_day),
            session_drafts: count(self.drafts_per_session),
        }
    }

    pub fn calendar(&self) -> BusinessCalendar {
        // `Settings::check` has parsed the holidays already.
        BusinessCalendar::new(&self.local_holidays).unwrap_or_default()
    }

    pub fn urgency(&self, code: &str) -> Option<&UrgencyCode> {
        self.urgency.iter().find(|urgency| urgency.code == code)
    }

    /// Position of `code` in the configured order, for sorting; unknown codes last.
    pub fn urgency_rank(&self, code: &str) -> usize {
        self.urgency
            .iter()
            .position(|urgency| urgency.code == code)
            .unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{ConfigError, Settings};

    #[test]
    fn urgency_codes_and_holidays_come_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tickets.toml");
        std::fs::write(
            &file,
            "[reports]\nlocal_holidays = [\"12-04\"]\n[[reports.urgency]]\ncode = \"A\"\nlabel = \"Alta\"\nbusiness_days = 1\nurgent = true\n",
        )
        .unwrap();
        let settings = Settings::load(Some(&file)).unwrap();
        assert_eq!(settings.reports.urgency.len(), 1);
        assert_eq!(settings.reports.urgency_rank("A"), 0);
        assert!(
            settings
                .reports
                .calendar()
                .is_holiday(jiff::civil::date(2026, 12, 4))
        );

        std::fs::write(&file, "[reports]\nlocal_holidays = [\"4 dicembre\"]\n").unwrap();
        assert!(matches!(
            Settings::load(Some(&file)),
            Err(ConfigError::Rule {
                key: "reports.local_holidays",
                ..
            })
        ));
    }
}
