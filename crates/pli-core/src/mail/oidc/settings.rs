//! The `[account.oidc]` block of `accounts.toml`: which OpenID Connect provider a box signs in
//! with, as which client, asking for what.
//!
//! A preset names a Pro Santé Connect environment and supplies its issuer, scopes and level of
//! authentication; any value written in the block overrides the preset's, so an administrator can
//! point a box at another realm without waiting for a new Pli.

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;

use openidconnect::url::{Host, Url};
use openidconnect::{ClientId, IssuerUrl};
use serde::{Deserialize, Serialize};

use super::{IssuerProblem, OidcError};
use crate::profile::ConfigProblem;

/// The scopes Pro Santé Connect gives a mail client (`scope_all`: the professional's identity).
pub const PSC_SCOPES: [&str; 2] = ["openid", "scope_all"];
/// The level of authentication MSSanté requires: a CPS card or the e-CPS app (eIDAS substantial).
pub const PSC_ACR: &str = "eidas1";

/// A Pro Santé Connect environment Pli knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// Production: real professionals, real cards.
    Psc,
    /// The "bac à sable" the ANS provides for integration tests, with test cards.
    PscSandbox,
}

impl Preset {
    pub const ALL: [Preset; 2] = [Preset::Psc, Preset::PscSandbox];

    pub fn name(self) -> &'static str {
        match self {
            Preset::Psc => "psc",
            Preset::PscSandbox => "psc-sandbox",
        }
    }

    pub fn issuer(self) -> &'static str {
        match self {
            Preset::Psc => "https://auth.esante.gouv.fr/auth/realms/esante-wallet",
            Preset::PscSandbox => "https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet",
        }
    }

    /// The settings of a new box signing in with this environment; the client id is the one the
    /// ANS gave the registration (each publisher registers its software, so there is no default).
    pub fn settings(self, client_id: impl Into<String>) -> OidcSettings {
        OidcSettings {
            preset: Some(self),
            client_id: Some(client_id.into()),
            ..OidcSettings::default()
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Preset {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Preset::ALL
            .into_iter()
            .find(|preset| preset.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| format!("'{text}' is not a sign-in preset: use psc or psc-sandbox"))
    }
}

/// Where the refresh token waits between two runs of Pli.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RefreshTokenStore {
    /// The operating system's keyring: the session survives a restart of Pli.
    #[default]
    Keyring,
    /// Memory only, for a shared workstation: closing Pli signs out.
    Memory,
}

impl FromStr for RefreshTokenStore {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "keyring" => Ok(RefreshTokenStore::Keyring),
            "memory" => Ok(RefreshTokenStore::Memory),
            _ => Err(format!(
                "'{text}' is not a place for the session: use keyring or memory"
            )),
        }
    }
}

/// The `[account.oidc]` block as written by the user; `resolve` fills the gaps from the preset.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OidcSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<Preset>,
    /// The issuer URL; discovery reads `<issuer>/.well-known/openid-configuration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acr_values: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "is_default")]
    pub refresh_token: RefreshTokenStore,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// Settings checked and completed: what a sign-in or a refresh needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcConfig {
    pub issuer: IssuerUrl,
    pub client_id: ClientId,
    pub scopes: Vec<String>,
    pub acr_values: Vec<String>,
    pub refresh_token: RefreshTokenStore,
    /// An authority trusted on top of the system's for the provider's https (the box's
    /// `ca_file`).
    pub extra_ca: Option<PathBuf>,
}

impl OidcSettings {
    /// The settings completed by the preset and checked; the error says what to fix.
    pub fn resolve(&self) -> Result<OidcConfig, OidcError> {
        let issuer = self
            .issuer
            .as_deref()
            .or(self.preset.map(Preset::issuer))
            .ok_or(OidcError::MissingIssuer)?;
        let issuer = parse_issuer(issuer)?;
        let client_id = self
            .client_id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .ok_or(OidcError::MissingClientId)?;
        let preset_scopes = || {
            let scopes: &[&str] = match self.preset {
                Some(_) => &PSC_SCOPES,
                None => &["openid"],
            };
            scopes.iter().map(|scope| scope.to_string()).collect()
        };
        let preset_acr = || match self.preset {
            Some(_) => vec![PSC_ACR.to_string()],
            None => Vec::new(),
        };
        Ok(OidcConfig {
            issuer,
            client_id: ClientId::new(client_id.to_string()),
            scopes: self.scopes.clone().unwrap_or_else(preset_scopes),
            acr_values: self.acr_values.clone().unwrap_or_else(preset_acr),
            refresh_token: self.refresh_token,
            extra_ca: None,
        })
    }
}

