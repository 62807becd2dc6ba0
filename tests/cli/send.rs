use crate::common::*;
use pli_core::mail::store::open_profile_store;
use pli_core::profile::Profile;

/// A profile holding one box of the stack for `user` (TLS, the password piped in).
pub(crate) fn profile_with_box(user: &str, name: &str) -> tempfile::TempDir {
    let profile = tempfile::tempdir().expect("a profile folder");
    add_box(profile.path(), user, name);
    profile
}

pub(crate) fn outbox_of(profile: &tempfile::TempDir, name: &str) -> usize {
    open_profile_store(&Profile::at(profile.path()))
        .expect("the profile's store")
        .outbox(name)
        .expect("the outbox")
        .len()
}

#[test]
fn a_message_sent_with_pli_send_leaves_with_pli_sync_and_reaches_the_other_box() {
    let sender = dedicated_user("cli-send-from");
    let recipient = dedicated_user("cli-send-to");
    empty_mailbox(&sender);
    empty_mailbox(&recipient);
    let profile = profile_with_box(&sender, "labo");
    let body = profile.path().join("resultats.txt");
    std::fs::write(&body, "Bonjour,\nles résultats sont joints.\n").expect("body written");
    let report = profile.path().join("CR_biologie.pdf");
    std::fs::write(&report, b"%PDF-1.4\n%%EOF\n").expect("attachment written");
    let subject = format!("Résultats de biologie {}", std::process::id());

    let sent = pli(
        profile.path(),
        &[
            "send",
            "labo",
            "--to",
            &recipient,
            "--subject",
            &subject,
            "--body-file",
            body.to_str().expect("utf-8"),
            "--attach",
            report.to_str().expect("utf-8"),
        ],
        "",
    );
    assert!(sent.status.success(), "{}", text(&sent));
    let message_id = String::from_utf8_lossy(&sent.stdout).trim().to_string();
    assert!(
        message_id.starts_with('<') && message_id.ends_with('>'),
        "the Message-ID alone on standard output: {message_id:?}"
    );
    assert_eq!(outbox_of(&profile, "labo"), 1, "queued, not sent yet");

    let synced = pli(profile.path(), &["sync", "labo"], "");
    assert!(synced.status.success(), "{}", text(&synced));
    assert!(
        text(&synced).contains("One message of the outbox left."),
        "{}",
        text(&synced)
    );
    assert_eq!(outbox_of(&profile, "labo"), 0, "nothing waits any more");

    let runtime = runtime();
    assert_eq!(
        runtime.block_on(wait_for_copies(&recipient, &message_id, 1)),
        1,
        "the other box received it once"
    );
    let raw = runtime.block_on(fetch_by_message_id(&recipient, &message_id));
    let read = mail_parser::MessageParser::default()
        .parse(&raw)
        .expect("a message");
    assert_eq!(read.subject(), Some(subject.as_str()));
    let body = read.body_text(0).expect("a text");
    assert!(body.contains("les résultats sont joints"), "{body}");
    assert_eq!(read.attachment_count(), 1);
    assert!(
        read.header("X-MSS-NIL").is_some(),
        "the MSSanté header is on it"
    );
    assert_eq!(
        runtime.block_on(copies_of(&sender, "Sent", &message_id)),
        1,
        "the copy in Sent is made"
    );
}

#[test]
fn pli_send_refuses_what_the_rules_stop_and_queues_nothing() {
    let sender = dedicated_user("cli-send-refused");
    let profile = profile_with_box(&sender, "labo");

    let outside = pli(
        profile.path(),
        &[
            "send",
            "labo",
            "--to",
            "cousin.dupont@gmail.com",
            "--subject",
            "Résultats",
        ],
        "",
    );
    assert_eq!(outside.status.code(), Some(1), "{}", text(&outside));
    assert!(outside.stdout.is_empty(), "no Message-ID for a refusal");
    let said = text(&outside);
    assert!(
        said.contains("“cousin.dupont@gmail.com” is outside the MSSanté trust space"),
        "{said}"
    );
    assert!(
        said.contains("send this message from Pli's window"),
        "{said}"
    );

    let wrong_key = pli(
        profile.path(),
        &[
            "send",
            "labo",
            "--to",
            "279035121518988@patient.mssante.fr",
            "--subject",
            "Résultats",
        ],
        "",
    );
    assert_eq!(wrong_key.status.code(), Some(1), "{}", text(&wrong_key));
    assert!(
        text(&wrong_key).contains("is not a valid patient address"),
        "{}",
        text(&wrong_key)
    );

    let missing = profile.path().join("absent.pdf");
    let unreadable = pli(
        profile.path(),
        &[
            "send",
            "labo",
            "--to",
            "helene.noel@medecin.mssante.fr",
            "--subject",
            "Résultats",
            "--attach",
            missing.to_str().expect("utf-8"),
        ],
        "",
    );
    assert_eq!(unreadable.status.code(), Some(1), "{}", text(&unreadable));
    assert!(
        text(&unreadable).contains("absent.pdf” cannot be read"),
        "{}",
        text(&unreadable)
    );

    assert_eq!(outbox_of(&profile, "labo"), 0, "nothing was queued");
}

