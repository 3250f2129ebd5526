//! The report state machine: one table of (from, action, role) → to. Every state change of a
//! report is looked up here, and nothing else decides whether a change is allowed.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::organisation::OrganisationKind;
use super::role::Role;

/// Where a report stands in the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// Filed by an office, not yet looked at by the coordination.
    #[serde(rename = "nuova")]
    New,
    /// The coordination is handling it.
    #[serde(rename = "presa_in_carico")]
    InCharge,
    /// In a printed batch, not yet handed to the Questura or the Prefettura.
    #[serde(rename = "inoltrata")]
    Batched,
    /// Handed over; the due-date clock is paused until the answer comes back.
    #[serde(rename = "in_attesa_di_risposta")]
    AwaitingAnswer,
    /// The liaison brought the answer back; the coordination has not published it yet.
    #[serde(rename = "risposta_ricevuta")]
    AnswerReceived,
    /// The office can read the answer; the referents are asked to validate it.
    #[serde(rename = "risposta_pubblicata")]
    AnswerPublished,
    /// A referent confirmed the answer.
    #[serde(rename = "validata")]
    Validated,
    #[serde(rename = "chiusa")]
    Closed,
    /// The office reopened it with a reason; it waits for the coordination again.
    #[serde(rename = "riaperta")]
    Reopened,
}

impl ReportState {
    pub const ALL: [ReportState; 9] = [
        ReportState::New,
        ReportState::InCharge,
        ReportState::Batched,
        ReportState::AwaitingAnswer,
        ReportState::AnswerReceived,
        ReportState::AnswerPublished,
        ReportState::Validated,
        ReportState::Closed,
        ReportState::Reopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::New => "nuova",
            ReportState::InCharge => "presa_in_carico",
            ReportState::Batched => "inoltrata",
            ReportState::AwaitingAnswer => "in_attesa_di_risposta",
            ReportState::AnswerReceived => "risposta_ricevuta",
            ReportState::AnswerPublished => "risposta_pubblicata",
            ReportState::Validated => "validata",
            ReportState::Closed => "chiusa",
            ReportState::Reopened => "riaperta",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportState::New => "Nuova",
            ReportState::InCharge => "Presa in carico",
            ReportState::Batched => "Inoltrata (in un lotto)",
            ReportState::AwaitingAnswer => "In attesa di risposta",
            ReportState::AnswerReceived => "Risposta ricevuta, da pubblicare",
            ReportState::AnswerPublished => "Risposta pubblicata",
            ReportState::Validated => "Risposta validata",
            ReportState::Closed => "Chiusa",
            ReportState::Reopened => "Riaperta",
        }
    }

    /// Whether the due date still counts: not while the institutions hold the report, and not
    /// once the office has its answer.
    pub fn clock_runs(self) -> bool {
        matches!(
            self,
            ReportState::New
                | ReportState::InCharge
                | ReportState::Batched
                | ReportState::AnswerReceived
                | ReportState::Reopened
        )
    }

    /// Whether the office has been given an answer (published, validated or closed).
    pub fn is_answered(self) -> bool {
        matches!(
            self,
            ReportState::AnswerPublished | ReportState::Validated | ReportState::Closed
        )
    }
}

impl fmt::Display for ReportState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("stato della segnalazione sconosciuto «{0}»")]
pub struct UnknownState(pub String);

impl FromStr for ReportState {
    type Err = UnknownState;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ReportState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| UnknownState(s.to_owned()))
    }
}

/// Something done to a report that may change its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportAction {
    TakeInCharge,
    AddToBatch,
    MarkForwarded,
    RecordAnswer,
    Publish,
    Validate,
    RefuseValidation,
    Reopen,
    Close,
}

