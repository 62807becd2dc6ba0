//! Issue 13: the photo of a prescription a patient sends the pharmacy is seen in the reader —
//! upright as the phone's EXIF says, zoomed and moved in the viewer, turned a quarter at a time —
//! and a broken or oversized picture is refused with a sentence, the message still readable.

use crate::common::*;
use pli::ui::{Message, Pli};

fn run_all(pli: &mut Pli, runtime: &tokio::runtime::Runtime, mut messages: Vec<Message>) {
    while !messages.is_empty() {
        let message = messages.remove(0);
        let task = pli.update(message);
        messages.extend(task_messages(runtime, task));
    }
}

fn click_and_run(pli: &mut Pli, runtime: &tokio::runtime::Runtime, label: &str) {
    let mut ui = iced_test::simulator(pli.view());
    ui.click(label)
        .unwrap_or_else(|_| panic!("'{label}' is on screen"));
    let messages = ui.into_messages().collect();
    run_all(pli, runtime, messages);
}

#[test]
fn seed_the_photo_of_a_prescription_is_seen_upright_in_the_reader_and_turned() {
    let (_folder, mut pli) = demo_window();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    click_text(&mut pli, "Ordonnances");
    click_text(&mut pli, "Ordonnance à préparer");
    assert!(shows(&pli, "ordonnance.jpg"));
    click_and_run(&mut pli, &runtime, "Voir");
    let viewer = pli.reader.picture().expect("the viewer is open");
    // Stored 820 × 600, sideways, with EXIF orientation 6: shown upright, in portrait.
    assert_eq!(viewer.size(), (600, 820));
    assert!(shows(&pli, "600 × 820 pixels"));
    assert!(
        !shows(&pli, "ordonnance.jpg  "),
        "the attachments' list makes way for the picture"
    );
    assert!(
        !shows(&pli, "Enregistrer"),
        "the picture takes the place of the attachments and the body"
    );
    click_and_run(&mut pli, &runtime, "Pivoter ↻");
    assert!(shows(&pli, "820 × 600 pixels"), "turned a quarter");
    click_and_run(&mut pli, &runtime, "Fermer");
    assert!(pli.reader.picture().is_none());
    assert!(
        shows(&pli, "Enregistrer"),
        "the message again, its attachments"
    );
}

#[test]
fn a_broken_picture_is_refused_with_a_sentence_and_the_message_stays_readable() {
    let raw = b"From: Paul Garnier <185077512345608@patient.mssante.fr>\r\n\
To: pharmacie.centrale@pharmacien.mssante.fr\r\nSubject: Photo abimee\r\n\
Date: Mon, 7 Dec 2026 08:00:00 +0100\r\nMessage-ID: <photo-abimee@test>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Voici la photo.\r\n--b\r\nContent-Type: image/jpeg; name=ordonnance.jpg\r\n\
Content-Disposition: attachment; filename=ordonnance.jpg\r\nContent-Transfer-Encoding: base64\r\n\r\n\
/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJ\r\n--b--\r\n";
    let (_folder, mut pli) = demo_window_with(|store| {
        store_in_doctor_inbox(store, 9_301, raw);
    });
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    click_text(&mut pli, "Photo abimee");
    click_and_run(&mut pli, &runtime, "Voir");
    assert!(pli.reader.picture().is_none());
    assert!(
        shows(&pli, "L'image est endommagée et ne peut pas être lue"),
        "said, with what to do"
    );
    assert!(
        shows(&pli, "Enregistrer"),
        "the attachment can still be saved"
    );
    let body = pli
        .reader
        .opened()
        .map(|opened| opened.body_text())
        .unwrap_or_default();
    assert!(
        body.contains("Voici la photo."),
        "the message stays readable"
    );
}
