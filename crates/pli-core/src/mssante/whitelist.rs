//! The trust-space domain list ("liste blanche"): the domains whose mailboxes belong to
//! MSSanté, published by the ANS as XML (about 8,700 domains from about 320 operators).
//!
//! The file comes from the network and decides where health data may go, so it is read
//! defensively:
//! - only `Domaine/Nom` and `DateDeGeneration` matter, found by local name anywhere under the
//!   root, whatever the root is called and whatever namespace prefix is used (as the public
//!   parsers of this list do);
//! - a DOCTYPE is refused outright and no entity but the five predefined ones and character
//!   references is expanded, so neither external entities nor entity expansion bombs can act;
//! - a document that is not the list (not XML, truncated, no `Domaine`, a `Domaine` without a
//!   name) is refused as a whole with an error, and the caller keeps the list it had: a
//!   half-read list would silently push real colleagues outside the trust space.
//!
//! [`TrustList::to_xml`] writes the same format back, so the app stores a snapshot it can read
//! with the same parser.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};
use quick_xml::escape::{escape, resolve_predefined_entity};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;
use thiserror::Error;

/// The namespace of the published list, written back in snapshots.
pub const NAMESPACE: &str = "https://listeblanche.mssante.fr/schema";

/// The trust-space domains, looked up case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustList {
    /// As published, so that a snapshot writes it back unchanged.
    generated_at: Option<String>,
    /// Keyed by the lowercase name.
    domains: BTreeMap<String, Domain>,
}

/// One `Domaine` of the list. Only the name is used by the rules; the rest is kept so the
/// window can say whose domain it is and so snapshots lose nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Domain {
    /// `Nom`, lowercase.
    pub name: String,
    /// `Description`.
    pub description: Option<String>,
    /// `DNCertificatOperateur`: the subject of the operator's server certificate.
    pub operator_certificate_dn: Option<String>,
    /// `ResponsableContact`.
    pub responsible_contact: Option<String>,
    /// `SupportContact`.
    pub support_contact: Option<String>,
    /// `DateMAJ`, as published.
    pub updated_at: Option<String>,
}

/// Why a downloaded or stored list was refused; the previous list stays in use.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TrustListError {
    #[error("the trust list is not well-formed XML (near byte {position}): {message}")]
    NotXml { position: u64, message: String },
    #[error("the trust list ends before its elements are closed; the download was probably cut")]
    Truncated,
    #[error("the trust list declares a DOCTYPE, which the published list never does; refused")]
    Doctype,
    #[error("the trust list uses the entity '&{name};', which is not expanded; refused")]
    UnknownEntity { name: String },
    #[error("the document holds no Domaine with a Nom: it is not the trust list")]
    NoDomain,
    #[error("domain number {index} of the trust list has no name")]
    EmptyDomainName { index: usize },
    #[error("domain number {index} of the trust list has an impossible name '{name}'")]
    InvalidDomainName { index: usize, name: String },
}

impl TrustList {
    /// Reads the list from its text (the caller decodes the downloaded bytes). A byte order
    /// mark, which some servers add, is skipped.
    pub fn parse(xml: &str) -> Result<Self, TrustListError> {
        ListReader::default().read(xml.strip_prefix('\u{feff}').unwrap_or(xml))
    }

    /// The list in the published format, for the snapshot the app stores.
    pub fn to_xml(&self) -> String {
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.push_str(&format!("<ListeBlanche xmlns=\"{NAMESPACE}\">\n"));
        if let Some(generated_at) = &self.generated_at {
            push_element(&mut xml, 1, "DateDeGeneration", generated_at);
        }
        for domain in self.domains.values() {
            xml.push_str("  <Domaine>\n");
            push_element(&mut xml, 2, "Nom", &domain.name);
            for (field, value) in Field::OPTIONAL.iter().zip(domain.optional_fields()) {
                if let Some(value) = value {
                    push_element(&mut xml, 2, field.element(), value);
                }
            }
            xml.push_str("  </Domaine>\n");
        }
        xml.push_str("</ListeBlanche>\n");
        xml
    }

