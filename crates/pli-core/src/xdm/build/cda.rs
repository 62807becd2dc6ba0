//! A CDA R2 level 1 document: the French header of the CI-SIS "structuration minimale"
//! (template `1.2.250.1.213.1.1.1.1`) around a PDF (`nonXMLBody`, IHE XDS-SD template
//! `1.3.6.1.4.1.19376.1.2.20`).
//!
//! Modelled on the ANS examples `BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml` (element order and
//! comments of the header, the INS traits, legalAuthenticator, documentationOf, componentOf) and
//! `CR_Radio_CDAN1_v1.XML` (an author and custodian with what a sender knows and `nullFlavor`
//! for the rest). What the structuration minimale's schematron requires and the schema allows
//! decides the rest: exactly the three templateIds for a level 1 document; the INS traits (birth
//! name, first birth given name, all birth given names, birth date, sex, birth place COG); a
//! legalAuthenticator signed `S`; a first documentationOf whose serviceEvent has an
//! effectiveTime and one performer; one componentOf.

use base64::Engine;
use chrono::{DateTime, FixedOffset};

use super::{escape, hl7_time, Author, Coded, DocumentInput, Patient, PatientId};
use crate::mssante::ins::Sex;

/// The templateIds of a level 1 document, in the ANS examples' order.
pub const TEMPLATE_IDS: [&str; 3] = [
    "2.16.840.1.113883.2.8.2.1",
    "1.2.250.1.213.1.1.1.1",
    "1.3.6.1.4.1.19376.1.2.20",
];

/// The RPPS authority: the national identifiers of professionals.
pub const RPPS_OID: &str = "1.2.250.1.71.4.2.1";

/// The identifiers a CDA document carries: its own, and its set's (the same for every version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdaIds {
    pub document: String,
    pub set: String,
}

/// Writes the CDA document, UTF-8, the PDF in base64 over lines of 76 characters.
pub fn level_one(
    patient: &Patient,
    author: &Author,
    document: &DocumentInput,
    ids: &CdaIds,
    created: &DateTime<FixedOffset>,
) -> String {
    let time = hl7_time(created);
    let kind = &document.document_type;
    let mut xml = String::with_capacity(document.pdf.len() * 4 / 3 + 8192);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n",
    );
    xml.push_str("  <realmCode code=\"FR\"/>\n");
    xml.push_str("  <typeId root=\"2.16.840.1.113883.1.3\" extension=\"POCD_HD000040\"/>\n");
    for template in TEMPLATE_IDS {
        xml.push_str(&format!("  <templateId root=\"{template}\"/>\n"));
    }
    xml.push_str(&format!("  <id root=\"{}\"/>\n", escape(&ids.document)));
    xml.push_str(&format!(
        "  <code code=\"{}\" displayName=\"{}\" codeSystem=\"{}\" codeSystemName=\"LOINC\"/>\n",
        escape(&kind.code),
        escape(&kind.display_name),
        escape(&kind.code_system)
    ));
    xml.push_str(&format!("  <title>{}</title>\n", escape(&document.title)));
    xml.push_str(&format!("  <effectiveTime value=\"{time}\"/>\n"));
    let confidentiality = &document.confidentiality;
    xml.push_str(&format!(
        "  <confidentialityCode code=\"{}\" displayName=\"{}\" codeSystem=\"{}\"/>\n",
        confidentiality.code,
        escape(confidentiality.display_name),
        confidentiality.system
    ));
    xml.push_str("  <languageCode code=\"fr-FR\"/>\n");
    xml.push_str(&format!("  <setId root=\"{}\"/>\n", escape(&ids.set)));
    xml.push_str("  <versionNumber value=\"1\"/>\n");
    record_target(&mut xml, patient);
    xml.push_str("  <author>\n");
    xml.push_str(&format!("    <time value=\"{time}\"/>\n"));
    xml.push_str("    <assignedAuthor>\n");
    professional(&mut xml, author, "      ", None);
    xml.push_str("    </assignedAuthor>\n  </author>\n");
    custodian(&mut xml, author);
    xml.push_str("  <legalAuthenticator>\n");
    xml.push_str(&format!("    <time value=\"{time}\"/>\n"));
    xml.push_str("    <signatureCode code=\"S\"/>\n    <assignedEntity>\n");
    professional(&mut xml, author, "      ", None);
    xml.push_str("    </assignedEntity>\n  </legalAuthenticator>\n");
    documentation_of(&mut xml, author, document, &time);
    component_of(&mut xml, author, document, &time);
    xml.push_str("  <component>\n    <nonXMLBody>\n");
    xml.push_str("      <text mediaType=\"application/pdf\" representation=\"B64\">");
    let encoded = base64::engine::general_purpose::STANDARD.encode(&document.pdf);
    for (index, line) in encoded.as_bytes().chunks(76).enumerate() {
        if index > 0 {
            xml.push('\n');
        }
        // Base64 is ASCII: each chunk is valid UTF-8.
        xml.push_str(&String::from_utf8_lossy(line));
    }
    xml.push_str("</text>\n    </nonXMLBody>\n  </component>\n</ClinicalDocument>\n");
    xml
}

