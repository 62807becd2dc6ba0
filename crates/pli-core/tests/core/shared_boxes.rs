//! Shared boxes on the real stack (issue 13): two workstations — two profiles, each with its own
//! store — on the same box, and Python's imaplib acting as the operator's webmail. The truth
//! lives on the server: patient conversations are rebuilt from the box's own messages, who
//! handles what and the prescription steps are IMAP keywords, and so is `$MDNSent`. The
//! scenarios that take a [`Server`] run on Dovecot here and on Cyrus in `cyrus.rs`.

use std::time::{Duration, Instant};

use pli_core::mail::account::Account;
use pli_core::mail::keywords::{self, Handling, PrescriptionState};
use pli_core::mail::send::{Draft, ReadReceipt};
use pli_core::mail::store::{Flags, PatientKind};
use pli_core::mail::worker;
use pli_core::usecase::handling::{self, HandlingAction, HandlingError};
use pli_core::usecase::outbox::{self, SendChoices};
use pli_testkit::*;

use super::shared_bed::{patient_writes, rfc2822, unique, Server, Workstation, PATIENT};

#[test]
fn seed_eco_2_2_8_a_conversation_opened_by_the_webmail_and_closed_from_another_workstation_is_known_on_every_workstation(
) {
    let dovecot = Server::dovecot();
    let user = dedicated_user("shared-conversation");
    empty_mailbox(&user);
    let (a, b) = (
        Workstation::new(&user, false),
        Workstation::new(&user, false),
    );

    // The doctor writes to the patient from the webmail, which files its copy in Sent.
    let opening = format!("<{}@webmail.example>", unique("open"));
    let sent_copy = format!(
        "From: <{user}>\r\nTo: Patient <{PATIENT}>\r\nSubject: Vos résultats\r\nDate: {}\r\nMessage-ID: {opening}\r\nX-MSS-NIL: WEBMAIL-1\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour, vos résultats sont normaux.\r\n",
        rfc2822(-600)
    );
    dovecot.webmail(
        &user,
        "print(M.append('Sent', '(\\\\Seen)', None, RAW))",
        &sent_copy,
    );
    let reply = unique("Re: Vos résultats");
    patient_writes(&dovecot, &user, &reply, Some(&opening), &rfc2822(-300));

    a.sync_until(&reply);
    b.sync_until(&reply);
    assert_eq!(a.kind(&reply), Some(PatientKind::Reply), "workstation A");
    assert_eq!(b.kind(&reply), Some(PatientKind::Reply), "workstation B");

    // B closes the conversation (X-MSS-MES: FIN) through the product's send.
    let closing = Draft {
        from: user.clone(),
        to: vec![PATIENT.into()],
        subject: "Fin du suivi".into(),
        body: "Le suivi est terminé.".into(),
        ..Draft::default()
    };
    let queued = outbox::send(
        &b.profile,
        &b.account,
        &closing,
        SendChoices {
            closes_conversation: true,
            patients_confirmed: true,
            ..SendChoices::default()
        },
    )
    .expect("queued");
    runtime()
        .block_on(outbox::deliver(&b.profile, &b.account, &b.credentials))
        .expect("sent");
    std::thread::sleep(Duration::from_millis(1100));
    let late = unique("Re: Fin du suivi");
    patient_writes(
        &dovecot,
        &user,
        &late,
        Some(&queued.message_id),
        &rfc2822(0),
    );

    // A never sent the FIN: it learns it from Sent, whatever order its folders come in.
    a.sync_until(&late);
    assert_eq!(
        a.kind(&late),
        Some(PatientKind::Unsolicited),
        "a reply after a FIN sent from B is unsolicited on A"
    );
    assert_eq!(
        a.kind(&reply),
        Some(PatientKind::Reply),
        "the reply before the FIN stays a reply"
    );
    b.sync_until(&late);
    assert_eq!(b.kind(&late), Some(PatientKind::Unsolicited));

    // A fresh install agrees, from the server alone.
    let fresh = Workstation::new(&user, false);
    fresh.sync_until(&late);
    assert_eq!(fresh.kind(&reply), Some(PatientKind::Reply));
    assert_eq!(fresh.kind(&late), Some(PatientKind::Unsolicited));
    assert_eq!(
        fresh.view(fresh.inbox_uid(&late)).patient_kind,
        "unsolicited"
    );
}

#[test]
fn seed_a_take_on_one_workstation_is_seen_on_the_other_and_simultaneous_takes_resolve_to_one_handler(
) {
    takes(&Server::dovecot(), &dedicated_user("shared-take"));
}

