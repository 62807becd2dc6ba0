//! The sentences a person reads for what the core reports, in the interface language. The core
//! types stay free of wording; the window and the command line both come here.

use crate::args;
use crate::i18n::I18n;
use pli_core::directory::fhir::FhirError;
use pli_core::mail::account::Endpoint;
use pli_core::mail::connect::ConnectError;
use pli_core::mail::ocsp::{self, Unanswered};
use pli_core::mail::oidc::{IssuerProblem, OidcError};
use pli_core::mail::revocation::RevocationStatus;
use pli_core::mail::secrets::SecretError;
use pli_core::mail::send::SendError;
use pli_core::mail::sync::SyncError;
use pli_core::mail::tls::CertificateProblem;
use pli_core::mail::worker::BodyError;
use pli_core::mssante::address::SendIssue;
use pli_core::mssante::ins::{BirthPlace, Ins, InsError, InsWarning, Sex};
use pli_core::usecase::accounts::{AccountsError, TestReport};
use pli_core::usecase::handling::HandlingError;
use pli_core::usecase::health_document::HealthDocumentError;

/// The sentence a person reads for an error of the core, in the interface language: the core
/// says what went wrong (its error kinds), the front ends say it in words.
pub trait Localize {
    fn localize(&self, i18n: &I18n) -> String;
}

impl Localize for ConnectError {
    /// The sentence shown to the user, in the interface language.
    fn localize(&self, i18n: &I18n) -> String {
        use crate::args;
        use pli_core::mail::secrets::SecretError as S;
        let at = |id: &str, endpoint: &Endpoint| {
            i18n.t_args(id, args!["endpoint" => endpoint.to_string()])
        };
        match self {
            ConnectError::Unreachable { endpoint, .. } => at("error-unreachable", endpoint),
            ConnectError::TimedOut { endpoint } => at("error-timeout", endpoint),
            ConnectError::StartTlsMissing { endpoint } => at("error-starttls-missing", endpoint),
            ConnectError::Certificate { endpoint, problem } => match problem {
                CertificateProblem::Expired => at("error-certificate-expired", endpoint),
                CertificateProblem::NotYetValid => at("error-certificate-not-yet-valid", endpoint),
                CertificateProblem::WrongHost => at("error-certificate-wrong-host", endpoint),
                CertificateProblem::UntrustedAuthority => {
                    at("error-certificate-untrusted", endpoint)
                }
                CertificateProblem::Revoked => at("error-certificate-revoked", endpoint),
                CertificateProblem::RevocationUnknown => {
                    at("error-certificate-revocation-unknown", endpoint)
                }
                CertificateProblem::OcspUnanswered(unanswered) => i18n.t_args(
                    "error-certificate-ocsp-unanswered",
                    &ocsp_args(endpoint, unanswered),
                ),
                CertificateProblem::Other(detail) => i18n.t_args(
                    "error-certificate-other",
                    args!["endpoint" => endpoint.to_string(), "detail" => detail.clone()],
                ),
            },
            ConnectError::Tls { endpoint, reason } => i18n.t_args(
                "error-tls",
                args!["endpoint" => endpoint.to_string(), "detail" => reason.clone()],
            ),
            ConnectError::NotTheProtocol {
                endpoint, protocol, ..
            } => i18n.t_args(
                "error-not-the-protocol",
                args!["endpoint" => endpoint.to_string(), "protocol" => protocol.to_string()],
            ),
            ConnectError::WrongPassword { endpoint, login } => i18n.t_args(
                "error-wrong-password",
                args!["endpoint" => endpoint.to_string(), "login" => login.clone()],
            ),
            ConnectError::TokenRefused { .. } => i18n.t("error-token-refused"),
            ConnectError::CertificateRefused { endpoint } => {
                at("error-certificate-refused", endpoint)
            }
            ConnectError::Server { endpoint, detail } => i18n.t_args(
                "error-server",
                args!["endpoint" => endpoint.to_string(), "detail" => detail.clone()],
            ),
            ConnectError::Config(detail) => {
                i18n.t_args("error-config", args!["detail" => detail.clone()])
            }
            ConnectError::TlsSetup(error) => i18n.t_args(
                "error-certificate-file",
                args!["detail" => error.to_string()],
            ),
            ConnectError::Secret(error) => match error {
                S::Unavailable(_) => i18n.t("error-keyring-unavailable"),
                S::Locked(_) => i18n.t("error-keyring-locked"),
                S::Missing { account, .. } => {
                    i18n.t_args("error-keyring-missing", args!["name" => account.clone()])
                }
                S::Other(detail) => {
                    i18n.t_args("error-keyring-other", args!["detail" => detail.clone()])
                }
            },
            ConnectError::Psc(error) => error.localize(i18n),
        }
    }
}

impl Localize for AccountsError {
    fn localize(&self, i18n: &I18n) -> String {
        use pli_core::mail::account::AccountError;
        match self {
            AccountsError::Invalid(AccountError::Unknown(name)) => {
                i18n.t_args("error-unknown-box", args!["name" => name.clone()])
            }
            AccountsError::Invalid(AccountError::Duplicate(name)) => {
                i18n.t_args("error-duplicate-box", args!["name" => name.clone()])
            }
            AccountsError::Invalid(AccountError::BadName(name)) => {
                i18n.t_args("error-box-name", args!["name" => name.clone()])
            }
            AccountsError::Invalid(AccountError::BadAddress(address)) => {
                i18n.t_args("error-box-address", args!["address" => address.clone()])
            }
            AccountsError::Invalid(AccountError::CertificateMissing) => {
                i18n.t("error-box-certificate-missing")
            }
            AccountsError::Invalid(AccountError::PharmacyNotOrganisational) => {
                i18n.t("error-box-pharmacy-not-organisational")
            }
            AccountsError::Invalid(AccountError::OfflineMonthsOutOfRange) => {
                i18n.t("error-box-offline-months")
            }
            AccountsError::SecretMissing => i18n.t("form-secret-empty"),
            AccountsError::File(error) => {
                i18n.t_args("error-accounts-file", args!["detail" => error.to_string()])
            }
            AccountsError::Connect(error) => error.localize(i18n),
        }
    }
}

