//! The MSSanté screens driven headless with iced_test (tiny-skia): the patient composer, the
//! inactivity banners, the lock, the trust-space confirmation and the patient-message markers.
//! Each test is named after the rule it proves; the clock and the keyring answers are injected.
//!
//! Screenshots for a person to look at: `cargo test --test window mssante -- --ignored` writes
//! PNGs in light and dark themes under `$TMPDIR/pli-mssante-screens/`.

use std::sync::Arc;

use chrono::{DateTime, Months, TimeDelta, TimeZone, Utc};
use iced::widget::Id;
use iced::Element;
use iced_test::selector::Candidate;
use iced_test::Simulator;

use pli::i18n::{I18n, Language};
use pli::ui::banners::{self, InactivityBanner, LastUse};
use pli::ui::lock::{self, Lock, Phase};
use pli::ui::markers;
use pli::ui::patient::{self, field, PatientComposer};
use pli::ui::trust::{self, TrustDialog};
use pli_core::mail::secrets::{Secret, Secrets};
use pli_core::mail::store::PatientKind;
use pli_core::mssante::address::{check_send, PATIENT_MESSAGE_SIZE_LIMIT};
use pli_core::mssante::conversation::BounceReason;
use pli_core::mssante::inactivity::Thresholds;
use pli_core::mssante::ins::{IdentityStatus, Ins, Sex};
use pli_core::mssante::whitelist::TrustList;

// ------------------------------------------------------------------------------------ helpers

fn english() -> Arc<I18n> {
    Arc::new(I18n::new(Language::En))
}

fn french() -> Arc<I18n> {
    Arc::new(I18n::new(Language::Fr))
}

/// Tall enough that every screen fits without scrolling, so every button can be clicked.
fn ui<'a, M>(view: impl Into<Element<'a, M>>) -> Simulator<'a, M> {
    Simulator::with_size(iced::Settings::default(), (1100.0, 1600.0), view)
}

/// The first text on screen that contains `needle`.
fn text_containing<M>(ui: &mut Simulator<'_, M>, needle: &str) -> Option<String> {
    let needle = needle.to_owned();
    ui.find(move |candidate: Candidate<'_>| match candidate {
        Candidate::Text { content, .. } if content.contains(&needle) => Some(content.to_owned()),
        _ => None,
    })
    .ok()
}

fn shows<M>(ui: &mut Simulator<'_, M>, needle: &str) -> bool {
    text_containing(ui, needle).is_some()
}

fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    // Noon UTC: the same calendar day in every time zone a workstation may use.
    Utc.with_ymd_and_hms(year, month, day, 12, 0, 0)
        .single()
        .expect("a valid test date")
}

// ---------------------------------------------------------------------------- patient composer

const DUPONT_MATRICULE: &str = "2 79 03 51 215 189 89";
const DUPONT_ADDRESS: &str = "279035121518989@patient.mssante.fr";

fn type_into(composer: &mut PatientComposer, id: &'static str, value: &str) {
    let mut ui = ui(composer.view());
    ui.click(Id::new(id)).expect("the field exists");
    ui.typewrite(value);
    for message in ui.into_messages() {
        let _ = composer.update(message);
    }
}

/// Clicks the button labelled `label`; an empty result means the button did nothing
/// (disabled or absent).
fn press(composer: &mut PatientComposer, label: &str) -> Vec<patient::Action> {
    let mut ui = ui(composer.view());
    if ui.click(label).is_err() {
        return Vec::new();
    }
    ui.into_messages()
        .map(|message| composer.update(message))
        .collect()
}

fn writes(actions: &[patient::Action]) -> Option<(String, String, Ins)> {
    actions.iter().find_map(|action| match action {
        patient::Action::Write {
            address,
            display_name,
            ins,
        } => Some((address.clone(), display_name.clone(), ins.clone())),
        _ => None,
    })
}

/// Hélène DUPONT, born in March 1979 in the Marne: the ANS's example matricule.
fn fill_dupont(composer: &mut PatientComposer, status: IdentityStatus) {
    type_into(composer, field::MATRICULE, DUPONT_MATRICULE);
    type_into(composer, field::BIRTH_NAME, "Dupont");
    type_into(composer, field::FIRST_NAMES, "Hélène Marie");
    type_into(composer, field::BIRTH_DATE, "14/03/1979");
    let _ = composer.update(patient::Message::Sex(Sex::Female));
    let _ = composer.update(patient::Message::Status(status));
}

#[test]
fn eco_2_2_6_qualified_identity_writes_after_confirmation() {
    let mut composer = PatientComposer::new(english());
    fill_dupont(&mut composer, IdentityStatus::Qualified);
    assert_eq!(composer.form().matricule, DUPONT_MATRICULE);
    assert!(
        composer.review().patient.is_some(),
        "{:?}",
        composer.refusal_sentences()
    );

    // "Write" asks for the confirmation first, and writes nothing yet.
    let actions = press(&mut composer, "Write to this patient");
    assert!(writes(&actions).is_none());
    assert!(composer.is_confirming());
    let mut screen = ui(composer.view());
    let confirmation = text_containing(&mut screen, "You are about to write to")
        .expect("the confirmation is shown");
    assert_eq!(
        confirmation,
        "You are about to write to Ms Hélène DUPONT, born 03/1979, INS 2 79 03 51 215 189 89. \
         Check that this is your patient before you confirm."
    );
    drop(screen);

    let actions = press(&mut composer, "Confirm and write");
    let (address, display_name, ins) = writes(&actions).expect("confirming writes");
    assert_eq!(address, DUPONT_ADDRESS);
    assert_eq!(display_name, "Hélène DUPONT");
    assert_eq!(ins.grouped(), DUPONT_MATRICULE);
    // The patient does not stay on screen once handed over.
    assert_eq!(composer.form().matricule, "");
    assert!(!composer.is_confirming());
}

