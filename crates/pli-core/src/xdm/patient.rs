//! The patient of the documents, against each other and against the message (ECO.2.1.1: one
//! patient per message; ECO.2.1.2: the receiver files by the `patientId` of METADATA.XML;
//! ECO.2.4.2: `X-MSS-INS` says whether a qualified INS is in the archive).
//!
//! A document about another patient than the one the message is to or from is the mistake that
//! matters most in a doctor's inbox: it is said, never silently "corrected".

use super::{MessageDocuments, PatientId, XdmProblem, XdmReading};

/// Two identifiers name the same patient when they are the same matricule in the same kind of
/// namespace (a test INS and a real NIR with the same digits are two people).
fn same_patient(a: &PatientId, b: &PatientId) -> bool {
    a.id.eq_ignore_ascii_case(&b.id) && a.oid == b.oid
}

/// Checks inside the archive: each document's metadata against its CDA, and the documents
/// against each other.
pub(super) fn check_documents(mut reading: XdmReading) -> XdmReading {
    for document in &reading.documents {
        let (Some(declared), Some(cda)) = (&document.metadata.patient_id, &document.cda) else {
            continue;
        };
        // Only comparable when the CDA gives an identifier in the same namespace.
        let ids = &cda.header.patient.ids;
        if ids.iter().any(|id| id.oid == declared.oid)
            && !ids.iter().any(|id| same_patient(id, declared))
        {
            reading.problems.push(XdmProblem::PatientDiffers {
                uri: document.metadata.uri.clone().unwrap_or_default(),
            });
        }
    }
    let mut seen: Vec<&PatientId> = Vec::new();
    for ins in reading
        .documents
        .iter()
        .filter_map(|document| document.ins())
    {
        if !seen.iter().any(|known| same_patient(known, ins)) {
            seen.push(ins);
        }
    }
    if seen.len() > 1 {
        reading.problems.push(XdmProblem::SeveralPatients);
    }
    reading
}

/// Checks the documents of a message against the message itself: the matricules of its patient
/// addresses (`<matricule>@patient.mssante.fr` among its correspondents), its `X-MSS-INS` and
/// `X-MSS-CODECDA` headers. Adds the problems to `documents`.
pub fn check_against_message(
    documents: &mut MessageDocuments,
    patient_matricules: &[String],
    x_mss_ins: Option<&str>,
    x_mss_codecda: Option<&str>,
) {
    if documents.refused.is_some() {
        return;
    }
    let ins: Vec<&PatientId> = documents
        .documents
        .iter()
        .filter_map(|document| document.ins())
        .collect();
    if !patient_matricules.is_empty()
        && ins.iter().any(|ins| {
            !patient_matricules
                .iter()
                .any(|matricule| matricule.eq_ignore_ascii_case(&ins.id))
        })
    {
        documents.problems.push(XdmProblem::NotTheMessagesPatient);
    }
    match x_mss_ins
        .map(|value| value.trim().to_ascii_uppercase())
        .as_deref()
    {
        Some("O") if ins.is_empty() => documents.problems.push(XdmProblem::InsHeaderWithoutIns),
        Some("N") if !ins.is_empty() => documents.problems.push(XdmProblem::InsHeaderDeniesIns),
        Some("N") => documents.unqualified_identity = true,
        _ => {}
    }
    if let Some(problem) = x_mss_codecda.and_then(|header| codes_differ(documents, header)) {
        documents.problems.push(problem);
    }
}

/// The `X-MSS-CODECDA` codes against the `code` of each CDA read, as sets: a code repeated for
/// two documents of one type is written once or twice, both fine. Nothing to compare when no CDA
/// could be read (the archive's own problems say why).
fn codes_differ(documents: &MessageDocuments, header: &str) -> Option<XdmProblem> {
    let declared: std::collections::BTreeSet<&str> = header
        .split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .collect();
    let found: std::collections::BTreeSet<&str> = documents
        .documents
        .iter()
        .filter_map(|document| document.cda.as_ref()?.header.code.as_ref())
        .map(|code| code.code.trim())
        .collect();
    if found.is_empty() || declared == found {
        return None;
    }
    let join =
        |codes: std::collections::BTreeSet<&str>| codes.into_iter().collect::<Vec<_>>().join(", ");
    Some(XdmProblem::CodeCdaDiffers {
        header: join(declared),
        documents: join(found),
    })
}
