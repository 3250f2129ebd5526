//! The kinds of security event kept in the audit log.

/// A security event. The log stores the code; the admin page shows the label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditEvent {
    LoginSucceeded,
    LoginFailed,
    /// A login refused because the account is locked after too many failures.
    LoginLocked,
    Logout,
    PasswordChanged,
    /// A password set by an administrator or from the command line.
    PasswordReset,
    UserCreated,
    UserDisabled,
    RoleChanged,
    /// A link to set the password was mailed (activation or reset).
    PasswordLinkSent,
    /// A TOTP second factor was set up.
    SecondFactorEnabled,
    /// A TOTP code was sent again after its step had been used: replayed, or sent twice.
    SecondFactorCodeReused,
    /// A logged-in user asked for something the permission table denies.
    AccessDenied,
    /// A report, with its citizen data, was opened (ASVS 8.3.5); the detail is its protocol.
    ReportOpened,
    /// A batch was printed or downloaded as PDF; the detail is the batch number.
    BatchExported,
    /// An attachment was downloaded; the detail is the report's protocol and the file's id.
    AttachmentDownloaded,
    /// The password (and code) was typed again before an export.
    Reauthenticated,
    /// The audit log was downloaded as CSV.
    AuditExported,
    /// An organisation was added, changed, disabled or enabled in the web interface.
    OrganisationSaved,
    /// A topic was created, renamed, disabled or its standard answer changed.
    TopicSaved,
    /// A user ended some of their own sessions from the list of sessions.
    SessionsEnded,
    /// A start without `--demo` removed the reports the demo accounts had filed.
    DemoDataRemoved,
    /// An office cancelled one of its bookings of an appointment.
    BookingCancelled,
    /// The Prefettura recorded whether the person of a booking came.
    AttendanceMarked,
    /// The retention job deleted citizens' identifiers and attachments; the detail counts them.
    RetentionApplied,
    /// A person's data was exported on their request (GDPR art. 15).
    CitizenDataExported,
    /// A person's identifiers were deleted on their request (GDPR art. 17).
    CitizenDataErased,
    /// A kind of appointment, its plan or its quota was added or changed.
    AppointmentPlanSaved,
    /// An office moved one of its bookings to another time.
    BookingMoved,
    /// A private calendar address was made (or made again, replacing the old one).
    CalendarFeedCreated,
    /// A private calendar address was revoked.
    CalendarFeedRevoked,
    /// Reports were searched by a citizen's name or fiscal code (ASVS 8.3.5); the detail is
    /// the number of results, never the words searched.
    CitizenSearched,
    /// The statistics were downloaded as CSV; the detail says which file and period.
    StatisticsExported,
    /// A FAQ draft was written into the portal's content from answered reports; the detail
    /// names the file and the reports.
    FaqExported,
    /// An accessibility report of the portal was marked answered or closed.
    FeedbackHandled,
}

