//! Where the trust-space list comes from: the copy of the profile (imported or refreshed), or
//! the seed bundled with Pli. A new list replaces the old one only once it has been read in full,
//! so a bad file or a cut download loses nothing.
//!
//! The boxes' workers keep it fresh ([`refresh_when_due`]): at most one download a day per
//! profile, whatever the number of boxes, and one try an hour while the download fails. When it
//! was last fetched, and whether the last try failed, is kept beside the list
//! (`trust-list-state.toml`) for the settings and `pli whitelist show` ([`status`]).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use crate::mssante::whitelist::{TrustList, TrustListError};
use crate::net::{download, DownloadError};
use crate::profile::Profile;

pub const BUNDLED: &str = include_str!("../../../../assets/trust-list.xml");

/// The list is a few megabytes; anything much larger is not the list.
const DOWNLOAD_LIMIT: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum TrustListFileError {
    #[error("cannot read {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("{path} is not the trust-space list ({source}); the list in use is unchanged")]
    Invalid {
        path: String,
        source: TrustListError,
    },
    #[error(transparent)]
    Download(#[from] DownloadError),
    #[error("cannot save the list: {0}")]
    Write(String),
}

fn profile_copy(profile: &Profile) -> PathBuf {
    profile.config_dir().join("trust-list.xml")
}

fn state_file(profile: &Profile) -> PathBuf {
    profile.config_dir().join("trust-list-state.toml")
}

/// A list fetched this recently is not fetched again.
pub const REFRESH_EVERY: TimeDelta = TimeDelta::hours(24);
/// After a failed download, the next try waits this long (the network may be back sooner than
/// a day, the publisher's server should not be hammered).
pub const RETRY_AFTER: TimeDelta = TimeDelta::hours(1);

/// When the profile's list was fetched and tried. A missing or unreadable record reads as
/// "never": the next worker then tries, which is what a new profile needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Freshness {
    /// When the published list was last downloaded and installed.
    pub fetched_at: Option<DateTime<Utc>>,
    /// When a download was last tried, whatever came of it.
    pub tried_at: Option<DateTime<Utc>>,
    /// Why the last try failed; `None` when it worked (or none was made).
    pub last_failure: Option<String>,
    /// When a list was last imported from a file (`pli whitelist import`).
    pub imported_at: Option<DateTime<Utc>>,
}

impl Freshness {
    /// Whether a download should be tried at `now`.
    pub fn due(&self, now: DateTime<Utc>) -> bool {
        let fetched_long_ago = self
            .fetched_at
            .is_none_or(|fetched| now - fetched >= REFRESH_EVERY);
        // A try this recent that did not fetch is running or failed: the next one waits.
        let tried_long_ago = self.tried_at.is_none_or(|tried| now - tried >= RETRY_AFTER);
        fetched_long_ago && tried_long_ago
    }
}

/// The profile's record of fetches; "never" when there is none or it does not read.
pub fn freshness(profile: &Profile) -> Freshness {
    std::fs::read_to_string(state_file(profile))
        .ok()
        .and_then(|text| toml::from_str(&text).ok())
        .unwrap_or_default()
}

fn save_freshness(profile: &Profile, freshness: &Freshness) {
    let path = state_file(profile);
    let written = toml::to_string(freshness)
        .map_err(|error| error.to_string())
        .and_then(|text| {
            if let Some(folder) = path.parent() {
                crate::profile::create_private_dir(folder).map_err(|error| error.to_string())?;
            }
            let temporary = path.with_extension("toml.tmp");
            std::fs::write(&temporary, text).map_err(|error| error.to_string())?;
            std::fs::rename(&temporary, &path).map_err(|error| error.to_string())
        });
    if let Err(error) = written {
        tracing::warn!(%error, "the trust-space list's fetch date could not be kept");
    }
}

/// What the settings and `pli whitelist show` say about the list in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub origin: Origin,
    /// How many domains it holds.
    pub domains: usize,
    /// When the ANS generated it (`DateDeGeneration`), when it says.
    pub generated_at: Option<NaiveDateTime>,
    /// When it was fetched, tried, imported.
    pub freshness: Freshness,
}

/// The list in use and how fresh it is: the one function the settings and the CLI read.
pub fn status(profile: &Profile) -> Status {
    let (list, origin) = load(profile);
    Status {
        origin,
        domains: list.len(),
        generated_at: list.generated_at(),
        freshness: freshness(profile),
    }
}

/// Where the list in use came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Bundled,
    Profile(PathBuf),
}

/// The list in use: the profile's copy when it reads, else the bundled seed.
pub fn load(profile: &Profile) -> (TrustList, Origin) {
    let path = profile_copy(profile);
    if let Ok(text) = std::fs::read_to_string(&path) {
        if let Ok(list) = TrustList::parse(&text) {
            return (list, Origin::Profile(path));
        }
        tracing::warn!("the profile's trust-space list does not read; the bundled seed is used");
    }
    match TrustList::parse(BUNDLED) {
        Ok(list) => (list, Origin::Bundled),
        Err(_) => (TrustList::default(), Origin::Bundled),
    }
}

