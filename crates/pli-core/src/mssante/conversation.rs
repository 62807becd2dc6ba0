//! Who may start, answer and close a conversation with a patient, and why Mon espace santé
//! sent a message back.
//!
//! Only the professional starts a conversation with a patient and only the professional closes
//! it; the patient may answer while it is open (SEED). Closing is the professional's message
//! carrying `X-MSS-MES: FIN`, after which the patient can no longer answer (ECO.2.2.8). The one
//! exception is the pharmacy: a patient may write first to a pharmacy's box to send a digital
//! prescription (SEED).
//!
//! The model follows the rule: one conversation per (mailbox, patient), fed with the messages
//! the professional sends and the messages the patient sends. A patient message counts as an
//! answer only if its `In-Reply-To` or `References` name a message of the conversation while it
//! is open; anything else was not asked for, and the window shows it as such. The patient's
//! side has no way to open or close a conversation: the types do not offer one.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::mssante::ins::Ins;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConversationState {
    #[default]
    NotStarted,
    Open,
    /// The professional sent `X-MSS-MES: FIN`; a new message from the professional reopens it.
    Closed,
}

/// What a mailbox does for patients; set in the box's configuration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MailboxRole {
    #[default]
    Standard,
    /// A pharmacy's (officine's) organisational box, listed in the directory: patients may
    /// write first to send a prescription.
    Pharmacy,
}

/// How to show a message received from a patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PatientMessageKind {
    /// Answers the open conversation this box started.
    Reply,
    /// Answers nothing open from this box: no conversation, another box's, or a closed one.
    Unsolicited,
    /// Written first by the patient to a pharmacy box: a prescription being sent (SEED).
    Prescription,
}

/// The threading headers of a message received from a patient.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PatientMessage<'a> {
    pub message_id: Option<&'a str>,
    pub in_reply_to: Option<&'a str>,
    pub references: &'a [&'a str],
}

/// A conversation between one mailbox and one patient.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    state: ConversationState,
    /// Message-IDs (without angle brackets) of both sides since the professional last opened
    /// the conversation; a patient message answers the conversation by naming one of them.
    thread: BTreeSet<String>,
}

/// Which conversation: the box (lowercase address) and the patient.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ConversationKey {
    mailbox: String,
    patient: Ins,
}

/// All the patient conversations of the workstation's boxes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conversations {
    by_key: BTreeMap<ConversationKey, Conversation>,
}

impl Conversation {
    pub fn state(&self) -> ConversationState {
        self.state
    }

    pub fn patient_may_reply(&self) -> bool {
        self.state == ConversationState::Open
    }

    /// The professional sent a message to the patient; `closes` when it carried
    /// `X-MSS-MES: FIN`. Writing after a close starts a new conversation: answers to the old
    /// one stay unsolicited.
    pub fn professional_sent(&mut self, message_id: &str, closes: bool) {
        if self.state == ConversationState::Closed {
            self.thread.clear();
        }
        self.thread.insert(normalise_message_id(message_id));
        self.state = if closes {
            ConversationState::Closed
        } else {
            ConversationState::Open
        };
    }

    /// Classifies a message received from the patient, and records it in the conversation if
    /// it is an answer. It never changes the state: a patient neither opens nor closes.
    pub fn patient_message(
        &mut self,
        message: &PatientMessage<'_>,
        role: MailboxRole,
    ) -> PatientMessageKind {
        if self.patient_may_reply() && self.is_answered_by(message) {
            if let Some(id) = message.message_id {
                self.thread.insert(normalise_message_id(id));
            }
            return PatientMessageKind::Reply;
        }
        match role {
            MailboxRole::Pharmacy => PatientMessageKind::Prescription,
            MailboxRole::Standard => PatientMessageKind::Unsolicited,
        }
    }

    fn is_answered_by(&self, message: &PatientMessage<'_>) -> bool {
        message
            .in_reply_to
            .into_iter()
            .chain(message.references.iter().copied())
            .flat_map(message_ids)
            .any(|id| self.thread.contains(&id))
    }
}

impl ConversationKey {
    pub fn new(mailbox: &str, patient: Ins) -> Self {
        Self {
            mailbox: mailbox.trim().to_lowercase(),
            patient,
        }
    }

