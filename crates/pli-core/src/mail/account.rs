//! A mailbox (BAL) as Pli knows it, and the `accounts.toml` file that lists them.
//!
//! Loading is tolerant: a bad field is reported with its line and the rest of the file loads,
//! because an EHPAD workstation with one mistyped port must still open the other boxes.
//! Secrets are never in this file: they live in the OS keyring (see `secrets`).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The three kinds of MSSanté mailbox (TRE_R257-TypeBAL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BoxKind {
    /// Nominative: one habilitated professional.
    #[serde(rename = "PER")]
    Personal,
    /// A service box shared by several people (an EHPAD secretariat, a pharmacy).
    #[serde(rename = "ORG")]
    Organisational,
    /// Used by software.
    #[serde(rename = "APP")]
    Applicative,
}

impl BoxKind {
    pub fn code(self) -> &'static str {
        match self {
            BoxKind::Personal => "PER",
            BoxKind::Organisational => "ORG",
            BoxKind::Applicative => "APP",
        }
    }
}

impl FromStr for BoxKind {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "per" => Ok(BoxKind::Personal),
            "org" => Ok(BoxKind::Organisational),
            "app" => Ok(BoxKind::Applicative),
            _ => Err(format!(
                "'{text}' is not a mailbox type: use per, org or app"
            )),
        }
    }
}

/// How the connection is secured. There is no plaintext option: MSSanté forbids it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded before anything else is said (IMAP 143, submission 587).
    /// A server that does not offer STARTTLS is refused.
    #[default]
    Starttls,
    /// TLS from the first byte (IMAPS 993, submissions 465).
    Tls,
}

impl FromStr for Security {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "starttls" => Ok(Security::Starttls),
            "tls" => Ok(Security::Tls),
            _ => Err(format!(
                "'{text}' is not a security mode: use starttls or tls"
            )),
        }
    }
}

/// How Pli proves who it is to the servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthKind {
    #[default]
    Password,
    /// A TLS client certificate (PKCS#12 or PEM); IMAP uses SASL EXTERNAL.
    Certificate,
    /// An OAuth 2 access token (Pro Santé Connect) with SASL XOAUTH2.
    Xoauth2,
}

impl FromStr for AuthKind {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "password" => Ok(AuthKind::Password),
            "certificate" => Ok(AuthKind::Certificate),
            "xoauth2" => Ok(AuthKind::Xoauth2),
            _ => Err(format!(
                "'{text}' is not an authentication method: use password, certificate or xoauth2"
            )),
        }
    }
}

/// A server as `host:port`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
}

impl Endpoint {
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        Self {
            host: host.into(),
            port,
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl FromStr for Endpoint {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let (host, port) = text
            .rsplit_once(':')
            .ok_or_else(|| format!("'{text}' needs a port, as in imap.example.mssante.fr:143"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(format!("'{text}' has no host name"));
        }
        let port = port
            .parse::<u16>()
            .ok()
            .filter(|port| *port != 0)
            .ok_or_else(|| format!("'{port}' is not a port number (1 to 65535)"))?;
        Ok(Endpoint::new(host, port))
    }
}

impl TryFrom<String> for Endpoint {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<Endpoint> for String {
    fn from(endpoint: Endpoint) -> Self {
        endpoint.to_string()
    }
}

/// One mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The short name the user and the scripts call it by (`pli account test cabinet`).
    pub name: String,
    pub address: String,
    #[serde(rename = "type")]
    pub kind: BoxKind,
    /// The sender name, in the Référentiel's format (ECO.2.2.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub imap: Endpoint,
    pub smtp: Endpoint,
    #[serde(default)]
    pub security: Security,
    #[serde(default)]
    pub auth: AuthKind,
    /// The login name when it is not the address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    /// The client certificate: a PKCS#12 file, or a PEM file holding the certificate chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<PathBuf>,
    /// The private key when `certificate` is a PEM file without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_key: Option<PathBuf>,
    /// An authority an administrator trusts for this box on top of IGC-Santé.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// A pharmacy's (officine's) organisational box: patients may write first to send a
    /// prescription (SEED).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pharmacy: bool,
    /// Sign-in with Pro Santé Connect (OpenID Connect), for a box whose `auth` is `xoauth2`.
    /// Boxed: most boxes have none, and accounts travel in the window's messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oidc: Option<Box<super::oidc::OidcSettings>>,
    /// Keep only the bodies of the last N months on this computer (older ones are dropped, their
    /// envelopes kept, and a search asks the server for them); `None` keeps everything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_months: Option<u32>,
}

impl Account {
    pub fn login_name(&self) -> &str {
        self.login.as_deref().unwrap_or(&self.address)
    }

    /// The box signs in with Pro Santé Connect: its tokens come from the process's sessions.
    pub fn signs_in_with_psc(&self) -> bool {
        self.auth == AuthKind::Xoauth2 && self.oidc.is_some()
    }

    /// The domain of the address, lower-cased.
    pub fn domain(&self) -> String {
        domain_of(&self.address)
    }
}

pub fn domain_of(address: &str) -> String {
    address
        .rsplit_once('@')
        .map(|(_, domain)| domain)
        .unwrap_or("")
        .trim()
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// Why a box name or address cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AccountError {
    #[error(
        "a box name may only hold letters, digits, '-', '_' and '.', and must not be empty: '{0}'"
    )]
    BadName(String),
    #[error("'{0}' is not an e-mail address")]
    BadAddress(String),
    #[error("a box named '{0}' already exists")]
    Duplicate(String),
    #[error("there is no box named '{0}'")]
    Unknown(String),
    #[error("the certificate method needs a certificate file (--cert)")]
    CertificateMissing,
    /// Patients may write first only to a pharmacy's organisational box (SEED): a nominative
    /// or application box marked as a pharmacy would accept what the rules refuse.
    #[error("only an organisational (ORG) box can be a pharmacy's (--pharmacy needs --type org)")]
    PharmacyNotOrganisational,
    #[error("the bodies kept on this computer are counted in months, from 1 to 1200")]
    OfflineMonthsOutOfRange,
}

