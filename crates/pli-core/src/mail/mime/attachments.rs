//! Giving an attachment back: its bytes sliced from the raw message and decoded on their own,
//! a name that is safe on every system, and a save that never leaves half a document behind.

use std::borrow::Cow;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use thiserror::Error;
use unicode_normalization::UnicodeNormalization;

use super::headers::is_invisible_format;
use super::model::Attachment;
use super::transfer;

/// What to do when the file to save already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Leave the existing file alone and say so, so that the UI can ask the user.
    Never,
    /// The user agreed to replace it.
    Replace,
}

/// Why an attachment could not be given back or saved. Messages carry file paths, which may
/// name a patient: show them to the user, never log them.
#[derive(Debug, Error)]
pub enum MimeError {
    #[error(
        "this attachment was read from another copy of the message; open the message again and retry"
    )]
    NotInMessage,
    #[error("{} is not a folder Pli can save into; choose another folder", folder.display())]
    NotAFolder { folder: PathBuf },
    #[error("{} already exists; choose to replace it or to save under another name", path.display())]
    AlreadyExists { path: PathBuf },
    #[error("cannot save the attachment as {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
}

/// The name an attachment gets on disk when the sender gave none.
const DEFAULT_FILE_NAME: &str = "pièce-jointe";

/// The decoded bytes of one attachment, sliced from the raw message it was read from and
/// decoded on their own, so a mislabelled part loses nothing.
pub fn attachment_bytes(raw: &[u8], attachment: &Attachment) -> Result<Vec<u8>, MimeError> {
    let locator = &attachment.locator;
    if locator.message_len != raw.len() || locator.steps.is_empty() {
        return Err(MimeError::NotInMessage);
    }
    let mut current = Cow::Borrowed(raw);
    for step in &locator.steps {
        let slice = current
            .get(step.start..step.end)
            .ok_or(MimeError::NotInMessage)?;
        let decoded = transfer::decode(slice, step.encoding).0.into_owned();
        current = Cow::Owned(decoded);
    }
    Ok(current.into_owned())
}

/// Saves an attachment into `folder` under its [`Attachment::suggested_file_name`], writing a
/// temporary file in the same folder first so that a crash or a full disk never leaves half a
/// document under the real name. Returns the path written.
pub fn save_attachment(
    raw: &[u8],
    attachment: &Attachment,
    folder: &Path,
    overwrite: Overwrite,
) -> Result<PathBuf, MimeError> {
    if !folder.is_dir() {
        return Err(MimeError::NotAFolder {
            folder: folder.to_owned(),
        });
    }
    let target = folder.join(attachment.suggested_file_name());
    if overwrite == Overwrite::Never && target.symlink_metadata().is_ok() {
        return Err(MimeError::AlreadyExists { path: target });
    }
    let bytes = attachment_bytes(raw, attachment)?;
    let temporary = TemporaryFile::create(&target)?;
    temporary.write(&bytes)?;
    temporary.persist(overwrite)
}

impl Attachment {
    /// The name to save the attachment under: the sender's name made safe, or a French default
    /// with an extension that lets the system open it.
    pub fn suggested_file_name(&self) -> String {
        match &self.file_name {
            Some(name) => safe_file_name(name),
            None => safe_file_name(&match extension_for(&self.content_type) {
                Some(extension) => format!("{DEFAULT_FILE_NAME}.{extension}"),
                None => DEFAULT_FILE_NAME.to_owned(),
            }),
        }
    }
}

fn extension_for(content_type: &str) -> Option<&'static str> {
    Some(match content_type {
        "application/pdf" => "pdf",
        "application/zip" | "application/x-zip-compressed" => "zip",
        "application/xml" | "text/xml" => "xml",
        "text/plain" => "txt",
        "text/html" => "html",
        "text/calendar" => "ics",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "message/rfc822" | "message/global" => "eml",
        _ => return None,
    })
}

