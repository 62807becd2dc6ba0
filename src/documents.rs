//! How both faces say what a health document is: its date, its patient, its author. The
//! window's card and `pli xdm inspect` / `pli show` read the same words.

use crate::i18n::I18n;
use crate::messages::patient_id_kind;
use pli_core::xdm::{Author, HealthDocument};

/// An HL7 time (YYYYMMDD[hhmm[ss]][±zzzz]) as JJ/MM/AAAA [hh:mm]; anything else as written.
pub fn display_time(value: &str) -> String {
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    match digits.len() {
        12.. => format!(
            "{}/{}/{} {}:{}",
            &digits[6..8],
            &digits[4..6],
            &digits[0..4],
            &digits[8..10],
            &digits[10..12]
        ),
        8.. => format!("{}/{}/{}", &digits[6..8], &digits[4..6], &digits[0..4]),
        _ => value.to_owned(),
    }
}

/// A matricule INS in the groups a person reads it in (1 79 03 51 215 189 89); anything else
/// as it is.
pub fn grouped_id(id: &str) -> String {
    match pli_core::mssante::ins::Ins::parse(id) {
        Ok(ins) => ins.grouped(),
        Err(_) => id.to_owned(),
    }
}

/// The document's type: its display name and code, or the code alone.
pub fn type_line(document: &HealthDocument) -> Option<String> {
    document.type_code().map(|code| match &code.display_name {
        Some(name) => format!("{name} ({})", code.code),
        None => code.code.clone(),
    })
}

/// When the document was written: the CDA's `effectiveTime`, else the metadata's creation.
pub fn date_line(document: &HealthDocument) -> Option<String> {
    document
        .cda
        .as_ref()
        .and_then(|cda| cda.header.effective_time.as_deref())
        .or(document.metadata.creation_time.as_deref())
        .map(display_time)
}

/// The authors as the CDA names them, else as the metadata do.
pub fn authors(document: &HealthDocument) -> &[Author] {
    document
        .cda
        .as_ref()
        .map(|cda| &cda.header.authors[..])
        .filter(|authors| !authors.is_empty())
        .unwrap_or(&document.metadata.authors)
}

/// "Dr Jean Martin, RPPS 10001234567, Centre hospitalier".
pub fn author_line(author: &Author) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(author.person.clone());
    parts.extend(author.rpps.as_ref().map(|rpps| format!("RPPS {rpps}")));
    parts.extend(author.organisation.clone());
    parts.join(", ")
}

/// The patient as the document names them, the INS grouped and its kind said ("INS de test").
pub fn patient_line(document: &HealthDocument, i18n: &I18n) -> String {
    let patient = document.cda.as_ref().map(|cda| &cda.header.patient);
    let mut parts: Vec<String> = Vec::new();
    if let Some(patient) = patient {
        let name = [patient.birth_name.clone(), patient.given_names.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        if !name.is_empty() {
            parts.push(name);
        }
        parts.extend(patient.sex.clone());
        parts.extend(patient.birth_date.as_deref().map(display_time));
    }
    let id = document
        .ins()
        .or(document.metadata.patient_id.as_ref())
        .or_else(|| patient.and_then(|patient| patient.ids.first()));
    if let Some(id) = id {
        parts.push(format!(
            "{} {}",
            patient_id_kind(id.kind, i18n),
            grouped_id(&id.id)
        ));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hl7_times_read_as_french_dates() {
        assert_eq!(display_time("20240115103000+0100"), "15/01/2024 10:30");
        assert_eq!(display_time("19600201"), "01/02/1960");
        assert_eq!(display_time("2024"), "2024");
    }
}
