//! Which side of the trust space an address is on, and what must stop a message before it
//! leaves.
//!
//! Every MSSanté address ends with `mssante.fr` (SEED), but only the domains of the published
//! list are actually in the trust space (ANN): a subdomain missing from the list is most likely
//! a typo or a domain newer than our copy of the list, so it is flagged, not refused. Health
//! data must not leave the trust space without the user saying so, and a patient address with a
//! wrong key is never sent to, since it designates someone else or no one.

use crate::mssante::ins::{Ins, InsError, PATIENT_DOMAIN};
use crate::mssante::whitelist::TrustList;

/// The domain every MSSanté address belongs to, directly or through a subdomain.
pub const MSSANTE_DOMAIN: &str = "mssante.fr";

/// Mon espace santé refuses messages over 25 MB. Read as 25,000,000 bytes, the smaller of the
/// two readings of "Mo", so that no message we let through is bounced for its size.
pub const PATIENT_MESSAGE_SIZE_LIMIT: u64 = 25_000_000;

/// Where an address stands with respect to the trust space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressClass {
    /// A listed `mssante.fr` domain: a professional or organisational mailbox.
    Professional,
    /// Ends with `mssante.fr` but its domain is not in the loaded list: a typo, or a domain
    /// newer than the list. Shown to the user, does not stop a send.
    ProfessionalUnlisted,
    /// `<INS>@patient.mssante.fr` with a valid matricule.
    Patient(Ins),
    /// `@patient.mssante.fr` with a local part that is not a valid matricule.
    InvalidPatient(InsError),
    /// Anything else, including addresses that are not addresses at all.
    Outside,
}

/// Something about the recipients or the message that the composer must show before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendIssue {
    /// Health data would leave the trust space: sent only if the user explicitly confirms.
    OutsideTrustSpace { address: String },
    /// A patient address that is not a valid matricule: never sent.
    InvalidPatientAddress { address: String, reason: InsError },
    /// Mon espace santé would bounce the message: never sent as is.
    TooLargeForPatient { size: u64, limit: u64 },
    /// An `mssante.fr` domain missing from the list: shown, not stopping.
    UnlistedDomain { address: String },
}

/// How an issue weighs on sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Shown; the message may leave.
    Notice,
    /// The message leaves only if the user explicitly confirms.
    NeedsConfirmation,
    /// The message cannot leave until the issue is fixed.
    Blocking,
}

/// Everything the composer must show about a message before sending it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendCheck {
    issues: Vec<SendIssue>,
}

/// Classifies one address (an addr-spec, `local@domain`; surrounding whitespace ignored).
/// Domains compare case-insensitively; the list is matched on the exact domain.
pub fn classify(address: &str, trust_list: &TrustList) -> AddressClass {
    let Some((local_part, domain)) = address.trim().rsplit_once('@') else {
        return AddressClass::Outside;
    };
    if local_part.is_empty() || domain.is_empty() {
        return AddressClass::Outside;
    }
    if domain.eq_ignore_ascii_case(PATIENT_DOMAIN) {
        return match Ins::from_local_part(local_part) {
            Ok(ins) => AddressClass::Patient(ins),
            Err(reason) => AddressClass::InvalidPatient(reason),
        };
    }
    if !is_mssante_domain(domain) {
        AddressClass::Outside
    } else if trust_list.contains(domain) {
        AddressClass::Professional
    } else {
        AddressClass::ProfessionalUnlisted
    }
}

