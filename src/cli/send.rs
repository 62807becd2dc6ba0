//! `pli send`: a message put in a box's outbox from the command line, for scripts and
//! application boxes, through the use case and the rules the window's "Envoyer" goes through
//! (`pli_core::usecase::outbox::send`). It leaves with the box's next pass: the window's worker, or
//! `pli sync BOX`. With `--document` it sends health documents (ECO.2.1) through
//! `pli_core::usecase::health_document::send`, as the composer's "Joindre un document de santé":
//! `--document`, `--type` and `--title` repeat, matched by position, for several documents about
//! the one patient the `--patient-*` options name.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Args;

use super::{find_account, Failure};
use crate::args;
use crate::i18n::I18n;
use crate::messages::Localize;
use pli_core::mail::send::{Draft, SendError};
use pli_core::mssante::address::Severity;
use pli_core::mssante::ins::{Identity, IdentityStatus, Ins, Sex};
use pli_core::profile::Profile;
use pli_core::usecase::health_document::{self, HealthDocument, HealthDocumentError};
use pli_core::usecase::outbox::{self, SendChoices};
use pli_core::xdm::build::{InsKind, LocalId, Patient, PatientId};

#[derive(Debug, Args)]
pub struct SendArgs {
    /// The box the message leaves from.
    pub name: String,
    /// The recipients (several after one --to, or --to again).
    #[arg(long, required = true, num_args = 1.., value_name = "ADDR")]
    pub to: Vec<String>,
    /// The recipients in copy.
    #[arg(long, num_args = 1.., value_name = "ADDR")]
    pub cc: Vec<String>,
    #[arg(long)]
    pub subject: String,
    /// The text of the message, from a UTF-8 file (`-` for standard input); empty without it.
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    /// A file to attach (--attach again for more).
    #[arg(long, value_name = "FILE")]
    pub attach: Vec<PathBuf>,
    /// You checked the identity of each patient among the recipients (a qualified identity,
    /// matching the sex and birth month/year its matricule says): without it, nothing goes to a
    /// patient's address (ECO.2.2.6). A health document (--document) checks it itself.
    #[arg(long)]
    pub patient_identity_confirmed: bool,
    #[command(flatten)]
    pub document: Box<DocumentArgs>,
}

/// Health documents (ECO.2.1): PDFs sent each wrapped in a CDA R2 inside one `IHE_XDM.ZIP`,
/// about one patient whose qualified identity is given as in the patient dialog.
#[derive(Debug, Default, Args)]
pub struct DocumentArgs {
    /// The PDF to send as a health document (--document again for another one about the same
    /// patient; the first names the message).
    #[arg(long, value_name = "PDF")]
    pub document: Vec<PathBuf>,
    /// The document type: a LOINC code of the CI-SIS value set (11490-0 lettre de liaison,
    /// 11488-4 consultation, 11502-2 biologie, 18748-4 imagerie, 57833-6 prescription…); one
    /// --type per --document, in the same order.
    #[arg(long = "type", value_name = "CODE")]
    pub type_code: Vec<String>,
    /// The document's title, the type's name without it (or when empty); with several
    /// documents, none or one --title per --document, in the same order.
    #[arg(long, value_name = "TITLE")]
    pub title: Vec<String>,
    /// The patient's matricule INS (15 characters).
    #[arg(long, value_name = "INS")]
    pub patient_ins: Option<String>,
    /// The kind of INS: nir (default), nia, test or demo.
    #[arg(long, value_name = "KIND")]
    pub patient_ins_kind: Option<String>,
    /// The patient's birth name.
    #[arg(long, value_name = "NAME")]
    pub patient_birth_name: Option<String>,
    /// The patient's birth given names, in civil-status order.
    #[arg(long, value_name = "NAMES")]
    pub patient_given_names: Option<String>,
    /// The patient's birth date, JJ/MM/AAAA.
    #[arg(long, value_name = "JJ/MM/AAAA")]
    pub patient_birth_date: Option<String>,
    /// The patient's sex, F or M.
    #[arg(long, value_name = "F|M")]
    pub patient_sex: Option<String>,
    /// The identity's status (QUAL by default: giving the INS says it was checked with INSi);
    /// only QUAL lets a document named by an INS leave.
    #[arg(long, value_name = "STATUS")]
    pub patient_status: Option<String>,
    /// For a patient whose identity is not qualified (no INS): your structure's local
    /// identifier for them (IPP), in place of --patient-ins; with --patient-id-authority and
    /// --unqualified-identity-confirmed. The message then carries X-MSS-INS: N.
    #[arg(long, value_name = "ID", conflicts_with_all = ["patient_ins", "patient_ins_kind"])]
    pub patient_local_id: Option<String>,
    /// The OID of the authority that assigns --patient-local-id (your structure's patient
    /// identifiers), e.g. 1.2.250.1.999.1.2.
    #[arg(long, value_name = "OID")]
    pub patient_id_authority: Option<String>,
    /// You confirm sending the document about a patient whose identity is not qualified, named
    /// by --patient-local-id (ECO.2.4.2: X-MSS-INS: N; the receiver cannot match an INS).
    #[arg(long)]
    pub unqualified_identity_confirmed: bool,
}