    pub fn mailbox(&self) -> &str {
        &self.mailbox
    }

    pub fn patient(&self) -> &Ins {
        &self.patient
    }
}

impl Conversations {
    pub fn get(&self, key: &ConversationKey) -> Option<&Conversation> {
        self.by_key.get(key)
    }

    pub fn state(&self, key: &ConversationKey) -> ConversationState {
        self.get(key).map(Conversation::state).unwrap_or_default()
    }

    pub fn professional_sent(&mut self, key: &ConversationKey, message_id: &str, closes: bool) {
        self.by_key
            .entry(key.clone())
            .or_default()
            .professional_sent(message_id, closes);
    }

    /// Classifies a patient message; a patient writing to a box that never wrote to them does
    /// not create a conversation.
    pub fn patient_message(
        &mut self,
        key: &ConversationKey,
        message: &PatientMessage<'_>,
        role: MailboxRole,
    ) -> PatientMessageKind {
        match self.by_key.get_mut(key) {
            Some(conversation) => conversation.patient_message(message, role),
            None => Conversation::default().patient_message(message, role),
        }
    }
}

/// One message of a conversation as the box's folders show it, for [`replay`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exchange<'a> {
    /// The box wrote to the patient (found in Sent, or any folder holding the box's own
    /// messages, whichever client wrote it); `closes` when it carried `X-MSS-MES: FIN`.
    Sent { message_id: &'a str, closes: bool },
    /// The patient wrote to the box.
    Received(PatientMessage<'a>),
}

/// Rebuilds a conversation from every message the box holds with the patient, oldest first,
/// and classifies each of the patient's messages as it stood when it arrived: the state comes
/// from the server, so every workstation (and a fresh install) reaches the same answer, and a
/// conversation opened or closed from another workstation or the webmail counts (SEED,
/// ECO.2.2.8). Returns the conversation as it ends, and one kind per `Received`, in order.
pub fn replay<'a>(
    exchanges: impl IntoIterator<Item = Exchange<'a>>,
    role: MailboxRole,
) -> (Conversation, Vec<PatientMessageKind>) {
    let mut conversation = Conversation::default();
    let mut kinds = Vec::new();
    for exchange in exchanges {
        match exchange {
            Exchange::Sent { message_id, closes } => {
                conversation.professional_sent(message_id, closes)
            }
            Exchange::Received(message) => kinds.push(conversation.patient_message(&message, role)),
        }
    }
    (conversation, kinds)
}

/// The ids in a header value: `<a@b> <c@d>`, or a bare id as some software writes it.
fn message_ids(value: &str) -> Vec<String> {
    let bracketed: Vec<String> = value
        .split('<')
        .skip(1)
        .filter_map(|part| part.split_once('>'))
        .map(|(id, _)| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .collect();
    if bracketed.is_empty() {
        value
            .split_whitespace()
            .map(normalise_message_id)
            .filter(|id| !id.is_empty())
            .collect()
    } else {
        bracketed
    }
}

fn normalise_message_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_owned()
}

/// Why Mon espace santé (or any server on the way) refused a message for good.
///
/// Read from the status code of the delivery status notification, and from its diagnostic text
/// where codes are too coarse. The wording of Mon espace santé's bounces is not published: the
/// text patterns below are the ones an MTA or the service would plausibly use, in English and
/// French, matched without case or accents, and are to be completed from real bounces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BounceReason {
    /// The conversation was closed (`X-MSS-MES: FIN`) and the message answered it.
    /// Text: "conversation" with "clos", "clotur", "ferm", "termin", "ended".
    ConversationClosed,
    /// The patient's messaging is closed: account closed, service refused or deactivated.
    /// Status 5.2.1; text: "messagerie", "compte", "account", "mailbox", "espace sante" with
    /// "clos", "clotur", "ferm", "desactiv", "disabled", "suspend", "inactive"; or "oppos".
    MessagingClosed,
    /// No such patient box (status 5.1.1; text "unknown", "inconnu", "does not exist",
    /// "existe pas", "no such user", "not found", "introuvable").
    PatientUnknown,
    /// The address itself is wrong (status 5.1.3, 5.1.2; text "invalid", "invalide",
    /// "syntax", "syntaxe", "malformed").
    ///
    /// When neither the text nor the code is specific, the code is read first (from `Status`,
    /// or from the diagnostic), then the words for size, for an invalid address and for an
    /// unknown patient, in that order.
    InvalidAddress,
    /// Over the size limit (status 5.3.4, 5.2.3, SMTP 552; text "too large", "too big",
    /// "volumineux", "taille", "size limit", "message size").
    TooLarge,
    Other,
}