/// A take seen on the other workstation, refused there with the holder's name, traced with who
/// acted; release and done; then five rounds of two people taking at once.
pub(crate) fn takes(server: &Server, user: &str) {
    server.empty(user);
    let (a, b) = (
        server.workstation(user, false),
        server.workstation(user, false),
    );
    let subject = unique("Demande de la famille");
    server.deliver_text("famille@ch-test.mssante.fr", user, &subject, "Bonjour");
    let uid = a.sync_until(&subject);
    b.sync_until(&subject);
    assert_eq!(b.view(uid).state, "open");

    assert_eq!(
        a.handle(uid, HandlingAction::Take, "Hélène Noël")
            .expect("taken"),
        Handling::Taken("Hélène Noël".into())
    );
    assert_eq!(a.view(uid).handler.as_deref(), Some("Hélène Noël"));
    b.sync();
    let seen = b.view(uid);
    assert_eq!(
        (seen.state, seen.handler.as_deref()),
        ("taken", Some("Hélène Noël"))
    );
    match b.handle(uid, HandlingAction::Take, "Sophie Martin") {
        Err(HandlingError::TakenBy(name)) => assert_eq!(name, "Hélène Noël"),
        other => panic!("B's take must be refused: {other:?}"),
    }
    // The trace says who acted (ECO.4.1), on each workstation.
    let trace = a.store().trace_since(None).expect("trace");
    assert!(trace
        .iter()
        .any(|line| line.action == "handle" && line.workstation_user == "Hélène Noël" && line.ok));
    let trace = b.store().trace_since(None).expect("trace");
    assert!(trace.iter().any(|line| line.action == "handle"
        && line.workstation_user == "Sophie Martin"
        && !line.ok));
    // And so is the sign-in each action made (ECO.4.1.1).
    assert!(
        trace
            .iter()
            .any(|line| line.action == "login" && line.request.ends_with("(handling)") && line.ok),
        "{trace:?}"
    );

    assert_eq!(
        b.handle(uid, HandlingAction::Release, "Sophie Martin")
            .expect("released"),
        Handling::Open
    );
    assert_eq!(
        b.handle(uid, HandlingAction::Done, "Sophie Martin")
            .expect("done"),
        Handling::Done("Sophie Martin".into())
    );
    a.sync();
    assert_eq!(a.view(uid).state, "done");

    // Two people at once, several times: one handler, the same on both.
    for round in 0..5 {
        let subject = unique(&format!("Course {round}"));
        server.deliver_text("famille@ch-test.mssante.fr", user, &subject, "Bonjour");
        let uid = a.sync_until(&subject);
        b.sync_until(&subject);
        let (first, second) = runtime().block_on(async {
            tokio::join!(
                a.handle_async(uid, HandlingAction::Take, "Claire"),
                b.handle_async(uid, HandlingAction::Take, "Sophie")
            )
        });
        let winner = match (&first, &second) {
            (Ok(Handling::Taken(name)), Err(HandlingError::TakenBy(other)))
            | (Err(HandlingError::TakenBy(other)), Ok(Handling::Taken(name))) => {
                assert_eq!(name, other, "the loser names the winner");
                name.clone()
            }
            other => panic!("exactly one take must win on {:?}: {other:?}", server.kind),
        };
        a.sync();
        b.sync();
        assert_eq!(a.view(uid).handler.as_deref(), Some(winner.as_str()));
        assert_eq!(b.view(uid).handler.as_deref(), Some(winner.as_str()));
        let takes = a
            .view(uid)
            .keywords
            .iter()
            .filter(|k| keywords::is_taken(k))
            .count();
        assert_eq!(takes, 1, "the loser's keyword is not left behind");
    }
}

#[test]
fn keywords_set_by_another_client_survive_pli_sync_and_pli_s_own_changes() {
    keywords_survive(&Server::dovecot(), &dedicated_user("shared-keywords"));
}

