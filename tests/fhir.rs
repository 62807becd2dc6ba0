//! The online Annuaire Santé client against recorded FHIR answers served from a local HTTP
//! server: the API key header, pages followed by their `next` link, MSSanté boxes recognised by
//! their extension, and clear errors for a refused key or an answer that is not FHIR.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use pli::directory::fhir::{FhirClient, FhirError, Search};

const KEY: &str = "test-key-0123";

/// Each request's path, and whether it carried the API key.
type Requests = Arc<Mutex<Vec<(String, bool)>>>;

/// Serves the recorded pages and records the requests.
fn serve(html_instead: bool) -> (String, Requests) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let base = format!("http://{}/fhir/v2", listener.local_addr().expect("address"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (base_for_server, seen_by_server) = (base.clone(), seen.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_string();
            let mut has_key = false;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if line.to_ascii_lowercase().starts_with("esante-api-key:") && line.contains(KEY) {
                    has_key = true;
                }
            }
            seen_by_server
                .lock()
                .expect("lock")
                .push((path.clone(), has_key));
            let (status, body) = if !has_key {
                (
                    "401 Unauthorized",
                    "{\"message\":\"Invalid API key\"}".to_string(),
                )
            } else if html_instead {
                (
                    "200 OK",
                    "<html><body>Maintenance en cours</body></html>".to_string(),
                )
            } else if path.contains("_page=2") {
                (
                    "200 OK",
                    include_str!("fhir/practitioner-martin-2.json")
                        .replace("{BASE}", &base_for_server),
                )
            } else {
                (
                    "200 OK",
                    include_str!("fhir/practitioner-martin-1.json")
                        .replace("{BASE}", &base_for_server),
                )
            };
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/fhir+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (base, seen)
}

#[test]
fn ann_pages_are_followed_and_only_mssante_boxes_are_kept() {
    let (base, seen) = serve(false);
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
    let (base, _) = serve(false);
    let error = FhirClient::new(&base, "wrong")
        .search(&Search::Organization {
            name: "EHPAD".into(),
        })
        .expect_err("refused");
    assert!(matches!(error, FhirError::KeyRefused(401)), "{error:?}");
    assert!(error.to_string().contains("API key"));
    let (base, _) = serve(true);
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
