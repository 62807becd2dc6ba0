//! `pli send`: a message put in a box's outbox from the command line, for scripts and
//! application boxes, through the use case and the rules the window's "Envoyer" goes through
//! (`pli_core::usecase::outbox::send`). It leaves with the box's next pass: the window's worker, or
//! `pli sync BOX`.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{find_account, Failure};
use crate::args;
use crate::i18n::I18n;
use crate::messages::Localize;
use pli_core::mail::send::{Draft, SendError};
use pli_core::mssante::address::Severity;
use pli_core::profile::Profile;
use pli_core::usecase::outbox::{self, SendChoices};

#[derive(Debug, Args)]
pub struct SendArgs {
    /// The box the message leaves from.
    pub name: String,
    /// The recipients (several after one --to, or --to again).
    #[arg(long, required = true, num_args = 1.., value_name = "ADDR")]
    pub to: Vec<String>,
    /// The recipients in copy.
    #[arg(long, num_args = 1.., value_name = "ADDR")]
    pub cc: Vec<String>,
    #[arg(long)]
    pub subject: String,
    /// The text of the message, from a UTF-8 file (`-` for standard input); empty without it.
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    /// A file to attach (--attach again for more).
    #[arg(long, value_name = "FILE")]
    pub attach: Vec<PathBuf>,
}

/// Queues the message and prints its Message-ID; a rule that stops it, or a file that does not
/// read, is a failure and queues nothing.
pub(super) fn send(profile: &Profile, request: SendArgs, i18n: &I18n) -> Result<(), Failure> {
    let (_, account) = find_account(profile, &request.name, i18n)?;
    let body = match &request.body_file {
        Some(path) => read_body(path, i18n)?,
        None => String::new(),
    };
    let attachments = request
        .attach
        .iter()
        .map(|path| {
            outbox::attachment_from_file(path).map_err(|error| unreadable(path, &error, i18n))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let draft = Draft {
        to: request.to,
        cc: request.cc,
        subject: request.subject.trim().to_string(),
        body,
        attachments,
        ..Draft::from_box(&account)
    };
    // No confirmation can be asked here: a recipient outside the trust space stops the message.
    let queued = outbox::send(profile, &account, &draft, SendChoices::default())
        .map_err(|refused| Failure(refusal(&refused, i18n)))?;
    println!("{}", queued.message_id);
    eprintln!(
        "{}",
        i18n.t_args("send-queued", args!["name" => account.name.clone()])
    );
    Ok(())
}

fn read_body(path: &Path, i18n: &I18n) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|whole| bytes = whole)
    };
    read.map_err(|error| unreadable(path, &error, i18n))?;
    String::from_utf8(bytes).map_err(|_| {
        Failure(i18n.t_args(
            "send-body-not-text",
            args!["path" => path.display().to_string()],
        ))
    })
}

fn unreadable(path: &Path, error: &std::io::Error, i18n: &I18n) -> Failure {
    Failure(i18n.t_args(
        "send-file-unreadable",
        args!["path" => path.display().to_string(), "detail" => error.to_string()],
    ))
}

/// Why the message was not queued; when a recipient outside the trust space is the reason, how
/// to send it all the same (the window asks for the person's consent).
fn refusal(refused: &SendError, i18n: &I18n) -> String {
    let sentence = i18n.t_args("send-refused", args!["reason" => refused.localize(i18n)]);
    let needs_consent = matches!(refused, SendError::Blocked(check)
        if check.issues().iter().any(|issue| issue.severity() == Severity::NeedsConfirmation));
    if needs_consent {
        format!("{sentence}\n{}", i18n.t("send-refused-outside-hint"))
    } else {
        sentence
    }
}
