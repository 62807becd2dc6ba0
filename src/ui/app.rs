//! The root of the window: the screens, the three panes, and the work the screens ask for.
//!
//! Each screen's `update` returns an `Action`; only the root turns actions into `Task`s, owns the
//! store connection the window reads from, and decides which screen shows.

use crate::messages::Localize;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use iced::widget::{button, column, container, pane_grid, row, text, Space};
use iced::{keyboard, Alignment, Element, Length, Subscription, Task, Theme};

use super::banners::{self, InactivityBanner, LastUse};
use super::composer::{self, Composer, Known, Original, SendOutcome, SendRequest};
use super::connectivity::{self, Connectivity, Place, WorkerEvent, WorkerHandle, WorkerSpec};
use super::directory::{self, DirectoryPane};
use super::lock::{self, Lock};
use super::mailbox::{self, Mailbox, MessageRef};
use super::patient::{self, PatientComposer};
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
use pli_core::mail::store::{Flags, Role, Store};
use pli_core::mail::worker::Event;
use pli_core::profile::Profile;

mod outgoing;

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
    /// Bumped at each change: only the last change of a burst is written.
    preferences_generation: u64,
    accounts: Vec<Account>,
    problems: Vec<ConfigProblem>,
    store: Option<Store>,
    store_path: PathBuf,
    pub screen: Screen,
    panes: pane_grid::State<Pane>,
    pub mailbox: Mailbox,
    pub reader: Reader,
    pub composers: Vec<Composer>,
    next_composer: u64,
    /// The "Écrire à un patient" screen; its form is cleared each time it is left.
    pub patient: PatientComposer,
    /// The auto-lock; `None` in the demo, which holds no health data and never reaches the
    /// keyring (see [`Pli::arm_lock`]).
    pub lock: Option<Lock>,
    /// One inactivity banner per box, shown above the list of the box in view when due.
    pub inactivity: Vec<InactivityBanner>,
    /// A pharmacy box's "Ordonnances" in place of the message list, when chosen.
    pub prescriptions: Option<Prescriptions>,
    /// Boxes whose "keep this box" waits for the worker's sign-in.
    keeping_alive: BTreeSet<String>,
    pub directory: DirectoryPane,
    /// The composer's completion from the directory: what the address being typed finds.
    directory_known: Vec<Known>,
    /// The contacts the person kept (`contacts.toml`), offered before the directory.
    contacts: Vec<Known>,
    /// The known correspondents, the contacts, then the directory's hits: what the composer
    /// completes from.
    completion: Vec<Known>,
    completion_generation: u64,
    known: Vec<Known>,
    /// How to reach each box's worker, once it started.
    workers: HashMap<String, WorkerHandle>,
    /// Boxes with local actions the server has not heard of yet.
    to_replay: BTreeSet<String>,
    replay_generation: u64,
    /// A recount of the folders is running; `recount_again` when the store changed meanwhile.
    counting: bool,
    recount_again: bool,
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
    Mailbox(mailbox::Message),
    Reader(reader::Message),
    Composer(u64, composer::Message),
    Settings(settings::Message),
    Patient(patient::Message),
    /// Open "Écrire à un patient".
    WriteToPatient,
    Lock(lock::Message),
    /// The hourly clock the inactivity banners measure from.
    Clock(chrono::DateTime<chrono::Utc>),
    Inactivity(String, banners::Message),
    /// Show the "Ordonnances" of this pharmacy box in place of the list.
    ShowPrescriptions(String),
    Prescriptions(prescriptions::Message),
    /// The desktop notification was handed over (or could not be: no notification daemon).
    NotificationShown,
    Directory(directory::Message),
    OpenDirectory,
    /// The composer's address being typed has rested: look it up in the directory.
    CompleteFromDirectory(u64, String),
    DirectoryCompleted(u64, Vec<Known>),
    Shortcut(Shortcut),
    PaneResized(pane_grid::ResizeEvent),
    SavePreferences(u64),
    PreferencesWritten(Result<(), String>),
    Worker(WorkerEvent),
    ReplayDue(u64),
    BodyFetched(MessageRef, Result<(), String>),
    Known(Vec<Known>),
    Counted(Result<Vec<(String, Vec<mailbox::FolderEntry>)>, String>),
    NewMessage,
    ResumeDraft(u64),
    ShowMail,
    DismissBanner,
    Psc(psc::Message),
    DroppedFiles(dropped_files::Message),
    /// A frame was drawn (only while the benchmark's probe listens).
    Frame,
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
        let (store, banner) = match Store::open(&store_path) {
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
            Connectivity::Local
        } else {
            Connectivity::Connecting
        };
        let mut mailbox = Mailbox::new(&accounts, connectivity);
        if let Some(store) = &store {
            mailbox.reload_boxes(store);
            mailbox.refresh(store);
        }
        let now = chrono::Utc::now();
        let inactivity = accounts
            .iter()
            .map(|account| {
                let last_use = store
                    .as_ref()
                    .and_then(|store| store.last_use(&account.name).ok())
                    .flatten()
                    .map(LastUse::from);
                InactivityBanner::new(
                    i18n.clone(),
                    account.name.clone(),
                    last_use,
                    profile_settings.inactivity,
                    now,
                )
            })
            .collect();
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
            preferences_generation: 0,
            accounts,
            problems,
            store,
            store_path,
            screen,
            mailbox,
            reader: Reader::default(),
            composers: Vec::new(),
            next_composer: 1,
            patient: PatientComposer::new(i18n.clone()),
            lock: None,
            inactivity,
            prescriptions: None,
            keeping_alive: BTreeSet::new(),
            directory: DirectoryPane::new(i18n.clone()),
            directory_known: Vec::new(),
            contacts,
            completion: Vec::new(),
            completion_generation: 0,
            known: Vec::new(),
            workers: HashMap::new(),
            to_replay: BTreeSet::new(),
            replay_generation: 0,
            counting: false,
            recount_again: false,
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
            return Task::batch([self.load_known(), armed]);
        }
        self.load_known()
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

    fn perform_lock(&mut self, action: lock::Action) -> Task<Message> {
        match action {
            lock::Action::None => Task::none(),
            lock::Action::Locked => iced::widget::operation::focus(lock::field::PIN),
            keyring => {
                if self.demo {
                    // No keyring behind the demo: the tests answer in its place.
                    return Task::none();
                }
                let service = self.profile.keyring_service().to_string();
                let i18n = self.i18n.clone();
                let interrupted = self.i18n.t("lock-keyring-interrupted");
                Task::perform(
                    async move {
                        tokio::task::spawn_blocking(move || {
                            match pli_core::mail::secrets::Secrets::os(&service) {
                                Ok(secrets) => lock::run_keyring(&keyring, &secrets, &i18n),
                                Err(error) => Some(lock::Message::KeyringFailed(
                                    pli_core::mail::connect::ConnectError::Secret(error)
                                        .localize(&i18n),
                                )),
                            }
                        })
                        .await
                        .unwrap_or(Some(lock::Message::KeyringFailed(interrupted)))
                    },
                    |answer| match answer {
                        Some(message) => Message::Lock(message),
                        // Only for the actions that need no keyring, which never come here.
                        None => Message::Lock(lock::Message::Tick(chrono::Utc::now())),
                    },
                )
            }
        }
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
    pub fn completion_generation(&self) -> u64 {
        self.completion_generation
    }

    pub fn composer(&self, id: u64) -> Option<&Composer> {
        self.composers.iter().find(|composer| composer.id == id)
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
            Message::Mailbox(message) => {
                if matches!(message, mailbox::Message::SelectFolder { .. }) {
                    // Choosing a real folder leaves the virtual one.
                    self.prescriptions = None;
                    self.mailbox.prescriptions_of = None;
                }
                let action = self.mailbox.update(message, self.store.as_ref());
                self.perform_mailbox(action)
            }
            Message::Reader(message) => {
                let action = self.reader.update(message);
                self.perform_reader(action)
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
            Message::WriteToPatient => self.open_patient(),
            Message::ShowPrescriptions(account) => {
                let Some(store) = self.store.as_ref() else {
                    return Task::none();
                };
                match Prescriptions::read(store, &account) {
                    Ok(found) => {
                        self.prescriptions = Some(found);
                        self.mailbox.prescriptions_of = Some(account);
                    }
                    Err(detail) => self.mailbox.problem = Some(detail),
                }
                Task::none()
            }
            Message::Prescriptions(prescriptions::Message::Close) => {
                self.prescriptions = None;
                self.mailbox.prescriptions_of = None;
                Task::none()
            }
            Message::Prescriptions(prescriptions::Message::Open(index)) => {
                let reference = self
                    .prescriptions
                    .as_ref()
                    .and_then(|found| found.rows.get(index))
                    .map(|(reference, _)| reference.clone());
                match reference {
                    Some(reference) => self.open(reference),
                    None => Task::none(),
                }
            }
            Message::NotificationShown => Task::none(),
            Message::Clock(now) => {
                for banner in &mut self.inactivity {
                    let _ = banner.update(banners::Message::Clock(now));
                }
                Task::none()
            }
            Message::Inactivity(name, message) => {
                let action = match self.inactivity.iter_mut().find(|b| b.mailbox() == name) {
                    Some(banner) => banner.update(message),
                    None => return Task::none(),
                };
                match action {
                    banners::Action::None => Task::none(),
                    banners::Action::KeepAlive(name) => self.keep_alive(name),
                }
            }
            Message::Lock(message) => match self.lock.as_mut() {
                Some(lock) => {
                    let action = lock.update(message);
                    self.perform_lock(action)
                }
                None => Task::none(),
            },
            Message::Directory(message) => {
                if matches!(message, directory::Message::ContactAdded(Ok(_))) {
                    self.contacts = load_contacts(&self.profile);
                    self.rebuild_completion();
                }
                let action = self.directory.update(message);
                self.perform_directory(action)
            }
            Message::OpenDirectory => self.open_directory(),
            Message::CompleteFromDirectory(generation, partial)
                if generation == self.completion_generation =>
            {
                let path = directory::directory_path(&self.profile);
                Task::perform(
                    directory::search(path, partial, COMPLETION_HITS),
                    move |result| {
                        let known = result
                            .unwrap_or_default()
                            .into_iter()
                            .map(|entry| Known::new(entry.display_name(), entry.address))
                            .collect();
                        Message::DirectoryCompleted(generation, known)
                    },
                )
            }
            Message::CompleteFromDirectory(..) => Task::none(),
            Message::DirectoryCompleted(generation, known)
                if generation == self.completion_generation =>
            {
                self.directory_known = known;
                self.rebuild_completion();
                Task::none()
            }
            Message::DirectoryCompleted(..) => Task::none(),
            Message::Shortcut(shortcut) => self.shortcut(shortcut),
            Message::PaneResized(pane_grid::ResizeEvent { split, ratio }) => {
                self.panes.resize(split, ratio);
                self.preferences.panes = ratios(&self.panes);
                self.save_preferences_later()
            }
            Message::SavePreferences(generation) if generation == self.preferences_generation => {
                let preferences_path = Preferences::path(&self.profile);
                let preferences = self.preferences.clone();
                let settings_path = self.profile.settings_file();
                let settings = self.profile_settings.clone();
                Task::perform(
                    async move {
                        tokio::task::spawn_blocking(move || {
                            preferences.save(&preferences_path)?;
                            settings.save(&settings_path)
                        })
                        .await
                        .map_err(|error| error.to_string())?
                        .map_err(|error| error.to_string())
                    },
                    Message::PreferencesWritten,
                )
            }
            Message::SavePreferences(_) => Task::none(),
            Message::PreferencesWritten(Ok(())) => Task::none(),
            Message::PreferencesWritten(Err(detail)) => {
                self.banner = Some(Banner::Problem(
                    self.i18n
                        .t_args("preferences-unwritable", args!["detail" => detail]),
                ));
                Task::none()
            }
            Message::Worker(WorkerEvent::Started(account, handle)) => {
                self.workers.insert(account, handle);
                Task::none()
            }
            Message::Worker(WorkerEvent::Event(event)) => {
                // Pro Santé Connect (issue 7): a sign-in that worked or was refused.
                let context = psc::Context::new(&self.accounts, &self.profile, &self.i18n);
                let action = self.psc.observe(&event, &context);
                Task::batch([self.perform_psc(action), self.worker_event(event)])
            }
            Message::ReplayDue(generation) if generation == self.replay_generation => {
                for account in std::mem::take(&mut self.to_replay) {
                    if let Some(worker) = self.workers.get(&account) {
                        worker.sync_now();
                    }
                }
                Task::none()
            }
            Message::ReplayDue(_) => Task::none(),
            Message::BodyFetched(reference, result) => {
                let raw = result.and_then(|()| {
                    self.store
                        .as_ref()
                        .and_then(|store| store.raw(reference.folder.id, reference.uid).ok())
                        .flatten()
                        .ok_or_else(|| self.i18n.t("reader-body-missing"))
                });
                let draft = reference.folder.role == Some(Role::Drafts) && raw.is_ok();
                self.reader.body_arrived(&reference, raw);
                if draft {
                    return self.open(reference);
                }
                Task::none()
            }
            Message::Known(known) => {
                self.known = known;
                self.rebuild_completion();
                Task::none()
            }
            Message::Counted(result) => {
                self.counting = false;
                match result {
                    Ok(counted) => self.mailbox.set_folders(counted, self.store.as_ref()),
                    Err(detail) => self.mailbox.problem = Some(detail),
                }
                if std::mem::take(&mut self.recount_again) {
                    return self.recount();
                }
                Task::none()
            }
            Message::NewMessage => self.new_message(),
            Message::ResumeDraft(id) => {
                if self.composer(id).is_some() {
                    self.screen = Screen::Composer(id);
                    return iced::widget::operation::focus(composer::field::TO);
                }
                Task::none()
            }
            Message::ShowMail => {
                self.screen = if self.accounts.is_empty() {
                    Screen::Welcome
                } else {
                    Screen::Mail
                };
                Task::none()
            }
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

    fn perform_psc(&mut self, action: psc::Action) -> Task<Message> {
        match action {
            psc::Action::None => Task::none(),
            psc::Action::Run(task) => task.map(Message::Psc),
            psc::Action::SyncNow(account) => {
                if let Some(worker) = self.workers.get(&account) {
                    worker.sync_now();
                }
                Task::none()
            }
        }
    }

    fn files_dropped(&mut self, message: dropped_files::Message) -> Task<Message> {
        let path = match message {
            dropped_files::Message::Hovered => {
                self.dropping = true;
                return Task::none();
            }
            dropped_files::Message::Left => {
                self.dropping = false;
                return Task::none();
            }
            dropped_files::Message::Dropped(path) => path,
        };
        self.dropping = false;
        if self.lock.as_ref().is_some_and(Lock::is_covering) {
            // Nothing of the mail shows behind the lock, and nothing is added to it.
            return Task::none();
        }
        let (opened, id) = match self.active_composer().map(|composer| composer.id) {
            Some(id) => (Task::none(), id),
            None => {
                let opened = self.new_message();
                match self.active_composer().map(|composer| composer.id) {
                    Some(id) => (opened, id),
                    // No box to write from yet.
                    None => return opened,
                }
            }
        };
        let i18n = self.i18n.clone();
        let attached = Task::perform(composer::read_attachments(vec![path]), move |result| {
            let result = result
                .map_err(|detail| i18n.t_args("composer-attach-failed", args!["detail" => detail]));
            Message::Composer(id, composer::Message::Attached(result))
        });
        Task::batch([opened, attached])
    }

    /// Listens for frames on behalf of the first-frame benchmark, when it asked.
    pub fn probe_first_frame(&mut self) {
        self.frame_probe = Some(FrameProbe::default());
    }

    /// The benchmark's probe: says when the first frame was drawn, then when the first frame
    /// the person can act on was (the keyring answered: the PIN is asked, or the mail shows),
    /// and closes the window.
    fn frame_drawn(&mut self) -> Task<Message> {
        let Some(probe) = self.frame_probe.as_mut() else {
            return Task::none();
        };
        if !probe.first_drawn {
            probe.first_drawn = true;
            println!("first-frame");
        }
        let waiting = self
            .lock
            .as_ref()
            .is_some_and(|lock| lock.phase() == lock::Phase::Starting && lock.problem().is_none());
        if waiting {
            return Task::none();
        }
        let shown = match self.lock.as_ref().map(Lock::phase) {
            Some(lock::Phase::Locked) => "pin-asked",
            Some(lock::Phase::ChoosingPin) => "pin-chosen",
            Some(lock::Phase::Starting) => "keyring-failed",
            Some(lock::Phase::Unlocked) | None => "mail",
        };
        // Linux only; elsewhere the benchmark reads "?".
        let peak =
            pli_core::memory::peak_resident_kib().map_or_else(|| "?".into(), |kib| kib.to_string());
        println!(
            "ready-frame {shown} rows={} vmhwm_kib={peak}",
            self.mailbox.visible_rows().len()
        );
        self.frame_probe = None;
        iced::exit()
    }

    // ----- screens' actions -----

    fn perform_welcome(&mut self, action: welcome::Action) -> Task<Message> {
        match action {
            welcome::Action::None => Task::none(),
            welcome::Action::Discover(address) => {
                Task::perform(welcome::discover(address), |result| {
                    Message::Welcome(welcome::Message::Discovered(result))
                })
            }
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
                self.mailbox.add_box(*account, Connectivity::Connecting);
                self.screen = Screen::Mail;
                Task::none()
            }
        }
    }

    fn perform_mailbox(&mut self, action: mailbox::Action) -> Task<Message> {
        match action {
            mailbox::Action::None => Task::none(),
            mailbox::Action::Open(reference) => self.open(reference),
            mailbox::Action::Close => {
                self.reader.close();
                Task::none()
            }
            mailbox::Action::Debounce(generation) => {
                Task::perform(after(SEARCH_DELAY), move |()| {
                    Message::Mailbox(mailbox::Message::SearchDue(generation))
                })
            }
            mailbox::Action::Search {
                generation,
                account,
                query,
            } => Task::perform(
                mailbox::search(self.store_path.clone(), account, query),
                move |result| Message::Mailbox(mailbox::Message::Searched { generation, result }),
            ),
            mailbox::Action::AddBox => {
                self.screen = Screen::Welcome;
                Task::none()
            }
            mailbox::Action::OpenSettings => self.open_settings(),
            mailbox::Action::ShowPrescriptions(account) => {
                self.update(Message::ShowPrescriptions(account))
            }
        }
    }

    fn perform_reader(&mut self, action: reader::Action) -> Task<Message> {
        match action {
            reader::Action::None => Task::none(),
            reader::Action::Reply { all } => self.reply(all),
            reader::Action::Forward => self.forward(),
            reader::Action::ToggleRead => self.toggle_read(),
            reader::Action::Delete => self.delete(),
            reader::Action::SendReadReceipt(to) => self.send_read_receipt(to),
            reader::Action::DeclineReadReceipt => self.decline_read_receipt(),
            reader::Action::OpenAttachment(index) => self.attachment(index, true),
            reader::Action::SaveAttachment(index) => self.attachment(index, false),
            reader::Action::Retry => match self.reader.opened.as_ref() {
                Some(opened) => self.fetch_body(opened.reference.clone()),
                None => Task::none(),
            },
        }
    }

    fn perform_patient(&mut self, action: patient::Action) -> Task<Message> {
        match action {
            patient::Action::None => Task::none(),
            patient::Action::Close => {
                self.screen = Screen::Mail;
                Task::none()
            }
            patient::Action::Write {
                address,
                display_name,
                ..
            } => {
                // The name goes with the address so the composer shows the patient by name
                // and INS, never by the raw address alone (ECO.3.1.2).
                let to = reader::Person {
                    name: display_name,
                    address,
                }
                .mailbox();
                self.new_message_to(to)
            }
        }
    }

    fn perform_directory(&mut self, action: directory::Action) -> Task<Message> {
        match action {
            directory::Action::None => Task::none(),
            directory::Action::Debounce(generation) => {
                Task::perform(after(DIRECTORY_DELAY), move |()| {
                    Message::Directory(directory::Message::SearchDue(generation))
                })
            }
            directory::Action::Search { generation, text } => Task::perform(
                directory::search(
                    directory::directory_path(&self.profile),
                    text,
                    directory::RESULTS,
                ),
                move |result| {
                    Message::Directory(directory::Message::Searched { generation, result })
                },
            ),
            directory::Action::SearchOnline { generation, text } => Task::perform(
                directory::search_online(
                    directory::OnlineRequest {
                        directory: directory::directory_path(&self.profile),
                        base: self.profile_settings.directory_fhir_url.clone(),
                        keyring_service: self.profile.keyring_service().to_string(),
                        text,
                        demo: self.demo,
                    },
                    self.i18n.clone(),
                ),
                move |result| {
                    Message::Directory(directory::Message::OnlineSearched { generation, result })
                },
            ),
            directory::Action::Write { name, address } => {
                let to = reader::Person { name, address }.mailbox();
                self.new_message_to(to)
            }
            directory::Action::Copy(address) => iced::clipboard::write(address),
            directory::Action::AddContact(contact) => {
                let path = directory::contacts_path(&self.profile);
                Task::perform(
                    async move {
                        tokio::task::spawn_blocking(move || directory::add_contact(&path, contact))
                            .await
                            .map_err(|error| error.to_string())?
                    },
                    |result| Message::Directory(directory::Message::ContactAdded(result)),
                )
            }
            directory::Action::Import => Task::perform(
                directory::import(directory::directory_path(&self.profile)),
                |result| Message::Directory(directory::Message::Imported(result)),
            ),
            directory::Action::Close => {
                self.screen = Screen::Mail;
                Task::none()
            }
        }
    }

    fn open_directory(&mut self) -> Task<Message> {
        self.screen = Screen::Directory;
        self.directory.online_allowed = self.profile_settings.directory_online;
        let path = directory::directory_path(&self.profile);
        Task::batch([
            Task::perform(directory::holding(path), |holding| {
                Message::Directory(directory::Message::Holding(holding))
            }),
            iced::widget::operation::focus(directory::SEARCH_FIELD),
        ])
    }

    /// The known correspondents first (the people one already writes to), then the
    /// directory's hits not already among them.
    fn rebuild_completion(&mut self) {
        let mut completion = self.known.clone();
        for candidate in self.contacts.iter().chain(&self.directory_known) {
            if !completion
                .iter()
                .any(|known| known.address.eq_ignore_ascii_case(&candidate.address))
            {
                completion.push(candidate.clone());
            }
        }
        self.completion = completion;
    }

    /// "Keep this box": the worker signs in now; the use is recorded once its pass is done
    /// (see `worker_event`). The demo has no server: the use is recorded at once.
    fn keep_alive(&mut self, name: String) -> Task<Message> {
        if self.demo {
            return self.record_use(&name);
        }
        match self.workers.get(&name) {
            Some(worker) => {
                worker.sync_now();
                self.keeping_alive.insert(name);
                Task::none()
            }
            None => {
                let reason = self.i18n.t("banner-keep-alive-offline");
                self.update(Message::Inactivity(
                    name,
                    banners::Message::KeepAliveFailed(reason),
                ))
            }
        }
    }

    /// Records a use of the box by the person at the keyboard, and tells its banner.
    fn record_use(&mut self, name: &str) -> Task<Message> {
        let now = chrono::Utc::now();
        let person = workstation_user();
        let message = match self
            .store
            .as_ref()
            .map(|store| store.record_use(name, &person, now))
        {
            Some(Ok(())) => banners::Message::Used(LastUse { person, at: now }),
            Some(Err(error)) => banners::Message::KeepAliveFailed(self.i18n.t_args(
                "banner-keep-alive-unrecorded",
                args!["detail" => error.to_string()],
            )),
            None => banners::Message::KeepAliveFailed(self.i18n.t("banner-keep-alive-offline")),
        };
        self.update(Message::Inactivity(name.to_string(), message))
    }

    fn open_patient(&mut self) -> Task<Message> {
        if self.accounts.is_empty() {
            return Task::none();
        }
        self.screen = Screen::Patient;
        iced::widget::operation::focus(patient::field::MATRICULE)
    }

    fn perform_settings(&mut self, action: settings::Action) -> Task<Message> {
        match action {
            settings::Action::None => Task::none(),
            settings::Action::Save => self.save_preferences_later(),
            settings::Action::Language => {
                let language = self
                    .profile_settings
                    .language
                    .unwrap_or_else(Language::from_os);
                self.i18n = Arc::new(I18n::new(language));
                // The form holds translated choices: a fresh one speaks the new language.
                self.welcome = welcome::Welcome::new(self.i18n.clone());
                self.save_preferences_later()
            }
            settings::Action::AddBox => {
                self.screen = Screen::Welcome;
                Task::none()
            }
            settings::Action::DirectoryKey(action) => super::directory_key::task(
                action,
                self.profile.keyring_service(),
                &self.i18n,
                self.demo,
            )
            .map(|message| Message::Settings(settings::Message::DirectoryKey(message))),
            settings::Action::Back => {
                self.screen = Screen::Mail;
                Task::none()
            }
            settings::Action::ExportTrace(destination) => Task::perform(
                settings::export_trace(self.profile.clone(), destination, self.i18n.clone()),
                |result| Message::Settings(settings::Message::TraceExported(result)),
            ),
        }
    }

    fn update_composer(&mut self, id: u64, message: composer::Message) -> Task<Message> {
        let preferences = &self.preferences;
        let signatures = |account: &str| preferences.signature(account).to_string();
        let Some(composer) = self.composers.iter_mut().find(|c| c.id == id) else {
            return Task::none();
        };
        let typed = match &message {
            composer::Message::To(value) | composer::Message::Cc(value) => Some(value.clone()),
            _ => None,
        };
        let action = composer.update(message, &self.accounts, &signatures, &self.completion);
        if let (Some(typed), composer::Action::None) = (typed, &action) {
            // The directory is asked once the typing rests, off the UI thread.
            self.completion_generation += 1;
            let generation = self.completion_generation;
            let partial = composer::partial(&typed).to_string();
            if partial.trim().chars().count() >= 2 {
                return Task::perform(after(DIRECTORY_DELAY), move |()| {
                    Message::CompleteFromDirectory(generation, partial.clone())
                });
            }
        }
        match action {
            composer::Action::None => Task::none(),
            composer::Action::Send(outgoing) => {
                let Some(account) = self.accounts.iter().find(|a| a.name == composer.from) else {
                    return Task::none();
                };
                let request = SendRequest {
                    account: account.clone(),
                    draft: outgoing.draft,
                    profile: self.profile.clone(),
                    outside_confirmed: outgoing.outside_confirmed,
                    closes_conversation: outgoing.closes_conversation,
                    demo: self.demo,
                };
                composer::send_task(request, self.i18n.clone())
                    .map(move |result| Message::Composer(id, composer::Message::Sent(result)))
            }
            composer::Action::PickAttachments => {
                let i18n = self.i18n.clone();
                Task::perform(composer::pick_attachments(), move |result| {
                    let result = result.map_err(|detail| {
                        i18n.t_args("composer-attach-failed", args!["detail" => detail])
                    });
                    Message::Composer(id, composer::Message::Attached(result))
                })
            }
            composer::Action::Discard => {
                let removed = self.remove_draft(id);
                self.composers.retain(|c| c.id != id);
                self.screen = Screen::Mail;
                removed
            }
            composer::Action::Back => {
                self.screen = Screen::Mail;
                if composer.has_content() {
                    return self.save_draft(id);
                }
                Task::none()
            }
            composer::Action::Save => self.save_draft(id),
            composer::Action::Done(outcome) => {
                let answers = composer.answers.clone();
                let from = composer.from.clone();
                // Sent: its draft leaves the Drafts folder with the worker's next pass.
                let _ = self.remove_draft(id);
                self.composers.retain(|c| c.id != id);
                // The copy in Sent shows after the box's next pass.
                if let Some(worker) = self.workers.get(&from) {
                    worker.sync_now();
                }
                if self.screen == Screen::Composer(id) {
                    self.screen = Screen::Mail;
                }
                let answered = match answers {
                    Some(reference) => self.set_flag(&reference, Flags::ANSWERED, true),
                    None => Task::none(),
                };
                self.banner = Some(match outcome {
                    SendOutcome::Sent => Banner::Done(self.i18n.t("send-done")),
                    SendOutcome::Waiting(reason) => {
                        Banner::Problem(self.i18n.t_args("send-waiting", args!["reason" => reason]))
                    }
                });
                answered
            }
        }
    }

    // ----- the keyboard -----

    fn shortcut(&mut self, shortcut: Shortcut) -> Task<Message> {
        if self.is_locked() {
            // Behind the lock, keys reach only its PIN field.
            return match shortcut {
                Shortcut::FocusNext => iced::widget::operation::focus_next(),
                Shortcut::FocusPrevious => iced::widget::operation::focus_previous(),
                _ => Task::none(),
            };
        }
        match shortcut {
            Shortcut::FocusNext => return iced::widget::operation::focus_next(),
            Shortcut::FocusPrevious => return iced::widget::operation::focus_previous(),
            Shortcut::NewMessage => return self.new_message(),
            Shortcut::Settings => return self.open_settings(),
            Shortcut::WriteToPatient => return self.open_patient(),
            Shortcut::Directory => return self.open_directory(),
            _ => {}
        }
        match self.screen {
            Screen::Mail => self.mail_shortcut(shortcut),
            Screen::Composer(id) => match shortcut {
                Shortcut::Send => self.update_composer(id, composer::Message::Send),
                Shortcut::Save => self.update_composer(id, composer::Message::Save),
                Shortcut::Escape => self.update_composer(id, composer::Message::Back),
                _ => Task::none(),
            },
            Screen::Directory => match shortcut {
                Shortcut::Escape => self.update(Message::Directory(directory::Message::Close)),
                Shortcut::Next => self.update(Message::Directory(directory::Message::Move(1))),
                Shortcut::Previous => self.update(Message::Directory(directory::Message::Move(-1))),
                Shortcut::SearchOnline => {
                    self.update(Message::Directory(directory::Message::SearchOnline))
                }
                _ => Task::none(),
            },
            Screen::Patient => match shortcut {
                Shortcut::Escape => self.update(Message::Patient(patient::Message::Close)),
                _ => Task::none(),
            },
            Screen::Settings | Screen::Welcome => match shortcut {
                Shortcut::Escape => self.update(Message::ShowMail),
                _ => Task::none(),
            },
        }
    }

    fn mail_shortcut(&mut self, shortcut: Shortcut) -> Task<Message> {
        let Some(store) = self.store.as_ref() else {
            return Task::none();
        };
        let page = self.mailbox.page_rows();
        let action = match shortcut {
            Shortcut::Next => self.mailbox.move_selection(1, store),
            Shortcut::Previous => self.mailbox.move_selection(-1, store),
            Shortcut::PageDown => self.mailbox.move_selection(page, store),
            Shortcut::PageUp => self.mailbox.move_selection(-page, store),
            Shortcut::First => self.mailbox.select_first(store),
            Shortcut::Last => self.mailbox.select_last(store),
            Shortcut::Reply => return self.reply(false),
            Shortcut::ReplyAll => return self.reply(true),
            Shortcut::Forward => return self.forward(),
            Shortcut::Delete => return self.delete(),
            Shortcut::ToggleRead => return self.toggle_read(),
            Shortcut::Search => {
                return Task::batch([
                    iced::widget::operation::focus(mailbox::SEARCH_FIELD),
                    iced::widget::operation::select_all(mailbox::SEARCH_FIELD),
                ])
            }
            Shortcut::Escape => self
                .mailbox
                .update(mailbox::Message::ClearSearch, Some(store)),
            _ => mailbox::Action::None,
        };
        self.perform_mailbox(action)
    }

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
        if let Some(opened) = self.reader.opened.as_mut() {
            // A receipt already sent, or declined, is not offered again.
            opened.receipt_answered = store
                .read_receipt_sent(&reference.account, &opened.receipt_key())
                .unwrap_or(false);
        }
        let seen = if unread {
            self.set_flag(&reference, Flags::SEEN, true)
        } else {
            Task::none()
        };
        if raw.is_none() {
            return Task::batch([seen, self.fetch_body(reference)]);
        }
        seen
    }

    fn fetch_body(&mut self, reference: MessageRef) -> Task<Message> {
        if self.demo {
            self.reader
                .body_arrived(&reference, Err(self.i18n.t("reader-body-missing")));
            return Task::none();
        }
        if !self.accounts.iter().any(|a| a.name == reference.account) {
            return Task::none();
        }
        let i18n = self.i18n.clone();
        let Some(worker) = self.workers.get(&reference.account) else {
            // Its worker has not started yet: the box is not connected.
            let offline = pli_core::mail::worker::BodyError::NotConnected.localize(&i18n);
            self.reader.body_arrived(&reference, Err(offline));
            return Task::none();
        };
        Task::perform(
            worker.fetch_body(reference.folder.clone(), reference.uid),
            move |result| {
                let result = result.map_err(|error| error.localize(&i18n));
                Message::BodyFetched(reference.clone(), result)
            },
        )
    }

    /// Sets a flag in the store (queued for the server) and everywhere it shows.
    fn set_flag(&mut self, reference: &MessageRef, flag: u8, on: bool) -> Task<Message> {
        let Some(store) = self.store.as_mut() else {
            return Task::none();
        };
        let was_unread = store
            .envelope(reference.folder.id, reference.uid)
            .ok()
            .flatten()
            .is_some_and(|envelope| !envelope.flags.has(Flags::SEEN));
        if let Err(error) = store.set_flag(
            &reference.account,
            &reference.folder,
            reference.uid,
            flag,
            on,
        ) {
            self.banner = Some(Banner::Problem(error.to_string()));
            return Task::none();
        }
        let Ok(Some(envelope)) = store.envelope(reference.folder.id, reference.uid) else {
            return Task::none();
        };
        self.mailbox.set_flags(reference, envelope.flags);
        if let Some(opened) = self.reader.opened.as_mut() {
            if &opened.reference == reference {
                opened.envelope.flags = envelope.flags;
            }
        }
        let is_unread = !envelope.flags.has(Flags::SEEN);
        self.mailbox.adjust_unread(
            reference.folder.id,
            isize::from(is_unread) - isize::from(was_unread),
        );
        self.replay_later(&reference.account)
    }

    /// Asks the box's worker to tell the server, once the user pauses.
    fn replay_later(&mut self, account: &str) -> Task<Message> {
        if self.demo {
            return Task::none();
        }
        self.to_replay.insert(account.to_string());
        self.replay_generation += 1;
        let generation = self.replay_generation;
        Task::perform(after(REPLAY_DELAY), move |()| {
            Message::ReplayDue(generation)
        })
    }

    /// The message the actions apply to: the one in the reader, else the selected one.
    fn target(&self) -> Option<MessageRef> {
        self.reader
            .opened
            .as_ref()
            .map(|opened| opened.reference.clone())
            .or_else(|| self.mailbox.selected_ref())
    }

    fn toggle_read(&mut self) -> Task<Message> {
        let Some(reference) = self.target() else {
            return Task::none();
        };
        let seen = self
            .store
            .as_ref()
            .and_then(|store| {
                store
                    .envelope(reference.folder.id, reference.uid)
                    .ok()
                    .flatten()
            })
            .is_some_and(|envelope| envelope.flags.has(Flags::SEEN));
        self.set_flag(&reference, Flags::SEEN, !seen)
    }

    /// Moves the message to the box's trash and opens the next one.
    fn delete(&mut self) -> Task<Message> {
        let Some(reference) = self.target() else {
            return Task::none();
        };
        let Some(store) = self.store.as_mut() else {
            return Task::none();
        };
        let trash = match store.folder_with_role(&reference.account, Role::Trash) {
            Ok(Some(trash)) if trash.id != reference.folder.id => trash,
            Ok(_) => {
                self.banner = Some(Banner::Problem(self.i18n.t("delete-no-trash")));
                return Task::none();
            }
            Err(error) => {
                self.banner = Some(Banner::Problem(error.to_string()));
                return Task::none();
            }
        };
        let was_unread = store
            .envelope(reference.folder.id, reference.uid)
            .ok()
            .flatten()
            .is_some_and(|envelope| !envelope.flags.has(Flags::SEEN));
        if let Err(error) = store.move_message(
            &reference.account,
            &reference.folder,
            reference.uid,
            &trash.name,
        ) {
            self.banner = Some(Banner::Problem(error.to_string()));
            return Task::none();
        }
        self.mailbox.forget(&reference);
        if was_unread {
            self.mailbox.adjust_unread(reference.folder.id, -1);
        }
        self.mailbox.refresh(store);
        self.reader.close();
        let replay = self.replay_later(&reference.account);
        match self.mailbox.selected_ref() {
            Some(next) if next != reference => Task::batch([replay, self.open(next)]),
            _ => replay,
        }
    }

    fn next_id(&mut self) -> u64 {
        let id = self.next_composer;
        self.next_composer += 1;
        id
    }

    /// Opens a composer on screen.
    fn show_composer(&mut self, composer: Composer, focus: &'static str) -> Task<Message> {
        let id = composer.id;
        self.composers.push(composer);
        self.screen = Screen::Composer(id);
        iced::widget::operation::focus(focus)
    }

    fn new_message(&mut self) -> Task<Message> {
        self.new_message_to(String::new())
    }

    /// A new message from the box in view (or the first), addressed to `to` when it is set.
    fn new_message_to(&mut self, to: String) -> Task<Message> {
        // In a pharmacy's "Ordonnances" the pharmacy writes, not the box listed before.
        let in_prescriptions = self.prescriptions.as_ref().and_then(|found| {
            self.accounts
                .iter()
                .find(|account| account.name == found.account)
        });
        let Some(account) = in_prescriptions
            .or(self.mailbox.current_account())
            .or(self.accounts.first())
            .cloned()
        else {
            return Task::none();
        };
        let id = self.next_id();
        let signature = self.preferences.signature(&account.name).to_string();
        let mut composer = Composer::new(id, &account, &signature);
        if to.is_empty() {
            return self.show_composer(composer, composer::field::TO);
        }
        composer.to = format!("{to}, ");
        self.show_composer(composer, composer::field::SUBJECT)
    }

    /// The message being read, as the original of an answer, and the box it belongs to.
    fn answering(&self) -> Option<(&reader::Opened, Original<'_>, &Account)> {
        let opened = self.reader.opened.as_ref()?;
        let original = Original::of(opened)?;
        let account = self
            .accounts
            .iter()
            .find(|a| a.name == opened.reference.account)?;
        Some((opened, original, account))
    }

    fn reply(&mut self, all: bool) -> Task<Message> {
        let Some((_, original, account)) = self.answering() else {
            return Task::none();
        };
        let id = self.next_composer;
        let composer = Composer::reply(
            id,
            &original,
            all,
            account,
            // Only the replying box leaves the copies: another box of this workstation is
            // another person (the nursing home's secretariat beside the doctor).
            std::slice::from_ref(&account.address),
            self.preferences.signature(&account.name),
            &self.i18n,
        );
        self.next_composer += 1;
        self.show_composer(composer, composer::field::BODY)
    }

    fn forward(&mut self) -> Task<Message> {
        let Some((opened, original, account)) = self.answering() else {
            return Task::none();
        };
        let raw = self
            .store
            .as_ref()
            .and_then(|store| {
                store
                    .raw(opened.reference.folder.id, opened.reference.uid)
                    .ok()
            })
            .flatten()
            .unwrap_or_default();
        let attachments = original
            .content
            .attachments
            .iter()
            .filter_map(|info| reader::attachment(&raw, info.index))
            .collect();
        let id = self.next_composer;
        let composer = Composer::forward(
            id,
            &original,
            attachments,
            account,
            self.preferences.signature(&account.name),
            &self.i18n,
        );
        self.next_composer += 1;
        self.show_composer(composer, composer::field::TO)
    }

    /// Saves an attachment in the Downloads folder, or opens it with the system's program
    /// from a private folder of the profile.
    fn attachment(&mut self, index: usize, open: bool) -> Task<Message> {
        let Some(opened) = self.reader.opened.as_ref() else {
            return Task::none();
        };
        let raw = self
            .store
            .as_ref()
            .and_then(|store| {
                store
                    .raw(opened.reference.folder.id, opened.reference.uid)
                    .ok()
            })
            .flatten();
        let Some((name, _, bytes)) = raw.and_then(|raw| reader::attachment(&raw, index)) else {
            return Task::none();
        };
        if !open {
            return self.save_attachment_as(name, bytes);
        }
        let folder = if open {
            Some(self.profile.data_dir().join("opened"))
        } else {
            directories::UserDirs::new()
                .and_then(|dirs| dirs.download_dir().map(PathBuf::from))
                .or_else(|| directories::UserDirs::new().map(|dirs| dirs.home_dir().to_path_buf()))
        };
        let Some(folder) = folder else {
            self.reader.notice = Some(Err(self.i18n.t("attachment-no-folder")));
            return Task::none();
        };
        let i18n = self.i18n.clone();
        Task::perform(
            async move {
                let path = reader::write_attachment(folder, name, bytes).await;
                match path {
                    Ok(path) if open => reader::open_with_system(&path)
                        .map(|()| {
                            i18n.t_args(
                                "attachment-opened",
                                args!["path" => path.display().to_string()],
                            )
                        })
                        .map_err(|detail| {
                            i18n.t_args("attachment-failed", args!["detail" => detail])
                        }),
                    Ok(path) => Ok(i18n.t_args(
                        "attachment-saved",
                        args!["path" => path.display().to_string()],
                    )),
                    Err(detail) => Err(i18n.t_args("attachment-failed", args!["detail" => detail])),
                }
            },
            |result| Message::Reader(reader::Message::AttachmentDone(result)),
        )
    }

    /// "Enregistrer sous…": the system's dialog (the XDG portal on Linux) proposes the
    /// Downloads folder and the attachment's name; nothing is written if the person cancels.
    fn save_attachment_as(&mut self, name: String, bytes: Vec<u8>) -> Task<Message> {
        let i18n = self.i18n.clone();
        let downloads =
            directories::UserDirs::new().and_then(|dirs| dirs.download_dir().map(PathBuf::from));
        Task::perform(
            async move {
                let mut dialog = rfd::AsyncFileDialog::new()
                    .set_file_name(pli_core::mail::mime::safe_file_name(&name));
                if let Some(folder) = downloads {
                    dialog = dialog.set_directory(folder);
                }
                let Some(handle) = dialog.save_file().await else {
                    return Ok(i18n.t("attachment-not-saved"));
                };
                let path = handle.path().to_path_buf();
                let written = path.clone();
                tokio::task::spawn_blocking(move || std::fs::write(&written, bytes))
                    .await
                    .map_err(|error| error.to_string())
                    .and_then(|result| result.map_err(|error| error.to_string()))
                    .map(|()| {
                        i18n.t_args(
                            "attachment-saved",
                            args!["path" => path.display().to_string()],
                        )
                    })
                    .map_err(|detail| i18n.t_args("attachment-failed", args!["detail" => detail]))
            },
            |result| Message::Reader(reader::Message::AttachmentDone(result)),
        )
    }

    fn open_settings(&mut self) -> Task<Message> {
        self.settings.open(&self.mailbox.boxes, &self.preferences);
        self.screen = Screen::Settings;
        let check = self.settings.directory_key.open();
        self.perform_settings(settings::Action::DirectoryKey(check))
    }

    // ----- the workers -----

    fn worker_event(&mut self, event: Event) -> Task<Message> {
        match event {
            Event::Connectivity { account, state } => {
                let Some(entry) = self.mailbox.entry_mut(&account) else {
                    return Task::none();
                };
                let first = match &entry.connectivity {
                    Connectivity::Syncing { first, .. } => *first,
                    _ => entry.folders.is_empty(),
                };
                entry.connectivity = Connectivity::from_worker(state, first);
                if matches!(entry.connectivity, Connectivity::Syncing { .. }) {
                    // Show the newest messages as soon as the first batch is in.
                    return self.reload();
                }
                Task::none()
            }
            Event::Synced { account, report } => {
                let kept = if self.keeping_alive.remove(&account) {
                    self.record_use(&account)
                } else {
                    // A pass is a sign-in the store may have recorded: the banner reads it.
                    let last = self
                        .store
                        .as_ref()
                        .and_then(|store| store.last_use(&account).ok())
                        .flatten()
                        .map(LastUse::from);
                    match last {
                        Some(last) => self.update(Message::Inactivity(
                            account.clone(),
                            banners::Message::Used(last),
                        )),
                        None => Task::none(),
                    }
                };
                let reload = Task::batch([kept, self.reload()]);
                if report.new_messages > 0 {
                    return Task::batch([reload, self.load_known()]);
                }
                reload
            }
            Event::NewMail { count, .. } => {
                if !self.profile_settings.notifications || self.demo {
                    return Task::none();
                }
                // The count only, never a sender or a subject: a notification shows on a
                // screen others may see, and stays in the desktop's history.
                let body = self
                    .i18n
                    .t_args("notification-new-messages", args!["count" => count]);
                let summary = self.i18n.t("app-name");
                Task::perform(
                    tokio::task::spawn_blocking(move || {
                        notify_rust::Notification::new()
                            .summary(&summary)
                            .body(&body)
                            .show()
                            .map(|_| ())
                            .map_err(|error| error.to_string())
                    }),
                    |result| {
                        if let Ok(Err(error)) | Err(error) = result.map_err(|e| e.to_string()) {
                            tracing::debug!(%error, "no desktop notification");
                        }
                        Message::NotificationShown
                    },
                )
            }
        }
    }

    /// Reads the list again after the store changed under the window, and recounts the
    /// folders off the UI thread.
    fn reload(&mut self) -> Task<Message> {
        if let Some(store) = &self.store {
            // The window's page at once (new mail shows on top); the folder's new size comes
            // with the counts, off the UI thread.
            let total = self.mailbox.window.total;
            self.mailbox.refresh_with_total(store, total);
        }
        self.recount()
    }

    /// Counts the folders on a connection of its own; one count at a time, and one more if
    /// the store changed while it ran.
    fn recount(&mut self) -> Task<Message> {
        if self.counting {
            self.recount_again = true;
            return Task::none();
        }
        self.counting = true;
        let accounts = self.accounts.iter().map(|a| a.name.clone()).collect();
        Task::perform(
            mailbox::count_folders_apart(self.store_path.clone(), accounts),
            Message::Counted,
        )
    }

    fn load_known(&self) -> Task<Message> {
        Task::perform(
            composer::known_correspondents(self.store_path.clone(), KNOWN_CORRESPONDENTS),
            Message::Known,
        )
    }

    fn save_preferences_later(&mut self) -> Task<Message> {
        self.preferences_generation += 1;
        let generation = self.preferences_generation;
        Task::perform(after(SAVE_DELAY), move |()| {
            Message::SavePreferences(generation)
        })
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
            .map(|_| Message::Clock(chrono::Utc::now()));
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
            .map(Message::Worker)
        });
        Subscription::batch(std::iter::once(keys).chain(workers))
    }

    // ----- views -----

    pub fn title(&self) -> String {
        let title = format!(
            "{} — {}",
            self.i18n.t("app-name"),
            self.i18n.t("app-tagline")
        );
        if self.demo {
            format!("{title} ({})", self.i18n.t("demo-title"))
        } else {
            title
        }
    }

    /// Whether the lock hides the window.
    pub fn is_locked(&self) -> bool {
        self.lock.as_ref().is_some_and(Lock::is_covering)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let i18n = self.i18n.as_ref();
        if let Some(lock) = self.lock.as_ref().filter(|lock| lock.is_covering()) {
            return lock.view().map(Message::Lock);
        }
        let screen = self.screen_view();
        if self.dropping {
            let composing = self.active_composer().is_some();
            column![dropped_files::hint(composing, i18n), screen].into()
        } else {
            screen
        }
    }

    fn screen_view(&self) -> Element<'_, Message> {
        let i18n = self.i18n.as_ref();
        match self.screen {
            Screen::Welcome => {
                let form = self
                    .welcome
                    .view(&self.accounts, &self.problems)
                    .map(Message::Welcome);
                if self.accounts.is_empty() {
                    form
                } else {
                    column![
                        container(
                            button(text(i18n.t("back-to-mail")).size(theme::SMALL_SIZE))
                                .style(button::text)
                                .on_press(Message::ShowMail)
                        )
                        .padding([8, 16]),
                        form
                    ]
                    .into()
                }
            }
            Screen::Settings => self
                .settings
                .view(&self.mailbox.boxes, &self.profile_settings, i18n)
                .map(Message::Settings),
            Screen::Composer(id) => match self.composer(id) {
                Some(composer) => composer
                    .view(&self.accounts, &self.completion, i18n)
                    .map(move |message| Message::Composer(id, message)),
                None => self.mail_view(),
            },
            Screen::Patient => self.patient.view().map(Message::Patient),
            Screen::Directory => self.directory.view().map(Message::Directory),
            Screen::Mail => self.mail_view(),
        }
    }

    fn mail_view(&self) -> Element<'_, Message> {
        let i18n = self.i18n.as_ref();
        let mut top = row![
            text(i18n.t("app-name"))
                .size(theme::HEADING_SIZE)
                .font(theme::SEMIBOLD),
            button(text(i18n.t("action-new-message")).size(theme::SMALL_SIZE))
                .style(button::primary)
                .on_press(Message::NewMessage),
            button(text(i18n.t("action-write-to-patient")).size(theme::SMALL_SIZE))
                .style(theme::action)
                .on_press(Message::WriteToPatient),
            button(text(i18n.t("action-directory")).size(theme::SMALL_SIZE))
                .style(theme::action)
                .on_press(Message::OpenDirectory),
        ]
        .spacing(16)
        .align_y(Alignment::Center);
        if self.demo {
            top = top.push(
                text(i18n.t("demo-notice"))
                    .size(theme::SMALL_SIZE)
                    .style(text::secondary),
            );
        }
        top = top.push(Space::new().width(Length::Fill));
        if let Some(banner) = &self.banner {
            let (sentence, colour) = match banner {
                Banner::Done(sentence) => (sentence, theme::SUCCESS),
                Banner::Problem(sentence) => (sentence, theme::DANGER),
            };
            top = top.push(
                text(sentence.as_str())
                    .size(theme::SMALL_SIZE)
                    .color(colour),
            );
            top = top.push(
                button(text("×").size(theme::SMALL_SIZE))
                    .style(button::text)
                    .on_press(Message::DismissBanner),
            );
        }
        if self.lock.is_some() {
            // Leaving the workstation for a moment: hide the messages now, not in 30 minutes.
            top = top.push(
                button(text(i18n.t("action-lock-now")).size(theme::SMALL_SIZE))
                    .style(theme::action)
                    .on_press(Message::Lock(lock::Message::LockNow)),
            );
        }
        top = top.push(
            button(text(i18n.t("action-settings")).size(theme::SMALL_SIZE))
                .style(theme::action)
                .on_press(Message::Mailbox(mailbox::Message::OpenSettings)),
        );
        let top = container(top.padding([8, 14])).style(theme::bar);

        let grid = pane_grid(&self.panes, |_, pane, _| {
            let content: Element<'_, Message> = match pane {
                Pane::Boxes => self.sidebar(),
                Pane::List => self.list_pane(),
                Pane::Reader => self.reader.view(i18n).map(Message::Reader),
            };
            let style = match pane {
                Pane::Boxes => theme::sidebar,
                _ => theme::pane,
            };
            pane_grid::Content::new(container(content).style(style).height(Length::Fill))
        })
        .spacing(2)
        .min_size(160)
        .on_resize(8, Message::PaneResized)
        .style(|theme: &Theme| {
            let palette = theme.extended_palette();
            pane_grid::Style {
                hovered_region: pane_grid::Highlight {
                    background: iced::Background::Color(palette.primary.weak.color),
                    border: iced::Border::default(),
                },
                picked_split: pane_grid::Line {
                    color: palette.primary.base.color,
                    width: 2.0,
                },
                hovered_split: pane_grid::Line {
                    color: palette.primary.weak.color,
                    width: 2.0,
                },
            }
        });
        column![top, container(grid).style(theme::bar)].into()
    }

    /// The message list, under the inactivity banner of its box when one is due.
    fn list_pane(&self) -> Element<'_, Message> {
        let i18n = self.i18n.as_ref();
        if let Some(found) = &self.prescriptions {
            let opened = self.reader.opened.as_ref().map(|opened| &opened.reference);
            return found.view(i18n, opened).map(Message::Prescriptions);
        }
        let list = self.mailbox.list_view(i18n).map(Message::Mailbox);
        let banner = self.mailbox.current_account().and_then(|account| {
            self.inactivity
                .iter()
                .find(|banner| banner.mailbox() == account.name && banner.is_visible())
        });
        match banner {
            Some(banner) => {
                let name = banner.mailbox().to_string();
                column![
                    banner
                        .view()
                        .map(move |message| Message::Inactivity(name.clone(), message)),
                    list
                ]
                .into()
            }
            None => list,
        }
    }

    fn sidebar(&self) -> Element<'_, Message> {
        let i18n = self.i18n.as_ref();
        let mut side = column![self.mailbox.boxes_view(i18n).map(Message::Mailbox)];
        if !self.composers.is_empty() {
            let mut drafts = column![text(i18n.t("drafts-in-progress"))
                .size(theme::SMALL_SIZE)
                .font(theme::SEMIBOLD)]
            .spacing(2);
            for composer in &self.composers {
                drafts = drafts.push(
                    button(text(composer.title(i18n)).size(theme::SMALL_SIZE))
                        .width(Length::Fill)
                        .padding([4, 8])
                        .style(button::text)
                        .on_press(Message::ResumeDraft(composer.id)),
                );
            }
            side = side.push(container(drafts).padding([6, 10]));
        }
        // Pro Santé Connect (issue 7): each PSC box's session and its sign-in.
        side = side.push(self.psc.view(&self.mailbox.boxes, i18n).map(Message::Psc));
        side = side.push(
            container(
                button(text(i18n.t("action-add-box")).size(theme::SMALL_SIZE))
                    .width(Length::Fill)
                    .style(theme::action)
                    .on_press(Message::Mailbox(mailbox::Message::AddBox)),
            )
            .padding(10),
        );
        side.height(Length::Fill).into()
    }
}

/// The kept contacts as completion candidates.
fn load_contacts(profile: &Profile) -> Vec<Known> {
    directory::load_contacts(&directory::contacts_path(profile))
        .into_iter()
        .map(|contact| Known::new(contact.name, contact.address))
        .collect()
}

/// The person at the keyboard, as the store's journal names them.
///
/// TODO(lead): `mail::store::journal::workstation_user` is private to the store; re-export it
/// and drop this copy.
fn workstation_user() -> String {
    whoami::username()
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

/// Waits `delay`. The timer is made when the task first runs, inside the runtime: `update`
/// itself runs outside it (and in the tests, without one).
async fn after(delay: Duration) {
    tokio::time::sleep(delay).await;
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
