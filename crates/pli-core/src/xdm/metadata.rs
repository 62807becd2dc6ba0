//! `METADATA.XML`: the ebRIM `SubmitObjectsRequest` of each submission set, and the documents
//! it lists, each checked against its file.
//!
//! Real archives disagree on almost everything (RULES.md §4 and the samples of
//! `../shared/data/xdm-cda/`): ebRIM 3.0 with `rim:` prefixes or 2.1 with a default namespace, a
//! BOM, a whole SOAP envelope around the request, classifications inside the document entry or
//! beside it, subset folders named `SUBSET01`, `SS000001` or `CCD1`, URIs relative to the subset
//! folder or to `IHE_XDM/`, in another case than the file. So elements are found by local name at
//! any depth, and files by name in any case.

use std::collections::HashMap;

use sha1::{Digest, Sha1};

use super::archive::Entry;
use super::xml::{self, Element};
use super::{
    cda, Author, CdaDocument, Code, HealthDocument, Identifier, Integrity, MetadataEntry,
    PatientId, XdmError, XdmProblem, XdmReading, XmlProblem, OID_RPPS,
};

const SCHEME_PATIENT_ID: &str = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427";
const SCHEME_UNIQUE_ID: &str = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab";
const SCHEME_TYPE_CODE: &str = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983";
const SCHEME_AUTHOR: &str = "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d";

/// The documents of every submission set of the archive. An archive with no
/// `IHE_XDM/<subset>/METADATA.XML` is not an XDM archive.
pub(super) fn read_documents(entries: &[Entry]) -> Result<XdmReading, XdmError> {
    let files: Vec<&Entry> = entries
        .iter()
        .filter(|entry| !is_junk(&entry.name))
        .collect();
    let metadata_files: Vec<(&Entry, String)> = files
        .iter()
        .filter_map(|entry| subset_of_metadata(&entry.name).map(|subset| (*entry, subset)))
        .collect();
    if metadata_files.is_empty() {
        return Err(XdmError::NotXdm);
    }
    let mut reading = XdmReading::default();
    let mut cache = FileCache::default();
    'sets: for (metadata, subset) in metadata_files {
        let root = match xml::parse(&metadata.bytes) {
            Ok(root) => root,
            Err(error) => {
                reading.problems.push(XdmProblem::MetadataUnreadable {
                    file: metadata.name.clone(),
                    reason: error.into(),
                });
                continue;
            }
        };
        let objects = root.descendants("ExtrinsicObject");
        if objects.is_empty() {
            reading.problems.push(XdmProblem::NoDocumentEntry {
                file: metadata.name.clone(),
            });
        }
        let links = Links {
            classifications: root.descendants("Classification"),
            identifiers: root.descendants("ExternalIdentifier"),
        };
        for object in objects {
            if reading.documents.len() >= MAX_DOCUMENTS {
                reading.problems.push(XdmProblem::TooManyDocuments {
                    limit: MAX_DOCUMENTS,
                });
                break 'sets;
            }
            let entry = metadata_entry(&links, object);
            let document = document_of(
                entry,
                &subset,
                &files,
                &metadata.name,
                &mut cache,
                &mut reading,
            );
            reading.documents.push(document);
        }
    }
    Ok(reading)
}

/// More document entries than any real message carries: the rest are not read, so that a
/// METADATA.XML listing the same large file ten thousand times costs nothing.
const MAX_DOCUMENTS: usize = 100;

/// What was already computed for a file that several entries name.
#[derive(Default)]
struct FileCache {
    sha1: HashMap<String, String>,
    cda: HashMap<String, Result<Option<CdaDocument>, XmlProblem>>,
}

/// The classifications and identifiers of a METADATA.XML, gathered once.
struct Links<'a> {
    classifications: Vec<&'a Element>,
    identifiers: Vec<&'a Element>,
}

