//! The root of the window: the screens, the three panes, and the work the screens ask for.
//!
//! Each screen's `update` returns an `Action`; only the root turns actions into `Task`s, owns the
//! store connection the window reads from, and decides which screen shows.

use crate::messages::Localize;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use iced::widget::{button, container, pane_grid, text, Space};
use iced::{keyboard, Alignment, Element, Length, Subscription, Task, Theme};

use super::banners::{self, InactivityBanner, LastUse};
use super::composer::{self, Composer, Known, Original, SendOutcome, SendRequest};
use super::connectivity::{self, BoxStatus, Place, WorkerEvent, WorkerHandle, WorkerSpec};
use super::debounce::{after, Debouncer, Ticket};
use super::directory::{self, DirectoryPane};
use super::lock::{self, Lock};
use super::message_list::{self, MessageList, MessageRef};
use super::patient::{self, PatientComposer};
use super::patient_file::{self, PatientFileScreen};
use super::preferences::{PaneRatios, Preferences};
use super::prescriptions::{self, Prescriptions};
use super::psc::{self, Psc};
use super::reader::{self, Reader};
use super::settings::{self, SettingsScreen};
use super::shortcuts::{shortcut_for, Shortcut};
use super::theme::ThemeChoice;
use super::{dropped_files, theme, welcome};
use crate::args;
use crate::i18n::{I18n, Language};
use pli_core::mail::account::{load_accounts, Account, ConfigProblem};
use pli_core::mail::store::{open_profile_store, Flags, Role, Store};
use pli_core::mail::worker::Event;
use pli_core::profile::Profile;

mod completion;
mod composing;
mod documents;
pub mod handling;
mod mail_actions;
mod outgoing;
mod screens;
mod shortcuts;
mod view;
mod workers;
use completion::Candidates;
pub use workers::Background;
use workers::{Recount, Workers};

/// How long typing must pause before the search runs.
pub const SEARCH_DELAY: Duration = Duration::from_millis(250);
/// How long the layout must stay still before it is written.
const SAVE_DELAY: Duration = Duration::from_millis(500);
/// How long after the last local action (a message read, moved) the workers are asked to
/// replay the actions to the server: reading ten messages in a row costs one pass, not ten.
const REPLAY_DELAY: Duration = Duration::from_secs(3);
/// How long typing must pause before the directory is searched: a keystroke is ~100 ms apart.
const DIRECTORY_DELAY: Duration = Duration::from_millis(200);
/// How many directory hits the composer's completion asks for.
const COMPLETION_HITS: usize = 5;
/// How many known correspondents the composer completes from.
const KNOWN_CORRESPONDENTS: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The add-a-box form: alone when no box is configured, else reachable from "+".
    Welcome,
    /// The three panes.
    Mail,
    Composer(u64),
    Settings,
    /// "Écrire à un patient": the matricule and identity checked before an address exists.
    Patient,
    /// The national MSSanté directory.
    Directory,
    /// "Dossier du patient": every message and document about one INS.
    PatientFile,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Boxes,
    List,
    Reader,
}

/// A line above the panes after something happened away from the screen (a message sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Banner {
    Done(String),
    Problem(String),
}

