//! The one way tests read the shared samples (`../shared/data/…` beside the repository): public
//! documents nobody on the project wrote, which the repository never copies. A person who clones
//! the project alone has no `../shared`; the tests that need it then skip, and say so by name so
//! that `tests/run.sh` can list what it could not run.
//!
//! nextest keeps the standard error of a passing test to itself, so the name is also appended to
//! the file `PLI_SKIPPED_NO_SHARED` names, which `tests/run.sh` sets and prints at the end.

use std::io::Write;
use std::path::PathBuf;

/// The variable `tests/run.sh` sets to the file that collects the skipped tests' names.
pub const SKIPPED_FILE_VARIABLE: &str = "PLI_SKIPPED_NO_SHARED";

/// The folder of the shared data: `$PLI_SHARED_DATA` when set, else `../shared/data` beside
/// the repository.
pub fn shared_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PLI_SHARED_DATA") {
        return PathBuf::from(dir);
    }
    // This crate is `crates/pli-testkit`: the repository is two folders up.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// The path of a shared sample (`relative` under `../shared/data`, e.g.
/// `xdm-cda/ihe-nist-xdm/MIE.zip`), or `None` when the shared data are absent — then the test
/// named `test` is reported as skipped (`SKIPPED-NO-SHARED: <test>` on standard error and in the
/// file of `PLI_SKIPPED_NO_SHARED`) and should return.
pub fn shared_sample(relative: &str, test: &str) -> Option<PathBuf> {
    let path = shared_data_dir().join(relative);
    if path.exists() {
        return Some(path);
    }
    eprintln!("SKIPPED-NO-SHARED: {test}");
    if let Some(file) = std::env::var_os(SKIPPED_FILE_VARIABLE) {
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
        {
            // One short write per line: appends of a few bytes do not interleave.
            let _ = file.write_all(format!("{test}\n").as_bytes());
        }
    }
    None
}

/// The bytes of a shared sample, or `None` as [`shared_sample`].
pub fn shared_bytes(relative: &str, test: &str) -> Option<Vec<u8>> {
    let path = shared_sample(relative, test)?;
    Some(std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display())))
}
