//! The online Annuaire Santé (FHIR R4 API of the ANS), for fresher data than the daily file and
//! for the applicative (APP) boxes the file does not carry. The user's own API key is sent in
//! `ESANTE-API-KEY` and lives in the keyring; requests are spaced to stay under the API's
//! 17 requests per second, and result pages are followed by their `next` link.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Where the ANS serves the API.
pub const ANS_FHIR_BASE: &str = "https://gateway.api.esante.gouv.fr/fhir/v2";
/// The API allows 17 requests a second per key.
pub const REQUESTS_PER_SECOND: u32 = 17;

const EMAIL_TYPE_EXTENSION: &str = "fr-core-contact-point-email-type";
const MAILBOX_METADATA_EXTENSION: &str = "as-ext-mailbox-mss-metadata";

/// An MSSanté mailbox found online.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OnlineMailbox {
    pub address: String,
    /// PER, ORG, APP or CAB, from the mailbox metadata.
    pub box_type: Option<String>,
    pub description: Option<String>,
    pub service: Option<String>,
    /// The practitioner's or organisation's name.
    pub holder: String,
    /// The practitioner's name in parts (empty for an organisation): prefix (`DR`), given
    /// names, family name.
    pub civility: String,
    pub first_name: String,
    pub last_name: String,
    /// Practitioner, PractitionerRole or Organization.
    pub resource: String,
}

#[derive(Debug, thiserror::Error)]
pub enum FhirError {
    #[error("the national directory cannot be reached: {0}")]
    Unreachable(String),
    #[error(
        "the national directory refused the API key (status {0}); check the key in the settings"
    )]
    KeyRefused(u16),
    #[error("the national directory answered {status}")]
    Status { status: u16 },
    #[error("the national directory answered something that is not a FHIR bundle: {0}")]
    NotABundle(String),
}

/// What to look for online.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// Practitioners by family name (and given name).
    Practitioner {
        family: String,
        given: Option<String>,
    },
    /// Organisations by name (structures, services, applicative boxes).
    Organization { name: String },
}

impl Search {
    fn path(&self) -> String {
        let encode = |text: &str| url_encode(text.trim());
        match self {
            Search::Practitioner { family, given } => {
                let mut path = format!("Practitioner?family={}", encode(family));
                if let Some(given) = given {
                    path.push_str(&format!("&given={}", encode(given)));
                }
                path
            }
            Search::Organization { name } => format!("Organization?name={}", encode(name)),
        }
    }
}

fn url_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A client for one API key.
pub struct FhirClient {
    base: String,
    api_key: String,
    agent: ureq::Agent,
    max_pages: usize,
}

impl std::fmt::Debug for FhirClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FhirClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl FhirClient {
    pub fn new(base: &str, api_key: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_string(),
            api_key: api_key.to_string(),
            agent: crate::net::https_agent(false),
            max_pages: 20,
        }
    }

    /// Waits as needed so that requests never exceed the API's rate, across every client of
    /// the process: one lookup after another (Ctrl+E pressed again, the CLI's searches) shares
    /// the key's budget.
    fn pace(&mut self) {
        static LAST_REQUEST: Mutex<Option<Instant>> = Mutex::new(None);
        let spacing = Duration::from_secs(1) / REQUESTS_PER_SECOND;
        // A panic elsewhere while holding it leaves a time that is still right.
        let mut last = LAST_REQUEST
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(previous) = *last {
            let elapsed = previous.elapsed();
            if elapsed < spacing {
                std::thread::sleep(spacing - elapsed);
            }
        }
        *last = Some(Instant::now());
    }

    fn get(&mut self, url: &str) -> Result<Value, FhirError> {
        self.pace();
        let response = self
            .agent
            .get(url)
            .header("ESANTE-API-KEY", &self.api_key)
            .header("Accept", "application/fhir+json")
            .call()
            .map_err(|error| match error {
                ureq::Error::StatusCode(status @ (401 | 403)) => FhirError::KeyRefused(status),
                ureq::Error::StatusCode(status) => FhirError::Status { status },
                other => FhirError::Unreachable(other.to_string()),
            })?;
        let text = response
            .into_body()
            .with_config()
            .limit(32 * 1024 * 1024)
            .read_to_string()
            .map_err(|error| FhirError::Unreachable(error.to_string()))?;
        let bundle: Value = serde_json::from_str(&text)
            .map_err(|error| FhirError::NotABundle(error.to_string()))?;
        if bundle.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
            return Err(FhirError::NotABundle("no resourceType Bundle".into()));
        }
        Ok(bundle)
    }

    /// Every MSSanté mailbox of the resources matching the search, following `next` pages.
    pub fn search(&mut self, search: &Search) -> Result<Vec<OnlineMailbox>, FhirError> {
        let mut url = format!("{}/{}", self.base, search.path());
        let mut found = Vec::new();
        for _ in 0..self.max_pages {
            let bundle = self.get(&url)?;
            found.extend(mailboxes_in_bundle(&bundle));
            match next_link(&bundle) {
                Some(next) => url = next,
                None => break,
            }
        }
        found.sort_by(|a, b| a.address.cmp(&b.address));
        found.dedup_by(|a, b| a.address.eq_ignore_ascii_case(&b.address));
        Ok(found)
    }

    /// The mailboxes of several searches, each address once (the first answer's), in the
    /// order of the searches. The first failure stops the lookup: a refused key refuses them all.
    pub fn search_all(&mut self, searches: &[Search]) -> Result<Vec<OnlineMailbox>, FhirError> {
        let mut found: Vec<OnlineMailbox> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for search in searches {
            for mailbox in self.search(search)? {
                if seen.insert(mailbox.address.to_lowercase()) {
                    found.push(mailbox);
                }
            }
        }
        Ok(found)
    }
}

