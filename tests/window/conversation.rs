//! Issue 13 in the window: on a shared box, "Je m'occupe de toute la conversation" takes every
//! message of the patient's conversation on the server, and the box list counts them all as the
//! person's.

use std::sync::Arc;
use std::time::Duration;

use crate::common::*;
use crate::live::*;
use iced_test::simulator;
use pli::i18n::{I18n, Language};
use pli::ui::Pli;
use pli_core::mail::account::{save_accounts, BoxKind};
use pli_core::mail::secrets::{SecretKind, Secrets};
use pli_core::mail::store::Role;
use pli_core::profile::Profile;
use pli_core::settings::ProfileSettings;
use pli_core::usecase::handling::HandlingCounts;

#[test]
fn issue_13_je_m_occupe_de_toute_la_conversation_takes_every_message_of_the_patient() {
    let user = dedicated_user("ui-conversation");
    empty_mailbox(&user);
    let family = "279035121518989@patient.mssante.fr";
    for subject in ["Maman a de la fièvre", "Suite : la fièvre est tombée"] {
        inject(family, &user, subject, "Bonjour");
    }
    let folder = tempfile::tempdir().expect("a temporary folder");
    let profile = Profile::at(folder.path());
    let (mut account, _) = box_of(&user);
    account.kind = BoxKind::Organisational;
    save_accounts(&profile.accounts_file(), std::slice::from_ref(&account))
        .expect("accounts written");
    Secrets::os(profile.keyring_service())
        .expect("keyring")
        .set(&account.name, SecretKind::Password, &password())
        .expect("password in the keyring");
    ProfileSettings {
        person_name: Some("Claire Dubois".into()),
        ..ProfileSettings::default()
    }
    .save(&profile.settings_file())
    .expect("settings written");
    let mut pli = Pli::new(profile, Arc::new(I18n::new(Language::Fr)), false);
    let runtime = Runtime::new();
    runtime.start_worker(&folder, &account);
    let name = account.name.clone();
    runtime.until(&mut pli, Duration::from_secs(30), |pli| {
        folder_of(pli, &name, Role::Inbox)
            .and_then(|inbox| pli.store().and_then(|store| store.count(inbox.id).ok()))
            .is_some_and(|count| count == 2)
            && shows(pli, "Réception")
    });
    let inbox = folder_of(&pli, &name, Role::Inbox).expect("INBOX").id;
    open_message(&runtime, &mut pli, &name, inbox, "Maman a de la fièvre");
    runtime.until(&mut pli, Duration::from_secs(10), |pli| {
        shows(pli, "Je m'occupe de toute la conversation")
    });

    let mut ui = simulator(pli.view());
    ui.click("Je m'occupe de toute la conversation")
        .expect("the bar's button");
    let messages = ui.into_messages().collect();
    runtime.deliver(&mut pli, messages);
    runtime.until(&mut pli, Duration::from_secs(20), |pli| {
        shows(pli, "Pris en charge par Claire Dubois.") || pli.reader.notice().is_some()
    });
    assert!(
        shows(&pli, "Pris en charge par Claire Dubois."),
        "{:?}",
        pli.reader.notice()
    );
    // Both messages are hers: the box list says so.
    runtime.until(&mut pli, Duration::from_secs(10), |pli| {
        pli.message_list.boxes()[0].handling
            == Some(HandlingCounts {
                to_handle: 0,
                mine: 2,
                handled: 0,
            })
    });
}
