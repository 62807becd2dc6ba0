//! Arbitrary bytes as a received message: the reader must neither panic nor list an attachment
//! it cannot give back at the size it showed. Delivery and disposition reports are read by the
//! same pass (`ReadingModel::report`), so they are fuzzed with it; the corpus holds one of each.
//!
//! Seed it with the reading-model corpus for a head start:
//!
//!     cargo +nightly fuzz run read_message fuzz/corpus/read_message crates/pli-core/tests/corpus

#![no_main]

use libfuzzer_sys::fuzz_target;
use pli_core::mail::mime::{self, ReadingModel};

fuzz_target!(|raw: &[u8]| {
    let model = mime::read_message(raw);
    check(raw, &model);
    let _ = mime::body_text_for_index(raw);
});

fn check(raw: &[u8], model: &ReadingModel) {
    let attachments = model.attachments.iter().chain(
        model
            .embedded_messages
            .iter()
            .map(|embedded| &embedded.attachment),
    );
    for attachment in attachments {
        match mime::attachment_bytes(raw, attachment) {
            Ok(bytes) => assert_eq!(
                bytes.len() as u64,
                attachment.size,
                "the size shown differs from the bytes given back"
            ),
            Err(error) => panic!("an attachment is listed but cannot be given back: {error}"),
        }
        let name = attachment.suggested_file_name();
        assert!(!name.is_empty() && !name.contains(['/', '\\']));
    }
    for embedded in &model.embedded_messages {
        check(raw, &embedded.message);
    }
    if let Some(report) = &model.report {
        for bounce in report.bounces() {
            assert!(
                bounce.recipient.is_some_and(|recipient| !recipient.is_empty()),
                "a bounce names no recipient"
            );
        }
    }
    let _ = mime::snippet(model, 120);
    let _ = mime::display_subject(&model.subject);
}
