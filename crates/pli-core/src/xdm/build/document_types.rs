//! The document types a practice sends (the CDA `code` and the XDS `typeCode`), shipped as data in
//! `crates/pli-core/data/document_types.tsv` with their source: the ANS value set
//! JDV_J07_XdsTypeCode_CISIS. The file is compiled in, so the list cannot go missing at run time.

use std::sync::OnceLock;

/// LOINC, the code system of every type Pli offers.
pub const LOINC: &str = "2.16.840.1.113883.6.1";
/// TRE_A03-ClasseDocument, the code system of the XDS class codes.
pub const CLASS_CODE_SYSTEM: &str = "1.2.250.1.213.1.1.4.1";

const DATA: &str = include_str!("../../../data/document_types.tsv");

/// One type of health document, as the CDA header and the XDS metadata name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentType {
    pub code: String,
    pub code_system: String,
    /// The value set's display name, which is also the label of the ECO.2.1.3 subject.
    pub display_name: String,
    /// The XDS classCode (TRE_A03-ClasseDocument).
    pub class_code: String,
}

impl DocumentType {
    /// The name of the class, as the ANS value set JDV_J57-ClassCode-DMP writes it.
    pub fn class_display_name(&self) -> &'static str {
        match self.class_code.as_str() {
            "10" => "Compte rendu",
            "11" => "Synthèse",
            "42" => "Prescription",
            "52" => "Certificat, déclaration",
            _ => "Document",
        }
    }
}

/// Every type Pli offers, in the data file's order (the most common first).
pub fn document_types() -> &'static [DocumentType] {
    static TYPES: OnceLock<Vec<DocumentType>> = OnceLock::new();
    TYPES.get_or_init(|| parse(DATA))
}

/// The type with this code (`11490-0`…), if Pli offers it.
pub fn document_type(code: &str) -> Option<&'static DocumentType> {
    let code = code.trim();
    document_types().iter().find(|known| known.code == code)
}

/// Lines of four tab-separated columns; `#` starts a comment line. A malformed line is left out
/// rather than failing: the unit tests hold the file to its format.
fn parse(data: &str) -> Vec<DocumentType> {
    data.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let mut columns = line.split('\t');
            let code = columns.next()?.trim();
            let code_system = columns.next()?.trim();
            let class_code = columns.next()?.trim();
            let display_name = columns.next()?.trim();
            (columns.next().is_none() && !code.is_empty() && !display_name.is_empty()).then(|| {
                DocumentType {
                    code: code.to_owned(),
                    code_system: code_system.to_owned(),
                    display_name: display_name.to_owned(),
                    class_code: class_code.to_owned(),
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_types_are_offered_with_their_loinc_code_and_name() {
        let letter = document_type("11490-0").expect("the discharge letter");
        assert_eq!(
            letter.display_name,
            "Lettre de liaison à la sortie d'un établissement de soins"
        );
        assert_eq!(letter.code_system, LOINC);
        assert_eq!(letter.class_code, "10");
        for code in ["11488-4", "11502-2", "18748-4", "57833-6", "34133-9"] {
            let found = document_type(code).unwrap_or_else(|| panic!("{code}"));
            assert_eq!(found.code_system, LOINC);
        }
        assert_eq!(
            document_type(" 11502-2 ").map(|t| t.display_name.as_str()),
            Some("CR d'examens biologiques")
        );
        assert_eq!(document_type("00000-0"), None);
    }

    #[test]
    fn every_line_of_the_data_file_is_read() {
        let lines = DATA
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .count();
        assert_eq!(document_types().len(), lines);
        assert!(lines >= 20);
        for known in document_types() {
            assert_ne!(known.class_display_name(), "Document", "{known:?}");
        }
    }

    #[test]
    fn a_malformed_line_is_left_out() {
        let read =
            parse("# comment\n11490-0\tLOINC\n\n11488-4\t1.2\t10\tCR\textra\n1\t2\t10\tok\n");
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].display_name, "ok");
    }
}
