//! The figures of the reports filed in a period, from one row of facts per report: counts by
//! month and by each dimension, the spread of the time to the first answer and of the time
//! spent waiting on the Questura and the Prefettura, and the shares of reopened, validated,
//! refused and overdue reports.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::Hash;

use jiff::civil::Date;

use super::measures::{Share, Spread};
use crate::domain::organisation::OrganisationKind;
use crate::domain::report::ReportState;

/// What the statistics know of one report: its columns and the figures its timeline keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFacts<'a> {
    pub filed_at: i64,
    pub state: ReportState,
    pub urgency: Cow<'a, str>,
    pub topic_id: Option<i64>,
    pub organisation_id: i64,
    pub addressed_office: Cow<'a, str>,
    pub institution: OrganisationKind,
    pub due_date: Date,
    pub reopen_count: i64,
    /// When an answer was first published to the office.
    pub first_answer_at: Option<i64>,
    /// Completed waits on the institution, and their seconds in all.
    pub waits: i64,
    pub waited_secs: i64,
    pub validations: i64,
    pub refusals: i64,
}

impl ReportFacts<'_> {
    /// The same facts holding their own texts, to outlive the row they were read from.
    pub fn into_owned(self) -> ReportFacts<'static> {
        ReportFacts {
            filed_at: self.filed_at,
            state: self.state,
            urgency: Cow::Owned(self.urgency.into_owned()),
            topic_id: self.topic_id,
            organisation_id: self.organisation_id,
            addressed_office: Cow::Owned(self.addressed_office.into_owned()),
            institution: self.institution,
            due_date: self.due_date,
            reopen_count: self.reopen_count,
            first_answer_at: self.first_answer_at,
            waits: self.waits,
            waited_secs: self.waited_secs,
            validations: self.validations,
            refusals: self.refusals,
        }
    }

    /// Overdue as the lists mark it: its clock runs and its due date is before `today`.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.state.clock_runs() && self.due_date < today
    }
}

/// The figures of a set of reports.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportFigures {
    pub total: u64,
    /// Reports filed in each month, in the order of the month starts given.
    pub by_month: Vec<u64>,
    pub by_state: HashMap<ReportState, u64>,
    pub by_urgency: HashMap<String, u64>,
    pub by_topic: HashMap<Option<i64>, u64>,
    pub by_organisation: HashMap<i64, u64>,
    pub by_addressed_office: HashMap<String, u64>,
    /// From filing to the first answer published to the office, for reports that got one.
    pub first_answer: Spread,
    /// Seconds spent waiting on the institution, for reports whose answer came back.
    pub waiting_questura: Spread,
    pub waiting_prefettura: Spread,
    /// Of the reports that got an answer: reopened at least once, validated, refused.
    pub reopened: Share,
    pub validated: Share,
    pub refused: Share,
    /// Of all the reports: overdue today.
    pub overdue: Share,
}

fn bump<K: Eq + Hash>(map: &mut HashMap<K, u64>, key: K) {
    *map.entry(key).or_default() += 1;
}

/// Counts `key` without copying it unless it is new: this runs once per report.
fn bump_text(map: &mut HashMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(count) => *count += 1,
        None => {
            map.insert(key.to_owned(), 1);
        }
    }
}

/// The figures being gathered, one report at a time, so that the reports of a period need
/// not be held all at once.
#[derive(Debug)]
pub struct Tally<'a> {
    figures: ReportFigures,
    month_starts: &'a [i64],
    today: Date,
    first_answer: Vec<i64>,
    questura: Vec<i64>,
    prefettura: Vec<i64>,
    answered: u64,
    reopened: u64,
    validated: u64,
    refused: u64,
    overdue: u64,
}

impl<'a> Tally<'a> {
    /// `month_starts` are the UTC seconds at which each month of the period begins, in
    /// order; `today` decides what is overdue.
    pub fn new(month_starts: &'a [i64], today: Date) -> Self {
        Tally {
            figures: ReportFigures {
                by_month: vec![0; month_starts.len()],
                ..ReportFigures::default()
            },
            month_starts,
            today,
            first_answer: Vec::new(),
            questura: Vec::new(),
            prefettura: Vec::new(),
            answered: 0,
            reopened: 0,
            validated: 0,
            refused: 0,
            overdue: 0,
        }
    }

    pub fn add(&mut self, report: &ReportFacts) {
        let figures = &mut self.figures;
        figures.total += 1;
        let month = self
            .month_starts
            .partition_point(|start| *start <= report.filed_at);
        if let Some(count) = month
            .checked_sub(1)
            .and_then(|i| figures.by_month.get_mut(i))
        {
            *count += 1;
        }
        bump(&mut figures.by_state, report.state);
        bump_text(&mut figures.by_urgency, &report.urgency);
        bump(&mut figures.by_topic, report.topic_id);
        bump(&mut figures.by_organisation, report.organisation_id);
        bump_text(&mut figures.by_addressed_office, &report.addressed_office);
        if let Some(at) = report.first_answer_at {
            self.answered += 1;
            self.first_answer.push(at - report.filed_at);
            self.reopened += u64::from(report.reopen_count > 0);
            self.validated += u64::from(report.validations > 0);
            self.refused += u64::from(report.refusals > 0);
        }
        if report.waits > 0 {
            match report.institution {
                OrganisationKind::Questura => self.questura.push(report.waited_secs),
                _ => self.prefettura.push(report.waited_secs),
            }
        }
        self.overdue += u64::from(report.is_overdue(self.today));
    }

