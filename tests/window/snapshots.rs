//! Snapshots of the screens that hold no date (dates move with the day the tests run), drawn
//! headless with tiny-skia at twice the size, as iced_test does, in the fonts the window embeds.
//!
//! A baseline is a PNG in `tests/snapshots/`. A missing one fails the test (iced_test would
//! otherwise write it and pass): to make or renew baselines, run the tests with
//! `PLI_UPDATE_SNAPSHOTS=1`, look at the pictures, and commit them. On a difference the picture
//! drawn is written under `target/snapshots/` to compare with the baseline.

use crate::common::demo_window;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use iced::widget::Id;
use iced::{Size, Theme};
use iced_test::Simulator;
use pli::i18n::{I18n, Language};
use pli::ui::patient::{self, field};
use pli::ui::shortcuts::Shortcut;
use pli::ui::{lock, Destination, Message, Pli, FONT, INTER_REGULAR, INTER_SEMIBOLD};
use pli_core::mssante::ins::{IdentityStatus, Sex};
use pli_core::profile::Profile;

const SIZE: Size = Size::new(1024.0, 680.0);

fn settings() -> iced::Settings {
    iced::Settings {
        fonts: vec![Cow::Borrowed(INTER_REGULAR), Cow::Borrowed(INTER_SEMIBOLD)],
        default_font: FONT,
        ..iced::Settings::default()
    }
}

fn type_into(pli: &mut Pli, id: &'static str, value: &str) {
    let mut ui = Simulator::with_size(settings(), SIZE, pli.view());
    ui.click(Id::new(id)).expect("the field is on screen");
    ui.typewrite(value);
    let messages: Vec<Message> = ui.into_messages().collect();
    for message in messages {
        let _ = pli.update(message);
    }
}

/// What iced_test names the file of a baseline called `name`.
fn baseline_file(folder: &Path, name: &str) -> PathBuf {
    folder.join(format!("{name}-tiny-skia.png"))
}

fn assert_snapshot(pli: &Pli, theme: Theme, name: &str) {
    let mut ui = Simulator::with_size(settings(), SIZE, pli.view());
    let snapshot = ui.snapshot(&theme).expect("a snapshot");
    let baselines = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let baseline = baseline_file(&baselines, name);
    if std::env::var_os("PLI_UPDATE_SNAPSHOTS").is_some() {
        let _ = std::fs::remove_file(&baseline);
        assert!(snapshot
            .matches_image(baselines.join(name))
            .expect("written"));
        return;
    }
    assert!(
        baseline.exists(),
        "no baseline {}: run with PLI_UPDATE_SNAPSHOTS=1, look at it, commit it",
        baseline.display()
    );
    if !snapshot
        .matches_image(baselines.join(name))
        .expect("compared")
    {
        let drawn = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/snapshots");
        let _ = std::fs::remove_file(baseline_file(&drawn, name));
        let _ = snapshot.matches_image(drawn.join(name));
        panic!(
            "{name} differs from {}: the drawing is in {}",
            baseline.display(),
            baseline_file(&drawn, name).display()
        );
    }
}

#[test]
fn snapshot_the_welcome_form_of_a_workstation_without_boxes() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let pli = Pli::new(
        Profile::at(folder.path()),
        Arc::new(I18n::new(Language::Fr)),
        false,
    );
    assert_snapshot(&pli, Theme::Light, "welcome");
}

#[test]
fn snapshot_a_new_message_from_the_doctors_box() {
    let (_folder, mut pli) = demo_window();
    let _ = pli.update(Message::Go(Destination::NewMessage));
    assert_snapshot(&pli, Theme::Light, "composer");
}

#[test]
fn snapshot_a_new_message_in_the_dark_theme() {
    let (_folder, mut pli) = demo_window();
    let _ = pli.update(Message::Go(Destination::NewMessage));
    assert_snapshot(&pli, Theme::Dark, "composer-dark");
}

#[test]
fn snapshot_writing_to_a_qualified_patient() {
    let (_folder, mut pli) = demo_window();
    let _ = pli.update(Message::Go(Destination::Patient));
    type_into(&mut pli, field::MATRICULE, "2 79 03 51 215 189 89");
    type_into(&mut pli, field::BIRTH_NAME, "Dupont");
    type_into(&mut pli, field::FIRST_NAMES, "Hélène Marie");
    type_into(&mut pli, field::BIRTH_DATE, "14/03/1979");
    let _ = pli.update(Message::Patient(patient::Message::Sex(Sex::Female)));
    let _ = pli.update(Message::Patient(patient::Message::Status(
        IdentityStatus::Qualified,
    )));
    assert_snapshot(&pli, Theme::Light, "patient");
}

#[test]
fn snapshot_the_lock_asking_for_a_new_pin() {
    let (_folder, mut pli) = demo_window();
    let _ = pli.arm_lock(chrono::Utc::now());
    let _ = pli.update(Message::Lock(lock::Message::PinFound(false)));
    assert_snapshot(&pli, Theme::Light, "lock-choose-pin");
}

#[test]
fn snapshot_the_settings() {
    // The settings say each box's last use: a fixed one, later than the demo's, keeps the
    // picture the same whatever the day.
    let fixed = chrono::DateTime::parse_from_rfc3339("2030-01-01T12:00:00Z")
        .expect("a date")
        .with_timezone(&chrono::Utc);
    let (_folder, mut pli) = crate::common::demo_window_with(|store| {
        for name in [
            pli::ui::demo::DOCTOR,
            pli::ui::demo::NURSING_HOME,
            pli::ui::demo::PHARMACY,
        ] {
            store
                .record_use(name, "poste-accueil", fixed)
                .expect("a use");
        }
    });
    let _ = pli.update(Message::Shortcut(Shortcut::Settings));
    assert_snapshot(&pli, Theme::Light, "settings");
}
