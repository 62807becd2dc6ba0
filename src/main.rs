use std::process::ExitCode;

use clap::FromArgMatches;
use pli::cli::{self, package_files, Cli};
use pli::i18n::{I18n, Language};

fn main() -> ExitCode {
    pli::logging::init();
    // The CLI plus the hidden command the package's build runs (see cli::package_files).
    let mut parser = package_files::parser();
    let matches = parser.get_matches_mut();
    let i18n = I18n::new(Language::from_os());
    if let Some((package_files::NAME, matches)) = matches.subcommand() {
        return package_files::run(matches, &i18n);
    }
    let arguments = match Cli::from_arg_matches(&matches) {
        Ok(arguments) => arguments,
        Err(error) => error.format(&mut parser).exit(),
    };
    match arguments.command {
        Some(command) => cli::run(arguments.profile.as_ref(), command, &i18n),
        None => pli::ui::run(arguments.profile.as_ref(), arguments.demo, i18n),
    }
}
