//! The iced window, in the Elm style: the root `Message` wraps each screen's messages, a screen's
//! `update` returns an `Action` for the root instead of reaching into shared state, and the root
//! turns actions into `Task`s so the window never waits on the network.
//!
//! - [`app`]: the root, its screens and the three panes;
//! - [`mailbox`]: the boxes and the message list (drawing only the visible rows);
//! - [`reader`], [`composer`], [`settings`], [`welcome`]: one screen each;
//! - [`psc`]: each Pro Santé Connect box's session, its sign-in and sign-out;
//! - [`connectivity`]: each box's connection state and its worker (sync, IDLE, the bodies the
//!   reader asks for);
//! - [`shortcuts`], [`preferences`] (`ui.toml`), [`demo`] (`pli --demo`);
//! - [`correspondent`]: a patient correspondent told apart and named by INS (ECO.3.1.1-2);
//! - the MSSanté screens: [`patient`] ("Écrire à un patient"), [`lock`], [`banners`],
//!   [`trust`], and [`markers`], the tints they share.

pub mod app;
pub mod banners;
pub mod composer;
pub mod connectivity;
pub mod correspondent;
pub mod debounce;
pub mod demo;
pub mod directory;
pub mod directory_key;
pub mod document_form;
pub mod dropped_files;
pub mod format;
pub mod handling;
pub mod health_document;
pub mod lock;
pub mod markers;
pub mod message_list;
pub mod patient;
pub mod patient_file;
pub mod picture;
pub mod preferences;
pub mod prescriptions;
pub mod psc;
pub mod reader;
pub mod settings;
pub mod settings_templates;
pub mod shortcuts;
pub mod theme;
pub mod trust;
pub mod welcome;
pub mod widget;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use iced::Font;

pub use app::{Background, Completion, Destination, Inactivity, Layout, Message, Pli, Screen};

use crate::i18n::I18n;
use pli_core::profile::Profile;

pub const INTER_REGULAR: &[u8] = include_bytes!("../../assets/fonts/Inter-Regular.otf");
pub const INTER_SEMIBOLD: &[u8] = include_bytes!("../../assets/fonts/Inter-SemiBold.otf");
/// The embedded font, so a fresh workstation shows the same letters as ours.
pub const FONT: Font = Font::with_name("Inter");

/// Opens the window. Returns when it is closed.
pub fn run(profile_folder: Option<&PathBuf>, demo: bool, i18n: I18n) -> ExitCode {
    let profile = match (demo, profile_folder) {
        (true, _) => match demo_profile() {
            Ok(profile) => profile,
            Err(message) => return fail(message),
        },
        (false, folder) => match Profile::chosen(folder.map(PathBuf::as_path)) {
            Ok(profile) => profile,
            Err(error) => return fail(error.to_string()),
        },
    };
    for problem in pli_core::mail::revocation::install_from(&profile) {
        tracing::warn!(%problem, "a revocation list is skipped");
    }
    // The language chosen in the settings wins over the system's.
    let (settings, _) = pli_core::settings::ProfileSettings::load(&profile.settings_file());
    let chosen = settings.language;
    let i18n = match chosen {
        Some(language) if language != i18n.language() => I18n::new(language),
        _ => i18n,
    };
    let i18n = Arc::new(i18n);
    let boot_profile = profile.clone();
    let boot = move || {
        let mut pli = Pli::new(boot_profile.clone(), i18n.clone(), demo);
        if std::env::var_os("PLI_BENCH_FIRST_FRAME").is_some() {
            pli.probe_first_frame();
        }
        let start = pli.start();
        (pli, start)
    };
    let result = iced::application(boot, Pli::update, Pli::view)
        .title(Pli::title)
        .theme(theme::follow_system)
        .subscription(Pli::subscription)
        .font(INTER_REGULAR)
        .font(INTER_SEMIBOLD)
        .default_font(FONT)
        .window(desktop_identity())
        .window_size((1280.0, 800.0))
        .run();
    if demo {
        remove_demo_profile(&profile);
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(error.to_string()),
    }
}

/// The window names itself as the desktop entry does (`fr.pli.Pli`: the Wayland app id and the X11
/// class, which winit leaves empty otherwise), so the desktop shows Pli's icon and name for it.
fn desktop_identity() -> iced::window::Settings {
    iced::window::Settings {
        #[cfg(target_os = "linux")]
        platform_specific: iced::window::settings::PlatformSpecific {
            application_id: "fr.pli.Pli".to_string(),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A profile of its own for the demonstration, filled with the sample boxes.
fn demo_profile() -> Result<Profile, String> {
    let folder = std::env::temp_dir().join(format!("pli-demo-{}", std::process::id()));
    let profile = Profile::at(&folder);
    demo::prepare(&profile, chrono::Local::now())?;
    demo::prepare_directory(&profile)?;
    Ok(profile)
}

fn remove_demo_profile(profile: &Profile) {
    if let Some(folder) = profile.config_dir().parent().map(Path::to_path_buf) {
        let _ = std::fs::remove_dir_all(folder);
    }
}

fn fail(message: String) -> ExitCode {
    eprintln!("{message}");
    ExitCode::FAILURE
}
