//! The Prefettura's form for a kind of appointment and its plan, read without I/O: the name,
//! the slot length and seats, two ranges of hours for each weekday, the exceptions (one a
//! line: `25/12/2026 chiuso` or `12/12/2026 09:00-12:00`), the minimum notice, the horizon
//! and the quota rule. Every mistake is reported against its field, in Italian.

use std::collections::BTreeMap;

use jiff::civil::{Date, Time, Weekday};

use crate::domain::appointments::slots::{Exception, Opening, Plan, weekday_name};
use crate::domain::report_fields::MAX_SHORT_TEXT;
use crate::domain::report_form::required_text;
use crate::forms::FormErrors;

/// The fields of each weekday: first range from, until; second range from, until.
pub const WEEK: [(Weekday, [&str; 4]); 7] = [
    (
        Weekday::Monday,
        ["mon_from_1", "mon_until_1", "mon_from_2", "mon_until_2"],
    ),
    (
        Weekday::Tuesday,
        ["tue_from_1", "tue_until_1", "tue_from_2", "tue_until_2"],
    ),
    (
        Weekday::Wednesday,
        ["wed_from_1", "wed_until_1", "wed_from_2", "wed_until_2"],
    ),
    (
        Weekday::Thursday,
        ["thu_from_1", "thu_until_1", "thu_from_2", "thu_until_2"],
    ),
    (
        Weekday::Friday,
        ["fri_from_1", "fri_until_1", "fri_from_2", "fri_until_2"],
    ),
    (
        Weekday::Saturday,
        ["sat_from_1", "sat_until_1", "sat_from_2", "sat_until_2"],
    ),
    (
        Weekday::Sunday,
        ["sun_from_1", "sun_until_1", "sun_from_2", "sun_until_2"],
    ),
];

/// The quota rule as chosen on the form; the area shares are worked out from `site.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaChoice {
    None,
    PerOffice(u32),
    ByArea,
}

/// A kind of appointment whose every field holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindDraft {
    pub name: String,
    pub plan: Plan,
    pub quota: QuotaChoice,
    pub active: bool,
}

/// The form's fields by name, as sent.
pub type Fields = BTreeMap<String, String>;

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map_or("", |value| value.trim())
}

/// A number of the form: its field, its range and the message when it is out of it.
struct NumberRule {
    name: &'static str,
    range: (i32, i32),
    message: &'static str,
}

const SLOT_MINUTES: NumberRule = NumberRule {
    name: "slot_minutes",
    range: (5, 240),
    message: "Scrivi la durata di un appuntamento in minuti, in cifre da 5 a 240.",
};
const SEATS: NumberRule = NumberRule {
    name: "seats",
    range: (1, 50),
    message: "Scrivi quante persone riceve ogni appuntamento, in cifre da 1 a 50.",
};
const MIN_NOTICE: NumberRule = NumberRule {
    name: "min_notice_hours",
    range: (0, 720),
    message: "Scrivi il preavviso minimo in ore, in cifre da 0 a 720.",
};
const HORIZON: NumberRule = NumberRule {
    name: "horizon_days",
    range: (1, 366),
    message: "Scrivi fino a quanti giorni avanti si prenota, in cifre da 1 a 366.",
};

/// Reads the form: the draft, or every mistake found, in the order of the page.
pub fn read(fields: &Fields) -> Result<KindDraft, FormErrors> {
    let mut errors = FormErrors::default();
    let name = required_text(
        &mut errors,
        "name",
        field(fields, "name"),
        MAX_SHORT_TEXT,
        "Scrivi il nome del tipo di appuntamento.",
    );
    let slot_minutes = number(&mut errors, fields, &SLOT_MINUTES);
    let seats = number(&mut errors, fields, &SEATS);
    let openings = week(&mut errors, fields, slot_minutes);
    let exceptions = exceptions(&mut errors, field(fields, "exceptions"), slot_minutes);
    let min_notice = number(&mut errors, fields, &MIN_NOTICE);
    let horizon = number(&mut errors, fields, &HORIZON);
    if openings.as_ref().is_some_and(Vec::is_empty)
        && exceptions
            .as_ref()
            .is_some_and(|list| !list.iter().any(|e| matches!(e, Exception::Open { .. })))
    {
        errors.add(
            WEEK[0].1[0],
            "Indica almeno un orario settimanale (o un giorno di apertura straordinaria tra le eccezioni).",
        );
    }
    let quota = quota(&mut errors, fields);
    // A new kind is bookable; an edited one as its checkbox says.
    let active = fields.contains_key("active") || field(fields, "kind_id").is_empty();
    let (Some(name), Some(slot_minutes), Some(seats), Some(openings), Some(exceptions)) =
        (name, slot_minutes, seats, openings, exceptions)
    else {
        return Err(errors);
    };
    let (Some(min_notice_hours), Some(horizon_days), Some(quota)) = (min_notice, horizon, quota)
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let plan = Plan {
        openings,
        slot_minutes,
        seats: u32::try_from(seats).unwrap_or(1),
        exceptions,
        min_notice_hours,
        horizon_days,
    };
    Ok(KindDraft {
        name,
        plan,
        quota,
        active,
    })
}

