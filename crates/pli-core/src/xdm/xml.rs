//! A small, bounded tree of an XML file, for METADATA.XML and the CDA.
//!
//! Both files come from strangers, so the tree is built under three refusals: no DOCTYPE at all
//! (no entity can then be declared, so none is expanded and no external reference is followed),
//! no entity but the five predefined ones and character references, and bounds on depth and
//! node count. Names are kept without their namespace prefix: real archives use `rim:`, `ns3:`,
//! a default namespace, or prefixes never declared, and the element names alone are enough to
//! tell ebRIM and CDA elements apart. Processing instructions (an `xml-stylesheet` pointing to
//! a remote XSL) are dropped: nothing is ever run.

use quick_xml::events::Event;
use quick_xml::Reader;

/// Deeper than any real CDA (about 20 levels for a table in a section in an entry).
const MAX_DEPTH: usize = 128;
/// Elements and text nodes in one file: a 30 MB CDA of one-byte elements would stop here.
const MAX_NODES: usize = 500_000;
/// Attributes of one element: a CDA element has at most a dozen.
const MAX_ATTRIBUTES: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XmlError {
    /// The file declares a DOCTYPE, the door to entity expansion and external references.
    DocType,
    /// An entity other than `&amp;` and its four siblings, or a bad character reference.
    Entity,
    TooDeep,
    TooManyNodes,
    /// Not well-formed XML (or no root element).
    Malformed,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Element {
    pub name: String,
    attributes: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone)]
pub(crate) enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// An attribute by its local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// An attribute by its local name, trimmed, absent when empty.
    pub fn attr_value(&self, name: &str) -> Option<String> {
        self.attr(name)
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    /// The child elements with this local name.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |element| element.name == name)
    }

    /// The first child element with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|element| element.name == name)
    }

    /// Follows a path of child names, first match at each step.
    pub fn path(&self, names: &[&str]) -> Option<&Element> {
        names
            .iter()
            .try_fold(self, |element, name| element.child(name))
    }

    /// Every element with this local name at any depth below (not `self`), in document order.
    pub fn descendants<'a>(&'a self, name: &'a str) -> Vec<&'a Element> {
        let mut found = Vec::new();
        let mut stack: Vec<&Element> = self.elements().collect();
        stack.reverse();
        while let Some(element) = stack.pop() {
            if element.name == name {
                found.push(element);
            }
            let before = stack.len();
            stack.extend(element.elements());
            stack[before..].reverse();
        }
        found
    }

    /// All the text below, concatenated, in document order.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut stack: Vec<&Node> = self.children.iter().rev().collect();
        while let Some(node) = stack.pop() {
            match node {
                Node::Text(text) => out.push_str(text),
                Node::Element(element) => stack.extend(element.children.iter().rev()),
            }
        }
        out
    }

    /// The text below, whitespace collapsed, absent when empty.
    pub fn trimmed_text(&self) -> Option<String> {
        let collapsed = self.text().split_whitespace().collect::<Vec<_>>().join(" ");
        (!collapsed.is_empty()).then_some(collapsed)
    }
}

/// Parses a whole file into its root element.
pub(crate) fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    let text = to_utf8(bytes);
    let mut reader = Reader::from_str(&text);
    reader.config_mut().check_end_names = true;
    // The stack holds the open elements; the root is pushed as the first one closes.
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut nodes = 0usize;
    let mut count = |nodes: &mut usize| {
        *nodes += 1;
        if *nodes > MAX_NODES {
            Err(XmlError::TooManyNodes)
        } else {
            Ok(())
        }
    };
    loop {
        let event = reader.read_event().map_err(|_| XmlError::Malformed)?;
        match event {
            Event::DocType(_) => return Err(XmlError::DocType),
            Event::Start(_) | Event::Empty(_) if root.is_some() => return Err(XmlError::Malformed),
            Event::Start(start) => {
                count(&mut nodes)?;
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
                stack.push(element_of(&start)?);
            }
            Event::Empty(start) => {
                count(&mut nodes)?;
                let element = element_of(&start)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(element)),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                let element = stack.pop().ok_or(XmlError::Malformed)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(element)),
                    None => root = Some(element),
                }
            }
            Event::Text(text) => {
                let text = text.decode().map_err(|_| XmlError::Malformed)?;
                push_text(&mut stack, &text, &mut nodes, &mut count)?;
            }
            Event::CData(data) => {
                let text = String::from_utf8_lossy(&data.into_inner()).into_owned();
                push_text(&mut stack, &text, &mut nodes, &mut count)?;
            }
            Event::GeneralRef(reference) => {
                let resolved = if reference.is_char_ref() {
                    reference
                        .resolve_char_ref()
                        .ok()
                        .flatten()
                        .ok_or(XmlError::Entity)?
                        .to_string()
                } else {
                    let name = reference.decode().map_err(|_| XmlError::Entity)?;
                    predefined(&name).ok_or(XmlError::Entity)?.to_string()
                };
                push_text(&mut stack, &resolved, &mut nodes, &mut count)?;
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(XmlError::Malformed);
    }
    root.ok_or(XmlError::Malformed)
}

