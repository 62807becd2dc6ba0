//! Pro Santé Connect in the window (ECO.1.2.1–1.2.7): under the box list, each box that signs in
//! with PSC says where its session stands (signed in as whom, ended, not signed in) and offers
//! the sign-in or the sign-out.
//!
//! The sign-in waits for the professional in the browser: it runs on a blocking thread, the
//! button says it waits meanwhile, and its error shows under that box only. A box whose worker
//! reports its token refused (after the worker's own refresh and retry) offers the sign-in again
//! (ECO.1.2.6); once signed in, its worker is told to connect at once.

use crate::messages::Localize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use iced::widget::{button, column, container, text, Space};
use iced::{Element, Length, Task};

use super::connectivity::Place;
use super::message_list::BoxEntry;
use super::theme;
use crate::args;
use crate::i18n::I18n;
use pli_core::mail::account::Account;
use pli_core::mail::oidc::{
    Browser, BrowserError, OidcError, PscSessions, SessionState, SignInOptions, SystemBrowser,
};
use pli_core::mail::secrets::Secrets;
use pli_core::mail::worker::{self, Event};
use pli_core::profile::Profile;

/// What opens the sign-in page: the system's browser, or a test playing the professional.
pub type Opener = Arc<dyn Browser + Send + Sync>;

/// The PSC sessions of the window's boxes, as the window shows them.
pub struct Psc {
    boxes: HashMap<String, BoxSession>,
    browser: Opener,
}

impl Default for Psc {
    fn default() -> Self {
        Self {
            boxes: HashMap::new(),
            browser: Arc::new(SystemBrowser),
        }
    }
}

#[derive(Debug, Default)]
struct BoxSession {
    session: Session,
    /// A sign-in waits for the browser; setting the flag gives up.
    signing_in: Option<Arc<AtomicBool>>,
    /// The address the browser was asked to open, for a workstation where none opens.
    address: Option<String>,
    signing_out: bool,
    /// The session is being read (keyring), so a burst of worker events asks once.
    checking: bool,
    /// The box's worker stopped on a refused sign-in, and has not connected since.
    refused: bool,
    /// Bumped at each sign-in and sign-out: a reading started before is stale when it lands.
    generation: u64,
    /// Why the last sign-in or sign-out of this box failed, in the interface language.
    problem: Option<String>,
}

/// Where a box's session stands, as the window knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Session {
    /// Not read yet.
    #[default]
    Unknown,
    /// A session is open; the name is known when this process signed it in.
    SignedIn(Option<String>),
    /// Never signed in on this computer, or signed out by the professional.
    SignedOut,
    /// The session ended without the professional asking (refused, revoked, expired).
    Ended,
}

#[derive(Debug, Clone)]
pub enum Message {
    SignIn(String),
    /// Gives up waiting for the browser.
    Cancel(String),
    /// The browser was asked to open this sign-in address.
    Opened(String, String),
    /// Copies the sign-in address, to open it in a browser by hand.
    CopyAddress(String),
    SignOut(String),
    /// The sign-in's outcome: who signed in, or the sentence saying why not.
    SignedIn(String, Result<String, String>),
    SignedOut(String, Result<(), String>),
    /// The session as read at that generation of the box's sign-ins.
    Checked(String, u64, Result<Session, String>),
}

/// What the root must do for a session.
pub enum Action {
    None,
    /// Work off the UI thread (the browser, the keyring, the provider).
    Run(Task<Message>),
    /// The box's session changed: its worker connects again now.
    SyncNow(String),
}

/// What a task needs from the window.
pub struct Context<'a> {
    pub accounts: &'a [Account],
    pub place: Place,
    pub i18n: Arc<I18n>,
}

impl<'a> Context<'a> {
    pub fn new(accounts: &'a [Account], profile: &Profile, i18n: &Arc<I18n>) -> Self {
        Self {
            accounts,
            place: Place::of(profile),
            i18n: i18n.clone(),
        }
    }
}

impl Psc {
    /// Replaces the system's browser (the tests play the professional's).
    pub fn set_browser(&mut self, browser: Opener) {
        self.browser = browser;
    }

    /// Where the box's session stands, as shown.
    pub fn session(&self, account: &str) -> Session {
        self.boxes
            .get(account)
            .map(|state| state.session.clone())
            .unwrap_or_default()
    }

    /// Whether a sign-in of the box waits for the browser.
    pub fn is_signing_in(&self, account: &str) -> bool {
        self.boxes
            .get(account)
            .is_some_and(|state| state.signing_in.is_some())
    }

    /// The sentence of the box's last failed sign-in or sign-out.
    pub fn problem(&self, account: &str) -> Option<&str> {
        self.boxes.get(account)?.problem.as_deref()
    }

