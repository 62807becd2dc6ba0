//! `METADATA.XML`: the ebRIM 3.0 `SubmitObjectsRequest` of an XDM media (IHE ITI TF vol. 3
//! ch. 4), one submission set holding one document entry per CDA, mapped from the CDA header.
//!
//! The layout follows `ihe-nist-xdm/MIE.zip` (a clean ebRIM 3.0 export with `lcm:`/`rim:`
//! prefixes); the French codes and code systems are those of `ans-drimbox-xds/publication.xml`
//! and the CI-SIS value sets; the format code of a level 1 PDF is IHE XDS-SD's
//! (`urn:ihe:iti:xds-sd:pdf:2008`, RULES.md). The receiver finds the patient from `patientId`
//! (ECO.2.1.2), so it is written on the submission set and on every entry.

use chrono::{DateTime, FixedOffset};

use super::cda::RPPS_OID;
use super::{escape, xds_time, Author, DocumentInput, Patient};

const DOCUMENT_ENTRY: &str = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1";
const AUTHOR: &str = "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d";
const CLASS_CODE: &str = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a";
const CONFIDENTIALITY_CODE: &str = "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f";
const FORMAT_CODE: &str = "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d";
const FACILITY_TYPE_CODE: &str = "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1";
const PRACTICE_SETTING_CODE: &str = "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead";
const TYPE_CODE: &str = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983";
const ENTRY_PATIENT_ID: &str = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427";
const ENTRY_UNIQUE_ID: &str = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab";
const SET_AUTHOR: &str = "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d";
const SET_CONTENT_TYPE_CODE: &str = "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500";
const SET_UNIQUE_ID: &str = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8";
const SET_SOURCE_ID: &str = "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832";
const SET_PATIENT_ID: &str = "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446";
const SUBMISSION_SET: &str = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd";

/// The format of a PDF wrapped in a CDA (IHE XDS-SD) and its coding scheme.
pub const FORMAT_PDF: (&str, &str) = ("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3");

/// A CDA file of the media as its entry describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFile<'a> {
    pub document: &'a DocumentInput,
    /// The CDA's `id/@root`: the entry's uniqueId.
    pub unique_id: &'a str,
    /// The file's name relative to the subset folder (`DOC0001.XML`).
    pub uri: &'a str,
    /// SHA-1 of the file, hexadecimal.
    pub sha1: &'a str,
    pub size: usize,
}

/// The submission set's identifiers: its uniqueId and the sending system's sourceId.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionIds<'a> {
    pub unique_id: &'a str,
    pub source_id: &'a str,
}