impl Account {
    /// Checks what the type system cannot: a usable name, an address, a certificate when needed.
    pub fn validate(&self) -> Result<(), AccountError> {
        let name_ok = !self.name.is_empty()
            && self
                .name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !name_ok {
            return Err(AccountError::BadName(self.name.clone()));
        }
        let (local, domain) = self
            .address
            .split_once('@')
            .ok_or_else(|| AccountError::BadAddress(self.address.clone()))?;
        if local.is_empty() || !domain.contains('.') || self.address.contains(char::is_whitespace) {
            return Err(AccountError::BadAddress(self.address.clone()));
        }
        if self.auth == AuthKind::Certificate && self.certificate.is_none() {
            return Err(AccountError::CertificateMissing);
        }
        if self.pharmacy && self.kind != BoxKind::Organisational {
            return Err(AccountError::PharmacyNotOrganisational);
        }
        Ok(())
    }
}

pub use crate::profile::ConfigProblem;

/// What could be read from the file, and what could not.
#[derive(Debug, Default)]
pub struct LoadedAccounts {
    pub accounts: Vec<Account>,
    pub problems: Vec<ConfigProblem>,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountsFileError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the boxes: {0}")]
    Serialize(#[from] toml::ser::Error),
}

#[derive(Serialize)]
struct AccountsDocument<'a> {
    account: &'a [Account],
}

/// Parses the text of `accounts.toml`: every `[[account]]` table that can be understood loads.
pub fn parse_accounts(text: &str) -> LoadedAccounts {
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let mut loaded = LoadedAccounts::default();

    #[derive(Deserialize)]
    struct Document {
        #[serde(default)]
        account: Vec<toml::Spanned<BTreeMap<String, toml::Spanned<toml::Value>>>>,
    }
    let document: Document = match toml::from_str(text) {
        Ok(document) => document,
        Err(error) => {
            loaded.problems.push(ConfigProblem {
                line: error.span().map(|span| line_of(span.start)).unwrap_or(1),
                message: error.message().to_string(),
            });
            return loaded;
        }
    };

    for table in document.account {
        let table_line = line_of(table.span().start);
        let fields = table.into_inner();
        match account_from_fields(&fields, &line_of) {
            Ok((account, mut problems)) => {
                if loaded
                    .accounts
                    .iter()
                    .any(|known| known.name == account.name)
                {
                    loaded.problems.push(ConfigProblem {
                        line: table_line,
                        message: format!(
                            "a second box is named '{}'; only the first is used",
                            account.name
                        ),
                    });
                    continue;
                }
                if let Err(error) = account.validate() {
                    loaded.problems.push(ConfigProblem {
                        line: table_line,
                        message: error.to_string(),
                    });
                    continue;
                }
                loaded.problems.append(&mut problems);
                loaded.accounts.push(account);
            }
            Err(mut problems) => loaded.problems.append(&mut problems),
        }
    }
    loaded.problems.sort_by_key(|problem| problem.line);
    loaded
}

type Fields = BTreeMap<String, toml::Spanned<toml::Value>>;