/// The whole window's state.
pub struct Pli {
    i18n: Arc<I18n>,
    profile: Profile,
    demo: bool,
    preferences: Preferences,
    /// The profile's settings (`settings.toml`): language, theme, notifications, and what the
    /// MSSanté rules need.
    profile_settings: pli_core::settings::ProfileSettings,
    /// Only the last change of a burst is written.
    saves: Debouncer,
    accounts: Vec<Account>,
    problems: Vec<ConfigProblem>,
    store: Option<Store>,
    store_path: PathBuf,
    pub screen: Screen,
    panes: pane_grid::State<Pane>,
    pub message_list: MessageList,
    pub reader: Reader,
    pub composers: Vec<Composer>,
    next_composer: u64,
    /// The "Écrire à un patient" screen; its form is cleared each time it is left.
    pub patient: PatientComposer,
    /// The composer whose patient recipient's identity that screen is checking, if it is.
    identity_for: Option<u64>,
    /// The auto-lock; `None` in the demo, which holds no health data and never reaches the
    /// keyring (see [`Pli::arm_lock`]).
    pub lock: Option<Lock>,
    /// One inactivity banner per box, shown above the list of the box in view when due.
    pub inactivity: Vec<InactivityBanner>,
    /// A pharmacy box's "Ordonnances" in place of the message list, when chosen.
    pub prescriptions: Option<Prescriptions>,
    pub directory: DirectoryPane,
    pub patient_file: PatientFileScreen,
    /// What the composer completes an address from.
    candidates: Candidates,
    /// How to reach each box's worker, once it started.
    workers: Workers,
    recount: Recount,
    pub settings: SettingsScreen,
    welcome: welcome::Welcome,
    /// Files are held above the window.
    pub dropping: bool,
    /// `PLI_BENCH_FIRST_FRAME`: the benchmark's probe, which reports the first frames on
    /// standard output and closes the window (see `examples/ui_bench.rs`).
    frame_probe: Option<FrameProbe>,
    pub banner: Option<Banner>,
    /// The Pro Santé Connect sessions of the boxes that sign in with it (issue 7).
    pub psc: Psc,
}

#[derive(Debug, Clone)]
pub enum Message {
    Welcome(welcome::Message),
    List(message_list::Message),
    Reader(reader::Message),
    Composer(u64, composer::Message),
    Settings(settings::Message),
    Patient(patient::Message),
    Lock(lock::Message),
    Inactivity(Inactivity),
    Prescriptions(prescriptions::Message),
    Directory(directory::Message),
    PatientFile(patient_file::Message),
    Completion(Completion),
    Shortcut(Shortcut),
    Layout(Layout),
    /// What arrives without the person acting: the boxes' workers, timers, and the reads and
    /// writes done off the UI thread.
    Background(Background),
    /// The person goes to another screen or view.
    Go(Destination),
    DismissBanner,
    Psc(psc::Message),
    DroppedFiles(dropped_files::Message),
    /// A frame was drawn (only while the benchmark's probe listens).
    Frame,
}

/// Where the person asks to go, from a button, a shortcut or a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// The three panes (or the add-a-box form when no box is configured).
    Mail,
    /// A new, empty message.
    NewMessage,
    /// Back to a message being written.
    Draft(u64),
    /// "Écrire à un patient".
    Patient,
    /// The national directory.
    Directory,
    /// The file of the patient with this INS.
    PatientFile(String),
    /// The "Ordonnances" of this pharmacy box in place of the list.
    Prescriptions(String),
    /// "À traiter", "Pris en charge par moi" or "Traités" of a shared box.
    Handling(String, pli_core::usecase::handling::HandlingView),
}

/// The inactivity banners (SEED: a box unused for a year is deleted).
#[derive(Debug, Clone)]
pub enum Inactivity {
    /// The hourly clock the banners measure from.
    Clock(chrono::DateTime<chrono::Utc>),
    /// What a box's banner says.
    Banner(String, banners::Message),
}

/// The composer's completion: the correspondents it offers as an address is typed.
#[derive(Debug, Clone)]
pub enum Completion {
    /// The address being typed has rested: look it up in the directory.
    Lookup(Ticket, String),
    /// What the directory found for it.
    Found(Ticket, Vec<Known>),
    /// The known correspondents, read from the store.
    Known(Vec<Known>),
    /// The name each box's messages carry (ECO.2.2.7), by box name.
    SenderNames(Vec<(String, String)>),
}

/// The panes' layout and the preferences, written once a burst of changes rests.
#[derive(Debug, Clone)]
pub enum Layout {
    Resized(pane_grid::ResizeEvent),
    SaveDue(Ticket),
    Written(Result<(), String>),
}

/// What the first-frame benchmark has seen so far.
#[derive(Debug, Default)]
struct FrameProbe {
    first_drawn: bool,
}