/// One recipient the report says the message could not be delivered to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounce {
    /// From `Final-Recipient` (or `Original-Recipient`), without the `rfc822;` type.
    pub recipient: Option<String>,
    /// The enhanced status code, e.g. `5.1.1`.
    pub status: Option<String>,
    /// From `Diagnostic-Code`, without the `smtp;` type.
    pub diagnostic: Option<String>,
    pub reason: BounceReason,
}

/// One recipient of a delivery status notification (RFC 3464) as a bounce, when the report
/// says the message failed for it: `Action: failed` or, without an action, a permanent (5.x.x)
/// status. Delays and successes are not bounces. `recipient` and `diagnostic` come without
/// their type (`rfc822;`, `smtp;`); the report itself is read by `mail::mime`.
pub fn failed_delivery(
    recipient: &str,
    action: Option<&str>,
    status: Option<&str>,
    diagnostic: Option<&str>,
) -> Option<Bounce> {
    let status = status.map(str::trim);
    let failed = match action {
        Some(action) => action.trim().eq_ignore_ascii_case("failed"),
        None => status.is_some_and(|status| status.starts_with('5')),
    };
    failed.then(|| Bounce {
        recipient: Some(recipient.to_owned()),
        status: status.map(str::to_owned),
        reason: bounce_reason(status, diagnostic),
        diagnostic: diagnostic.map(str::to_owned),
    })
}

// Words looked for in diagnostic texts, lowercase and without accents (see `folded`).
const CONVERSATION: &[&str] = &["conversation"];
const ENDED: &[&str] = &["clos", "clotur", "ferm", "termin", "ended"];
const MESSAGING_SERVICE: &[&str] = &["messagerie", "compte", "account", "mailbox", "espace sante"];
const DISABLED: &[&str] = &[
    "clos", "clotur", "ferm", "desactiv", "disabled", "suspend", "inactive",
];
const OPPOSED: &[&str] = &["oppos"];
const TOO_LARGE: &[&str] = &[
    "too large",
    "too big",
    "volumineux",
    "taille",
    "size limit",
    "message size",
];
const INVALID: &[&str] = &["invalid", "syntax", "malformed"];
const UNKNOWN: &[&str] = &[
    "unknown",
    "inconnu",
    "does not exist",
    "existe pas",
    "no such user",
    "not found",
    "introuvable",
];

/// The reason behind a failure, from its enhanced status code (`5.1.1`) if known and its
/// diagnostic or human-readable text. Specific wording wins over the code, because a closed
/// messaging service may well answer with a generic "no such user" code.
pub fn bounce_reason(status: Option<&str>, diagnostic: Option<&str>) -> BounceReason {
    let text = diagnostic.map(folded).unwrap_or_default();
    let mentions = |words: &[&str]| words.iter().any(|word| text.contains(word));

    if mentions(CONVERSATION) && mentions(ENDED) {
        return BounceReason::ConversationClosed;
    }
    if (mentions(MESSAGING_SERVICE) && mentions(DISABLED)) || mentions(OPPOSED) {
        return BounceReason::MessagingClosed;
    }
    let code = status
        .map(str::to_owned)
        .or_else(|| enhanced_status_code(&text));
    match code.as_deref() {
        Some("5.1.1") => BounceReason::PatientUnknown,
        Some("5.1.2" | "5.1.3") => BounceReason::InvalidAddress,
        Some("5.2.1") => BounceReason::MessagingClosed,
        Some("5.2.3" | "5.3.4") => BounceReason::TooLarge,
        _ if text.starts_with("552") || mentions(TOO_LARGE) => BounceReason::TooLarge,
        _ if mentions(INVALID) => BounceReason::InvalidAddress,
        _ if mentions(UNKNOWN) => BounceReason::PatientUnknown,
        _ => BounceReason::Other,
    }
}

