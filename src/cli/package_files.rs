//! `pli package-files DIR` (hidden): the man pages and the shell completions, written from this
//! very CLI definition, so what a package installs can never drift from what the binary accepts.
//! `packaging/build-deb.sh` runs it on the binary it packages.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use clap::CommandFactory;
use clap_complete::{Generator, Shell};

use super::{Cli, Failure};
use crate::args;
use crate::i18n::I18n;

/// The shells whose completion files the package installs, with the file name each looks for.
const SHELLS: [(Shell, &str); 3] = [
    (Shell::Bash, "pli"),
    (Shell::Zsh, "_pli"),
    (Shell::Fish, "pli.fish"),
];

/// Writes `DIR/man/pli.1` and a page per visible subcommand (`pli-account.1`, `pli-account-add.1`…),
/// and `DIR/completions/{pli,_pli,pli.fish}` (bash, zsh, fish).
pub(super) fn write(out: &Path, i18n: &I18n) -> Result<(), Failure> {
    let failed = |path: &Path, error: std::io::Error| {
        Failure(i18n.t_args(
            "package-files-error",
            args!["path" => path.display().to_string(), "detail" => error.to_string()],
        ))
    };
    let man = out.join("man");
    std::fs::create_dir_all(&man).map_err(|error| failed(&man, error))?;
    clap_mangen::generate_to(Cli::command(), &man).map_err(|error| failed(&man, error))?;

    let completions = out.join("completions");
    std::fs::create_dir_all(&completions).map_err(|error| failed(&completions, error))?;
    let mut command = Cli::command();
    command.set_bin_name("pli");
    command.build();
    for (shell, name) in SHELLS {
        let path = completions.join(name);
        let written = File::create(&path).and_then(|file| {
            let mut file = BufWriter::new(file);
            shell.try_generate(&command, &mut file)?;
            file.flush()
        });
        written.map_err(|error| failed(&path, error))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    #[test]
    fn the_man_pages_and_completions_name_every_visible_command() {
        let folder = tempfile::tempdir().unwrap();
        write(folder.path(), &I18n::new(Language::Fr))
            .map_err(|f| f.0)
            .unwrap();
        let page = std::fs::read_to_string(folder.path().join("man/pli.1")).unwrap();
        let bash = std::fs::read_to_string(folder.path().join("completions/pli")).unwrap();
        let zsh = std::fs::read_to_string(folder.path().join("completions/_pli")).unwrap();
        let fish = std::fs::read_to_string(folder.path().join("completions/pli.fish")).unwrap();
        for command in Cli::command()
            .get_subcommands()
            .filter(|c| !c.is_hide_set())
        {
            let name = command.get_name();
            assert!(page.contains(name), "pli.1 lacks {name}");
            assert!(
                bash.contains(name) && zsh.contains(name) && fish.contains(name),
                "{name}"
            );
            assert!(
                folder.path().join(format!("man/pli-{name}.1")).is_file(),
                "no page for {name}"
            );
        }
        assert!(folder.path().join("man/pli-account-add.1").is_file());
        // The packaging command is for the package's build, not something to offer a user: no man
        // page says it. (clap_complete 4 still completes hidden subcommands.)
        assert!(!page.contains("package-files"));
        assert!(
            page.contains(crate::version::LONG),
            "the page names the version"
        );
    }

    #[test]
    fn an_unwritable_folder_is_a_sentence() {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        let Err(Failure(message)) = write(&file, &I18n::new(Language::Fr)) else {
            panic!("a file is not a folder to write into");
        };
        assert!(message.contains("a-file"), "{message}");
    }
}