impl Pli {
    /// The window on a profile. `demo`: the boxes are samples and nothing is ever connected.
    pub fn new(profile: Profile, i18n: Arc<I18n>, demo: bool) -> Self {
        let (accounts, problems) = match load_accounts(&profile.accounts_file()) {
            Ok(loaded) => (loaded.accounts, loaded.problems),
            Err(error) => (
                Vec::new(),
                vec![ConfigProblem {
                    line: 0,
                    message: error.to_string(),
                }],
            ),
        };
        let preferences = Preferences::load(&Preferences::path(&profile));
        let (profile_settings, settings_problems) =
            pli_core::settings::ProfileSettings::load(&profile.settings_file());
        for problem in settings_problems {
            tracing::warn!(%problem, "ignored a setting");
        }
        let store_path = profile.store_file();
        let (store, banner) = match open_profile_store(&profile) {
            Ok(store) => (Some(store), None),
            Err(error) => (
                None,
                Some(Banner::Problem(i18n.t_args(
                    "store-unavailable",
                    args!["detail" => error.to_string()],
                ))),
            ),
        };
        let connectivity = if demo {
            BoxStatus::Local
        } else {
            BoxStatus::Connecting
        };
        let mut message_list = MessageList::new(&accounts, connectivity);
        if let Some(store) = &store {
            message_list.reload_boxes(store);
            message_list.refresh(store);
        }
        let now = chrono::Utc::now();
        let inactivity: Vec<InactivityBanner> = accounts
            .iter()
            .map(|account| {
                inactivity_banner(
                    &i18n,
                    store.as_ref(),
                    account,
                    profile_settings.inactivity,
                    now,
                )
            })
            .collect();
        for banner in &inactivity {
            message_list.set_last_use(banner.mailbox(), banner.box_use());
        }
        let screen = if accounts.is_empty() {
            Screen::Welcome
        } else {
            Screen::Mail
        };
        let contacts = load_contacts(&profile);
        let mut pli = Self {
            welcome: welcome::Welcome::new(i18n.clone()),
            dropping: false,
            frame_probe: None,
            panes: panes(preferences.panes),
            profile,
            demo,
            preferences,
            profile_settings,
            saves: Debouncer::default(),
            accounts,
            problems,
            store,
            store_path,
            screen,
            message_list,
            reader: Reader::default(),
            composers: Vec::new(),
            next_composer: 1,
            patient: PatientComposer::new(i18n.clone()),
            identity_for: None,
            lock: None,
            inactivity,
            prescriptions: None,
            directory: DirectoryPane::new(i18n.clone()),
            patient_file: PatientFileScreen::default(),
            candidates: Candidates::with_contacts(contacts),
            workers: Workers::default(),
            recount: Recount::default(),
            settings: SettingsScreen::default(),
            banner,
            psc: Psc::default(),
            i18n,
        };
        pli.restore_drafts();
        pli
    }

    /// What starts with the window (the workers start with the subscription).
    pub fn start(&mut self) -> Task<Message> {
        if !self.demo {
            let armed = self.arm_lock(chrono::Utc::now());
            return Task::batch([
                self.load_known(),
                self.load_sender_names(),
                self.recount(),
                armed,
            ]);
        }
        Task::batch([self.load_known(), self.load_sender_names(), self.recount()])
    }

    /// Turns the lock on, as every real profile has it: the content hides until the keyring
    /// says whether a PIN exists. The demo calls it only in tests.
    pub fn arm_lock(&mut self, now: chrono::DateTime<chrono::Utc>) -> Task<Message> {
        let (lock, action) = Lock::new(
            self.i18n.clone(),
            self.profile_settings.auto_lock_minutes,
            now,
        );
        self.lock = Some(lock);
        self.perform_lock(action)
    }

    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    pub fn welcome(&self) -> &welcome::Welcome {
        &self.welcome
    }

    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    pub fn store_path(&self) -> &std::path::Path {
        &self.store_path
    }

    pub fn preferences(&self) -> &Preferences {
        &self.preferences
    }

    pub fn i18n(&self) -> &I18n {
        &self.i18n
    }

    /// The three panes, for the tests and the layout's memory.
    pub fn panes(&self) -> &pane_grid::State<Pane> {
        &self.panes
    }

    pub fn theme_choice(&self) -> ThemeChoice {
        ThemeChoice::of(&self.profile_settings)
    }

    pub fn profile_settings(&self) -> &pli_core::settings::ProfileSettings {
        &self.profile_settings
    }