#[test]
fn eco_2_2_6_write_is_disabled_until_everything_checks() {
    let mut composer = PatientComposer::new(english());
    assert!(press(&mut composer, "Write to this patient").is_empty());
    type_into(&mut composer, field::MATRICULE, DUPONT_MATRICULE);
    assert!(press(&mut composer, "Write to this patient").is_empty());
    let mut screen = ui(composer.view());
    assert!(shows(
        &mut screen,
        "To write to this patient, fill in: the birth name, the first names, the date of birth, \
         the sex, the identity status."
    ));
}

#[test]
fn ann_ins_wrong_key_says_which_key_the_digits_give() {
    let mut composer = PatientComposer::new(english());
    type_into(&mut composer, field::MATRICULE, "2 79 03 51 215 189 88");
    let mut screen = ui(composer.view());
    let sentence =
        text_containing(&mut screen, "The key 88").expect("the wrong key is shown under the field");
    assert!(sentence.contains("which give 89"), "{sentence}");
    assert!(composer.review().patient.is_none());
}

#[test]
fn ann_ins_matricule_being_typed_is_not_an_error() {
    let mut composer = PatientComposer::new(english());
    type_into(&mut composer, field::MATRICULE, "2 79 03");
    let mut screen = ui(composer.view());
    assert!(shows(&mut screen, "5 characters of 15"));
    assert!(!shows(&mut screen, "instead of 15"));
}

#[test]
fn ann_ins_corsica_2a_matricule_accepted() {
    let mut composer = PatientComposer::new(english());
    type_into(&mut composer, field::MATRICULE, "1 80 05 2a 004 012 24");
    type_into(&mut composer, field::BIRTH_NAME, "Santoni");
    type_into(&mut composer, field::FIRST_NAMES, "Paul");
    type_into(&mut composer, field::BIRTH_DATE, "02/05/1980");
    let _ = composer.update(patient::Message::Sex(Sex::Male));
    let _ = composer.update(patient::Message::Status(IdentityStatus::Qualified));
    let mut screen = ui(composer.view());
    assert!(shows(&mut screen, "department 2A, commune 004"));
    drop(screen);

    let _ = press(&mut composer, "Write to this patient");
    let (address, display_name, _) =
        writes(&press(&mut composer, "Confirm and write")).expect("a Corsican INS writes");
    assert_eq!(address, "180052A00401224@patient.mssante.fr");
    assert_eq!(display_name, "Paul SANTONI");
}

#[test]
fn eco_2_2_6_unqualified_identity_cannot_write() {
    for status in [
        IdentityStatus::Validated,
        IdentityStatus::Recovered,
        IdentityStatus::Provisional,
    ] {
        let mut composer = PatientComposer::new(english());
        fill_dupont(&mut composer, status);
        assert!(composer.review().patient.is_none());
        let mut screen = ui(composer.view());
        let sentence = text_containing(&mut screen, "only a qualified identity")
            .expect("the refusal is shown");
        assert!(
            sentence.starts_with(&format!(
                "The identity status is {}, not QUAL",
                status.code()
            )),
            "{sentence}"
        );
        assert!(sentence.contains("then choose QUAL"), "{sentence}");
        drop(screen);
        assert!(press(&mut composer, "Write to this patient").is_empty());
        // A stale "write" message changes nothing either.
        let _ = composer.update(patient::Message::Write);
        assert!(!composer.is_confirming());
    }
}

#[test]
fn eco_2_2_6_unqualified_status_is_refused_before_the_rest_is_typed() {
    let mut composer = PatientComposer::new(english());
    let _ = composer.update(patient::Message::Status(IdentityStatus::Validated));
    assert!(composer
        .refusal_sentences()
        .iter()
        .any(|sentence| sentence.starts_with("The identity status is VALI, not QUAL")));
}

#[test]
fn eco_2_2_6_sex_mismatching_the_matricule_cannot_write() {
    let mut composer = PatientComposer::new(english());
    fill_dupont(&mut composer, IdentityStatus::Qualified);
    let _ = composer.update(patient::Message::Sex(Sex::Male));
    let mut screen = ui(composer.view());
    assert!(shows(
        &mut screen,
        "The matricule is that of a female person but the identity says male"
    ));
    assert!(shows(&mut screen, "does not agree"));
    drop(screen);
    assert!(press(&mut composer, "Write to this patient").is_empty());
}

