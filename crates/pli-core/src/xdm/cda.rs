//! The CDA R2 document: its header (RULES.md §4, CI-SIS "structuration minimale"), the PDF a
//! level 1 document wraps, and the narrative of a level 3 document as plain text.
//!
//! The narrative is rendered here rather than through the HL7 or ANS stylesheets: running a
//! stranger's XSL, or any `linkHtml`/`renderMultiMedia` reference, would fetch or run what the
//! sender chose. Only text leaves this module.

use base64::Engine;

use super::xml::{self, Element, Node};
use super::{
    Author, CdaBody, CdaDocument, CdaHeader, Code, Identifier, Patient, PatientId, Section,
    XdmProblem, XmlProblem, OID_RPPS,
};

/// The largest PDF a level 1 document may wrap, decoded.
pub const MAX_PDF_BYTES: u64 = 20 * 1024 * 1024;

/// Reads a CDA. `Ok(None)` when the XML is something else (a KOS, a signature).
pub(super) fn read(
    bytes: &[u8],
    uri: &str,
    problems: &mut Vec<XdmProblem>,
) -> Result<Option<CdaDocument>, XmlProblem> {
    let root = xml::parse(bytes)?;
    if root.name != "ClinicalDocument" {
        return Ok(None);
    }
    let header = header_of(&root);
    let body = body_of(&root, uri, problems);
    Ok(Some(CdaDocument { header, body }))
}

/// The PDF a level 1 CDA wraps, decoded; `None` when there is none or it cannot be read.
pub(super) fn pdf_of(bytes: &[u8]) -> Option<Vec<u8>> {
    let root = xml::parse(bytes).ok()?;
    let text = non_xml_text(&root)?;
    // A level 1 document may wrap plain text or an image: only a PDF is given as one.
    if !text
        .attr("mediaType")
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/pdf"))
    {
        return None;
    }
    decode_pdf(text).ok()
}

fn non_xml_text(root: &Element) -> Option<&Element> {
    root.path(&["component", "nonXMLBody", "text"])
}

enum PdfError {
    Damaged,
    TooLarge,
}

fn decode_pdf(text: &Element) -> Result<Vec<u8>, PdfError> {
    let encoded: String = text.text().split_ascii_whitespace().collect();
    // Measured before decoding, so a huge one costs no second copy.
    if (encoded.len() as u64 / 4) * 3 > MAX_PDF_BYTES + 3 {
        return Err(PdfError::TooLarge);
    }
    base64::engine::general_purpose::STANDARD
        .decode(encoded.as_bytes())
        .map_err(|_| PdfError::Damaged)
}

fn identifier(element: Option<&Element>) -> Option<Identifier> {
    let element = element?;
    Some(Identifier {
        root: element.attr_value("root")?,
        extension: element.attr_value("extension"),
    })
}

fn code(element: Option<&Element>) -> Option<Code> {
    let element = element?;
    Some(Code {
        code: element.attr_value("code")?,
        system: element.attr_value("codeSystem"),
        display_name: element.attr_value("displayName"),
    })
}

fn header_of(root: &Element) -> CdaHeader {
    CdaHeader {
        id: identifier(root.child("id")),
        set_id: identifier(root.child("setId")),
        version: root
            .child("versionNumber")
            .and_then(|element| element.attr_value("value")),
        code: code(root.child("code")),
        title: root.child("title").and_then(Element::trimmed_text),
        effective_time: root
            .child("effectiveTime")
            .and_then(|element| element.attr_value("value")),
        confidentiality: code(root.child("confidentialityCode")),
        patient: root
            .path(&["recordTarget", "patientRole"])
            .map(patient_of)
            .unwrap_or_default(),
        authors: root
            .all("author")
            .filter_map(|author| author.child("assignedAuthor"))
            .map(author_of)
            .collect(),
        custodian: root
            .path(&[
                "custodian",
                "assignedCustodian",
                "representedCustodianOrganization",
                "name",
            ])
            .and_then(Element::trimmed_text),
        replaces: root
            .all("relatedDocument")
            .find(|related| related.attr("typeCode") == Some("RPLC"))
            .and_then(|related| identifier(related.path(&["parentDocument", "id"]))),
    }
}

