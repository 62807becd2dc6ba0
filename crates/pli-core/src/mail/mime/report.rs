//! Reports that servers and mail programs send about a message: delivery status notifications
//! (RFC 3464, a bounce or a delay) and message disposition notifications (RFC 8098, a read
//! receipt). Both are a `multipart/report` whose machine-readable part is a block of
//! `Name: value` fields; the walker hands that part here, so a report is read by the same
//! hardened pass as the rest of the message and never by a second parser.

use serde::Serialize;

use super::headers::clean_line;
use crate::mssante::conversation::{failed_delivery, Bounce};

/// Beyond this many recipients a delivery report is cut short: real ones name a handful, and a
/// hostile one must not grow the model without bound.
const MAX_RECIPIENTS: usize = 1_000;

/// What a report says, read from its machine-readable part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Report {
    /// `message/delivery-status` (RFC 3464): what became of the message for each recipient.
    DeliveryStatus(DeliveryReport),
    /// `message/disposition-notification` (RFC 8098): what the recipient did with the message.
    Disposition(DispositionReport),
}

/// A delivery status notification.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    /// The server that wrote the report, without its type (`dns;`).
    pub reporting_mta: Option<String>,
    /// The Message-ID of the message reported on, without angle brackets, from the headers
    /// the report returns.
    pub original_message_id: Option<String>,
    pub recipients: Vec<RecipientStatus>,
}