#[test]
fn eco_2_2_6_someone_elses_matricule_is_said_even_when_the_status_is_wrong() {
    let mut composer = PatientComposer::new(english());
    fill_dupont(&mut composer, IdentityStatus::Validated);
    let _ = composer.update(patient::Message::Sex(Sex::Male));
    let sentences = composer.refusal_sentences();
    assert!(
        sentences[0].starts_with("The matricule is that of a female person"),
        "the mismatch comes first: {sentences:?}"
    );
    assert!(
        sentences[1].starts_with("The identity status is VALI"),
        "{sentences:?}"
    );
}

#[test]
fn eco_2_2_6_birth_month_mismatching_the_matricule_cannot_write() {
    let mut composer = PatientComposer::new(english());
    fill_dupont(&mut composer, IdentityStatus::Qualified);
    let _ = composer.update(patient::Message::BirthDate("14/04/1979".into()));
    let mut screen = ui(composer.view());
    assert!(shows(
        &mut screen,
        "The matricule gives birth month 03 but the identity says 04"
    ));
    drop(screen);
    assert!(press(&mut composer, "Write to this patient").is_empty());
}

#[test]
fn eco_2_2_6_birth_year_mismatching_the_matricule_cannot_write() {
    let mut composer = PatientComposer::new(english());
    fill_dupont(&mut composer, IdentityStatus::Qualified);
    let _ = composer.update(patient::Message::BirthDate("14/03/1980".into()));
    assert!(composer.review().patient.is_none());
    assert!(composer
        .refusal_sentences()
        .iter()
        .any(|s| s.starts_with("The matricule gives a birth year ending in 79")));
}

#[test]
fn eco_2_2_6_a_date_that_is_not_a_date_says_how_to_write_it() {
    let mut composer = PatientComposer::new(english());
    type_into(&mut composer, field::BIRTH_DATE, "1979-03-14");
    let mut screen = ui(composer.view());
    assert!(shows(
        &mut screen,
        "“1979-03-14” is not a date of birth: write it DD/MM/YYYY"
    ));
}

#[test]
fn eco_3_1_5_the_matricule_reading_is_shown_next_to_what_was_typed() {
    let mut composer = PatientComposer::new(english());
    fill_dupont(&mut composer, IdentityStatus::Qualified);
    let mut screen = ui(composer.view());
    assert!(shows(&mut screen, "What the matricule says"));
    assert!(screen.find("03/79").is_ok(), "the matricule's month/year");
    assert!(screen.find("03/1979").is_ok(), "the typed month/year");
    assert!(screen.find("department 51, commune 215").is_ok());
    assert!(screen.find("agrees").is_ok());
}

#[test]
fn eco_3_1_2_composer_shows_name_and_grouped_ins_not_the_raw_address() {
    let mut composer = PatientComposer::new(english());
    fill_dupont(&mut composer, IdentityStatus::Qualified);
    let mut screen = ui(composer.view());
    assert!(shows(
        &mut screen,
        "· Hélène DUPONT · INS 2 79 03 51 215 189 89"
    ));
    assert!(!shows(&mut screen, DUPONT_ADDRESS));
}

#[test]
fn eco_2_2_6_editing_after_the_confirmation_asks_again() {
    let mut composer = PatientComposer::new(english());
    fill_dupont(&mut composer, IdentityStatus::Qualified);
    let _ = press(&mut composer, "Write to this patient");
    assert!(composer.is_confirming());
    let _ = composer.update(patient::Message::FirstNames("Hélène".into()));
    assert!(!composer.is_confirming());
    assert_eq!(
        composer.update(patient::Message::Confirm),
        patient::Action::None,
        "a confirmation of something else writes nothing"
    );
}

#[test]
fn ann_patient_composer_hint_gives_the_25_mb_limit() {
    let composer = PatientComposer::new(french());
    let mut screen = ui(composer.view());
    assert_eq!(PATIENT_MESSAGE_SIZE_LIMIT, 25_000_000);
    assert!(shows(
        &mut screen,
        "de plus de 25 Mo, pièces jointes comprises"
    ));
    assert!(screen.find("Écrire à ce patient").is_ok());
    assert!(screen.find("Écrire à un patient").is_ok());
}

#[test]
fn eco_2_2_6_french_confirmation_agrees_with_the_sex() {
    let mut composer = PatientComposer::new(french());
    fill_dupont(&mut composer, IdentityStatus::Qualified);
    let _ = press(&mut composer, "Écrire à ce patient");
    let mut screen = ui(composer.view());
    assert!(shows(
        &mut screen,
        "Vous allez écrire à Mme Hélène DUPONT, née en 03/1979, INS 2 79 03 51 215 189 89."
    ));
}

// ------------------------------------------------------------------------ inactivity banners

fn banner_at(last_use: DateTime<Utc>, now: DateTime<Utc>) -> InactivityBanner {
    InactivityBanner::new(
        english(),
        "cabinet",
        Some(LastUse {
            person: "secretariat.b".into(),
            at: last_use,
        }),
        Thresholds::default(),
        now,
    )
}

fn months_after(date: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    date.checked_add_months(Months::new(months))
        .expect("a date in range")
}

