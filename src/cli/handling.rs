//! `pli handle` and `pli prescription`: who handles a message of a shared box, and where a
//! pharmacy's prescription stands, written on the server as IMAP keywords through the use case
//! the window's buttons call (`pli_core::usecase::handling`), so every workstation agrees.

use clap::Args;

use super::{find_account, Failure};
use crate::args;
use crate::i18n::I18n;
use crate::messages::Localize;
use pli_core::mail::keywords::{Handling, PrescriptionState};
use pli_core::profile::Profile;
use pli_core::usecase::handling::{self, HandlingAction};

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("action").required(true).args(["take", "release", "done"]))]
pub struct HandleArgs {
    /// The box.
    pub name: String,
    /// The message's UID (as `pli list` shows it).
    pub uid: u32,
    #[arg(long, default_value = "INBOX")]
    pub folder: String,
    /// "Je m'en occupe": refused, with the colleague's name, when someone holds it.
    #[arg(long)]
    pub take: bool,
    /// "Rendre": back to the messages to handle.
    #[arg(long)]
    pub release: bool,
    /// "Traité".
    #[arg(long)]
    pub done: bool,
    /// The person acting (default: the profile's `person_name`, else the system user).
    #[arg(long = "as", value_name = "NAME")]
    pub person: Option<String>,
    /// Every message of the patient's conversation this message belongs to, in its folder.
    #[arg(long)]
    pub conversation: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PrescriptionArgs {
    /// The pharmacy's box.
    pub name: String,
    pub uid: u32,
    #[arg(long, default_value = "INBOX")]
    pub folder: String,
    /// received, preparing, ready or delivered.
    #[arg(long, value_name = "STATE")]
    pub state: String,
    #[arg(long = "as", value_name = "NAME")]
    pub person: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub(super) fn handle(profile: &Profile, request: HandleArgs, i18n: &I18n) -> Result<(), Failure> {
    let action = if request.take {
        HandlingAction::Take
    } else if request.release {
        HandlingAction::Release
    } else {
        HandlingAction::Done
    };
    let (_, account) = find_account(profile, &request.name, i18n)?;
    let person = handling::acting_person(profile, request.person.as_deref())
        .map_err(|error| Failure(error.localize(i18n)))?;
    let credentials = super::mail::credentials(profile, &account, i18n)?;
    if request.conversation {
        let handled = super::mail::runtime()?
            .block_on(handling::handle_conversation(
                profile,
                &account,
                &credentials,
                &request.folder,
                request.uid,
                action,
                &person,
            ))
            .map_err(|error| Failure(error.localize(i18n)))?;
        if request.json {
            let left: Vec<_> = handled
                .left_to
                .iter()
                .map(|(uid, name)| serde_json::json!({ "uid": uid, "handler": name }))
                .collect();
            let document =
                serde_json::json!({ "changed": handled.changed, "left_to_others": left });
            println!("{document}");
        } else {
            println!(
                "{}",
                i18n.t_args(
                    "handling-conversation-done",
                    args!["count" => handled.changed.len()]
                )
            );
            for (uid, name) in &handled.left_to {
                println!(
                    "{}",
                    i18n.t_args(
                        "handling-conversation-left",
                        args!["uid" => *uid, "name" => name.clone()]
                    )
                );
            }
        }
        return Ok(());
    }
    let handled = super::mail::runtime()?
        .block_on(handling::handle(
            profile,
            &account,
            &credentials,
            &request.folder,
            request.uid,
            action,
            &person,
        ))
        .map_err(|error| Failure(error.localize(i18n)))?;
    if request.json {
        let document = serde_json::json!({ "uid": request.uid, "handling": handled });
        println!("{document}");
    } else {
        println!(
            "{}",
            match handled {
                Handling::Open => i18n.t("handling-open"),
                Handling::Taken(name) => i18n.t_args("handling-taken", args!["name" => name]),
                Handling::Done(name) => i18n.t_args("handling-done", args!["name" => name]),
            }
        );
    }
    Ok(())
}

pub(super) fn prescription(
    profile: &Profile,
    request: PrescriptionArgs,
    i18n: &I18n,
) -> Result<(), Failure> {
    let state = PrescriptionState::parse(&request.state).ok_or_else(|| {
        Failure(i18n.t_args(
            "prescription-unknown-state",
            args!["state" => request.state.clone()],
        ))
    })?;
    let (_, account) = find_account(profile, &request.name, i18n)?;
    let person = handling::acting_person(profile, request.person.as_deref())
        .map_err(|error| Failure(error.localize(i18n)))?;
    let credentials = super::mail::credentials(profile, &account, i18n)?;
    let now = super::mail::runtime()?
        .block_on(handling::set_prescription_state(
            profile,
            &account,
            &credentials,
            &request.folder,
            request.uid,
            state,
            &person,
        ))
        .map_err(|error| Failure(error.localize(i18n)))?;
    if request.json {
        let document = serde_json::json!({ "uid": request.uid, "prescription": now });
        println!("{document}");
    } else {
        println!(
            "{}",
            i18n.t(&format!("prescription-state-{}", now.as_str()))
        );
    }
    Ok(())
}