/// Builds one account; a bad optional field falls back to its default with a problem noted,
/// a bad or missing required field leaves the account out.
fn account_from_fields(
    fields: &Fields,
    line_of: &dyn Fn(usize) -> usize,
) -> Result<(Account, Vec<ConfigProblem>), Vec<ConfigProblem>> {
    let mut problems = Vec::new();
    let first_line = fields
        .values()
        .map(|v| line_of(v.span().start))
        .min()
        .unwrap_or(1);

    fn get<T: FromStr<Err: fmt::Display>>(
        fields: &Fields,
        key: &str,
        line_of: &dyn Fn(usize) -> usize,
    ) -> Option<Result<T, ConfigProblem>> {
        let value = fields.get(key)?;
        let line = line_of(value.span().start);
        Some(match value.get_ref() {
            toml::Value::String(text) => text.parse::<T>().map_err(|message| ConfigProblem {
                line,
                message: format!("{key}: {message}"),
            }),
            other => Err(ConfigProblem {
                line,
                message: format!(
                    "{key}: expected text between quotes, found {}",
                    other.type_str()
                ),
            }),
        })
    }
    let mut required = |key: &str| -> Option<String> {
        match get::<String>(fields, key, line_of) {
            Some(Ok(text)) => Some(text),
            Some(Err(problem)) => {
                problems.push(problem);
                None
            }
            None => {
                problems.push(ConfigProblem {
                    line: first_line,
                    message: format!("the box has no '{key}'; it is left out"),
                });
                None
            }
        }
    };
    let name = required("name");
    let address = required("address");
    let kind = required("type");
    let imap = required("imap");
    let smtp = required("smtp");

    let mut parse_required = |key: &str, text: Option<String>| -> Option<()> {
        let text = text?;
        let line = fields
            .get(key)
            .map(|v| line_of(v.span().start))
            .unwrap_or(first_line);
        let result = match key {
            "type" => text.parse::<BoxKind>().map(|_| ()),
            _ => text.parse::<Endpoint>().map(|_| ()),
        };
        match result {
            Ok(()) => Some(()),
            Err(message) => {
                problems.push(ConfigProblem {
                    line,
                    message: format!("{key}: {message}"),
                });
                None
            }
        }
    };
    let kind_ok = parse_required("type", kind.clone());
    let imap_ok = parse_required("imap", imap.clone());
    let smtp_ok = parse_required("smtp", smtp.clone());

    let (
        Some(name),
        Some(address),
        Some(kind),
        Some(imap),
        Some(smtp),
        Some(()),
        Some(()),
        Some(()),
    ) = (name, address, kind, imap, smtp, kind_ok, imap_ok, smtp_ok)
    else {
        return Err(problems);
    };

    let mut optional = |key: &str| -> Option<String> {
        match get::<String>(fields, key, line_of) {
            Some(Ok(text)) => Some(text),
            Some(Err(problem)) => {
                problems.push(problem);
                None
            }
            None => None,
        }
    };
    let display_name = optional("display_name");
    let login = optional("login");
    let certificate = optional("certificate").map(PathBuf::from);
    let certificate_key = optional("certificate_key").map(PathBuf::from);
    let ca_file = optional("ca_file").map(PathBuf::from);
    let pharmacy = match fields
        .get("pharmacy")
        .map(|value| (value.get_ref(), line_of(value.span().start)))
    {
        None => false,
        Some((toml::Value::Boolean(pharmacy), _)) => *pharmacy,
        Some((other, line)) => {
            problems.push(ConfigProblem {
                line,
                message: format!(
                    "pharmacy: expected true or false, found {}",
                    other.type_str()
                ),
            });
            false
        }
    };
    let offline_months = match fields
        .get("offline_months")
        .map(|value| (value.get_ref(), line_of(value.span().start)))
    {
        None => None,
        Some((toml::Value::Integer(months), _)) if (1..=1200).contains(months) => {
            Some(*months as u32)
        }
        Some((other, line)) => {
            problems.push(ConfigProblem {
                line,
                message: format!(
                    "offline_months: expected a number of months from 1 to 1200, found {}; every body is kept",
                    match other {
                        toml::Value::Integer(months) => months.to_string(),
                        other => other.type_str().to_string(),
                    }
                ),
            });
            None
        }
    };
    let oidc = fields
        .get("oidc")
        .and_then(|value| super::oidc::settings_from_toml(value, line_of, &mut problems))
        .map(Box::new);
    let security = match get::<Security>(fields, "security", line_of) {
        Some(Ok(security)) => security,
        Some(Err(problem)) => {
            problems.push(ConfigProblem {
                message: format!("{}; STARTTLS is used", problem.message),
                ..problem
            });
            Security::default()
        }
        None => Security::default(),
    };
    let auth = match get::<AuthKind>(fields, "auth", line_of) {
        Some(Ok(auth)) => auth,
        Some(Err(problem)) => {
            problems.push(ConfigProblem {
                message: format!("{}; the password is used", problem.message),
                ..problem
            });
            AuthKind::default()
        }
        None => AuthKind::default(),
    };
    const KNOWN: &[&str] = &[
        "name",
        "address",
        "type",
        "imap",
        "smtp",
        "security",
        "auth",
        "display_name",
        "login",
        "certificate",
        "certificate_key",
        "ca_file",
        "pharmacy",
        "oidc",
        "offline_months",
    ];
    for (key, value) in fields {
        if !KNOWN.contains(&key.as_str()) {
            problems.push(ConfigProblem {
                line: line_of(value.span().start),
                message: format!("'{key}' is not a setting Pli knows; it is ignored"),
            });
        }
    }

    // The parses below succeeded above; the fallbacks only keep the compiler honest.
    let kind = kind.parse().unwrap_or(BoxKind::Personal);
    // The pharmacy exception (SEED) is for a pharmacy's organisational box: on another box it
    // would let patients start conversations the rules forbid.
    let pharmacy = if pharmacy && kind != BoxKind::Organisational {
        problems.push(ConfigProblem {
            line: fields
                .get("pharmacy")
                .map(|value| line_of(value.span().start))
                .unwrap_or(0),
            message: "pharmacy: only an organisational (ORG) box can be a pharmacy's; ignored"
                .into(),
        });
        false
    } else {
        pharmacy
    };
    let account = Account {
        name,
        address,
        kind,
        display_name,
        imap: imap.parse().unwrap_or_else(|_| Endpoint::new("", 0)),
        smtp: smtp.parse().unwrap_or_else(|_| Endpoint::new("", 0)),
        security,
        auth,
        login,
        certificate,
        certificate_key,
        ca_file,
        pharmacy,
        oidc,
        offline_months,
    };
    Ok((account, problems))
}