#[test]
fn seed_no_banner_nine_months_after_the_last_use() {
    let last_use = at(2025, 1, 15);
    let banner = banner_at(last_use, months_after(last_use, 9));
    assert!(!banner.is_visible());
    let mut screen = ui(banner.view());
    assert!(screen.find("Keep this mailbox").is_err());
    assert!(!shows(&mut screen, "deleted"));
}

#[test]
fn seed_warning_two_months_before_deletion() {
    let last_use = at(2025, 1, 15);
    let now = months_after(last_use, 10) + TimeDelta::days(1);
    let mut banner = banner_at(last_use, now);
    assert!(banner.is_visible());
    let mut screen = ui(banner.view());
    assert!(shows(
        &mut screen,
        "The mailbox “cabinet” is no longer used"
    ));
    assert!(shows(
        &mut screen,
        "will be deleted by the operator on 15/01/2026. One action is enough to keep it: \
         sign in, read, send or file a message."
    ));
    assert!(shows(
        &mut screen,
        "last used on 15/01/2025 (secretariat.b)"
    ));

    // "Keep this mailbox" asks the root to sign in; the recorded use clears the banner.
    screen
        .click("Keep this mailbox")
        .expect("the button exists");
    let actions: Vec<_> = screen
        .into_messages()
        .map(|message| banner.update(message))
        .collect();
    assert_eq!(actions, [banners::Action::KeepAlive("cabinet".into())]);
    let _ = banner.update(banners::Message::Used(LastUse {
        person: "dr.martin".into(),
        at: now,
    }));
    assert!(!banner.is_visible());
}

#[test]
fn seed_box_idle_for_thirteen_months_is_probably_deleted() {
    let last_use = at(2025, 1, 15);
    let banner = banner_at(last_use, months_after(last_use, 13));
    let mut screen = ui(banner.view());
    assert!(shows(&mut screen, "has probably been deleted"));
    assert!(shows(
        &mut screen,
        "it was probably deleted on 15/01/2026. Contact your MSSanté operator."
    ));
    // Signing in cannot bring a deleted box back: no button pretends it can.
    assert!(screen.find("Keep this mailbox").is_err());
}

#[test]
fn seed_banner_follows_the_injected_clock() {
    let last_use = at(2025, 1, 15);
    let mut banner = banner_at(last_use, months_after(last_use, 9));
    assert!(!banner.is_visible());
    let _ = banner.update(banners::Message::Clock(
        months_after(last_use, 10) + TimeDelta::days(1),
    ));
    assert!(banner.is_visible());
}

#[test]
fn seed_keep_alive_failure_is_shown_and_can_be_retried() {
    let last_use = at(2025, 1, 15);
    let mut banner = banner_at(last_use, months_after(last_use, 11));
    assert_eq!(
        banner.update(banners::Message::KeepAlive),
        banners::Action::KeepAlive("cabinet".into())
    );
    // Pressed again while signing in: one sign-in is enough.
    assert_eq!(
        banner.update(banners::Message::KeepAlive),
        banners::Action::None
    );
    let _ = banner.update(banners::Message::KeepAliveFailed(
        "The server does not answer.".into(),
    ));
    let mut screen = ui(banner.view());
    assert!(screen.find("The server does not answer.").is_ok());
    assert!(screen.find("Keep this mailbox").is_ok());
}

#[test]
fn seed_last_use_line_says_when_and_by_whom() {
    let use_ = LastUse::from(("secretariat.b".to_owned(), at(2025, 9, 12)));
    assert_eq!(
        banners::last_use_text(&english(), Some(&use_)),
        "last used on 12/09/2025 (secretariat.b)"
    );
    assert_eq!(
        banners::last_use_text(&french(), None),
        "jamais utilisée sur ce poste"
    );
    let never = InactivityBanner::new(
        english(),
        "ehpad",
        None,
        Thresholds::default(),
        at(2026, 1, 1),
    );
    assert!(
        !never.is_visible(),
        "a box never used here has nothing to measure"
    );
}

// -------------------------------------------------------------------------------------- lock

const RIGHT_PIN: &str = "2468";

/// The keyring as the root would run it, replaced by a fixed PIN: the tests inject the answer.
fn keyring_answer(action: &lock::Action) -> Option<lock::Message> {
    match action {
        lock::Action::VerifyPin(typed) => Some(lock::Message::PinChecked(lock::pins_match(
            typed.expose(),
            RIGHT_PIN,
        ))),
        lock::Action::StorePin(_) => Some(lock::Message::PinStored),
        lock::Action::FindPin => Some(lock::Message::PinFound(true)),
        lock::Action::None | lock::Action::Locked => None,
    }
}

/// Runs an action through the fake keyring and feeds the answer back.
fn settle(lock: &mut Lock, action: lock::Action) -> lock::Action {
    match keyring_answer(&action) {
        Some(answer) => lock.update(answer),
        None => action,
    }
}

fn type_pin(lock: &mut Lock, id: &'static str, pin: &str) {
    let mut screen = ui(lock.view());
    screen.click(Id::new(id)).expect("the PIN field exists");
    screen.typewrite(pin);
    for message in screen.into_messages() {
        let _ = lock.update(message);
    }
}