impl Localize for BodyError {
    fn localize(&self, i18n: &I18n) -> String {
        match self {
            BodyError::NotConnected | BodyError::Stopped => i18n.t("reader-body-offline"),
            BodyError::Gone => i18n.t("reader-body-gone"),
            BodyError::Sync(SyncError::Connect(error)) => error.localize(i18n),
            BodyError::Sync(SyncError::Imap(detail)) => {
                i18n.t_args("sync-error-server", args!["detail" => detail.clone()])
            }
            BodyError::Sync(SyncError::Store(error)) => {
                i18n.t_args("sync-error-store", args!["detail" => error.to_string()])
            }
        }
    }
}

/// A connection test as a person reads it: each server's capabilities, or the sentence that says
/// why it failed. The command line prints it (and writes it as JSON); the window shows it.
#[derive(Debug, serde::Serialize)]
pub struct LocalizedTestReport {
    pub imap: Result<Vec<String>, String>,
    pub smtp: Result<Vec<String>, String>,
    /// What the person should know although the test passed: a server whose certificate's
    /// revocation could not be checked, accepted under the soft-fail policy.
    pub notices: Vec<String>,
}

impl LocalizedTestReport {
    pub fn of(report: &TestReport, i18n: &I18n) -> Self {
        let say = |result: &Result<Vec<String>, ConnectError>| match result {
            Ok(capabilities) => Ok(capabilities.clone()),
            Err(error) => Err(error.localize(i18n)),
        };
        Self {
            imap: say(&report.imap),
            smtp: say(&report.smtp),
            notices: report
                .revocation
                .iter()
                .filter_map(|(endpoint, status)| match status {
                    RevocationStatus::Unknown { unanswered: None } => Some(i18n.t_args(
                        "account-revocation-unknown",
                        crate::args!["endpoint" => endpoint.to_string()],
                    )),
                    RevocationStatus::Unknown {
                        unanswered: Some(unanswered),
                    } => Some(i18n.t_args(
                        "account-revocation-ocsp-unanswered",
                        &ocsp_args(endpoint, unanswered),
                    )),
                    RevocationStatus::CoveredByList | RevocationStatus::GoodPerOcsp { .. } => None,
                })
                .collect(),
        }
    }

    /// Where a server's certificate was found not revoked, when its OCSP responder said so:
    /// what `pli account test` prints beside the capabilities.
    pub fn checked_by_ocsp(report: &TestReport, i18n: &I18n) -> Vec<String> {
        report
            .revocation
            .iter()
            .filter_map(|(endpoint, status)| match status {
                RevocationStatus::GoodPerOcsp { responder } => Some(i18n.t_args(
                    "account-revocation-ocsp-good",
                    crate::args![
                        "endpoint" => endpoint.to_string(),
                        "responder" => responder.clone()
                    ],
                )),
                _ => None,
            })
            .collect()
    }

    /// Both servers took the sign-in.
    pub fn succeeded(&self) -> bool {
        self.imap.is_ok() && self.smtp.is_ok()
    }
}

/// The words of an OCSP responder that settled nothing: the server, the responder, and
/// whether it answered at all.
fn ocsp_args(
    endpoint: &Endpoint,
    unanswered: &Unanswered,
) -> [(&'static str, fluent_bundle::FluentValue<'static>); 3] {
    let failure = match unanswered.failure {
        ocsp::Failure::NoAnswer => "no-answer",
        ocsp::Failure::Unusable => "unusable",
    };
    [
        ("endpoint", endpoint.to_string().into()),
        ("responder", unanswered.responder.clone().into()),
        ("failure", failure.into()),
    ]
}

