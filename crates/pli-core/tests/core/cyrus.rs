//! Shared boxes on a second IMAP server (issue 13): Cyrus IMAP 3.6, Debian's, which
//! `tests/cyrus/cyrus.sh start` runs from its packages unpacked in a private folder (`tests/run.sh`
//! starts it). The scenarios of `shared_boxes.rs` run here again, against Cyrus; without Cyrus
//! the tests say SKIPPED-NO-CYRUS, except under CI (`PLI_TEST_CYRUS_REQUIRED`), where they fail.

use pli_core::mail::keywords::{self, Handling, PrescriptionState};
use pli_core::mail::store::PatientKind;
use pli_core::usecase::handling::{HandlingAction, HandlingError};

use pli_testkit::{dedicated_user, runtime};

use super::shared_bed::{rfc2822, unique, webmail_on, Server, Workstation, PATIENT};
use super::shared_boxes::{
    junk_marks, keywords_survive, pharmacy_steps, take_seen_through_idle, takes,
};

#[test]
fn cyrus_a_take_on_one_workstation_is_seen_on_the_other_and_simultaneous_takes_resolve_to_one_handler(
) {
    if let Some(cyrus) = Server::cyrus("cyrus_a_take_on_one_workstation_is_seen_on_the_other_and_simultaneous_takes_resolve_to_one_handler") {
        takes(&cyrus, &dedicated_user("cyrus-take"));
    }
}

#[test]
fn cyrus_a_take_on_one_workstation_reaches_the_other_s_worker_through_idle_within_5_seconds() {
    if let Some(cyrus) = Server::cyrus(
        "cyrus_a_take_on_one_workstation_reaches_the_other_s_worker_through_idle_within_5_seconds",
    ) {
        take_seen_through_idle(&cyrus, &dedicated_user("cyrus-idle"));
    }
}

#[test]
fn cyrus_keywords_set_by_another_client_survive_pli_sync_and_pli_s_own_changes() {
    if let Some(cyrus) =
        Server::cyrus("cyrus_keywords_set_by_another_client_survive_pli_sync_and_pli_s_own_changes")
    {
        keywords_survive(&cyrus, &dedicated_user("cyrus-keywords"));
    }
}

#[test]
fn cyrus_a_message_marked_junk_in_pli_is_junk_for_every_client_and_back() {
    if let Some(cyrus) =
        Server::cyrus("cyrus_a_message_marked_junk_in_pli_is_junk_for_every_client_and_back")
    {
        junk_marks(&cyrus, &dedicated_user("cyrus-junk"));
    }
}

#[test]
fn cyrus_seed_pharmacy_prescription_steps_round_trip_between_two_workstations() {
    if let Some(cyrus) =
        Server::cyrus("cyrus_seed_pharmacy_prescription_steps_round_trip_between_two_workstations")
    {
        pharmacy_steps(&cyrus, &dedicated_user("cyrus-rx"));
    }
}

/// The same scheme and rebuild on a second server, Cyrus IMAP 3.6 (which answers special uses in
/// lower case, runs CONDSTORE/QRESYNC of its own, and turns raw 8-bit header bytes into `X`, hence
/// the ASCII subjects): a conversation opened and closed from the webmail, a 42-character name's
/// keyword, races, a pharmacy's steps.
#[test]
fn cyrus_seed_eco_2_2_8_keywords_takes_and_conversations_hold_on_a_second_imap_server() {
    let Some(server) = Server::cyrus(
        "cyrus_seed_eco_2_2_8_keywords_takes_and_conversations_hold_on_a_second_imap_server",
    ) else {
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
