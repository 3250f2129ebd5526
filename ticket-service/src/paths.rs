//! Every address of the reserved area, once: the route table reads the patterns, handlers and
//! templates' contexts build links and redirects with the functions. Addresses stay in Italian,
//! as people read them; the names here are English.

use crate::domain::account_link::LinkPurpose;

pub const HOME: &str = "/";
pub const HEALTH: &str = "/healthz";
pub const READY: &str = "/readyz";
pub const ROUTE_LIST: &str = "/__routes";
pub const STYLESHEET: &str = "/assets/tickets.css";
pub const STATIC: &str = "/static";

pub const LOGIN: &str = "/login";
pub const LOGIN_CODE: &str = "/login/codice";
pub const LOGOUT: &str = "/logout";
pub const FORGOTTEN_PASSWORD: &str = "/password-dimenticata";
/// The prefix of activation links; the secret token follows it.
pub const ACTIVATION_PREFIX: &str = "/attiva/";
pub const ACTIVATION: &str = "/attiva/{token}";
/// The prefix of password reset links; the secret token follows it.
pub const RESET_PREFIX: &str = "/reimposta/";
pub const RESET: &str = "/reimposta/{token}";
/// The page where the password (and code) is typed again before an export.
pub const REAUTHENTICATION: &str = "/conferma-identita";

pub const PROFILE: &str = "/profilo";
/// The page where a user with a temporary password must go before anything else.
pub const CHANGE_PASSWORD: &str = "/profilo/password";
pub const MAIL_CHOICE: &str = "/profilo/notifiche";
pub const OWN_SESSIONS: &str = "/profilo/sessioni";
pub const END_OTHER_SESSIONS: &str = "/profilo/sessioni/termina-altre";
pub const END_SESSION: &str = "/profilo/sessioni/{number}/termina";
/// The page where a user whose role requires a second factor sets it up.
pub const SECOND_FACTOR: &str = "/profilo/verifica";
pub const REPLACE_SECOND_FACTOR: &str = "/profilo/verifica/sostituisci";

pub const USERS: &str = "/admin/utenti";
pub const NEW_USER: &str = "/admin/utenti/nuovo";
pub const USER: &str = "/admin/utenti/{id}";
pub const USER_ROLE: &str = "/admin/utenti/{id}/ruolo";
pub const USER_DISABLE: &str = "/admin/utenti/{id}/disattiva";
pub const USER_LINK: &str = "/admin/utenti/{id}/collegamento";
pub const ORGANISATIONS: &str = "/admin/organizzazioni";
pub const NEW_ORGANISATION: &str = "/admin/organizzazioni/nuova";
pub const ORGANISATION: &str = "/admin/organizzazioni/{id}";
pub const AUDIT: &str = "/admin/audit";
pub const AUDIT_EXPORT: &str = "/admin/audit/esporta";