pub fn submit_objects_request(
    patient: &Patient,
    author: &Author,
    entries: &[EntryFile<'_>],
    ids: &SubmissionIds<'_>,
    created: &DateTime<FixedOffset>,
) -> String {
    let time = xds_time(created);
    let cx = escape(&patient.cx());
    let mut xml = String::with_capacity(4096 + entries.len() * 4096);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(
        "<lcm:SubmitObjectsRequest xmlns:lcm=\"urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0\" \
         xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\">\n",
    );
    xml.push_str("  <rim:RegistryObjectList>\n");
    for (index, entry) in entries.iter().enumerate() {
        document_entry(
            &mut xml,
            &format!("Document{:02}", index + 1),
            patient,
            author,
            entry,
            &time,
        );
    }
    xml.push_str(
        "    <rim:RegistryPackage id=\"SubmissionSet01\" \
         objectType=\"urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage\">\n",
    );
    slot(&mut xml, "submissionTime", &time);
    name(&mut xml, "Documents de santé", "      ");
    classification_author(&mut xml, SET_AUTHOR, "SubmissionSet01", author);
    if let Some(first) = entries.first() {
        // No CI-SIS value set names the clinical activity of a mailed submission: the type of
        // its (first) document says it.
        let kind = &first.document.document_type;
        classification(
            &mut xml,
            SET_CONTENT_TYPE_CODE,
            "SubmissionSet01",
            &kind.code,
            &kind.code_system,
            &kind.display_name,
        );
    }
    external_identifier(
        &mut xml,
        SET_UNIQUE_ID,
        "SubmissionSet01",
        ids.unique_id,
        "XDSSubmissionSet.uniqueId",
    );
    external_identifier(
        &mut xml,
        SET_SOURCE_ID,
        "SubmissionSet01",
        ids.source_id,
        "XDSSubmissionSet.sourceId",
    );
    xml.push_str(&format!(
        "      <rim:ExternalIdentifier id=\"SubmissionSet01-patientId\" identificationScheme=\"{SET_PATIENT_ID}\" registryObject=\"SubmissionSet01\" value=\"{cx}\">\n"
    ));
    name(&mut xml, "XDSSubmissionSet.patientId", "        ");
    xml.push_str("      </rim:ExternalIdentifier>\n");
    xml.push_str("    </rim:RegistryPackage>\n");
    xml.push_str(&format!(
        "    <rim:Classification id=\"SubmissionSet01-isSubmissionSet\" classifiedObject=\"SubmissionSet01\" classificationNode=\"{SUBMISSION_SET}\"/>\n"
    ));
    for index in 1..=entries.len() {
        xml.push_str(&format!(
            "    <rim:Association id=\"Association{index:02}\" \
             associationType=\"urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember\" \
             sourceObject=\"SubmissionSet01\" targetObject=\"Document{index:02}\">\n"
        ));
        xml.push_str("      <rim:Slot name=\"SubmissionSetStatus\">\n        <rim:ValueList>\n          <rim:Value>Original</rim:Value>\n        </rim:ValueList>\n      </rim:Slot>\n");
        xml.push_str("    </rim:Association>\n");
    }
    xml.push_str("  </rim:RegistryObjectList>\n</lcm:SubmitObjectsRequest>\n");
    xml
}

fn document_entry(
    xml: &mut String,
    id: &str,
    patient: &Patient,
    author: &Author,
    entry: &EntryFile<'_>,
    time: &str,
) {
    let document = entry.document;
    let identity = &patient.identity;
    let cx = escape(&patient.cx());
    xml.push_str(&format!(
        "    <rim:ExtrinsicObject id=\"{id}\" mimeType=\"text/xml\" objectType=\"{DOCUMENT_ENTRY}\" \
         status=\"urn:oasis:names:tc:ebxml-regrep:StatusType:Approved\">\n"
    ));
    slot(xml, "creationTime", time);
    slot(xml, "hash", entry.sha1);
    slot(xml, "languageCode", "fr-FR");
    slot(xml, "serviceStartTime", time);
    slot(xml, "size", &entry.size.to_string());
    slot(xml, "sourcePatientId", &patient.cx());
    let sex = match identity.sex {
        crate::mssante::ins::Sex::Female => "F",
        crate::mssante::ins::Sex::Male => "M",
    };
    let pid5 = format!(
        "PID-5|{}^{}^^^^^L",
        identity.birth_name.trim(),
        patient.first_given_name()
    );
    let pid7 = format!("PID-7|{}", identity.birth_date.format("%Y%m%d"));
    let pid8 = format!("PID-8|{sex}");
    xml.push_str("      <rim:Slot name=\"sourcePatientInfo\">\n        <rim:ValueList>\n");
    for value in [format!("PID-3|{}", patient.cx()), pid5, pid7, pid8] {
        xml.push_str(&format!(
            "          <rim:Value>{}</rim:Value>\n",
            escape(&value)
        ));
    }
    xml.push_str("        </rim:ValueList>\n      </rim:Slot>\n");
    slot(xml, "URI", entry.uri);
    name(xml, &document.title, "      ");
    classification_author(xml, AUTHOR, id, author);
    let kind = &document.document_type;
    classification(
        xml,
        CLASS_CODE,
        id,
        &kind.class_code,
        super::document_types::CLASS_CODE_SYSTEM,
        kind.class_display_name(),
    );
    let confidentiality = &document.confidentiality;
    classification(
        xml,
        CONFIDENTIALITY_CODE,
        id,
        confidentiality.code,
        confidentiality.system,
        confidentiality.display_name,
    );
    classification(
        xml,
        FORMAT_CODE,
        id,
        FORMAT_PDF.0,
        FORMAT_PDF.1,
        "PDF (IHE XDS-SD)",
    );
    let facility = &document.facility;
    classification(
        xml,
        FACILITY_TYPE_CODE,
        id,
        facility.code,
        facility.system,
        facility.display_name,
    );
    let setting = &document.practice_setting;
    classification(
        xml,
        PRACTICE_SETTING_CODE,
        id,
        setting.code,
        setting.system,
        setting.display_name,
    );
    classification(
        xml,
        TYPE_CODE,
        id,
        &kind.code,
        &kind.code_system,
        &kind.display_name,
    );
    xml.push_str(&format!(
        "      <rim:ExternalIdentifier id=\"{id}-patientId\" identificationScheme=\"{ENTRY_PATIENT_ID}\" registryObject=\"{id}\" value=\"{cx}\">\n"
    ));
    name(xml, "XDSDocumentEntry.patientId", "        ");
    xml.push_str("      </rim:ExternalIdentifier>\n");
    external_identifier(
        xml,
        ENTRY_UNIQUE_ID,
        id,
        entry.unique_id,
        "XDSDocumentEntry.uniqueId",
    );
    xml.push_str("    </rim:ExtrinsicObject>\n");
}

fn slot(xml: &mut String, name: &str, value: &str) {
    xml.push_str(&format!(
        "      <rim:Slot name=\"{name}\">\n        <rim:ValueList>\n          <rim:Value>{}</rim:Value>\n        </rim:ValueList>\n      </rim:Slot>\n",
        escape(value)
    ));
}

fn name(xml: &mut String, value: &str, indent: &str) {
    xml.push_str(&format!(
        "{indent}<rim:Name>\n{indent}  <rim:LocalizedString xml:lang=\"fr-FR\" charset=\"UTF-8\" value=\"{}\"/>\n{indent}</rim:Name>\n",
        escape(value)
    ));
}

fn classification(
    xml: &mut String,
    scheme: &str,
    object: &str,
    code: &str,
    coding_scheme: &str,
    display_name: &str,
) {
    let id = format!("{object}-{}", &scheme[scheme.len() - 12..]);
    xml.push_str(&format!(
        "      <rim:Classification id=\"{id}\" classificationScheme=\"{scheme}\" classifiedObject=\"{object}\" nodeRepresentation=\"{}\">\n",
        escape(code)
    ));
    xml.push_str(&format!(
        "        <rim:Slot name=\"codingScheme\">\n          <rim:ValueList>\n            <rim:Value>{}</rim:Value>\n          </rim:ValueList>\n        </rim:Slot>\n",
        escape(coding_scheme)
    ));
    name(xml, display_name, "        ");
    xml.push_str("      </rim:Classification>\n");
}

/// The author as XCN (person, with the RPPS authority and `IDNPS` when the national id is
/// known) and XON (institution), as `ans-drimbox-xdm/…/METADATA.XML` writes them.
fn classification_author(xml: &mut String, scheme: &str, object: &str, author: &Author) {
    xml.push_str(&format!(
        "      <rim:Classification id=\"{object}-author\" classificationScheme=\"{scheme}\" classifiedObject=\"{object}\" nodeRepresentation=\"\">\n"
    ));
    if author.is_a_person() {
        let person = match author.national_id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => format!(
                "{id}^{}^{}^^^{}^^^&{RPPS_OID}&ISO^D^^^IDNPS",
                author.family_name.trim(),
                author.given_name.trim(),
                author.title.trim()
            ),
            _ => format!(
                "^{}^{}^^^{}",
                author.family_name.trim(),
                author.given_name.trim(),
                author.title.trim()
            ),
        };
        author_slot(xml, "authorPerson", &person);
    }
    let institution = match author.organisation.trim() {
        "" => author.address.trim(),
        name => name,
    };
    author_slot(xml, "authorInstitution", institution);
    author_slot(
        xml,
        "authorTelecommunication",
        &format!("^^Internet^{}", author.address.trim()),
    );
    xml.push_str("      </rim:Classification>\n");
}

fn author_slot(xml: &mut String, name: &str, value: &str) {
    xml.push_str(&format!(
        "        <rim:Slot name=\"{name}\">\n          <rim:ValueList>\n            <rim:Value>{}</rim:Value>\n          </rim:ValueList>\n        </rim:Slot>\n",
        escape(value)
    ));
}

fn external_identifier(xml: &mut String, scheme: &str, object: &str, value: &str, label: &str) {
    let suffix = label.rsplit('.').next().unwrap_or(label);
    xml.push_str(&format!(
        "      <rim:ExternalIdentifier id=\"{object}-{suffix}\" identificationScheme=\"{scheme}\" registryObject=\"{object}\" value=\"{}\">\n",
        escape(value)
    ));
    name(xml, label, "        ");
    xml.push_str("      </rim:ExternalIdentifier>\n");
}
