//! The online Annuaire Santé client against recorded FHIR answers served from a local HTTP
//! server: the API key header, pages followed by their `next` link, MSSanté boxes recognised by
//! their extension, and clear errors for a refused key or an answer that is not FHIR.

use pli_core::directory::fhir::{FhirClient, FhirError, Search};
use pli_testkit::fhir::{serve, Answer, KEY};

#[test]
fn ann_pages_are_followed_and_only_mssante_boxes_are_kept() {
    let (base, seen) = serve(Answer::Bundles);
    let mut client = FhirClient::new(&base, KEY);
    let found = client
        .search(&Search::Practitioner {
            family: "MARTIN".into(),
            given: None,
        })
        .expect("found");
    let addresses: Vec<&str> = found
        .iter()
        .map(|mailbox| mailbox.address.as_str())
        .collect();
    assert_eq!(
        addresses,
        [
            "jean.martin@ch-lens.mssante.fr",
            "zoe.martin@medecin.mssante.fr"
        ]
    );
    assert_eq!(found[0].box_type.as_deref(), Some("PER"));
    assert_eq!(found[0].holder, "DR Jean MARTIN");
    let requests = seen.lock().expect("lock").clone();
    assert_eq!(requests.len(), 2, "two pages: {requests:?}");
    assert!(
        requests.iter().all(|(_, has_key)| *has_key),
        "every request carries ESANTE-API-KEY"
    );
}

#[test]
fn a_refused_key_and_an_answer_that_is_not_fhir_are_named() {
    let (base, _) = serve(Answer::Bundles);
    let error = FhirClient::new(&base, "wrong")
        .search(&Search::Organization {
            name: "EHPAD".into(),
        })
        .expect_err("refused");
    assert!(matches!(error, FhirError::KeyRefused(401)), "{error:?}");
    assert!(error.to_string().contains("API key"));
    let (base, _) = serve(Answer::Html);
    let error = FhirClient::new(&base, KEY)
        .search(&Search::Organization {
            name: "EHPAD".into(),
        })
        .expect_err("not FHIR");
    assert!(matches!(error, FhirError::NotABundle(_)), "{error:?}");
}

#[test]
fn an_unreachable_directory_is_named() {
    let error = FhirClient::new("http://127.0.0.1:1/fhir/v2", KEY)
        .search(&Search::Organization {
            name: "EHPAD".into(),
        })
        .expect_err("unreachable");
    assert!(matches!(error, FhirError::Unreachable(_)), "{error:?}");
}

#[test]
fn ann_two_lookups_in_a_row_share_the_keys_17_requests_a_second() {
    let (base, seen) = serve(Answer::Bundles);
    let organisation = Search::Organization {
        name: "martin".into(),
    };
    let started = std::time::Instant::now();
    for _ in 0..3 {
        // A new client each time, as each "Chercher en ligne" makes one.
        FhirClient::new(&base, KEY)
            .search(&organisation)
            .expect("found");
    }
    assert_eq!(seen.lock().expect("lock").len(), 3);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(2) / 17,
        "three requests span at least two intervals of 1/17 s: {:?}",
        started.elapsed()
    );
}
