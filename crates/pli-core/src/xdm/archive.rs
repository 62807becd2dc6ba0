//! Opening an `IHE_XDM.ZIP` in memory, under hard limits.
//!
//! The archive comes from anyone who can write to the box, and a zip can claim small sizes and
//! inflate to gigabytes, name `../../.bashrc`, or hold a hundred thousand entries. Here nothing
//! is trusted from the headers: each entry is inflated through a reader that stops at the limit,
//! the ratio is checked on what was actually inflated, and a name that could leave a folder or
//! name a device refuses the whole archive, since no honest sender writes one. Nothing touches
//! the disk.

use std::io::{Cursor, Read};

use super::XdmError;

/// The archive as received: an MSSanté message is at most a few tens of megabytes.
pub(crate) const MAX_ARCHIVE_BYTES: u64 = 64 * 1024 * 1024;
/// An XDM holds a handful of documents and their renderings; real ones have 3 to 20 entries.
pub(crate) const MAX_ENTRIES: usize = 1_000;
/// One document once inflated: a CDA with a 20 MB PDF in base64 is under 28 MB.
pub(crate) const MAX_ENTRY_BYTES: u64 = 32 * 1024 * 1024;
/// Every entry together once inflated.
pub(crate) const MAX_TOTAL_BYTES: u64 = 96 * 1024 * 1024;
/// Inflated over compressed: XML reaches 10 to 20, a base64 PDF about 1.4. Small entries are
/// exempt (a file of blanks compresses a thousandfold and harms nobody).
pub(crate) const MAX_RATIO: u64 = 100;
const RATIO_EXEMPT_BYTES: u64 = 1024 * 1024;
/// Folders inside the archive: `IHE_XDM/SUBSET01/FILE` is three.
pub(crate) const MAX_PATH_DEPTH: usize = 8;

/// One file of the archive, inflated.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The name with `\` read as `/`, as some Windows tools write it.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Every file of the archive (folders left out), inflated under the limits.
pub(crate) fn open(bytes: &[u8]) -> Result<Vec<Entry>, XdmError> {
    if bytes.len() as u64 > MAX_ARCHIVE_BYTES {
        return Err(XdmError::ArchiveTooLarge {
            limit_mb: MAX_ARCHIVE_BYTES / (1024 * 1024),
        });
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| XdmError::Damaged)?;
    if archive.len() > MAX_ENTRIES {
        return Err(XdmError::TooManyEntries { limit: MAX_ENTRIES });
    }
    let mut entries = Vec::new();
    let mut total = 0u64;
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).map_err(|error| match error {
            zip::result::ZipError::UnsupportedArchive(_) => XdmError::Unsupported,
            _ => XdmError::Damaged,
        })?;
        let name = checked_name(file.name_raw())?;
        if file.is_dir() || name.ends_with('/') {
            continue;
        }
        if file.encrypted() {
            return Err(XdmError::Unsupported);
        }
        let compressed = file.compressed_size();
        let budget = MAX_ENTRY_BYTES.min(MAX_TOTAL_BYTES - total);
        let inflated = read_bounded(&mut file, budget, compressed)?;
        total += inflated.len() as u64;
        entries.push(Entry {
            name,
            bytes: inflated,
        });
    }
    Ok(entries)
}

/// Reads an entry, stopping as soon as it passes the budget or the ratio. The header's own
/// size is not believed: the bytes are counted as they come.
fn read_bounded(file: &mut impl Read, budget: u64, compressed: u64) -> Result<Vec<u8>, XdmError> {
    let mut out = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let read = file.read(&mut chunk).map_err(|_| XdmError::Damaged)?;
        if read == 0 {
            return Ok(out);
        }
        out.extend_from_slice(&chunk[..read]);
        let inflated = out.len() as u64;
        if inflated > budget {
            return Err(if budget < MAX_ENTRY_BYTES {
                XdmError::TooLarge {
                    limit_mb: MAX_TOTAL_BYTES / (1024 * 1024),
                }
            } else {
                XdmError::EntryTooLarge {
                    limit_mb: MAX_ENTRY_BYTES / (1024 * 1024),
                }
            });
        }
        if inflated > RATIO_EXEMPT_BYTES && inflated > compressed.saturating_mul(MAX_RATIO) {
            return Err(XdmError::Bomb);
        }
    }
}

/// The entry's name, or the refusal of the archive when it could leave the folder it is
/// saved in, is absolute, or names a device.
fn checked_name(raw: &[u8]) -> Result<String, XdmError> {
    let name = String::from_utf8_lossy(raw).replace('\\', "/");
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(XdmError::UnsafeName);
    }
    if name.starts_with('/') || name.as_bytes().get(1) == Some(&b':') {
        return Err(XdmError::UnsafeName);
    }
    let parts: Vec<&str> = name.split('/').filter(|part| !part.is_empty()).collect();
    if parts.len() > MAX_PATH_DEPTH {
        return Err(XdmError::TooDeep);
    }
    for part in &parts {
        if *part == ".." || *part == "." || is_device_name(part) {
            return Err(XdmError::UnsafeName);
        }
    }
    Ok(name)
}

/// Windows reserves these names in every folder, whatever the extension.
fn is_device_name(part: &str) -> bool {
    let stem = part.split('.').next().unwrap_or(part).trim_end();
    let upper = stem.to_ascii_uppercase();
    matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || ((upper.starts_with("COM") || upper.starts_with("LPT"))
        && upper.len() == 4
        && upper.as_bytes()[3].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_leave_the_folder_or_name_a_device_are_refused() {
        for bad in [
            "../evil",
            "IHE_XDM/../../evil",
            "/etc/passwd",
            "\\\\server\\share",
            "C:/Windows/x",
            "IHE_XDM/CON.XML",
            "lpt1",
            "a/./b",
            "a\u{0}b",
        ] {
            assert_eq!(
                checked_name(bad.as_bytes()).err(),
                Some(XdmError::UnsafeName),
                "{bad}"
            );
        }
        assert_eq!(
            checked_name("a/b/c/d/e/f/g/h/i/j".as_bytes()).err(),
            Some(XdmError::TooDeep)
        );
        for good in [
            "IHE_XDM/SUBSET01/DOC0001.XML",
            "README.TXT",
            "CONTACT.TXT",
            "COM10",
        ] {
            assert!(checked_name(good.as_bytes()).is_ok(), "{good}");
        }
        assert_eq!(
            checked_name(b"IHE_XDM\\SUBSET01\\METADATA.XML")
                .ok()
                .as_deref(),
            Some("IHE_XDM/SUBSET01/METADATA.XML")
        );
    }
}
