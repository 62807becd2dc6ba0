//! The sentences a person reads for what the core reports, in the interface language. The core
//! types stay free of wording; the window and the command line both come here.

use crate::args;
use crate::i18n::I18n;
use crate::mssante::ins::{BirthPlace, Ins, InsError, InsWarning, Sex};

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
