//! What the window remembers between two sessions, in `ui.toml` in the profile's configuration
//! folder: the pane layout, the theme, the language, notifications and a signature per box.
//!
//! Loading is tolerant, field by field: a mistyped value falls back to its default and the rest
//! of the file still applies, because a secretary must never lose her window to a typo in a
//! file she has never seen.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::i18n::Language;
use crate::profile::Profile;

/// The file name inside the profile's configuration folder.
pub const FILE_NAME: &str = "ui.toml";

/// The split ratios of the three panes: `boxes` of the whole width for the box list, then
/// `list` of what remains for the message list; the reader takes the rest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaneRatios {
    pub boxes: f32,
    pub list: f32,
}

impl Default for PaneRatios {
    fn default() -> Self {
        Self {
            boxes: 0.19,
            list: 0.45,
        }
    }
}

/// A ratio outside these bounds would hide a pane for good.
const RATIO_RANGE: std::ops::RangeInclusive<f32> = 0.05..=0.95;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeChoice {
    /// Light or dark as the operating system says.
    #[default]
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    fn as_str(self) -> &'static str {
        match self {
            ThemeChoice::System => "system",
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "system" => Some(ThemeChoice::System),
            "light" => Some(ThemeChoice::Light),
            "dark" => Some(ThemeChoice::Dark),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Preferences {
    pub panes: PaneRatios,
    pub theme: ThemeChoice,
    /// `None` follows the operating system (French unless it asks for English).
    pub language: Option<Language>,
    pub notifications: bool,
    /// The signature of each box, by the box's short name; a box without one signs nothing.
    pub signatures: BTreeMap<String, String>,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            panes: PaneRatios::default(),
            theme: ThemeChoice::System,
            language: None,
            notifications: true,
            signatures: BTreeMap::new(),
        }
    }
}

impl Preferences {
    pub fn path(profile: &Profile) -> PathBuf {
        profile.config_dir().join(FILE_NAME)
    }

    /// Reads the file; a missing file is the defaults, an unreadable one too (with a note in the
    /// log, which never holds anything but the field names).
    pub fn load(path: &Path) -> Self {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let (preferences, problems) = Self::parse(&text);
                for problem in problems {
                    tracing::warn!(file = %path.display(), %problem, "ignored a setting");
                }
                preferences
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Self::default(),
            Err(error) => {
                tracing::warn!(file = %path.display(), %error, "cannot read the window settings");
                Self::default()
            }
        }
    }

    /// Reads what it can and says what it skipped.
    pub fn parse(text: &str) -> (Self, Vec<String>) {
        let mut preferences = Self::default();
        let mut problems = Vec::new();
        let table: toml::Table = match text.parse() {
            Ok(table) => table,
            Err(error) => {
                problems.push(error.message().to_string());
                return (preferences, problems);
            }
        };
        let mut skip = |field: &str| problems.push(format!("'{field}' has an unexpected value"));

        if let Some(layout) = table.get("layout") {
            for (field, target) in [
                ("boxes", &mut preferences.panes.boxes),
                ("list", &mut preferences.panes.list),
            ] {
                match layout.get(field).map(ratio) {
                    Some(Some(value)) => *target = value,
                    Some(None) => skip(field),
                    None => {}
                }
            }
        }
        match table
            .get("theme")
            .map(|value| value.as_str().and_then(ThemeChoice::parse))
        {
            Some(Some(theme)) => preferences.theme = theme,
            Some(None) => skip("theme"),
            None => {}
        }
        match table.get("language").and_then(toml::Value::as_str) {
            Some("fr") => preferences.language = Some(Language::Fr),
            Some("en") => preferences.language = Some(Language::En),
            Some("system") | None => {}
            Some(_) => skip("language"),
        }
        match table.get("notifications").map(toml::Value::as_bool) {
            Some(Some(on)) => preferences.notifications = on,
            Some(None) => skip("notifications"),
            None => {}
        }
        if let Some(signatures) = table.get("signatures").and_then(toml::Value::as_table) {
            for (name, value) in signatures {
                match value.as_str() {
                    Some(signature) => {
                        preferences
                            .signatures
                            .insert(name.clone(), signature.to_string());
                    }
                    None => skip("signatures"),
                }
            }
        }
        (preferences, problems)
    }

    pub fn to_toml(&self) -> String {
        let mut table = toml::Table::new();
        let mut layout = toml::Table::new();
        layout.insert("boxes".into(), f64::from(round(self.panes.boxes)).into());
        layout.insert("list".into(), f64::from(round(self.panes.list)).into());
        table.insert("layout".into(), layout.into());
        table.insert("theme".into(), self.theme.as_str().into());
        let language = match self.language {
            None => "system",
            Some(Language::Fr) => "fr",
            Some(Language::En) => "en",
        };
        table.insert("language".into(), language.into());
        table.insert("notifications".into(), self.notifications.into());
        let signatures: toml::Table = self
            .signatures
            .iter()
            .filter(|(_, signature)| !signature.is_empty())
            .map(|(name, signature)| (name.clone(), signature.clone().into()))
            .collect();
        table.insert("signatures".into(), signatures.into());
        table.to_string()
    }

    /// Writes the file through a temporary one, so a crash mid-write leaves the old file.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        let temporary = path.with_extension("toml.new");
        std::fs::write(&temporary, self.to_toml())?;
        std::fs::rename(&temporary, path)
    }

    pub fn signature(&self, account: &str) -> &str {
        self.signatures.get(account).map_or("", String::as_str)
    }
}

fn ratio(value: &toml::Value) -> Option<f32> {
    let number = value
        .as_float()
        .or_else(|| value.as_integer().map(|n| n as f64))?;
    let number = number as f32;
    RATIO_RANGE.contains(&number).then_some(number)
}

/// Three decimals are finer than a pixel and keep the file readable.
fn round(ratio: f32) -> f32 {
    (ratio * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_file_reads_back_the_same() {
        let mut preferences = Preferences {
            panes: PaneRatios {
                boxes: 0.25,
                list: 0.5,
            },
            theme: ThemeChoice::Dark,
            language: Some(Language::En),
            notifications: false,
            ..Preferences::default()
        };
        preferences.signatures.insert(
            "cabinet".into(),
            "Dr Claire Martin\nMédecin généraliste".into(),
        );
        let (read, problems) = Preferences::parse(&preferences.to_toml());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(read, preferences);
    }

    #[test]
    fn a_bad_field_falls_back_and_the_others_still_apply() {
        let text = r#"
theme = "purple"
notifications = false
[layout]
boxes = 3.0
list = 0.6
"#;
        let (read, problems) = Preferences::parse(text);
        assert_eq!(read.theme, ThemeChoice::System);
        assert!(!read.notifications);
        assert_eq!(read.panes.boxes, PaneRatios::default().boxes);
        assert_eq!(read.panes.list, 0.6);
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn a_broken_or_missing_file_gives_the_defaults() {
        assert_eq!(Preferences::parse("layout = [").0, Preferences::default());
        let folder = tempfile::tempdir().unwrap();
        assert_eq!(
            Preferences::load(&folder.path().join("ui.toml")),
            Preferences::default()
        );
    }
}