/// Reads the boxes of a profile. A missing file is an empty list, not an error.
pub fn load_accounts(path: &Path) -> Result<LoadedAccounts, AccountsFileError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(parse_accounts(&text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(LoadedAccounts::default()),
        Err(source) => Err(AccountsFileError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes the boxes atomically (a new file renamed over the old one), so a crash never leaves a
/// half-written list. When the old file had problems it is kept beside as `accounts.toml.bak`,
/// so nothing the user typed is lost.
pub fn save_accounts(path: &Path, accounts: &[Account]) -> Result<(), AccountsFileError> {
    let write_error = |source| AccountsFileError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(folder) = path.parent() {
        crate::profile::create_private_dir(folder).map_err(write_error)?;
    }
    if let Ok(old) = std::fs::read_to_string(path) {
        if !parse_accounts(&old).problems.is_empty() {
            std::fs::write(path.with_extension("toml.bak"), old).map_err(write_error)?;
        }
    }
    let text = toml::to_string_pretty(&AccountsDocument { account: accounts })?;
    let temporary = path.with_extension("toml.tmp");
    std::fs::write(&temporary, text).map_err(write_error)?;
    std::fs::rename(&temporary, path).map_err(write_error)
}

/// A doctor's box on an invented server, for unit tests (the core's and the window's).
#[cfg(any(test, feature = "fixture"))]
pub fn example_doctor() -> Account {
    Account {
        name: "cabinet".into(),
        address: "dr.martin@ch-test.mssante.fr".into(),
        kind: BoxKind::Personal,
        display_name: Some("Dr_Jean_MARTIN_CH Test".into()),
        imap: Endpoint::new("imap.ch-test.mssante.fr", 143),
        smtp: Endpoint::new("smtp.ch-test.mssante.fr", 587),
        security: Security::Starttls,
        auth: AuthKind::Password,
        login: None,
        certificate: None,
        certificate_key: None,
        ca_file: None,
        pharmacy: false,
        oidc: None,
        offline_months: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_the_pharmacy_exception_is_refused_on_a_box_that_is_not_organisational() {
        let text = |kind: &str| {
            format!(
                "[[account]]\nname = \"officine\"\naddress = \"officine@pharmacie-test.mssante.fr\"\ntype = \"{kind}\"\nimap = \"imap.example.fr:143\"\nsmtp = \"smtp.example.fr:587\"\npharmacy = true\n"
            )
        };
        let personal = parse_accounts(&text("PER"));
        assert!(!personal.accounts[0].pharmacy);
        assert!(
            personal
                .problems
                .iter()
                .any(|problem| problem.line == 7 && problem.message.contains("organisational")),
            "{:?}",
            personal.problems
        );
        let organisational = parse_accounts(&text("ORG"));
        assert!(organisational.accounts[0].pharmacy);
        assert!(
            organisational.problems.is_empty(),
            "{:?}",
            organisational.problems
        );
    }

    fn doctor() -> Account {
        example_doctor()
    }

    #[test]
    fn accounts_round_trip_through_the_file() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("config/accounts.toml");
        let mut ehpad = doctor();
        ehpad.name = "ehpad".into();
        ehpad.kind = BoxKind::Organisational;
        ehpad.security = Security::Tls;
        ehpad.ca_file = Some("/etc/pli/ca.pem".into());
        ehpad.pharmacy = true;
        save_accounts(&path, &[doctor(), ehpad.clone()]).unwrap();
        let loaded = load_accounts(&path).unwrap();
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.accounts, vec![doctor(), ehpad]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("secret"), "no secret in the file");
    }

    #[test]
    fn a_bad_field_is_reported_with_its_line_and_the_rest_loads() {
        let text = r#"
[[account]]
name = "cabinet"
address = "dr.martin@ch-test.mssante.fr"
type = "PER"
imap = "imap.ch-test.mssante.fr:143"
smtp = "smtp.ch-test.mssante.fr:587"
security = "plaintext"

[[account]]
name = "ehpad"
address = "secretariat@ehpad-test.mssante.fr"
type = "ORG"
imap = "imap.ehpad-test.mssante.fr:99999"
smtp = "smtp.ehpad-test.mssante.fr:587"

[[account]]
name = "officine"
address = "officine@pharmacie-test.mssante.fr"
type = "ORG"
imap = "imap.pharmacie-test.mssante.fr:993"
smtp = "smtp.pharmacie-test.mssante.fr:465"
security = "tls"
colour = "blue"
"#;
        let loaded = parse_accounts(text);
        let names: Vec<_> = loaded.accounts.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["cabinet", "officine"]);
        assert_eq!(
            loaded.accounts[0].security,
            Security::Starttls,
            "bad value falls back"
        );
        let lines: Vec<_> = loaded.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [8, 14, 24], "{:?}", loaded.problems);
        assert!(loaded.problems[1].message.contains("99999"));
    }

    #[test]
    fn a_syntax_error_is_reported_with_its_line() {
        let loaded = parse_accounts("[[account]]\nname = \"cabinet\nimap = 3\n");
        assert!(loaded.accounts.is_empty());
        assert_eq!(loaded.problems.len(), 1);
        assert_eq!(loaded.problems[0].line, 2, "{:?}", loaded.problems);
    }

    #[test]
    fn a_missing_required_field_leaves_only_that_box_out() {
        let loaded = parse_accounts(
            "[[account]]\nname = \"x\"\naddress = \"a@b.fr\"\ntype = \"PER\"\nsmtp = \"h:1\"\n",
        );
        assert!(loaded.accounts.is_empty());
        assert!(
            loaded.problems[0].message.contains("imap"),
            "{:?}",
            loaded.problems
        );
    }

    #[test]
    fn saving_over_a_damaged_file_keeps_a_copy() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("accounts.toml");
        std::fs::write(&path, "[[account]]\nname = \"half typed").unwrap();
        save_accounts(&path, &[doctor()]).unwrap();
        let backup = std::fs::read_to_string(path.with_extension("toml.bak")).unwrap();
        assert!(backup.contains("half typed"));
    }

    #[test]
    fn endpoints_parse_and_refuse_nonsense() {
        assert_eq!(
            "localhost:10143".parse::<Endpoint>(),
            Ok(Endpoint::new("localhost", 10143))
        );
        assert_eq!(
            "[::1]:993".parse::<Endpoint>(),
            Ok(Endpoint::new("::1", 993))
        );
        assert!("localhost".parse::<Endpoint>().is_err());
        assert!("localhost:0".parse::<Endpoint>().is_err());
        assert!(":143".parse::<Endpoint>().is_err());
    }

    #[test]
    fn validation_names_the_problem() {
        let mut account = doctor();
        account.name = "a b".into();
        assert_eq!(account.validate(), Err(AccountError::BadName("a b".into())));
        let mut account = doctor();
        account.address = "martin".into();
        assert!(matches!(
            account.validate(),
            Err(AccountError::BadAddress(_))
        ));
        let mut account = doctor();
        account.auth = AuthKind::Certificate;
        assert_eq!(account.validate(), Err(AccountError::CertificateMissing));
    }
}