impl Localize for OidcError {
    /// The sentence shown to the user, in the interface language.
    fn localize(&self, i18n: &I18n) -> String {
        use crate::args;
        match self {
            OidcError::NotConfigured { account } => {
                i18n.t_args("oidc-not-configured", args!["name" => account.clone()])
            }
            OidcError::MissingIssuer => i18n.t("oidc-missing-issuer"),
            OidcError::MissingClientId => i18n.t("oidc-missing-client-id"),
            OidcError::BadIssuer { issuer, problem } => {
                let id = match problem {
                    IssuerProblem::NotAnAddress | IssuerProblem::NoHost => {
                        "oidc-bad-issuer-not-an-address"
                    }
                    IssuerProblem::NotHttps => "oidc-bad-issuer-not-https",
                    IssuerProblem::HasQuery => "oidc-bad-issuer-query",
                };
                i18n.t_args(id, args!["issuer" => issuer.clone()])
            }
            OidcError::Unreachable { issuer, reason } => i18n.t_args(
                "oidc-unreachable",
                args!["issuer" => issuer.clone(), "detail" => reason.clone()],
            ),
            OidcError::NoConfiguration {
                issuer,
                url,
                status,
            } => i18n.t_args(
                "oidc-no-configuration",
                args!["issuer" => issuer.clone(), "url" => url.clone(), "status" => *status],
            ),
            OidcError::NotAProvider { url, .. } => {
                i18n.t_args("oidc-not-a-provider", args!["url" => url.clone()])
            }
            OidcError::IssuerMismatch { issuer } => {
                i18n.t_args("oidc-issuer-mismatch", args!["issuer" => issuer.clone()])
            }
            OidcError::Protocol { issuer, detail } => i18n.t_args(
                "oidc-protocol",
                args!["issuer" => issuer.clone(), "detail" => detail.clone()],
            ),
            OidcError::Listener(detail) => {
                i18n.t_args("oidc-listener", args!["detail" => detail.clone()])
            }
            OidcError::Browser(detail) => {
                i18n.t_args("oidc-browser", args!["detail" => detail.clone()])
            }
            OidcError::TimedOut { minutes } => {
                i18n.t_args("oidc-timed-out", args!["minutes" => *minutes])
            }
            OidcError::Cancelled => i18n.t("oidc-cancelled"),
            OidcError::StateMismatch => i18n.t("oidc-state-mismatch"),
            OidcError::IssuerMixUp { issuer } => {
                i18n.t_args("oidc-issuer-mix-up", args!["issuer" => issuer.clone()])
            }
            OidcError::Denied { error, .. } if error == "access_denied" => {
                i18n.t("oidc-denied-by-user")
            }
            OidcError::Denied { error, .. } => {
                i18n.t_args("oidc-denied", args!["error" => error.clone()])
            }
            OidcError::CodeRefused { issuer } => {
                i18n.t_args("oidc-code-refused", args!["issuer" => issuer.clone()])
            }
            OidcError::BadIdToken { issuer, reason } => i18n.t_args(
                "oidc-bad-id-token",
                args!["issuer" => issuer.clone(), "detail" => reason.clone()],
            ),
            OidcError::WeakAuthentication { asked, got } => i18n.t_args(
                "oidc-weak-authentication",
                args!["asked" => asked.clone(), "got" => got.clone()],
            ),
            OidcError::ClientRefused { issuer, error } => i18n.t_args(
                "oidc-client-refused",
                args!["issuer" => issuer.clone(), "error" => error.clone()],
            ),
            OidcError::RefreshRefused => i18n.t("oidc-refresh-refused"),
            OidcError::NotSignedIn { account } => {
                i18n.t_args("oidc-not-signed-in", args!["name" => account.clone()])
            }
            OidcError::SessionEnded { account } => {
                i18n.t_args("oidc-session-ended", args!["name" => account.clone()])
            }
            OidcError::Authority(error) => i18n.t_args(
                "error-certificate-file",
                args!["detail" => error.to_string()],
            ),
            OidcError::Secret(error) => match error {
                SecretError::Unavailable(_) => i18n.t("error-keyring-unavailable"),
                SecretError::Locked(_) => i18n.t("error-keyring-locked"),
                SecretError::Missing { account, .. } => {
                    i18n.t_args("error-keyring-missing", args!["name" => account.clone()])
                }
                SecretError::Other(detail) => {
                    i18n.t_args("error-keyring-other", args!["detail" => detail.clone()])
                }
            },
        }
    }
}

impl Localize for FhirError {
    /// The sentence shown to the user, in the interface language.
    fn localize(&self, i18n: &I18n) -> String {
        use crate::args;
        match self {
            FhirError::Unreachable(detail) => i18n.t_args(
                "directory-online-unreachable",
                args!["detail" => detail.clone()],
            ),
            FhirError::KeyRefused(status) => {
                i18n.t_args("directory-online-key-refused", args!["status" => *status])
            }
            FhirError::Status { status } => {
                i18n.t_args("directory-online-status", args!["status" => *status])
            }
            FhirError::NotABundle(_) => i18n.t("directory-online-not-fhir"),
        }
    }
}

impl Localize for SendError {
    /// Why a message was not queued or has not left yet, in the interface language.
    fn localize(&self, i18n: &I18n) -> String {
        match self {
            SendError::BadAddress(address) => i18n.t_args(
                "send-error-bad-address",
                args!["address" => address.clone()],
            ),
            SendError::NoRecipient => i18n.t("composer-no-recipient"),
            SendError::Build(detail) => {
                i18n.t_args("send-error-build", args!["detail" => detail.clone()])
            }
            SendError::Connect(error) => error.localize(i18n),
            SendError::Refused(detail) => {
                i18n.t_args("send-error-refused", args!["detail" => detail.clone()])
            }
            SendError::TimedOut => i18n.t("send-error-timeout"),
            SendError::SentCopy(detail) => {
                i18n.t_args("send-error-sent-copy", args!["detail" => detail.clone()])
            }
            SendError::Store(error) => {
                i18n.t_args("send-error-store", args!["detail" => error.to_string()])
            }
            SendError::Blocked(check) => check
                .issues()
                .iter()
                .map(|issue| issue.localize(i18n))
                .collect::<Vec<_>>()
                .join(" "),
            SendError::PatientIdentityUnconfirmed(patients) => i18n.t_args(
                "send-patient-identity-unconfirmed",
                args![
                    "patients" => patients
                        .iter()
                        .map(|ins| patient_reading(ins, i18n))
                        .collect::<Vec<_>>()
                        .join(" ; ")
                ],
            ),
        }
    }
}