    pub fn finish(self) -> ReportFigures {
        let mut figures = self.figures;
        figures.first_answer = Spread::of(self.first_answer);
        figures.waiting_questura = Spread::of(self.questura);
        figures.waiting_prefettura = Spread::of(self.prefettura);
        let answered = self.answered;
        let of_answered = |part| Share {
            part,
            whole: answered,
        };
        figures.reopened = of_answered(self.reopened);
        figures.validated = of_answered(self.validated);
        figures.refused = of_answered(self.refused);
        figures.overdue = Share {
            part: self.overdue,
            whole: figures.total,
        };
        figures
    }
}

/// The figures of `reports`, as [`Tally`] gathers them.
pub fn report_figures(reports: &[ReportFacts], month_starts: &[i64], today: Date) -> ReportFigures {
    let mut tally = Tally::new(month_starts, today);
    for report in reports {
        tally.add(report);
    }
    tally.finish()
}

/// Each key of either period with its count in the current and in the previous one.
pub fn compared<K: Eq + Hash + Clone>(
    current: &HashMap<K, u64>,
    previous: &HashMap<K, u64>,
) -> Vec<(K, u64, u64)> {
    let mut rows: Vec<(K, u64, u64)> = current
        .iter()
        .map(|(key, count)| (key.clone(), *count, previous.get(key).copied().unwrap_or(0)))
        .collect();
    rows.extend(
        previous
            .iter()
            .filter(|(key, _)| !current.contains_key(*key))
            .map(|(key, count)| (key.clone(), 0, *count)),
    );
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const DAY: i64 = 86_400;

    fn report(filed_at: i64, state: ReportState) -> ReportFacts<'static> {
        ReportFacts {
            filed_at,
            state,
            urgency: "U3".into(),
            topic_id: None,
            organisation_id: 1,
            addressed_office: "questura_immigrazione".into(),
            institution: OrganisationKind::Questura,
            due_date: date(2026, 1, 20),
            reopen_count: 0,
            first_answer_at: None,
            waits: 0,
            waited_secs: 0,
            validations: 0,
            refusals: 0,
        }
    }

    #[test]
    fn reports_are_counted_by_month_and_dimension() {
        let months = [100 * DAY, 131 * DAY];
        let reports = [
            report(100 * DAY, ReportState::New),
            report(130 * DAY + 5, ReportState::New),
            report(131 * DAY, ReportState::Closed),
        ];
        let figures = report_figures(&reports, &months, date(2026, 1, 10));
        assert_eq!(figures.total, 3);
        assert_eq!(figures.by_month, vec![2, 1]);
        assert_eq!(figures.by_state[&ReportState::New], 2);
        assert_eq!(figures.by_urgency["U3"], 3);
        assert_eq!(figures.by_topic[&None], 3);
    }

    #[test]
    fn times_and_shares_count_only_the_reports_they_concern() {
        let mut answered = report(0, ReportState::Validated);
        answered.first_answer_at = Some(2 * DAY);
        answered.waits = 1;
        answered.waited_secs = DAY;
        answered.validations = 1;
        let mut reopened = report(0, ReportState::Reopened);
        reopened.first_answer_at = Some(4 * DAY);
        reopened.reopen_count = 1;
        reopened.refusals = 1;
        reopened.institution = OrganisationKind::Prefettura;
        reopened.waits = 2;
        reopened.waited_secs = 3 * DAY;
        // Still open, due before today: overdue; never answered: outside the answer shares.
        let late = report(0, ReportState::InCharge);
        let figures = report_figures(&[answered, reopened, late], &[0], date(2026, 2, 1));
        assert_eq!(figures.first_answer.count, 2);
        assert_eq!(figures.first_answer.median_secs, Some(3.0 * DAY as f64));
        assert_eq!(figures.waiting_questura.p90_secs, Some(DAY));
        assert_eq!(figures.waiting_prefettura.p90_secs, Some(3 * DAY));
        assert_eq!(figures.reopened, Share { part: 1, whole: 2 });
        assert_eq!(figures.validated, Share { part: 1, whole: 2 });
        assert_eq!(figures.refused, Share { part: 1, whole: 2 });
        // The reopened report's clock runs too, and it is due before today.
        assert_eq!(figures.overdue, Share { part: 2, whole: 3 });
    }

    #[test]
    fn comparisons_keep_keys_of_either_period() {
        let current = HashMap::from([("a", 2), ("b", 1)]);
        let previous = HashMap::from([("b", 4), ("c", 3)]);
        let mut rows = compared(&current, &previous);
        rows.sort();
        assert_eq!(rows, vec![("a", 2, 0), ("b", 1, 4), ("c", 0, 3)]);
    }
}
