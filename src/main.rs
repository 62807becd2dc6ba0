use std::process::ExitCode;

use clap::Parser;
use pli::cli::{self, Cli};
use pli::i18n::{I18n, Language};

fn main() -> ExitCode {
    pli::logging::init();
    let arguments = Cli::parse();
    let i18n = I18n::new(Language::from_os());
    match arguments.command {
        Some(command) => cli::run(arguments.profile.as_ref(), command, &i18n),
        None => pli::ui::run(arguments.profile.as_ref(), arguments.demo, i18n),
    }
}