impl Localize for HandlingError {
    /// Why a take, a release, a "done" or a prescription step did not happen.
    fn localize(&self, i18n: &I18n) -> String {
        match self {
            HandlingError::Connect(error) => error.localize(i18n),
            HandlingError::Imap(detail) => {
                i18n.t_args("handling-error-server", args!["detail" => detail.clone()])
            }
            HandlingError::Store(error) => {
                i18n.t_args("error-store", args!["detail" => error.to_string()])
            }
            HandlingError::UnknownFolder(folder) => {
                i18n.t_args("error-unknown-folder", args!["folder" => folder.clone()])
            }
            HandlingError::Gone => i18n.t("reader-body-gone"),
            HandlingError::SharingLimited => i18n.t("handling-error-sharing-limited"),
            HandlingError::TakenBy(name) => {
                i18n.t_args("handling-error-taken-by", args!["name" => name.clone()])
            }
            HandlingError::DoneBy(name) => {
                i18n.t_args("handling-error-done-by", args!["name" => name.clone()])
            }
            HandlingError::NotPharmacy => i18n.t("handling-error-not-pharmacy"),
            HandlingError::NoName => i18n.t("handling-error-no-name"),
            HandlingError::NotAPatientMessage => i18n.t("handling-error-not-a-conversation"),
        }
    }
}

impl Localize for HealthDocumentError {
    /// Why a health document was not queued (ECO.2.1), in the interface language.
    fn localize(&self, i18n: &I18n) -> String {
        match self {
            HealthDocumentError::UnknownType { code } => {
                let known = pli_core::xdm::build::document_types()
                    .iter()
                    .map(|kind| format!("{} ({})", kind.code, kind.display_name))
                    .collect::<Vec<_>>()
                    .join(", ");
                i18n.t_args(
                    "health-document-unknown-type",
                    args!["code" => code.clone(), "known" => known],
                )
            }
            HealthDocumentError::NotAPdf => i18n.t("health-document-not-pdf"),
            HealthDocumentError::NoDocument => i18n.t("health-document-none"),
            HealthDocumentError::SeveralPatients {
                position,
                file_name,
            } => i18n.t_args(
                "health-document-several-patients",
                args!["position" => *position as i64, "file" => file_name.clone()],
            ),
            HealthDocumentError::Identity(error) => crate::ui::patient::identity_error(error, i18n),
            HealthDocumentError::SecondArchive => i18n.t("health-document-second-archive"),
            HealthDocumentError::AnotherPatient => i18n.t("health-document-another-patient"),
            HealthDocumentError::UnqualifiedIdentityUnconfirmed => {
                i18n.t("health-document-unqualified-unconfirmed")
            }
            HealthDocumentError::UnqualifiedToPatient => {
                i18n.t("health-document-unqualified-to-patient")
            }
            HealthDocumentError::IncompleteIdentity => {
                i18n.t("health-document-incomplete-identity")
            }
            HealthDocumentError::Archive(error) => i18n.t_args(
                "health-document-archive",
                args!["detail" => error.to_string()],
            ),
            HealthDocumentError::Send(error) => error.localize(i18n),
        }
    }
}

impl Localize for pli_core::xdm::build::LocalIdError {
    /// Why a local identifier (IPP and its authority) cannot name a patient, in words.
    fn localize(&self, i18n: &I18n) -> String {
        use pli_core::xdm::build::LocalIdError;
        match self {
            LocalIdError::EmptyId => i18n.t("local-id-empty"),
            LocalIdError::BadId => i18n.t("local-id-bad"),
            LocalIdError::BadAuthority { authority } => i18n.t_args(
                "local-id-bad-authority",
                args!["authority" => authority.clone()],
            ),
            LocalIdError::InsAuthority { authority } => i18n.t_args(
                "local-id-ins-authority",
                args!["authority" => authority.clone()],
            ),
        }
    }
}

impl Localize for SendIssue {
    /// What a rule of the trust space says about a message, in the interface language.
    fn localize(&self, i18n: &I18n) -> String {
        match self {
            SendIssue::OutsideTrustSpace { address } => {
                i18n.t_args("send-issue-outside", args!["address" => address.clone()])
            }
            SendIssue::InvalidPatientAddress { address, .. } => i18n.t_args(
                "send-issue-invalid-patient",
                args!["address" => address.clone()],
            ),
            SendIssue::TooLargeForPatient { size, limit } => i18n.t_args(
                "send-issue-too-large",
                args![
                    "size" => crate::ui::format::size(*size, i18n),
                    "limit" => crate::ui::format::size(*limit, i18n)
                ],
            ),
            SendIssue::UnlistedDomain { address } => {
                i18n.t_args("send-issue-unlisted", args!["address" => address.clone()])
            }
        }
    }
}

pub fn ins_error(error: &InsError, i18n: &I18n) -> String {
    match error {
        InsError::Empty => i18n.t("ins-error-empty"),
        InsError::WrongLength { found } => {
            i18n.t_args("ins-error-length", args!["found" => *found])
        }
        InsError::UnexpectedCharacter { position, found } => i18n.t_args(
            "ins-error-character",
            args!["position" => *position, "found" => found.to_string()],
        ),
        InsError::WrongKey { expected, found } => i18n.t_args(
            "ins-error-key",
            args!["found" => format!("{found:02}"), "expected" => format!("{expected:02}")],
        ),
    }
}