fn push_text(
    stack: &mut [Element],
    text: &str,
    nodes: &mut usize,
    count: &mut impl FnMut(&mut usize) -> Result<(), XmlError>,
) -> Result<(), XmlError> {
    // Text outside the root is whitespace in a well-formed file; it is dropped.
    let Some(parent) = stack.last_mut() else {
        return Ok(());
    };
    // References split a text into several events: glue them back into one node.
    if let Some(Node::Text(previous)) = parent.children.last_mut() {
        previous.push_str(text);
        return Ok(());
    }
    count(nodes)?;
    parent.children.push(Node::Text(text.to_owned()));
    Ok(())
}

fn predefined(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

fn element_of(start: &quick_xml::events::BytesStart<'_>) -> Result<Element, XmlError> {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let mut attributes = Vec::new();
    // quick-xml compares each attribute with the previous ones to refuse duplicates: bounded
    // here, a 30 MB element of attributes would take hours.
    for (count, attribute) in start.attributes().enumerate() {
        if count >= MAX_ATTRIBUTES {
            return Err(XmlError::TooManyNodes);
        }
        let attribute = attribute.map_err(|_| XmlError::Malformed)?;
        let key = String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned();
        let value = attribute
            .unescape_value()
            .map_err(|_| XmlError::Entity)?
            .into_owned();
        attributes.push((key, value));
    }
    Ok(Element {
        name,
        attributes,
        children: Vec::new(),
    })
}

/// The file as UTF-8: a UTF-8 or UTF-16 byte-order mark, else the declared encoding (real
/// French files sometimes say ISO-8859-1), else UTF-8 with bad bytes replaced.
fn to_utf8(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_with_bom_removal(bytes);
        return text;
    }
    if let Some(encoding) = declared_encoding(bytes) {
        if encoding != encoding_rs::UTF_8 {
            return encoding.decode_without_bom_handling(bytes).0;
        }
    }
    String::from_utf8_lossy(bytes)
}

fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = bytes.get(..bytes.len().min(200))?;
    let head = std::str::from_utf8(head).ok().or_else(|| {
        // A cut in the middle of a character: the declaration itself is ASCII.
        let end = head.iter().position(|&byte| byte == b'>')?;
        std::str::from_utf8(head.get(..=end)?).ok()
    })?;
    let declaration = head.strip_prefix("<?xml")?;
    let declaration = &declaration[..declaration.find("?>")?];
    let after = &declaration[declaration.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next()?;
    let value = after.get(1..)?.split(quote).next()?;
    encoding_rs::Encoding::for_label(value.trim().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_dropped_and_text_is_glued_around_references() {
        let root = parse(
            "\u{feff}<?xml version=\"1.0\"?><?xml-stylesheet href=\"http://x/a.xsl\"?>\
             <a:R xmlns:a=\"u\"><a:B v=\"1 &amp; 2\">x &lt; y &#233;t&#xE9;</a:B><C/></a:R>"
                .as_bytes(),
        )
        .expect("parsed");
        assert_eq!(root.name, "R");
        let b = root.child("B").expect("B");
        assert_eq!(b.attr("v"), Some("1 & 2"));
        assert_eq!(b.text(), "x < y été");
        assert!(root.child("C").is_some());
    }

    #[test]
    fn doctype_and_unknown_entities_are_refused() {
        let external = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
        assert_eq!(parse(external.as_bytes()).err(), Some(XmlError::DocType));
        assert_eq!(
            parse(b"<r>&nbsp;</r>").err(),
            Some(XmlError::Entity),
            "an undeclared entity"
        );
        assert_eq!(parse(b"<r a=\"&x;\"/>").err(), Some(XmlError::Entity));
    }

    #[test]
    fn depth_and_malformed_files_are_bounded() {
        let deep = format!("{}{}", "<a>".repeat(200), "</a>".repeat(200));
        assert_eq!(parse(deep.as_bytes()).err(), Some(XmlError::TooDeep));
        assert_eq!(parse(b"<a><b></a>").err(), Some(XmlError::Malformed));
        assert_eq!(parse(b"").err(), Some(XmlError::Malformed));
        assert_eq!(parse(b"<a/><b/>").err(), Some(XmlError::Malformed));
    }

    #[test]
    fn an_element_with_a_flood_of_attributes_is_refused_at_once() {
        let flood: String = (0..200_000).map(|n| format!(" a{n}=\"\"")).collect();
        let start = std::time::Instant::now();
        assert_eq!(
            parse(format!("<r{flood}/>").as_bytes()).err(),
            Some(XmlError::TooManyNodes)
        );
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn a_declared_latin1_file_is_decoded() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>\xe9</r>";
        assert_eq!(parse(bytes).expect("parsed").text(), "é");
    }
}
