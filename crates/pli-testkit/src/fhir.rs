//! A local stand-in for the Annuaire Santé FHIR API: recorded bundles (`tests/fhir/`) served over
//! HTTP, the `ESANTE-API-KEY` header checked, every request recorded. Shared by the FHIR client's
//! tests, the directory pane's and the command line's.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use pli_core::directory::fixture::COLUMNS;

/// The key the server accepts.
pub const KEY: &str = "test-key-0123";

/// Each request's path, and whether it carried the API key.
pub type Requests = Arc<Mutex<Vec<(String, bool)>>>;

/// How the server answers a request with the right key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The recorded bundles: two pages of practitioners named MARTIN (`next` link), one
    /// organisation with an APP box for any organisation search, an empty bundle otherwise.
    Bundles,
    /// A maintenance page in HTML, as a gateway answers when the API is down.
    Html,
}

fn bundle_for(path: &str, base: &str) -> String {
    let lower = path.to_ascii_lowercase();
    let recorded = if lower.contains("_page=2") {
        include_str!("../../../tests/fhir/practitioner-martin-2.json")
    } else if lower.contains("practitioner?family=martin") && !lower.contains("given=") {
        include_str!("../../../tests/fhir/practitioner-martin-1.json")
    } else if lower.contains("organization?name=") {
        include_str!("../../../tests/fhir/organization-saint-martin.json")
    } else {
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}"
    };
    recorded.replace("{BASE}", base)
}

/// Serves the recorded answers on a free port of 127.0.0.1; returns the FHIR base URL and the
/// requests seen.
pub fn serve(answer: Answer) -> (String, Requests) {
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
            } else if answer == Answer::Html {
                (
                    "200 OK",
                    "<html><body>Maintenance en cours</body></html>".to_string(),
                )
            } else {
                ("200 OK", bundle_for(&path, &base_for_server))
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

/// A small extraction: Dr Jean MARTIN (whose address the online directory also returns, with
/// fresher data), Paul MARTIN (only in the file) and Hélène NOËL (found by neither search).
pub fn martin_extraction() -> String {
    let row = |address: &str, civility: &str, last: &str, first: &str| {
        let mut fields = vec![String::new(); COLUMNS.len()];
        let mut set = |column: &str, value: &str| {
            let index = COLUMNS
                .iter()
                .position(|name| *name == column)
                .expect("a column");
            fields[index] = value.to_string();
        };
        set("Type de BAL", "PER");
        set("Adresse BAL", address);
        set("Civilité d'exercice", civility);
        set("Nom d'exercice", last);
        set("Prénom d'exercice", first);
        set("Code Profession", "10");
        set("Libellé Profession", "Médecin");
        set("Raison Sociale structure BAL", "CH de Lens");
        set("L6LIGNEACHEMINEMENT structure BAL", "62300 LENS");
        set("Code postal structure BAL", "62300");
        set("Département structure BAL", "62");
        fields.join("|")
    };
    [
        COLUMNS.join("|"),
        row("jean.martin@ch-lens.mssante.fr", "M", "MARTIN", "Jean"),
        row("paul.martin@ch-lens.mssante.fr", "M", "MARTIN", "Paul"),
        row("helene.noel@ch-lens.mssante.fr", "MME", "NOËL", "Hélène"),
    ]
    .join("\n")
        + "\n"
}
