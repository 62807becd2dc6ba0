//! What the window remembers between two sessions, in `ui.toml` in the profile's configuration
//! folder: the pane layout and a signature per box. (The language, the theme and notifications
//! are the profile's settings, `settings.toml`, shared with the command line.)
//!
//! Loading is tolerant, field by field: a mistyped value falls back to its default and the rest
//! of the file still applies, because a secretary must never lose her window to a typo in a
//! file she has never seen.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pli_core::profile::Profile;

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

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Preferences {
    pub panes: PaneRatios,
    /// The signature of each box, by the box's short name; a box without one signs nothing.
    pub signatures: BTreeMap<String, String>,
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
[layout]
boxes = 3.0
list = 0.6
[signatures]
cabinet = "Dr Claire Martin"
ehpad = 12
"#;
        let (read, problems) = Preferences::parse(text);
        assert_eq!(read.panes.boxes, PaneRatios::default().boxes);
        assert_eq!(read.panes.list, 0.6);
        assert_eq!(read.signature("cabinet"), "Dr Claire Martin");
        assert_eq!(read.signature("ehpad"), "");
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
