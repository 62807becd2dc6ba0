//! The composer's own logic: drafts reopened, completion, addresses, subjects.

use super::*;

#[test]
fn a_draft_reopened_keeps_both_notifications_it_asked_for() {
    let doctor = pli_core::mail::account::example_doctor();
    let raw = b"From: dr.martin@ch-test.mssante.fr\r\n\
To: helene.noel@ch-test.mssante.fr\r\n\
Subject: Compte rendu\r\n\
Disposition-Notification-To: dr.martin@ch-test.mssante.fr\r\n\
X-Pli-Delivery-Notification: yes\r\n\r\nBonjour\r\n";
    let reopened = Composer::from_draft(7, &doctor, raw, None);
    assert!(reopened.delivery_notification);
    assert!(reopened.read_notification);
    let plain = Composer::from_draft(8, &doctor, b"From: a@b.fr\r\nSubject: x\r\n\r\ny\r\n", None);
    assert!(!plain.delivery_notification && !plain.read_notification);
}

#[test]
fn completion_ignores_accents_and_case_and_matches_word_starts() {
    let known = [
        Known::new("Dr Hélène Noël", "helene.noel@ch-test.mssante.fr"),
        Known::new(
            "Laboratoire BioAnalyse",
            "resultats@labo-bioanalyse.mssante.fr",
        ),
    ];
    let found = suggestions("hel", &known);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].address, "helene.noel@ch-test.mssante.fr");
    assert_eq!(suggestions("NOEL ch", &known).len(), 1);
    assert_eq!(suggestions("labo", &known).len(), 1);
    assert!(
        suggestions("l", &known).is_empty(),
        "one letter is too little"
    );
    assert!(suggestions("xyz", &known).is_empty());
}

#[test]
fn completing_replaces_only_the_address_being_typed() {
    assert_eq!(
        complete("a@b.fr, hel", "Hélène <h@c.fr>"),
        "a@b.fr, Hélène <h@c.fr>, "
    );
    assert_eq!(complete("hel", "h@c.fr"), "h@c.fr, ");
    assert_eq!(partial("a@b.fr;  noë"), "noë");
}

#[test]
fn fields_give_bare_addresses() {
    assert_eq!(
        addresses("Dr Noël <helene.noel@ch.mssante.fr>, a@b.fr; ,"),
        ["helene.noel@ch.mssante.fr", "a@b.fr"]
    );
}

#[test]
fn subjects_get_one_marker_and_lose_the_xdm_prefix() {
    assert_eq!(reply_subject("Résultats"), "Re: Résultats");
    assert_eq!(reply_subject("RE: Résultats"), "RE: Résultats");
    assert_eq!(
        reply_subject("XDM/1.0/DDM+Compte rendu DUPONT Jeanne 01/02/1950"),
        "Re: Compte rendu DUPONT Jeanne 01/02/1950"
    );
    assert_eq!(forward_subject("Résultats"), "Tr : Résultats");
    assert_eq!(forward_subject("TR : Résultats"), "TR : Résultats");
}
