//! Dates as readers see them, in each language of the site.

use jiff::civil::Date;

const IT: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];
const EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const AR: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];

/// `12 maggio 2026`, `12 May 2026`, …; ISO for languages without a table.
pub fn long(date: Date, lang: &str) -> String {
    let months = match lang {
        "it" => &IT,
        "en" => &EN,
        "fr" => &FR,
        "ar" => &AR,
        _ => return date.to_string(),
    };
    format!(
        "{} {} {}",
        date.day(),
        months[date.month() as usize - 1],
        date.year()
    )
}

/// RFC 3339 timestamp at midnight UTC, for feeds.
pub fn rfc3339(date: Date) -> String {
    format!("{date}T00:00:00Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_dates_per_language() {
        let d = Date::new(2026, 5, 12).unwrap();
        assert_eq!(long(d, "it"), "12 maggio 2026");
        assert_eq!(long(d, "fr"), "12 mai 2026");
        assert_eq!(long(d, "xx"), "2026-05-12");
    }
}
