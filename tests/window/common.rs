//! What the window tests share: a demo window, the window's tasks run as iced would, what the
//! window shows, over the real stack of `pli_testkit`.
#![allow(dead_code)]

use std::sync::Arc;

use iced::keyboard::{self, key::Named, Key, Modifiers};

use pli::i18n::{I18n, Language};
pub use pli_testkit::*;

pub fn i18n() -> Arc<I18n> {
    Arc::new(I18n::new(Language::En))
}

// A window on a fresh demo profile, in French, at 15:00 today (the demo's dates count from it).
pub fn demo_window() -> (tempfile::TempDir, pli::ui::Pli) {
    demo_window_with(|_| {})
}

/// The demo's clock: 15:00 today, whatever the hour the tests run at. A message a test adds
/// among the demo's is dated from it, or it sorts before or after them by the hour of the run
/// (after midnight, "the last hour" is older than the demo's morning).
pub fn demo_now() -> chrono::DateTime<chrono::Local> {
    use chrono::{Local, TimeZone};
    let afternoon = Local::now()
        .date_naive()
        .and_hms_opt(15, 0, 0)
        .expect("a time");
    Local
        .from_local_datetime(&afternoon)
        .single()
        .expect("15:00 exists today")
}

/// The demo window, with `add` run on its store before the window opens (a message more…).
pub fn demo_window_with(
    add: impl FnOnce(&mut pli_core::mail::store::Store),
) -> (tempfile::TempDir, pli::ui::Pli) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let profile = pli_core::profile::Profile::at(folder.path());
    pli::ui::demo::prepare(&profile, demo_now()).expect("the demo profile");
    let mut store =
        pli_core::mail::store::open_profile_store(&profile).expect("the demo profile's store");
    add(&mut store);
    drop(store);
    let window = pli::ui::Pli::new(profile, Arc::new(I18n::new(Language::Fr)), true);
    (folder, window)
}

/// The messages a task of the window produces, run on `runtime` as the iced runtime would (the
/// other actions — focus, window, clipboard — have no effect headless).
pub fn task_messages(
    runtime: &tokio::runtime::Runtime,
    task: iced::Task<pli::ui::Message>,
) -> Vec<pli::ui::Message> {
    use futures::StreamExt;
    let Some(stream) = iced_runtime::task::into_stream(task) else {
        return Vec::new();
    };
    runtime.block_on(
        stream
            .filter_map(|action| async move {
                match action {
                    iced_runtime::Action::Output(message) => Some(message),
                    _ => None,
                }
            })
            .collect(),
    )
}

/// Whether any text the window shows contains `part`.
pub fn shows(window: &pli::ui::Pli, part: &str) -> bool {
    use iced_test::selector::Candidate;
    let mut ui = iced_test::simulator(window.view());
    let part = part.to_string();
    ui.find(move |candidate: Candidate<'_>| match candidate {
        Candidate::Text { content, .. } if content.contains(&part) => Some(()),
        _ => None,
    })
    .is_ok()
}

/// A key as the keyboard hands it to the window: the same key unmodified and modified, no text.
pub fn key_press(key: Key, modifiers: Modifiers) -> keyboard::Event {
    keyboard::Event::KeyPressed {
        modified_key: key.clone(),
        key,
        physical_key: keyboard::key::Physical::Unidentified(
            keyboard::key::NativeCode::Unidentified,
        ),
        location: keyboard::Location::Standard,
        modifiers,
        text: None,
        repeat: false,
    }
}

/// A letter; without Ctrl it also types its text, as on a real keyboard.
pub fn letter(letter: &str, modifiers: Modifiers) -> keyboard::Event {
    let mut event = key_press(Key::Character(letter.into()), modifiers);
    if let keyboard::Event::KeyPressed { text, .. } = &mut event {
        if !modifiers.command() {
            *text = Some(letter.into());
        }
    }
    event
}

/// A named key (Enter, Escape, arrows) without modifiers.
pub fn named(key: Named) -> keyboard::Event {
    key_press(Key::Named(key), Modifiers::empty())
}

/// Feeds the messages the interface produced back into the window, as iced does.
pub fn deliver(pli: &mut pli::ui::Pli, messages: Vec<pli::ui::Message>) {
    for message in messages {
        let _ = pli.update(message);
    }
}

/// Clicks the text `label` where the window shows it.
pub fn click_text(pli: &mut pli::ui::Pli, label: &str) {
    let mut ui = iced_test::simulator(pli.view());
    ui.click(label)
        .unwrap_or_else(|_| panic!("'{label}' is on screen"));
    let messages = ui.into_messages().collect();
    deliver(pli, messages);
}

/// A message put in the demo doctor's inbox as a pass would leave it: its envelope, then its
/// body.
pub fn store_in_doctor_inbox(store: &mut pli_core::mail::store::Store, uid: u32, raw: &[u8]) {
    let inbox = store
        .folder(pli::ui::demo::DOCTOR, "INBOX")
        .expect("the store")
        .expect("the doctor's inbox");
    let end = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map_or(raw.len(), |end| end + 4);
    let mut envelope = pli_core::mail::sync::envelope_from_header(&raw[..end]);
    envelope.uid = uid;
    envelope.size = raw.len() as u32;
    envelope.has_attachment = true;
    store
        .insert_envelopes(inbox.id, &[envelope])
        .expect("the envelope");
    store.set_raw(inbox.id, uid, raw, "").expect("the body");
}