pub const REPORTS: &str = "/segnalazioni";
pub const NEW_REPORT: &str = "/segnalazioni/nuova";
pub const CONFIRM_REPORT: &str = "/segnalazioni/conferma";
/// Search by words and filters: a GET form, so results have an address to bookmark.
pub const REPORT_SEARCH: &str = "/segnalazioni/cerca";
/// Search by a citizen's name or fiscal code: a POST form, so they never enter an address.
pub const REPORT_SEARCH_CITIZEN: &str = "/segnalazioni/cerca/persona";
pub const REPORT: &str = "/segnalazioni/{id}";
pub const REPORT_ACTION: &str = "/segnalazioni/{id}/azione";
pub const REPORT_NOTE: &str = "/segnalazioni/{id}/nota";
pub const REPORT_TOPIC: &str = "/segnalazioni/{id}/argomento";
pub const REPORT_ATTACHMENTS: &str = "/segnalazioni/{id}/allegati";
pub const REPORT_ATTACHMENT: &str = "/segnalazioni/{id}/allegati/{attachment}";
/// The answered reports the coordination turns into FAQ drafts of the portal.
pub const FAQ_DRAFTS: &str = "/faq";
pub const FAQ_DRAFT: &str = "/faq/bozza";
pub const FAQ_EXPORT: &str = "/faq/esporta";
/// The monitoring reports the coordination writes into the portal.
pub const MONITORING: &str = "/monitoraggio";
pub const BATCHES: &str = "/lotti";
pub const BATCH: &str = "/lotti/{id}";
pub const BATCH_PDF: &str = "/lotti/{id}/pdf";
pub const BATCH_FORWARDED: &str = "/lotti/{id}/consegnato";
pub const TOPICS: &str = "/argomenti";
pub const NEW_TOPIC: &str = "/argomenti/nuovo";
pub const TOPIC: &str = "/argomenti/{id}";
pub const NOTIFICATIONS: &str = "/notifiche";
pub const APPOINTMENTS: &str = "/appuntamenti";
pub const BOOKING_REVIEW: &str = "/appuntamenti/prenota";
pub const APPOINTMENTS_DAY: &str = "/appuntamenti/giornata";
pub const BOOKING_ATTENDANCE: &str = "/appuntamenti/{id}/presenza";
pub const BOOKING_CONFIRM: &str = "/appuntamenti/conferma";
pub const BOOKING: &str = "/appuntamenti/{id}";
pub const BOOKING_CALENDAR: &str = "/appuntamenti/{id}/calendario.ics";
pub const BOOKING_CANCEL: &str = "/appuntamenti/{id}/annulla";
pub const BOOKING_PDF: &str = "/appuntamenti/{id}/ricevuta.pdf";
pub const BOOKING_MOVE: &str = "/appuntamenti/{id}/sposta";
pub const BOOKING_MOVE_CONFIRM: &str = "/appuntamenti/{id}/sposta/conferma";
/// The Prefettura's kinds of appointment and their plans.
pub const APPOINTMENT_KINDS: &str = "/appuntamenti/tipi";
pub const NEW_APPOINTMENT_KIND: &str = "/appuntamenti/tipi/nuovo";
pub const APPOINTMENT_KIND: &str = "/appuntamenti/tipi/{id}";
/// Where the review page of a plan saves it.
pub const APPOINTMENT_KIND_SAVE: &str = "/appuntamenti/tipi/salva";
/// The page of a user's private calendar address: shown, made again, revoked.
pub const CALENDAR_FEED_PAGE: &str = "/appuntamenti/calendario-privato";
pub const CALENDAR_FEED_REVOKE: &str = "/appuntamenti/calendario-privato/revoca";
/// The prefix of private calendar feeds; the secret follows it.
pub const CALENDAR_FEED_PREFIX: &str = "/calendario/";
/// The private calendar feed itself, reached without a session by its secret address.
pub const CALENDAR_FEED: &str = "/calendario/{token}";
pub const NOTIFICATIONS_READ: &str = "/notifiche/lette";
/// Where the public portal's feedback forms post, without a session.
pub const FEEDBACK: &str = "/feedback";
/// The image every page of the portal asks, which counts the view.
pub const PAGE_COUNTER: &str = "/contatore";
/// The most read pages of the portal and the views of each day.
pub const READERSHIP: &str = "/letture";
/// The feedback of the portal's readers, for the coordination.
pub const FEEDBACK_LIST: &str = "/riscontri";
pub const FEEDBACK_PAGES: &str = "/riscontri/pagine";
/// The network's statistics for a period, and their downloads.
pub const STATISTICS: &str = "/statistiche";
pub const STATISTICS_CSV: &str = "/statistiche/dati.csv";
pub const STATISTICS_REPORTS_CSV: &str = "/statistiche/segnalazioni.csv";
/// Moves an accessibility report a step on (answered, closed).
pub const FEEDBACK_ITEM: &str = "/riscontri/{id}/stato";

/// Percent-encodes a query-string component.
pub fn form_urlencoded_component(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|encoded| encoded.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

/// The path of the page a one-time link opens, without the token.
pub fn link_prefix(purpose: LinkPurpose) -> &'static str {
    match purpose {
        LinkPurpose::Activation => ACTIVATION_PREFIX,
        LinkPurpose::Reset => RESET_PREFIX,
    }
}

/// `pattern` with its `{…}` placeholders replaced, in order, by `values`.
fn fill(pattern: &str, values: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut values = values.iter();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map_or(rest.len(), |at| open + at + 1);
        out.push_str(&rest[..open]);
        if let Some(value) = values.next() {
            out.push_str(&value.to_string());
        }
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

/// Where to go after a form that ends elsewhere (login, code, confirmation): only a path on
/// this site (`/…`, not `//host` nor `/\host`), so no form can be used to send people away.
pub fn safe_next(next: &str) -> Option<&str> {
    let is_local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control())
        && next.len() <= 512;
    is_local.then_some(next)
}

/// [`safe_next`], or the home page when `next` is not a path on this site.
pub fn next_or_home(next: &str) -> &str {
    safe_next(next).unwrap_or(HOME)
}

/// `path` with `?esito=outcome`: the page shows the message of a form's outcome.
pub fn with_outcome(path: &str, outcome: &str) -> String {
    format!("{path}?esito={outcome}")
}

/// `path` with `?next=…`: the page goes on to `next` once done.
pub fn with_next(path: &str, next: &str) -> String {
    format!("{path}?next={}", form_urlencoded_component(next))
}