impl ReportAction {
    pub const ALL: [ReportAction; 9] = [
        ReportAction::TakeInCharge,
        ReportAction::AddToBatch,
        ReportAction::MarkForwarded,
        ReportAction::RecordAnswer,
        ReportAction::Publish,
        ReportAction::Validate,
        ReportAction::RefuseValidation,
        ReportAction::Reopen,
        ReportAction::Close,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportAction::TakeInCharge => "prendi_in_carico",
            ReportAction::AddToBatch => "inserisci_nel_lotto",
            ReportAction::MarkForwarded => "segna_consegnata",
            ReportAction::RecordAnswer => "registra_risposta",
            ReportAction::Publish => "pubblica_risposta",
            ReportAction::Validate => "valida",
            ReportAction::RefuseValidation => "rifiuta_validazione",
            ReportAction::Reopen => "riapri",
            ReportAction::Close => "chiudi",
        }
    }

    /// The text of the button and of the timeline entry.
    pub fn label(self) -> &'static str {
        match self {
            ReportAction::TakeInCharge => "Prendi in carico",
            ReportAction::AddToBatch => "Inserita in un lotto",
            ReportAction::MarkForwarded => "Consegnata alla Questura o alla Prefettura",
            ReportAction::RecordAnswer => "Registra la risposta ricevuta",
            ReportAction::Publish => "Pubblica la risposta",
            ReportAction::Validate => "Valida la risposta",
            ReportAction::RefuseValidation => "Rifiuta la risposta",
            ReportAction::Reopen => "Riapri la segnalazione",
            ReportAction::Close => "Chiudi la segnalazione",
        }
    }

    /// How the timeline tells that it happened.
    pub fn done_label(self) -> &'static str {
        match self {
            ReportAction::TakeInCharge => "Presa in carico dal coordinamento",
            ReportAction::AddToBatch => "Inserita in un lotto da consegnare",
            ReportAction::MarkForwarded => "Consegnata alla Questura o alla Prefettura",
            ReportAction::RecordAnswer => "Risposta ricevuta e registrata",
            ReportAction::Publish => "Risposta pubblicata",
            ReportAction::Validate => "Risposta validata",
            ReportAction::RefuseValidation => "Risposta non validata",
            ReportAction::Reopen => "Riaperta",
            ReportAction::Close => "Chiusa",
        }
    }

    /// Reopening and refusing must say why: the coordination acts on that reason.
    pub fn needs_comment(self) -> bool {
        matches!(self, ReportAction::Reopen | ReportAction::RefuseValidation)
    }

    /// Recording and publishing carry the answer's text.
    pub fn needs_answer(self) -> bool {
        matches!(self, ReportAction::RecordAnswer | ReportAction::Publish)
    }

    /// Batch actions are done from the batch pages, for all its reports at once.
    pub fn is_batch_action(self) -> bool {
        matches!(self, ReportAction::AddToBatch | ReportAction::MarkForwarded)
    }
}

impl FromStr for ReportAction {
    type Err = UnknownReportAction;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ReportAction::ALL
            .into_iter()
            .find(|action| action.as_str() == s)
            .ok_or(UnknownReportAction)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("azione sconosciuta")]
pub struct UnknownReportAction;

use ReportAction::*;
use ReportState::*;
use Role::{Coordination, Liaison, Office, Prefettura, Questura, Service};

/// Every allowed change: (from, action, role, to). Reading this table tells the whole workflow.
/// Who may act on *which* report (its own office, its institution) is the scoping of the
/// queries; this table says what a role may do to a report it can see.
const TRANSITIONS: &[(ReportState, ReportAction, Role, ReportState)] = &[
    (New, TakeInCharge, Coordination, InCharge),
    (Reopened, TakeInCharge, Coordination, InCharge),
    (InCharge, AddToBatch, Coordination, Batched),
    (Batched, MarkForwarded, Coordination, AwaitingAnswer),
    (Batched, MarkForwarded, Liaison, AwaitingAnswer),
    (AwaitingAnswer, RecordAnswer, Liaison, AnswerReceived),
    (AwaitingAnswer, RecordAnswer, Coordination, AnswerReceived),
    (AnswerReceived, Publish, Coordination, AnswerPublished),
    // A standard answer of the topic, or a corrected answer after a refused validation.
    (InCharge, Publish, Coordination, AnswerPublished),
    (AnswerPublished, Validate, Questura, Validated),
    (AnswerPublished, Validate, Prefettura, Validated),
    (AnswerPublished, RefuseValidation, Questura, InCharge),
    (AnswerPublished, RefuseValidation, Prefettura, InCharge),
    (AnswerPublished, Reopen, Office, Reopened),
    (AnswerPublished, Reopen, Service, Reopened),
    (Validated, Reopen, Office, Reopened),
    (Validated, Reopen, Service, Reopened),
    (Closed, Reopen, Office, Reopened),
    (Closed, Reopen, Service, Reopened),
    (Validated, Close, Office, Closed),
    (Validated, Close, Service, Closed),
    (Validated, Close, Coordination, Closed),
];

