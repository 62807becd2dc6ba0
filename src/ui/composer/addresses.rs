//! The address fields: what the person has typed, the correspondents it may complete to, and
//! the subjects and signature a reply, a forward or a new message starts with.

use super::*;

/// A correspondent the store knows, offered when an address is typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub name: String,
    pub address: String,
    /// Name and address folded (lower case, no accents) for matching.
    key: String,
}

impl Known {
    pub fn new(name: impl Into<String>, address: impl Into<String>) -> Self {
        let name = name.into();
        let address = address.into();
        let key = fold(&format!("{name} {address}"));
        Self { name, address, key }
    }

    pub(super) fn mailbox(&self) -> String {
        Person {
            name: self.name.clone(),
            address: self.address.clone(),
        }
        .mailbox()
    }
}

/// Lower case without accents: "Hélène" is found by typing "helene".
pub(super) fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The known correspondents matching what is being typed: every typed word must start a word
/// of the name or the address.
pub fn suggestions<'a>(partial: &str, known: &'a [Known]) -> Vec<&'a Known> {
    let words: Vec<String> = fold(partial)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    if words.is_empty() || partial.trim().chars().count() < 2 {
        return Vec::new();
    }
    known
        .iter()
        .filter(|candidate| {
            words.iter().all(|word| {
                candidate
                    .key
                    .split(|c: char| c.is_whitespace() || c == '.' || c == '@' || c == '<')
                    .any(|part| part.starts_with(word.as_str()))
            })
        })
        .take(SUGGESTIONS)
        .collect()
}

/// The address being typed: what follows the last separator.
pub fn partial(field: &str) -> &str {
    field
        .rsplit([',', ';'])
        .next()
        .unwrap_or_default()
        .trim_start()
}

/// Replaces the address being typed by `mailbox`, ready for the next one.
pub(super) fn complete(field: &str, mailbox: &str) -> String {
    let kept = match field.rfind([',', ';']) {
        Some(end) => format!("{} ", &field[..=end]),
        None => String::new(),
    };
    format!("{kept}{mailbox}, ")
}

/// The addresses of a field: `Name <a@b>, c@d` gives `a@b` and `c@d`.
pub fn addresses(field: &str) -> Vec<String> {
    field
        .split([',', ';'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| match (part.rfind('<'), part.rfind('>')) {
            (Some(start), Some(end)) if start < end => part[start + 1..end].trim().to_string(),
            _ => part.to_string(),
        })
        .collect()
}

/// `Re: ` in front, once; the XDM prefix goes (the reply carries no XDM archive).
pub fn reply_subject(subject: &str) -> String {
    let subject = subject_for_display(subject);
    let trimmed = subject.trim();
    if trimmed.to_lowercase().starts_with("re:") {
        trimmed.to_string()
    } else {
        format!("Re: {trimmed}")
    }
}

/// `Tr : ` in front, once, as French mail clients write it.
pub fn forward_subject(subject: &str) -> String {
    let subject = subject_for_display(subject);
    let trimmed = subject.trim();
    let lower = trimmed.to_lowercase();
    if lower.starts_with("tr :") || lower.starts_with("tr:") || lower.starts_with("fwd:") {
        trimmed.to_string()
    } else {
        format!("Tr : {trimmed}")
    }
}

pub(super) fn signature_block(signature: &str) -> String {
    if signature.trim().is_empty() {
        String::new()
    } else {
        format!("\n\n-- \n{}", signature.trim_end())
    }
}
