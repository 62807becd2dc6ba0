//! The window against the real stack, as `tests/run.sh` starts it: a window on a fresh profile
//! holding real boxes, and the runtime that runs the tasks it returns and its boxes' workers,
//! handing their messages back as iced would.

use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::*;
use futures::StreamExt;
use iced::Task;
use iced_test::simulator;
use pli::i18n::{I18n, Language};
use pli::ui::connectivity::{self, Place, WorkerSpec};
use pli::ui::{Background, Message, Pli};
use pli_core::mail::account::{save_accounts, Account};
use pli_core::mail::secrets::{SecretKind, Secrets};
use pli_core::mail::store::Role;
use pli_core::profile::Profile;

/// A window on a fresh profile holding real boxes of the stack, their passwords in the keyring.
pub fn window(users: &[&str]) -> (tempfile::TempDir, Pli, Vec<Account>) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let profile = Profile::at(folder.path());
    let accounts: Vec<Account> = users.iter().map(|user| box_of(user).0).collect();
    save_accounts(&profile.accounts_file(), &accounts).expect("accounts written");
    let secrets = Secrets::os(profile.keyring_service()).expect("keyring");
    for account in &accounts {
        secrets
            .set(&account.name, SecretKind::Password, &password())
            .expect("password in the keyring");
    }
    // The stack's domains are in the list, as a real operator's are in the published one.
    std::fs::create_dir_all(profile.config_dir()).expect("config folder");
    std::fs::write(
        profile.config_dir().join("trust-list.xml"),
        trust_list().to_xml(),
    )
    .expect("trust list written");
    // The workers fetch the published list when it is a day old: never the internet in a test.
    let settings = pli_core::settings::ProfileSettings {
        trust_list_url: "http://127.0.0.1:9/listeblanchemssante.xml".into(),
        ..pli_core::settings::ProfileSettings::default()
    };
    settings
        .save(&profile.settings_file())
        .expect("settings written");
    let pli = Pli::new(profile, Arc::new(I18n::new(Language::Fr)), false);
    (folder, pli, accounts)
}

/// The window's runtime: the tasks it returns, its boxes' workers.
pub struct Runtime {
    pub tokio: tokio::runtime::Runtime,
    from_workers: mpsc::Receiver<Message>,
    to_window: mpsc::Sender<Message>,
}

impl Runtime {
    pub fn new() -> Self {
        let (to_window, from_workers) = mpsc::channel();
        Self {
            tokio: runtime(),
            from_workers,
            to_window,
        }
    }

    /// Starts the worker of a box the way the window's subscription does.
    pub fn start_worker(&self, folder: &tempfile::TempDir, account: &Account) {
        let spec = WorkerSpec {
            account: account.clone(),
            place: Place::of(&Profile::at(folder.path())),
        };
        let subscription =
            connectivity::worker(spec).map(|event| Message::Background(Background::Worker(event)));
        let to_window = self.to_window.clone();
        for recipe in iced_test::futures::subscription::into_recipes(subscription) {
            let to_window = to_window.clone();
            let _inside = self.tokio.enter();
            let mut stream = recipe.stream(futures::stream::empty().boxed());
            self.tokio.spawn(async move {
                while let Some(message) = stream.next().await {
                    if to_window.send(message).is_err() {
                        break;
                    }
                }
            });
        }
    }

    /// Runs a task the window returned and hands its messages back, with what they start.
    pub fn run(&self, task: Task<Message>) {
        let Some(stream) = iced_test::runtime::task::into_stream(task) else {
            return;
        };
        let to_window = self.to_window.clone();
        self.tokio.spawn(async move {
            let mut stream = stream;
            while let Some(action) = stream.next().await {
                if let iced_test::runtime::Action::Output(message) = action {
                    let _ = to_window.send(message);
                }
            }
        });
    }

    /// Delivers what workers and tasks said until `done` holds (or fails after `limit`).
    pub fn until(&self, pli: &mut Pli, limit: Duration, done: impl Fn(&Pli) -> bool) {
        let deadline = Instant::now() + limit;
        while !done(pli) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "the window did not get there in {limit:?}");
            if let Ok(message) = self
                .from_workers
                .recv_timeout(left.min(Duration::from_millis(200)))
            {
                let task = pli.update(message);
                self.run(task);
            }
        }
    }

    pub fn deliver(&self, pli: &mut Pli, messages: Vec<Message>) {
        for message in messages {
            let task = pli.update(message);
            self.run(task);
        }
    }
}

/// Types into a field of the window, then maybe presses a key there; the messages go back.
pub fn type_into(
    runtime: &Runtime,
    pli: &mut Pli,
    field: &'static str,
    value: &str,
    then: Option<iced::Event>,
) {
    let mut ui = simulator(pli.view());
    ui.click(iced::widget::Id::new(field))
        .expect("the field is on screen");
    ui.typewrite(value);
    if let Some(event) = then {
        ui.simulate([event]);
    }
    let messages = ui.into_messages().collect();
    runtime.deliver(pli, messages);
}

/// The window's copy of a folder of a box, found by its special use.
pub fn folder_of(pli: &Pli, account: &str, role: Role) -> Option<pli_core::mail::store::Folder> {
    pli.store()
        .and_then(|store| store.folder_with_role(account, role).ok().flatten())
}

/// Opens a message of a folder of the window's box by clicking its subject in the list.
pub fn open_message(runtime: &Runtime, pli: &mut Pli, account: &str, folder: i64, subject: &str) {
    let task = pli.update(Message::List(
        pli::ui::message_list::Message::SelectFolder {
            account: account.to_string(),
            folder,
        },
    ));
    runtime.run(task);
    let mut ui = simulator(pli.view());
    ui.click(subject).expect("the message is in the list");
    let messages = ui.into_messages().collect();
    runtime.deliver(pli, messages);
}