    /// Whether `domain` (the part after `@`, any case) is listed. Only exact names count:
    /// a subdomain of a listed domain is not itself listed.
    pub fn contains(&self, domain: &str) -> bool {
        self.domain(domain).is_some()
    }

    pub fn domain(&self, domain: &str) -> Option<&Domain> {
        self.domains.get(&domain.to_ascii_lowercase())
    }

    /// When the ANS generated the list, read from `DateDeGeneration` as written (the offset,
    /// if any, is dropped: this tells the user how old the list is, to the day). `None` when
    /// the list has no date or one in a format not recognised.
    pub fn generated_at(&self) -> Option<NaiveDateTime> {
        self.generated_at.as_deref().and_then(parse_generation_date)
    }

    pub fn len(&self) -> usize {
        self.domains.len()
    }

    pub fn is_empty(&self) -> bool {
        self.domains.is_empty()
    }

    pub fn domains(&self) -> impl Iterator<Item = &Domain> {
        self.domains.values()
    }
}

impl Domain {
    fn optional_fields(&self) -> [&Option<String>; 5] {
        [
            &self.description,
            &self.operator_certificate_dn,
            &self.responsible_contact,
            &self.support_contact,
            &self.updated_at,
        ]
    }

    fn set(&mut self, field: Field, value: String) {
        let value = value.trim().to_owned();
        match field {
            Field::Name => self.name = value.to_ascii_lowercase(),
            Field::Description => self.description = Some(value),
            Field::OperatorCertificateDn => self.operator_certificate_dn = Some(value),
            Field::ResponsibleContact => self.responsible_contact = Some(value),
            Field::SupportContact => self.support_contact = Some(value),
            Field::UpdatedAt => self.updated_at = Some(value),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Description,
    OperatorCertificateDn,
    ResponsibleContact,
    SupportContact,
    UpdatedAt,
}

impl Field {
    /// In the order of [`Domain::optional_fields`].
    const OPTIONAL: [Field; 5] = [
        Field::Description,
        Field::OperatorCertificateDn,
        Field::ResponsibleContact,
        Field::SupportContact,
        Field::UpdatedAt,
    ];

    fn element(self) -> &'static str {
        match self {
            Field::Name => "Nom",
            Field::Description => "Description",
            Field::OperatorCertificateDn => "DNCertificatOperateur",
            Field::ResponsibleContact => "ResponsableContact",
            Field::SupportContact => "SupportContact",
            Field::UpdatedAt => "DateMAJ",
        }
    }

    fn from_element(local_name: &[u8]) -> Option<Self> {
        [Field::Name]
            .into_iter()
            .chain(Field::OPTIONAL)
            .find(|field| field.element().as_bytes() == local_name)
    }
}

/// What an open element means to the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Domaine,
    Field(Field),
    GenerationDate,
    Other,
}

/// A streaming reader: one pass, no tree, memory bounded by the list itself.
#[derive(Default)]
struct ListReader {
    open: Vec<Node>,
    /// The domain being read, from its `<Domaine>` to its `</Domaine>`.
    domain: Option<Domain>,
    domains_seen: usize,
    /// Text of the field or date being read, with the depth of its element.
    capture: Option<(usize, String)>,
    list: TrustList,
}

impl ListReader {
    fn read(mut self, xml: &str) -> Result<TrustList, TrustListError> {
        let mut reader = Reader::from_str(xml);
        loop {
            let event = reader
                .read_event()
                .map_err(|error| TrustListError::NotXml {
                    position: reader.error_position(),
                    message: error.to_string(),
                })?;
            match event {
                Event::Start(element) => self.open(&element),
                Event::Empty(element) => {
                    self.open(&element);
                    self.close()?;
                }
                Event::End(_) => self.close()?,
                Event::Text(text) => self.push_text(&decode(text.decode(), &reader)?),
                Event::CData(text) => self.push_text(&decode(text.decode(), &reader)?),
                Event::GeneralRef(reference) => {
                    let resolved = resolve_reference(&reference, &reader)?;
                    self.push_text(&resolved);
                }
                Event::DocType(_) => return Err(TrustListError::Doctype),
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::Eof => break,
            }
        }
        if !self.open.is_empty() {
            return Err(TrustListError::Truncated);
        }
        if self.list.is_empty() {
            return Err(TrustListError::NoDomain);
        }
        Ok(self.list)
    }