/// The patient with the INS and its traits, as the ANS examples write them, or with the
/// structure's local identifier when the identity is not qualified.
fn record_target(xml: &mut String, patient: &Patient) {
    let identity = &patient.identity;
    let (sex_code, sex_name) = match identity.sex {
        Sex::Female => ("F", "Féminin"),
        Sex::Male => ("M", "Masculin"),
    };
    xml.push_str("  <recordTarget>\n    <patientRole>\n");
    match &patient.id {
        PatientId::Ins { ins, kind } => {
            xml.push_str(&format!(
                "      <id extension=\"{}\" root=\"{}\"/>\n",
                escape(ins.as_str()),
                kind.oid()
            ));
            xml.push_str(&format!(
                "      <telecom value=\"mailto:{}\"/>\n",
                escape(&ins.patient_address())
            ));
        }
        // The structure's own identifier, as the CI-SIS has senders write a patient without a
        // qualified INS (the ANS LPS example keeps such an id beside the INS): no INS, and no
        // patient address, which only an INS gives.
        PatientId::Local(local) => xml.push_str(&format!(
            "      <id extension=\"{}\" root=\"{}\"/>\n",
            escape(local.id()),
            escape(local.authority())
        )),
    }
    xml.push_str("      <patient classCode=\"PSN\">\n        <name>\n");
    xml.push_str(&format!(
        "          <family qualifier=\"BR\">{}</family>\n",
        escape(identity.birth_name.trim())
    ));
    xml.push_str(&format!(
        "          <given>{}</given>\n",
        escape(
            &identity
                .first_names
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        )
    ));
    xml.push_str(&format!(
        "          <given qualifier=\"BR\">{}</given>\n",
        escape(patient.first_given_name())
    ));
    xml.push_str("        </name>\n");
    xml.push_str(&format!(
        "        <administrativeGenderCode code=\"{sex_code}\" displayName=\"{sex_name}\" \
         codeSystem=\"2.16.840.1.113883.5.1\"/>\n"
    ));
    xml.push_str(&format!(
        "        <birthTime value=\"{}\"/>\n",
        identity.birth_date.format("%Y%m%d")
    ));
    // The birth place is known from the matricule only; without one it is left out (the
    // schema allows it) rather than made up.
    if let Some(place) = patient.birth_place_code() {
        xml.push_str("        <birthplace>\n          <place>\n            <addr>\n");
        xml.push_str(&format!(
            "              <county>{}</county>\n",
            escape(place)
        ));
        xml.push_str("            </addr>\n          </place>\n        </birthplace>\n");
    }
    xml.push_str("      </patient>\n    </patientRole>\n  </recordTarget>\n");
}