fn install(profile: &Profile, text: &str, source: &str) -> Result<TrustList, TrustListFileError> {
    let list = TrustList::parse(text).map_err(|source_error| TrustListFileError::Invalid {
        path: source.to_string(),
        source: source_error,
    })?;
    let path = profile_copy(profile);
    let write = |error: std::io::Error| TrustListFileError::Write(error.to_string());
    if let Some(folder) = path.parent() {
        crate::profile::create_private_dir(folder).map_err(write)?;
    }
    let temporary = path.with_extension("xml.tmp");
    std::fs::write(&temporary, list.to_xml()).map_err(write)?;
    std::fs::rename(&temporary, &path).map_err(write)?;
    Ok(list)
}

/// Imports a list from a file (workstations without network access for it).
pub fn import_file(profile: &Profile, file: &Path) -> Result<TrustList, TrustListFileError> {
    let bytes = std::fs::read(file).map_err(|error| TrustListFileError::Read {
        path: file.to_path_buf(),
        reason: error.to_string(),
    })?;
    let list = install(
        profile,
        &String::from_utf8_lossy(&bytes),
        &file.display().to_string(),
    )?;
    let _claimed = CLAIM.lock();
    let mut record = freshness(profile);
    record.imported_at = Some(Utc::now());
    save_freshness(profile, &record);
    Ok(list)
}

/// Downloads the published list and installs it (`pli whitelist refresh`: whenever asked),
/// recording the try and, when it worked, the fetch.
pub fn refresh(profile: &Profile, url: &str) -> Result<TrustList, TrustListFileError> {
    let now = Utc::now();
    {
        let _claimed = CLAIM.lock();
        let mut record = freshness(profile);
        record.tried_at = Some(now);
        save_freshness(profile, &record);
    }
    let fetched = download(url, DOWNLOAD_LIMIT, false)
        .map_err(TrustListFileError::from)
        .and_then(|bytes| install(profile, &String::from_utf8_lossy(&bytes), url));
    let _claimed = CLAIM.lock();
    let mut record = freshness(profile);
    match &fetched {
        Ok(_) => {
            record.fetched_at = Some(now);
            record.last_failure = None;
        }
        Err(error) => record.last_failure = Some(error.to_string()),
    }
    save_freshness(profile, &record);
    fetched
}

/// Two workers of the window (one per box) may wake together: the check and the claim of a try
/// are made under this lock, so one downloads and the other sees the claim.
static CLAIM: Mutex<()> = Mutex::new(());

/// What [`refresh_when_due`] did.
#[derive(Debug)]
pub enum Upkeep {
    /// Fetched less than a day ago (or tried less than an hour ago after a failure).
    NotDue,
    /// The published list was fetched and is in use.
    Refreshed(TrustList),
    /// The download or the list failed; the list in use is unchanged.
    Kept(TrustListFileError),
}

/// Fetches the published list (from the profile's `trust_list_url`) when the last fetch is a
/// day old, for the boxes' workers and `pli sync`. A failure of any kind — no network, an
/// error page, a cut or malformed list — keeps the list in use and is only recorded.
pub fn refresh_when_due(profile: &Profile, now: DateTime<Utc>) -> Upkeep {
    {
        let _claimed = CLAIM.lock();
        let mut record = freshness(profile);
        if !record.due(now) {
            return Upkeep::NotDue;
        }
        // Claimed before the download, so the other workers (and another Pli on this
        // profile, which reads the record) do not fetch it too.
        record.tried_at = Some(now);
        save_freshness(profile, &record);
    }
    let (settings, _) = crate::settings::ProfileSettings::load(&profile.settings_file());
    match refresh(profile, &settings.trust_list_url) {
        Ok(list) => Upkeep::Refreshed(list),
        Err(error) => {
            tracing::warn!(%error, "the trust-space list could not be refreshed; the one in use is kept");
            Upkeep::Kept(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ann_the_bundled_seed_reads_and_holds_the_patient_domain() {
        let list = TrustList::parse(BUNDLED).unwrap();
        assert!(list.contains("patient.mssante.fr"));
        assert!(list.contains("medecin.mssante.fr"));
    }

    #[test]
    fn ann_a_file_that_is_not_the_list_is_refused_and_the_old_list_kept() {
        let folder = tempfile::tempdir().unwrap();
        let profile = Profile::at(folder.path());
        let good = folder.path().join("good.xml");
        std::fs::write(
            &good,
            "<ListeBlanche><Domaine><Nom>ch-test.mssante.fr</Nom></Domaine></ListeBlanche>",
        )
        .unwrap();
        assert_eq!(import_file(&profile, &good).unwrap().len(), 1);
        let bad = folder.path().join("bad.xml");
        std::fs::write(&bad, "<html><body>Maintenance</body></html>").unwrap();
        let error = import_file(&profile, &bad).unwrap_err();
        assert!(error.to_string().contains("unchanged"), "{error}");
        let (list, origin) = load(&profile);
        assert!(list.contains("ch-test.mssante.fr"));
        assert!(matches!(origin, Origin::Profile(_)));
    }
}