/// Why a change was refused, in words for the person who asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("Questa operazione non è consentita al tuo ruolo.")]
    RoleNotAllowed,
    #[error(
        "La segnalazione è già passata a un altro stato, per esempio perché il modulo è stato inviato due volte: non è stato cambiato nulla."
    )]
    WrongState,
}

/// The state `action` by `role` leads to from `from`, or why it is refused.
pub fn transition(
    from: ReportState,
    action: ReportAction,
    role: Role,
) -> Result<ReportState, TransitionError> {
    if let Some((.., to)) = TRANSITIONS
        .iter()
        .find(|(f, a, r, _)| *f == from && *a == action && *r == role)
    {
        return Ok(*to);
    }
    if TRANSITIONS
        .iter()
        .any(|(_, a, r, _)| *a == action && *r == role)
    {
        Err(TransitionError::WrongState)
    } else {
        Err(TransitionError::RoleNotAllowed)
    }
}

/// The actions `role` may take on a report in `state`, in table order, for the buttons.
pub fn available_actions(state: ReportState, role: Role) -> Vec<ReportAction> {
    let mut actions: Vec<ReportAction> = TRANSITIONS
        .iter()
        .filter(|(f, _, r, _)| *f == state && *r == role)
        .map(|(_, a, ..)| *a)
        .collect();
    actions.dedup();
    actions
}

/// Which reports a login sees. Derived from the role and the organisation of the session,
/// never from anything in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportScope {
    /// The coordination and the liaison: the whole network.
    All,
    /// An office or a service: the reports it filed.
    Organisation(i64),
    /// A referent: the reports addressed to the institution.
    Institution(OrganisationKind),
}

