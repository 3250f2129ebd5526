//! The listings of the wider network's services: all of them by area, those of one kind by
//! area, those of one area by kind.

use serde::Serialize;

use crate::context::Output;
use crate::inputs::Inputs;
use crate::jobs::NetworkView;
use crate::values::{FacetLink, Frame};
use respi_sources::network::{self, Network, Service};

/// The context of `services.html`.
#[derive(Serialize)]
pub struct ServicesContext<'a> {
    #[serde(flatten)]
    pub frame: Frame,
    pub services: Services<'a>,
}

#[derive(Serialize)]
pub struct Services<'a> {
    pub title: String,
    /// The number of services of the whole network.
    pub total: usize,
    pub groups: Vec<ServiceGroup<'a>>,
    pub kinds: Vec<FacetLink>,
    pub areas: Vec<FacetLink>,
    pub all_url: String,
    pub is_all: bool,
    pub csv_url: String,
    pub json_url: String,
}

/// The services of one area (or one kind), under a heading.
#[derive(Serialize)]
pub struct ServiceGroup<'a> {
    pub heading: String,
    pub anchor: String,
    pub entries: Vec<ServiceEntry<'a>>,
}

#[derive(Serialize)]
pub struct ServiceEntry<'a> {
    pub name: &'a str,
    /// The kind as readers see it.
    pub kind: &'a str,
    /// The area's name.
    pub area: String,
    pub municipality: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub website: &'a str,
}

/// The output of a listing of the network.
pub fn output<'a>(inputs: &'a Inputs<'_>, view: &NetworkView) -> Output<ServicesContext<'a>> {
    let lib = inputs.library;
    let lang = inputs.config.default_language.clone();
    let network = inputs
        .network
        .expect("network jobs exist only with a network");
    let all_title = inputs.t(&lang, "network_title");
    let mut crumbs = inputs.home_crumbs(&lang);
    let folder = network.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    if !folder.is_empty()
        && let Some(sid) = lib.section(folder, &lang)
    {
        crumbs.push((
            lib.pages[sid].title.clone(),
            inputs.url(&lib.pages[sid].path),
        ));
    }
    let all_path = inputs.network_path(&NetworkView::All);
    crumbs.push((all_title.clone(), inputs.url(&all_path)));
    let heading = match view {
        NetworkView::All => all_title.clone(),
        NetworkView::Kind(k) => format!("{all_title}: {}", network::kind_label(k)),
        NetworkView::Area(a) => {
            let area = inputs.config.area(a).map(|x| x.name.as_str()).unwrap_or(a);
            format!("{all_title}: {area}")
        }
    };
    let path = inputs.network_path(view);
    if !matches!(view, NetworkView::All) {
        crumbs.push((heading.clone(), inputs.url(&path)));
    }
    let title = inputs.full_title(&heading, None);
    let context = ServicesContext {
        frame: inputs.listing_frame(&title, &path, &lang, &crumbs),
        services: services(inputs, network, view, heading),
    };
    Output {
        template: "services.html".into(),
        lang,
        context,
    }
}

fn services<'a>(
    inputs: &'a Inputs<'_>,
    network: &'a Network,
    view: &NetworkView,
    heading: String,
) -> Services<'a> {
    let kinds = network
        .grouped(|s| &s.kind)
        .into_iter()
        .map(|(k, list)| {
            let v = NetworkView::Kind(k.clone());
            FacetLink {
                label: network::kind_label(&k).to_string(),
                url: inputs.url(&inputs.network_path(&v)),
                count: list.len(),
                current: *view == v,
            }
        })
        .collect();
    let areas = inputs
        .config
        .areas
        .iter()
        .filter_map(|a| {
            let count = network.services.iter().filter(|s| s.area == a.id).count();
            let v = NetworkView::Area(a.id.clone());
            (count > 0).then(|| FacetLink {
                label: a.name.clone(),
                url: inputs.url(&inputs.network_path(&v)),
                count,
                current: *view == v,
            })
        })
        .collect();
    let base = network.base_path();
    Services {
        title: heading,
        total: network.services.len(),
        groups: groups(inputs, network, view),
        kinds,
        areas,
        all_url: inputs.url(&base),
        is_all: *view == NetworkView::All,
        csv_url: inputs.url(&network.rel),
        json_url: inputs.url(&format!("{}.json", base.trim_end_matches('/'))),
    }
}

/// The full list and the lists of one kind are grouped by area; the lists of one area by kind.
fn groups<'a>(
    inputs: &'a Inputs<'_>,
    network: &'a Network,
    view: &NetworkView,
) -> Vec<ServiceGroup<'a>> {
    let entry = |s: &'a Service| ServiceEntry {
        name: &s.name,
        kind: network::kind_label(&s.kind),
        area: inputs
            .config
            .area(&s.area)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| s.area.clone()),
        municipality: &s.municipality,
        address: &s.address,
        phone: &s.phone,
        email: &s.email,
        website: &s.website,
    };
    match view {
        NetworkView::Area(a) => network
            .grouped(|s| &s.kind)
            .into_iter()
            .filter_map(|(k, list)| {
                let list: Vec<ServiceEntry<'a>> = list
                    .into_iter()
                    .filter(|s| &s.area == a)
                    .map(entry)
                    .collect();
                (!list.is_empty()).then(|| ServiceGroup {
                    heading: network::kind_label(&k).to_string(),
                    anchor: slug::slugify(&k),
                    entries: list,
                })
            })
            .collect(),
        _ => inputs
            .config
            .areas
            .iter()
            .filter_map(|area| {
                let list: Vec<ServiceEntry<'a>> = network
                    .services
                    .iter()
                    .filter(|s| s.area == area.id)
                    .filter(|s| match view {
                        NetworkView::Kind(k) => &s.kind == k,
                        _ => true,
                    })
                    .map(entry)
                    .collect();
                (!list.is_empty()).then(|| ServiceGroup {
                    heading: area.name.clone(),
                    anchor: slug::slugify(&area.id),
                    entries: list,
                })
            })
            .collect(),
    }
}