/// An issuer must be https, except on this computer's loopback where the tests run their
/// provider: a sign-in over plain http elsewhere would hand the tokens to anyone on the path.
pub fn parse_issuer(text: &str) -> Result<IssuerUrl, OidcError> {
    let bad = |problem| OidcError::BadIssuer {
        issuer: text.to_string(),
        problem,
    };
    let url = Url::parse(text.trim()).map_err(|_| bad(IssuerProblem::NotAnAddress))?;
    let loopback = match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => return Err(bad(IssuerProblem::NoHost)),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(bad(IssuerProblem::NotHttps)),
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad(IssuerProblem::HasQuery));
    }
    // The issuer is compared character for character with the one the provider announces, so
    // it is kept as written (minus surrounding spaces), not as the URL parser would rewrite it.
    IssuerUrl::new(text.trim().to_string()).map_err(|_| bad(IssuerProblem::NotAnAddress))
}

/// Reads the `oidc` value of an `[[account]]` table the tolerant way `accounts.toml` is read: a
/// bad entry is reported with the line of the block and left at its default, the rest is kept.
pub fn settings_from_toml(
    value: &toml::Spanned<toml::Value>,
    line_of: &dyn Fn(usize) -> usize,
    problems: &mut Vec<ConfigProblem>,
) -> Option<OidcSettings> {
    let line = line_of(value.span().start);
    let mut problem = |message: String| problems.push(ConfigProblem { line, message });
    let toml::Value::Table(table) = value.get_ref() else {
        problem(format!(
            "oidc: expected a block of settings ([account.oidc]), found {}; \
             Pro Santé Connect is not set up for this box",
            value.get_ref().type_str()
        ));
        return None;
    };
    let mut settings = OidcSettings::default();
    for (key, value) in table {
        let text = || match value {
            toml::Value::String(text) => Ok(text.clone()),
            other => Err(format!(
                "oidc.{key}: expected text between quotes, found {}",
                other.type_str()
            )),
        };
        let words = || match value {
            toml::Value::String(text) => Ok(text.split_whitespace().map(String::from).collect()),
            toml::Value::Array(items) => items
                .iter()
                .map(|item| match item {
                    toml::Value::String(text) => Ok(text.trim().to_string()),
                    other => Err(format!(
                        "oidc.{key}: expected words between quotes, found {}",
                        other.type_str()
                    )),
                })
                .collect(),
            other => Err(format!(
                "oidc.{key}: expected a list such as [\"openid\", \"scope_all\"], found {}",
                other.type_str()
            )),
        };
        let outcome: Result<(), String> = match key.as_str() {
            "preset" => text().and_then(|text| {
                text.parse::<Preset>()
                    .map(|preset| settings.preset = Some(preset))
                    .map_err(|message| format!("oidc.preset: {message}"))
            }),
            "issuer" => text().map(|text| {
                if let Err(error) = parse_issuer(&text) {
                    // Kept all the same: the box says the same sentence when it connects.
                    problem(format!("oidc.issuer: {error}"));
                }
                settings.issuer = Some(text);
            }),
            "client_id" => text().map(|text| settings.client_id = Some(text)),
            "scopes" => words().map(|words| settings.scopes = Some(words)),
            "acr_values" => words().map(|words| settings.acr_values = Some(words)),
            "refresh_token" => text().and_then(|text| {
                text.parse()
                    .map(|store| settings.refresh_token = store)
                    .map_err(|message| format!("oidc.refresh_token: {message}; keyring used"))
            }),
            "client_secret" => Err("oidc.client_secret: a secret is never kept in this file; \
                 it was ignored, enter it again so Pli keeps it in the system keyring"
                .to_string()),
            _ => Err(format!(
                "'oidc.{key}' is not a setting Pli knows; it is ignored"
            )),
        };
        if let Err(message) = outcome {
            problem(message);
        }
    }
    Some(settings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::account::parse_accounts;

    const BOX: &str = r#"
[[account]]
name = "cabinet"
address = "dr.martin@ch-test.mssante.fr"
type = "PER"
imap = "imap.ch-test.mssante.fr:143"
smtp = "smtp.ch-test.mssante.fr:587"
auth = "xoauth2"
"#;

    #[test]
    fn a_preset_fills_the_psc_values_and_written_values_override_them() {
        let settings = Preset::PscSandbox.settings("pli-client");
        let config = settings.resolve().unwrap();
        assert_eq!(config.issuer.as_str(), Preset::PscSandbox.issuer());
        assert_eq!(config.scopes, ["openid", "scope_all"]);
        assert_eq!(config.acr_values, ["eidas1"]);
        assert_eq!(config.refresh_token, RefreshTokenStore::Keyring);

        let edited = OidcSettings {
            issuer: Some("https://auth.example.fr/realms/test".into()),
            acr_values: Some(vec![]),
            ..Preset::Psc.settings("pli-client")
        };
        let config = edited.resolve().unwrap();
        assert_eq!(
            config.issuer.as_str(),
            "https://auth.example.fr/realms/test"
        );
        assert!(config.acr_values.is_empty());
        assert_eq!(config.scopes, ["openid", "scope_all"]);
    }

    #[test]
    fn missing_or_unsafe_values_are_named() {
        assert!(matches!(
            OidcSettings::default().resolve(),
            Err(OidcError::MissingIssuer)
        ));
        let no_client = OidcSettings {
            preset: Some(Preset::Psc),
            ..OidcSettings::default()
        };
        assert!(matches!(
            no_client.resolve(),
            Err(OidcError::MissingClientId)
        ));
        for (issuer, words) in [
            (
                "http://auth.esante.gouv.fr/auth/realms/esante-wallet",
                "https://",
            ),
            ("auth.esante.gouv.fr", "not a web address"),
            ("ftp://auth.esante.gouv.fr/", "https://"),
            ("https://auth.esante.gouv.fr/?realm=x", "? or #"),
        ] {
            let error = parse_issuer(issuer).unwrap_err();
            assert!(error.to_string().contains(words), "{issuer}: {error}");
        }
        for issuer in [
            "http://127.0.0.1:8080",
            "http://localhost:8080/realms/x",
            "http://[::1]:9/",
            Preset::Psc.issuer(),
        ] {
            assert!(parse_issuer(issuer).is_ok(), "{issuer}");
        }
    }

    #[test]
    fn the_block_round_trips_through_accounts_toml() {
        let text = format!(
            "{BOX}\n[account.oidc]\npreset = \"psc-sandbox\"\nclient_id = \"pli-client\"\nscopes = \"openid scope_all\"\nrefresh_token = \"memory\"\n"
        );
        let loaded = parse_accounts(&text);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let settings = loaded.accounts[0].oidc.clone().unwrap();
        assert_eq!(settings.preset, Some(Preset::PscSandbox));
        assert_eq!(
            settings.scopes.as_deref(),
            Some(&["openid".to_string(), "scope_all".to_string()][..])
        );
        assert_eq!(settings.refresh_token, RefreshTokenStore::Memory);

        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("accounts.toml");
        crate::mail::account::save_accounts(&path, &loaded.accounts).unwrap();
        let saved = std::fs::read_to_string(&path).unwrap();
        assert!(saved.contains("[account.oidc]"), "{saved}");
        let again = crate::mail::account::load_accounts(&path).unwrap();
        assert!(again.problems.is_empty(), "{:?}", again.problems);
        assert_eq!(again.accounts, loaded.accounts);
    }

    #[test]
    fn a_box_without_the_block_has_none_and_writes_none() {
        let loaded = parse_accounts(BOX);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.accounts[0].oidc, None);
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("accounts.toml");
        crate::mail::account::save_accounts(&path, &loaded.accounts).unwrap();
        assert!(!std::fs::read_to_string(&path).unwrap().contains("oidc"));
    }

    #[test]
    fn bad_entries_are_reported_and_the_box_still_loads() {
        let text = format!(
            "{BOX}\n[account.oidc]\npreset = \"keycloak\"\nissuer = \"http://auth.example.fr\"\nclient_id = 12\nscopes = [\"openid\", 3]\nrefresh_token = \"disk\"\nclient_secret = \"s3cret\"\ncolour = \"blue\"\n"
        );
        let loaded = parse_accounts(&text);
        assert_eq!(loaded.accounts.len(), 1, "{:?}", loaded.problems);
        let messages: Vec<_> = loaded.problems.iter().map(|p| p.message.as_str()).collect();
        for words in [
            "oidc.preset",
            "https://",
            "oidc.client_id",
            "oidc.scopes",
            "oidc.refresh_token",
            "never kept in this file",
            "oidc.colour",
        ] {
            assert!(
                messages.iter().any(|m| m.contains(words)),
                "{words}: {messages:?}"
            );
        }
        assert!(
            loaded.problems.iter().all(|p| p.line == 10),
            "{:?}",
            loaded.problems
        );
        let settings = loaded.accounts[0].oidc.clone().unwrap();
        assert_eq!(settings.refresh_token, RefreshTokenStore::Keyring);
        assert_eq!(settings.client_id, None);

        let not_a_table = format!("{BOX}oidc = \"psc\"\n");
        let loaded = parse_accounts(&not_a_table);
        assert_eq!(loaded.accounts[0].oidc, None);
        assert!(loaded.problems[0].message.contains("[account.oidc]"));
    }
}
