//! Pro Santé Connect in the window, end to end: the window headless (iced_test on tiny-skia) on a
//! profile whose boxes sign in with the test OpenID Connect provider (`tests/oidc/`), its tasks
//! and its box workers really run (against the real Dovecot and Postfix), the keyring is the
//! session's Secret Service, and the test plays the professional's browser.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use iced::futures::StreamExt;
use iced::Task;
use iced_test::selector::Candidate;
use iced_test::simulator;

use crate::common::*;
use pli::i18n::{I18n, Language};
use pli::ui::connectivity::BoxStatus;
use pli::ui::psc::{Message as PscMessage, Session};
use pli::ui::{Message, Pli};
use pli_core::mail::account::{save_accounts, Account, Security};
use pli_core::mail::oidc::{PscSessions, RefreshTokenStore};
use pli_core::mail::secrets::{SecretKind, Secrets};
use pli_core::profile::Profile;
use pli_testkit::psc::{html_server, issuer, psc_box, revoke, Play, TestBrowser};

const SIGN_IN: &str = "Se connecter avec Pro Santé Connect";
const WAIT: Duration = Duration::from_secs(60);

/// The window with its runtime: what its tasks and subscriptions produce comes back through a
/// channel and goes through `Pli::update`, as iced does.
struct Window {
    pli: Pli,
    /// The first box, which the test follows.
    name: String,
    profile: Profile,
    runtime: tokio::runtime::Runtime,
    sender: mpsc::Sender<Message>,
    received: mpsc::Receiver<Message>,
    _folder: tempfile::TempDir,
}

impl Window {
    /// A window in French on a fresh profile holding these boxes.
    fn new(accounts: &[Account]) -> Self {
        let folder = tempfile::tempdir().expect("a profile folder");
        let profile = Profile::at(folder.path());
        std::fs::create_dir_all(profile.config_dir()).expect("the config folder");
        save_accounts(&profile.accounts_file(), accounts).expect("accounts.toml");
        let pli = Pli::new(profile.clone(), Arc::new(I18n::new(Language::Fr)), false);
        let (sender, received) = mpsc::channel();
        Self {
            pli,
            name: accounts.first().map(|a| a.name.clone()).unwrap_or_default(),
            profile,
            runtime: runtime(),
            sender,
            received,
            _folder: folder,
        }
    }

    /// A window on one PSC box of `user`, whose worker runs. Each test names its box apart:
    /// the process's sessions are keyed by box name, and `cargo test` runs tests side by side.
    fn working(name: &str, user: &str) -> (Self, Account) {
        let account = psc_box(name, user, Security::Tls, RefreshTokenStore::Keyring);
        let window = Self::new(std::slice::from_ref(&account));
        window.start_workers();
        (window, account)
    }

    fn secrets(&self) -> Secrets {
        Secrets::os(self.profile.keyring_service()).expect("the session's Secret Service")
    }

    /// Runs a task the window returned; its messages come back through the channel.
    fn run(&self, task: Task<Message>) {
        let Some(mut stream) = iced_test::runtime::task::into_stream(task) else {
            return;
        };
        let sender = self.sender.clone();
        self.runtime.spawn(async move {
            while let Some(action) = stream.next().await {
                if let iced_test::runtime::Action::Output(message) = action {
                    let _ = sender.send(message);
                }
            }
        });
    }

    /// Starts what the window subscribes to: one worker per box.
    fn start_workers(&self) {
        use iced_test::runtime::futures::subscription;
        // The timers of the subscriptions are made as their streams are: inside the runtime.
        let _inside = self.runtime.enter();
        for recipe in subscription::into_recipes(self.pli.subscription()) {
            let sender = self.sender.clone();
            let mut stream = recipe.stream(iced::futures::stream::pending().boxed());
            self.runtime.spawn(async move {
                while let Some(message) = stream.next().await {
                    let _ = sender.send(message);
                }
            });
        }
    }

    fn update(&mut self, message: Message) {
        let task = self.pli.update(message);
        self.run(task);
    }

    fn click(&mut self, label: &str) {
        let mut ui = simulator(self.pli.view());
        ui.click(label)
            .unwrap_or_else(|_| panic!("'{label}' is on screen"));
        let messages: Vec<Message> = ui.into_messages().collect();
        for message in messages {
            self.update(message);
        }
    }

    fn shows(&self, part: &str) -> bool {
        self.count(part) > 0
    }