/// Another client's tags survive Pli's sync, read, flag, take, release and forward marks, and
/// the folder says sharing works. (ASCII subject: Cyrus turns raw 8-bit header bytes into `X`.)
pub(crate) fn keywords_survive(server: &Server, user: &str) {
    server.empty(user);
    let a = server.workstation(user, false);
    let message_id = format!("<{}@ch-test.mssante.fr>", unique("kw"));
    server.deliver(
        "labo@ch-test.mssante.fr",
        user,
        &format!("From: <labo@ch-test.mssante.fr>\r\nTo: <{user}>\r\nSubject: Resultats\r\nMessage-ID: {message_id}\r\n\r\nTexte\r\n"),
    );
    let uid = a.sync_until("Resultats");
    let id = message_id.trim_matches(|c| c == '<' || c == '>').to_owned();
    server.webmail(
        user,
        &format!(
            "M.uid('STORE', uid_of('INBOX', '{id}'), '+FLAGS', '($Label1 Urgent_famille $Junk)')"
        ),
        "",
    );
    a.sync();
    let kept = a.view(uid).keywords;
    for keyword in ["$Label1", "Urgent_famille", "$Junk"] {
        assert!(kept.iter().any(|k| k == keyword), "{keyword} in {kept:?}");
    }

    // Pli's own changes: read, flagged, taken then released — the webmail's tags stay.
    {
        let mut store = a.store();
        let inbox = inbox_of(&store, &a.account);
        store
            .set_flag(&a.account.name, &inbox, uid, Flags::SEEN, true)
            .expect("seen");
        store
            .set_flag(&a.account.name, &inbox, uid, Flags::FLAGGED, true)
            .expect("flagged");
    }
    a.sync();
    a.handle(uid, HandlingAction::Take, "Claire")
        .expect("taken");
    a.handle(uid, HandlingAction::Release, "Claire")
        .expect("released");
    a.sync();
    let on_server = server.webmail(user, &format!("print(flags_of('INBOX', '{id}'))"), "");
    for keyword in ["$Label1", "Urgent_famille", "$Junk", "\\Seen", "\\Flagged"] {
        assert!(on_server.contains(keyword), "{keyword} in {on_server}");
    }
    assert!(!on_server.contains("$PliTaken"), "released: {on_server}");

    // A forward that left marks the original for every client.
    {
        let mut store = a.store();
        let inbox = inbox_of(&store, &a.account);
        handling::mark_forwarded(&mut store, &a.account.name, &inbox, uid).expect("marked");
    }
    a.sync();
    let on_server = server.webmail(user, &format!("print(flags_of('INBOX', '{id}'))"), "");
    assert!(on_server.contains("$Forwarded"), "{on_server}");
    assert!(on_server.contains("$Label1"), "{on_server}");
    let kept = a.view(uid).keywords;
    assert!(kept.iter().any(|k| k == "$Label1"), "{kept:?}");

    // A folder's PERMANENTFLAGS with `\*`: sharing is possible, and the store says so.
    let store = a.store();
    assert_eq!(
        store
            .keywords_shared(inbox_of(&store, &a.account).id)
            .expect("fact"),
        Some(true)
    );
}

#[test]
fn a_message_marked_junk_in_pli_is_junk_for_every_client_and_back() {
    junk_marks(&Server::dovecot(), &dedicated_user("shared-junk"));
}

/// "Indésirable" / "Pas indésirable" (the reader's, through `handling::mark_junk`): `$Junk`
/// and `$NotJunk` swap on the server for every client, another client's tags stay, and a
/// second workstation reads the mark.
pub(crate) fn junk_marks(server: &Server, user: &str) {
    server.empty(user);
    let a = server.workstation(user, false);
    let message_id = format!("<{}@ch-test.mssante.fr>", unique("junk"));
    let subject = unique("Promotion");
    server.deliver(
        "offres@ch-test.mssante.fr",
        user,
        &format!("From: <offres@ch-test.mssante.fr>\r\nTo: <{user}>\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n\r\nTexte\r\n"),
    );
    let uid = a.sync_until(&subject);
    let id = message_id.trim_matches(|c| c == '<' || c == '>').to_owned();
    // Another client said "not junk" first, and tagged it.
    server.webmail(
        user,
        &format!("M.uid('STORE', uid_of('INBOX', '{id}'), '+FLAGS', '($NotJunk $Label1)')"),
        "",
    );
    a.sync();
    let is_junk = |w: &Workstation| {
        let store = w.store();
        handling::is_junk(&store, &inbox_of(&store, &w.account), uid).expect("keywords")
    };
    assert!(!is_junk(&a));
    for junk in [true, false] {
        {
            let mut store = a.store();
            let inbox = inbox_of(&store, &a.account);
            handling::mark_junk(&mut store, &a.account.name, &inbox, uid, junk).expect("queued");
        }
        assert_eq!(is_junk(&a), junk, "shown at once");
        a.sync();
        let on_server = server.webmail(user, &format!("print(flags_of('INBOX', '{id}'))"), "");
        assert_eq!(
            on_server.contains("$Junk"),
            junk,
            "{:?}: {on_server}",
            server.kind
        );
        assert_eq!(
            on_server.contains("$NotJunk"),
            !junk,
            "{:?}: {on_server}",
            server.kind
        );
        assert!(on_server.contains("$Label1"), "{on_server}");
        let b = server.workstation(user, false);
        b.sync();
        assert_eq!(is_junk(&b), junk, "another workstation reads it");
    }
}

