//! Shared boxes on a second IMAP server (issue 13): Cyrus IMAP 3.6, Debian's, which
//! `tests/cyrus/cyrus.sh start` runs from its packages unpacked in a private folder. The same
//! workstations and webmail as `shared_boxes.rs`; without Cyrus the test says SKIPPED-NO-CYRUS.

use pli_core::mail::keywords::{self, Handling, PrescriptionState};
use pli_core::mail::store::PatientKind;
use pli_core::usecase::handling::{HandlingAction, HandlingError};

use pli_testkit::runtime;

use super::shared_boxes::{rfc2822, unique, webmail_on, Server, Workstation, PATIENT};

/// The same scheme and rebuild on a second server, Cyrus IMAP 3.6 (which answers special uses in
/// lower case, runs CONDSTORE/QRESYNC of its own, and turns raw 8-bit header bytes into `X`, hence
/// the ASCII subjects): start it with `tests/cyrus/cyrus.sh start`
/// and load its env; without it the test says SKIPPED-NO-CYRUS and passes.
#[test]
fn cyrus_seed_eco_2_2_8_keywords_takes_and_conversations_hold_on_a_second_imap_server() {
    let Some(server) = Server::cyrus() else {
        eprintln!("SKIPPED-NO-CYRUS: cyrus_seed_eco_2_2_8_keywords_takes_and_conversations_hold_on_a_second_imap_server");
        return;
    };
    let empty = "for folder in ('INBOX', 'Sent'):\n    M.select(folder)\n    M.store('1:*', '+FLAGS.SILENT', '(\\\\Deleted)')\n    M.expunge()";
    webmail_on(&server, "cyrus-a", empty, "");
    let (a, b) = (
        Workstation::on_cyrus(&server, "cyrus-a", false),
        Workstation::on_cyrus(&server, "cyrus-a", false),
    );
    let address = a.account.address.clone();
    let append = |folder: &str, flags: &str, raw: &str| {
        webmail_on(
            &server,
            "cyrus-a",
            &format!("print(M.append('{folder}', '{flags}', None, RAW))"),
            raw,
        );
    };

    let opening = format!("<{}@webmail.example>", unique("open"));
    append("Sent", "(\\Seen)", &format!("From: <{address}>\r\nTo: <{PATIENT}>\r\nSubject: Vos resultats\r\nDate: {}\r\nMessage-ID: {opening}\r\n\r\nBonjour.\r\n", rfc2822(-600)));
    let reply = unique("Re: Vos resultats");
    append("INBOX", "()", &format!("From: <{PATIENT}>\r\nTo: <{address}>\r\nSubject: {reply}\r\nDate: {}\r\nMessage-ID: <{}@patient.mssante.fr>\r\nIn-Reply-To: {opening}\r\n\r\nMerci.\r\n", rfc2822(-300), unique("p")));
    let family = unique("Demande de la famille");
    let family_id = format!("{}@ch-test.mssante.fr", unique("f"));
    append("INBOX", "($Label1)", &format!("From: <famille@ch-test.mssante.fr>\r\nTo: <{address}>\r\nSubject: {family}\r\nMessage-ID: <{family_id}>\r\n\r\nBonjour.\r\n"));

    a.sync();
    b.sync();
    assert_eq!(
        a.kind(&reply),
        Some(PatientKind::Reply),
        "Cyrus, workstation A"
    );
    assert_eq!(
        b.kind(&reply),
        Some(PatientKind::Reply),
        "Cyrus, workstation B"
    );

    let uid = a.inbox_uid(&family);
    assert!(a.view(uid).keywords.iter().any(|k| k == "$Label1"));
    let long_name = "Marie-Christine Dupont-Lefebvre de la Tour";
    assert_eq!(
        a.handle(uid, HandlingAction::Take, long_name)
            .expect("taken"),
        Handling::Taken("Marie-Christin…".into())
    );
    b.sync();
    assert_eq!(b.view(uid).state, "taken");
    assert!(matches!(
        b.handle(uid, HandlingAction::Take, "Sophie"),
        Err(HandlingError::TakenBy(_))
    ));
    let on_server = webmail_on(
        &server,
        "cyrus-a",
        &format!("print(flags_of('INBOX', '{family_id}'))"),
        "",
    );
    assert!(on_server.contains("$Label1"), "{on_server}");
    assert!(
        on_server.contains(&keywords::taken_keyword(long_name)),
        "{on_server}"
    );

    for round in 0..3 {
        let subject = unique(&format!("Course {round}"));
        append("INBOX", "()", &format!("From: <famille@ch-test.mssante.fr>\r\nTo: <{address}>\r\nSubject: {subject}\r\nMessage-ID: <{}@ch-test.mssante.fr>\r\n\r\nBonjour.\r\n", unique("c")));
        a.sync();
        b.sync();
        let uid = a.inbox_uid(&subject);
        let (first, second) = runtime().block_on(async {
            tokio::join!(
                a.handle_async(uid, HandlingAction::Take, "Claire"),
                b.handle_async(uid, HandlingAction::Take, "Sophie")
            )
        });
        assert!(
            first.is_ok() != second.is_ok(),
            "one take wins on Cyrus: {first:?} {second:?}"
        );
        a.sync();
        b.sync();
        assert_eq!(a.view(uid).handler, b.view(uid).handler);
    }

    let closing = format!("<{}@webmail.example>", unique("fin"));
    append("Sent", "(\\Seen)", &format!("From: <{address}>\r\nTo: <{PATIENT}>\r\nSubject: Fin\r\nDate: {}\r\nMessage-ID: {closing}\r\nX-MSS-MES: FIN\r\n\r\nFin du suivi.\r\n", rfc2822(-100)));
    let late = unique("Re: Fin");
    append("INBOX", "()", &format!("From: <{PATIENT}>\r\nTo: <{address}>\r\nSubject: {late}\r\nDate: {}\r\nMessage-ID: <{}@patient.mssante.fr>\r\nIn-Reply-To: {closing}\r\n\r\nEncore une question.\r\n", rfc2822(0), unique("p")));
    a.sync();
    assert_eq!(a.kind(&late), Some(PatientKind::Unsolicited));
    assert_eq!(a.kind(&reply), Some(PatientKind::Reply));

    // A pharmacy's steps between two counters.
    webmail_on(&server, "cyrus-pharmacy", empty, "");
    let (first, second) = (
        Workstation::on_cyrus(&server, "cyrus-pharmacy", true),
        Workstation::on_cyrus(&server, "cyrus-pharmacy", true),
    );
    let order = unique("Mon ordonnance");
    let pharmacy = first.account.address.clone();
    webmail_on(&server, "cyrus-pharmacy", "print(M.append('INBOX', '()', None, RAW))", &format!("From: <{PATIENT}>\r\nTo: <{pharmacy}>\r\nSubject: {order}\r\nMessage-ID: <{}@patient.mssante.fr>\r\n\r\nVoici.\r\n", unique("rx")));
    first.sync();
    second.sync();
    let uid = first.inbox_uid(&order);
    assert_eq!(first.kind(&order), Some(PatientKind::Prescription));
    for (writer, state, reader) in [
        (&first, PrescriptionState::Preparing, &second),
        (&second, PrescriptionState::Ready, &first),
        (&first, PrescriptionState::Delivered, &second),
    ] {
        assert_eq!(writer.prescription(uid, state).expect("step"), state);
        reader.sync();
        assert_eq!(
            reader.view(uid).prescription,
            Some(state),
            "Cyrus {state:?}"
        );
    }
}