    pub fn update(&mut self, message: Message, context: &Context<'_>) -> Action {
        match message {
            Message::SignIn(name) => {
                let Some(account) = psc_account(context.accounts, &name) else {
                    return Action::None;
                };
                let state = self.boxes.entry(name).or_default();
                if state.signing_in.is_some() {
                    return Action::None;
                }
                let cancel = Arc::new(AtomicBool::new(false));
                state.signing_in = Some(cancel.clone());
                state.problem = None;
                Action::Run(sign_in(
                    account.clone(),
                    context,
                    self.browser.clone(),
                    cancel,
                ))
            }
            Message::Cancel(name) => {
                if let Some(cancel) = self.boxes.get(&name).and_then(|s| s.signing_in.as_ref()) {
                    cancel.store(true, Ordering::Relaxed);
                }
                Action::None
            }
            Message::Opened(name, address) => {
                if let Some(state) = self.boxes.get_mut(&name) {
                    if state.signing_in.is_some() {
                        state.address = Some(address);
                    }
                }
                Action::None
            }
            Message::CopyAddress(name) => {
                match self.boxes.get(&name).and_then(|s| s.address.clone()) {
                    Some(address) => Action::Run(iced::clipboard::write(address)),
                    None => Action::None,
                }
            }
            Message::SignedIn(name, outcome) => {
                let state = self.boxes.entry(name.clone()).or_default();
                state.address = None;
                let cancelled = state
                    .signing_in
                    .take()
                    .is_some_and(|cancel| cancel.load(Ordering::Relaxed));
                state.generation += 1;
                match outcome {
                    Ok(who) => {
                        state.session = Session::SignedIn(Some(who));
                        state.problem = None;
                        state.refused = false;
                        Action::SyncNow(name)
                    }
                    // The professional gave up: nothing to explain.
                    Err(_) if cancelled => Action::None,
                    Err(sentence) => {
                        state.problem = Some(sentence);
                        Action::None
                    }
                }
            }
            Message::SignOut(name) => {
                let Some(account) = psc_account(context.accounts, &name) else {
                    return Action::None;
                };
                let state = self.boxes.entry(name).or_default();
                if state.signing_out {
                    return Action::None;
                }
                state.signing_out = true;
                state.problem = None;
                Action::Run(sign_out(account.clone(), context))
            }
            Message::SignedOut(name, outcome) => {
                let state = self.boxes.entry(name.clone()).or_default();
                state.signing_out = false;
                state.generation += 1;
                // Signed out on this computer even when the provider could not be told.
                state.session = Session::SignedOut;
                state.problem = outcome.err();
                // The worker lets go of its connection and meets "not signed in".
                Action::SyncNow(name)
            }
            Message::Checked(name, generation, outcome) => {
                let state = self.boxes.entry(name).or_default();
                state.checking = false;
                if generation != state.generation {
                    return Action::None;
                }
                match outcome {
                    // A session that was open and is no more has ended; one never opened
                    // (or closed by the professional) is simply signed out.
                    Ok(Session::SignedOut) => {
                        if matches!(state.session, Session::SignedIn(_) | Session::Ended) {
                            state.session = Session::Ended;
                        } else {
                            state.session = Session::SignedOut;
                        }
                    }
                    // The name stays when the keyring's session is the one signed in here.
                    Ok(Session::SignedIn(None)) => {
                        if !matches!(state.session, Session::SignedIn(Some(_))) {
                            state.session = Session::SignedIn(None);
                        }
                    }
                    Ok(session) => state.session = session,
                    Err(sentence) => state.problem = Some(sentence),
                }
                Action::None
            }
        }
    }

    /// What a worker reported, for the session of its box: its first word and each sign-in
    /// that worked or was refused make the window read the session again.
    pub fn observe(&mut self, event: &Event, context: &Context<'_>) -> Action {
        let Event::Connectivity { account, state } = event else {
            return Action::None;
        };
        let Some(psc_box) = psc_account(context.accounts, account) else {
            return Action::None;
        };
        let shown = self.boxes.entry(account.clone()).or_default();
        match state {
            worker::Connectivity::AuthenticationRefused { .. } => shown.refused = true,
            worker::Connectivity::Connecting
            | worker::Connectivity::Syncing { .. }
            | worker::Connectivity::UpToDate => shown.refused = false,
            _ => {}
        }
        let worth_reading = match state {
            worker::Connectivity::AuthenticationRefused { .. } => true,
            worker::Connectivity::UpToDate => !matches!(shown.session, Session::SignedIn(_)),
            _ => shown.session == Session::Unknown,
        };
        if !worth_reading || shown.checking || shown.signing_in.is_some() {
            return Action::None;
        }
        shown.checking = true;
        Action::Run(check(psc_box.clone(), shown.generation, context))
    }