fn patient_of(role: &Element) -> Patient {
    let mut ids: Vec<PatientId> = role
        .all("id")
        .filter_map(|id| {
            Some(PatientId::new(
                &id.attr_value("extension")?,
                &id.attr_value("root")?,
            ))
        })
        .collect();
    // The INS first: it is the identity the reader shows and files under.
    ids.sort_by_key(|id| !id.kind.is_ins());
    let person = role.child("patient");
    let name = person.and_then(|person| person.child("name"));
    let qualified = |tag: &str, qualifier: &str| {
        name.and_then(|name| {
            name.all(tag)
                .find(|part| part.attr("qualifier") == Some(qualifier))
                .and_then(Element::trimmed_text)
        })
    };
    let first = |tag: &str| name.and_then(|name| name.all(tag).find_map(Element::trimmed_text));
    let unqualified_given = name.and_then(|name| {
        name.all("given")
            .find(|given| given.attr("qualifier").is_none())
            .and_then(Element::trimmed_text)
    });
    let first_given_name = qualified("given", "BR");
    Patient {
        ids,
        birth_name: qualified("family", "BR").or_else(|| first("family")),
        given_names: unqualified_given
            .or_else(|| first_given_name.clone())
            .or_else(|| first("given")),
        first_given_name,
        sex: person
            .and_then(|person| person.child("administrativeGenderCode"))
            .and_then(|code| code.attr_value("code")),
        birth_date: person
            .and_then(|person| person.child("birthTime"))
            .and_then(|time| time.attr_value("value")),
        birth_place: person
            .and_then(|person| person.path(&["birthplace", "place", "addr", "county"]))
            .and_then(Element::trimmed_text),
    }
}

fn author_of(assigned: &Element) -> Author {
    let id = identifier(assigned.child("id"));
    let person = assigned.path(&["assignedPerson", "name"]).and_then(|name| {
        let parts: Vec<String> = name
            .all("given")
            .chain(name.all("family"))
            .filter_map(Element::trimmed_text)
            .collect();
        if parts.is_empty() {
            name.trimmed_text()
        } else {
            Some(parts.join(" "))
        }
    });
    Author {
        person,
        rpps: id
            .as_ref()
            .filter(|id| id.root == OID_RPPS)
            .and_then(|id| id.extension.clone()),
        id,
        organisation: assigned
            .path(&["representedOrganization", "name"])
            .and_then(Element::trimmed_text),
    }
}

fn body_of(root: &Element, uri: &str, problems: &mut Vec<XdmProblem>) -> CdaBody {
    if let Some(text) = non_xml_text(root) {
        let size = match decode_pdf(text) {
            Ok(pdf) => Some(pdf.len() as u64),
            Err(PdfError::Damaged) => {
                problems.push(XdmProblem::PdfDamaged {
                    uri: uri.to_owned(),
                });
                None
            }
            Err(PdfError::TooLarge) => {
                problems.push(XdmProblem::PdfTooLarge {
                    uri: uri.to_owned(),
                    limit_mb: MAX_PDF_BYTES / (1024 * 1024),
                });
                None
            }
        };
        return CdaBody::Level1 {
            media_type: text.attr_value("mediaType"),
            size,
        };
    }
    match root.path(&["component", "structuredBody"]) {
        Some(body) => {
            let mut sections = Vec::new();
            for component in body.all("component") {
                if let Some(section) = component.child("section") {
                    sections_of(section, 1, &mut sections);
                }
            }
            CdaBody::Level3 { sections }
        }
        None => CdaBody::None,
    }
}

fn sections_of(section: &Element, depth: usize, out: &mut Vec<Section>) {
    let mut text = String::new();
    if let Some(narrative) = section.child("text") {
        let mut writer = Narrative::default();
        writer.children(narrative);
        text = writer.finish();
    }
    out.push(Section {
        title: section.child("title").and_then(Element::trimmed_text),
        depth,
        text,
    });
    for component in section.all("component") {
        if let Some(inner) = component.child("section") {
            sections_of(inner, depth + 1, out);
        }
    }
}