    /// The last address lookup asked of the directory for the composer, for the tests.
    /// The ticket of the newest completion asked of the directory.
    pub fn completion_ticket(&self) -> Ticket {
        self.candidates.lookups.current()
    }

    pub fn composer(&self, id: u64) -> Option<&Composer> {
        self.composers.iter().find(|composer| composer.id() == id)
    }

    /// The composer on screen, if the composer is.
    pub fn active_composer(&self) -> Option<&Composer> {
        match self.screen {
            Screen::Composer(id) => self.composer(id),
            _ => None,
        }
    }

    fn place(&self) -> Place {
        Place::of(&self.profile)
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Welcome(message) => {
                let action = self.welcome.update(message);
                self.perform_welcome(action)
            }
            Message::List(message) => {
                if matches!(message, message_list::Message::SelectFolder { .. }) {
                    // Choosing a real folder leaves the virtual one.
                    self.prescriptions = None;
                    let _ = self
                        .message_list
                        .update(message_list::Message::PrescriptionsShown(None), None);
                }
                let action = self.message_list.update(message, self.store.as_ref());
                self.perform_list(action)
            }
            Message::Reader(message) => {
                let handled = matches!(message, reader::Message::Handled(_, Ok(_)));
                let action = self.reader.update(message);
                let task = self.perform_reader(action);
                if !handled {
                    return task;
                }
                // A take, a release or a step changed the lists and their counts.
                self.refresh_handling_list();
                Task::batch([task, self.recount()])
            }
            Message::Composer(id, message) => self.update_composer(id, message),
            Message::Settings(message) => {
                let action = self.settings.update(
                    message,
                    &mut self.preferences,
                    &mut self.profile_settings,
                );
                self.perform_settings(action)
            }
            Message::Patient(message) => {
                let action = self.patient.update(message);
                self.perform_patient(action)
            }
            Message::Prescriptions(prescriptions::Message::Close) => {
                self.prescriptions = None;
                let _ = self
                    .message_list
                    .update(message_list::Message::PrescriptionsShown(None), None);
                Task::none()
            }
            Message::Prescriptions(prescriptions::Message::Open(index)) => {
                let reference = self
                    .prescriptions
                    .as_ref()
                    .and_then(|found| found.rows().get(index))
                    .map(|(reference, _)| reference.clone());
                match reference {
                    Some(reference) => self.open(reference),
                    None => Task::none(),
                }
            }
            Message::Inactivity(message) => self.inactivity(message),
            Message::Lock(message) => match self.lock.as_mut() {
                Some(lock) => {
                    let action = lock.update(message);
                    self.perform_lock(action)
                }
                None => Task::none(),
            },
            Message::Directory(message) => {
                if matches!(message, directory::Message::ContactAdded(Ok(_))) {
                    self.candidates.set_contacts(load_contacts(&self.profile));
                }
                let action = self.directory.update(message);
                self.perform_directory(action)
            }
            Message::PatientFile(message) => match self.patient_file.update(message) {
                patient_file::Action::None => Task::none(),
                patient_file::Action::Back => self.go(Destination::Mail),
                patient_file::Action::Open(reference) => {
                    self.screen = Screen::Mail;
                    self.open(reference)
                }
            },
            Message::Completion(message) => self.complete(message),
            Message::Shortcut(shortcut) => self.shortcut(shortcut),
            Message::Layout(message) => self.layout(message),
            Message::Background(event) => self.background(event),
            Message::Go(destination) => self.go(destination),
            Message::DismissBanner => {
                self.banner = None;
                Task::none()
            }
            Message::DroppedFiles(message) => self.files_dropped(message),
            Message::Frame => self.frame_drawn(),
            Message::Psc(message) => {
                let context = psc::Context::new(&self.accounts, &self.profile, &self.i18n);
                let action = self.psc.update(message, &context);
                self.perform_psc(action)
            }
        }
    }

    // ----- Pro Santé Connect (issue 7) -----

    // ----- screens' actions -----

    fn perform_welcome(&mut self, action: welcome::Action) -> Task<Message> {
        match action {
            welcome::Action::None => Task::none(),
            welcome::Action::Discover(address) => Task::perform(
                welcome::discover(address, self.profile_settings.discovery_nameserver),
                |result| Message::Welcome(welcome::Message::Discovered(result)),
            ),
            welcome::Action::Test(request) => {
                Task::perform(welcome::run_test(request, self.i18n.clone()), |report| {
                    Message::Welcome(welcome::Message::Tested(report))
                })
            }
            welcome::Action::Save(request) => {
                let profile = self.profile.clone();
                let i18n = self.i18n.clone();
                Task::perform(welcome::save(request, profile, i18n), |result| {
                    Message::Welcome(welcome::Message::Saved(result))
                })
            }
            welcome::Action::Saved(account) => {
                // Its worker starts with the next subscription.
                self.accounts.push((*account).clone());
                let banner = inactivity_banner(
                    &self.i18n,
                    self.store.as_ref(),
                    &account,
                    self.profile_settings.inactivity,
                    chrono::Utc::now(),
                );
                self.message_list.add_box(*account, BoxStatus::Connecting);
                self.message_list
                    .set_last_use(banner.mailbox(), banner.box_use());
                self.inactivity.push(banner);
                self.screen = Screen::Mail;
                self.load_sender_names()
            }
        }
    }

    // ----- the keyboard -----

    // ----- mail actions -----

    /// Shows a message, marks it read, and fetches its body when the store has only its
    /// envelope.
    fn open(&mut self, reference: MessageRef) -> Task<Message> {
        let Some(store) = self.store.as_ref() else {
            return Task::none();
        };
        let Ok(Some(envelope)) = store.envelope(reference.folder.id, reference.uid) else {
            self.reader.close();
            return Task::none();
        };
        let raw = store.raw(reference.folder.id, reference.uid).ok().flatten();
        if let (Some(Role::Drafts), Some(raw)) = (reference.folder.role, raw.as_deref()) {
            return self.resume_server_draft(&reference, raw);
        }
        let unread = !envelope.flags.has(Flags::SEEN);
        let patient_kind = store
            .patient_kind(reference.folder.id, reference.uid)
            .ok()
            .flatten();
        self.reader
            .open(reference.clone(), envelope, patient_kind, raw.as_deref());
        // A receipt already sent, here or from another workstation ($MDNSent), or declined, is
        // not offered again.
        let receipt_answered = self.reader.opened().is_some_and(|opened| {
            pli_core::usecase::handling::receipt_answered(
                store,
                &reference.account,
                &reference.folder,
                reference.uid,
                &opened.receipt_key(),
            )
            .unwrap_or(false)
        });
        let junk = pli_core::usecase::handling::is_junk(store, &reference.folder, reference.uid)
            .unwrap_or(false);
        // A pharmacy answers a prescription with its prepared texts.
        let templates = if patient_kind == Some(pli_core::mail::store::PatientKind::Prescription)
            && self
                .accounts
                .iter()
                .any(|account| account.name == reference.account && account.pharmacy)
        {
            crate::ui::handling::reply_templates(&self.profile_settings, &self.i18n)
                .into_iter()
                .map(|template| template.name)
                .collect()
        } else {
            Vec::new()
        };
        // The "Je m'en occupe" bar, on a shared box only.
        let shared = self
            .accounts
            .iter()
            .find(|account| account.name == reference.account)
            .filter(|account| {
                account.pharmacy || account.kind == pli_core::mail::account::BoxKind::Organisational
            })
            .and_then(|account| {
                pli_core::usecase::handling::shared_view(
                    store,
                    account,
                    &reference.folder,
                    reference.uid,
                )
                .ok()
            });
        self.reader.surroundings_read(
            &reference,
            reader::Surroundings {
                receipt_answered,
                junk,
                templates,
                shared,
            },
        );
        let seen = if unread {
            self.set_flag(&reference, Flags::SEEN, true)
        } else {
            Task::none()
        };
        if raw.is_none() {
            return Task::batch([seen, self.fetch_body(reference)]);
        }
        Task::batch([seen, self.load_document_histories()])
    }

    /// Who acts at this workstation: the profile's `person_name`, else the system user.
    pub fn acting_person(&self) -> Result<String, pli_core::usecase::handling::HandlingError> {
        pli_core::usecase::handling::person_named(self.profile_settings.person_name.as_deref())
    }

    fn save_preferences_later(&mut self) -> Task<Message> {
        after(
            SAVE_DELAY,
            Message::Layout(Layout::SaveDue(self.saves.take())),
        )
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let keys =
            keyboard::listen().filter_map(|event| shortcut_for(&event).map(Message::Shortcut));
        let lock = if self.lock.is_some() {
            Subscription::batch([
                iced::time::every(Duration::from_secs(1))
                    .map(|_| Message::Lock(lock::Message::Tick(chrono::Utc::now()))),
                iced::event::listen_with(activity),
            ])
        } else {
            Subscription::none()
        };
        let clock = iced::time::every(Duration::from_secs(3600))
            .map(|_| Message::Inactivity(Inactivity::Clock(chrono::Utc::now())));
        let probe = if self.frame_probe.is_some() {
            iced::window::frames().map(|_| Message::Frame)
        } else {
            Subscription::none()
        };
        let dropped = dropped_files::subscription().map(Message::DroppedFiles);
        let keys = Subscription::batch([keys, lock, clock, probe, dropped]);
        if self.demo {
            return keys;
        }
        let place = self.place();
        let workers = self.accounts.iter().map(|account| {
            connectivity::worker(WorkerSpec {
                account: account.clone(),
                place: place.clone(),
            })
            .map(|event| Message::Background(Background::Worker(event)))
        });
        Subscription::batch(std::iter::once(keys).chain(workers))
    }
}

