//! The one table of what each role may do. Anything not listed is denied.

use serde::Serialize;

use super::role::Role;

/// Something a login may ask to do. Each handler names the action it performs and asks
/// [`allows`] before doing anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Action {
    /// See the home page of the reserved area.
    ViewDashboard,
    /// See one's own account and change one's own password.
    ManageOwnAccount,
    /// File a report for one's own office or service.
    FileReport,
    /// See the reports of one's own office or service.
    ViewOwnReports,
    /// See every report of the network.
    ViewAllReports,
    /// See the reports addressed to one's institution.
    ViewAddressedReports,
    /// Take charge of a report and forward it in a printed batch.
    ForwardReports,
    /// Assign the topic of a report and use the topic's standard answer.
    AssignTopics,
    /// Create, rename and disable topics and edit their standard answers.
    ManageTopics,
    /// Read and write the internal notes of a report, which offices never see.
    HandleInternalNotes,
    /// Answer the reports addressed to one's institution.
    AnswerReports,
    /// Validate the answers before they become FAQ drafts.
    ValidateAnswers,
    /// Book an appointment at the citizenship office.
    BookAppointments,
    /// Keep the citizenship office's appointments: the day's list and who came.
    ManageAppointments,
    /// Define the kinds of appointment, their weekly plans, exceptions and quotas.
    PlanAppointments,
    /// See the network's statistics.
    ViewStatistics,
    /// List organisations.
    ViewOrganisations,
    /// Add organisations by hand, edit and disable them (imported ones change at their source).
    ManageOrganisations,
    /// List, create and disable users, change their roles.
    ManageUsers,
    /// Read the security audit log.
    ReadAuditLog,
    /// Read what readers of the portal said of its pages and the accessibility reports.
    ReadFeedback,
    /// Find reports by the words of their internal notes.
    SearchInternalNotes,
    /// Find reports by a citizen's name, birth date or fiscal code, which the report's page
    /// shows to whoever may open it.
    SearchCitizens,
    /// Turn answered reports into anonymised FAQ drafts of the portal.
    ExportFaq,
    /// Write the monitoring report of a period into the portal's content.
    ExportMonitoring,
    /// Mark the portal's accessibility reports as answered and closed.
    HandleFeedback,
}

impl Action {
    pub const ALL: [Action; 26] = [
        Action::ViewDashboard,
        Action::ManageOwnAccount,
        Action::FileReport,
        Action::ViewOwnReports,
        Action::ViewAllReports,
        Action::ViewAddressedReports,
        Action::ForwardReports,
        Action::AssignTopics,
        Action::ManageTopics,
        Action::HandleInternalNotes,
        Action::AnswerReports,
        Action::ValidateAnswers,
        Action::BookAppointments,
        Action::ManageAppointments,
        Action::PlanAppointments,
        Action::ViewStatistics,
        Action::ViewOrganisations,
        Action::ManageOrganisations,
        Action::ManageUsers,
        Action::ReadAuditLog,
        Action::ReadFeedback,
        Action::SearchInternalNotes,
        Action::SearchCitizens,
        Action::ExportFaq,
        Action::ExportMonitoring,
        Action::HandleFeedback,
    ];

    /// What the action is called on the home page.
    pub fn label(self) -> &'static str {
        match self {
            Action::ViewDashboard => "Vedere questa pagina iniziale",
            Action::ManageOwnAccount => "Vedere il proprio profilo e cambiare la password",
            Action::FileReport => "Inviare segnalazioni alla Questura e alla Prefettura",
            Action::ViewOwnReports => "Consultare le segnalazioni della propria organizzazione",
            Action::ViewAllReports => "Consultare tutte le segnalazioni della rete",
            Action::ViewAddressedReports => {
                "Consultare le segnalazioni indirizzate al proprio ente"
            }
            Action::ForwardReports => "Prendere in carico e inoltrare le segnalazioni",
            Action::AssignTopics => "Assegnare l'argomento e usare le risposte standard",
            Action::ManageTopics => "Gestire gli argomenti e le loro risposte standard",
            Action::HandleInternalNotes => "Leggere e scrivere le note interne",
            Action::AnswerReports => "Rispondere alle segnalazioni indirizzate al proprio ente",
            Action::ValidateAnswers => "Validare le risposte prima della pubblicazione come FAQ",
            Action::BookAppointments => "Prenotare appuntamenti all'Ufficio Cittadinanza",
            Action::ManageAppointments => {
                "Consultare gli appuntamenti del giorno e segnare chi si presenta"
            }
            Action::PlanAppointments => {
                "Definire i tipi di appuntamento, i loro orari, le eccezioni e le quote"
            }
            Action::ViewStatistics => "Consultare le statistiche della rete",
            Action::ViewOrganisations => "Consultare l'elenco delle organizzazioni",
            Action::ManageOrganisations => "Aggiungere, modificare e disattivare organizzazioni",
            Action::ManageUsers => "Gestire gli utenti",
            Action::ReadAuditLog => "Consultare il registro di sicurezza",
            Action::ReadFeedback => {
                "Leggere i riscontri dei lettori del portale e le segnalazioni di accessibilità"
            }
            Action::SearchInternalNotes => "Cercare le segnalazioni anche nelle note interne",
            Action::SearchCitizens => {
                "Cercare le segnalazioni per nome o codice fiscale della persona"
            }
            Action::ExportFaq => "Preparare le bozze delle FAQ dalle segnalazioni con risposta",
            Action::ExportMonitoring => "Scrivere i rapporti di monitoraggio per il portale",
            Action::HandleFeedback => {
                "Segnare le segnalazioni di accessibilità come risposte e chiuderle"
            }
        }
    }
}

