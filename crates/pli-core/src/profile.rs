//! Where Pli keeps its files: the operating system's configuration and data folders, or one
//! folder given with `--profile` (a second person on a shared workstation, the tests, the demo).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("the operating system gives no home folder for this user, so Pli cannot tell where to keep its settings; start it with --profile FOLDER")]
    NoHome,
    #[error("cannot create the folder {path}: {source}")]
    CreateFolder {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Profile {
    config_dir: PathBuf,
    data_dir: PathBuf,
    keyring_service: String,
}

impl Profile {
    /// The folders the operating system gives this user (XDG on Linux, AppData on Windows,
    /// Application Support on macOS).
    pub fn for_current_user() -> Result<Self, ProfileError> {
        let dirs =
            directories::ProjectDirs::from("fr", "Pli", "Pli").ok_or(ProfileError::NoHome)?;
        Ok(Self {
            config_dir: dirs.config_dir().to_path_buf(),
            data_dir: dirs.data_dir().to_path_buf(),
            keyring_service: "pli".to_string(),
        })
    }

    /// Everything under one folder. Secrets of this profile are kept apart in the keyring, so two
    /// profiles may each have a box named "cabinet".
    pub fn at(folder: &Path) -> Self {
        let folder = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());
        let digest = Sha256::digest(folder.to_string_lossy().as_bytes());
        Self {
            config_dir: folder.join("config"),
            data_dir: folder.join("data"),
            keyring_service: format!("pli:{}", &hex::encode(digest)[..16]),
        }
    }

    /// The profile a front end runs on: the folder given with `--profile`, else the user's own.
    pub fn chosen(folder: Option<&Path>) -> Result<Self, ProfileError> {
        match folder {
            Some(folder) => Ok(Self::at(folder)),
            None => Self::for_current_user(),
        }
    }

    pub fn config_dir(&self) -> &Path {
        &self.config_dir
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn accounts_file(&self) -> PathBuf {
        self.config_dir.join("accounts.toml")
    }

    /// The local mail store (SQLite).
    pub fn store_file(&self) -> PathBuf {
        self.data_dir.join("pli.sqlite")
    }

    pub fn settings_file(&self) -> PathBuf {
        self.config_dir.join("settings.toml")
    }

    /// The keyring "service" under which this profile's secrets are filed.
    pub fn keyring_service(&self) -> &str {
        &self.keyring_service
    }

    /// Creates the folders, private to the user: they hold health data.
    pub fn ensure_folders(&self) -> Result<(), ProfileError> {
        for path in [&self.config_dir, &self.data_dir] {
            make_private(path).map_err(|source| ProfileError::CreateFolder {
                path: path.clone(),
                source,
            })?;
        }
        Ok(())
    }
}

/// Creates a folder (and its missing parents) private to the user. A folder that already
/// exists is left as it is: the parent of a file may be a shared one such as /tmp, whose
/// permissions are not Pli's to change.
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(path)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(path)
    }
}

/// Makes one of the profile's own folders private, even if it existed with looser rights.
fn make_private(path: &Path) -> std::io::Result<()> {
    create_private_dir(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// A problem found while reading one of the profile's files (`accounts.toml`, a box's sign-in
/// settings), with the line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_profiles_keep_their_secrets_apart() {
        let a = Profile::at(Path::new("/tmp/pli-a"));
        let b = Profile::at(Path::new("/tmp/pli-b"));
        assert_ne!(a.keyring_service(), b.keyring_service());
        assert_eq!(
            a.accounts_file(),
            Path::new("/tmp/pli-a/config/accounts.toml")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_store_beside_a_shared_folder_leaves_that_folder_alone() {
        use std::os::unix::fs::PermissionsExt;
        let shared = tempfile::tempdir().unwrap();
        std::fs::set_permissions(shared.path(), std::fs::Permissions::from_mode(0o1777)).unwrap();
        let _store = crate::mail::store::Store::open(&shared.path().join("pli.sqlite")).unwrap();
        let mode = std::fs::metadata(shared.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o7777, 0o1777, "the shared folder keeps its rights");
    }

    #[cfg(unix)]
    #[test]
    fn folders_are_private_to_the_user() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let profile = Profile::at(root.path());
        profile.ensure_folders().unwrap();
        let mode = std::fs::metadata(profile.data_dir())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}