/// Types a PIN and clicks "Unlock"; returns what the lock asked for.
fn try_pin(lock: &mut Lock, pin: &str) -> Vec<lock::Action> {
    type_pin(lock, lock::field::PIN, pin);
    let mut screen = ui(lock.view());
    if screen.click("Unlock").is_err() {
        return Vec::new();
    }
    screen
        .into_messages()
        .map(|message| lock.update(message))
        .collect()
}

/// A lock with a PIN already chosen, unlocked at `now`.
fn unlocked_lock(idle_minutes: u32, now: DateTime<Utc>) -> Lock {
    let (mut lock, action) = Lock::new(english(), idle_minutes, now);
    assert_eq!(settle(&mut lock, action), lock::Action::Locked);
    assert_eq!(
        lock.phase(),
        Phase::Locked,
        "Pli starts locked when a PIN exists"
    );
    for action in try_pin(&mut lock, RIGHT_PIN) {
        let _ = settle(&mut lock, action);
    }
    assert_eq!(lock.phase(), Phase::Unlocked);
    lock
}

#[test]
fn reported_workstation_locks_after_the_idle_time() {
    let start = at(2026, 3, 2);
    let mut lock = unlocked_lock(30, start);
    let minutes = |m| start + TimeDelta::minutes(m);
    assert_eq!(
        lock.update(lock::Message::Tick(minutes(29))),
        lock::Action::None
    );
    assert!(!lock.is_covering());
    // Activity pushes the lock back.
    let _ = lock.update(lock::Message::Activity(minutes(20)));
    assert!(!lock.should_lock(minutes(49)));
    assert_eq!(
        lock.update(lock::Message::Tick(minutes(49))),
        lock::Action::None
    );
    assert_eq!(
        lock.update(lock::Message::Tick(minutes(50))),
        lock::Action::Locked
    );
    assert!(lock.is_covering());
    let mut screen = ui(lock.view());
    assert!(screen.find("Pli is locked").is_ok());
}

#[test]
fn reported_idle_time_never_exceeds_two_hours() {
    let start = at(2026, 3, 2);
    let mut lock = unlocked_lock(600, start);
    assert!(!lock.should_lock(start + TimeDelta::minutes(119)));
    assert_eq!(
        lock.update(lock::Message::Tick(start + TimeDelta::minutes(120))),
        lock::Action::Locked
    );
}

#[test]
fn reported_wrong_pin_is_refused() {
    let start = at(2026, 3, 2);
    let mut lock = unlocked_lock(30, start);
    let _ = lock.update(lock::Message::LockNow);
    let actions = try_pin(&mut lock, "1357");
    assert!(
        matches!(&actions[..], [lock::Action::VerifyPin(typed)] if typed.expose() == "1357"),
        "the keyring is asked, off the UI thread: {actions:?}"
    );
    for action in actions {
        let _ = settle(&mut lock, action);
    }
    assert_eq!(lock.phase(), Phase::Locked);
    assert_eq!(lock.wrong_tries(), 1);
    let mut screen = ui(lock.view());
    assert!(screen
        .find("Wrong PIN. 4 more tries before you have to wait.")
        .is_ok());
}

#[test]
fn reported_right_pin_unlocks() {
    let start = at(2026, 3, 2);
    let mut lock = unlocked_lock(30, start);
    let _ = lock.update(lock::Message::LockNow);
    for action in try_pin(&mut lock, RIGHT_PIN) {
        let _ = settle(&mut lock, action);
    }
    assert_eq!(lock.phase(), Phase::Unlocked);
    assert!(!lock.is_covering());
}

#[test]
fn reported_five_wrong_pins_impose_a_wait() {
    let start = at(2026, 3, 2);
    let mut lock = unlocked_lock(30, start);
    let _ = lock.update(lock::Message::Tick(start + TimeDelta::minutes(31)));
    assert!(lock.is_covering());
    let locked_at = start + TimeDelta::minutes(31);
    for _ in 0..lock::FREE_TRIES {
        for action in try_pin(&mut lock, "0000") {
            let _ = settle(&mut lock, action);
        }
    }
    assert_eq!(lock.wrong_tries(), 5);
    assert_eq!(lock.wait_left(), Some(TimeDelta::seconds(30)));
    let mut screen = ui(lock.view());
    assert!(screen
        .find("Too many wrong PINs: try again in 30 s.")
        .is_ok());
    drop(screen);

    // Even the right PIN waits: the button is disabled and a submitted form is not checked.
    assert!(try_pin(&mut lock, RIGHT_PIN).is_empty());
    assert_eq!(lock.update(lock::Message::Submit), lock::Action::None);
    let _ = lock.update(lock::Message::Tick(locked_at + TimeDelta::seconds(20)));
    assert_eq!(lock.wait_left(), Some(TimeDelta::seconds(10)));

    // Once the wait is over, the next try is checked; a sixth wrong PIN waits twice as long.
    let _ = lock.update(lock::Message::Tick(locked_at + TimeDelta::seconds(30)));
    for action in try_pin(&mut lock, "0000") {
        let _ = settle(&mut lock, action);
    }
    assert_eq!(lock.wait_left(), Some(TimeDelta::seconds(60)));
    let _ = lock.update(lock::Message::Tick(locked_at + TimeDelta::seconds(90)));
    for action in try_pin(&mut lock, RIGHT_PIN) {
        let _ = settle(&mut lock, action);
    }
    assert_eq!(lock.phase(), Phase::Unlocked);
    assert_eq!(lock.wrong_tries(), 0);
}

