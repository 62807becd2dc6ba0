//! `pli package-files DIR`: the man pages and the shell completions, written from this very CLI
//! definition, so what a package installs can never drift from what the binary accepts.
//! `packaging/build-deb.sh` runs it on the binary it packages.
//!
//! The command is not in [`Cli`]: it is added to the parser `main` uses ([`parser`]) and nowhere
//! else, so the pages and completions it writes from [`Cli`] do not offer it to users (clap's
//! completion generators list hidden subcommands too).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Arg, ArgMatches, CommandFactory};
use clap_complete::{Generator, Shell};

use super::Cli;
use crate::args;
use crate::i18n::I18n;

/// The subcommand's name, as `main` matches it.
pub const NAME: &str = "package-files";

/// The shells whose completion files the package installs, with the file name each looks for.
const SHELLS: [(Shell, &str); 3] = [
    (Shell::Bash, "pli"),
    (Shell::Zsh, "_pli"),
    (Shell::Fish, "pli.fish"),
];

/// What `main` parses: the CLI, plus this command for the package's build (hidden from `--help`).
pub fn parser() -> clap::Command {
    Cli::command().subcommand(
        clap::Command::new(NAME)
            .hide(true)
            .about(
                "Write the man pages and shell completions into DIR (the package's build runs it)",
            )
            .arg(
                Arg::new("dir")
                    .value_name("DIR")
                    .required(true)
                    .value_parser(clap::value_parser!(PathBuf)),
            ),
    )
}

/// Runs the command parsed by [`parser`]; it opens no profile (the build must not make one in the
/// builder's home).
pub fn run(matches: &ArgMatches, i18n: &I18n) -> ExitCode {
    let Some(out) = matches.get_one::<PathBuf>("dir") else {
        return ExitCode::FAILURE;
    };
    match write(out, i18n) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes `DIR/man/pli.1` and a page per visible subcommand (`pli-account.1`,
/// `pli-account-add.1`…), and `DIR/completions/{pli,_pli,pli.fish}` (bash, zsh, fish).
fn write(out: &Path, i18n: &I18n) -> Result<(), String> {
    let failed = |path: &Path, error: std::io::Error| {
        i18n.t_args(
            "package-files-error",
            args!["path" => path.display().to_string(), "detail" => error.to_string()],
        )
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
        write(folder.path(), &I18n::new(Language::Fr)).unwrap();
        // roff writes a hyphen as `\-`.
        let page = std::fs::read_to_string(folder.path().join("man/pli.1"))
            .unwrap()
            .replace("\\-", "-");
        let bash = std::fs::read_to_string(folder.path().join("completions/pli")).unwrap();
        let zsh = std::fs::read_to_string(folder.path().join("completions/_pli")).unwrap();
        let fish = std::fs::read_to_string(folder.path().join("completions/pli.fish")).unwrap();
        for command in Cli::command().get_subcommands() {
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
        // The packaging command is for the package's build, not something to offer a user.
        for text in [&page, &bash, &zsh, &fish] {
            assert!(!text.contains(NAME));
        }
        assert!(
            page.contains(crate::version::LONG),
            "the page names the version"
        );
    }

    #[test]
    fn the_parser_takes_the_command_and_keeps_it_out_of_the_help() {
        let matches = parser()
            .try_get_matches_from(["pli", NAME, "/tmp/out"])
            .unwrap();
        let (name, sub) = matches.subcommand().unwrap();
        assert_eq!(name, NAME);
        assert_eq!(
            sub.get_one::<PathBuf>("dir"),
            Some(&PathBuf::from("/tmp/out"))
        );
        assert!(!parser().render_help().to_string().contains(NAME));
        // Every other command still parses into the CLI.
        let matches = parser()
            .try_get_matches_from(["pli", "ins", "check", "123"])
            .unwrap();
        assert!(<Cli as clap::FromArgMatches>::from_arg_matches(&matches).is_ok());
    }

    #[test]
    fn an_unwritable_folder_is_a_sentence() {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        let message = write(&file, &I18n::new(Language::Fr)).unwrap_err();
        assert!(message.contains("a-file"), "{message}");
    }
}
