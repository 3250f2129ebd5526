//! The offices' directory: weekly opening hours per territorial area, against the area's
//! foreign residents. Hours per 1,000 foreign residents is the figure the network uses to
//! decide where to extend opening hours.

use serde::Serialize;

use crate::inputs::Inputs;
use respi_markdown::escape_html;
use respi_sources::config::Config;
use respi_sources::frontmatter::Office;
use respi_sources::library::PageId;

/// Weekly opening hours of an office, in minutes.
pub fn weekly_minutes(office: &Office) -> u32 {
    office
        .hours
        .iter()
        .map(|h| u32::from(h.close.minutes.saturating_sub(h.open.minutes)) * h.days.len() as u32)
        .sum()
}

/// One area's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaFigures {
    pub id: String,
    pub name: String,
    pub foreign_residents: u64,
    pub offices: usize,
    pub weekly_minutes: u32,
}

impl AreaFigures {
    pub fn weekly_hours(&self) -> f64 {
        f64::from(self.weekly_minutes) / 60.0
    }

    /// None when the residents are not known (zero).
    pub fn hours_per_thousand(&self) -> Option<f64> {
        (self.foreign_residents > 0)
            .then(|| self.weekly_hours() * 1000.0 / self.foreign_residents as f64)
    }
}

/// Figures for every area of site.toml, in its order, from the offices given.
pub fn area_figures<'a>(
    config: &Config,
    offices: impl IntoIterator<Item = &'a Office>,
) -> Vec<AreaFigures> {
    let mut figures: Vec<AreaFigures> = config
        .areas
        .iter()
        .map(|a| AreaFigures {
            id: a.id.clone(),
            name: a.name.clone(),
            foreign_residents: a.foreign_residents,
            offices: 0,
            weekly_minutes: 0,
        })
        .collect();
    for office in offices {
        if let Some(f) = figures.iter_mut().find(|f| f.id == office.area) {
            f.offices += 1;
            f.weekly_minutes += weekly_minutes(office);
        }
    }
    figures
}

/// A number with an Italian decimal comma and `decimals` digits.
pub fn italian_number(value: f64, decimals: usize) -> String {
    let s = format!("{value:.decimals$}");
    let (int, frac) = s
        .split_once('.')
        .map(|(i, f)| (i.to_string(), Some(f.to_string())))
        .unwrap_or((s.clone(), None));
    let digits: Vec<char> = int.chars().collect();
    let mut grouped = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) && *c != '-' && digits[i - 1] != '-' {
            grouped.push('.');
        }
        grouped.push(*c);
    }
    match frac {
        Some(f) => format!("{grouped},{f}"),
        None => grouped,
    }
}