/// Files an archiver adds beside the content (`__MACOSX/`, `._name` resource forks).
fn is_junk(name: &str) -> bool {
    name.split('/').any(|part| {
        part.eq_ignore_ascii_case("__MACOSX") || part.starts_with("._") || part == ".DS_Store"
    })
}

/// `IHE_XDM/SUBSET01` for `IHE_XDM/SUBSET01/METADATA.XML` (any case, any folder above).
fn subset_of_metadata(name: &str) -> Option<String> {
    let parts: Vec<&str> = name.split('/').filter(|part| !part.is_empty()).collect();
    let [.., xdm, subset, file] = parts.as_slice() else {
        return None;
    };
    (xdm.eq_ignore_ascii_case("IHE_XDM") && file.eq_ignore_ascii_case("METADATA.XML"))
        .then(|| {
            name[..name.len() - file.len()]
                .trim_end_matches('/')
                .to_owned()
        })
        .filter(|_| !subset.is_empty())
}

fn document_of(
    metadata: MetadataEntry,
    subset: &str,
    files: &[&Entry],
    metadata_file: &str,
    cache: &mut FileCache,
    reading: &mut XdmReading,
) -> HealthDocument {
    let file = metadata
        .uri
        .as_deref()
        .and_then(|uri| locate(uri, subset, files));
    let mut document = HealthDocument {
        subset: subset.to_owned(),
        path: file.map(|entry| entry.name.clone()),
        integrity: Integrity::Missing,
        cda: None,
        metadata,
    };
    let Some(uri) = document.metadata.uri.clone() else {
        reading.problems.push(XdmProblem::NoUri {
            file: metadata_file.to_owned(),
        });
        return document;
    };
    let Some(file) = file else {
        reading.problems.push(XdmProblem::MissingFile { uri });
        return document;
    };
    let sha1 = cache
        .sha1
        .entry(file.name.clone())
        .or_insert_with(|| hex::encode(Sha1::digest(&file.bytes)));
    document.integrity = check_integrity(&document.metadata, file.bytes.len(), sha1, &uri, reading);
    if looks_like_xml(document.metadata.mime_type.as_deref(), &file.name) {
        let cda = cache
            .cda
            .entry(file.name.clone())
            .or_insert_with(|| cda::read(&file.bytes, &uri, &mut reading.problems));
        match cda {
            Ok(cda) => document.cda = cda.clone(),
            Err(reason) => reading.problems.push(XdmProblem::CdaUnreadable {
                uri,
                reason: *reason,
            }),
        }
    }
    document
}

fn looks_like_xml(mime_type: Option<&str>, name: &str) -> bool {
    match mime_type {
        Some(mime) => mime.to_ascii_lowercase().contains("xml"),
        None => name.to_ascii_lowercase().ends_with(".xml"),
    }
}

/// The file a URI names: relative to the subset folder as IHE says, else to `IHE_XDM/` as the
/// ANS DRIMbox sample writes it, else to the archive's root; in any case.
fn locate<'a>(uri: &str, subset: &str, files: &[&'a Entry]) -> Option<&'a Entry> {
    let uri = uri.trim().replace('\\', "/");
    let uri = uri.trim_start_matches("./");
    let xdm_folder = subset.rsplit_once('/').map_or("", |(parent, _)| parent);
    let candidates = [
        format!("{subset}/{uri}"),
        format!("{xdm_folder}/{uri}"),
        uri.to_owned(),
    ];
    candidates.iter().find_map(|candidate| {
        files
            .iter()
            .find(|entry| entry.name.eq_ignore_ascii_case(candidate))
            .copied()
    })
}

