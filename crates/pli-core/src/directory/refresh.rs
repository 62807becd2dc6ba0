//! Keeping the local directory current: download the newest extraction from its public address
//! (the ANS serves it zipped, over TLS that chains to IGC-Santé), only when it changed, at most
//! once a day, and only when the user allows network use for it. A download is written to a
//! temporary file first, so a cut connection loses nothing: the index in use stays until the
//! new one is complete.

use std::fs::File;
use std::io::{BufReader, Read, Seek, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{Directory, ImportError, ImportReport, Progress};

/// The public address of the daily extraction (zipped).
pub const ANS_EXTRACTION_URL: &str =
    "https://service.annuaire.sante.fr/annuaire-sante-webservices/V300/services/extraction/Extraction_Correspondance_MSSante";

/// What was last downloaded, to ask the server whether anything changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceState {
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
}

impl SourceState {
    pub fn load(path: &Path) -> Self {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| toml::from_str(&text).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let text = toml::to_string(self).map_err(std::io::Error::other)?;
        let temporary = path.with_extension("toml.tmp");
        std::fs::write(&temporary, text)?;
        std::fs::rename(temporary, path)
    }

    /// A check is due once a day at most.
    pub fn check_due(&self, url: &str, now: DateTime<Utc>) -> bool {
        self.url != url
            || self
                .checked_at
                .is_none_or(|checked| now - checked >= Duration::hours(24))
    }
}

#[derive(Debug)]
pub enum Refresh {
    /// Checked less than a day ago.
    NotDue,
    /// The server has nothing newer.
    Unchanged,
    Imported(ImportReport),
}

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("the directory cannot be downloaded from {url}: {reason}")]
    Download { url: String, reason: String },
    #[error("the downloaded archive cannot be read ({0}); the directory in use is unchanged")]
    Archive(String),
    #[error("the downloaded archive holds no extraction file; the directory in use is unchanged")]
    NoExtraction,
    #[error(transparent)]
    Import(#[from] ImportError),
}

/// Checks the server and imports the extraction when it changed. `state_file` remembers what
/// was downloaded; `work_folder` holds the temporary download.
pub fn refresh(
    directory: &Directory,
    url: &str,
    state_file: &Path,
    work_folder: &Path,
    force: bool,
    progress: impl FnMut(&Progress) -> ControlFlow<()>,
) -> Result<Refresh, RefreshError> {
    let now = Utc::now();
    let mut state = SourceState::load(state_file);
    if !force && !state.check_due(url, now) {
        return Ok(Refresh::NotDue);
    }
    let failed = |reason: String| RefreshError::Download {
        url: url.to_string(),
        reason,
    };
    let agent = crate::net::https_agent(true);
    let mut request = agent.get(url);
    if state.url == url && !force {
        if let Some(etag) = &state.etag {
            request = request.header("If-None-Match", etag);
        }
        if let Some(modified) = &state.last_modified {
            request = request.header("If-Modified-Since", modified);
        }
    }
    let response = request.call().map_err(|error| failed(error.to_string()))?;
    if response.status().as_u16() == 304 {
        state.checked_at = Some(now);
        let _ = state.save(state_file);
        return Ok(Refresh::Unchanged);
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string)
    };
    let (etag, last_modified) = (header("etag"), header("last-modified"));

    crate::profile::create_private_dir(work_folder).map_err(|error| failed(error.to_string()))?;
    let download = work_folder.join("extraction.download");
    {
        let mut file = File::create(&download).map_err(|error| failed(error.to_string()))?;
        let mut body = response.into_body().into_reader();
        std::io::copy(&mut body, &mut file).map_err(|error| failed(error.to_string()))?;
        file.flush().map_err(|error| failed(error.to_string()))?;
    }
    let report = import_download(directory, &download, url, progress);
    let _ = std::fs::remove_file(&download);
    let report = report?;
    state = SourceState {
        url: url.to_string(),
        etag,
        last_modified,
        checked_at: Some(now),
    };
    let _ = state.save(state_file);
    Ok(Refresh::Imported(report))
}

/// Imports a downloaded file: a zip archive holding the extraction, or the text itself.
pub fn import_download(
    directory: &Directory,
    file: &Path,
    source: &str,
    progress: impl FnMut(&Progress) -> ControlFlow<()>,
) -> Result<ImportReport, RefreshError> {
    let mut opened = File::open(file).map_err(|error| RefreshError::Archive(error.to_string()))?;
    let mut magic = [0u8; 4];
    let is_zip = opened.read_exact(&mut magic).is_ok() && &magic == b"PK\x03\x04";
    opened
        .rewind()
        .map_err(|error| RefreshError::Archive(error.to_string()))?;
    if !is_zip {
        let size = opened.metadata().ok().map(|metadata| metadata.len());
        return Ok(directory.import_reader(BufReader::new(opened), size, source, progress)?);
    }
    let mut archive =
        zip::ZipArchive::new(opened).map_err(|error| RefreshError::Archive(error.to_string()))?;
    let index = (0..archive.len())
        .find(|&index| {
            archive
                .by_index(index)
                .map(|entry| {
                    entry.is_file()
                        && entry
                            .name()
                            .is_ok_and(|name| name.to_ascii_lowercase().ends_with(".txt"))
                })
                .unwrap_or(false)
        })
        .ok_or(RefreshError::NoExtraction)?;
    let entry = archive
        .by_index(index)
        .map_err(|error| RefreshError::Archive(error.to_string()))?;
    let size = Some(entry.size());
    let name = entry
        .name()
        .map(|name| name.to_string())
        .unwrap_or_else(|_| source.to_string());
    Ok(directory.import_reader(BufReader::new(entry), size, &name, progress)?)
}

/// Where a profile keeps its directory.
pub fn directory_file(data_dir: &Path) -> PathBuf {
    data_dir.join("directory.sqlite")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_is_due_once_a_day_or_when_the_address_changes() {
        let now = Utc::now();
        let state = SourceState {
            url: "https://a".into(),
            checked_at: Some(now - Duration::hours(3)),
            ..SourceState::default()
        };
        assert!(!state.check_due("https://a", now));
        assert!(state.check_due("https://b", now));
        assert!(state.check_due("https://a", now + Duration::hours(22)));
        assert!(SourceState::default().check_due("https://a", now));
    }
}