fn next_link(bundle: &Value) -> Option<String> {
    bundle.get("link")?.as_array()?.iter().find_map(|link| {
        (link.get("relation")?.as_str()? == "next")
            .then(|| link.get("url")?.as_str().map(str::to_string))?
    })
}

/// The MSSanté mailboxes of every resource of a bundle.
pub fn mailboxes_in_bundle(bundle: &Value) -> Vec<OnlineMailbox> {
    let entries = bundle
        .get("entry")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    entries
        .iter()
        .filter_map(|entry| entry.get("resource"))
        .flat_map(mailboxes_of_resource)
        .collect()
}

/// A practitioner's name in parts: prefix, given names, family name. Empty for a resource whose
/// name is a plain string (an organisation).
fn name_parts(resource: &Value) -> (String, String, String) {
    let Some(name) = resource
        .get("name")
        .and_then(Value::as_array)
        .and_then(|names| names.first())
    else {
        return Default::default();
    };
    let given = name
        .get("given")
        .and_then(Value::as_array)
        .map(|given| {
            given
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let family = name
        .get("family")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let prefix = name
        .get("prefix")
        .and_then(Value::as_array)
        .and_then(|prefix| prefix.first())
        .and_then(Value::as_str)
        .unwrap_or_default();
    (
        prefix.trim().to_string(),
        given.trim().to_string(),
        family.trim().to_string(),
    )
}

fn holder_name(resource: &Value) -> String {
    if let Some(name) = resource.get("name").and_then(Value::as_str) {
        return name.to_string();
    }
    let (prefix, given, family) = name_parts(resource);
    [prefix, given, family]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn extensions(value: &Value) -> &[Value] {
    value
        .get("extension")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn url_ends_with(extension: &Value, suffix: &str) -> bool {
    extension
        .get("url")
        .and_then(Value::as_str)
        .is_some_and(|url| url.ends_with(suffix))
}

/// An MSSanté mailbox is an e-mail `telecom` marked with the email-type extension code MSSANTE.
fn mailboxes_of_resource(resource: &Value) -> Vec<OnlineMailbox> {
    let kind = resource
        .get("resourceType")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let holder = holder_name(resource);
    let (civility, first_name, last_name) = name_parts(resource);
    let telecoms = resource
        .get("telecom")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    telecoms
        .iter()
        .filter(|telecom| telecom.get("system").and_then(Value::as_str) == Some("email"))
        .filter(|telecom| {
            extensions(telecom).iter().any(|extension| {
                url_ends_with(extension, EMAIL_TYPE_EXTENSION)
                    && extension
                        .pointer("/valueCoding/code")
                        .and_then(Value::as_str)
                        .is_some_and(|code| code.eq_ignore_ascii_case("MSSANTE"))
            })
        })
        .filter_map(|telecom| {
            let address = telecom
                .get("value")
                .and_then(Value::as_str)?
                .trim()
                .to_string();
            let metadata = extensions(telecom)
                .iter()
                .find(|extension| url_ends_with(extension, MAILBOX_METADATA_EXTENSION));
            let sub = |name: &str| -> Option<String> {
                let sub = extensions(metadata?)
                    .iter()
                    .find(|sub| sub.get("url").and_then(Value::as_str) == Some(name))?;
                sub.pointer("/valueCodeableConcept/coding/0/code")
                    .or_else(|| sub.get("valueString"))
                    .or_else(|| sub.get("valueCode"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            Some(OnlineMailbox {
                address,
                box_type: sub("type"),
                description: sub("description"),
                service: sub("service"),
                holder: holder.clone(),
                civility: civility.clone(),
                first_name: first_name.clone(),
                last_name: last_name.clone(),
                resource: kind.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ann_a_mailbox_is_an_email_telecom_marked_mssante() {
        let bundle = serde_json::json!({
            "resourceType": "Bundle",
            "entry": [{ "resource": {
                "resourceType": "Organization",
                "name": "CH de Lens — secrétariat de cardiologie",
                "telecom": [
                    { "system": "email", "value": "contact@ch-lens.fr" },
                    { "system": "email", "value": "secretariat-cardio@ch-lens.mssante.fr", "extension": [
                        { "url": "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type",
                          "valueCoding": { "code": "MSSANTE" } },
                        { "url": "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-mailbox-mss-metadata",
                          "extension": [
                            { "url": "type", "valueCodeableConcept": { "coding": [{ "code": "ORG" }] } },
                            { "url": "service", "valueString": "Cardiologie" }
                          ] }
                    ] }
                ]
            } }]
        });
        let found = mailboxes_in_bundle(&bundle);
        assert_eq!(
            found.len(),
            1,
            "the plain e-mail address is not an MSSanté box"
        );
        assert_eq!(found[0].address, "secretariat-cardio@ch-lens.mssante.fr");
        assert_eq!(found[0].box_type.as_deref(), Some("ORG"));
        assert_eq!(found[0].service.as_deref(), Some("Cardiologie"));
        assert_eq!(found[0].resource, "Organization");
    }

    #[test]
    fn a_practitioners_name_is_prefix_given_family() {
        let resource = serde_json::json!({ "name": [{ "prefix": ["Dr"], "given": ["Hélène"], "family": "NOËL" }] });
        assert_eq!(holder_name(&resource), "Dr Hélène NOËL");
    }

    #[test]
    fn search_paths_are_encoded() {
        let search = Search::Practitioner {
            family: "Noël".into(),
            given: Some("Hélène".into()),
        };
        assert_eq!(
            search.path(),
            "Practitioner?family=No%C3%ABl&given=H%C3%A9l%C3%A8ne"
        );
    }
}