impl ReportScope {
    /// `None` for roles that take no part in the workflow.
    pub fn for_role(role: Role, organisation_id: i64) -> Option<ReportScope> {
        match role {
            Office | Service => Some(ReportScope::Organisation(organisation_id)),
            Coordination | Liaison => Some(ReportScope::All),
            Questura => Some(ReportScope::Institution(OrganisationKind::Questura)),
            Prefettura => Some(ReportScope::Institution(OrganisationKind::Prefettura)),
            Role::Admin => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The workflow of DESIGN.md written out independently of `TRANSITIONS`, as the allowed
    /// roles of each (from, action) with the state it leads to.
    const EXPECTED: &[(ReportState, ReportAction, &[Role], ReportState)] = &[
        (New, TakeInCharge, &[Coordination], InCharge),
        (Reopened, TakeInCharge, &[Coordination], InCharge),
        (InCharge, AddToBatch, &[Coordination], Batched),
        (
            Batched,
            MarkForwarded,
            &[Coordination, Liaison],
            AwaitingAnswer,
        ),
        (
            AwaitingAnswer,
            RecordAnswer,
            &[Coordination, Liaison],
            AnswerReceived,
        ),
        (AnswerReceived, Publish, &[Coordination], AnswerPublished),
        (InCharge, Publish, &[Coordination], AnswerPublished),
        (
            AnswerPublished,
            Validate,
            &[Questura, Prefettura],
            Validated,
        ),
        (
            AnswerPublished,
            RefuseValidation,
            &[Questura, Prefettura],
            InCharge,
        ),
        (AnswerPublished, Reopen, &[Office, Service], Reopened),
        (Validated, Reopen, &[Office, Service], Reopened),
        (Closed, Reopen, &[Office, Service], Reopened),
        (Validated, Close, &[Office, Service, Coordination], Closed),
    ];

    fn expected(from: ReportState, action: ReportAction, role: Role) -> Option<ReportState> {
        EXPECTED
            .iter()
            .find(|(f, a, roles, _)| *f == from && *a == action && roles.contains(&role))
            .map(|(.., to)| *to)
    }

    #[test]
    fn every_state_action_role_triple_matches_the_workflow() {
        let mut allowed = 0;
        let mut forbidden = 0;
        for from in ReportState::ALL {
            for action in ReportAction::ALL {
                for role in Role::ALL {
                    let got = transition(from, action, role);
                    match expected(from, action, role) {
                        Some(to) => {
                            assert_eq!(got, Ok(to), "{from} {action:?} {role}");
                            allowed += 1;
                        }
                        None => {
                            assert!(got.is_err(), "{from} {action:?} {role} must be refused");
                            forbidden += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(allowed, TRANSITIONS.len());
        assert_eq!(allowed + forbidden, 9 * 9 * 7);
    }

    #[test]
    fn admins_never_change_a_report() {
        for from in ReportState::ALL {
            for action in ReportAction::ALL {
                assert_eq!(
                    transition(from, action, Role::Admin),
                    Err(TransitionError::RoleNotAllowed)
                );
            }
        }
    }

    #[test]
    fn a_repeated_form_is_told_apart_from_a_missing_permission() {
        assert_eq!(
            transition(InCharge, TakeInCharge, Coordination),
            Err(TransitionError::WrongState)
        );
        assert_eq!(
            transition(New, TakeInCharge, Office),
            Err(TransitionError::RoleNotAllowed)
        );
    }

    #[test]
    fn reopening_is_possible_from_every_answered_state_and_leads_back_to_the_coordination() {
        for from in ReportState::ALL {
            let reopened = transition(from, Reopen, Office);
            assert_eq!(reopened.is_ok(), from.is_answered(), "{from}");
        }
        assert_eq!(
            transition(Reopened, TakeInCharge, Coordination),
            Ok(InCharge)
        );
    }

    #[test]
    fn the_happy_path_reaches_chiusa() {
        let steps = [
            (TakeInCharge, Coordination),
            (AddToBatch, Coordination),
            (MarkForwarded, Liaison),
            (RecordAnswer, Liaison),
            (Publish, Coordination),
            (Validate, Questura),
            (Close, Office),
        ];
        let end = steps.iter().fold(New, |state, (action, role)| {
            transition(state, *action, *role).unwrap()
        });
        assert_eq!(end, Closed);
    }

    #[test]
    fn the_table_has_one_target_per_key_and_names_round_trip() {
        for (i, (f, a, r, _)) in TRANSITIONS.iter().enumerate() {
            assert!(
                !TRANSITIONS[i + 1..]
                    .iter()
                    .any(|(f2, a2, r2, _)| f2 == f && a2 == a && r2 == r),
                "{f} {a:?} {r} listed twice"
            );
        }
        for state in ReportState::ALL {
            assert_eq!(state.as_str().parse::<ReportState>(), Ok(state));
        }
        for action in ReportAction::ALL {
            assert_eq!(action.as_str().parse::<ReportAction>(), Ok(action));
        }
    }

    #[test]
    fn the_buttons_follow_the_table() {
        assert_eq!(
            available_actions(AnswerPublished, Questura),
            vec![Validate, RefuseValidation]
        );
        assert!(available_actions(New, Office).is_empty());
        assert_eq!(available_actions(Validated, Office), vec![Reopen, Close]);
    }

    #[test]
    fn each_role_sees_its_own_slice_of_the_reports() {
        assert_eq!(
            ReportScope::for_role(Office, 7),
            Some(ReportScope::Organisation(7))
        );
        assert_eq!(ReportScope::for_role(Liaison, 1), Some(ReportScope::All));
        assert_eq!(
            ReportScope::for_role(Prefettura, 3),
            Some(ReportScope::Institution(OrganisationKind::Prefettura))
        );
        assert_eq!(ReportScope::for_role(Role::Admin, 1), None);
    }

    #[test]
    fn the_clock_stops_while_the_institutions_hold_the_report() {
        assert!(New.clock_runs());
        assert!(!AwaitingAnswer.clock_runs());
        assert!(!Closed.clock_runs());
    }
}