/// An extraction of the national directory listing one PER box.
fn extraction_listing(address: &str) -> String {
    use pli_core::directory::fixture::COLUMNS;
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
    set("Civilité d'exercice", "DR");
    set("Nom d'exercice", "Martin");
    set("Prénom d'exercice", "Jean");
    set("Code Profession", "10");
    set("Libellé Profession", "Médecin");
    set("Raison Sociale structure BAL", "CH de Lens");
    set("L6LIGNEACHEMINEMENT structure BAL", "62300 LENS");
    format!("{}\n{}\n", COLUMNS.join("|"), fields.join("|"))
}

/// ECO.2.2.7: the From name of a box the national directory lists is built from its entry
/// (`<Titre>_<Prénom>_<NOM>_<Entité>`), not from the free text of the box's settings.
#[test]
fn eco_2_2_7_the_from_name_is_the_directory_entry_of_the_box_in_the_rule_s_format() {
    let sender = dedicated_user("cli-send-named");
    let recipient = dedicated_user("cli-send-to");
    empty_mailbox(&sender);
    let profile = profile_with_box(&sender, "cabinet");
    let extraction = profile.path().join("Extraction_Correspondance_MSSante.txt");
    std::fs::write(&extraction, extraction_listing(&sender)).expect("the extraction");
    let imported = pli(
        profile.path(),
        &["directory", "import", extraction.to_str().expect("utf-8")],
        "",
    );
    assert!(imported.status.success(), "{}", text(&imported));
    let body = profile.path().join("avis.txt");
    std::fs::write(&body, "Bonjour,\n").expect("body written");
    let sent = pli(
        profile.path(),
        &[
            "send",
            "cabinet",
            "--to",
            &recipient,
            "--subject",
            &format!("Avis {}", std::process::id()),
            "--body-file",
            body.to_str().expect("utf-8"),
        ],
        "",
    );
    assert!(sent.status.success(), "{}", text(&sent));
    let message_id = String::from_utf8_lossy(&sent.stdout).trim().to_string();
    let synced = pli(profile.path(), &["sync", "cabinet"], "");
    assert!(synced.status.success(), "{}", text(&synced));

    let runtime = runtime();
    assert_eq!(
        runtime.block_on(wait_for_copies(&recipient, &message_id, 1)),
        1
    );
    let raw = runtime.block_on(async {
        let mut session = server_session(&recipient).await;
        session.select("INBOX").await.expect("select");
        let id = message_id.trim_matches(|c| c == '<' || c == '>');
        let uids = session
            .uid_search(format!("HEADER Message-ID \"{id}\""))
            .await
            .expect("search");
        let uid = uids.into_iter().next().expect("the message");
        let fetched: Vec<_> = futures::TryStreamExt::try_collect(
            session
                .uid_fetch(uid.to_string(), "BODY.PEEK[HEADER.FIELDS (FROM)]")
                .await
                .expect("fetch"),
        )
        .await
        .expect("fetched");
        let _ = session.logout().await;
        String::from_utf8_lossy(fetched[0].header().expect("the From line")).into_owned()
    });
    let read = mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .expect("a header");
    let from = read.from().and_then(|from| from.first()).expect("a From");
    assert_eq!(from.name(), Some("Dr_Jean_MARTIN_CH de Lens"), "{raw}");
    assert_eq!(from.address(), Some(sender.as_str()));
}

#[test]
fn eco_2_2_6_pli_send_to_a_patient_waits_for_the_identity_confirmation() {
    let sender = dedicated_user("cli-send-patient-identity");
    let profile = profile_with_box(&sender, "cabinet");
    let to_patient = |confirmed: bool| {
        let mut arguments = vec![
            "send",
            "cabinet",
            "--to",
            "279035121518989@patient.mssante.fr",
            "--subject",
            "Vos résultats",
        ];
        if confirmed {
            arguments.push("--patient-identity-confirmed");
        }
        pli(profile.path(), &arguments, "")
    };

    let refused = to_patient(false);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    let said = text(&refused);
    assert!(
        said.contains("INS 2 79 03 51 215 189 89 (female, born 03/79)"),
        "what the matricule says: {said}"
    );
    assert!(said.contains("--patient-identity-confirmed"), "{said}");
    assert_eq!(outbox_of(&profile, "cabinet"), 0, "nothing queued");

    let confirmed = to_patient(true);
    assert!(confirmed.status.success(), "{}", text(&confirmed));
    assert_eq!(outbox_of(&profile, "cabinet"), 1);
    // The confirmation is in the ECO.4.1 trace, without the patient's matricule.
    let trace = pli(profile.path(), &["trace", "export"], "");
    let csv = String::from_utf8_lossy(&trace.stdout).to_string();
    let line = csv
        .lines()
        .find(|line| line.contains(",identity,"))
        .unwrap_or_else(|| panic!("the confirmation is traced: {csv}"));
    assert!(line.contains("1 patient(s)"), "{line}");
    assert!(!csv.contains("279035121518989"), "{csv}");
}