fn number(errors: &mut FormErrors, fields: &Fields, rule: &NumberRule) -> Option<i32> {
    let (min, max) = rule.range;
    match field(fields, rule.name).parse::<i32>() {
        Ok(value) if (min..=max).contains(&value) => Some(value),
        _ => {
            errors.add(rule.name, rule.message);
            None
        }
    }
}

/// "9:00", "09:00" or "9.00": a time of day on the minute.
fn time_of(text: &str) -> Option<Time> {
    let (hours, minutes) = text.trim().split_once([':', '.'])?;
    let hours: i8 = hours.trim().parse().ok()?;
    let minutes: i8 = minutes.trim().parse().ok()?;
    Time::new(hours, minutes, 0, 0).ok()
}

fn minutes_of(time: Time) -> i32 {
    i32::from(time.hour()) * 60 + i32::from(time.minute())
}

/// Why a range of hours is refused, if it is.
fn range_problem(from: Time, until: Time, slot: Option<i32>) -> Option<&'static str> {
    if until <= from {
        return Some("finisce prima di cominciare");
    }
    match slot {
        Some(slot) if minutes_of(until) - minutes_of(from) < slot => {
            Some("è più breve di un appuntamento")
        }
        _ => None,
    }
}

/// The weekly hours: `None` when some range is wrong.
fn week(errors: &mut FormErrors, fields: &Fields, slot: Option<i32>) -> Option<Vec<Opening>> {
    let mut openings = Vec::new();
    let mut fine = true;
    for (weekday, names) in WEEK {
        let day = weekday_name(weekday);
        let mut ranges: Vec<(Time, Time, &'static str)> = Vec::new();
        for (pair, ordinal) in [(0, "prima"), (2, "seconda")] {
            let (from_name, until_name) = (names[pair], names[pair + 1]);
            let (from, until) = (field(fields, from_name), field(fields, until_name));
            if from.is_empty() && until.is_empty() {
                continue;
            }
            let problem = match (time_of(from), time_of(until)) {
                (Some(from), Some(until)) => match range_problem(from, until, slot) {
                    None => {
                        ranges.push((from, until, from_name));
                        continue;
                    }
                    Some(problem) => format!("La {ordinal} fascia del {day} {problem}."),
                },
                _ if from.is_empty() || until.is_empty() => format!(
                    "Per la {ordinal} fascia del {day} indica sia l'inizio sia la fine, oppure lasciale vuote entrambe."
                ),
                _ => format!("Scrivi gli orari del {day} come 09:00."),
            };
            fine = false;
            errors.add(from_name, problem);
        }
        if let [(from_1, until_1, _), (from_2, until_2, second)] = ranges[..]
            && from_1 < until_2
            && from_2 < until_1
        {
            fine = false;
            errors.add(second, format!("Le due fasce del {day} si sovrappongono."));
            continue;
        }
        openings.extend(ranges.into_iter().map(|(from, until, _)| Opening {
            weekday,
            from,
            until,
        }));
    }
    fine.then_some(openings)
}

fn date_of(text: &str) -> Option<Date> {
    if let Ok(date) = text.parse::<Date>() {
        return Some(date);
    }
    let mut parts = text.split('/');
    let day: i8 = parts.next()?.parse().ok()?;
    let month: i8 = parts.next()?.parse().ok()?;
    let year: i16 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    Date::new(year, month, day).ok()
}

/// One line of the exceptions, or what is wrong with it.
fn exception_of(line: &str, slot: Option<i32>) -> Result<Exception, String> {
    let (day, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let Some(date) = date_of(day) else {
        return Err(format!("«{day}» non è una data: scrivila come 25/12/2026."));
    };
    let rest = rest.trim().to_lowercase();
    if matches!(rest.as_str(), "chiuso" | "chiusa" | "chiusura") {
        return Ok(Exception::Closed(date));
    }
    let hours = rest.replace(['–', '—'], "-");
    let Some((from, until)) = hours
        .split_once('-')
        .and_then(|(a, b)| Some((time_of(a)?, time_of(b)?)))
    else {
        return Err(
            "dopo la data scrivi «chiuso» oppure l'orario di apertura, come 09:00-12:00."
                .to_owned(),
        );
    };
    match range_problem(from, until, slot) {
        Some(problem) => Err(format!("l'orario {problem}.")),
        None => Ok(Exception::Open { date, from, until }),
    }
}

/// The exceptions, one a line; `None` when some line is wrong.
fn exceptions(errors: &mut FormErrors, text: &str, slot: Option<i32>) -> Option<Vec<Exception>> {
    let mut list: Vec<Exception> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let found = exception_of(line, slot)
            .and_then(|exception| clash(&list, &exception).map_or(Ok(exception), Err));
        match found {
            Ok(exception) => list.push(exception),
            Err(problem) => {
                errors.add(
                    "exceptions",
                    format!("Eccezioni, riga {}: {problem}", number + 1),
                );
                return None;
            }
        }
    }
    Some(list)
}

/// Whether `new` contradicts an exception already listed for its day.
fn clash(list: &[Exception], new: &Exception) -> Option<String> {
    let day = |e: &Exception| match *e {
        Exception::Closed(date) | Exception::Open { date, .. } => date,
    };
    for old in list.iter().filter(|old| day(old) == day(new)) {
        let problem = match (old, new) {
            (
                Exception::Open {
                    from: a, until: b, ..
                },
                Exception::Open {
                    from: c, until: d, ..
                },
            ) if a < d && c < b => "si sovrappone a un altro orario dello stesso giorno",
            (Exception::Open { .. }, Exception::Open { .. }) => continue,
            _ => "lo stesso giorno non può essere insieme chiuso e aperto, né chiuso due volte",
        };
        return Some(problem.to_owned());
    }
    None
}

fn quota(errors: &mut FormErrors, fields: &Fields) -> Option<QuotaChoice> {
    match field(fields, "quota_rule") {
        "" | "nessuna" => Some(QuotaChoice::None),
        "area" => Some(QuotaChoice::ByArea),
        "sportello" => match field(fields, "office_quota").parse::<u32>() {
            Ok(seats) if (1..=10_000).contains(&seats) => Some(QuotaChoice::PerOffice(seats)),
            _ => {
                errors.add(
                    "office_quota",
                    "Con la quota per sportello indica quanti posti a settimana può prenotare ogni sportello, in cifre da 1 a 10000.",
                );
                None
            }
        },
        _ => {
            errors.add("quota_rule", "Scegli una delle regole per le quote.");
            None
        }
    }
}

/// The form's fields for a saved kind, to edit it.
pub fn fields_of(name: &str, plan: &Plan, quota: QuotaChoice, active: bool) -> Fields {
    let mut fields = Fields::new();
    let mut put = |name: &str, value: String| {
        fields.insert(name.to_owned(), value);
    };
    put("name", name.to_owned());
    put("slot_minutes", plan.slot_minutes.to_string());
    put("seats", plan.seats.to_string());
    put("min_notice_hours", plan.min_notice_hours.to_string());
    put("horizon_days", plan.horizon_days.to_string());
    let hhmm = |time: Time| time.strftime("%H:%M").to_string();
    for (weekday, names) in WEEK {
        let day = plan.openings.iter().filter(|o| o.weekday == weekday);
        for (opening, pair) in day.zip([0, 2]) {
            put(names[pair], hhmm(opening.from));
            put(names[pair + 1], hhmm(opening.until));
        }
    }
    let lines: Vec<String> = plan
        .exceptions
        .iter()
        .map(|exception| match *exception {
            Exception::Closed(date) => format!("{} chiuso", date.strftime("%d/%m/%Y")),
            Exception::Open { date, from, until } => {
                format!(
                    "{} {}-{}",
                    date.strftime("%d/%m/%Y"),
                    hhmm(from),
                    hhmm(until)
                )
            }
        })
        .collect();
    put("exceptions", lines.join("\n"));
    let (rule, seats) = match quota {
        QuotaChoice::None => ("nessuna", String::new()),
        QuotaChoice::PerOffice(seats) => ("sportello", seats.to_string()),
        QuotaChoice::ByArea => ("area", String::new()),
    };
    put("quota_rule", rule.to_owned());
    put("office_quota", seats);
    if active {
        put("active", "1".to_owned());
    }
    fields
}

#[cfg(test)]
mod tests {
    use jiff::civil::{date, time};

    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Fields {
        let mut fields: Fields = [
            ("name", "Giuramento"),
            ("slot_minutes", "30"),
            ("seats", "2"),
            ("min_notice_hours", "24"),
            ("horizon_days", "30"),
            ("mon_from_1", "9:00"),
            ("mon_until_1", "12:00"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        for (k, v) in pairs {
            fields.insert((*k).to_owned(), (*v).to_owned());
        }
        fields
    }

    fn message(fields: &Fields, field: &str) -> String {
        let errors = read(fields).unwrap_err();
        errors
            .fields
            .get(field)
            .cloned()
            .unwrap_or_else(|| panic!("{:?}", errors.fields))
    }

    #[test]
    fn a_complete_form_gives_its_plan() {
        let fields = form(&[
            ("mon_from_2", "14:00"),
            ("mon_until_2", "15:30"),
            (
                "exceptions",
                "25/12/2026 chiuso\n\n2026-12-12 09:00 – 10:00\n",
            ),
            ("quota_rule", "sportello"),
            ("office_quota", "4"),
        ]);
        let draft = read(&fields).unwrap();
        assert_eq!(draft.plan.openings.len(), 2);
        assert_eq!(draft.plan.openings[1].from, time(14, 0, 0, 0));
        assert_eq!(
            draft.plan.exceptions,
            [
                Exception::Closed(date(2026, 12, 25)),
                Exception::Open {
                    date: date(2026, 12, 12),
                    from: time(9, 0, 0, 0),
                    until: time(10, 0, 0, 0)
                }
            ]
        );
        assert_eq!(draft.quota, QuotaChoice::PerOffice(4));
        assert!(draft.active);
        // What the edit form shows reads back as the same draft.
        let again = fields_of(&draft.name, &draft.plan, draft.quota, true);
        assert_eq!(read(&again).unwrap(), draft);
    }

    #[test]
    fn each_mistake_is_told_against_its_field() {
        let overlap = form(&[("mon_from_2", "11:00"), ("mon_until_2", "13:00")]);
        assert_eq!(
            message(&overlap, "mon_from_2"),
            "Le due fasce del lunedì si sovrappongono."
        );
        let backwards = form(&[("tue_from_1", "12:00"), ("tue_until_1", "9:00")]);
        assert_eq!(
            message(&backwards, "tue_from_1"),
            "La prima fascia del martedì finisce prima di cominciare."
        );
        let half = form(&[("wed_from_1", "12:00")]);
        assert!(message(&half, "wed_from_1").contains("sia l'inizio sia la fine"));
        let seats = form(&[("seats", "0")]);
        assert_eq!(
            message(&seats, "seats"),
            "Scrivi quante persone riceve ogni appuntamento, in cifre da 1 a 50."
        );
        let short = form(&[("thu_from_1", "9:00"), ("thu_until_1", "9:20")]);
        assert!(message(&short, "thu_from_1").contains("più breve di un appuntamento"));
        let bad_day = form(&[("exceptions", "25/12/2026 chiuso\n31/02/2026 chiuso")]);
        assert!(
            message(&bad_day, "exceptions")
                .starts_with("Eccezioni, riga 2: «31/02/2026» non è una data")
        );
        let twice = form(&[("exceptions", "25/12/2026 chiuso\n25/12/2026 09:00-10:00")]);
        assert!(message(&twice, "exceptions").contains("insieme chiuso e aperto"));
        let empty = form(&[("mon_from_1", ""), ("mon_until_1", "")]);
        assert!(message(&empty, "mon_from_1").starts_with("Indica almeno un orario"));
        let no_quota = form(&[("quota_rule", "sportello")]);
        assert!(message(&no_quota, "office_quota").contains("da 1 a 10000"));
    }
}