use Action::*;
use Role::*;

/// Every (role, action) pair that is allowed. Reading this table tells the whole policy.
const ALLOWED: &[(Role, Action)] = &[
    (Office, ViewDashboard),
    (Office, ManageOwnAccount),
    (Office, FileReport),
    (Office, ViewOwnReports),
    (Office, BookAppointments),
    (Office, SearchCitizens),
    (Service, ViewDashboard),
    (Service, ManageOwnAccount),
    (Service, FileReport),
    (Service, ViewOwnReports),
    (Service, SearchCitizens),
    (Coordination, ViewDashboard),
    (Coordination, ManageOwnAccount),
    (Coordination, ViewAllReports),
    (Coordination, ForwardReports),
    (Coordination, AssignTopics),
    (Coordination, ManageTopics),
    (Coordination, HandleInternalNotes),
    (Coordination, ViewStatistics),
    (Coordination, ViewOrganisations),
    (Coordination, ReadFeedback),
    (Coordination, SearchInternalNotes),
    (Coordination, SearchCitizens),
    (Coordination, ExportFaq),
    (Coordination, ExportMonitoring),
    (Coordination, HandleFeedback),
    (Liaison, ViewDashboard),
    (Liaison, ManageOwnAccount),
    (Liaison, ViewAllReports),
    (Liaison, ForwardReports),
    (Liaison, HandleInternalNotes),
    (Liaison, SearchCitizens),
    (Questura, ViewDashboard),
    (Questura, ManageOwnAccount),
    (Questura, ViewAddressedReports),
    (Questura, AnswerReports),
    (Questura, ValidateAnswers),
    (Questura, SearchCitizens),
    (Prefettura, ViewDashboard),
    (Prefettura, ManageOwnAccount),
    (Prefettura, ViewAddressedReports),
    (Prefettura, AnswerReports),
    (Prefettura, ValidateAnswers),
    (Prefettura, BookAppointments),
    (Prefettura, ManageAppointments),
    (Prefettura, PlanAppointments),
    (Prefettura, SearchCitizens),
    (Admin, ViewDashboard),
    (Admin, ManageOwnAccount),
    (Admin, ViewStatistics),
    (Admin, ViewOrganisations),
    (Admin, ManageTopics),
    (Admin, ManageOrganisations),
    (Admin, ManageUsers),
    (Admin, ReadAuditLog),
    (Admin, ReadFeedback),
    (Admin, PlanAppointments),
];

/// Whether `role` may perform `action`; false for every pair missing from the table.
pub fn allows(role: Role, action: Action) -> bool {
    ALLOWED.contains(&(role, action))
}

/// The actions a role may perform, in the table's order, for the home page.
pub fn allowed_actions(role: Role) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|action| allows(role, *action))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_manage_users_and_read_the_audit_log() {
        for role in Role::ALL {
            assert_eq!(allows(role, ManageUsers), role == Admin, "{role}");
            assert_eq!(allows(role, ManageOrganisations), role == Admin, "{role}");
            assert_eq!(allows(role, ReadAuditLog), role == Admin, "{role}");
        }
    }

    #[test]
    fn every_role_can_see_the_dashboard_and_its_own_account() {
        for role in Role::ALL {
            assert!(allows(role, ViewDashboard), "{role}");
            assert!(allows(role, ManageOwnAccount), "{role}");
        }
    }

    #[test]
    fn office_operators_never_see_the_whole_network() {
        for role in [Office, Service] {
            assert!(!allows(role, ViewAllReports));
            assert!(!allows(role, AnswerReports));
            assert!(!allows(role, ViewOrganisations));
            assert!(!allows(role, HandleInternalNotes));
        }
    }

    #[test]
    fn admins_do_not_take_part_in_the_report_workflow() {
        for action in [FileReport, ViewAllReports, ForwardReports, AnswerReports] {
            assert!(!allows(Admin, action), "{action:?}");
        }
    }

    #[test]
    fn only_the_coordination_and_admins_manage_topics() {
        for role in Role::ALL {
            assert_eq!(
                allows(role, ManageTopics),
                matches!(role, Coordination | Admin),
                "{role}"
            );
        }
    }

    #[test]
    fn only_the_coordination_and_admins_read_the_portal_feedback() {
        for role in Role::ALL {
            assert_eq!(
                allows(role, ReadFeedback),
                matches!(role, Coordination | Admin),
                "{role}"
            );
        }
    }

    #[test]
    fn only_the_prefettura_and_admins_plan_appointments() {
        for role in Role::ALL {
            assert_eq!(
                allows(role, PlanAppointments),
                matches!(role, Prefettura | Admin),
                "{role}"
            );
        }
    }

    #[test]
    fn the_table_has_no_duplicates() {
        for (i, pair) in ALLOWED.iter().enumerate() {
            assert!(!ALLOWED[i + 1..].contains(pair), "{pair:?} listed twice");
        }
    }
}