fn check_integrity(
    metadata: &MetadataEntry,
    size: usize,
    sha1: &str,
    uri: &str,
    reading: &mut XdmReading,
) -> Integrity {
    let mut integrity = Integrity::Verified;
    if let Some(declared) = metadata.size {
        let actual = size as u64;
        if declared != actual {
            reading.problems.push(XdmProblem::SizeMismatch {
                uri: uri.to_owned(),
                declared,
                actual,
            });
            integrity = Integrity::Mismatch;
        }
    }
    match &metadata.hash {
        Some(declared) => {
            if !sha1.eq_ignore_ascii_case(declared) {
                reading.problems.push(XdmProblem::HashMismatch {
                    uri: uri.to_owned(),
                });
                integrity = Integrity::Mismatch;
            }
        }
        None => {
            reading.problems.push(XdmProblem::NotVerifiable {
                uri: uri.to_owned(),
            });
            if integrity == Integrity::Verified {
                integrity = Integrity::NotVerifiable;
            }
        }
    }
    integrity
}

fn metadata_entry(links: &Links<'_>, object: &Element) -> MetadataEntry {
    let id = object.attr("id").unwrap_or_default();
    let classifications = related(
        &links.classifications,
        object,
        "Classification",
        "classifiedObject",
        id,
    );
    let identifiers = related(
        &links.identifiers,
        object,
        "ExternalIdentifier",
        "registryObject",
        id,
    );
    let identifier = |scheme: &str| {
        identifiers
            .iter()
            .find(|element| element.attr("identificationScheme") == Some(scheme))
            .and_then(|element| element.attr_value("value"))
    };
    let type_code = classifications
        .iter()
        .find(|element| element.attr("classificationScheme") == Some(SCHEME_TYPE_CODE))
        .and_then(|element| {
            Some(Code {
                code: element.attr_value("nodeRepresentation")?,
                system: slot_values(element, "codingScheme").into_iter().next(),
                display_name: localized_name(element),
            })
        });
    let authors = classifications
        .iter()
        .filter(|element| element.attr("classificationScheme") == Some(SCHEME_AUTHOR))
        .map(|element| author_of(element))
        .collect();
    MetadataEntry {
        unique_id: identifier(SCHEME_UNIQUE_ID),
        patient_id: identifier(SCHEME_PATIENT_ID).and_then(|cx| PatientId::from_cx(&cx)),
        title: localized_name(object),
        type_code,
        creation_time: slot_values(object, "creationTime").into_iter().next(),
        mime_type: object.attr_value("mimeType"),
        authors,
        uri: uri_of(object),
        size: slot_values(object, "size")
            .first()
            .and_then(|size| size.parse().ok()),
        hash: slot_values(object, "hash")
            .into_iter()
            .next()
            .map(|hash| hash.to_ascii_lowercase()),
    }
}

/// The `URI` slot. ebRIM 2.1 splits a long URI over several values numbered `1|…`, `2|…`;
/// some writers put it in a `uri` attribute instead.
fn uri_of(object: &Element) -> Option<String> {
    let values = slot_values(object, "URI");
    let numbered: Option<Vec<(u32, &str)>> = values
        .iter()
        .map(|value| {
            let (number, rest) = value.split_once('|')?;
            Some((number.trim().parse().ok()?, rest))
        })
        .collect();
    match numbered {
        Some(mut parts) if values.len() > 1 => {
            parts.sort_by_key(|(number, _)| *number);
            Some(parts.into_iter().map(|(_, part)| part).collect())
        }
        _ => values.into_iter().next(),
    }
    .or_else(|| object.attr_value("uri"))
}

/// Elements tied to an object: inside it, or anywhere when they point at its id. Only the
/// object's own children can be met twice, so only they are compared (a METADATA.XML whose
/// thousands of entries share one id stays linear).
fn related<'a>(
    everywhere: &[&'a Element],
    object: &'a Element,
    name: &'a str,
    pointer: &str,
    id: &str,
) -> Vec<&'a Element> {
    let mut found: Vec<&Element> = object.all(name).collect();
    let own = found.len();
    if !id.is_empty() {
        for element in everywhere {
            if element.attr(pointer) == Some(id)
                && !found[..own]
                    .iter()
                    .any(|mine| std::ptr::eq(*mine, *element))
            {
                found.push(element);
            }
        }
    }
    found
}