/// Checks all the recipients of a message (To, Cc and Bcc together) and its size as it will
/// go on the wire, MIME-encoded.
pub fn check_send<'a>(
    recipients: impl IntoIterator<Item = &'a str>,
    message_size: u64,
    trust_list: &TrustList,
) -> SendCheck {
    let mut issues = Vec::new();
    let mut writes_to_a_patient = false;
    for address in recipients {
        let address = address.trim();
        match classify(address, trust_list) {
            AddressClass::Professional => {}
            AddressClass::Patient(_) => writes_to_a_patient = true,
            AddressClass::ProfessionalUnlisted => issues.push(SendIssue::UnlistedDomain {
                address: address.to_owned(),
            }),
            AddressClass::InvalidPatient(reason) => issues.push(SendIssue::InvalidPatientAddress {
                address: address.to_owned(),
                reason,
            }),
            AddressClass::Outside => issues.push(SendIssue::OutsideTrustSpace {
                address: address.to_owned(),
            }),
        }
    }
    if writes_to_a_patient && message_size > PATIENT_MESSAGE_SIZE_LIMIT {
        issues.push(SendIssue::TooLargeForPatient {
            size: message_size,
            limit: PATIENT_MESSAGE_SIZE_LIMIT,
        });
    }
    SendCheck { issues }
}

impl SendIssue {
    pub fn severity(&self) -> Severity {
        match self {
            Self::UnlistedDomain { .. } => Severity::Notice,
            Self::OutsideTrustSpace { .. } => Severity::NeedsConfirmation,
            Self::InvalidPatientAddress { .. } | Self::TooLargeForPatient { .. } => {
                Severity::Blocking
            }
        }
    }
}

impl SendCheck {
    pub fn issues(&self) -> &[SendIssue] {
        &self.issues
    }

    /// Whether the user must confirm sending outside the trust space.
    pub fn needs_confirmation(&self) -> bool {
        self.worst() == Some(Severity::NeedsConfirmation)
    }

    /// Whether the message may leave now, given whether the user explicitly confirmed sending
    /// outside the trust space. No confirmation lifts a blocking issue.
    pub fn may_send(&self, outside_confirmed: bool) -> bool {
        match self.worst() {
            None | Some(Severity::Notice) => true,
            Some(Severity::NeedsConfirmation) => outside_confirmed,
            Some(Severity::Blocking) => false,
        }
    }

    fn worst(&self) -> Option<Severity> {
        self.issues.iter().map(SendIssue::severity).max()
    }
}