/// The professional's id, telecom, name and organisation, shared by the author, the legal
/// authenticator and the performer (`assignedAuthor` and `assignedEntity` have the same
/// content model for these).
fn professional(xml: &mut String, author: &Author, indent: &str, setting: Option<&Coded>) {
    match author.national_id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => xml.push_str(&format!(
            "{indent}<id root=\"{RPPS_OID}\" extension=\"{}\"/>\n",
            escape(id)
        )),
        _ => xml.push_str(&format!("{indent}<id nullFlavor=\"UNK\"/>\n")),
    }
    xml.push_str(&format!("{indent}<addr nullFlavor=\"UNK\"/>\n"));
    xml.push_str(&format!(
        "{indent}<telecom value=\"mailto:{}\" use=\"WP\"/>\n",
        escape(author.address.trim())
    ));
    if author.is_a_person() {
        xml.push_str(&format!("{indent}<assignedPerson>\n{indent}  <name>\n"));
        if !author.given_name.trim().is_empty() {
            xml.push_str(&format!(
                "{indent}    <given>{}</given>\n",
                escape(author.given_name.trim())
            ));
        }
        xml.push_str(&format!(
            "{indent}    <family>{}</family>\n",
            escape(author.family_name.trim())
        ));
        if !author.title.trim().is_empty() {
            xml.push_str(&format!(
                "{indent}    <suffix>{}</suffix>\n",
                escape(author.title.trim())
            ));
        }
        xml.push_str(&format!("{indent}  </name>\n{indent}</assignedPerson>\n"));
    }
    organisation(xml, "representedOrganization", author, indent, setting);
}

fn organisation(
    xml: &mut String,
    element: &str,
    author: &Author,
    indent: &str,
    setting: Option<&Coded>,
) {
    xml.push_str(&format!("{indent}<{element}>\n"));
    if element == "representedCustodianOrganization" {
        // The schema requires an id; the box does not know its structure's FINESS or SIRET.
        xml.push_str(&format!("{indent}  <id nullFlavor=\"UNK\"/>\n"));
    }
    xml.push_str(&format!(
        "{indent}  <name>{}</name>\n",
        escape(organisation_name(author))
    ));
    if let Some(setting) = setting {
        xml.push_str(&format!(
            "{indent}  <standardIndustryClassCode code=\"{}\" displayName=\"{}\" codeSystem=\"{}\"/>\n",
            setting.code,
            escape(setting.display_name),
            setting.system
        ));
    }
    xml.push_str(&format!("{indent}</{element}>\n"));
}

/// The structure's name; a box the directory does not list is named by its address, which is
/// all a receiver can use to reach its custodian.
fn organisation_name(author: &Author) -> &str {
    match author.organisation.trim() {
        "" => author.address.trim(),
        name => name,
    }
}

fn custodian(xml: &mut String, author: &Author) {
    xml.push_str("  <custodian>\n    <assignedCustodian>\n");
    organisation(
        xml,
        "representedCustodianOrganization",
        author,
        "      ",
        None,
    );
    xml.push_str("    </assignedCustodian>\n  </custodian>\n");
}

/// The act the document reports: its time and its performer, the author (the schematron wants
/// both on the first `documentationOf`); the practice setting sits on the performer's
/// organisation, where the XDS `practiceSettingCode` is read from.
fn documentation_of(xml: &mut String, author: &Author, document: &DocumentInput, time: &str) {
    let setting = &document.practice_setting;
    xml.push_str("  <documentationOf>\n    <serviceEvent>\n");
    xml.push_str(&format!(
        "      <effectiveTime>\n        <low value=\"{time}\"/>\n      </effectiveTime>\n"
    ));
    xml.push_str("      <performer typeCode=\"PRF\">\n        <assignedEntity>\n");
    professional(xml, author, "          ", Some(setting));
    xml.push_str("        </assignedEntity>\n      </performer>\n");
    xml.push_str("    </serviceEvent>\n  </documentationOf>\n");
}

/// The encounter the document belongs to: its time and the facility type, where the XDS
/// `healthcareFacilityTypeCode` is read from.
fn component_of(xml: &mut String, author: &Author, document: &DocumentInput, time: &str) {
    let facility = &document.facility;
    xml.push_str("  <componentOf>\n    <encompassingEncounter>\n");
    xml.push_str(&format!(
        "      <effectiveTime>\n        <low value=\"{time}\"/>\n      </effectiveTime>\n"
    ));
    xml.push_str("      <location>\n        <healthCareFacility>\n");
    xml.push_str(&format!(
        "          <code code=\"{}\" displayName=\"{}\" codeSystem=\"{}\"/>\n",
        facility.code,
        escape(facility.display_name),
        facility.system
    ));
    xml.push_str(&format!(
        "          <location>\n            <name>{}</name>\n          </location>\n",
        escape(organisation_name(author))
    ));
    xml.push_str("        </healthCareFacility>\n      </location>\n");
    xml.push_str("    </encompassingEncounter>\n  </componentOf>\n");
}
