//! The service's tera templates, compiled into the binary, and the context every page shares.

use axum::response::Html;
use serde::Serialize;
use tera::{Context, Tera};

use crate::config::SiteInfo;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;

const TEMPLATES: &[(&str, &str)] = &[
    (
        "components.html",
        include_str!("../templates/components.html"),
    ),
    ("base.html", include_str!("../templates/base.html")),
    ("error.html", include_str!("../templates/error.html")),
    (
        "forgotten_password.html",
        include_str!("../templates/forgotten_password.html"),
    ),
    (
        "set_password.html",
        include_str!("../templates/set_password.html"),
    ),
    ("login.html", include_str!("../templates/login.html")),
    (
        "login_code.html",
        include_str!("../templates/login_code.html"),
    ),
    (
        "second_factor.html",
        include_str!("../templates/second_factor.html"),
    ),
    (
        "dashboard.html",
        include_str!("../templates/dashboard.html"),
    ),
    ("profile.html", include_str!("../templates/profile.html")),
    ("password.html", include_str!("../templates/password.html")),
    (
        "reauthenticate.html",
        include_str!("../templates/reauthenticate.html"),
    ),
    ("sessions.html", include_str!("../templates/sessions.html")),
    ("topics.html", include_str!("../templates/topics.html")),
    (
        "faq_candidates.html",
        include_str!("../templates/faq_candidates.html"),
    ),
    (
        "faq_draft.html",
        include_str!("../templates/faq_draft.html"),
    ),
    (
        "readership.html",
        include_str!("../templates/readership.html"),
    ),
    (
        "monitoring.html",
        include_str!("../templates/monitoring.html"),
    ),
    (
        "faq_exported.html",
        include_str!("../templates/faq_exported.html"),
    ),
    (
        "topic_form.html",
        include_str!("../templates/topic_form.html"),
    ),
    ("users.html", include_str!("../templates/users.html")),
    ("user.html", include_str!("../templates/user.html")),
    ("user_new.html", include_str!("../templates/user_new.html")),
    (
        "user_created.html",
        include_str!("../templates/user_created.html"),
    ),
    (
        "organisations.html",
        include_str!("../templates/organisations.html"),
    ),
    (
        "organisation.html",
        include_str!("../templates/organisation.html"),
    ),
    (
        "organisation_form.html",
        include_str!("../templates/organisation_form.html"),
    ),
    ("audit.html", include_str!("../templates/audit.html")),
    ("reports.html", include_str!("../templates/reports.html")),
    (
        "report_search.html",
        include_str!("../templates/report_search.html"),
    ),
    ("report.html", include_str!("../templates/report.html")),
    (
        "appointments.html",
        include_str!("../templates/appointments.html"),
    ),
    (
        "appointment_review.html",
        include_str!("../templates/appointment_review.html"),
    ),
    (
        "appointment.html",
        include_str!("../templates/appointment.html"),
    ),
    (
        "appointments_day.html",
        include_str!("../templates/appointments_day.html"),
    ),
    (
        "report_new.html",
        include_str!("../templates/report_new.html"),
    ),
    (
        "report_review.html",
        include_str!("../templates/report_review.html"),
    ),
    (
        "report_already_filed.html",
        include_str!("../templates/report_already_filed.html"),
    ),
    ("batches.html", include_str!("../templates/batches.html")),
    ("batch.html", include_str!("../templates/batch.html")),
    (
        "notifications.html",
        include_str!("../templates/notifications.html"),
    ),
    (
        "feedback_sent.html",
        include_str!("../templates/feedback_sent.html"),
    ),
    (
        "feedback_form.html",
        include_str!("../templates/feedback_form.html"),
    ),
    (
        "feedback_list.html",
        include_str!("../templates/feedback_list.html"),
    ),
    (
        "feedback_pages.html",
        include_str!("../templates/feedback_pages.html"),
    ),
    (
        "appointment_kinds.html",
        include_str!("../templates/appointment_kinds.html"),
    ),
    (
        "appointment_kind_form.html",
        include_str!("../templates/appointment_kind_form.html"),
    ),
    (
        "appointment_kind_review.html",
        include_str!("../templates/appointment_kind_review.html"),
    ),
    (
        "booking_move.html",
        include_str!("../templates/booking_move.html"),
    ),
    (
        "booking_move_review.html",
        include_str!("../templates/booking_move_review.html"),
    ),
    (
        "calendar_feed.html",
        include_str!("../templates/calendar_feed.html"),
    ),
    (
        "statistics.html",
        include_str!("../templates/statistics.html"),
    ),
];

/// The compiled templates. Tera escapes every value in `.html` templates.
pub struct Templates {
    tera: Tera,
}

impl Templates {
    pub fn load() -> Result<Self, tera::Error> {
        let mut tera = Tera::new();
        tera.add_raw_templates(TEMPLATES.iter().copied())?;
        Ok(Templates { tera })
    }

    pub fn render(&self, name: &str, context: &Context) -> Result<String, tera::Error> {
        self.tera.render(name, context)
    }
}

#[derive(Serialize)]
struct UserSummary<'a> {
    username: &'a str,
    display_name: &'a str,
    role_label: &'static str,
    organisation_name: &'a str,
    unread_notifications: i64,
}

#[derive(Serialize)]
struct NavItem {
    label: &'static str,
    url: &'static str,
    current: bool,
}