pub fn report(id: i64) -> String {
    fill(REPORT, &[&id])
}

pub fn report_action(id: i64) -> String {
    fill(REPORT_ACTION, &[&id])
}

pub fn report_note(id: i64) -> String {
    fill(REPORT_NOTE, &[&id])
}

pub fn report_topic(id: i64) -> String {
    fill(REPORT_TOPIC, &[&id])
}

pub fn report_attachments(id: i64) -> String {
    fill(REPORT_ATTACHMENTS, &[&id])
}

pub fn report_attachment(id: i64, attachment: i64) -> String {
    fill(REPORT_ATTACHMENT, &[&id, &attachment])
}

pub fn batch(id: i64) -> String {
    fill(BATCH, &[&id])
}

pub fn batch_pdf(id: i64) -> String {
    fill(BATCH_PDF, &[&id])
}

pub fn batch_forwarded(id: i64) -> String {
    fill(BATCH_FORWARDED, &[&id])
}

pub fn user(id: i64) -> String {
    fill(USER, &[&id])
}

pub fn user_role(id: i64) -> String {
    fill(USER_ROLE, &[&id])
}

pub fn user_disable(id: i64) -> String {
    fill(USER_DISABLE, &[&id])
}

pub fn user_link(id: i64) -> String {
    fill(USER_LINK, &[&id])
}

pub fn organisation(id: i64) -> String {
    fill(ORGANISATION, &[&id])
}

pub fn topic(id: i64) -> String {
    fill(TOPIC, &[&id])
}

pub fn end_session(number: i64) -> String {
    fill(END_SESSION, &[&number])
}

pub fn booking(id: i64) -> String {
    fill(BOOKING, &[&id])
}

pub fn booking_pdf(id: i64) -> String {
    fill(BOOKING_PDF, &[&id])
}

pub fn booking_move(id: i64) -> String {
    fill(BOOKING_MOVE, &[&id])
}

pub fn booking_move_confirm(id: i64) -> String {
    fill(BOOKING_MOVE_CONFIRM, &[&id])
}

pub fn appointment_kind(id: i64) -> String {
    fill(APPOINTMENT_KIND, &[&id])
}

/// The feed of secret `token`, as calendar programs subscribe to it.
pub fn calendar_feed(token: &str) -> String {
    format!("{}.ics", fill(CALENDAR_FEED, &[&token]))
}

pub fn booking_attendance(id: i64) -> String {
    fill(BOOKING_ATTENDANCE, &[&id])
}

/// The Prefettura's list of the appointments of `day`.
pub fn appointments_day(day: &str) -> String {
    format!("{APPOINTMENTS_DAY}?data={day}")
}

pub fn booking_cancel(id: i64) -> String {
    fill(BOOKING_CANCEL, &[&id])
}

pub fn booking_calendar(id: i64) -> String {
    fill(BOOKING_CALENDAR, &[&id])
}

/// The booking page of kind `kind`, on `day` when given.
pub fn appointments_of(kind: i64, day: Option<&str>) -> String {
    match day {
        Some(day) => format!("{APPOINTMENTS}?tipo={kind}&giorno={day}"),
        None => format!("{APPOINTMENTS}?tipo={kind}"),
    }
}

pub fn activation(token: &str) -> String {
    fill(ACTIVATION, &[&token])
}

pub fn reset(token: &str) -> String {
    fill(RESET, &[&token])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_fill_the_route_patterns() {
        assert_eq!(report(7), "/segnalazioni/7");
        assert_eq!(report_attachment(7, 3), "/segnalazioni/7/allegati/3");
        assert_eq!(end_session(2), "/profilo/sessioni/2/termina");
        assert_eq!(reset("abc"), "/reimposta/abc");
        assert_eq!(with_outcome(&batch(4), "creato"), "/lotti/4?esito=creato");
        assert_eq!(
            with_next(LOGIN, "/admin/utenti?x=1"),
            "/login?next=%2Fadmin%2Futenti%3Fx%3D1"
        );
    }

    #[test]
    fn only_local_paths_are_followed_after_a_form() {
        assert_eq!(safe_next("/admin/utenti"), Some("/admin/utenti"));
        assert_eq!(safe_next("/profilo?x=1"), Some("/profilo?x=1"));
        for bad in [
            "",
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "admin",
            "/a\nb",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
        assert_eq!(next_or_home("//evil.example"), HOME);
    }

    #[test]
    fn link_prefixes_match_their_patterns() {
        assert!(ACTIVATION.starts_with(ACTIVATION_PREFIX));
        assert!(RESET.starts_with(RESET_PREFIX));
        assert!(CALENDAR_FEED.starts_with(CALENDAR_FEED_PREFIX));
    }
}