    fn open(&mut self, element: &BytesStart<'_>) {
        let local_name = element.local_name();
        let local_name = local_name.as_ref();
        let parent = self.open.last().copied();
        let node = match (parent, local_name) {
            (_, b"Domaine") if self.domain.is_none() => Node::Domaine,
            (Some(Node::Domaine), name) => {
                Field::from_element(name).map_or(Node::Other, Node::Field)
            }
            (_, b"DateDeGeneration")
                if self.domain.is_none() && self.list.generated_at.is_none() =>
            {
                Node::GenerationDate
            }
            _ => Node::Other,
        };
        match node {
            Node::Domaine => self.domain = Some(Domain::default()),
            Node::Field(_) | Node::GenerationDate if self.capture.is_none() => {
                self.capture = Some((self.open.len(), String::new()));
            }
            _ => {}
        }
        self.open.push(node);
    }

    fn close(&mut self) -> Result<(), TrustListError> {
        let Some(node) = self.open.pop() else {
            return Ok(());
        };
        let depth = self.open.len();
        let captured = match self.capture.take() {
            Some((capture_depth, text)) if capture_depth == depth => Some(text),
            still_open => {
                self.capture = still_open;
                None
            }
        };
        match (node, captured) {
            (Node::Field(field), Some(text)) => {
                if let Some(domain) = self.domain.as_mut() {
                    domain.set(field, text);
                }
            }
            (Node::GenerationDate, Some(text)) => {
                self.list.generated_at = Some(text.trim().to_owned());
            }
            (Node::Domaine, _) => self.finish_domain()?,
            _ => {}
        }
        Ok(())
    }

    fn push_text(&mut self, text: &str) {
        if let Some((_, captured)) = self.capture.as_mut() {
            captured.push_str(text);
        }
    }

    fn finish_domain(&mut self) -> Result<(), TrustListError> {
        let Some(domain) = self.domain.take() else {
            return Ok(());
        };
        self.domains_seen += 1;
        let index = self.domains_seen;
        if domain.name.is_empty() {
            return Err(TrustListError::EmptyDomainName { index });
        }
        if domain
            .name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "@/<>\\".contains(c))
        {
            return Err(TrustListError::InvalidDomainName {
                index,
                name: domain.name,
            });
        }
        // A name listed twice keeps its first entry.
        self.list
            .domains
            .entry(domain.name.clone())
            .or_insert(domain);
        Ok(())
    }
}

fn decode<E: std::fmt::Display>(
    text: Result<std::borrow::Cow<'_, str>, E>,
    reader: &Reader<&[u8]>,
) -> Result<String, TrustListError> {
    text.map(|text| text.into_owned())
        .map_err(|error| TrustListError::NotXml {
            position: reader.buffer_position(),
            message: error.to_string(),
        })
}

/// Character references and the five predefined entities; anything else would need a DTD,
/// which is refused.
fn resolve_reference(
    reference: &BytesRef<'_>,
    reader: &Reader<&[u8]>,
) -> Result<String, TrustListError> {
    let not_xml = |message: String| TrustListError::NotXml {
        position: reader.buffer_position(),
        message,
    };
    if let Some(character) = reference
        .resolve_char_ref()
        .map_err(|error| not_xml(error.to_string()))?
    {
        return Ok(character.to_string());
    }
    let name = decode(reference.decode(), reader)?;
    resolve_predefined_entity(&name)
        .map(str::to_owned)
        .ok_or(TrustListError::UnknownEntity { name })
}

fn push_element(xml: &mut String, indent: usize, name: &str, text: &str) {
    let indent = "  ".repeat(indent);
    xml.push_str(&format!("{indent}<{name}>{}</{name}>\n", escape(text)));
}

/// The formats the date has been seen or could plausibly be published in.
fn parse_generation_date(text: &str) -> Option<NaiveDateTime> {
    const DATE_TIMES: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
    ];
    const DATES: [&str; 2] = ["%Y-%m-%d", "%d/%m/%Y"];
    let text = text.trim();
    if let Ok(with_offset) = DateTime::parse_from_rfc3339(text) {
        return Some(with_offset.naive_local());
    }
    DATE_TIMES
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| {
            DATES.iter().find_map(|format| {
                NaiveDate::parse_from_str(text, format)
                    .ok()
                    .map(|date| date.and_time(NaiveTime::MIN))
            })
        })
}