    /// How many texts on screen contain `part`.
    fn count(&self, part: &str) -> usize {
        let mut ui = simulator(self.pli.view());
        let part = part.to_string();
        let seen = Arc::new(AtomicUsize::new(0));
        let counter = seen.clone();
        // The selector never picks: it visits every text and counts.
        let _ = ui.find(move |candidate: Candidate<'_>| {
            if matches!(candidate, Candidate::Text { content, .. } if content.contains(&part)) {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            None::<()>
        });
        seen.load(Ordering::SeqCst)
    }

    /// Lets the window's work come back until `done`, or fails saying what was awaited.
    fn until(&mut self, what: &str, done: impl Fn(&Window) -> bool) {
        let deadline = Instant::now() + WAIT;
        while !done(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.received.recv_timeout(left) {
                Ok(message) => self.update(message),
                Err(_) => panic!(
                    "waited {WAIT:?} for {what}; the box shows {:?} and its session {:?}",
                    self.connectivity(),
                    self.session()
                ),
            }
        }
    }

    /// The connectivity of the box followed, as the box list shows it.
    fn connectivity(&self) -> Option<BoxStatus> {
        self.pli
            .message_list
            .entry(&self.name)
            .map(|entry| entry.connectivity.clone())
    }

    /// The session of the box followed, as the window shows it.
    fn session(&self) -> Session {
        self.pli.psc.session(&self.name)
    }

    fn signing_in(&self) -> bool {
        self.pli.psc.is_signing_in(&self.name)
    }

    fn plays(&mut self, login: &str, play: Play) {
        self.pli
            .psc
            .set_browser(Arc::new(TestBrowser::new(login, play)));
    }
}

/// The worker waits for a sign-in, and the session of the box reads `session`.
fn refused_with(window: &Window, session: Session) -> bool {
    matches!(
        window.connectivity(),
        Some(BoxStatus::AuthenticationRefused(_))
    ) && window.session() == session
}

fn signed_in(window: &Window) -> bool {
    matches!(window.session(), Session::SignedIn(Some(_)))
}

// ------------------------------------------------------------------------------ the tests

#[test]
fn a_psc_box_shows_its_state_and_the_button_and_a_password_box_does_not() {
    let user = dedicated_user("psc-ui-show");
    let mut password_box = account(&doctor(), Security::Tls);
    password_box.name = "secretariat".into();
    let window = Window::new(&[
        psc_box("cabinet", &user, Security::Tls, RefreshTokenStore::Keyring),
        password_box,
    ]);
    assert!(window.shows("Pro Santé Connect"));
    assert!(window.shows("Non connecté à Pro Santé Connect"));
    assert_eq!(window.count(SIGN_IN), 1, "one button: the PSC box's");
    assert!(!window.shows("Se déconnecter"));
}

#[test]
fn eco_1_2_1_signing_in_from_the_window_shows_who_and_the_box_connects_then_signing_out() {
    let user = dedicated_user("psc-ui");
    let (mut window, _) = Window::working("cabinet-signin", &user);
    // Never signed in: the worker cannot connect, and the window says why and what to do.
    window.until("the worker to ask for a sign-in", |window| {
        refused_with(window, Session::SignedOut)
    });
    assert!(window.shows("Non connecté à Pro Santé Connect"));

    window.plays(&user, Play::SignIn);
    let started = Instant::now();
    window.click(SIGN_IN);
    assert!(window.signing_in());
    assert!(
        window.shows("Terminez la connexion dans votre navigateur"),
        "the button says it waits"
    );
    assert!(window.shows("Connexion en cours"));
    assert!(!window.shows(SIGN_IN), "no second sign-in meanwhile");
    window.until("the sign-in", signed_in);
    let sign_in_time = started.elapsed();
    assert!(window.shows("Connecté à Pro Santé Connect : Jean MARTIN"));
    assert!(window.shows("Se déconnecter"));
    // Told to sync at once, the worker connects with the new session.
    window.until("the box to connect", |window| {
        window.connectivity() == Some(BoxStatus::UpToDate)
    });
    let connected_time = started.elapsed();
    assert!(window
        .secrets()
        .find(&window.name, SecretKind::RefreshToken)
        .unwrap()
        .is_some());

    window.click("Se déconnecter de Pro Santé Connect");
    window.until("the sign-out", |window| {
        window.session() == Session::SignedOut
    });
    assert!(window.shows(SIGN_IN));
    assert!(window.shows("Non connecté à Pro Santé Connect"));
    assert!(window
        .secrets()
        .find(&window.name, SecretKind::RefreshToken)
        .unwrap()
        .is_none());
    // The worker let go of its connection: the box waits for a sign-in again.
    window.until("the worker to stop", |window| {
        refused_with(window, Session::SignedOut)
    });
    assert!(window.shows("Non connecté à Pro Santé Connect"));
    eprintln!(
        "from the click to signed in (test browser): {sign_in_time:?}; to the box up to date: {connected_time:?}"
    );
}

