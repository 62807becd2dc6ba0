use std::process::ExitCode;

use clap::FromArgMatches;
use pli::cli::{self, package_files, Cli};
use pli::i18n::{I18n, Language};

fn main() -> ExitCode {
    // The PDF reader of the search index runs as a child process of this binary, with limits
    // (see pli_core::mail::pdf_text): before anything else, so the child does nothing more.
    let raw: Vec<String> = std::env::args_os()
        .map(|argument| argument.to_string_lossy().into_owned())
        .collect();
    if raw.get(1).map(String::as_str) == Some(pli_core::mail::pdf_text::HELPER_FLAG) {
        let code = pli_core::mail::pdf_text::run_helper(&raw[2..]);
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    if let Ok(program) = std::env::current_exe() {
        pli_core::mail::pdf_text::use_helper_program(program);
    }
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