/// Turns a CDA narrative block into lines: paragraphs and list items on lines of their own,
/// table cells separated by ` | `, whitespace collapsed as a browser would.
#[derive(Default)]
struct Narrative {
    out: String,
    /// A space is owed before the next word.
    space: bool,
}

impl Narrative {
    fn word(&mut self, text: &str) {
        let mut words = text.split_whitespace().peekable();
        if text.starts_with(char::is_whitespace) {
            self.space = true;
        }
        while let Some(word) = words.next() {
            if self.space && !self.out.is_empty() && !self.out.ends_with(['\n', ' ']) {
                self.out.push(' ');
            }
            self.out.push_str(word);
            self.space = words.peek().is_some();
        }
        if text.ends_with(char::is_whitespace) {
            self.space = true;
        }
    }

    fn line_break(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        self.space = false;
    }

    fn raw(&mut self, text: &str) {
        self.out.push_str(text);
        self.space = false;
    }

    fn children(&mut self, element: &Element) {
        for node in &element.children {
            match node {
                Node::Text(text) => self.word(text),
                Node::Element(child) => self.element(child),
            }
        }
    }

    fn element(&mut self, element: &Element) {
        match element.name.as_str() {
            "br" => self.line_break(),
            "paragraph" | "caption" => {
                self.line_break();
                self.children(element);
                self.line_break();
            }
            "list" => {
                self.line_break();
                let ordered = element.attr("listType") == Some("ordered");
                for (number, item) in element.all("item").enumerate() {
                    self.line_break();
                    if ordered {
                        self.raw(&format!("{}. ", number + 1));
                    } else {
                        self.raw("- ");
                    }
                    self.children(item);
                }
                self.line_break();
            }
            "table" => {
                self.line_break();
                if let Some(caption) = element.child("caption") {
                    self.element(caption);
                }
                for part in element.elements() {
                    match part.name.as_str() {
                        "thead" | "tbody" | "tfoot" => {
                            for row in part.all("tr") {
                                self.row(row);
                            }
                        }
                        "tr" => self.row(part),
                        _ => {}
                    }
                }
                self.line_break();
            }
            // Pictures and links to elsewhere: never fetched, never shown.
            "renderMultiMedia" | "linkHtml" if element.trimmed_text().is_none() => {}
            _ => self.children(element),
        }
    }

    fn row(&mut self, row: &Element) {
        self.line_break();
        let cells: Vec<String> = row
            .elements()
            .filter(|cell| cell.name == "td" || cell.name == "th")
            .map(|cell| {
                let mut inner = Narrative::default();
                inner.children(cell);
                inner.finish().replace('\n', " ")
            })
            .collect();
        self.raw(&cells.join(" | "));
        self.line_break();
    }

    fn finish(self) -> String {
        self.out
            .lines()
            .map(str::trim_end)
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn narrative(xml: &str) -> String {
        let root = xml::parse(xml.as_bytes()).expect("xml");
        let mut writer = Narrative::default();
        writer.children(&root);
        writer.finish()
    }

    #[test]
    fn paragraphs_lists_and_tables_become_lines() {
        assert_eq!(
            narrative(
                "<text><paragraph>Patient  <content styleCode=\"Bold\">stable</content>.</paragraph>\
                 <list listType=\"ordered\"><item>un</item><item>deux</item></list>\
                 <table><thead><tr><th>Examen</th><th>Valeur</th></tr></thead>\
                 <tbody><tr><td>TSH</td><td>2,1 <br/>mUI/L</td></tr></tbody></table>\
                 <renderMultiMedia referencedObject=\"x\"/>fin</text>"
            ),
            "Patient stable.\n1. un\n2. deux\nExamen | Valeur\nTSH | 2,1 mUI/L\nfin"
        );
    }
}
