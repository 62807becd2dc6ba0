//! The settings of a profile (`settings.toml`), loaded tolerantly: a bad value is reported and
//! falls back to its default, so one typo never keeps a practice from opening its mail.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::mssante::inactivity::Thresholds;

/// The product reference Pli puts in `X-MSS-NIL` until the ANS declaration gives the real one;
/// an operator sets it in `settings.toml` (`product_reference = "…"`). It names the version that
/// sends, the one `pli --version` prints.
pub const DEFAULT_PRODUCT_REFERENCE: &str = concat!("Pli/", env!("CARGO_PKG_VERSION"));

/// Whether a product reference is the default of some version of Pli (`Pli/0.1.0`), as saving the
/// settings writes it, rather than a reference an operator chose.
fn is_a_versions_default(reference: &str) -> bool {
    reference.strip_prefix("Pli/").is_some_and(|version| {
        version.starts_with(|c: char| c.is_ascii_digit())
            && version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
    })
}

/// The published address of the trust-space list.
pub const TRUST_LIST_URL: &str = "https://espacedeconfiance.mssante.fr/listeblanchemssante.xml";

/// The interface language, a preference of the profile (the words are the front ends').
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Fr,
    En,
}

impl Language {
    /// French unless the operating system (or `PLI_LANG`) asks for English: Pli is made for French
    /// workstations, so any other locale also falls back to French.
    pub fn from_os() -> Self {
        if let Ok(forced) = std::env::var("PLI_LANG") {
            return if forced.to_ascii_lowercase().starts_with("en") {
                Language::En
            } else {
                Language::Fr
            };
        }
        match sys_locale::get_locale() {
            Some(locale) if locale.to_ascii_lowercase().starts_with("en") => Language::En,
            _ => Language::Fr,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileSettings {
    /// None follows the operating system.
    pub language: Option<Language>,
    /// "light", "dark", or None to follow the operating system.
    pub theme: Option<String>,
    pub product_reference: String,
    pub trust_list_url: String,
    /// Deletion after 12 months of inactivity, warning 2 months before (SEED), per operator.
    pub inactivity: Thresholds,
    /// How long the trace is kept (6 months by default).
    pub trace_retention_months: u32,
    /// The window hides its content after this many idle minutes (120 at most).
    pub auto_lock_minutes: u32,
    pub notifications: bool,
    /// Whether the directory may ask the online Annuaire Santé (the user's own API key, in the
    /// keyring). Off until the workstation opts in: the query leaves the machine.
    pub directory_online: bool,
    /// Where the Annuaire Santé FHIR API is (the ANS's by default; a test or a mirror elsewhere).
    pub directory_fhir_url: String,
    /// The name colleagues see on a message this person took or handled in a shared box
    /// (IMAP keywords, `mail::keywords`); the operating system's user when unset.
    pub person_name: Option<String>,
    /// A pharmacy's answers to patients ("Votre commande est prête…"), offered in the reader
    /// of a prescription; empty: the window's own, in the interface language.
    pub reply_templates: Vec<ReplyTemplate>,
    /// What a connection does when the revocation status of a server's certificate cannot be
    /// established: `"soft-fail"` (the default: accepted, and said) or `"hard-fail"` (refused),
    /// an operator's choice (`mail::revocation`).
    pub revocation: crate::mail::revocation::Policy,
    /// The DNS server asked for a new box's servers (SRV records, RFC 6186) when the system's
    /// does not know them (a site's own DNS); None asks the system's.
    pub discovery_nameserver: Option<std::net::SocketAddr>,
}

/// An answer written once and sent often: its name on the button, its text at the top of the
/// reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyTemplate {
    pub name: String,
    pub text: String,
}

impl Default for ProfileSettings {
    fn default() -> Self {
        Self {
            language: None,
            theme: None,
            product_reference: DEFAULT_PRODUCT_REFERENCE.to_string(),
            trust_list_url: TRUST_LIST_URL.to_string(),
            inactivity: Thresholds::default(),
            trace_retention_months: 6,
            auto_lock_minutes: 30,
            notifications: true,
            directory_online: false,
            directory_fhir_url: crate::directory::fhir::ANS_FHIR_BASE.to_string(),
            person_name: None,
            reply_templates: Vec::new(),
            revocation: crate::mail::revocation::Policy::default(),
            discovery_nameserver: None,
        }
    }
}

/// The longest a workstation may stay unlocked without activity (reported rule: 2 hours).
pub const AUTO_LOCK_MAX_MINUTES: u32 = 120;

impl ProfileSettings {
    /// Reads the settings; returns them with the problems found (line and sentence).
    pub fn load(path: &Path) -> (ProfileSettings, Vec<String>) {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return (ProfileSettings::default(), Vec::new())
            }
            Err(error) => {
                return (
                    ProfileSettings::default(),
                    vec![format!("{}: {error}", path.display())],
                )
            }
        };
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> (ProfileSettings, Vec<String>) {
        let mut problems = Vec::new();
        let table: toml::Table = match toml::from_str(text) {
            Ok(table) => table,
            Err(error) => {
                let line = error
                    .span()
                    .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
                problems.push(format!("line {}: {}", line.unwrap_or(1), error.message()));
                return (ProfileSettings::default(), problems);
            }
        };
        let mut settings = ProfileSettings::default();
        // Each key on its own: a bad one keeps its default and the others still apply.
        let mut merged = toml::Table::try_from(&settings).unwrap_or_default();
        for (key, value) in table {
            let mut candidate = merged.clone();
            candidate.insert(key.clone(), value);
            // An optional setting left unset is absent from `merged`: it is known when giving it
            // changes the settings (an unknown key changes nothing).
            let before = toml::Value::Table(merged.clone())
                .try_into::<ProfileSettings>()
                .ok();
            match toml::Value::Table(candidate.clone()).try_into::<ProfileSettings>() {
                Ok(parsed) if merged.contains_key(&key) || Some(&parsed) != before.as_ref() => {
                    merged = candidate
                }
                Ok(_) => {
                    problems.push(format!("'{key}' is not a setting Pli knows; it is ignored"))
                }
                Err(error) => {
                    problems.push(format!("{key}: {}; the default is kept", error.message()))
                }
            }
        }
        if let Ok(parsed) = toml::Value::Table(merged).try_into::<ProfileSettings>() {
            settings = parsed;
        }
        // Saving the settings writes the default reference too, so a profile made by an earlier
        // version holds that version ("Pli/0.1.0"): the header must name the version that sends.
        if is_a_versions_default(&settings.product_reference) {
            settings.product_reference = DEFAULT_PRODUCT_REFERENCE.to_string();
        }
        if settings.auto_lock_minutes == 0 || settings.auto_lock_minutes > AUTO_LOCK_MAX_MINUTES {
            problems.push(format!(
                "auto_lock_minutes must be between 1 and {AUTO_LOCK_MAX_MINUTES}; {AUTO_LOCK_MAX_MINUTES} is used"
            ));
            settings.auto_lock_minutes = settings.auto_lock_minutes.clamp(1, AUTO_LOCK_MAX_MINUTES);
        }
        (settings, problems)
    }

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(folder) = path.parent() {
            crate::profile::create_private_dir(folder)?;
        }
        let text = toml::to_string_pretty(self).map_err(std::io::Error::other)?;
        let temporary = path.with_extension("toml.tmp");
        std::fs::write(&temporary, text)?;
        std::fs::rename(temporary, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_seed_and_the_referentiel() {
        let settings = ProfileSettings::default();
        assert_eq!(settings.inactivity, Thresholds::default());
        assert_eq!(settings.trace_retention_months, 6);
        assert!(settings.auto_lock_minutes <= AUTO_LOCK_MAX_MINUTES);
        assert!(
            !settings.directory_online,
            "a health-data workstation opts in to the online directory"
        );
    }

    #[test]
    fn a_bad_value_keeps_its_default_and_the_rest_applies() {
        let (settings, problems) = ProfileSettings::parse(
            "product_reference = \"ANS-PLI-0042\"\ntrace_retention_months = \"six\"\ncolour = 3\n",
        );
        assert_eq!(settings.product_reference, "ANS-PLI-0042");
        assert_eq!(settings.trace_retention_months, 6);
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn eco_2_4_3_a_profile_saved_by_an_earlier_version_sends_this_version() {
        use crate::mail::send::{self, Draft, SendPolicy};
        use crate::mail::store::Store;
        use crate::mssante::headers::ProductReference;
        use crate::mssante::whitelist::TrustList;

        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("settings.toml");
        std::fs::write(&path, "product_reference = \"Pli/0.0.1\"\n").unwrap();
        let (settings, problems) = ProfileSettings::load(&path);
        assert!(problems.is_empty(), "{problems:?}");

        // The header as the composer builds it from the profile's settings, on the queued bytes.
        let product = ProductReference::new(&settings.product_reference).unwrap();
        let trust_list = TrustList::parse(
            "<ListeBlanche><Domaine><Nom>ch-test.mssante.fr</Nom></Domaine></ListeBlanche>",
        )
        .unwrap();
        let policy = SendPolicy {
            product_reference: &product,
            trust_list: &trust_list,
            outside_confirmed: false,
            closes_conversation: false,
        };
        let draft = Draft {
            from: "dr.martin@ch-test.mssante.fr".into(),
            to: vec!["helene.noel@ch-test.mssante.fr".into()],
            subject: "Compte rendu".into(),
            body: "Bonjour".into(),
            ..Draft::default()
        };
        let store = Store::in_memory().unwrap();
        let account = crate::mail::account::example_doctor();
        let (_, _, raw) = send::queue(&store, &account, &draft, &policy).unwrap();
        let raw = String::from_utf8_lossy(&raw);
        let expected = format!("X-MSS-NIL: Pli/{}\r\n", env!("CARGO_PKG_VERSION"));
        assert!(raw.contains(&expected), "{raw}");

        // A reference the operator chose is kept, even one that looks like a product name.
        for chosen in ["ANS-PLI-0042", "Pli/éditeur", "Pli/"] {
            let (settings, _) =
                ProfileSettings::parse(&format!("product_reference = \"{chosen}\"\n"));
            assert_eq!(settings.product_reference, chosen);
        }
    }

    #[test]
    fn auto_lock_is_capped_at_two_hours() {
        let (settings, problems) = ProfileSettings::parse("auto_lock_minutes = 600\n");
        assert_eq!(settings.auto_lock_minutes, AUTO_LOCK_MAX_MINUTES);
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn an_optional_setting_is_read_back() {
        let (settings, problems) = ProfileSettings::parse("person_name = \"Claire Dubois\"\n");
        assert_eq!(settings.person_name.as_deref(), Some("Claire Dubois"));
        assert!(problems.is_empty(), "{problems:?}");
        let (_, problems) = ProfileSettings::parse("colour = 3\n");
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn a_pharmacy_writes_its_own_answers() {
        let (settings, problems) = ProfileSettings::parse(
            "[[reply_templates]]\nname = \"Prête\"\ntext = \"Bonjour,\\nc'est prêt.\"\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            settings.reply_templates,
            [ReplyTemplate {
                name: "Prête".into(),
                text: "Bonjour,\nc'est prêt.".into()
            }]
        );
    }

    #[test]
    fn settings_round_trip() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("settings.toml");
        let settings = ProfileSettings {
            product_reference: "X".into(),
            ..ProfileSettings::default()
        };
        settings.save(&path).unwrap();
        assert_eq!(ProfileSettings::load(&path), (settings, Vec::new()));
    }
}