/// What happened for one recipient of a delivery status notification.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecipientStatus {
    /// `Final-Recipient`, without its type (`rfc822;`).
    pub final_recipient: Option<String>,
    /// `Original-Recipient`, without its type.
    pub original_recipient: Option<String>,
    /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`, lower case.
    pub action: Option<String>,
    /// The enhanced status code, e.g. `5.1.1`.
    pub status: Option<String>,
    /// `Diagnostic-Code`, without its type (`smtp;`).
    pub diagnostic: Option<String>,
}

/// A message disposition notification (a read receipt).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DispositionReport {
    /// The program that wrote the notification (`Reporting-UA`).
    pub reporting_ua: Option<String>,
    /// `Final-Recipient`, without its type: the box the message was read in.
    pub final_recipient: Option<String>,
    pub original_recipient: Option<String>,
    /// `Original-Message-ID` (or the Message-ID of the returned headers), without brackets.
    pub original_message_id: Option<String>,
    /// The `Disposition` field as written, e.g. `manual-action/MDN-sent-manually; displayed`.
    pub disposition: Option<String>,
}

impl Report {
    /// The recipients a delivery status notification failed for, and why; none for anything
    /// else (a delay, a success, a read receipt).
    pub fn bounces(&self) -> Vec<Bounce> {
        let Report::DeliveryStatus(report) = self else {
            return Vec::new();
        };
        report
            .recipients
            .iter()
            .filter_map(|recipient| {
                let address = recipient
                    .final_recipient
                    .as_deref()
                    .or(recipient.original_recipient.as_deref())?;
                failed_delivery(
                    address,
                    recipient.action.as_deref(),
                    recipient.status.as_deref(),
                    recipient.diagnostic.as_deref(),
                )
            })
            .collect()
    }

    /// Takes the Message-ID of the returned original when the fields did not give one.
    pub(super) fn fill_original_message_id(&mut self, id: Option<String>) {
        let slot = match self {
            Report::DeliveryStatus(report) => &mut report.original_message_id,
            Report::Disposition(report) => &mut report.original_message_id,
        };
        if slot.is_none() {
            *slot = id;
        }
    }
}

/// The kind of report a part carries, from its content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ReportPart {
    DeliveryStatus,
    Disposition,
}

impl ReportPart {
    pub(super) fn of(mime_type: &str) -> Option<Self> {
        match mime_type {
            "message/delivery-status" | "message/global-delivery-status" => {
                Some(Self::DeliveryStatus)
            }
            "message/disposition-notification" | "message/global-disposition-notification" => {
                Some(Self::Disposition)
            }
            _ => None,
        }
    }

    /// Reads the fields of the part (already decoded to text).
    pub(super) fn read(self, fields: &str) -> Report {
        let groups = field_groups(fields);
        match self {
            Self::DeliveryStatus => Report::DeliveryStatus(delivery_report(&groups)),
            Self::Disposition => Report::Disposition(disposition_report(&groups)),
        }
    }
}

/// Whether a part returns the headers (or the whole) of the message a report is about.
pub(super) fn returns_original(mime_type: &str) -> bool {
    matches!(
        mime_type,
        "text/rfc822-headers" | "message/rfc822" | "message/global" | "message/global-headers"
    )
}

type Fields = Vec<(String, String)>;

fn delivery_report(groups: &[Fields]) -> DeliveryReport {
    let mut report = DeliveryReport::default();
    for fields in groups {
        let field = |name: &str| field(fields, name);
        if report.reporting_mta.is_none() {
            report.reporting_mta = field("Reporting-MTA").map(without_type);
        }
        let address = |name: &str| field(name).map(without_type).filter(|a| !a.is_empty());
        let final_recipient = address("Final-Recipient");
        let original_recipient = address("Original-Recipient");
        if final_recipient.is_none() && original_recipient.is_none() {
            continue;
        }
        if report.recipients.len() >= MAX_RECIPIENTS {
            break;
        }
        report.recipients.push(RecipientStatus {
            final_recipient,
            original_recipient,
            action: field("Action").map(str::to_ascii_lowercase),
            status: field("Status").map(str::to_owned),
            diagnostic: field("Diagnostic-Code").map(without_type),
        });
    }
    report
}

fn disposition_report(groups: &[Fields]) -> DispositionReport {
    let all: Fields = groups.iter().flatten().cloned().collect();
    let field = |name: &str| field(&all, name);
    DispositionReport {
        reporting_ua: field("Reporting-UA").map(str::to_owned),
        final_recipient: field("Final-Recipient")
            .map(without_type)
            .filter(|a| !a.is_empty()),
        original_recipient: field("Original-Recipient")
            .map(without_type)
            .filter(|a| !a.is_empty()),
        original_message_id: field("Original-Message-ID").and_then(bare_message_id),
        disposition: field("Disposition").map(str::to_owned),
    }
}

/// The first non-empty value of a field, by case-insensitive name.
fn field<'f>(fields: &'f Fields, name: &str) -> Option<&'f str> {
    fields
        .iter()
        .find(|(field, value)| field.eq_ignore_ascii_case(name) && !value.is_empty())
        .map(|(_, value)| value.as_str())
}

/// The groups of `Name: value` fields of a report, separated by blank lines, with folded
/// lines joined and every value on one clean line.
fn field_groups(text: &str) -> Vec<Fields> {
    let mut groups: Vec<Fields> = vec![Vec::new()];
    for line in text.lines() {
        if line.trim().is_empty() {
            if groups.last().is_some_and(|group| !group.is_empty()) {
                groups.push(Vec::new());
            }
            continue;
        }
        let Some(group) = groups.last_mut() else {
            continue;
        };
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = group.last_mut() {
                value.push(' ');
                value.push_str(&clean_line(line));
            }
        } else if let Some((name, value)) = line.split_once(':') {
            group.push((name.trim().to_owned(), clean_line(value)));
        }
    }
    groups.retain(|group| !group.is_empty());
    groups
}

/// `rfc822; patient@…` → `patient@…`, `smtp; 550 …` → `550 …`.
fn without_type(value: &str) -> String {
    value
        .split_once(';')
        .map_or(value, |(_, rest)| rest)
        .trim()
        .to_owned()
}

/// `<id@host>` → `id@host`, as the reading model keeps Message-IDs.
fn bare_message_id(value: &str) -> Option<String> {
    let id = value.trim().trim_start_matches('<').trim_end_matches('>');
    (!id.is_empty()).then(|| id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::super::read_message;
    use super::*;
    use crate::mssante::conversation::BounceReason;

    const POSTFIX_REPORT: &str = "Reporting-MTA: dns; mx1.medecin.mssante.fr\r\n\
X-Postfix-Queue-ID: 4Q1b2C3d4\r\n\
Arrival-Date: Tue, 4 Nov 2025 10:12:03 +0100 (CET)\r\n\
\r\n\
Final-Recipient: rfc822; 279035121518989@patient.mssante.fr\r\n\
Original-Recipient: rfc822;279035121518989@patient.mssante.fr\r\n\
Action: failed\r\n\
Status: 5.1.1\r\n\
Remote-MTA: dns; mx.patient.mssante.fr\r\n\
Diagnostic-Code: smtp; 550 5.1.1 <279035121518989@patient.mssante.fr>:\r\n\
\tRecipient address rejected: User unknown\r\n\
\r\n\
Final-Recipient: rfc822; accueil@ch-test.mssante.fr\r\n\
Action: delayed\r\n\
Status: 4.4.1\r\n\
Diagnostic-Code: smtp; 421 4.4.1 connection timed out\r\n";

    /// A bounce as Postfix sends it, around the given `message/delivery-status` fields.
    fn bounce_message(fields: &str) -> String {
        format!(
            "From: MAILER-DAEMON@medecin.mssante.fr\r\n\
             Subject: Undelivered Mail Returned to Sender\r\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\
             \r\n\
             --b\r\n\
             Content-Type: text/plain\r\n\
             \r\n\
             I'm sorry to have to inform you that your message could not be delivered.\r\n\
             --b\r\n\
             Content-Type: message/delivery-status\r\n\
             \r\n\
             {fields}\r\n\
             --b\r\n\
             Content-Type: text/rfc822-headers\r\n\
             \r\n\
             From: dr.martin@medecin.mssante.fr\r\n\
             Message-ID: <envoi-7@medecin.mssante.fr>\r\n\
             Subject: Compte rendu\r\n\
             \r\n\
             --b--\r\n"
        )
    }

    fn bounces_of(fields: &str) -> Vec<Bounce> {
        read_message(bounce_message(fields).as_bytes())
            .report
            .map(|report| report.bounces())
            .unwrap_or_default()
    }

    #[test]
    fn rfc_3464_failed_recipients_only() {
        let bounces = bounces_of(POSTFIX_REPORT);
        assert_eq!(
            bounces,
            vec![Bounce {
                recipient: Some("279035121518989@patient.mssante.fr".into()),
                status: Some("5.1.1".into()),
                diagnostic: Some(
                    "550 5.1.1 <279035121518989@patient.mssante.fr>: Recipient address \
                     rejected: User unknown"
                        .into()
                ),
                reason: BounceReason::PatientUnknown,
            }]
        );
    }

    #[test]
    fn rfc_3464_without_action_a_permanent_status_is_a_failure() {
        let report = "Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; x@patient.mssante.fr\nStatus: 5.3.4\n";
        let bounces = bounces_of(report);
        assert_eq!(bounces.len(), 1);
        assert_eq!(bounces[0].reason, BounceReason::TooLarge);
        assert!(bounces_of("not a report at all").is_empty());
        assert!(bounces_of("").is_empty());
    }

    #[test]
    fn a_delivery_report_names_its_recipients_and_the_returned_message() {
        let model = read_message(bounce_message(POSTFIX_REPORT).as_bytes());
        let Some(Report::DeliveryStatus(report)) = &model.report else {
            panic!("a delivery report: {:?}", model.report);
        };
        assert_eq!(
            report.reporting_mta.as_deref(),
            Some("mx1.medecin.mssante.fr")
        );
        assert_eq!(
            report.original_message_id.as_deref(),
            Some("envoi-7@medecin.mssante.fr")
        );
        let actions: Vec<Option<&str>> = report
            .recipients
            .iter()
            .map(|recipient| recipient.action.as_deref())
            .collect();
        assert_eq!(actions, [Some("failed"), Some("delayed")]);
        assert_eq!(
            report.recipients[0].original_recipient.as_deref(),
            Some("279035121518989@patient.mssante.fr")
        );
        assert!(model.text.starts_with("I'm sorry"), "{}", model.text);
    }

    #[test]
    fn a_message_that_is_no_report_has_none() {
        assert_eq!(
            read_message(b"From: a@b\r\nSubject: hi\r\n\r\nhello\r\n").report,
            None
        );
    }

    #[test]
    fn a_delivery_report_is_cut_short_after_many_recipients() {
        let fields = "Final-Recipient: rfc822; x@y.fr\nAction: failed\n\n".repeat(5_000);
        let model = read_message(bounce_message(&fields).as_bytes());
        let Some(Report::DeliveryStatus(report)) = &model.report else {
            panic!("a delivery report");
        };
        assert_eq!(report.recipients.len(), MAX_RECIPIENTS);
    }

    proptest::proptest! {
        #[test]
        fn rfc_3464_parse_never_panics(report in "(\\PC|\r?\n){0,300}") {
            for bounce in bounces_of(&report) {
                proptest::prop_assert!(bounce.recipient.is_some());
            }
        }
    }
}
