//! Horizontal bar charts as SVG (ACCESSIBILITY.md): `role="img"` with a title and a
//! description, every bar labelled with its name and its value in text, one colour that
//! carries no meaning of its own, and the same figures in a table beside each chart. Only
//! presentation attributes, no inline style, so a page's CSP holds. The statistics page draws
//! them in its template; the monitoring report writes them as files next to its page.

use serde::Serialize;

const WIDTH: u32 = 640;
const BAR_SPACE: f64 = 480.0;
const ROW_HEIGHT: u32 = 46;

/// One item to draw: its label, its value as the table writes it, and the count that sets the
/// bar's length (`None`: written, with no bar).
pub struct Item<'a> {
    pub label: &'a str,
    pub text: String,
    pub count: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: String,
    pub label_y: u32,
    pub bar_y: u32,
    pub width: f64,
    pub value_x: f64,
    pub value_y: u32,
}

#[derive(Debug, Serialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub description: String,
    pub width: u32,
    pub height: u32,
    pub bars: Vec<Bar>,
}

impl Chart {
    /// The chart of `items`, one bar each, the longest for the largest count.
    pub fn new(id: String, title: String, description: String, items: &[Item<'_>]) -> Chart {
        let max = items
            .iter()
            .filter_map(|item| item.count)
            .max()
            .unwrap_or(1)
            .max(1);
        let bars: Vec<Bar> = items
            .iter()
            .zip(0u32..)
            .map(|(item, index)| bar(item, index, max))
            .collect();
        Chart {
            id,
            title,
            description,
            width: WIDTH,
            height: ROW_HEIGHT * bars.len() as u32 + 8,
            bars,
        }
    }

    /// The chart as a standalone SVG file.
    pub fn svg(&self) -> String {
        let id = escape(&self.id);
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" aria-labelledby=\"{id}-titolo {id}-descrizione\">\n  <title id=\"{id}-titolo\">{title}</title>\n  <desc id=\"{id}-descrizione\">{desc}</desc>\n",
            w = self.width,
            h = self.height,
            title = escape(&self.title),
            desc = escape(&self.description),
        );
        for bar in &self.bars {
            out.push_str(&format!(
                "  <text x=\"0\" y=\"{}\" font-family=\"sans-serif\" font-size=\"14\" fill=\"#1a1a1a\">{}</text>\n  <rect x=\"0\" y=\"{}\" width=\"{}\" height=\"18\" fill=\"#0066cc\"/>\n  <text x=\"{}\" y=\"{}\" font-family=\"sans-serif\" font-size=\"14\" fill=\"#1a1a1a\">{}</text>\n",
                bar.label_y,
                escape(&bar.label),
                bar.bar_y,
                bar.width,
                bar.value_x,
                bar.value_y,
                escape(&bar.value),
            ));
        }
        out.push_str("</svg>\n");
        out
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn bar(item: &Item<'_>, index: u32, max: u64) -> Bar {
    let top = index * ROW_HEIGHT;
    let width = item.count.map_or(0.0, |count| {
        (count as f64 / max as f64 * BAR_SPACE).max(1.0)
    });
    Bar {
        label: item.label.to_owned(),
        value: item.text.clone(),
        label_y: top + 16,
        bar_y: top + 22,
        width: (width * 10.0).round() / 10.0,
        value_x: (width + 8.0).round(),
        value_y: top + 38,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_has_its_title_description_and_escaped_labels() {
        let items = [
            Item {
                label: "Casa & lavoro",
                text: "10".into(),
                count: Some(10),
            },
            Item {
                label: "<altro>",
                text: "5".into(),
                count: Some(5),
            },
        ];
        let chart = Chart::new("g-1".into(), "Titolo".into(), "Descrizione".into(), &items);
        assert_eq!(chart.bars[0].width, BAR_SPACE);
        assert_eq!(chart.bars[1].width, BAR_SPACE / 2.0);
        let svg = chart.svg();
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"g-1-titolo\">Titolo</title>"));
        assert!(svg.contains(">Casa &amp; lavoro</text>"));
        assert!(svg.contains(">&lt;altro&gt;</text>"));
        assert!(!svg.contains("style="));
    }
}