pub fn ins_warning(warning: &InsWarning, i18n: &I18n) -> String {
    match warning {
        InsWarning::SpecialSexDigit { digit } => {
            i18n.t_args("ins-warning-sex", args!["digit" => *digit])
        }
        InsWarning::BirthMonthUnknown { code } => {
            i18n.t_args("ins-warning-month-unknown", args!["code" => *code])
        }
        InsWarning::UnusualBirthMonth { code } => {
            i18n.t_args("ins-warning-month-unusual", args!["code" => *code])
        }
    }
}

/// What the matricule says of the patient, for the professional to compare with the identity.
/// A patient as the identity check shows them before a message goes to their address: the
/// grouped matricule, and the sex and birth month/year it says (ECO.3.1.5).
pub fn patient_reading(ins: &Ins, i18n: &I18n) -> String {
    let sex = match ins.sex() {
        Some(Sex::Male) => i18n.t("ins-sex-male"),
        Some(Sex::Female) => i18n.t("ins-sex-female"),
        None => i18n.t("ins-unknown"),
    };
    let month = ins
        .birth_month()
        .map(|month| format!("{month:02}"))
        .unwrap_or_else(|| i18n.t("ins-unknown"));
    i18n.t_args(
        "patient-identity-reading",
        args![
            "ins" => ins.grouped(),
            "sex" => sex,
            "birth" => format!("{month}/{:02}", ins.birth_year_two_digits())
        ],
    )
}