/// A small fictional list in the published format, for tests across the crate.
#[cfg(test)]
pub(crate) const TEST_LIST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListeBlanche xmlns="https://listeblanche.mssante.fr/schema">
  <DateDeGeneration>2025-11-03T02:15:07</DateDeGeneration>
  <Domaine>
    <Nom>ch-test.mssante.fr</Nom>
    <Description>Centre hospitalier de test</Description>
    <DNCertificatOperateur>CN=mss.ch-test.fr,OU=0000000000000,O=CH TEST,C=FR</DNCertificatOperateur>
    <ResponsableContact>dsi@ch-test.mssante.fr</ResponsableContact>
    <SupportContact>support@ch-test.mssante.fr</SupportContact>
    <DateMAJ>2025-06-12</DateMAJ>
  </Domaine>
  <Domaine>
    <Nom>ehpad-test.mssante.fr</Nom>
    <Description>EHPAD Les Tilleuls (test)</Description>
  </Domaine>
  <Domaine>
    <Nom>pharmacie-test.mssante.fr</Nom>
    <Description>Pharmacie de la Gare (test)</Description>
  </Domaine>
  <Domaine>
    <Nom>patient.mssante.fr</Nom>
    <Description>Mon espace sant&#233; &amp; messagerie citoyenne</Description>
  </Domaine>
  <Domaine>
    <Nom>medecin.mssante.fr</Nom>
    <Description>Opérateur national, domaine des médecins</Description>
  </Domaine>
  <Domaine>
    <Nom>pharmacien.mssante.fr</Nom>
  </Domaine>
  <Domaine>
    <Nom>infirmier.mssante.fr</Nom>
  </Domaine>
  <Domaine>
    <Nom>ght-exemple.mssante.fr</Nom>
    <Description>GHT Exemple, opérateur régional</Description>
  </Domaine>
  <Domaine>
    <Nom>labo-test.mssante.fr</Nom>
  </Domaine>
  <Domaine>
    <Nom>ehpad_dumoulin.mssante.fr</Nom>
  </Domaine>
