//! Where the trust-space list comes from: the copy of the profile (imported or refreshed), or
//! the seed bundled with Pli. A new list replaces the old one only once it has been read in full,
//! so a bad file or a cut download loses nothing.

use std::path::{Path, PathBuf};

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
    install(
        profile,
        &String::from_utf8_lossy(&bytes),
        &file.display().to_string(),
    )
}

/// Downloads the published list and installs it.
pub fn refresh(profile: &Profile, url: &str) -> Result<TrustList, TrustListFileError> {
    let bytes = download(url, DOWNLOAD_LIMIT, false)?;
    install(profile, &String::from_utf8_lossy(&bytes), url)
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
