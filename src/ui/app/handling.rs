//! What the window does with the reader's "Je m'en occupe" bar: the action goes to the box's
//! server through the core's use case (`pli_core::usecase::handling`, the same as `pli handle`
//! and `pli prescription`), off the UI thread, and the reader shows what the server says now —
//! or who was faster.

use std::sync::Arc;

use iced::Task;

use super::{reader, Message, MessageRef, Pli};
use crate::i18n::I18n;
use crate::messages::Localize;
use pli_core::mail::account::Account;
use pli_core::mail::keywords::PrescriptionState;
use pli_core::profile::Profile;
use pli_core::usecase::handling::{self, HandlingAction, SharedView};

/// One change asked of the server for the message in the reader.
#[derive(Clone)]
pub struct HandlingRequest {
    pub account: Account,
    pub profile: Profile,
    pub reference: MessageRef,
    pub change: Change,
    /// Who acts, as the window knows them now (the settings may not be written yet); `None`
    /// when no name can be found.
    pub person: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Handle(HandlingAction),
    /// The action on every message of the patient's conversation.
    Conversation(HandlingAction),
    Prescription(PrescriptionState),
}

impl Pli {
    /// The bar's action on the message in the reader; nothing in the demonstration.
    pub(super) fn change_handling(&mut self, change: Change) -> Task<Message> {
        let Some(opened) = self.reader.opened() else {
            return Task::none();
        };
        let Some(account) = self
            .accounts
            .iter()
            .find(|account| account.name == opened.reference.account)
        else {
            return Task::none();
        };
        if self.demo {
            return Task::none();
        }
        let request = HandlingRequest {
            account: account.clone(),
            profile: self.profile.clone(),
            reference: opened.reference.clone(),
            change,
            person: self.acting_person().ok(),
        };
        let reference = opened.reference.clone();
        Task::perform(
            change_on_server(request, self.i18n.clone()),
            move |result| Message::Reader(reader::Message::Handled(reference.clone(), result)),
        )
    }
}

/// Runs the change on the box's server and reads back the message's shared state; the
/// sentence to show when it did not happen.
pub async fn change_on_server(
    request: HandlingRequest,
    i18n: Arc<I18n>,
) -> Result<Handled, String> {
    let place = super::super::connectivity::Place::of(&request.profile);
    let credentials =
        pli_core::usecase::credentials::load(&request.account, &place.keyring_service)
            .await
            .map_err(|error| error.localize(&i18n))?;
    let person = request
        .person
        .ok_or(handling::HandlingError::NoName)
        .map_err(|error| error.localize(&i18n))?;
    let folder = &request.reference.folder;
    let done = match request.change {
        Change::Handle(action) => handling::handle(
            &request.profile,
            &request.account,
            &credentials,
            &folder.name,
            request.reference.uid,
            action,
            &person,
        )
        .await
        .map(|_| None),
        Change::Conversation(action) => handling::handle_conversation(
            &request.profile,
            &request.account,
            &credentials,
            &folder.name,
            request.reference.uid,
            action,
            &person,
        )
        .await
        .map(|outcome| left_to_colleagues(&outcome, &i18n)),
        Change::Prescription(state) => handling::set_prescription_state(
            &request.profile,
            &request.account,
            &credentials,
            &folder.name,
            request.reference.uid,
            state,
            &person,
        )
        .await
        .map(|_| None),
    };
    let note = done.map_err(|error| error.localize(&i18n))?;
    let profile = request.profile.clone();
    let account = request.account.clone();
    let reference = request.reference.clone();
    let shared = tokio::task::spawn_blocking(move || {
        let store = pli_core::mail::store::open_profile_store(&profile)?;
        handling::shared_view(&store, &account, &reference.folder, reference.uid)
    })
    .await
    .map_err(|stopped| stopped.to_string())?
    .map_err(|error| error.to_string())?;
    Ok(Handled { shared, note })
}

/// What the server says of the message now, and what the person should know besides (the
/// messages of a conversation colleagues kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled {
    pub shared: SharedView,
    pub note: Option<String>,
}

/// The messages of a conversation a colleague holds, in one sentence; `None` when none.
fn left_to_colleagues(outcome: &handling::ConversationHandling, i18n: &I18n) -> Option<String> {
    if outcome.left_to.is_empty() {
        return None;
    }
    let mut names: Vec<&str> = outcome
        .left_to
        .iter()
        .map(|(_, name)| name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    Some(i18n.t_args(
        "handling-conversation-some-left",
        crate::args!["count" => outcome.left_to.len(), "names" => names.join(", ")],
    ))
}
