//! Health documents read from real, published archives and CDAs (`../shared/data/xdm-cda/`,
//! sources in its SOURCES.md), with the expected values read from the files by hand, and from
//! hostile archives the tests make. Everything goes through `pli_core::xdm::read_archive`, the
//! function the reading model (`mail::mime::read_message`) and `pli xdm inspect` call.
//!
//! - `samples`: every file of `../shared/data/xdm-cda/`, read or refused;
//! - `hostile`: archives made to hurt, refused quickly;
//! - `message`: the documents in the reading model, checked against the message.

mod hostile;
mod message;
mod samples;

use std::time::{Duration, Instant};

use pli_core::xdm::{read_archive, HealthDocument, XdmError, XdmReading};
pub use pli_testkit::xdm::{message_with_archive, metadata_for, xdm_around, zip_of};

const TEST_INS: &str = "279035121518989";
const TEST_INS_OID: &str = "1.2.250.1.213.1.4.10";

fn test_ins_cx() -> String {
    format!("{TEST_INS}^^^&{TEST_INS_OID}&ISO^NH")
}

fn one(reading: &XdmReading) -> &HealthDocument {
    assert_eq!(reading.documents.len(), 1, "{reading:#?}");
    &reading.documents[0]
}

/// Each refusal must come fast: the reader stays responsive.
fn refused_quickly(bytes: &[u8]) -> (Result<XdmReading, XdmError>, Duration) {
    let start = Instant::now();
    let result = read_archive(bytes);
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    (result, elapsed)
}

/// Base64 of `len` random-looking bytes: it compresses as badly as a real PDF, so the ratio
/// check lets it through and the size limits must do their work.
fn base64_noise(len: usize) -> String {
    use base64::Engine;
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let bytes: Vec<u8> = (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    base64::engine::general_purpose::STANDARD.encode(&bytes)
}

fn cda_for(ins: &str) -> Vec<u8> {
    format!("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><code code=\"11488-4\"/><title>Lettre</title><recordTarget><patientRole><id root=\"{TEST_INS_OID}\" extension=\"{ins}\"/></patientRole></recordTarget></ClinicalDocument>").into_bytes()
}
