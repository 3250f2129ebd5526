//! C8: tables are data tables with a caption and a header for every column, never layout.
//!
//! The renderer already writes `<thead>` and `<th scope="col">` for every GFM table and turns a
//! `Table: …` paragraph right above it into `<caption>`; this rule makes sure the editor gave it
//! the material to do so.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::context::{PageContext, text_until_end};
use respi_sources::diagnostics::Diagnostic;

pub fn check(ctx: &PageContext<'_>, out: &mut Vec<Diagnostic>) {
    for (i, (event, range)) in ctx.events.iter().enumerate() {
        let Event::Start(Tag::Table(alignments)) = event else {
            continue;
        };
        if alignments.len() < 2 {
            out.push(
                ctx.error("C8", range.start, "tabella di una sola colonna: le tabelle servono per i dati, non per impaginare")
                    .with_help("trasformarla in un elenco puntato (`- voce`) o in paragrafi"),
            );
            continue;
        }
        if !has_caption(&ctx.events, i) {
            out.push(
                ctx.error("C8", range.start, "tabella senza didascalia")
                    .with_help("scrivere subito sopra la tabella, separata da una riga vuota, una riga `Table: Che cosa contiene la tabella`"),
            );
        }
        for (column, (j, cell_range)) in header_cells(&ctx.events, i) {
            if text_until_end(&ctx.events, j).trim().is_empty() {
                out.push(
                    ctx.error("C8", cell_range.start, "cella di intestazione vuota")
                        .with_help(format!(
                            "scrivere nella prima riga della tabella il nome della colonna{}",
                            if column == 0 {
                                ", anche per la prima (per esempio «Voce» o «Giorno»)"
                            } else {
                                ""
                            }
                        )),
                );
            }
        }
    }
}

/// The same test as the renderer's: a paragraph of plain text starting `Table:` right before.
fn has_caption(events: &[(Event<'_>, Range<usize>)], table: usize) -> bool {
    let Some(end) = table.checked_sub(1) else {
        return false;
    };
    if !matches!(events[end].0, Event::End(TagEnd::Paragraph)) {
        return false;
    }
    let Some(start) = events[..end]
        .iter()
        .rposition(|(e, _)| matches!(e, Event::Start(Tag::Paragraph)))
    else {
        return false;
    };
    let mut caption = String::new();
    for (event, _) in &events[start + 1..end] {
        match event {
            Event::Text(t) => caption.push_str(t),
            Event::SoftBreak => caption.push(' '),
            _ => return false,
        }
    }
    caption
        .strip_prefix("Table:")
        .is_some_and(|c| !c.trim().is_empty())
}

/// (column number, event index and range) of each cell in the header row of the table at `table`.
fn header_cells<'e>(
    events: &'e [(Event<'_>, Range<usize>)],
    table: usize,
) -> Vec<(usize, (usize, &'e Range<usize>))> {
    let mut cells = Vec::new();
    for (j, (event, range)) in events.iter().enumerate().skip(table + 1) {
        match event {
            Event::Start(Tag::TableCell) => cells.push((j, range)),
            Event::End(TagEnd::TableHead) => break,
            _ => {}
        }
    }
    cells.into_iter().enumerate().collect()
}

#[cfg(test)]
mod tests {
    use crate::testing::lint_body;

    const TABLE: &str = "| Giorno | Orario |\n|---|---|\n| lunedì | 9–12 |\n";

    #[test]
    fn table_with_caption_and_headers_passes() {
        let d = lint_body(
            "C8",
            &format!("Table: Orari dello sportello\n\n{TABLE}"),
            "it",
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn missing_caption_is_an_error() {
        let d = lint_body("C8", TABLE, "it");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("didascalia"));
        let d = lint_body("C8", &format!("Orari dello sportello\n\n{TABLE}"), "it");
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn empty_header_cell_is_an_error() {
        let d = lint_body(
            "C8",
            "Table: Orari\n\n|  | Orario |\n|---|---|\n| lunedì | 9–12 |\n",
            "it",
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("intestazione vuota"));
        assert_eq!(d[0].line, 8, "{}", d[0]);
    }

    #[test]
    fn single_column_table_is_layout() {
        let d = lint_body("C8", "Table: Voci\n\n| Voce |\n|---|\n| a |\n", "it");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("una sola colonna"));
    }
}
