//! Issue 15 in the window: the search field over everything the store holds, one box or every
//! box, with where the words matched; the server asked for the messages whose body is not on this
//! computer, those marked "sur le serveur"; a server that cannot be asked said so, the store's
//! results kept.

use std::sync::Arc;
use std::time::Duration;

use crate::common::*;
use crate::live::*;
use iced_test::simulator;
use pli::i18n::{I18n, Language};
use pli::ui::message_list::SEARCH_FIELD;
use pli::ui::Pli;
use pli_core::mail::account::{save_accounts, Account};
use pli_core::mail::connect::Credentials;
use pli_core::mail::secrets::{SecretKind, Secrets};
use pli_core::mail::store::Store;
use pli_core::profile::Profile;

fn message(to: &str, from: &str, date: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: <{to}>\r\nSubject: {subject}\r\nDate: {date}\r\n\
         Message-ID: <{subject}.{to}@test>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// The subjects of the search's results, in the list's order, and which the server found.
fn results(pli: &Pli) -> Vec<(String, bool)> {
    pli.message_list
        .search()
        .results
        .iter()
        .flatten()
        .map(|row| (row.envelope.subject.clone(), row.on_server))
        .collect()
}

fn click(runtime: &Runtime, pli: &mut Pli, label: &str) {
    let mut ui = simulator(pli.view());
    ui.click(label).expect("on screen");
    let messages = ui.into_messages().collect();
    runtime.deliver(pli, messages);
}

fn answered(pli: &Pli) -> bool {
    pli.message_list.search().is_active() && !pli.message_list.search().asking_servers
}

#[test]
fn issue_15_the_window_searches_one_box_or_every_box_shows_the_match_and_asks_the_server_for_what_is_not_here(
) {
    let cabinet_user = dedicated_user("ui-search-cabinet");
    let archives_user = dedicated_user("ui-search-archives");
    for user in [&cabinet_user, &archives_user] {
        empty_mailbox(user);
    }
    save_raw(
        &cabinet_user,
        &message(
            &cabinet_user,
            "Dr Hélène Noël <helene.noel@ch-test.mssante.fr>",
            "Mon, 2 Nov 2026 09:00:00 +0100",
            "bilan-noel",
            "Échographie rénale normale.",
        ),
    );
    save_raw(
        &archives_user,
        &message(
            &archives_user,
            "Archives <archives@ch-test.mssante.fr>",
            "Mon, 3 Jan 2011 09:00:00 +0100",
            "kyste-2011",
            "Échographie de 2011 : kyste biliaire.",
        ),
    );
    save_raw(
        &archives_user,
        &message(
            &archives_user,
            "Dr Noël <helene.noel@ch-test.mssante.fr>",
            "Tue, 1 Dec 2026 09:00:00 +0100",
            "controle-recent",
            "Échographie de contrôle sans particularité.",
        ),
    );

    let folder = tempfile::tempdir().expect("a temporary folder");
    let profile = Profile::at(folder.path());
    let (cabinet, cabinet_credentials) = box_of(&cabinet_user);
    let (mut archives, archives_credentials) = box_of(&archives_user);
    // The archives box keeps six months of bodies: the 2011 message is only on the server.
    archives.offline_months = Some(6);
    let boxes: [(&Account, &Credentials); 2] = [
        (&cabinet, &cabinet_credentials),
        (&archives, &archives_credentials),
    ];
    save_accounts(
        &profile.accounts_file(),
        &[cabinet.clone(), archives.clone()],
    )
    .expect("accounts written");
    let secrets = Secrets::os(profile.keyring_service()).expect("keyring");
    for (account, _) in boxes {
        secrets
            .set(&account.name, SecretKind::Password, &password())
            .expect("password in the keyring");
    }
    let runtime = Runtime::new();
    // What the boxes' workers leave in the store after their passes: envelopes, then bodies.
    {
        let mut store = Store::open(&profile.store_file()).expect("store");
        for (account, credentials) in boxes {
            runtime
                .tokio
                .block_on(pli_core::mail::sync::sync_account(
                    account,
                    credentials,
                    &mut store,
                    &mut |_| {},
                ))
                .expect("envelopes");
            runtime
                .tokio
                .block_on(pli_core::mail::offline_copy::copy_account(
                    account,
                    credentials,
                    &mut store,
                    &mut |_| {},
                ))
                .expect("bodies");
        }
    }
    let mut pli = Pli::new(profile.clone(), Arc::new(I18n::new(Language::Fr)), false);

    // The box shown first is searched: its match, and where in the body the words are.
    type_into(&runtime, &mut pli, SEARCH_FIELD, "échographie", None);
    runtime.until(&mut pli, Duration::from_secs(20), answered);
    assert_eq!(results(&pli), [("bilan-noel".to_string(), false)]);
    assert!(
        shows(&pli, "— Échographie rénale normale."),
        "the row shows where the words matched"
    );
    assert!(!shows(&pli, "sur le serveur"));

    // Every box: the other box's copied message, and the old one its server found.
    click(&runtime, &mut pli, "Toutes les boîtes");
    runtime.until(&mut pli, Duration::from_secs(20), |pli| {
        answered(pli) && results(pli).len() == 3
    });
    assert_eq!(
        results(&pli),
        [
            ("controle-recent".to_string(), false),
            ("bilan-noel".to_string(), false),
            ("kyste-2011".to_string(), true),
        ]
    );
    assert!(shows(&pli, "sur le serveur"), "the server's find is marked");
    assert!(
        shows(&pli, &format!("{} · Réception", archives.name)),
        "a result of every box names its box and folder"
    );
    assert!(shows(&pli, "— Échographie de contrôle sans particularité."));

    // Only messages with an attachment: none here.
    click(&runtime, &mut pli, "Avec pièce jointe");
    runtime.until(&mut pli, Duration::from_secs(20), answered);
    assert!(results(&pli).is_empty(), "{:?}", results(&pli));
    assert!(shows(&pli, "Aucun message ne correspond à la recherche."));
    click(&runtime, &mut pli, "Avec pièce jointe");
    runtime.until(&mut pli, Duration::from_secs(20), |pli| {
        answered(pli) && results(pli).len() == 3
    });

    // The archives' server refuses the sign-in now: the window says the results may miss
    // messages, and keeps what this computer has.
    secrets
        .set(
            &archives.name,
            SecretKind::Password,
            &pli_core::mail::secrets::Secret::new("not-the-password"),
        )
        .expect("a wrong password in the keyring");
    type_into(&runtime, &mut pli, SEARCH_FIELD, " ", None);
    runtime.until(&mut pli, Duration::from_secs(20), |pli| {
        answered(pli) && pli.message_list.search().server_unreachable
    });
    assert_eq!(
        results(&pli),
        [
            ("controle-recent".to_string(), false),
            ("bilan-noel".to_string(), false),
        ]
    );
    assert!(shows(&pli, "Le serveur n'a pas pu être interrogé"));
}
