//! Arbitrary bytes as an `IHE_XDM.ZIP`: the reader must neither panic nor give a PDF for a
//! document it did not list. Seed it with the shared samples for a head start:
//!
//!     cargo +nightly fuzz run read_xdm fuzz/corpus/read_xdm ../shared/data/xdm-cda/ihe-nist-xdm

#![no_main]

use libfuzzer_sys::fuzz_target;
use pli_core::xdm;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(reading) = xdm::read_archive(bytes) {
        for index in 0..reading.documents.len() {
            let _ = xdm::document_pdf(bytes, index);
        }
        assert_eq!(xdm::document_pdf(bytes, reading.documents.len()), Ok(None));
    }
});
