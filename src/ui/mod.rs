//! The iced window, in the Elm style: the root `Message` wraps each screen's messages, a screen's
//! `update` returns an `Action` for the root instead of reaching into shared state, and the root
//! turns actions into `Task`s so the window never waits on the network.

pub mod banners;
pub mod lock;
pub mod markers;
pub mod patient;
pub mod theme;
pub mod trust;
pub mod welcome;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use iced::{Element, Font, Task};

use crate::i18n::I18n;
use crate::mail::account::{load_accounts, Account, ConfigProblem};
use crate::profile::Profile;

pub const INTER_REGULAR: &[u8] = include_bytes!("../../assets/fonts/Inter-Regular.otf");
pub const INTER_SEMIBOLD: &[u8] = include_bytes!("../../assets/fonts/Inter-SemiBold.otf");
/// The embedded font, so a fresh workstation shows the same letters as ours.
pub const FONT: Font = Font::with_name("Inter");

/// The whole window's state.
pub struct Pli {
    i18n: Arc<I18n>,
    profile: Profile,
    accounts: Vec<Account>,
    problems: Vec<ConfigProblem>,
    welcome: welcome::Welcome,
}

#[derive(Debug, Clone)]
pub enum Message {
    Welcome(welcome::Message),
}

impl Pli {
    pub fn new(profile: Profile, i18n: Arc<I18n>) -> Self {
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
        Self {
            welcome: welcome::Welcome::new(i18n.clone()),
            i18n,
            profile,
            accounts,
            problems,
        }
    }

    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    pub fn welcome(&self) -> &welcome::Welcome {
        &self.welcome
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Welcome(message) => {
                let action = self.welcome.update(message);
                self.perform(action)
            }
        }
    }

    /// Turns what a screen asked for into work off the UI thread.
    fn perform(&mut self, action: welcome::Action) -> Task<Message> {
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
                self.accounts.push(*account);
                Task::none()
            }
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        self.welcome
            .view(&self.accounts, &self.problems)
            .map(Message::Welcome)
    }

    pub fn title(&self) -> String {
        format!(
            "{} — {}",
            self.i18n.t("app-name"),
            self.i18n.t("app-tagline")
        )
    }
}

/// Opens the window. Returns when it is closed.
pub fn run(profile_folder: Option<&PathBuf>, demo: bool, i18n: I18n) -> ExitCode {
    let profile = match (demo, profile_folder) {
        (true, _) => match tempfile_profile() {
            Ok(profile) => profile,
            Err(message) => return fail(message),
        },
        (false, folder) => match crate::cli::profile_from(folder) {
            Ok(profile) => profile,
            Err(message) => return fail(message),
        },
    };
    let i18n = Arc::new(i18n);
    let boot = move || (Pli::new(profile.clone(), i18n.clone()), Task::none());
    let result = iced::application(boot, Pli::update, Pli::view)
        .title(Pli::title)
        .theme(theme::follow_system)
        .font(INTER_REGULAR)
        .font(INTER_SEMIBOLD)
        .default_font(FONT)
        .window_size((1100.0, 760.0))
        .run();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(error.to_string()),
    }
}

fn tempfile_profile() -> Result<Profile, String> {
    let folder = std::env::temp_dir().join(format!("pli-demo-{}", std::process::id()));
    let profile = Profile::at(&folder);
    profile
        .ensure_folders()
        .map_err(|error| error.to_string())?;
    Ok(profile)
}

fn fail(message: String) -> ExitCode {
    eprintln!("{message}");
    ExitCode::FAILURE
}