/// Makes a name given by a sender safe to create in a folder of the user's choice, on Linux,
/// macOS and Windows alike:
///
/// - path separators (`/`, `\`) become `_`, so the file can only land in the chosen folder;
///   `../../etc/passwd` becomes `_.._etc_passwd`: separators are replaced rather than the last
///   component kept, because a name like `bilan 12/03/2025.pdf` means the date;
/// - leading dots go (no hidden files, no `.` or `..`); `.pdf` becomes `pièce-jointe.pdf`;
/// - characters Windows refuses (`<>:"|?*`) become `_`; control, invisible and
///   direction-override characters are removed; other whitespace becomes a space;
/// - Windows device names (`CON`, `PRN`, `AUX`, `NUL`, `COM0`–`COM9`, `LPT0`–`LPT9`, with or
///   without extension) get a leading `_`;
/// - trailing dots and spaces go (Windows drops them silently);
/// - at most 200 bytes, the extension kept;
/// - never empty: `pièce-jointe`;
/// - Unicode is kept, in NFC so that names from macOS compare equal.
pub fn safe_file_name(name: &str) -> String {
    const MAX_BYTES: usize = 200;
    const MAX_EXTENSION_BYTES: usize = 16;

    let cleaned: String = name
        .nfc()
        .filter_map(|c| match c {
            '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*' => Some('_'),
            c if c.is_whitespace() => Some(' '),
            c if c.is_control() || is_invisible_format(c) => None,
            c => Some(c),
        })
        .collect();
    let without_spaces = cleaned.trim_start_matches(' ');
    let visible = without_spaces.trim_start_matches(['.', ' ']);
    let was_hidden = visible.len() != without_spaces.len();
    let mut name = visible.trim_end_matches(['.', ' ']).to_owned();
    if was_hidden && !name.is_empty() && !name.contains('.') {
        name = format!("{DEFAULT_FILE_NAME}.{name}");
    }

    let stem = name.split('.').next().unwrap_or_default().trim_end();
    if is_windows_device(stem) {
        name.insert(0, '_');
    }

    if name.len() > MAX_BYTES {
        let (stem, extension) = match name.rfind('.') {
            Some(dot) if dot > 0 && name.len() - dot <= MAX_EXTENSION_BYTES => name.split_at(dot),
            _ => (name.as_str(), ""),
        };
        let mut cut = MAX_BYTES - extension.len();
        while !stem.is_char_boundary(cut) {
            cut -= 1;
        }
        name = format!("{}{extension}", stem[..cut].trim_end_matches(['.', ' ']));
    }

    if name.is_empty() {
        DEFAULT_FILE_NAME.to_owned()
    } else {
        name
    }
}

fn is_windows_device(stem: &str) -> bool {
    let upper = stem.to_ascii_uppercase();
    if matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    ["COM", "LPT"].iter().any(|port| {
        let mut rest = upper.strip_prefix(port).unwrap_or_default().chars();
        matches!(
            (rest.next(), rest.next()),
            (Some('0'..='9' | '¹' | '²' | '³'), None)
        )
    })
}

/// A file being written next to its final place; removed on drop unless persisted.
struct TemporaryFile {
    path: PathBuf,
    target: PathBuf,
    file: Option<File>,
}