/// `mssante.fr` itself or a subdomain of it; `evilmssante.fr` is neither. The one rule both the
/// addresses (SEED) and the servers' trust (ECO.1.1.10) follow.
pub fn is_mssante_domain(domain: &str) -> bool {
    let domain = domain.to_ascii_lowercase();
    match domain.strip_suffix(MSSANTE_DOMAIN) {
        Some("") => true,
        Some(prefix) => prefix
            .strip_suffix('.')
            .is_some_and(|labels| labels.split('.').all(|label| !label.is_empty())),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mssante::whitelist::TEST_LIST;

    fn list() -> TrustList {
        TrustList::parse(TEST_LIST).unwrap_or_else(|e| panic!("test list: {e}"))
    }

    fn patient() -> Ins {
        Ins::parse("279035121518989").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn seed_listed_mssante_subdomain_is_professional() {
        let list = list();
        for address in [
            "accueil@ch-test.mssante.fr",
            "jean.dupont@ehpad_dumoulin.mssante.fr",
            "Officine@Pharmacie-Test.MSSante.FR",
            "  dr.martin@medecin.mssante.fr ",
        ] {
            assert_eq!(
                classify(address, &list),
                AddressClass::Professional,
                "{address}"
            );
        }
    }

    #[test]
    fn ann_unlisted_mssante_domain_is_flagged() {
        let list = list();
        for address in [
            "accueil@ch-tset.mssante.fr",
            "x@cardio.ch-test.mssante.fr",
            "x@mssante.fr",
            "x@MSSANTE.FR",
        ] {
            assert_eq!(
                classify(address, &list),
                AddressClass::ProfessionalUnlisted,
                "{address}"
            );
        }
    }

    #[test]
    fn seed_lookalike_domains_are_outside() {
        let list = list();
        for address in [
            "x@evilmssante.fr",
            "x@mssante.fr.example.com",
            "x@mssante.com",
            "x@.mssante.fr",
            "x@a..mssante.fr",
            "x@gmail.com",
            "no-at-sign",
            "@ch-test.mssante.fr",
            "x@",
            "",
        ] {
            assert_eq!(classify(address, &list), AddressClass::Outside, "{address}");
        }
    }

    #[test]
    fn seed_patient_address_is_patient() {
        let list = list();
        assert_eq!(
            classify("279035121518989@patient.mssante.fr", &list),
            AddressClass::Patient(patient())
        );
        assert_eq!(
            classify("279035121518989@PATIENT.mssante.fr", &list),
            AddressClass::Patient(patient())
        );
        // Patients are recognised by their domain, even with a list that lacks it.
        let without_patients =
            TrustList::parse("<L><Domaine><Nom>ch-test.mssante.fr</Nom></Domaine></L>")
                .unwrap_or_default();
        assert_eq!(
            classify("279035121518989@patient.mssante.fr", &without_patients),
            AddressClass::Patient(patient())
        );
    }

    #[test]
    fn seed_patient_address_with_wrong_key_is_invalid() {
        assert_eq!(
            classify("279035121518988@patient.mssante.fr", &list()),
            AddressClass::InvalidPatient(InsError::WrongKey {
                expected: 89,
                found: 88
            })
        );
        assert_eq!(
            classify("jean.dupont@patient.mssante.fr", &list()),
            AddressClass::InvalidPatient(InsError::UnexpectedCharacter {
                position: 1,
                found: 'j'
            })
        );
    }

    #[test]
    fn ann_outside_recipient_needs_explicit_confirmation() {
        let check = check_send(
            ["accueil@ch-test.mssante.fr", "famille@example.com"],
            1_000,
            &list(),
        );
        assert_eq!(
            check.issues(),
            [SendIssue::OutsideTrustSpace {
                address: "famille@example.com".into()
            }]
        );
        assert!(check.needs_confirmation());
        assert!(!check.may_send(false));
        assert!(check.may_send(true));
    }

    #[test]
    fn ann_invalid_patient_address_blocks_even_when_confirmed() {
        let check = check_send(
            ["279035121518988@patient.mssante.fr", "x@example.com"],
            1_000,
            &list(),
        );
        assert_eq!(check.issues().len(), 2);
        assert!(!check.needs_confirmation());
        assert!(!check.may_send(true));
    }

    #[test]
    fn ann_patient_size_limit_is_25_mb() {
        let to_patient = ["279035121518989@patient.mssante.fr"];
        assert!(check_send(to_patient, 25_000_000, &list()).may_send(false));
        let check = check_send(to_patient, 25_000_001, &list());
        assert_eq!(
            check.issues(),
            [SendIssue::TooLargeForPatient {
                size: 25_000_001,
                limit: 25_000_000
            }]
        );
        assert!(!check.may_send(true));
    }

    #[test]
    fn ann_size_limit_applies_only_when_a_patient_is_a_recipient() {
        let check = check_send(["accueil@ch-test.mssante.fr"], 40_000_000, &list());
        assert!(check.issues().is_empty());
        assert!(check.may_send(false));
    }

    #[test]
    fn ann_patient_and_professional_may_share_a_message() {
        let check = check_send(
            [
                "279035121518989@patient.mssante.fr",
                "dr.martin@medecin.mssante.fr",
            ],
            1_000,
            &list(),
        );
        assert!(check.issues().is_empty());
        assert!(check.may_send(false));
    }

    #[test]
    fn ann_unlisted_domain_is_a_notice_only() {
        let check = check_send(["x@nouveau-ch.mssante.fr"], 1_000, &list());
        assert_eq!(
            check.issues(),
            [SendIssue::UnlistedDomain {
                address: "x@nouveau-ch.mssante.fr".into()
            }]
        );
        assert!(!check.needs_confirmation());
        assert!(check.may_send(false));
    }

    #[test]
    fn severities_are_ordered() {
        assert!(Severity::Notice < Severity::NeedsConfirmation);
        assert!(Severity::NeedsConfirmation < Severity::Blocking);
    }
}
