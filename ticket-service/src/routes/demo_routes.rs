//! `GET /__routes`, served only with `--demo`: the pages an external accessibility suite should
//! visit, with the demo's ids filled in and the demo logins that can open each one.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

use crate::demo::DemoRecords;
use crate::domain::permissions::{self, Action};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;

/// Who may open a page: the roles the permission table allows any of the actions, or a
/// fixed list where the page is scoped to one organisation or institution.
enum Openers {
    Anonymous,
    AnyOf(&'static [Action]),
    Only(&'static [Role]),
}

const REPORT_VIEWERS: &[Action] = &[
    Action::ViewOwnReports,
    Action::ViewAllReports,
    Action::ViewAddressedReports,
];

/// The GET pages, with `{report}`, `{batch}`, `{user}`, `{organisation}` and `{kind}` standing for the
/// demo's ids.
const PAGES: &[(&str, Openers)] = &[
    (paths::LOGIN, Openers::Anonymous),
    (paths::FORGOTTEN_PASSWORD, Openers::Anonymous),
    ("/", Openers::AnyOf(&[Action::ViewDashboard])),
    (paths::PROFILE, Openers::AnyOf(&[Action::ManageOwnAccount])),
    (
        paths::CHANGE_PASSWORD,
        Openers::AnyOf(&[Action::ManageOwnAccount]),
    ),
    (
        paths::OWN_SESSIONS,
        Openers::AnyOf(&[Action::ManageOwnAccount]),
    ),
    (
        paths::NOTIFICATIONS,
        Openers::AnyOf(&[Action::ViewDashboard]),
    ),
    (paths::REPORTS, Openers::AnyOf(REPORT_VIEWERS)),
    (
        "/segnalazioni?ordina=scadenza",
        Openers::AnyOf(REPORT_VIEWERS),
    ),
    (paths::NEW_REPORT, Openers::AnyOf(&[Action::FileReport])),
    (paths::REPORT_SEARCH, Openers::AnyOf(REPORT_VIEWERS)),
    // A search with results, their highlighted words and the filters chosen.
    (
        "/segnalazioni/cerca?parole=permesso&ordina=recenti",
        Openers::AnyOf(REPORT_VIEWERS),
    ),
    (
        paths::APPOINTMENTS,
        Openers::AnyOf(&[Action::BookAppointments]),
    ),
    (
        paths::APPOINTMENTS_DAY,
        Openers::AnyOf(&[Action::ManageAppointments]),
    ),
    // The first kind of appointment, with its first day's times and the booking form.
    (
        "/appuntamenti?tipo={kind}",
        Openers::AnyOf(&[Action::BookAppointments]),
    ),
    (
        paths::APPOINTMENT_KINDS,
        Openers::AnyOf(&[Action::PlanAppointments]),
    ),
    (
        paths::NEW_APPOINTMENT_KIND,
        Openers::AnyOf(&[Action::PlanAppointments]),
    ),
    (
        "/appuntamenti/tipi/{kind}",
        Openers::AnyOf(&[Action::PlanAppointments]),
    ),
    (
        paths::CALENDAR_FEED_PAGE,
        Openers::AnyOf(&[Action::ManageAppointments]),
    ),
    // The demo report was filed by the demo office and is addressed to the Questura.
    (
        "/segnalazioni/{report}",
        Openers::Only(&[
            Role::Office,
            Role::Coordination,
            Role::Liaison,
            Role::Questura,
        ]),
    ),
    (paths::BATCHES, Openers::AnyOf(&[Action::ForwardReports])),
    ("/lotti/{batch}", Openers::AnyOf(&[Action::ForwardReports])),
    (paths::TOPICS, Openers::AnyOf(&[Action::ManageTopics])),
    (paths::NEW_TOPIC, Openers::AnyOf(&[Action::ManageTopics])),
    // The first topic of the migration's list.
    ("/argomenti/1", Openers::AnyOf(&[Action::ManageTopics])),
    (paths::USERS, Openers::AnyOf(&[Action::ManageUsers])),
    (paths::NEW_USER, Openers::AnyOf(&[Action::ManageUsers])),
    (
        "/admin/utenti/{user}",
        Openers::AnyOf(&[Action::ManageUsers]),
    ),
    (
        paths::ORGANISATIONS,
        Openers::AnyOf(&[Action::ViewOrganisations]),
    ),
    (
        paths::NEW_ORGANISATION,
        Openers::AnyOf(&[Action::ManageOrganisations]),
    ),
    // The demo office's organisation, imported: its read-only page.
    (
        "/admin/organizzazioni/{organisation}",
        Openers::AnyOf(&[Action::ManageOrganisations]),
    ),
    (paths::AUDIT, Openers::AnyOf(&[Action::ReadAuditLog])),
    (
        paths::FEEDBACK_LIST,
        Openers::AnyOf(&[Action::ReadFeedback]),
    ),
    (
        paths::FEEDBACK_PAGES,
        Openers::AnyOf(&[Action::ReadFeedback]),
    ),
    (paths::FAQ_DRAFTS, Openers::AnyOf(&[Action::ExportFaq])),
    (
        paths::MONITORING,
        Openers::AnyOf(&[Action::ExportMonitoring]),
    ),
    (paths::READERSHIP, Openers::AnyOf(&[Action::ViewStatistics])),
    (
        paths::REAUTHENTICATION,
        Openers::AnyOf(&[Action::ManageOwnAccount]),
    ),
    (paths::STATISTICS, Openers::AnyOf(&[Action::ViewStatistics])),
    // A period refused: the page with its error summary.
    (
        "/statistiche?dal=2026-05-01&al=2026-04-01",
        Openers::AnyOf(&[Action::ViewStatistics]),
    ),
];

fn logins(openers: &Openers) -> Vec<String> {
    let roles: Vec<Role> = match openers {
        Openers::Anonymous => return Vec::new(),
        Openers::AnyOf(actions) => Role::ALL
            .into_iter()
            .filter(|role| {
                actions
                    .iter()
                    .any(|action| permissions::allows(*role, *action))
            })
            .collect(),
        Openers::Only(roles) => roles.to_vec(),
    };
    roles
        .into_iter()
        .map(|role| format!("demo.{}", role.as_str()))
        .collect()
}

/// A JSON string; the values are our own paths and user names, escaped anyway.
fn json_string(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The listing as JSON: `{"pages": [{"path": …, "logins": [...]}, …]}`; an empty `logins`
/// means the page is for visitors not logged in.
pub fn listing(records: DemoRecords) -> String {
    let entries: Vec<String> = PAGES
        .iter()
        .map(|(path, openers)| {
            let path = path
                .replace("{report}", &records.report_id.to_string())
                .replace("{batch}", &records.batch_id.to_string())
                .replace("{user}", &records.user_id.to_string())
                .replace("{organisation}", &records.organisation_id.to_string())
                .replace("{kind}", &records.appointment_kind.to_string());
            let logins: Vec<String> = logins(openers).iter().map(|l| json_string(l)).collect();
            format!(
                "{{\"path\":{},\"logins\":[{}]}}",
                json_string(&path),
                logins.join(",")
            )
        })
        .collect();
    format!("{{\"pages\":[{}]}}", entries.join(","))
}

pub async fn list(State(state): State<AppState>) -> Result<Response, AppError> {
    let records = state.demo.ok_or(AppError::NotFound)?;
    Ok(([(CONTENT_TYPE, "application/json")], listing(records)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_filled_in_and_logins_follow_the_permission_table() {
        let json = listing(DemoRecords {
            report_id: 5,
            batch_id: 2,
            user_id: 9,
            organisation_id: 4,
            appointment_kind: 3,
        });
        assert!(json.contains(
            "{\"path\":\"/appuntamenti?tipo=3\",\"logins\":[\"demo.sportello\",\"demo.prefettura\"]}"
        ));
        assert!(json.contains("{\"path\":\"/segnalazioni/5\",\"logins\":[\"demo.sportello\",\"demo.coordinamento\",\"demo.interfaccia\",\"demo.questura\"]}"));
        assert!(json.contains(
            "{\"path\":\"/lotti/2\",\"logins\":[\"demo.coordinamento\",\"demo.interfaccia\"]}"
        ));
        assert!(json.contains("{\"path\":\"/login\",\"logins\":[]}"));
        assert!(
            json.contains("{\"path\":\"/admin/organizzazioni/4\",\"logins\":[\"demo.admin\"]}")
        );
        assert!(!json.contains("{report}"));
        assert!(!json.contains("{kind}"));
        assert_eq!(json_string("a\"b\n"), "\"a\\\"b\\u000a\"");
    }
}
