//! The iCalendar files of bookings (RFC 5545): one event at the Prefettura for a receipt, or
//! the coming ones for a private feed, their times in Europe/Rome with the zone's rules
//! written out, so any calendar program places them right.

use jiff::civil::DateTime;

/// What the event says.
pub struct Event<'a> {
    /// Unique and stable for the booking: the same file imported twice is one event.
    pub uid: &'a str,
    pub starts_at: DateTime,
    pub minutes: i32,
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    /// When the file is made, UTC, as `YYYYMMDDTHHMMSSZ`.
    pub stamp: &'a str,
    /// Raised at each change of the event (a booking moved), so the new file replaces the
    /// old event instead of being ignored.
    pub sequence: u32,
}

/// Central European time with its summer time, as Italy keeps it since 1996.
const ROME: &str = "BEGIN:VTIMEZONE\r
TZID:Europe/Rome\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
TZNAME:CEST\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
TZNAME:CET\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
";

/// The whole file of one event, lines ended by CRLF and folded at 75 octets.
pub fn calendar(event: &Event<'_>) -> String {
    feed(std::slice::from_ref(event), None)
}

/// A calendar of `events`, named `name` for the programs that show one, lines ended by CRLF
/// and folded at 75 octets.
pub fn feed(events: &[Event<'_>], name: Option<&str>) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//ReSPI//Area riservata//IT".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
    ];
    lines.extend(name.map(|name| format!("X-WR-CALNAME:{}", escape(name))));
    let mut out = String::new();
    for line in &lines {
        out.push_str(&fold(line));
    }
    out.push_str(ROME);
    for event in events {
        for line in event_lines(event) {
            out.push_str(&fold(&line));
        }
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

fn event_lines(event: &Event<'_>) -> [String; 10] {
    let local = |at: DateTime| at.strftime("%Y%m%dT%H%M%S").to_string();
    let ends_at = event
        .starts_at
        .checked_add(jiff::Span::new().minutes(event.minutes))
        .unwrap_or(event.starts_at);
    [
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", escape(event.uid)),
        format!("DTSTAMP:{}", event.stamp),
        format!("SEQUENCE:{}", event.sequence),
        format!("DTSTART;TZID=Europe/Rome:{}", local(event.starts_at)),
        format!("DTEND;TZID=Europe/Rome:{}", local(ends_at)),
        format!("SUMMARY:{}", escape(event.summary)),
        format!("LOCATION:{}", escape(event.location)),
        format!("DESCRIPTION:{}", escape(event.description)),
        "END:VEVENT".to_owned(),
    ]
}

/// TEXT values escape backslashes, semicolons, commas and line breaks (RFC 5545 3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded so that no line is longer than 75 octets, never inside a character
/// (RFC 5545 3.1), ended by CRLF.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_long_lines_are_folded_between_characters() {
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        let long = format!("DESCRIPTION:{}", "è".repeat(60));
        let folded = fold(&long);
        for line in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), long);
    }

    #[test]
    fn the_event_is_in_rome_time_and_lasts_its_slot() {
        let file = calendar(&Event {
            uid: "prenotazione-7@respi",
            starts_at: jiff::civil::date(2026, 12, 7).at(9, 30, 0, 0),
            minutes: 30,
            summary: "Consegna di documenti",
            location: "Prefettura, Ufficio Cittadinanza",
            description: "Per Okafor Grace",
            stamp: "20261204T060000Z",
            sequence: 1,
        });
        assert!(file.contains("SEQUENCE:1\r\n"));
        assert!(file.contains("DTSTART;TZID=Europe/Rome:20261207T093000\r\n"));
        assert!(file.contains("DTEND;TZID=Europe/Rome:20261207T100000\r\n"));
        assert!(file.contains("LOCATION:Prefettura\\, Ufficio Cittadinanza\r\n"));
        assert!(file.starts_with("BEGIN:VCALENDAR\r\n") && file.ends_with("END:VCALENDAR\r\n"));
        assert!(
            !file.replace("\r\n", "").contains('\n'),
            "every line ends with CRLF"
        );
    }
}