#[test]
fn a_folder_that_keeps_no_new_keywords_is_recorded_and_a_take_is_refused_with_a_reason() {
    // Dovecot without the right to write keywords in one folder (an ACL): its PERMANENTFLAGS
    // are `(\Deleted \Seen)`, without `\*` — a real server where sharing is limited.
    let user = dedicated_user("shared-limited");
    empty_mailbox(&user);
    let _ = std::process::Command::new(env("PLI_TEST_MAILSTACK_SH"))
        .args(["doveadm", "mailbox", "create", "-u", &user, "Limited"])
        .output();
    mailstack(&[
        "doveadm",
        "acl",
        "set",
        "-u",
        &user,
        "Limited",
        "owner",
        "lookup",
        "read",
        "write-seen",
        "write-deleted",
        "insert",
        "post",
        "expunge",
        "create",
        "delete",
        "admin",
    ]);
    let subject = unique("Plein");
    Server::dovecot().webmail(
        &user,
        "print(M.append('Limited', None, None, RAW))",
        &format!("From: <labo@ch-test.mssante.fr>\r\nTo: <{user}>\r\nSubject: {subject}\r\n\r\nTexte\r\n"),
    );
    let a = Workstation::new(&user, false);
    a.sync();
    let store = a.store();
    let limited = store
        .folder(&a.account.name, "Limited")
        .expect("store")
        .expect("the folder is synced without error");
    assert_eq!(
        store.keywords_shared(limited.id).expect("fact"),
        Some(false)
    );
    let inbox = inbox_of(&store, &a.account);
    assert_eq!(store.keywords_shared(inbox.id).expect("fact"), Some(true));
    assert_eq!(
        handling::sharing_limited_folders(&store, &a.account.name).expect("folders"),
        ["Limited"],
        "what `pli account list` and the box's settings show"
    );
    let uid = store.page(limited.id, 0, 10).expect("page")[0].uid;
    let refused = runtime().block_on(handling::handle(
        &a.profile,
        &a.account,
        &a.credentials,
        "Limited",
        uid,
        HandlingAction::Take,
        "Claire",
    ));
    assert!(
        matches!(refused, Err(HandlingError::SharingLimited)),
        "a take needs keywords: {refused:?}"
    );
    let trace = store.trace_since(None).expect("trace");
    assert!(trace
        .iter()
        .any(|line| line.action == "handle" && !line.ok && line.answer == "keywords not kept"));
    // A second pass is as quiet as the first.
    a.sync();
}

#[test]
fn eco_3_1_6_a_read_receipt_sent_from_one_workstation_is_not_offered_on_the_other() {
    let user = dedicated_user("shared-mdn");
    let asker = dedicated_user("shared-mdn-asker");
    empty_mailbox(&user);
    empty_mailbox(&asker);
    let (a, b) = (
        Workstation::new(&user, false),
        Workstation::new(&user, false),
    );
    let message_id = format!("<{}@ch-test.mssante.fr>", unique("mdn"));
    let subject = unique("Compte rendu");
    inject_raw(
        &asker,
        &user,
        &format!("From: <{asker}>\r\nTo: <{user}>\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\nDisposition-Notification-To: <{asker}>\r\n\r\nTexte\r\n"),
    );
    let uid = a.sync_until(&subject);
    b.sync_until(&subject);
    let answered = |w: &Workstation| {
        let store = w.store();
        let inbox = inbox_of(&store, &w.account);
        handling::receipt_answered(&store, &w.account.name, &inbox, uid, &message_id)
            .expect("asked")
    };
    assert!(!answered(&a) && !answered(&b));

    let to = vec![asker.clone()];
    let receipt = ReadReceipt {
        original: &message_id,
        original_message_id: Some(&message_id),
        original_subject: &subject,
        to: &to,
    };
    handling::acknowledge(&a.profile, &a.account, "INBOX", uid, &receipt)
        .expect("queued")
        .expect("a first receipt");
    runtime()
        .block_on(outbox::deliver(&a.profile, &a.account, &a.credentials))
        .expect("sent");
    a.sync();
    b.sync();
    assert!(
        answered(&b),
        "B sees $MDNSent and does not offer the receipt"
    );
    assert!(
        handling::acknowledge(&b.profile, &b.account, "INBOX", uid, &receipt)
            .expect("checked")
            .is_none(),
        "nor sends a second one"
    );
    assert!(b.view(uid).keywords.iter().any(|k| k == "$MDNSent"));
}

