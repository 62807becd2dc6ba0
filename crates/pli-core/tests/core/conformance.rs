//! `CONFORMANCE.md` says which function applies each rule of RULES.md and which tests prove it:
//! this test holds it to the code. A row naming a function or a test that does not exist fails,
//! and so does a `pub fn` of `mssante` (the rules) that only tests call — a rule no person's path
//! reaches is a defect, not a feature.

use std::path::{Path, PathBuf};

/// The repository's root (this crate is `crates/pli-core`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(folder: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name != "target") {
                rust_files(&path, found);
            }
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

/// Every Rust file of the workspace's code and tests.
fn sources() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for folder in ["src", "tests", "crates", "examples"] {
        rust_files(&root().join(folder), &mut files);
    }
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a readable source");
            (path, text)
        })
        .collect()
}

/// The code outside tests: what comes before a file's test module.
fn outside_tests(text: &str) -> &str {
    text.split("#[cfg(test)]\nmod ").next().unwrap_or(text)
}

fn defines_fn(text: &str, name: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        let line = line.strip_prefix("pub(super) ").unwrap_or(line);
        let line = line.strip_prefix("pub(crate) ").unwrap_or(line);
        let line = line.strip_prefix("pub ").unwrap_or(line);
        let line = line.strip_prefix("async ").unwrap_or(line);
        line.strip_prefix("fn ").is_some_and(|rest| {
            rest.strip_prefix(name)
                .is_some_and(|after| after.starts_with(['(', '<']))
        })
    })
}

/// The file of a module path: `mail::tls` → `crates/pli-core/src/mail/tls.rs`; the faces'
/// modules (`ui`, `cli`, `logging`, `messages`) are the `pli` package's.
fn module_file(segments: &[&str]) -> Option<PathBuf> {
    let base = match segments.first() {
        Some(&("ui" | "cli" | "logging" | "messages" | "i18n")) => root().join("src"),
        _ => root().join("crates/pli-core/src"),
    };
    let joined: PathBuf = segments.iter().collect();
    [
        base.join(&joined).with_extension("rs"),
        base.join(&joined).join("mod.rs"),
    ]
    .into_iter()
    .find(|file| file.is_file())
}

/// Where `a::b::Type::function` is defined: the longest module prefix that is a file (or a
/// folder of files), and the last segment as the function's name.
fn function_exists(path: &str) -> bool {
    let segments: Vec<&str> = path.split("::").collect();
    let Some((name, modules)) = segments.split_last() else {
        return false;
    };
    for end in (1..=modules.len()).rev() {
        if let Some(file) = module_file(&modules[..end]) {
            let mut files = vec![file.clone()];
            // A module folder: its submodules count (types re-exported from them).
            if file.ends_with("mod.rs") {
                if let Some(folder) = file.parent() {
                    rust_files(folder, &mut files);
                }
            } else if let Some(folder) = file.with_extension("").to_str().map(PathBuf::from) {
                rust_files(&folder, &mut files);
            }
            return files.iter().any(|file| {
                std::fs::read_to_string(file).is_ok_and(|text| defines_fn(&text, name))
            });
        }
    }
    false
}

/// How many times `name` appears as a whole word (an identifier, not part of a longer one).
fn mentions(code: &str, name: &str) -> usize {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(name)
        .filter(|(at, _)| {
            let before = code[..*at].chars().next_back();
            let after = code[at + name.len()..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        })
        .count()
}

/// The names in backquotes of a table cell.
fn quoted(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

#[test]
fn every_row_of_conformance_md_names_functions_and_tests_that_exist() {
    let table = std::fs::read_to_string(root().join("CONFORMANCE.md")).expect("CONFORMANCE.md");
    let sources = sources();
    let tests_exist = |name: &str| sources.iter().any(|(_, text)| defines_fn(text, name));
    let mut rows = 0;
    let mut missing = Vec::new();
    for line in table.lines().filter(|line| line.starts_with("| ")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        if cells.len() < 5 || cells[0] == "| id" {
            continue;
        }
        rows += 1;
        for function in quoted(cells[2]) {
            if !function_exists(function) {
                missing.push(format!("function {function} ({})", cells[0]));
            }
        }
        for test in quoted(cells[3]) {
            if !tests_exist(test) {
                missing.push(format!("test {test} ({})", cells[0]));
            }
        }
    }
    assert!(rows >= 30, "the table has {rows} rows");
    assert!(
        missing.is_empty(),
        "CONFORMANCE.md names what does not exist:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_public_rule_of_mssante_is_called_outside_tests() {
    let sources = sources();
    let mut rules = Vec::new();
    rust_files(&root().join("crates/pli-core/src/mssante"), &mut rules);
    let mut uncalled = Vec::new();
    for file in rules {
        let text = std::fs::read_to_string(&file).expect("a rule's source");
        for line in outside_tests(&text).lines() {
            let Some(rest) = line.trim_start().strip_prefix("pub fn ") else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let called = sources.iter().any(|(path, source)| {
                let uses = mentions(outside_tests(source), &name);
                // The definition itself is one mention in its own file.
                let own = usize::from(*path == file);
                uses > own && !path.starts_with(root().join("tests"))
            });
            if !called {
                uncalled.push(format!("{name} ({})", file.display()));
            }
        }
    }
    assert!(
        uncalled.is_empty(),
        "rules only tests call:\n{}",
        uncalled.join("\n")
    );
}