impl TemporaryFile {
    /// Creates the temporary file in the folder of `target`. Errors name `target`, the file
    /// the user asked for, rather than a hidden temporary name.
    fn create(target: &Path) -> Result<Self, MimeError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let folder = target.parent().unwrap_or(Path::new("."));
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos());
        let mut last_error = None;
        for _ in 0..16 {
            let count = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = folder.join(format!(".pli-{}-{nanos}-{count}.part", std::process::id()));
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            // Health documents on a shared workstation: readable by their owner only.
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(&path) {
                Ok(file) => {
                    return Ok(Self {
                        path,
                        target: target.to_owned(),
                        file: Some(file),
                    })
                }
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                    last_error = Some(error);
                }
                Err(source) => {
                    return Err(MimeError::Write {
                        path: target.to_owned(),
                        source,
                    })
                }
            }
        }
        Err(MimeError::Write {
            path: target.to_owned(),
            source: last_error.unwrap_or_else(|| io::ErrorKind::AlreadyExists.into()),
        })
    }

    fn write(&self, bytes: &[u8]) -> Result<(), MimeError> {
        let result = match &self.file {
            Some(file) => {
                let mut writer: &File = file;
                writer.write_all(bytes).and_then(|()| file.sync_all())
            }
            None => Err(io::ErrorKind::NotFound.into()),
        };
        result.map_err(|source| MimeError::Write {
            path: self.target.clone(),
            source,
        })
    }

    /// Gives the file its final name. Without overwriting, a hard link is made, which fails
    /// if the name exists, so a file that appeared meanwhile is not replaced; where the file
    /// system has no hard links (FAT on a USB key), the check and the rename are two steps.
    fn persist(mut self, overwrite: Overwrite) -> Result<PathBuf, MimeError> {
        drop(self.file.take());
        let target = self.target.clone();
        let result = match overwrite {
            Overwrite::Replace => fs::rename(&self.path, &target),
            Overwrite::Never => match fs::hard_link(&self.path, &target) {
                Ok(()) => Ok(()),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Err(error),
                Err(_) if target.symlink_metadata().is_ok() => {
                    Err(io::ErrorKind::AlreadyExists.into())
                }
                Err(_) => fs::rename(&self.path, &target),
            },
        };
        match result {
            Ok(()) => Ok(target),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                Err(MimeError::AlreadyExists { path: target })
            }
            Err(source) => Err(MimeError::Write {
                path: target,
                source,
            }),
        }
    }
}