/// The kept contacts as completion candidates.
fn load_contacts(profile: &Profile) -> Vec<Known> {
    directory::load_contacts(&directory::contacts_path(profile))
        .into_iter()
        .map(|contact| Known::new(contact.name, contact.address))
        .collect()
}

/// A key, a click or the wheel: the person is at the workstation. (Moving the mouse alone is
/// not counted: it would wake the window at every pixel, and a cat does it too.)
fn activity(event: iced::Event, _: iced::event::Status, _: iced::window::Id) -> Option<Message> {
    match event {
        iced::Event::Keyboard(keyboard::Event::KeyPressed { .. })
        | iced::Event::Mouse(iced::mouse::Event::ButtonPressed(_))
        | iced::Event::Mouse(iced::mouse::Event::WheelScrolled { .. }) => {
            Some(Message::Lock(lock::Message::Activity(chrono::Utc::now())))
        }
        _ => None,
    }
}

/// The three panes at the remembered ratios.
fn panes(ratios: PaneRatios) -> pane_grid::State<Pane> {
    use pane_grid::{Axis, Configuration};
    pane_grid::State::with_configuration(Configuration::Split {
        axis: Axis::Vertical,
        ratio: ratios.boxes,
        a: Box::new(Configuration::Pane(Pane::Boxes)),
        b: Box::new(Configuration::Split {
            axis: Axis::Vertical,
            ratio: ratios.list,
            a: Box::new(Configuration::Pane(Pane::List)),
            b: Box::new(Configuration::Pane(Pane::Reader)),
        }),
    })
}

/// The ratios of the panes as they are now, to remember them.
fn ratios(panes: &pane_grid::State<Pane>) -> PaneRatios {
    let mut ratios = PaneRatios::default();
    if let pane_grid::Node::Split { ratio, b, .. } = panes.layout() {
        ratios.boxes = *ratio;
        if let pane_grid::Node::Split { ratio, .. } = b.as_ref() {
            ratios.list = *ratio;
        }
    }
    ratios
}

/// The inactivity watch of a box, from the uses the store recorded.
fn inactivity_banner(
    i18n: &Arc<I18n>,
    store: Option<&Store>,
    account: &Account,
    thresholds: pli_core::mssante::inactivity::Thresholds,
    now: chrono::DateTime<chrono::Utc>,
) -> InactivityBanner {
    let last_use = store
        .and_then(|store| store.last_use(&account.name).ok())
        .flatten()
        .map(LastUse::from);
    InactivityBanner::new(
        i18n.clone(),
        account.name.clone(),
        last_use,
        thresholds,
        now,
    )
}