    /// The "Pro Santé Connect" section under the box list; nothing when no box uses PSC.
    pub fn view<'a>(&'a self, boxes: &'a [BoxEntry], i18n: &I18n) -> Element<'a, Message> {
        let psc_boxes: Vec<&BoxEntry> = boxes
            .iter()
            .filter(|e| e.account.signs_in_with_psc())
            .collect();
        if psc_boxes.is_empty() {
            return Space::new().into();
        }
        let mut section = column![text(i18n.t("psc-section"))
            .size(theme::SMALL_SIZE)
            .font(theme::SEMIBOLD)]
        .spacing(8);
        for entry in psc_boxes {
            section = section.push(self.box_view(entry, i18n));
        }
        container(section).padding([6, 10]).into()
    }

    fn box_view<'a>(&'a self, entry: &'a BoxEntry, i18n: &I18n) -> Element<'a, Message> {
        let name = entry.account.name.clone();
        let default = BoxSession::default();
        let state = self.boxes.get(&name).unwrap_or(&default);
        let (sentence, colour) = match &state.session {
            Session::SignedIn(Some(who)) => (
                i18n.t_args("oidc-signed-in-as", args!["name" => who.clone()]),
                Some(theme::SUCCESS),
            ),
            Session::SignedIn(None) => (i18n.t("psc-session-open"), Some(theme::SUCCESS)),
            Session::Ended => (i18n.t("psc-session-ended"), Some(theme::DANGER)),
            Session::Unknown | Session::SignedOut => (i18n.t("psc-not-signed-in"), None),
        };
        let mut status = text(sentence).size(theme::SMALL_SIZE);
        if let Some(colour) = colour {
            status = status.color(colour);
        }
        let mut lines = column![
            text(entry.account.name.clone())
                .size(theme::SMALL_SIZE)
                .font(theme::SEMIBOLD),
            status
        ]
        .spacing(4);

        let small = |label: String| text(label).size(theme::SMALL_SIZE);
        let signed_in = matches!(state.session, Session::SignedIn(_));
        if state.signing_in.is_some() {
            lines = lines.push(small(i18n.t("oidc-sign-in-waiting")));
            if state.address.is_some() {
                lines = lines.push(
                    button(small(i18n.t("psc-copy-address")))
                        .style(button::text)
                        .on_press(Message::CopyAddress(name.clone())),
                );
            }
            // One under the other: the box list is narrow.
            lines = lines
                .push(
                    button(small(i18n.t("psc-waiting")))
                        .width(Length::Fill)
                        .style(button::primary),
                )
                .push(
                    button(small(i18n.t("psc-cancel")))
                        .style(theme::action)
                        .on_press(Message::Cancel(name)),
                );
        } else {
            // A session the server refused anyway may be signed in again (another card).
            if !signed_in || state.refused {
                lines = lines.push(
                    button(small(i18n.t("oidc-sign-in")))
                        .width(Length::Fill)
                        .style(button::primary)
                        .on_press(Message::SignIn(name.clone())),
                );
            }
            if signed_in {
                lines = lines.push(
                    button(small(i18n.t("oidc-sign-out")))
                        .style(theme::action)
                        .on_press_maybe((!state.signing_out).then_some(Message::SignOut(name))),
                );
            }
        }
        if let Some(problem) = &state.problem {
            lines = lines.push(small(problem.clone()).color(theme::DANGER));
        }
        container(lines)
            .style(theme::card)
            .padding(8)
            .width(Length::Fill)
            .into()
    }
}

fn psc_account<'a>(accounts: &'a [Account], name: &str) -> Option<&'a Account> {
    accounts
        .iter()
        .find(|account| account.name == name && account.signs_in_with_psc())
}

/// Runs `work` with the profile's keyring on a blocking thread; its error is a sentence.
fn blocking<T: Send + 'static>(
    context: &Context<'_>,
    work: impl FnOnce(&Secrets) -> Result<T, OidcError> + Send + 'static,
) -> impl std::future::Future<Output = Result<T, String>> {
    let service = context.place.keyring_service.clone();
    let i18n = context.i18n.clone();
    async move {
        let outcome = tokio::task::spawn_blocking(move || {
            Secrets::os(&service)
                .map_err(OidcError::from)
                .and_then(|secrets| work(&secrets))
                .map_err(|error| error.localize(&i18n))
        })
        .await;
        outcome.unwrap_or_else(|error| Err(error.to_string()))
    }
}

