use std::process::ExitCode;

use clap::Parser;
use pli::cli::{self, Cli};
use pli::i18n::{I18n, Language};

fn main() -> ExitCode {
    // Logs go to standard error and never carry health data or secrets; RUST_LOG=debug says more.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let arguments = Cli::parse();
    let i18n = I18n::new(Language::from_os());
    match arguments.command {
        Some(command) => cli::run(arguments.profile.as_ref(), command, &i18n),
        None => pli::ui::run(arguments.profile.as_ref(), arguments.demo, i18n),
    }
}