#[test]
fn eco_1_2_6_refused_refresh_offers_sign_in_again() {
    let user = dedicated_user("psc-ui-ended");
    let (mut window, account) = Window::working("cabinet-ended", &user);
    window.plays(&user, Play::SignIn);
    window.until("the worker's first word", |window| {
        window.session() == Session::SignedOut
    });
    window.click(SIGN_IN);
    window.until("the box to connect", |window| {
        window.connectivity() == Some(BoxStatus::UpToDate) && signed_in(window)
    });

    // The session is revoked at the provider (signed out elsewhere), the server refuses the
    // token, and the connection drops.
    revoke(
        &window
            .secrets()
            .get(&window.name, SecretKind::RefreshToken)
            .unwrap(),
    );
    PscSessions::shared().token_refused(&account);
    kick(&user);
    window.until("the session to end", |window| {
        refused_with(window, Session::Ended)
    });
    assert!(window.shows("La session Pro Santé Connect a pris fin"));
    assert!(window.shows(SIGN_IN), "the sign-in is offered again");
    assert!(!window.shows("Se déconnecter"));

    window.click(SIGN_IN);
    window.until("the box to connect again", |window| {
        window.connectivity() == Some(BoxStatus::UpToDate) && signed_in(window)
    });
    assert!(window.shows("Connecté à Pro Santé Connect : Jean MARTIN"));
}

#[test]
fn a_provider_error_shows_a_sentence_on_that_box_only() {
    let user = dedicated_user("psc-ui-error");
    let good = psc_box("service", &user, Security::Tls, RefreshTokenStore::Memory);
    let at = |issuer: String| {
        let mut account = psc_box("cabinet", &user, Security::Tls, RefreshTokenStore::Memory);
        if let Some(oidc) = account.oidc.as_mut() {
            oidc.issuer = Some(issuer);
        }
        account
    };
    let free_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .unwrap()
        .port();
    let cases = [
        (
            at(format!("{}/auth/realms/no-such-realm", issuer())),
            Play::SignIn,
            "vérifiez l'adresse du fournisseur",
        ),
        (
            at(format!("http://127.0.0.1:{free_port}")),
            Play::SignIn,
            "ne répond pas",
        ),
        (at(html_server()), Play::SignIn, "page web"),
        (at(issuer()), Play::ForgeState, "elle a été refusée"),
    ];
    for (cabinet, play, sentence) in cases {
        let mut window = Window::new(&[cabinet, good.clone()]);
        window.plays(&user, play);
        window.update(Message::Psc(PscMessage::SignIn("cabinet".into())));
        window.until("the sign-in to fail", |window| !window.signing_in());
        let problem = window.pli.psc.problem("cabinet").unwrap_or_default();
        assert!(problem.contains(sentence), "{sentence:?} in {problem:?}");
        assert_eq!(window.count(sentence), 1, "said once, under that box");
        assert_eq!(window.pli.psc.problem("service"), None);
        assert_eq!(window.count(SIGN_IN), 2, "both boxes can still sign in");
        assert_ne!(window.session(), Session::SignedIn(None), "{play:?}");
    }
}

#[test]
fn a_sign_in_waiting_for_the_browser_offers_its_address_and_can_be_cancelled() {
    let user = dedicated_user("psc-ui-show");
    let mut window = Window::new(&[psc_box(
        "cabinet",
        &user,
        Security::Tls,
        RefreshTokenStore::Memory,
    )]);
    // The browser never comes back: no browser on this workstation, or the professional left.
    window.plays(&user, Play::Vanish);
    window.click(SIGN_IN);
    let copy = "Copier l'adresse de connexion (si le navigateur ne s'est pas ouvert)";
    window.until("the sign-in address", |window| window.shows(copy));
    window.click(copy);
    window.click("Annuler");
    window.until("the cancellation", |window| !window.signing_in());
    assert_eq!(
        window.pli.psc.problem("cabinet"),
        None,
        "a cancellation asked for needs no explanation"
    );
    assert!(window.shows(SIGN_IN));
    assert!(!window.shows(copy));
}