pub fn ins_reading(ins: &Ins, i18n: &I18n) -> Vec<(String, String)> {
    let sex = match ins.sex() {
        Some(Sex::Male) => i18n.t("ins-sex-male"),
        Some(Sex::Female) => i18n.t("ins-sex-female"),
        None => i18n.t("ins-unknown"),
    };
    let month = ins
        .birth_month()
        .map(|month| format!("{month:02}"))
        .unwrap_or_else(|| i18n.t("ins-unknown"));
    let place = match ins.birth_place() {
        BirthPlace::Department {
            department,
            commune,
        }
        | BirthPlace::Corsica {
            department,
            commune,
        } => i18n.t_args(
            "ins-place-department",
            args!["department" => department, "commune" => commune],
        ),
        BirthPlace::Overseas { territory, commune } => i18n.t_args(
            "ins-place-overseas",
            args!["territory" => territory, "commune" => commune],
        ),
        BirthPlace::Abroad { country } => {
            i18n.t_args("ins-place-abroad", args!["country" => country])
        }
    };
    vec![
        (i18n.t("ins-label-matricule"), ins.grouped()),
        (i18n.t("ins-label-address"), ins.patient_address()),
        (i18n.t("ins-label-sex"), sex),
        (
            i18n.t("ins-label-birth"),
            format!("{month}/{:02}", ins.birth_year_two_digits()),
        ),
        (i18n.t("ins-label-place"), place),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    #[test]
    fn eco_2_1_1_documents_about_two_patients_are_refused_with_a_sentence_naming_the_document() {
        let refused = HealthDocumentError::SeveralPatients {
            position: 2,
            file_name: "resultats.pdf".into(),
        };
        let french = refused.localize(&I18n::new(Language::Fr));
        assert_eq!(
            french,
            "Le document n° 2 (resultats.pdf) concerne un autre patient que le premier : un \
             message de documents de santé ne concerne qu'un seul patient. Envoyez-le dans un \
             autre message."
        );
        let english = refused.localize(&I18n::new(Language::En));
        assert!(
            english.starts_with("Document 2 (resultats.pdf) is about another patient"),
            "{english}"
        );
    }

    #[test]
    fn ann_a_wrong_key_says_which_key_the_digits_give() {
        let i18n = I18n::new(Language::Fr);
        let error = "279035121518988".parse::<Ins>().unwrap_err();
        let sentence = ins_error(&error, &i18n);
        assert!(
            sentence.contains("88") && sentence.contains("89"),
            "{sentence}"
        );
    }

    #[test]
    fn ann_the_reading_shows_sex_and_birth_month_and_year() {
        let i18n = I18n::new(Language::En);
        let ins: Ins = "279035121518989".parse().unwrap();
        let reading = ins_reading(&ins, &i18n);
        let text = format!("{reading:?}");
        assert!(text.contains("female") && text.contains("03/79"), "{text}");
        assert!(text.contains("279035121518989@patient.mssante.fr"));
    }
}

#[cfg(test)]
mod oidc_sentences {
    use super::*;
    use crate::i18n::Language;
    use pli_core::mail::tls::TlsError;

    fn every_error() -> Vec<OidcError> {
        let issuer = || "https://auth.example.fr".to_string();
        let mut errors = vec![
            OidcError::NotConfigured {
                account: "cabinet".into(),
            },
            OidcError::MissingIssuer,
            OidcError::MissingClientId,
            OidcError::Unreachable {
                issuer: issuer(),
                reason: "refused".into(),
            },
            OidcError::NoConfiguration {
                issuer: issuer(),
                url: issuer(),
                status: 404,
            },
            OidcError::NotAProvider {
                issuer: issuer(),
                url: issuer(),
                detail: "a web page".into(),
            },
            OidcError::IssuerMismatch { issuer: issuer() },
            OidcError::Protocol {
                issuer: issuer(),
                detail: "x".into(),
            },
            OidcError::Listener("x".into()),
            OidcError::Browser("x".into()),
            OidcError::TimedOut { minutes: 5 },
            OidcError::Cancelled,
            OidcError::StateMismatch,
            OidcError::IssuerMixUp { issuer: issuer() },
            OidcError::Denied {
                error: "access_denied".into(),
                description: None,
            },
            OidcError::Denied {
                error: "login_required".into(),
                description: None,
            },
            OidcError::CodeRefused { issuer: issuer() },
            OidcError::BadIdToken {
                issuer: issuer(),
                reason: "x".into(),
            },
            OidcError::WeakAuthentication {
                asked: "eidas1".into(),
                got: "none".into(),
            },
            OidcError::ClientRefused {
                issuer: issuer(),
                error: "invalid_client".into(),
            },
            OidcError::RefreshRefused,
            OidcError::NotSignedIn {
                account: "cabinet".into(),
            },
            OidcError::SessionEnded {
                account: "cabinet".into(),
            },
            OidcError::Secret(SecretError::Locked("x".into())),
            OidcError::Authority(TlsError::Setup("x".into())),
        ];
        for problem in [
            IssuerProblem::NotAnAddress,
            IssuerProblem::NoHost,
            IssuerProblem::NotHttps,
            IssuerProblem::HasQuery,
        ] {
            errors.push(OidcError::BadIssuer {
                issuer: issuer(),
                problem,
            });
        }
        errors
    }

    #[test]
    fn every_error_has_a_sentence_in_both_languages() {
        for language in [Language::Fr, Language::En] {
            let i18n = I18n::new(language);
            for error in every_error() {
                let sentence = error.localize(&i18n);
                assert!(
                    !sentence.starts_with("oidc-") && !sentence.starts_with("error-"),
                    "{language:?} has no sentence for {error:?}: {sentence}"
                );
            }
        }
    }

    #[test]
    fn an_ended_session_asks_to_sign_in_again_with_psc() {
        let ended = OidcError::SessionEnded {
            account: "cabinet".into(),
        };
        assert!(ended.needs_sign_in() && !ended.is_transient());
        assert!(ended
            .to_string()
            .contains("sign in again with Pro Santé Connect"));
        let sentence = ended.localize(&I18n::new(Language::Fr));
        assert!(
            sentence.contains("reconnectez-vous avec Pro Santé Connect"),
            "{sentence}"
        );
    }
}

/// The sentences the sign-in tests on the real servers and the real provider expect: the core's
/// tests check which error each refusal is, these check what the person reads for it.
#[cfg(test)]
mod sign_in_sentences {
    use super::*;
    use crate::i18n::Language;

    fn endpoint() -> Endpoint {
        Endpoint::new("imap.example.mssante.fr", 143)
    }

    fn issuer() -> String {
        "https://auth.example.fr/realms/test".into()
    }

    #[test]
    fn a_refused_password_names_the_login() {
        let error = ConnectError::WrongPassword {
            endpoint: endpoint(),
            login: "dr.martin@example.mssante.fr".into(),
        };
        let sentence = error.localize(&I18n::new(Language::En));
        assert!(
            sentence.contains("refuses the password")
                && sentence.contains("dr.martin@example.mssante.fr"),
            "{sentence}"
        );
    }

    #[test]
    fn refusals_of_the_connection_read_as_the_person_needs() {
        let english = I18n::new(Language::En);
        let token = ConnectError::TokenRefused {
            endpoint: endpoint(),
        };
        assert!(token.localize(&english).contains("session has expired"));
        let starttls = ConnectError::StartTlsMissing {
            endpoint: endpoint(),
        };
        assert!(starttls.localize(&english).contains("STARTTLS"));
        let expired = ConnectError::Certificate {
            endpoint: endpoint(),
            problem: CertificateProblem::Expired,
        };
        assert!(expired.localize(&english).contains("expired"));
    }

    #[test]
    fn eco_1_1_5_an_ocsp_responder_that_settles_nothing_is_said_in_both_languages() {
        use pli_core::mail::ocsp::{Failure, Unanswered};
        let refused = |failure| ConnectError::Certificate {
            endpoint: endpoint(),
            problem: CertificateProblem::OcspUnanswered(Unanswered {
                responder: "http://ocsp.igc-sante.test/".into(),
                failure,
            }),
        };
        let french = refused(Failure::NoAnswer).localize(&I18n::new(Language::Fr));
        for words in [
            "http://ocsp.igc-sante.test/",
            "n'a pas répondu",
            "hard-fail",
        ] {
            assert!(french.contains(words), "{words}: {french}");
        }
        let english = refused(Failure::Unusable).localize(&I18n::new(Language::En));
        for words in [
            "http://ocsp.igc-sante.test/",
            "cannot be relied on",
            "pli crl import",
        ] {
            assert!(english.contains(words), "{words}: {english}");
        }
    }

    #[test]
    fn eco_1_2_6_an_ended_session_asks_to_sign_in_again_in_both_languages() {
        let error = ConnectError::from(OidcError::SessionEnded {
            account: "cabinet".into(),
        });
        let french = error.localize(&I18n::new(Language::Fr));
        assert!(
            french.contains("reconnectez-vous avec Pro Santé Connect")
                && french.contains("cabinet"),
            "{french}"
        );
        assert!(error
            .localize(&I18n::new(Language::En))
            .contains("sign in again with Pro Santé Connect"));
    }

    #[test]
    fn provider_refusals_read_in_french() {
        let french = I18n::new(Language::Fr);
        let cases: Vec<(OidcError, &[&str])> = vec![
            (OidcError::StateMismatch, &["refusée"]),
            (
                OidcError::CodeRefused { issuer: issuer() },
                &["reconnectez-vous"],
            ),
            (
                OidcError::Denied {
                    error: "access_denied".into(),
                    description: None,
                },
                &["refusée ou abandonnée"],
            ),
            (
                OidcError::NoConfiguration {
                    issuer: issuer(),
                    url: issuer(),
                    status: 404,
                },
                &["vérifiez l'adresse du fournisseur"],
            ),
            (
                OidcError::Unreachable {
                    issuer: issuer(),
                    reason: "connection refused".into(),
                },
                &["ne répond pas", "réseau"],
            ),
            (
                OidcError::NotAProvider {
                    issuer: issuer(),
                    url: issuer(),
                    detail: "a web page".into(),
                },
                &["page web"],
            ),
            (
                OidcError::BadIssuer {
                    issuer: "http://auth.example.fr/realms/test".into(),
                    problem: IssuerProblem::NotHttps,
                },
                &["https://"],
            ),
        ];
        for (error, parts) in cases {
            let sentence = error.localize(&french);
            for part in parts {
                assert!(sentence.contains(part), "{error:?}: {sentence}");
            }
        }
    }
}

impl Localize for pli_core::xdm::XdmError {
    fn localize(&self, i18n: &I18n) -> String {
        use pli_core::xdm::XdmError as E;
        match *self {
            E::Damaged => i18n.t("xdm-refused-damaged"),
            E::ArchiveTooLarge { limit_mb } => {
                i18n.t_args("xdm-refused-archive-too-large", args!["limit" => limit_mb])
            }
            E::TooManyEntries { limit } => {
                i18n.t_args("xdm-refused-too-many-entries", args!["limit" => limit])
            }
            E::EntryTooLarge { limit_mb } => {
                i18n.t_args("xdm-refused-entry-too-large", args!["limit" => limit_mb])
            }
            E::TooLarge { limit_mb } => {
                i18n.t_args("xdm-refused-too-large", args!["limit" => limit_mb])
            }
            E::Bomb => i18n.t("xdm-refused-bomb"),
            E::UnsafeName => i18n.t("xdm-refused-unsafe-name"),
            E::TooDeep => i18n.t("xdm-refused-too-deep"),
            E::Unsupported => i18n.t("xdm-refused-unsupported"),
            E::NotXdm => i18n.t("xdm-refused-not-xdm"),
        }
    }
}

impl Localize for pli_core::xdm::XmlProblem {
    fn localize(&self, i18n: &I18n) -> String {
        use pli_core::xdm::XmlProblem as X;
        i18n.t(match self {
            X::DocType => "xdm-xml-doctype",
            X::Entity => "xdm-xml-entity",
            X::TooLarge => "xdm-xml-too-large",
            X::Malformed => "xdm-xml-malformed",
        })
    }
}

impl Localize for pli_core::xdm::XdmProblem {
    fn localize(&self, i18n: &I18n) -> String {
        use pli_core::xdm::XdmProblem as P;
        let file = |id: &str, file: &str| i18n.t_args(id, args!["file" => file.to_owned()]);
        let uri = |id: &str, uri: &str| i18n.t_args(id, args!["uri" => uri.to_owned()]);
        match self {
            P::MetadataUnreadable { file, reason } => i18n.t_args(
                "xdm-problem-metadata-unreadable",
                args!["file" => file.clone(), "reason" => reason.localize(i18n)],
            ),
            P::TooManyDocuments { limit } => {
                i18n.t_args("xdm-problem-too-many-documents", args!["limit" => *limit])
            }
            P::NoDocumentEntry { file: name } => file("xdm-problem-no-document-entry", name),
            P::NoUri { file: name } => file("xdm-problem-no-uri", name),
            P::MissingFile { uri: name } => uri("xdm-problem-missing-file", name),
            P::SizeMismatch {
                uri,
                declared,
                actual,
            } => i18n.t_args(
                "xdm-problem-size-mismatch",
                args!["uri" => uri.clone(), "declared" => *declared, "actual" => *actual],
            ),
            P::HashMismatch { uri: name } => uri("xdm-problem-hash-mismatch", name),
            P::NotVerifiable { uri: name } => uri("xdm-problem-not-verifiable", name),
            P::CdaUnreadable { uri, reason } => i18n.t_args(
                "xdm-problem-cda-unreadable",
                args!["uri" => uri.clone(), "reason" => reason.localize(i18n)],
            ),
            P::PdfDamaged { uri: name } => uri("xdm-problem-pdf-damaged", name),
            P::PdfTooLarge { uri, limit_mb } => i18n.t_args(
                "xdm-problem-pdf-too-large",
                args!["uri" => uri.clone(), "limit" => *limit_mb],
            ),
            P::PatientDiffers { uri: name } => uri("xdm-problem-patient-differs", name),
            P::SeveralPatients => i18n.t("xdm-problem-several-patients"),
            P::NotTheMessagesPatient => i18n.t("xdm-problem-not-the-messages-patient"),
            P::InsHeaderWithoutIns => i18n.t("xdm-problem-ins-header-without-ins"),
            P::InsHeaderDeniesIns => i18n.t("xdm-problem-ins-header-denies-ins"),
            P::CodeCdaDiffers { header, documents } => i18n.t_args(
                "xdm-problem-codecda-differs",
                args!["header" => header.clone(), "documents" => documents.clone()],
            ),
        }
    }
}

/// The kind of a patient identifier as a person reads it: "INS de test" must never pass for a
/// real one.
pub fn patient_id_kind(kind: pli_core::xdm::PatientIdKind, i18n: &I18n) -> String {
    use pli_core::xdm::PatientIdKind as K;
    i18n.t(match kind {
        K::InsNir => "xdm-ins-kind-nir",
        K::InsNia => "xdm-ins-kind-nia",
        K::InsTest => "xdm-ins-kind-test",
        K::InsDemo => "xdm-ins-kind-demo",
        K::Other => "xdm-ins-kind-other",
    })
}

impl Localize for pli_core::mail::picture::PictureError {
    fn localize(&self, i18n: &I18n) -> String {
        use pli_core::mail::picture::PictureError;
        match self {
            PictureError::Unsupported => i18n.t("picture-unsupported"),
            PictureError::Damaged => i18n.t("picture-damaged"),
            PictureError::TooLarge { width, height } => i18n.t_args(
                "picture-too-large",
                args!["width" => *width, "height" => *height],
            ),
        }
    }
}

impl Localize for pli_core::mail::store::StoreError {
    fn localize(&self, i18n: &I18n) -> String {
        use pli_core::mail::store::StoreError;
        match self {
            StoreError::TooNew { .. } => i18n.t("store-too-new"),
            other => i18n.t_args("sync-error-store", args!["detail" => other.to_string()]),
        }
    }
}

#[cfg(test)]
mod xdm_tests {
    use super::*;
    use crate::i18n::Language;
    use pli_core::xdm::{XdmError, XdmProblem, XmlProblem};

    /// Every refusal and problem of a health-document archive is a sentence in both languages,
    /// never a message id left bare.
    #[test]
    fn every_archive_refusal_and_problem_is_a_sentence_in_french_and_english() {
        let errors = [
            XdmError::Damaged,
            XdmError::ArchiveTooLarge { limit_mb: 64 },
            XdmError::TooManyEntries { limit: 1000 },
            XdmError::EntryTooLarge { limit_mb: 32 },
            XdmError::TooLarge { limit_mb: 96 },
            XdmError::Bomb,
            XdmError::UnsafeName,
            XdmError::TooDeep,
            XdmError::Unsupported,
            XdmError::NotXdm,
        ];
        let uri = || "DOC0001.XML".to_owned();
        let file = || "IHE_XDM/SUBSET01/METADATA.XML".to_owned();
        let problems = [
            XdmProblem::MetadataUnreadable {
                file: file(),
                reason: XmlProblem::DocType,
            },
            XdmProblem::TooManyDocuments { limit: 100 },
            XdmProblem::NoDocumentEntry { file: file() },
            XdmProblem::NoUri { file: file() },
            XdmProblem::MissingFile { uri: uri() },
            XdmProblem::SizeMismatch {
                uri: uri(),
                declared: 6102,
                actual: 3212,
            },
            XdmProblem::HashMismatch { uri: uri() },
            XdmProblem::NotVerifiable { uri: uri() },
            XdmProblem::CdaUnreadable {
                uri: uri(),
                reason: XmlProblem::Entity,
            },
            XdmProblem::PdfDamaged { uri: uri() },
            XdmProblem::PdfTooLarge {
                uri: uri(),
                limit_mb: 20,
            },
            XdmProblem::PatientDiffers { uri: uri() },
            XdmProblem::SeveralPatients,
            XdmProblem::NotTheMessagesPatient,
            XdmProblem::InsHeaderWithoutIns,
            XdmProblem::InsHeaderDeniesIns,
            XdmProblem::CodeCdaDiffers {
                header: "11502-2".into(),
                documents: "11488-4".into(),
            },
        ];
        for language in [Language::Fr, Language::En] {
            let i18n = I18n::new(language);
            let sentences = errors
                .iter()
                .map(|error| error.localize(&i18n))
                .chain(problems.iter().map(|problem| problem.localize(&i18n)));
            for sentence in sentences {
                assert!(
                    !sentence.contains("xdm-") && sentence.ends_with(['.', ')']),
                    "{sentence}"
                );
            }
        }
        let french = XdmProblem::SizeMismatch {
            uri: uri(),
            declared: 6102,
            actual: 3212,
        }
        .localize(&I18n::new(Language::Fr));
        assert!(
            french.contains("3212") && french.contains("6102"),
            "{french}"
        );
    }
}

impl Localize for pli_core::mail::offline_copy::IndexNote {
    /// Why a PDF of a message is not (or not all) in the search index.
    fn localize(&self, i18n: &I18n) -> String {
        use pli_core::mail::pdf_text::Skip;
        let why = match &self.skip {
            Skip::TooLarge { limit } => {
                i18n.t_args("pdf-skip-large", args!["megabytes" => limit >> 20])
            }
            Skip::TimeLimit { seconds } => {
                i18n.t_args("pdf-skip-time", args!["seconds" => *seconds])
            }
            Skip::MemoryLimit { megabytes } => {
                i18n.t_args("pdf-skip-memory", args!["megabytes" => *megabytes])
            }
            Skip::Encrypted => i18n.t("pdf-skip-encrypted"),
            Skip::Unreadable => i18n.t("pdf-skip-unreadable"),
            Skip::Crashed => i18n.t("pdf-skip-crashed"),
            Skip::TooManyPages { read, pages } => {
                i18n.t_args("pdf-skip-pages", args!["read" => *read, "pages" => *pages])
            }
            Skip::NoHelper => i18n.t("pdf-skip-no-reader"),
        };
        i18n.t_args(
            "pdf-skip",
            args!["position" => self.position, "of" => self.of, "why" => why],
        )
    }
}