#[test]
fn reported_pin_is_chosen_on_first_use_and_typed_twice() {
    let start = at(2026, 3, 2);
    let (mut lock, action) = Lock::new(english(), 30, start);
    assert_eq!(action, lock::Action::FindPin);
    assert!(
        lock.is_covering(),
        "nothing shows before the keyring answers"
    );
    let _ = lock.update(lock::Message::PinFound(false));
    assert_eq!(lock.phase(), Phase::ChoosingPin);
    assert!(lock.is_covering());

    let choose = |lock: &mut Lock, pin: &str, again: &str| -> Vec<lock::Action> {
        type_pin(lock, lock::field::PIN, pin);
        type_pin(lock, lock::field::PIN_AGAIN, again);
        let mut screen = ui(lock.view());
        screen.click("Save the PIN").expect("the button exists");
        screen
            .into_messages()
            .map(|message| lock.update(message))
            .collect()
    };
    assert_eq!(choose(&mut lock, "12", "12"), [lock::Action::None]);
    assert_eq!(lock.problem(), Some("The PIN has 4 to 8 digits."));
    assert_eq!(choose(&mut lock, "1234", "1243"), [lock::Action::None]);
    assert_eq!(
        lock.problem(),
        Some("The two PINs differ: type the same PIN twice.")
    );
    let actions = choose(&mut lock, "1234", "1234");
    assert!(
        matches!(&actions[..], [lock::Action::StorePin(pin)] if pin.expose() == "1234"),
        "{actions:?}"
    );
    let _ = lock.update(lock::Message::PinStored);
    assert_eq!(lock.phase(), Phase::Unlocked);
}

#[test]
fn reported_keyring_failure_is_said_and_not_counted_as_a_wrong_pin() {
    let start = at(2026, 3, 2);
    let mut lock = unlocked_lock(30, start);
    let _ = lock.update(lock::Message::LockNow);
    let _ = try_pin(&mut lock, RIGHT_PIN);
    let _ = lock.update(lock::Message::KeyringFailed(
        "The system keyring is locked: unlock it and try again.".into(),
    ));
    assert_eq!(lock.wrong_tries(), 0);
    assert_eq!(lock.phase(), Phase::Locked);
    let mut screen = ui(lock.view());
    assert!(screen
        .find("The system keyring is locked: unlock it and try again.")
        .is_ok());
}

#[test]
fn reported_pin_round_trips_through_a_keyring() {
    let store = keyring_core::mock::Store::new().expect("the mock keyring");
    let secrets = Secrets::with_store(store, "pli:test-lock");
    let i18n = english();
    let run = |action: lock::Action| lock::run_keyring(&action, &secrets, &i18n);
    assert!(matches!(
        run(lock::Action::FindPin),
        Some(lock::Message::PinFound(false))
    ));
    assert!(matches!(
        run(lock::Action::StorePin(Secret::new("86420"))),
        Some(lock::Message::PinStored)
    ));
    assert!(matches!(
        run(lock::Action::FindPin),
        Some(lock::Message::PinFound(true))
    ));
    assert!(matches!(
        run(lock::Action::VerifyPin(Secret::new("86420"))),
        Some(lock::Message::PinChecked(true))
    ));
    assert!(matches!(
        run(lock::Action::VerifyPin(Secret::new("8642"))),
        Some(lock::Message::PinChecked(false))
    ));
}

// --------------------------------------------------------------------- trust-space dialog

const LIST: &str = "<Liste><Domaine><Nom>ch-test.mssante.fr</Nom></Domaine></Liste>";

fn dialog_for(recipients: &[&str], size: u64) -> TrustDialog {
    let list = TrustList::parse(LIST).expect("the test list");
    TrustDialog::new(
        english(),
        check_send(recipients.iter().copied(), size, &list),
    )
}

#[test]
fn ann_outside_recipient_shows_the_address_and_send_anyway() {
    let mut dialog = dialog_for(
        &["accueil@ch-test.mssante.fr", "famille@example.com"],
        1_000,
    );
    assert!(dialog.offers_send_anyway());
    let mut screen = ui(dialog.view());
    assert!(screen
        .find("“famille@example.com” is not an MSSanté address: this recipient is outside the trust space.")
        .is_ok());
    screen
        .click("Send anyway outside the trust space")
        .expect("the button exists");
    let actions: Vec<_> = screen
        .into_messages()
        .map(|message| dialog.update(message))
        .collect();
    assert_eq!(actions, [trust::Action::SendConfirmed]);
}

