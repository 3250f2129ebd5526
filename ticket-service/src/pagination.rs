//! Lists shown a page at a time: the page asked for in `?pagina=`, the rows it covers (as the
//! `LIMIT` and `OFFSET` of the query), and the links to the pages before and after it, which
//! keep the list's other parameters (order, filters) so they work without JavaScript.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

/// `?pagina=N` of a list; anything but a positive number is the first page.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    #[serde(rename = "pagina")]
    pub page: Option<String>,
}

/// One page of a list: its number, from 1, and how many rows a page holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    number: i64,
    size: i64,
}

impl PageRequest {
    pub fn new(query: &PageQuery, size: usize) -> Self {
        let number = query
            .page
            .as_deref()
            .and_then(|text| text.trim().parse::<i64>().ok())
            .filter(|number| *number >= 1)
            .unwrap_or(1);
        PageRequest {
            number,
            size: i64::try_from(size).unwrap_or(i64::MAX).max(1),
        }
    }

    /// How many pages `total` rows fill; an empty list still has its one, empty, page.
    fn pages(self, total: i64) -> i64 {
        ((total + self.size - 1) / self.size).max(1)
    }

    /// The same page, or the last one when the list has become shorter than that.
    fn within(self, total: i64) -> Self {
        PageRequest {
            number: self.number.min(self.pages(total)),
            ..self
        }
    }

    fn offset(self) -> i64 {
        (self.number - 1).saturating_mul(self.size)
    }

    /// Counts the rows with `count`, then reads the page's rows with `rows(limit, offset)`,
    /// on one connection, so the numbers and the rows agree.
    pub fn load<T>(
        self,
        conn: &Connection,
        count: impl FnOnce(&Connection) -> rusqlite::Result<i64>,
        rows: impl FnOnce(&Connection, i64, i64) -> rusqlite::Result<Vec<T>>,
    ) -> rusqlite::Result<Paged<T>> {
        let total = count(conn)?;
        let page = self.within(total);
        let rows = rows(conn, page.size, page.offset())?;
        Ok(Paged { rows, total, page })
    }
}

/// A page of rows with what its links need.
#[derive(Debug)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub total: i64,
    page: PageRequest,
}

impl<T> Paged<T> {
    /// The links to the neighbouring pages of the list at `path`, keeping `params` (those
    /// with an empty value are left out).
    pub fn links(&self, path: &str, params: &[(&str, &str)]) -> PageLinks {
        PageLinks::new(path, params, self.page, self.total, self.rows.len())
    }
}

/// `path` with `params` as its query; those with an empty value are left out.
pub fn url(path: &str, params: &[(&str, &str)]) -> String {
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .copied()
        .collect();
    match serde_urlencoded::to_string(pairs) {
        Ok(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path.to_owned(),
    }
}

/// What the `pagination` component shows.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PageLinks {
    pub number: i64,
    pub count: i64,
    pub total: i64,
    pub first_row: i64,
    pub last_row: i64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl PageLinks {
    /// The links of page `number` (from 1) of a list counted elsewhere, such as the search
    /// index: `total` rows in all, `shown` on this page.
    pub fn counted(
        path: &str,
        params: &[(&str, &str)],
        number: usize,
        size: usize,
        total: usize,
        shown: usize,
    ) -> Self {
        let page = PageRequest {
            number: i64::try_from(number).unwrap_or(i64::MAX).max(1),
            size: i64::try_from(size).unwrap_or(i64::MAX).max(1),
        };
        Self::new(
            path,
            params,
            page,
            i64::try_from(total).unwrap_or(i64::MAX),
            shown,
        )
    }

    fn new(
        path: &str,
        params: &[(&str, &str)],
        page: PageRequest,
        total: i64,
        shown: usize,
    ) -> Self {
        let count = page.pages(total);
        let link = |number: i64| {
            let number = number.to_string();
            let mut pairs = params.to_vec();
            pairs.push(("pagina", &number));
            url(path, &pairs)
        };
        let first_row = if shown == 0 { 0 } else { page.offset() + 1 };
        PageLinks {
            number: page.number,
            count,
            total,
            first_row,
            last_row: page.offset() + i64::try_from(shown).unwrap_or(0),
            previous: (page.number > 1).then(|| link(page.number - 1)),
            next: (page.number < count).then(|| link(page.number + 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(pagina: &str) -> PageRequest {
        PageRequest::new(
            &PageQuery {
                page: Some(pagina.to_owned()),
            },
            10,
        )
    }

    #[test]
    fn anything_but_a_positive_number_is_the_first_page() {
        for pagina in ["", "0", "-3", "due", "1.5", "99999999999999999999"] {
            assert_eq!(asked(pagina), asked("1"), "{pagina:?}");
        }
        assert_eq!(asked("3").offset(), 20);
    }

    #[test]
    fn a_page_past_the_end_is_the_last_one() {
        assert_eq!(asked("9").within(25), asked("3"));
        assert_eq!(asked("9").within(0), asked("1"));
        assert_eq!(asked("2").within(20), asked("2"));
    }

    #[test]
    fn links_keep_the_other_parameters_and_leave_out_empty_ones() {
        let links = PageLinks::new(
            "/segnalazioni",
            &[("ordina", "scadenza"), ("stato", "")],
            asked("2"),
            25,
            10,
        );
        assert_eq!(
            links.previous.as_deref(),
            Some("/segnalazioni?ordina=scadenza&pagina=1")
        );
        assert_eq!(
            links.next.as_deref(),
            Some("/segnalazioni?ordina=scadenza&pagina=3")
        );
        assert_eq!((links.number, links.count), (2, 3));
        assert_eq!((links.first_row, links.last_row, links.total), (11, 20, 25));
        let last = PageLinks::new("/notifiche", &[], asked("3"), 25, 5);
        assert_eq!(last.next, None);
        assert_eq!(last.previous.as_deref(), Some("/notifiche?pagina=2"));
    }
}