impl AuditEvent {
    const ALL: [AuditEvent; 35] = [
        AuditEvent::LoginSucceeded,
        AuditEvent::LoginFailed,
        AuditEvent::LoginLocked,
        AuditEvent::Logout,
        AuditEvent::PasswordChanged,
        AuditEvent::PasswordReset,
        AuditEvent::UserCreated,
        AuditEvent::UserDisabled,
        AuditEvent::RoleChanged,
        AuditEvent::PasswordLinkSent,
        AuditEvent::SecondFactorEnabled,
        AuditEvent::SecondFactorCodeReused,
        AuditEvent::AccessDenied,
        AuditEvent::ReportOpened,
        AuditEvent::BatchExported,
        AuditEvent::AttachmentDownloaded,
        AuditEvent::Reauthenticated,
        AuditEvent::AuditExported,
        AuditEvent::SessionsEnded,
        AuditEvent::TopicSaved,
        AuditEvent::OrganisationSaved,
        AuditEvent::DemoDataRemoved,
        AuditEvent::BookingCancelled,
        AuditEvent::AttendanceMarked,
        AuditEvent::RetentionApplied,
        AuditEvent::CitizenDataExported,
        AuditEvent::CitizenDataErased,
        AuditEvent::AppointmentPlanSaved,
        AuditEvent::BookingMoved,
        AuditEvent::CalendarFeedCreated,
        AuditEvent::CalendarFeedRevoked,
        AuditEvent::CitizenSearched,
        AuditEvent::StatisticsExported,
        AuditEvent::FaqExported,
        AuditEvent::FeedbackHandled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AuditEvent::LoginSucceeded => "login_succeeded",
            AuditEvent::LoginFailed => "login_failed",
            AuditEvent::LoginLocked => "login_locked",
            AuditEvent::Logout => "logout",
            AuditEvent::PasswordChanged => "password_changed",
            AuditEvent::PasswordReset => "password_reset",
            AuditEvent::UserCreated => "user_created",
            AuditEvent::UserDisabled => "user_disabled",
            AuditEvent::RoleChanged => "role_changed",
            AuditEvent::PasswordLinkSent => "password_link_sent",
            AuditEvent::SecondFactorEnabled => "second_factor_enabled",
            AuditEvent::SecondFactorCodeReused => "second_factor_code_reused",
            AuditEvent::AccessDenied => "access_denied",
            AuditEvent::ReportOpened => "report_opened",
            AuditEvent::BatchExported => "batch_exported",
            AuditEvent::AttachmentDownloaded => "attachment_downloaded",
            AuditEvent::Reauthenticated => "reauthenticated",
            AuditEvent::AuditExported => "audit_exported",
            AuditEvent::SessionsEnded => "sessions_ended",
            AuditEvent::TopicSaved => "topic_saved",
            AuditEvent::OrganisationSaved => "organisation_saved",
            AuditEvent::DemoDataRemoved => "demo_data_removed",
            AuditEvent::BookingCancelled => "booking_cancelled",
            AuditEvent::AttendanceMarked => "attendance_marked",
            AuditEvent::RetentionApplied => "retention_applied",
            AuditEvent::CitizenDataExported => "citizen_data_exported",
            AuditEvent::CitizenDataErased => "citizen_data_erased",
            AuditEvent::AppointmentPlanSaved => "appointment_plan_saved",
            AuditEvent::BookingMoved => "booking_moved",
            AuditEvent::CalendarFeedCreated => "calendar_feed_created",
            AuditEvent::CalendarFeedRevoked => "calendar_feed_revoked",
            AuditEvent::CitizenSearched => "citizen_searched",
            AuditEvent::StatisticsExported => "statistics_exported",
            AuditEvent::FaqExported => "faq_exported",
            AuditEvent::FeedbackHandled => "feedback_handled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditEvent::LoginSucceeded => "Accesso riuscito",
            AuditEvent::LoginFailed => "Accesso non riuscito",
            AuditEvent::LoginLocked => "Accesso rifiutato: utenza sospesa per troppi tentativi",
            AuditEvent::Logout => "Uscita",
            AuditEvent::PasswordChanged => "Password cambiata",
            AuditEvent::PasswordReset => "Password reimpostata",
            AuditEvent::UserCreated => "Utente creato",
            AuditEvent::UserDisabled => "Utente disattivato",
            AuditEvent::RoleChanged => "Ruolo cambiato",
            AuditEvent::PasswordLinkSent => "Collegamento per impostare la password inviato",
            AuditEvent::SecondFactorEnabled => "Verifica in due passaggi attivata",
            AuditEvent::SecondFactorCodeReused => "Codice di verifica già usato, inviato di nuovo",
            AuditEvent::AccessDenied => "Accesso negato a una funzione",
            AuditEvent::ReportOpened => "Segnalazione consultata",
            AuditEvent::BatchExported => "Lotto stampato o scaricato",
            AuditEvent::AttachmentDownloaded => "Allegato scaricato",
            AuditEvent::Reauthenticated => "Identità confermata prima di un'esportazione",
            AuditEvent::AuditExported => "Registro di sicurezza esportato",
            AuditEvent::SessionsEnded => "Sessioni chiuse dall'utente",
            AuditEvent::TopicSaved => "Argomento creato o modificato",
            AuditEvent::OrganisationSaved => "Organizzazione aggiunta o modificata",
            AuditEvent::DemoDataRemoved => "Dati dimostrativi rimossi",
            AuditEvent::BookingCancelled => "Prenotazione di un appuntamento annullata",
            AuditEvent::AttendanceMarked => "Presenza a un appuntamento segnata",
            AuditEvent::RetentionApplied => {
                "Dati personali di segnalazioni chiuse da tempo cancellati (conservazione)"
            }
            AuditEvent::CitizenDataExported => "Dati di una persona esportati su sua richiesta",
            AuditEvent::CitizenDataErased => "Dati di una persona cancellati su sua richiesta",
            AuditEvent::AppointmentPlanSaved => "Tipo di appuntamento o suo calendario salvato",
            AuditEvent::BookingMoved => "Prenotazione di un appuntamento spostata",
            AuditEvent::CalendarFeedCreated => "Indirizzo privato del calendario creato",
            AuditEvent::CalendarFeedRevoked => "Indirizzo privato del calendario revocato",
            AuditEvent::CitizenSearched => "Segnalazioni cercate per nome o codice fiscale",
            AuditEvent::StatisticsExported => "Statistiche scaricate in CSV",
            AuditEvent::FaqExported => "Bozza di FAQ esportata nel portale",
            AuditEvent::FeedbackHandled => "Segnalazione di accessibilità risposta o chiusa",
        }
    }

    /// The label of a stored code; codes written by older versions show as they are.
    pub fn label_of(code: &str) -> String {
        Self::ALL
            .into_iter()
            .find(|event| event.code() == code)
            .map_or_else(|| code.to_owned(), |event| event.label().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_labelled() {
        for (i, event) in AuditEvent::ALL.iter().enumerate() {
            assert!(
                AuditEvent::ALL[i + 1..]
                    .iter()
                    .all(|e| e.code() != event.code())
            );
            assert_eq!(AuditEvent::label_of(event.code()), event.label());
        }
        assert_eq!(AuditEvent::label_of("something_else"), "something_else");
    }
}
