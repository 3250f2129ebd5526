//! `GET /segnalazioni/cerca`: search by words and filters, with an address to bookmark;
//! `POST /segnalazioni/cerca/persona`: search by a citizen's name or fiscal code, which never
//! enters an address or a log. The use cases are in `app::reports::search`.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::app::reports::search::{self, PAGE_SIZE, SearchInput, SearchOutcome};
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::db::search_source::FilterChoice;
use crate::domain::report::ReportState;
use crate::domain::report_fields::office_choices;
use crate::domain::search::{SearchOrder, SearchRequest};
use crate::domain::urgency::UrgencyCode;
use crate::error::AppError;
use crate::pagination::{self, PageLinks};
use crate::paths;
use crate::routes::reports::ReportView;
use crate::search::Fragment;
use crate::state::AppState;
use crate::templates::Page;

/// The fields of the GET form, named as the address shows them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    parole: String,
    stato: String,
    urgenza: String,
    argomento: String,
    organizzazione: String,
    bacino: String,
    ufficio: String,
    dal: String,
    al: String,
    ordina: String,
    pagina: String,
}

/// The POST form: the citizen's words only.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CitizenForm {
    persona: String,
}

impl SearchQuery {
    fn input(self) -> SearchInput {
        SearchInput {
            words: self.parole,
            citizen: None,
            state: self.stato,
            urgency: self.urgenza,
            topic: self.argomento,
            organisation: self.organizzazione,
            area: self.bacino,
            addressed_office: self.ufficio,
            from: self.dal,
            to: self.al,
            order: self.ordina,
            page: self.pagina,
        }
    }
}

pub async fn search(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let outcome = search::search(&state, &principal, query.input()).await?;
    render(&state, &principal, outcome, false)
}

pub async fn search_citizen(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(form): CsrfForm<CitizenForm>,
) -> Result<Response, AppError> {
    let input = SearchInput {
        citizen: Some(form.persona),
        ..SearchInput::default()
    };
    let outcome = search::search_citizen(&state, &principal, input).await?;
    render(&state, &principal, outcome, true)
}

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

fn choice(value: &str, label: &str) -> Choice {
    Choice {
        value: value.to_owned(),
        label: label.to_owned(),
    }
}

#[derive(Serialize)]
struct FoundView {
    #[serde(flatten)]
    report: ReportView,
    fragments: Vec<Fragment>,
}

/// The values of the GET form as typed, to fill it again and to keep them in the links.
fn kept(request: &SearchRequest) -> Vec<(&'static str, String)> {
    let f = &request.filters;
    let text = |value: Option<String>| value.unwrap_or_default();
    vec![
        ("parole", request.words.clone()),
        ("stato", text(f.state.map(|s| s.as_str().to_owned()))),
        ("urgenza", text(f.urgency.clone())),
        ("argomento", text(f.topic.map(|t| t.to_string()))),
        (
            "organizzazione",
            text(f.organisation.map(|o| o.to_string())),
        ),
        ("bacino", text(f.area.clone())),
        ("ufficio", text(f.addressed_office.map(str::to_owned))),
        ("dal", text(f.from.map(|d| d.to_string()))),
        ("al", text(f.to.map(|d| d.to_string()))),
        // Relevance is the form's empty choice, and no word in the address.
        (
            "ordina",
            match request.order {
                SearchOrder::Relevance => String::new(),
                order => order.as_str().to_owned(),
            },
        ),
    ]
}

/// The choices of the filters; filers and areas only for who sees more than one organisation.
#[derive(Serialize)]
struct Choices<'a> {
    states: Vec<Choice>,
    urgencies: Vec<Choice>,
    offices: Vec<Choice>,
    orders: Vec<Choice>,
    topics: &'a [FilterChoice],
    organisations: &'a [FilterChoice],
    areas: Vec<Choice>,
}

fn choices<'a>(state: &AppState, outcome: &'a SearchOutcome) -> Choices<'a> {
    let area_name = |id: &String| {
        let area = state.site.areas.iter().find(|area| &area.id == id);
        choice(id, area.map_or(id.as_str(), |area| area.name.as_str()))
    };
    let urgency = |u: &UrgencyCode| choice(&u.code, &format!("{} – {}", u.code, u.label));
    Choices {
        states: ReportState::ALL
            .iter()
            .map(|s| choice(s.as_str(), s.label()))
            .collect(),
        urgencies: state.settings.reports.urgency.iter().map(urgency).collect(),
        offices: office_choices()
            .iter()
            .map(|c| choice(c.value, c.label))
            .collect(),
        orders: SearchOrder::ALL
            .iter()
            .filter(|o| **o != SearchOrder::Relevance)
            .map(|o| choice(o.as_str(), o.label()))
            .collect(),
        topics: &outcome.topics,
        organisations: &outcome.organisations,
        areas: outcome.areas.iter().map(area_name).collect(),
    }
}

fn render(
    state: &AppState,
    principal: &Principal,
    mut outcome: SearchOutcome,
    by_citizen: bool,
) -> Result<Response, AppError> {
    let today = state.clock.today();
    let values = kept(&outcome.request);
    let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // Results of the POST form have no address to page through: they stay on one page.
    let pages = outcome.total.filter(|_| !by_citizen).map(|total| {
        let shown = outcome.found.len();
        PageLinks::counted(
            paths::REPORT_SEARCH,
            &pairs,
            outcome.request.page,
            PAGE_SIZE,
            total,
            shown,
        )
    });
    let found: Vec<FoundView> = std::mem::take(&mut outcome.found)
        .into_iter()
        .map(|found| FoundView {
            report: ReportView::new(found.report, &state.settings.reports, today),
            fragments: found.fragments,
        })
        .collect();
    let form: BTreeMap<&str, &str> = pairs.iter().copied().collect();
    let status = if outcome.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let html: Html<String> = Page::for_user(
        state,
        principal,
        "Cerca nelle segnalazioni",
        paths::REPORT_SEARCH,
    )
    .with("form", &form)
    .with("choices", &choices(state, &outcome))
    .with("total", &outcome.total)
    .with("found", &found)
    .with("pages", &pages)
    .with("by_citizen", &by_citizen)
    .with("citizen_form", &outcome.citizen_form)
    .with("bookmark", &pagination::url(paths::REPORT_SEARCH, &pairs))
    .errors(&outcome.errors)
    .render(state, "report_search.html")?;
    Ok((status, html).into_response())
}
