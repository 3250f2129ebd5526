//! `GET /__routes`, served only with `--demo`: the pages an external accessibility suite should
//! visit, with the demo's ids filled in and the demo logins that can open each one.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

use crate::demo::DemoRecords;
use crate::domain::permissions::{self, Action};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::startup::AppState;

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

/// The GET pages, with `{report}`, `{batch}`, `{user}` and `{organisation}` standing for the
/// demo's ids.
const PAGES: &[(&str, Openers)] = &[
    ("/login", Openers::Anonymous),
    ("/password-dimenticata", Openers::Anonymous),
    ("/", Openers::AnyOf(&[Action::ViewDashboard])),
    ("/profilo", Openers::AnyOf(&[Action::ManageOwnAccount])),
    (
        "/profilo/password",
        Openers::AnyOf(&[Action::ManageOwnAccount]),
    ),
    (
        "/profilo/sessioni",
        Openers::AnyOf(&[Action::ManageOwnAccount]),
    ),
    ("/notifiche", Openers::AnyOf(&[Action::ViewDashboard])),
    ("/segnalazioni", Openers::AnyOf(REPORT_VIEWERS)),
    (
        "/segnalazioni?ordina=scadenza",
        Openers::AnyOf(REPORT_VIEWERS),
    ),
    ("/segnalazioni/nuova", Openers::AnyOf(&[Action::FileReport])),
    // The demo report was filed by the demo office and is addressed to the Questura.
    (
        "/segnalazioni/{report}",
        Openers::Only(&[
            Role::Sportello,
            Role::Coordinamento,
            Role::Interfaccia,
            Role::Questura,
        ]),
    ),
    ("/lotti", Openers::AnyOf(&[Action::ForwardReports])),
    ("/lotti/{batch}", Openers::AnyOf(&[Action::ForwardReports])),
    ("/argomenti", Openers::AnyOf(&[Action::ManageTopics])),
    ("/argomenti/nuovo", Openers::AnyOf(&[Action::ManageTopics])),
    // The first topic of the migration's list.
    ("/argomenti/1", Openers::AnyOf(&[Action::ManageTopics])),
    ("/admin/utenti", Openers::AnyOf(&[Action::ManageUsers])),
    (
        "/admin/utenti/nuovo",
        Openers::AnyOf(&[Action::ManageUsers]),
    ),
    (
        "/admin/utenti/{user}",
        Openers::AnyOf(&[Action::ManageUsers]),
    ),
    (
        "/admin/organizzazioni",
        Openers::AnyOf(&[Action::ViewOrganisations]),
    ),
    (
        "/admin/organizzazioni/nuova",
        Openers::AnyOf(&[Action::ManageOrganisations]),
    ),
    // The demo office's organisation, imported: its read-only page.
    (
        "/admin/organizzazioni/{organisation}",
        Openers::AnyOf(&[Action::ManageOrganisations]),
    ),
    ("/admin/audit", Openers::AnyOf(&[Action::ReadAuditLog])),
    (
        "/conferma-identita",
        Openers::AnyOf(&[Action::ManageOwnAccount]),
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
                .replace("{organisation}", &records.organisation_id.to_string());
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
        });
        assert!(json.contains("{\"path\":\"/segnalazioni/5\",\"logins\":[\"demo.sportello\",\"demo.coordinamento\",\"demo.interfaccia\",\"demo.questura\"]}"));
        assert!(json.contains(
            "{\"path\":\"/lotti/2\",\"logins\":[\"demo.coordinamento\",\"demo.interfaccia\"]}"
        ));
        assert!(json.contains("{\"path\":\"/login\",\"logins\":[]}"));
        assert!(
            json.contains("{\"path\":\"/admin/organizzazioni/4\",\"logins\":[\"demo.admin\"]}")
        );
        assert!(!json.contains("{report}"));
        assert_eq!(json_string("a\"b\n"), "\"a\\\"b\\u000a\"");
    }
}