/// The first `class.subject.detail` code (RFC 3463) in a text, e.g. `550 5.1.1 …` → `5.1.1`.
fn enhanced_status_code(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .find(|word| {
            let parts: Vec<&str> = word.split('.').collect();
            parts.len() == 3
                && matches!(parts[0], "2" | "4" | "5")
                && parts[1..].iter().all(|part| (1..=3).contains(&part.len()))
        })
        .map(str::to_owned)
}

/// Lowercase without accents, so that "Clôturée" matches "clotur".
fn folded(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patient() -> Ins {
        Ins::parse("279035121518989").unwrap_or_else(|e| panic!("{e}"))
    }

    fn key() -> ConversationKey {
        ConversationKey::new("Dr.Martin@medecin.mssante.fr", patient())
    }

    fn answer<'a>(in_reply_to: &'a str, references: &'a [&'a str]) -> PatientMessage<'a> {
        PatientMessage {
            message_id: Some("<p1@patient.mssante.fr>"),
            in_reply_to: Some(in_reply_to),
            references,
        }
    }

    const FIRST: &str = "<a1@pli.example>";

    #[test]
    fn seed_only_professional_starts() {
        let mut conversations = Conversations::default();
        let kind = conversations.patient_message(
            &key(),
            &PatientMessage {
                message_id: Some("<p0@patient.mssante.fr>"),
                ..PatientMessage::default()
            },
            MailboxRole::Standard,
        );
        assert_eq!(kind, PatientMessageKind::Unsolicited);
        assert_eq!(conversations.state(&key()), ConversationState::NotStarted);
        assert_eq!(conversations.get(&key()), None);

        conversations.professional_sent(&key(), FIRST, false);
        assert_eq!(conversations.state(&key()), ConversationState::Open);
    }

    #[test]
    fn seed_patient_may_reply_in_an_open_conversation() {
        let mut conversation = Conversation::default();
        conversation.professional_sent(FIRST, false);
        assert!(conversation.patient_may_reply());
        assert_eq!(
            conversation.patient_message(&answer(FIRST, &[]), MailboxRole::Standard),
            PatientMessageKind::Reply
        );
    }

    #[test]
    fn seed_reply_found_through_references_alone() {
        let mut conversation = Conversation::default();
        conversation.professional_sent("a1@pli.example", false);
        conversation.professional_sent("<a2@pli.example>", false);
        let message = PatientMessage {
            message_id: None,
            in_reply_to: None,
            references: &["<x@elsewhere> <a1@pli.example>"],
        };
        assert_eq!(
            conversation.patient_message(&message, MailboxRole::Standard),
            PatientMessageKind::Reply
        );
    }

    #[test]
    fn seed_patient_may_answer_their_own_message_in_the_thread() {
        let mut conversation = Conversation::default();
        conversation.professional_sent(FIRST, false);
        conversation.patient_message(&answer(FIRST, &[]), MailboxRole::Standard);
        // The patient follows up on their own reply, naming only it.
        let follow_up = PatientMessage {
            message_id: Some("<p2@patient.mssante.fr>"),
            in_reply_to: Some("<p1@patient.mssante.fr>"),
            references: &[],
        };
        assert_eq!(
            conversation.patient_message(&follow_up, MailboxRole::Standard),
            PatientMessageKind::Reply
        );
    }

    #[test]
    fn seed_message_not_answering_this_box_is_unsolicited() {
        let mut conversation = Conversation::default();
        conversation.professional_sent(FIRST, false);
        for message in [
            answer("<someone-else@other.mssante.fr>", &[]),
            PatientMessage::default(),
        ] {
            assert_eq!(
                conversation.patient_message(&message, MailboxRole::Standard),
                PatientMessageKind::Unsolicited
            );
        }
        // Another box's conversation with the same patient does not count either.
        let mut conversations = Conversations::default();
        conversations.professional_sent(&key(), FIRST, false);
        let other_box = ConversationKey::new("accueil@ch-test.mssante.fr", patient());
        assert_eq!(
            conversations.patient_message(&other_box, &answer(FIRST, &[]), MailboxRole::Standard),
            PatientMessageKind::Unsolicited
        );
    }

    #[test]
    fn eco_2_2_8_reply_after_fin_is_unsolicited() {
        let mut conversation = Conversation::default();
        conversation.professional_sent(FIRST, false);
        conversation.professional_sent("<a2@pli.example>", true);
        assert_eq!(conversation.state(), ConversationState::Closed);
        assert!(!conversation.patient_may_reply());
        assert_eq!(
            conversation
                .patient_message(&answer("<a2@pli.example>", &[FIRST]), MailboxRole::Standard),
            PatientMessageKind::Unsolicited
        );
    }

    #[test]
    fn eco_2_2_8_first_message_may_close_at_once() {
        let mut conversation = Conversation::default();
        conversation.professional_sent(FIRST, true);
        assert_eq!(conversation.state(), ConversationState::Closed);
        assert_eq!(
            conversation.patient_message(&answer(FIRST, &[]), MailboxRole::Standard),
            PatientMessageKind::Unsolicited
        );
    }

    #[test]
    fn seed_only_professional_closes() {
        let mut conversation = Conversation::default();
        conversation.professional_sent(FIRST, false);
        for _ in 0..3 {
            conversation.patient_message(&answer(FIRST, &[]), MailboxRole::Standard);
        }
        assert_eq!(conversation.state(), ConversationState::Open);
    }

    #[test]
    fn seed_professional_reopens_after_fin_and_old_thread_stays_closed() {
        let mut conversation = Conversation::default();
        conversation.professional_sent(FIRST, true);
        conversation.professional_sent("<b1@pli.example>", false);
        assert_eq!(conversation.state(), ConversationState::Open);
        assert_eq!(
            conversation.patient_message(&answer(FIRST, &[]), MailboxRole::Standard),
            PatientMessageKind::Unsolicited
        );
        assert_eq!(
            conversation.patient_message(&answer("<b1@pli.example>", &[]), MailboxRole::Standard),
            PatientMessageKind::Reply
        );
    }

    #[test]
    fn seed_pharmacy_patient_may_initiate_a_prescription() {
        let mut conversations = Conversations::default();
        let pharmacy = ConversationKey::new("officine@pharmacie-test.mssante.fr", patient());
        let kind = conversations.patient_message(
            &pharmacy,
            &PatientMessage {
                message_id: Some("<rx@patient.mssante.fr>"),
                ..PatientMessage::default()
            },
            MailboxRole::Pharmacy,
        );
        assert_eq!(kind, PatientMessageKind::Prescription);
        // Sending a prescription does not open a conversation: the pharmacist does, by answering.
        assert_eq!(
            conversations.state(&pharmacy),
            ConversationState::NotStarted
        );
        conversations.professional_sent(&pharmacy, "<ph1@pli.example>", false);
        assert_eq!(
            conversations.patient_message(
                &pharmacy,
                &answer("<ph1@pli.example>", &[]),
                MailboxRole::Pharmacy
            ),
            PatientMessageKind::Reply
        );
    }

    #[test]
    fn seed_pharmacy_exception_is_only_for_pharmacies() {
        let mut conversation = Conversation::default();
        assert_eq!(
            conversation.patient_message(&PatientMessage::default(), MailboxRole::Standard),
            PatientMessageKind::Unsolicited
        );
        conversation.professional_sent(FIRST, true);
        assert_eq!(
            conversation.patient_message(&answer(FIRST, &[]), MailboxRole::Pharmacy),
            PatientMessageKind::Prescription
        );
    }

    #[test]
    fn eco_2_2_8_replay_classifies_each_patient_message_as_it_stood_when_it_arrived() {
        let early = answer(FIRST, &[]);
        let late = PatientMessage {
            message_id: Some("<p9@patient.mssante.fr>"),
            ..answer("<a2@pli.example>", &[FIRST])
        };
        let (conversation, kinds) = replay(
            [
                Exchange::Sent {
                    message_id: FIRST,
                    closes: false,
                },
                Exchange::Received(early),
                Exchange::Sent {
                    message_id: "<a2@pli.example>",
                    closes: true,
                },
                Exchange::Received(late),
            ],
            MailboxRole::Standard,
        );
        assert_eq!(
            kinds,
            [PatientMessageKind::Reply, PatientMessageKind::Unsolicited]
        );
        assert_eq!(conversation.state(), ConversationState::Closed);
        let (_, pharmacy) = replay([Exchange::Received(late)], MailboxRole::Pharmacy);
        assert_eq!(pharmacy, [PatientMessageKind::Prescription]);
    }

    #[test]
    fn conversation_key_ignores_mailbox_case() {
        assert_eq!(
            ConversationKey::new(" DR.MARTIN@Medecin.MSSante.fr", patient()),
            key()
        );
        assert_eq!(key().mailbox(), "dr.martin@medecin.mssante.fr");
    }

    #[test]
    fn conversation_survives_serialisation() {
        let mut conversation = Conversation::default();
        conversation.professional_sent(FIRST, false);
        let json = serde_json::to_string(&conversation).unwrap_or_default();
        let mut restored: Conversation = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(restored, conversation);
        assert_eq!(
            restored.patient_message(&answer(FIRST, &[]), MailboxRole::Standard),
            PatientMessageKind::Reply
        );
    }

    #[test]
    fn message_ids_read_brackets_and_bare_ids() {
        assert_eq!(
            message_ids(" <a@b>\r\n <c@d> "),
            vec!["a@b".to_owned(), "c@d".to_owned()]
        );
        assert_eq!(message_ids("a@b"), vec!["a@b".to_owned()]);
        assert!(message_ids("  ").is_empty());
        assert!(message_ids("<>").is_empty());
    }

    #[test]
    fn reported_bounce_reasons_from_status_codes() {
        let cases = [
            ("5.1.1", BounceReason::PatientUnknown),
            ("5.1.3", BounceReason::InvalidAddress),
            ("5.1.2", BounceReason::InvalidAddress),
            ("5.2.1", BounceReason::MessagingClosed),
            ("5.3.4", BounceReason::TooLarge),
            ("5.2.3", BounceReason::TooLarge),
            ("5.7.1", BounceReason::Other),
        ];
        for (status, reason) in cases {
            assert_eq!(bounce_reason(Some(status), None), reason, "{status}");
        }
    }

    #[test]
    fn reported_bounce_reasons_from_text() {
        let cases = [
            (
                "550 5.7.1 La conversation a été clôturée par le professionnel",
                BounceReason::ConversationClosed,
            ),
            (
                "Conversation closed by the sender (X-MSS-MES: FIN)",
                BounceReason::ConversationClosed,
            ),
            (
                "550 5.1.1 Messagerie du patient fermée",
                BounceReason::MessagingClosed,
            ),
            (
                "Le patient s'est opposé à l'utilisation de Mon espace santé",
                BounceReason::MessagingClosed,
            ),
            (
                "550 Mailbox disabled for this recipient",
                BounceReason::MessagingClosed,
            ),
            (
                "552 Message size exceeds fixed maximum message size",
                BounceReason::TooLarge,
            ),
            (
                "Message trop volumineux (25 Mo maximum)",
                BounceReason::TooLarge,
            ),
            ("553 5.1.3 Adresse invalide", BounceReason::InvalidAddress),
            (
                "Adresse de syntaxe incorrecte",
                BounceReason::InvalidAddress,
            ),
            ("550 Destinataire inconnu", BounceReason::PatientUnknown),
            ("550 Patient introuvable", BounceReason::PatientUnknown),
            ("Cette adresse n’existe pas", BounceReason::PatientUnknown),
            ("554 Transaction failed", BounceReason::Other),
            ("", BounceReason::Other),
        ];
        for (text, reason) in cases {
            assert_eq!(bounce_reason(None, Some(text)), reason, "{text}");
        }
    }

    #[test]
    fn reported_closed_messaging_wins_over_a_generic_code() {
        assert_eq!(
            bounce_reason(
                Some("5.1.1"),
                Some("550 5.1.1 compte Mon espace santé clôturé")
            ),
            BounceReason::MessagingClosed
        );
    }

    #[test]
    fn reported_code_inside_the_diagnostic_is_used() {
        assert_eq!(
            bounce_reason(
                None,
                Some("smtp; 550 5.1.1 <x@patient.mssante.fr>: rejected")
            ),
            BounceReason::PatientUnknown
        );
        assert_eq!(enhanced_status_code("550 5.1.1 x"), Some("5.1.1".into()));
        assert_eq!(enhanced_status_code("version 1.2.3"), None);
        assert_eq!(enhanced_status_code("nothing"), None);
    }
}