#[test]
fn ann_invalid_patient_address_offers_no_send_anyway() {
    let mut dialog = dialog_for(
        &["279035121518988@patient.mssante.fr", "famille@example.com"],
        1_000,
    );
    assert!(!dialog.offers_send_anyway());
    let mut screen = ui(dialog.view());
    assert!(screen.find("Send anyway outside the trust space").is_err());
    let sentence = text_containing(&mut screen, "279035121518988@patient.mssante.fr")
        .expect("the invalid address is named");
    assert!(sentence.contains("The key 88"), "{sentence}");
    assert!(screen.find("Back to the message").is_ok());
    drop(screen);
    // A stale "send anyway" cannot lift a blocking issue.
    assert_eq!(
        dialog.update(trust::Message::SendAnyway),
        trust::Action::None
    );
    assert_eq!(
        dialog.update(trust::Message::Cancel),
        trust::Action::Cancelled
    );
}

#[test]
fn ann_message_too_large_for_a_patient_says_its_size() {
    let dialog = dialog_for(&["279035121518989@patient.mssante.fr"], 31_450_000);
    assert!(!dialog.offers_send_anyway());
    let sentences = dialog.sentences();
    assert_eq!(
        sentences,
        [
            "The message weighs 31.5 MB: Mon espace santé refuses messages over 25 MB. \
          Remove attachments or spread them over several messages."
        ]
    );
}

#[test]
fn ann_unlisted_domain_is_shown_as_a_notice() {
    let dialog = dialog_for(&["x@nouveau-ch.mssante.fr", "famille@example.com"], 1_000);
    assert!(dialog.offers_send_anyway(), "a notice does not block");
    let sentences = dialog.sentences();
    assert_eq!(sentences.len(), 2);
    assert!(sentences[1].starts_with("“x@nouveau-ch.mssante.fr” ends with mssante.fr"));
}

// ---------------------------------------------------------------------------------- markers

#[derive(Debug, Clone)]
enum NoMessage {}

fn dupont() -> Ins {
    Ins::parse(DUPONT_MATRICULE).expect("a valid matricule")
}

#[test]
fn eco_3_1_2_patient_marker_shows_name_and_grouped_ins() {
    let i18n = english();
    let mut screen = ui(markers::patient_marker::<NoMessage>(
        &i18n,
        &dupont(),
        Some("Hélène DUPONT"),
    ));
    assert!(screen.find("Patient").is_ok());
    assert!(screen
        .find("· Hélène DUPONT · INS 2 79 03 51 215 189 89")
        .is_ok());
    let mut without_name = ui(markers::patient_marker::<NoMessage>(&i18n, &dupont(), None));
    assert!(without_name.find("· INS 2 79 03 51 215 189 89").is_ok());
}

#[test]
fn seed_unsolicited_and_prescription_messages_are_marked() {
    let i18n = french();
    let mut screen = ui(markers::unsolicited_flag::<NoMessage>(&i18n));
    assert!(screen.find("Message non sollicité :").is_ok());
    assert!(screen
        .find("ce patient écrit hors d'une conversation ouverte par cette boîte")
        .is_ok());
    let mut screen = ui(markers::prescription_badge::<NoMessage>(&i18n));
    assert!(screen.find("Ordonnance numérique").is_ok());
    assert!(markers::patient_kind_marker::<NoMessage>(&i18n, PatientKind::Reply).is_none());
    assert!(markers::patient_kind_marker::<NoMessage>(&i18n, PatientKind::Unsolicited).is_some());
    assert!(markers::patient_kind_marker::<NoMessage>(&i18n, PatientKind::Prescription).is_some());
}

#[test]
fn ann_bounce_reasons_are_told_in_plain_words() {
    let i18n = english();
    let reasons = [
        (
            BounceReason::ConversationClosed,
            "conversation with this patient was closed",
        ),
        (
            BounceReason::MessagingClosed,
            "messaging is closed or deactivated",
        ),
        (
            BounceReason::PatientUnknown,
            "no Mon espace santé messaging matches",
        ),
        (BounceReason::InvalidAddress, "address is not valid"),
        (BounceReason::TooLarge, "(25 MB, attachments included)"),
        (BounceReason::Other, "for a reason the server does not give"),
    ];
    for (reason, words) in reasons {
        let sentence = markers::bounce_sentence(&i18n, reason);
        assert!(
            sentence.starts_with("Not delivered"),
            "{reason:?}: {sentence}"
        );
        assert!(sentence.contains(words), "{reason:?}: {sentence}");
    }
}

#[test]
fn eco_2_2_8_closed_conversation_is_noted() {
    let i18n = french();
    let mut screen = ui(markers::closed_conversation_note::<NoMessage>(&i18n));
    assert!(shows(&mut screen, "le patient ne peut plus y répondre"));
}

// ------------------------------------------------------------------------------ screenshots

/// Draws a screen in the light and the dark theme, with the window's own font, into
/// `$TMPDIR/pli-mssante-screens/<name>-<theme>-tiny-skia.png`.
fn shoot<'a, M: 'a>(name: &str, size: (f32, f32), view: impl Fn() -> Element<'a, M>) {
    let folder = std::env::temp_dir().join("pli-mssante-screens");
    std::fs::create_dir_all(&folder).expect("the screenshot folder");
    for (theme, suffix) in [(iced::Theme::Light, "light"), (iced::Theme::Dark, "dark")] {
        let settings = iced::Settings {
            fonts: vec![
                pli::ui::INTER_REGULAR.into(),
                pli::ui::INTER_SEMIBOLD.into(),
            ],
            default_font: pli::ui::FONT,
            ..iced::Settings::default()
        };
        let mut screen = Simulator::with_size(settings, size, view());
        let snapshot = screen.snapshot(&theme).expect("a snapshot");
        let path = folder.join(format!("{name}-{suffix}.png"));
        // The file is written afresh: an older one would be compared instead.
        let _ = std::fs::remove_file(folder.join(format!("{name}-{suffix}-tiny-skia.png")));
        assert!(snapshot.matches_image(&path).expect("the PNG is written"));
    }
}

