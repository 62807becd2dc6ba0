//! How a patient correspondent is told apart (ECO.3.1.1) and named (ECO.3.1.2): every message
//! whose sender writes from Mon espace santé (`<INS>@patient.mssante.fr`) carries a marker with
//! the patient's matricule INS grouped as on the Vitale card, in the list and in the reader.

use crate::args;
use crate::i18n::I18n;
use pli_core::mssante::ins::{Ins, PatientAddressError};

/// Who a correspondent is, as far as the screen cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Correspondent {
    Professional,
    /// A patient writing from Mon espace santé, with a matricule whose key checks.
    Patient(Ins),
    /// An address on the patient domain whose matricule does not check: still a patient's
    /// domain, so still marked, but without an INS to show.
    UnverifiedPatient,
}

impl Correspondent {
    pub fn of(address: &str) -> Self {
        match Ins::from_patient_address(address) {
            Ok(ins) => Correspondent::Patient(ins),
            Err(PatientAddressError::Ins(_)) => Correspondent::UnverifiedPatient,
            Err(_) => Correspondent::Professional,
        }
    }

    pub fn is_patient(&self) -> bool {
        !matches!(self, Correspondent::Professional)
    }

    /// "Patient · INS 2 79 03 51 215 189 89", or `None` for a professional.
    pub fn marker(&self, i18n: &I18n) -> Option<String> {
        match self {
            Correspondent::Professional => None,
            Correspondent::Patient(ins) => {
                Some(i18n.t_args("patient-marker", args!["ins" => ins.grouped()]))
            }
            Correspondent::UnverifiedPatient => Some(i18n.t("patient-marker-unverified")),
        }
    }
}

/// The name to show for a correspondent: the display name when there is one, the address
/// otherwise. A patient's address is a matricule, never a name to show on its own.
pub fn display_name<'a>(name: &'a str, address: &'a str) -> &'a str {
    let name = name.trim();
    if name.is_empty() {
        address
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    #[test]
    fn eco_3_1_2_a_patient_is_shown_with_the_grouped_ins() {
        let correspondent = Correspondent::of("279035121518989@patient.mssante.fr");
        let i18n = I18n::new(Language::Fr);
        assert_eq!(
            correspondent.marker(&i18n).as_deref(),
            Some("Patient · INS 2 79 03 51 215 189 89")
        );
    }

    #[test]
    fn eco_3_1_1_patients_and_professionals_are_told_apart() {
        assert!(!Correspondent::of("claire.martin@medecin.mssante.fr").is_patient());
        assert!(Correspondent::of("279035121518989@PATIENT.mssante.fr").is_patient());
        assert_eq!(
            Correspondent::of("279035121518900@patient.mssante.fr"),
            Correspondent::UnverifiedPatient,
            "a wrong key is still a patient's domain"
        );
    }
}