impl Drop for TemporaryFile {
    fn drop(&mut self) {
        drop(self.file.take());
        // After a rename the path is gone, and after a hard link it must go: either way,
        // an error here leaves nothing the user needs.
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use proptest::prelude::*;

    use super::super::tests::{model, one_attachment, WITH_PDF};
    use super::*;

    #[test]
    fn safe_file_name_table() {
        let cases = [
            // traversal: separators replaced, leading dots removed
            ("../../etc/passwd", "_.._etc_passwd"),
            ("..\\..\\boot.ini", "_.._boot.ini"),
            ("/etc/passwd", "_etc_passwd"),
            ("bilan 12/03/2025.pdf", "bilan 12_03_2025.pdf"),
            ("..", DEFAULT_FILE_NAME),
            // Windows device names, with or without extension, any case
            ("CON", "_CON"),
            ("con.txt", "_con.txt"),
            ("Aux.tar.gz", "_Aux.tar.gz"),
            ("nul .txt", "_nul .txt"),
            ("LPT1.pdf", "_LPT1.pdf"),
            ("COM9", "_COM9"),
            ("com¹.txt", "_com¹.txt"),
            ("CONSOLE.txt", "CONSOLE.txt"),
            ("COM10.txt", "COM10.txt"),
            // characters Windows refuses
            ("a:b*c?d\"e<f>g|h.txt", "a_b_c_d_e_f_g_h.txt"),
            // control and invisible characters
            ("rapport\u{0}\u{7}\u{1b}.pdf", "rapport.pdf"),
            ("a\tb\nc.pdf", "a b c.pdf"),
            ("facture\u{202e}fdp.exe", "facturefdp.exe"),
            ("\u{feff}ordonnance.pdf", "ordonnance.pdf"),
            // trailing dots and spaces, empty names, hidden files
            ("doc.pdf. . ", "doc.pdf"),
            ("", DEFAULT_FILE_NAME),
            ("   ", DEFAULT_FILE_NAME),
            ("...", DEFAULT_FILE_NAME),
            (".pdf", "pièce-jointe.pdf"),
            ("  .bashrc", "pièce-jointe.bashrc"),
            // Unicode kept, in NFC
            ("résumé ÉCHO.pdf", "résumé ÉCHO.pdf"),
            ("re\u{301}sume\u{301}.pdf", "résumé.pdf"),
            ("化验报告.pdf", "化验报告.pdf"),
        ];
        for (name, expected) in cases {
            assert_eq!(safe_file_name(name), expected, "for {name:?}");
        }
    }

    #[test]
    fn safe_file_name_keeps_the_extension_of_a_long_name_within_200_bytes() {
        let long = format!("{}.pdf", "é".repeat(300));
        let safe = safe_file_name(&long);
        assert!(safe.len() <= 200, "{} bytes", safe.len());
        assert!(safe.ends_with(".pdf") && safe.starts_with('é'), "{safe}");

        let odd_extension = format!("{}.{}", "a".repeat(300), "b".repeat(50));
        assert!(safe_file_name(&odd_extension).len() <= 200);
    }

    proptest! {
        #[test]
        fn safe_file_name_is_always_one_harmless_component(name in "\\PC{0,300}|[./\\\\ .:CONULPT0-9]{0,20}") {
            let safe = safe_file_name(&name);
            prop_assert!(!safe.is_empty());
            prop_assert!(safe.len() <= 200);
            prop_assert!(!safe.contains(['/', '\\', '<', '>', ':', '"', '|', '?', '*']));
            prop_assert!(!safe.starts_with('.') && !safe.ends_with(['.', ' ']));
            prop_assert!(!safe.chars().any(|c| c.is_control() || is_invisible_format(c)));
            let stem = safe.split('.').next().unwrap_or_default().trim_end();
            prop_assert!(!is_windows_device(stem), "{safe}");
            prop_assert_eq!(safe_file_name(&safe), safe.clone(), "safe names are left alone");
        }
    }

    fn files_in(folder: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(folder)
            .expect("folder")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn save_attachment_writes_the_decoded_bytes_under_a_safe_name_and_leaves_no_temporary_file() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let attachment = one_attachment(WITH_PDF);
        let path = save_attachment(
            WITH_PDF.as_bytes(),
            &attachment,
            folder.path(),
            Overwrite::Never,
        )
        .expect("saved");
        assert_eq!(path, folder.path().join("_.._compte rendu.pdf"));
        assert_eq!(fs::read(&path).expect("saved file"), b"%PDF-1.4 faux");
        assert_eq!(files_in(folder.path()), ["_.._compte rendu.pdf"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).expect("metadata").permissions().mode();
            assert_eq!(
                mode & 0o777,
                0o600,
                "health documents are readable by their owner only"
            );
        }
    }

    #[test]
    fn save_attachment_never_overwrites_without_being_told() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let attachment = one_attachment(WITH_PDF);
        let existing = folder.path().join("_.._compte rendu.pdf");
        fs::write(&existing, b"document du patient").expect("existing file");

        let refused = save_attachment(
            WITH_PDF.as_bytes(),
            &attachment,
            folder.path(),
            Overwrite::Never,
        );
        match refused {
            Err(MimeError::AlreadyExists { path }) => assert_eq!(path, existing),
            other => panic!("expected AlreadyExists, got {other:?}"),
        }
        assert_eq!(
            fs::read(&existing).expect("existing"),
            b"document du patient"
        );
        assert_eq!(files_in(folder.path()), ["_.._compte rendu.pdf"]);

        save_attachment(
            WITH_PDF.as_bytes(),
            &attachment,
            folder.path(),
            Overwrite::Replace,
        )
        .expect("replaced");
        assert_eq!(fs::read(&existing).expect("replaced"), b"%PDF-1.4 faux");
        assert_eq!(files_in(folder.path()), ["_.._compte rendu.pdf"]);
    }

    #[test]
    fn save_attachment_refuses_a_folder_that_is_not_one() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let file = folder.path().join("fichier");
        fs::write(&file, b"x").expect("file");
        let attachment = one_attachment(WITH_PDF);
        for target in [file.clone(), folder.path().join("absent")] {
            assert!(matches!(
                save_attachment(
                    WITH_PDF.as_bytes(),
                    &attachment,
                    &target,
                    Overwrite::Replace
                ),
                Err(MimeError::NotAFolder { .. })
            ));
        }
    }

    #[test]
    fn an_attachment_without_a_name_is_saved_under_a_french_default_with_its_extension() {
        let raw = "From: a@b.fr\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf\n\n%PDF\n--b\nContent-Type: application/x-inconnu\n\nx\n--b--\n";
        let model = model(raw);
        let names: Vec<String> = model
            .attachments
            .iter()
            .map(Attachment::suggested_file_name)
            .collect();
        assert_eq!(names, ["pièce-jointe.pdf", "pièce-jointe"]);
    }
}