/// Writes every screen for a person to look at; compares nothing.
#[test]
#[ignore = "writes screenshots for review under $TMPDIR; run with --ignored"]
fn screenshots_for_review() {
    for (code, i18n) in [("fr", french()), ("en", english())] {
        let mut composer = PatientComposer::new(i18n.clone());
        shoot(&format!("patient-empty-{code}"), (1000.0, 900.0), || {
            composer.view()
        });
        type_into(&mut composer, field::MATRICULE, "2 79 03 51 215 189 88");
        type_into(&mut composer, field::BIRTH_DATE, "14-03-1979");
        shoot(&format!("patient-errors-{code}"), (1000.0, 900.0), || {
            composer.view()
        });
        for message in [
            patient::Message::Matricule(DUPONT_MATRICULE.into()),
            patient::Message::BirthName("Dupont".into()),
            patient::Message::FirstNames("Hélène Marie".into()),
            patient::Message::BirthDate("14/03/1979".into()),
            patient::Message::Sex(Sex::Male),
            patient::Message::Status(IdentityStatus::Validated),
        ] {
            let _ = composer.update(message);
        }
        shoot(&format!("patient-refused-{code}"), (1000.0, 1100.0), || {
            composer.view()
        });
        let _ = composer.update(patient::Message::Sex(Sex::Female));
        let _ = composer.update(patient::Message::Status(IdentityStatus::Qualified));
        shoot(&format!("patient-valid-{code}"), (1000.0, 1000.0), || {
            composer.view()
        });
        let _ = composer.update(patient::Message::Write);
        shoot(&format!("patient-confirm-{code}"), (1000.0, 1100.0), || {
            composer.view()
        });

        let last_use = at(2025, 1, 15);
        let banner = InactivityBanner::new(
            i18n.clone(),
            "cabinet",
            Some(LastUse {
                person: "secretariat.b".into(),
                at: last_use,
            }),
            Thresholds::default(),
            months_after(last_use, 11),
        );
        shoot(&format!("banner-warning-{code}"), (1000.0, 140.0), || {
            banner.view()
        });
        let banner = InactivityBanner::new(
            i18n.clone(),
            "ehpad",
            Some(LastUse {
                person: "secretariat.b".into(),
                at: last_use,
            }),
            Thresholds::default(),
            months_after(last_use, 13),
        );
        shoot(&format!("banner-deleted-{code}"), (1000.0, 140.0), || {
            banner.view()
        });

        let start = at(2026, 3, 2);
        let (mut lock, _) = Lock::new(i18n.clone(), 30, start);
        let _ = lock.update(lock::Message::PinFound(false));
        let _ = lock.update(lock::Message::PinInput("1234".into()));
        let _ = lock.update(lock::Message::PinAgainInput("1243".into()));
        let _ = lock.update(lock::Message::Submit);
        shoot(&format!("lock-choose-{code}"), (900.0, 650.0), || {
            lock.view()
        });
        let _ = lock.update(lock::Message::PinFound(true));
        for _ in 0..lock::FREE_TRIES {
            let _ = lock.update(lock::Message::PinInput("0000".into()));
            let _ = lock.update(lock::Message::Submit);
            let _ = lock.update(lock::Message::PinChecked(false));
        }
        let _ = lock.update(lock::Message::PinInput("12".into()));
        shoot(&format!("lock-wait-{code}"), (900.0, 650.0), || lock.view());

        let list = TrustList::parse(LIST).expect("the test list");
        let outside = TrustDialog::new(
            i18n.clone(),
            check_send(
                ["famille@example.com", "x@nouveau-ch.mssante.fr"],
                1_000,
                &list,
            ),
        );
        shoot(&format!("trust-outside-{code}"), (900.0, 650.0), || {
            outside.view()
        });
        let blocked = TrustDialog::new(
            i18n.clone(),
            check_send(
                ["279035121518988@patient.mssante.fr", "famille@example.com"],
                31_450_000,
                &list,
            ),
        );
        shoot(&format!("trust-blocked-{code}"), (900.0, 650.0), || {
            blocked.view()
        });

        shoot(&format!("markers-{code}"), (900.0, 420.0), || {
            iced::widget::container(
                iced::widget::column![
                    markers::patient_marker::<NoMessage>(&i18n, &dupont(), Some("Hélène DUPONT")),
                    markers::unsolicited_flag(&i18n),
                    markers::prescription_badge(&i18n),
                    markers::closed_conversation_note(&i18n),
                    markers::bounce_note(&i18n, BounceReason::MessagingClosed),
                    markers::bounce_note(&i18n, BounceReason::TooLarge),
                ]
                .spacing(12),
            )
            .padding(20)
            .into()
        });
    }
}