#[test]
fn seed_pharmacy_prescription_steps_round_trip_between_two_workstations() {
    pharmacy_steps(&Server::dovecot(), &dedicated_user("shared-pharmacy"));
}

/// A patient's prescription, its four steps written on one counter and read on the other; a
/// doctor's profile on the same box has no steps.
pub(crate) fn pharmacy_steps(server: &Server, user: &str) {
    server.empty(user);
    let (a, b) = (
        server.workstation(user, true),
        server.workstation(user, true),
    );
    let subject = unique("Mon ordonnance");
    patient_writes(server, user, &subject, None, &rfc2822(0));
    let uid = a.sync_until(&subject);
    b.sync_until(&subject);
    assert_eq!(a.kind(&subject), Some(PatientKind::Prescription));
    assert_eq!(b.view(uid).prescription, Some(PrescriptionState::Received));
    assert_eq!(b.view(uid).patient_kind, "prescription");

    let steps = [
        (&a, PrescriptionState::Preparing, &b),
        (&b, PrescriptionState::Ready, &a),
        (&a, PrescriptionState::Delivered, &b),
        (&b, PrescriptionState::Received, &a),
    ];
    for (writer, state, reader) in steps {
        assert_eq!(writer.prescription(uid, state).expect("step"), state);
        reader.sync();
        assert_eq!(
            reader.view(uid).prescription,
            Some(state),
            "{:?} {state:?}",
            server.kind
        );
    }

    // Only a pharmacy's box has steps.
    let doctor = server.workstation(user, false);
    doctor.sync();
    assert!(matches!(
        doctor.prescription(uid, PrescriptionState::Ready),
        Err(HandlingError::NotPharmacy)
    ));
    assert_eq!(doctor.view(uid).prescription, None);
}

#[test]
fn a_take_on_one_workstation_reaches_the_other_s_worker_through_idle_within_5_seconds() {
    take_seen_through_idle(&Server::dovecot(), &dedicated_user("shared-idle"));
}

/// B's worker (the window's) idles on the box; A's take reaches B's store within 5 s.
pub(crate) fn take_seen_through_idle(server: &Server, user: &str) {
    server.empty(user);
    let (a, b) = (
        server.workstation(user, false),
        server.workstation(user, false),
    );
    let subject = unique("Appel de la famille");
    server.deliver_text("famille@ch-test.mssante.fr", user, &subject, "Bonjour");
    let uid = a.sync_until(&subject);
    let store_path = b.profile.store_file();
    let runtime = runtime();
    runtime.block_on(async {
        let (events_tx, mut events) = tokio::sync::mpsc::channel(64);
        let (commands, commands_rx) = tokio::sync::mpsc::channel(4);
        let credentials = b.credentials.clone();
        let load = move |_: &Account| Ok(credentials.clone());
        let running = tokio::spawn(worker::run(
            b.account.clone(),
            store_path,
            load,
            events_tx,
            commands_rx,
        ));
        loop {
            match tokio::time::timeout(Duration::from_secs(30), events.recv())
                .await
                .expect("worker answers")
            {
                Some(worker::Event::Connectivity {
                    state: worker::Connectivity::UpToDate,
                    ..
                }) => break,
                Some(worker::Event::Connectivity {
                    state: worker::Connectivity::Offline { reason, .. },
                    ..
                }) => panic!("offline: {reason}"),
                Some(_) => {}
                None => panic!("worker stopped"),
            }
        }
        // The worker fetches recent bodies before it idles: give it that moment.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let taken_at = Instant::now();
        a.handle_async(uid, HandlingAction::Take, "Hélène Noël")
            .await
            .expect("taken");
        let took = taken_at.elapsed();
        let latency = loop {
            if b.view(uid).handler.as_deref() == Some("Hélène Noël") {
                break taken_at.elapsed();
            }
            assert!(
                taken_at.elapsed() < Duration::from_secs(5),
                "B did not see the take within 5 s on {:?}",
                server.kind
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        eprintln!(
            "{:?}: take on A: {took:?}; seen by B's worker after {latency:?}",
            server.kind
        );
        commands.send(worker::Command::Stop).await.expect("stop");
        let _ = tokio::time::timeout(Duration::from_secs(10), running).await;
    });
}