fn slot_values(element: &Element, name: &str) -> Vec<String> {
    element
        .all("Slot")
        .filter(|slot| {
            slot.attr("name")
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .flat_map(|slot| slot.all("ValueList").flat_map(|list| list.all("Value")))
        .filter_map(Element::trimmed_text)
        .collect()
}

fn localized_name(element: &Element) -> Option<String> {
    element
        .path(&["Name", "LocalizedString"])
        .and_then(|string| string.attr_value("value"))
}

/// An author classification: `authorPerson` is an XCN (`id^family^given^…^&root&ISO`),
/// `authorInstitution` an XON (`name^…`).
fn author_of(classification: &Element) -> Author {
    let mut author = Author::default();
    if let Some(person) = slot_values(classification, "authorPerson")
        .into_iter()
        .next()
    {
        let components: Vec<&str> = person.split('^').map(str::trim).collect();
        let component = |index: usize| components.get(index).copied().unwrap_or_default();
        let (id, family, given) = (component(0), component(1), component(2));
        if family.is_empty() && given.is_empty() {
            author.person = (!id.is_empty()).then(|| id.to_owned());
        } else {
            let name = [given, family]
                .iter()
                .filter(|part| !part.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            author.person = Some(name);
            let root = component(8).split('&').nth(1).unwrap_or_default().trim();
            if !id.is_empty() && !root.is_empty() {
                author.id = Some(Identifier {
                    root: root.to_owned(),
                    extension: Some(id.to_owned()),
                });
                if root == OID_RPPS {
                    author.rpps = Some(id.to_owned());
                }
            }
        }
    }
    author.organisation = slot_values(classification, "authorInstitution")
        .into_iter()
        .next()
        .and_then(|xon| {
            let name = xon.split('^').next().unwrap_or_default().trim().to_owned();
            (!name.is_empty()).then_some(name)
        });
    author
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_folders_are_found_in_any_case_and_under_any_folder() {
        assert_eq!(
            subset_of_metadata("IHE_XDM/SUBSET01/METADATA.XML").as_deref(),
            Some("IHE_XDM/SUBSET01")
        );
        assert_eq!(
            subset_of_metadata("export/ihe_xdm/CCD1/metadata.xml").as_deref(),
            Some("export/ihe_xdm/CCD1")
        );
        assert_eq!(subset_of_metadata("METADATA.XML"), None);
        assert_eq!(subset_of_metadata("IHE_XDM/METADATA.XML"), None);
        assert!(is_junk("__MACOSX/IHE_XDM/SUBSET01/._METADATA.XML"));
    }

    #[test]
    fn xcn_authors_give_the_rpps_and_the_person() {
        let root = xml::parse(
            b"<Classification><Slot name=\"authorPerson\"><ValueList><Value>899700367909^DOC0036790^KIT^^^^^^&amp;1.2.250.1.71.4.2.1&amp;ISO^D^^^IDNPS</Value></ValueList></Slot>\
              <Slot name=\"authorInstitution\"><ValueList><Value>BCOM^^^^^&amp;1.2.250.1.71.4.2.2&amp;ISO^IDNST^^^499700367909006</Value></ValueList></Slot></Classification>",
        )
        .expect("xml");
        let author = author_of(&root);
        assert_eq!(author.person.as_deref(), Some("KIT DOC0036790"));
        assert_eq!(author.rpps.as_deref(), Some("899700367909"));
        assert_eq!(author.organisation.as_deref(), Some("BCOM"));
    }

    #[test]
    fn a_long_ebrim_2_1_uri_is_put_back_together() {
        let root = xml::parse(
            b"<ExtrinsicObject><Slot name=\"URI\"><ValueList><Value>2|0001.XML</Value><Value>1|DOC</Value></ValueList></Slot></ExtrinsicObject>",
        )
        .expect("xml");
        assert_eq!(uri_of(&root).as_deref(), Some("DOC0001.XML"));
    }
}