/// The main menu: each entry appears for roles the permission table allows any of its actions.
const MENU: &[(&str, &str, &[Action])] = &[
    ("Pagina iniziale", "/", &[Action::ViewDashboard]),
    (
        "Segnalazioni",
        paths::REPORTS,
        &[
            Action::ViewOwnReports,
            Action::ViewAllReports,
            Action::ViewAddressedReports,
        ],
    ),
    (
        "Cerca nelle segnalazioni",
        paths::REPORT_SEARCH,
        &[
            Action::ViewOwnReports,
            Action::ViewAllReports,
            Action::ViewAddressedReports,
        ],
    ),
    (
        "Nuova segnalazione",
        paths::NEW_REPORT,
        &[Action::FileReport],
    ),
    ("Lotti", paths::BATCHES, &[Action::ForwardReports]),
    ("Argomenti", paths::TOPICS, &[Action::ManageTopics]),
    ("Bozze delle FAQ", paths::FAQ_DRAFTS, &[Action::ExportFaq]),
    ("Profilo", paths::PROFILE, &[Action::ManageOwnAccount]),
    ("Utenti", paths::USERS, &[Action::ManageUsers]),
    (
        "Organizzazioni",
        paths::ORGANISATIONS,
        &[Action::ViewOrganisations],
    ),
    (
        "Registro di sicurezza",
        paths::AUDIT,
        &[Action::ReadAuditLog],
    ),
    ("Riscontri", paths::FEEDBACK_LIST, &[Action::ReadFeedback]),
    ("Statistiche", paths::STATISTICS, &[Action::ViewStatistics]),
    (
        "Letture del portale",
        paths::READERSHIP,
        &[Action::ViewStatistics],
    ),
    (
        "Monitoraggio",
        paths::MONITORING,
        &[Action::ExportMonitoring],
    ),
];

fn is_current(url: &str, path: &str) -> bool {
    if url == "/" {
        return path == "/";
    }
    // The new-report page has its own entry, so the list is not current there.
    if url == paths::REPORTS && (path == paths::NEW_REPORT || path == paths::REPORT_SEARCH) {
        return false;
    }
    path == url || path.starts_with(&format!("{url}/"))
}

/// Where a page finds the site's details and the templates: the application state, or in a
/// test any value that has them.
pub trait PageSource {
    fn site(&self) -> &SiteInfo;
    fn templates(&self) -> &Templates;
}

/// The logged-in person a page is for, as far as the header and the menu need to know.
pub trait Viewer {
    fn username(&self) -> &str;
    fn display_name(&self) -> &str;
    fn role_label(&self) -> &'static str;
    fn organisation_name(&self) -> &str;
    fn unread_notifications(&self) -> i64;
    /// The session's CSRF token, for the logout form.
    fn csrf_token(&self) -> &str;
    fn can(&self, action: Action) -> bool;
}

/// A page being prepared: the shared context plus what the handler adds.
pub struct Page {
    context: Context,
}

impl Page {
    /// A page for a logged-in user, with the menu, the logout form and its CSRF token.
    pub fn for_user(
        state: &impl PageSource,
        principal: &impl Viewer,
        title: &str,
        path: &str,
    ) -> Self {
        let mut page = Page::base(state, title, Some(principal.csrf_token()));
        page.context.insert(
            "user",
            &UserSummary {
                username: principal.username(),
                display_name: principal.display_name(),
                role_label: principal.role_label(),
                organisation_name: principal.organisation_name(),
                unread_notifications: principal.unread_notifications(),
            },
        );
        let nav: Vec<NavItem> = MENU
            .iter()
            .filter(|(_, _, actions)| actions.iter().any(|action| principal.can(*action)))
            .map(|(label, url, _)| NavItem {
                label,
                url,
                current: is_current(url, path),
            })
            .collect();
        page.context.insert("nav", &nav);
        page
    }

    /// A page for someone not logged in (the login form, error pages).
    pub fn anonymous(state: &impl PageSource, title: &str, csrf: Option<&str>) -> Self {
        Page::base(state, title, csrf)
    }

    fn base(state: &impl PageSource, title: &str, csrf: Option<&str>) -> Self {
        let mut context = Context::new();
        context.insert("site", state.site());
        context.insert("page_title", title);
        context.insert("csrf", &csrf);
        context.insert("user", &None::<()>);
        context.insert("nav", &Vec::<NavItem>::new());
        context.insert("errors", &FormErrors::default());
        context.insert("status_message", &None::<String>);
        Page { context }
    }

    pub fn with(mut self, key: &'static str, value: &impl Serialize) -> Self {
        self.context.insert(key, value);
        self
    }

    pub fn errors(self, errors: &FormErrors) -> Self {
        self.with("errors", errors)
    }

    pub fn status_message(self, message: &str) -> Self {
        self.with("status_message", &Some(message))
    }

    /// Shows the message of a form's outcome, when there is one.
    pub fn outcome(self, message: Option<&str>) -> Self {
        match message {
            Some(message) => self.status_message(message),
            None => self,
        }
    }

    pub fn render(self, state: &impl PageSource, template: &str) -> Result<Html<String>, AppError> {
        Ok(Html(state.templates().render(template, &self.context)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles() {
        Templates::load().unwrap();
    }

    #[test]
    fn the_current_menu_entry_matches_sub_pages_but_not_siblings() {
        assert!(is_current("/", "/"));
        assert!(!is_current("/", "/profilo"));
        assert!(is_current("/admin/utenti", "/admin/utenti/nuovo"));
        assert!(!is_current("/admin/utenti", "/admin/utentix"));
        assert!(is_current("/segnalazioni", "/segnalazioni/3"));
        assert!(!is_current("/segnalazioni", "/segnalazioni/nuova"));
    }
}