fn sign_in(
    account: Account,
    context: &Context<'_>,
    browser: Opener,
    cancel: Arc<AtomicBool>,
) -> Task<Message> {
    let name = account.name.clone();
    let options = SignInOptions {
        cancel: Some(cancel),
        ..SignInOptions::default()
    };
    // The address goes to the window too, for when no browser opens.
    let (opened, addresses) = futures::channel::mpsc::unbounded::<String>();
    let opener = move |url: &str| -> Result<(), BrowserError> {
        let _ = opened.unbounded_send(url.to_string());
        browser.open(url)
    };
    let work = blocking(context, move |secrets| {
        PscSessions::shared()
            .sign_in(&account, secrets, &opener, &options)
            .map(|signed_in| signed_in.identity.display_name())
    });
    let shown = name.clone();
    Task::batch([
        Task::run(addresses, move |address| {
            Message::Opened(shown.clone(), address)
        }),
        Task::perform(work, move |outcome| {
            Message::SignedIn(name.clone(), outcome)
        }),
    ])
}

fn sign_out(account: Account, context: &Context<'_>) -> Task<Message> {
    let name = account.name.clone();
    let work = blocking(context, move |secrets| {
        PscSessions::shared().sign_out(&account, secrets)
    });
    Task::perform(work, move |outcome| {
        Message::SignedOut(name.clone(), outcome)
    })
}

fn check(account: Account, generation: u64, context: &Context<'_>) -> Task<Message> {
    let name = account.name.clone();
    let work = blocking(context, move |secrets| {
        let sessions = PscSessions::shared();
        Ok(match sessions.state(&account, secrets)? {
            SessionState::Active | SessionState::Refreshable => Session::SignedIn(
                sessions
                    .identity(&account)
                    .map(|identity| identity.display_name()),
            ),
            SessionState::SignedOut => Session::SignedOut,
        })
    });
    Task::perform(work, move |outcome| {
        Message::Checked(name.clone(), generation, outcome)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;
    use pli_core::mail::account::AuthKind;

    /// The demo's boxes, the first one signing in with Pro Santé Connect.
    fn boxes() -> Vec<Account> {
        let mut accounts = crate::ui::demo::accounts();
        accounts[0].auth = AuthKind::Xoauth2;
        accounts[0].oidc = Some(Box::default());
        accounts
    }

    fn context(accounts: &[Account]) -> Context<'_> {
        Context {
            accounts,
            place: Place {
                store: "store.sqlite".into(),
                keyring_service: "pli:test-psc-window".into(),
                profile: pli_core::profile::Profile::at(std::path::Path::new("/profile")),
            },
            i18n: Arc::new(I18n::new(Language::Fr)),
        }
    }

    fn read(psc: &mut Psc, context: &Context<'_>, generation: u64, session: Session) {
        let name = context.accounts[0].name.clone();
        let _ = psc.update(Message::Checked(name, generation, Ok(session)), context);
    }

    #[test]
    fn a_session_gone_after_being_open_has_ended_and_one_never_open_is_signed_out() {
        let accounts = boxes();
        let context = context(&accounts);
        let name = accounts[0].name.as_str();
        let mut psc = Psc::default();
        read(&mut psc, &context, 0, Session::SignedOut);
        assert_eq!(psc.session(name), Session::SignedOut);
        read(&mut psc, &context, 0, Session::SignedIn(None));
        read(&mut psc, &context, 0, Session::SignedOut);
        assert_eq!(psc.session(name), Session::Ended);
    }

    #[test]
    fn a_reading_started_before_a_sign_in_does_not_undo_it() {
        let accounts = boxes();
        let context = context(&accounts);
        let name = accounts[0].name.clone();
        let mut psc = Psc::default();
        let signed_in = Message::SignedIn(name.clone(), Ok("Jean MARTIN".into()));
        assert!(matches!(
            psc.update(signed_in, &context),
            Action::SyncNow(account) if account == name
        ));
        read(&mut psc, &context, 0, Session::SignedOut);
        assert_eq!(
            psc.session(&name),
            Session::SignedIn(Some("Jean MARTIN".into()))
        );
        // A later reading of the same session keeps the name.
        read(&mut psc, &context, 1, Session::SignedIn(None));
        assert_eq!(
            psc.session(&name),
            Session::SignedIn(Some("Jean MARTIN".into()))
        );
    }

    #[test]
    fn one_sign_in_at_a_time_and_only_for_a_psc_box() {
        let accounts = boxes();
        let context = context(&accounts);
        let mut psc = Psc::default();
        let first = psc.update(Message::SignIn(accounts[0].name.clone()), &context);
        assert!(matches!(first, Action::Run(_)));
        assert!(psc.is_signing_in(&accounts[0].name));
        let again = psc.update(Message::SignIn(accounts[0].name.clone()), &context);
        assert!(matches!(again, Action::None));
        let password_box = psc.update(Message::SignIn(accounts[1].name.clone()), &context);
        assert!(matches!(password_box, Action::None));
        let event = Event::Connectivity {
            account: accounts[1].name.clone(),
            state: worker::Connectivity::AuthenticationRefused {
                reason: "refused".into(),
            },
        };
        assert!(matches!(psc.observe(&event, &context), Action::None));
    }
}