</ListeBlanche>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn test_list() -> TrustList {
        TrustList::parse(TEST_LIST).unwrap_or_else(|e| panic!("test list: {e}"))
    }

    #[test]
    fn ann_whitelist_reads_every_domain_and_the_date() {
        let list = test_list();
        assert_eq!(list.len(), 10);
        for name in [
            "ch-test.mssante.fr",
            "ehpad-test.mssante.fr",
            "pharmacie-test.mssante.fr",
            "patient.mssante.fr",
            "ehpad_dumoulin.mssante.fr",
        ] {
            assert!(list.contains(name), "{name}");
        }
        assert_eq!(
            list.generated_at(),
            NaiveDate::from_ymd_opt(2025, 11, 3).and_then(|d| d.and_hms_opt(2, 15, 7))
        );
    }

    #[test]
    fn ann_whitelist_byte_order_mark_is_skipped() {
        let with_bom = format!("\u{feff}{TEST_LIST}");
        assert_eq!(TrustList::parse(&with_bom), Ok(test_list()));
    }

    #[test]
    fn ann_whitelist_lookup_ignores_case_but_not_subdomains() {
        let list = test_list();
        assert!(list.contains("CH-Test.MSSante.FR"));
        assert!(!list.contains("cardio.ch-test.mssante.fr"));
        assert!(!list.contains("mssante.fr"));
        assert!(!list.contains("test.mssante.fr"));
    }

    #[test]
    fn ann_whitelist_keeps_the_other_fields() {
        let list = test_list();
        let domain = list.domain("ch-test.mssante.fr");
        assert_eq!(
            domain.and_then(|d| d.operator_certificate_dn.as_deref()),
            Some("CN=mss.ch-test.fr,OU=0000000000000,O=CH TEST,C=FR")
        );
        assert_eq!(
            domain.and_then(|d| d.updated_at.as_deref()),
            Some("2025-06-12")
        );
        assert_eq!(
            list.domain("patient.mssante.fr")
                .and_then(|d| d.description.as_deref()),
            Some("Mon espace santé & messagerie citoyenne")
        );
    }

    #[test]
    fn ann_whitelist_root_name_and_prefixes_do_not_matter() {
        let xml = r#"<?xml version="1.0"?>
            <lb:Export xmlns:lb="https://listeblanche.mssante.fr/schema">
              <lb:Entete><lb:DateDeGeneration>2024-02-29</lb:DateDeGeneration></lb:Entete>
              <lb:Domaines>
                <lb:Domaine><lb:Nom> Clinique-Test.MSSante.fr </lb:Nom></lb:Domaine>
                <lb:Domaine><lb:Nom><![CDATA[cpts-test.mssante.fr]]></lb:Nom></lb:Domaine>
              </lb:Domaines>
            </lb:Export>"#;
        let list = TrustList::parse(xml);
        assert_eq!(list.as_ref().map(TrustList::len), Ok(2));
        let list = list.unwrap_or_default();
        assert!(list.contains("clinique-test.mssante.fr"));
        assert!(list.contains("cpts-test.mssante.fr"));
        assert_eq!(
            list.generated_at(),
            NaiveDate::from_ymd_opt(2024, 2, 29).map(|d| d.and_time(NaiveTime::MIN))
        );
    }

    #[test]
    fn ann_whitelist_nom_outside_a_domaine_is_ignored() {
        let xml = "<Liste><Nom>intrus.mssante.fr</Nom>\
                   <Domaine><Nom>ch-test.mssante.fr</Nom><Operateur><Nom>Opérateur</Nom></Operateur></Domaine></Liste>";
        let list = TrustList::parse(xml).unwrap_or_default();
        assert_eq!(list.len(), 1);
        assert!(list.contains("ch-test.mssante.fr"));
        assert!(!list.contains("intrus.mssante.fr"));
    }

    #[test]
    fn ann_whitelist_duplicate_names_count_once() {
        let xml = "<L><Domaine><Nom>a.mssante.fr</Nom><Description>first</Description></Domaine>\
                   <Domaine><Nom>A.mssante.fr</Nom><Description>second</Description></Domaine></L>";
        let list = TrustList::parse(xml).unwrap_or_default();
        assert_eq!(list.len(), 1);
        assert_eq!(
            list.domain("a.mssante.fr")
                .and_then(|d| d.description.as_deref()),
            Some("first")
        );
    }

    #[test]
    fn ann_whitelist_refuses_what_is_not_the_list() {
        let cases: &[(&str, TrustListError)] = &[
            ("", TrustListError::NoDomain),
            ("this is not xml", TrustListError::NoDomain),
            (
                "<html><body>502 Bad Gateway</body></html>",
                TrustListError::NoDomain,
            ),
            ("<ListeBlanche></ListeBlanche>", TrustListError::NoDomain),
            (
                "<L><Domaine><Nom>a.mssante.fr</Nom></Domaine><Domaine><Nom> </Nom></Domaine></L>",
                TrustListError::EmptyDomainName { index: 2 },
            ),
            (
                "<L><Domaine><Nom/></Domaine></L>",
                TrustListError::EmptyDomainName { index: 1 },
            ),
            (
                "<L><Domaine><Description>no name</Description></Domaine></L>",
                TrustListError::EmptyDomainName { index: 1 },
            ),
            (
                "<L><Domaine/></L>",
                TrustListError::EmptyDomainName { index: 1 },
            ),
            (
                "<L><Domaine><Nom>a b.mssante.fr</Nom></Domaine></L>",
                TrustListError::InvalidDomainName {
                    index: 1,
                    name: "a b.mssante.fr".into(),
                },
            ),
            (
                "<L><Domaine><Nom>a.mssante.fr</Nom></Domaine><Domaine><Nom>b.mss",
                TrustListError::Truncated,
            ),
        ];
        for (xml, expected) in cases {
            assert_eq!(TrustList::parse(xml).as_ref(), Err(expected), "{xml:?}");
        }
    }

    #[test]
    fn ann_whitelist_refuses_malformed_xml() {
        let result = TrustList::parse("<L><Domaine><Nom>a.mssante.fr</Domaine></L>");
        assert!(
            matches!(result, Err(TrustListError::NotXml { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn ann_whitelist_refuses_doctype_and_external_entities() {
        let xxe = r#"<?xml version="1.0"?>
            <!DOCTYPE L [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <L><Domaine><Nom>&xxe;</Nom></Domaine></L>"#;
        assert_eq!(TrustList::parse(xxe), Err(TrustListError::Doctype));
    }

    #[test]
    fn ann_whitelist_refuses_undeclared_entities() {
        let xml = "<L><Domaine><Nom>a&evil;.mssante.fr</Nom></Domaine></L>";
        assert_eq!(
            TrustList::parse(xml),
            Err(TrustListError::UnknownEntity {
                name: "evil".into()
            })
        );
    }

    #[test]
    fn ann_whitelist_snapshot_round_trips() {
        let list = test_list();
        let snapshot = list.to_xml();
        assert!(snapshot.contains(NAMESPACE));
        assert!(snapshot.contains("&amp;"));
        assert_eq!(TrustList::parse(&snapshot), Ok(list.clone()));
        assert_eq!(
            TrustList::parse(&snapshot).map(|again| again.to_xml()),
            Ok(snapshot)
        );
    }

    #[test]
    fn ann_whitelist_generation_date_formats() {
        let expected = NaiveDate::from_ymd_opt(2025, 1, 31).and_then(|d| d.and_hms_opt(4, 5, 6));
        for text in [
            "2025-01-31T04:05:06",
            "2025-01-31T04:05:06.250",
            "2025-01-31T04:05:06+01:00",
            "2025-01-31T04:05:06Z",
            "2025-01-31 04:05:06",
            "31/01/2025 04:05:06",
        ] {
            let got = parse_generation_date(text).map(|t| t.with_nanosecond_zero());
            assert_eq!(got, expected, "{text}");
        }
        assert_eq!(parse_generation_date("yesterday"), None);
    }

    trait WithoutNanos {
        fn with_nanosecond_zero(self) -> Self;
    }

    impl WithoutNanos for NaiveDateTime {
        fn with_nanosecond_zero(self) -> Self {
            use chrono::Timelike;
            self.with_nanosecond(0).unwrap_or(self)
        }
    }

    #[test]
    fn ann_whitelist_a_list_without_date_is_still_a_list() {
        let list = TrustList::parse("<L><Domaine><Nom>a.mssante.fr</Nom></Domaine></L>");
        assert_eq!(list.as_ref().map(TrustList::generated_at), Ok(None));
        assert_eq!(list.map(|l| l.len()), Ok(1));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn any_domain() -> impl Strategy<Value = Domain> {
            let text = "\\PC{0,20}".prop_map(|s| s.trim().to_owned());
            (
                "[a-z0-9][a-z0-9_-]{0,15}\\.mssante\\.fr",
                proptest::option::of(text.clone()),
                proptest::option::of(text.clone()),
                proptest::option::of(text.clone()),
                proptest::option::of(text.clone()),
                proptest::option::of(text),
            )
                .prop_map(|(name, description, dn, responsible, support, updated)| {
                    Domain {
                        name,
                        description,
                        operator_certificate_dn: dn,
                        responsible_contact: responsible,
                        support_contact: support,
                        updated_at: updated,
                    }
                })
        }

        proptest! {
            #[test]
            fn ann_whitelist_any_list_survives_a_snapshot(
                domains in proptest::collection::vec(any_domain(), 1..20),
                generated_at in proptest::option::of("[0-9]{4}-[0-9]{2}-[0-9]{2}"),
            ) {
                let list = TrustList {
                    generated_at,
                    domains: domains
                        .into_iter()
                        .map(|domain| (domain.name.clone(), domain))
                        .collect(),
                };
                prop_assert_eq!(TrustList::parse(&list.to_xml()), Ok(list));
            }

            #[test]
            fn ann_whitelist_parse_never_panics(input in "\\PC{0,200}") {
                let _ = TrustList::parse(&input);
            }
        }
    }
}