/// A horizontal bar chart of hours per 1,000 foreign residents, as accessible inline SVG:
/// `role="img"` with a title and a description that states every value.
pub fn chart_svg(figures: &[AreaFigures], title: &str, id: &str) -> String {
    let rows: Vec<(&AreaFigures, f64)> = figures
        .iter()
        .filter_map(|f| f.hours_per_thousand().map(|v| (f, v)))
        .collect();
    let max = rows
        .iter()
        .map(|(_, v)| *v)
        .fold(0.0_f64, f64::max)
        .max(0.01);
    let (label_w, bar_w, row_h) = (230.0, 300.0, 36.0);
    let width = label_w + bar_w + 70.0;
    let height = row_h * rows.len() as f64 + 10.0;
    let desc: Vec<String> = rows
        .iter()
        .map(|(f, v)| {
            format!(
                "{}: {} ore settimanali ogni 1.000 residenti stranieri",
                f.name,
                italian_number(*v, 2)
            )
        })
        .collect();
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape_html(title),
        escape_html(&desc.join("; "))
    );
    for (i, (f, v)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let w = (v / max * bar_w).max(1.0);
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"chart__label\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" class=\"chart__bar\"/><text x=\"{:.1}\" y=\"{}\" class=\"chart__value\">{}</text>",
            label_w - 8.0,
            y + row_h * 0.6,
            escape_html(&f.name),
            row_h * 0.7,
            label_w + w + 6.0,
            y + row_h * 0.6,
            italian_number(*v, 2)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The `directory` of a section whose pages include offices: the table of areas, the chart.
#[derive(Serialize)]
pub struct Directory {
    pub areas: Vec<AreaRow>,
    pub total: Totals,
    pub chart_svg: String,
}

/// One area in the directory, with its offices.
#[derive(Serialize)]
pub struct AreaRow {
    pub id: String,
    pub name: String,
    pub foreign_residents: String,
    pub offices_count: usize,
    pub weekly_hours: String,
    pub hours_per_thousand: Option<String>,
    pub offices: Vec<OfficeEntry>,
}

/// The figures of every area together.
#[derive(Serialize)]
pub struct Totals {
    pub foreign_residents: String,
    pub offices_count: usize,
    pub weekly_hours: String,
    pub hours_per_thousand: Option<String>,
}

/// An office in its area's list.
#[derive(Serialize, Clone)]
pub struct OfficeEntry {
    pub title: String,
    pub url: String,
    pub owner: String,
    pub address: String,
    pub weekly_hours: String,
}

/// The directory of the offices among `pages`, grouped by area, with the per-area figures.
pub fn directory(inputs: &Inputs<'_>, pages: &[PageId], lang: &str) -> Directory {
    let lib = inputs.library;
    let offices: Vec<(PageId, &Office)> = pages
        .iter()
        .filter_map(|&id| lib.pages[id].fm.office.as_ref().map(|o| (id, o)))
        .collect();
    let figures = area_figures(inputs.config, offices.iter().map(|(_, o)| *o));
    let by_area: Vec<(String, Vec<OfficeEntry>)> = figures
        .iter()
        .map(|f| {
            let list = offices
                .iter()
                .filter(|(_, o)| o.area == f.id)
                .map(|(id, o)| OfficeEntry {
                    title: lib.pages[*id].title.clone(),
                    url: inputs.url(&lib.pages[*id].path),
                    owner: o.owner.clone(),
                    address: o.address.clone(),
                    weekly_hours: italian_number(f64::from(weekly_minutes(o)) / 60.0, 1),
                })
                .collect();
            (f.id.clone(), list)
        })
        .collect();
    context(
        inputs.config,
        &figures,
        &by_area,
        &inputs.t(lang, "directory_caption"),
    )
}

/// The directory of `figures`, with the offices of each area.
pub fn context(
    config: &Config,
    figures: &[AreaFigures],
    offices_by_area: &[(String, Vec<OfficeEntry>)],
    chart_title: &str,
) -> Directory {
    let areas = figures
        .iter()
        .map(|f| {
            let offices = offices_by_area
                .iter()
                .find(|(id, _)| *id == f.id)
                .map(|(_, o)| o.clone())
                .unwrap_or_default();
            AreaRow {
                id: f.id.clone(),
                name: f.name.clone(),
                foreign_residents: italian_number(f.foreign_residents as f64, 0),
                offices_count: f.offices,
                weekly_hours: italian_number(f.weekly_hours(), 1),
                hours_per_thousand: f.hours_per_thousand().map(|v| italian_number(v, 2)),
                offices,
            }
        })
        .collect();
    let total_minutes: u32 = figures.iter().map(|f| f.weekly_minutes).sum();
    let total_residents: u64 = config.areas.iter().map(|a| a.foreign_residents).sum();
    let total = AreaFigures {
        id: String::new(),
        name: String::new(),
        foreign_residents: total_residents,
        offices: figures.iter().map(|f| f.offices).sum(),
        weekly_minutes: total_minutes,
    };
    Directory {
        areas,
        total: Totals {
            foreign_residents: italian_number(total_residents as f64, 0),
            offices_count: total.offices,
            weekly_hours: italian_number(total.weekly_hours(), 1),
            hours_per_thousand: total.hours_per_thousand().map(|v| italian_number(v, 2)),
        },
        chart_svg: chart_svg(figures, chart_title, "grafico-bacini"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_numbers() {
        assert_eq!(italian_number(14800.0, 0), "14.800");
        assert_eq!(italian_number(2.5, 2), "2,50");
        assert_eq!(italian_number(1234567.891, 1), "1.234.567,9");
        assert_eq!(italian_number(12.0, 1), "12,0");
    }
}
