//! Stamps the commit Pli is built from into the binary (`pli --version`), so that a package on a
//! practice's workstation can be traced back to its source.
//!
//! The commit comes from `PLI_BUILD_COMMIT` when set (a build from a source tarball, where there
//! is no git), else from git, else it is "unknown". Only the files that move when the commit
//! changes are watched (HEAD, the branch's ref, packed-refs): watching the whole tree would rebuild
//! the package on every edit.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PLI_BUILD_COMMIT");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let commit = match std::env::var("PLI_BUILD_COMMIT") {
        Ok(commit) if !commit.trim().is_empty() => commit.trim().to_string(),
        _ => commit_from_git(&manifest_dir).unwrap_or_else(|| "unknown".to_string()),
    };
    println!("cargo:rustc-env=PLI_BUILD_COMMIT={commit}");
}

/// The short commit of the checkout this package is in, watching what moves when it changes.
/// None when git is missing or the package is not the top of a checkout (a tarball unpacked inside
/// another repository must not take that repository's commit).
fn commit_from_git(manifest_dir: &Path) -> Option<String> {
    let top = git(manifest_dir, &["rev-parse", "--show-toplevel"])?;
    let same_folder = match (Path::new(&top).canonicalize(), manifest_dir.canonicalize()) {
        (Ok(top), Ok(manifest)) => top == manifest,
        _ => false,
    };
    if !same_folder {
        return None;
    }
    // HEAD lives in the worktree's own git folder, the branches in the common one.
    let git_dir = manifest_dir.join(git(manifest_dir, &["rev-parse", "--git-dir"])?);
    let common_dir = git(manifest_dir, &["rev-parse", "--git-common-dir"])
        .map(|dir| manifest_dir.join(dir))
        .unwrap_or_else(|| git_dir.clone());
    watch(&git_dir.join("HEAD"));
    watch(&common_dir.join("packed-refs"));
    if let Some(branch) = git(manifest_dir, &["symbolic-ref", "-q", "HEAD"]) {
        watch(&common_dir.join(branch));
    }
    git(manifest_dir, &["rev-parse", "--short=12", "HEAD"])
}

/// Cargo reruns a script on every build when a watched file does not exist, so only files that
/// exist are named (a branch's ref may live in packed-refs only).
fn watch(file: &Path) {
    if file.is_file() {
        println!("cargo:rerun-if-changed={}", file.display());
    }
}

fn git(folder: &Path, arguments: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .args(arguments)
        .current_dir(folder)
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (output.status.success() && !text.is_empty()).then(|| text.to_string())
}