/// Queues the message and prints its Message-ID; a rule that stops it, or a file that does not
/// read, is a failure and queues nothing.
pub(super) fn send(profile: &Profile, request: SendArgs, i18n: &I18n) -> Result<(), Failure> {
    let (_, account) = find_account(profile, &request.name, i18n)?;
    let body = match &request.body_file {
        Some(path) => read_body(path, i18n)?,
        None => String::new(),
    };
    let attachments = request
        .attach
        .iter()
        .map(|path| {
            outbox::attachment_from_file(path).map_err(|error| unreadable(path, &error, i18n))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let health_documents = health_documents(&request.document, i18n)?;
    let draft = Draft {
        to: request.to,
        cc: request.cc,
        subject: request.subject.trim().to_string(),
        body,
        attachments,
        ..Draft::from_box(&account)
    };
    // No confirmation can be asked here: a recipient outside the trust space stops the message.
    let choices = SendChoices {
        patients_confirmed: request.patient_identity_confirmed,
        unqualified_identity_confirmed: request.document.unqualified_identity_confirmed,
        ..SendChoices::default()
    };
    let queued = if health_documents.is_empty() {
        outbox::send(profile, &account, &draft, choices)
            .map_err(|refused| Failure(refusal(&refused, i18n)))?
    } else {
        health_document::send(profile, &account, &draft, &health_documents, choices).map_err(
            |refused| match refused {
                HealthDocumentError::Send(refused) => Failure(refusal(&refused, i18n)),
                HealthDocumentError::UnqualifiedIdentityUnconfirmed => Failure(format!(
                    "{}\n{}",
                    i18n.t_args("send-refused", args!["reason" => refused.localize(i18n)]),
                    i18n.t("send-unqualified-identity-cli-hint")
                )),
                other => {
                    Failure(i18n.t_args("send-refused", args!["reason" => other.localize(i18n)]))
                }
            },
        )?
    };
    // What does not stop the message (an mssante.fr domain missing from the list) is said
    // before it leaves, at the next pass.
    for notice in outbox::check_recipients(profile, &draft)
        .issues()
        .iter()
        .filter(|issue| issue.severity() == Severity::Notice)
    {
        eprintln!("⚠ {}", notice.localize(i18n));
    }
    println!("{}", queued.message_id);
    eprintln!(
        "{}",
        i18n.t_args("send-queued", args!["name" => account.name.clone()])
    );
    Ok(())
}

/// The health documents the options describe, read and checked as far as the command line can;
/// none without `--document`. The use case applies the rules.
fn health_documents(options: &DocumentArgs, i18n: &I18n) -> Result<Vec<HealthDocument>, Failure> {
    let patient_options = [
        ("--type", !options.type_code.is_empty()),
        ("--title", !options.title.is_empty()),
        ("--patient-ins", options.patient_ins.is_some()),
        ("--patient-ins-kind", options.patient_ins_kind.is_some()),
        ("--patient-birth-name", options.patient_birth_name.is_some()),
        (
            "--patient-given-names",
            options.patient_given_names.is_some(),
        ),
        ("--patient-birth-date", options.patient_birth_date.is_some()),
        ("--patient-sex", options.patient_sex.is_some()),
        ("--patient-status", options.patient_status.is_some()),
        ("--patient-local-id", options.patient_local_id.is_some()),
        (
            "--patient-id-authority",
            options.patient_id_authority.is_some(),
        ),
        (
            "--unqualified-identity-confirmed",
            options.unqualified_identity_confirmed,
        ),
    ];
    if options.document.is_empty() {
        let given: Vec<&str> = patient_options
            .iter()
            .filter(|(_, given)| *given)
            .map(|(name, _)| *name)
            .collect();
        if given.is_empty() {
            return Ok(Vec::new());
        }
        return Err(Failure(i18n.t_args(
            "send-document-without",
            args!["options" => given.join(", ")],
        )));
    }
    let documents = options.document.len();
    // Matched by position: a count that differs would pair a PDF with another's type.
    let counts = [
        ("--type", options.type_code.len(), false),
        ("--title", options.title.len(), true),
    ];
    for (option, count, optional) in counts {
        if count != documents && !(optional && count == 0) {
            return Err(Failure(i18n.t_args(
                "send-document-count",
                args![
                    "option" => option,
                    "count" => count as i64,
                    "documents" => documents as i64
                ],
            )));
        }
    }
    // A patient is named by an INS, or — identity not qualified — by the structure's own
    // identifier and its authority.
    let local = options.patient_local_id.is_some() || options.patient_id_authority.is_some();
    let (identifier, identifier_value) = if local {
        ("--patient-local-id", &options.patient_local_id)
    } else {
        ("--patient-ins", &options.patient_ins)
    };
    let authority = ("--patient-id-authority", &options.patient_id_authority);
    let required = [
        (identifier, identifier_value),
        ("--patient-birth-name", &options.patient_birth_name),
        ("--patient-given-names", &options.patient_given_names),
        ("--patient-birth-date", &options.patient_birth_date),
        ("--patient-sex", &options.patient_sex),
    ];
    let mut missing: Vec<&str> = required
        .iter()
        .chain(local.then_some(&authority))
        .filter(|(_, value)| value.as_deref().is_none_or(|v| v.trim().is_empty()))
        .map(|(name, _)| *name)
        .collect();
    if options.type_code.iter().any(|code| code.trim().is_empty()) {
        missing.insert(0, "--type");
    }
    if !missing.is_empty() {
        return Err(Failure(i18n.t_args(
            "send-document-incomplete",
            args!["missing" => missing.join(", ")],
        )));
    }
    let text = |value: &Option<String>| value.as_deref().unwrap_or_default().trim().to_owned();
    let id = if local {
        PatientId::Local(
            LocalId::new(
                &text(&options.patient_local_id),
                &text(&options.patient_id_authority),
            )
            .map_err(|error| Failure(error.localize(i18n)))?,
        )
    } else {
        let ins = Ins::parse(&text(&options.patient_ins))
            .map_err(|error| Failure(crate::messages::ins_error(&error, i18n)))?;
        let kind = match &options.patient_ins_kind {
            None => InsKind::Nir,
            Some(typed) => InsKind::parse(typed).ok_or_else(|| {
                Failure(i18n.t_args("send-document-bad-kind", args!["kind" => typed.clone()]))
            })?,
        };
        PatientId::Ins { ins, kind }
    };
    let typed_date = text(&options.patient_birth_date);
    let birth_date = NaiveDate::parse_from_str(&typed_date, "%d/%m/%Y").map_err(|_| {
        Failure(i18n.t_args(
            "send-document-bad-date",
            args!["date" => typed_date.clone()],
        ))
    })?;
    let typed_sex = text(&options.patient_sex);
    let sex = match typed_sex.to_ascii_uppercase().as_str() {
        "F" => Sex::Female,
        "M" => Sex::Male,
        _ => {
            return Err(Failure(
                i18n.t_args("send-document-bad-sex", args!["sex" => typed_sex]),
            ))
        }
    };
    let status = match &options.patient_status {
        // Named by a local identifier, the identity is not qualified unless said otherwise.
        None if local => IdentityStatus::Provisional,
        None => IdentityStatus::Qualified,
        Some(typed) => IdentityStatus::from_code(typed).ok_or_else(|| {
            Failure(i18n.t_args("send-document-bad-status", args!["status" => typed.clone()]))
        })?,
    };
    let patient = Patient {
        id,
        identity: Identity {
            birth_name: text(&options.patient_birth_name),
            first_names: text(&options.patient_given_names)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            birth_date,
            sex,
            status,
        },
    };
    options
        .document
        .iter()
        .enumerate()
        .map(|(index, path)| {
            let (file_name, _, pdf) = outbox::attachment_from_file(path)
                .map_err(|error| unreadable(path, &error, i18n))?;
            Ok(HealthDocument {
                file_name,
                pdf,
                type_code: options.type_code[index].trim().to_owned(),
                title: options.title.get(index).cloned(),
                patient: patient.clone(),
            })
        })
        .collect()
}

fn read_body(path: &Path, i18n: &I18n) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|whole| bytes = whole)
    };
    read.map_err(|error| unreadable(path, &error, i18n))?;
    String::from_utf8(bytes).map_err(|_| {
        Failure(i18n.t_args(
            "send-body-not-text",
            args!["path" => path.display().to_string()],
        ))
    })
}

fn unreadable(path: &Path, error: &std::io::Error, i18n: &I18n) -> Failure {
    Failure(i18n.t_args(
        "send-file-unreadable",
        args!["path" => path.display().to_string(), "detail" => error.to_string()],
    ))
}

/// Why the message was not queued; when a recipient outside the trust space is the reason, how
/// to send it all the same (the window asks for the person's consent).
fn refusal(refused: &SendError, i18n: &I18n) -> String {
    let sentence = i18n.t_args("send-refused", args!["reason" => refused.localize(i18n)]);
    let needs_consent = matches!(refused, SendError::Blocked(check)
        if check.issues().iter().any(|issue| issue.severity() == Severity::NeedsConfirmation));
    if matches!(refused, SendError::PatientIdentityUnconfirmed(_)) {
        format!("{sentence}\n{}", i18n.t("send-patient-identity-cli-hint"))
    } else if needs_consent {
        format!("{sentence}\n{}", i18n.t("send-refused-outside-hint"))
    } else {
        sentence
    }
}
