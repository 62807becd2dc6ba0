//! The patient's file through its use case (`usecase::patient_file`), on a store filled the way
//! synchronisation fills it: the ANS replacement pair (v1 then v2) ends with v2 filed over v1,
//! still listed as replaced; the same archive received twice is flagged once, not listed twice.

use pli_core::mail::store::{Role, Store};
use pli_core::mssante::ins::Ins;
use pli_core::usecase::patient_file::{self, FileEntry};
use pli_testkit::shared::shared_bytes;

use crate::message_list::envelope_of;
use crate::xdm::{message_with_archive, xdm_around};

const INS: &str = "279035121518989";
const TEST_INS_OID: &str = "1.2.250.1.213.1.4.10";

/// Stores `raw` in the INBOX of `account` under `uid`, envelope then body, as a sync does.
fn deliver(store: &mut Store, account: &str, uid: u32, raw: &[u8]) -> i64 {
    let folder = store
        .upsert_folder(account, "INBOX", Some(Role::Inbox))
        .expect("a folder");
    store
        .insert_envelopes(folder.id, &[envelope_of(raw, uid)])
        .expect("the envelope");
    store.set_raw(folder.id, uid, raw, "").expect("the body");
    folder.id
}

fn ans_message(file: &str, test: &str, message_id: &str, date: &str) -> Option<Vec<u8>> {
    let cda = shared_bytes(&format!("xdm-cda/ans-mss-lps/{file}"), test)?;
    let archive = xdm_around(&cda, &format!("{INS}^^^&{TEST_INS_OID}&ISO^NH"));
    Some(message_with_archive(
        "radiologie@ch-test.mssante.fr",
        &format!("Message-ID: <{message_id}>\r\nDate: {date}\r\n"),
        &archive,
        "application/zip",
    ))
}

const V1_ID: &str = "1.2.250.1.71.4.2.2.120456789.71024000081";

#[test]
fn ans_replacement_pair_v2_is_filed_over_v1_which_stays_listed_as_replaced() {
    let test = "ans_replacement_pair_v2_is_filed_over_v1_which_stays_listed_as_replaced";
    let (Some(v1), Some(v2)) = (
        ans_message(
            "CR_Radio_CDAN1_v1.XML",
            test,
            "v1@test",
            "Fri, 09 Apr 2021 10:00:00 +0200",
        ),
        ans_message(
            "CR_Radio_CDAN1_v2.XML",
            test,
            "v2@test",
            "Mon, 12 Apr 2021 10:00:00 +0200",
        ),
    ) else {
        return;
    };
    let folder = tempfile::tempdir().expect("a folder");
    let path = folder.path().join("store.sqlite");
    let mut store = Store::open(&path).expect("a store");
    let inbox = deliver(&mut store, "cabinet", 1, &v1);
    deliver(&mut store, "cabinet", 2, &v2);
    drop(store);
    let ins = Ins::parse(INS).expect("the ANS test INS");

    // v1 filed when it came; then v2 arrives and is filed over it.
    patient_file::file(&path, V1_ID, &ins).expect("v1 filed");
    let history = patient_file::history(&path, V1_ID, inbox, 1).expect("v1's history");
    assert_eq!(history.filed_in.as_deref(), Some(INS));
    assert_eq!(
        history.replaced_by.len(),
        1,
        "v2 names v1 as the one it replaces"
    );
    let v2_id = history.replaced_by[0].cda_id.clone().expect("v2's id");

    let v2_history = patient_file::history(&path, &v2_id, inbox, 2).expect("v2's history");
    assert_eq!(
        v2_history
            .replaces
            .as_ref()
            .and_then(|v1| v1.title.as_deref()),
        Some("Pelvis Masculin"),
        "v2's card can say which document it replaces"
    );
    assert_eq!(v2_history.filed_in, None, "not filed yet");
    patient_file::file(&path, &v2_id, &ins).expect("v2 filed");

    let file = patient_file::open(&path, &ins).expect("the file");
    let documents: Vec<(Option<&str>, bool, usize)> = file
        .entries
        .iter()
        .filter_map(|entry| match entry {
            FileEntry::Document {
                document,
                replaced_by,
            } => Some((
                document.title.as_deref(),
                document.filed_in.is_some(),
                replaced_by.len(),
            )),
            FileEntry::Message { .. } => None,
        })
        .collect();
    assert_eq!(
        documents,
        [
            (Some("Radio de hanche"), true, 0),
            (Some("Pelvis Masculin"), true, 1)
        ],
        "v2 first and filed; v1 still there, filed, shown as replaced"
    );
}

#[test]
fn the_same_archive_received_twice_is_flagged_once_and_listed_once() {
    let test = "the_same_archive_received_twice_is_flagged_once_and_listed_once";
    let (Some(first), Some(second)) = (
        ans_message(
            "CR_Radio_CDAN1_v1.XML",
            test,
            "first@test",
            "Fri, 09 Apr 2021 10:00:00 +0200",
        ),
        ans_message(
            "CR_Radio_CDAN1_v1.XML",
            test,
            "again@test",
            "Sat, 10 Apr 2021 10:00:00 +0200",
        ),
    ) else {
        return;
    };
    let folder = tempfile::tempdir().expect("a folder");
    let path = folder.path().join("store.sqlite");
    let mut store = Store::open(&path).expect("a store");
    let inbox = deliver(&mut store, "cabinet", 1, &first);
    deliver(&mut store, "cabinet", 2, &second);
    // A copy of the first message in another folder is not a second receipt.
    let archives = store
        .upsert_folder("cabinet", "Archives", Some(Role::Archive))
        .expect("a folder");
    drop(store);
    let mut store = Store::open(&path).expect("the store");
    store
        .insert_envelopes(archives.id, &[envelope_of(&first, 7)])
        .expect("the copy");
    store
        .set_raw(archives.id, 7, &first, "")
        .expect("the copy's body");
    drop(store);

    let first_history = patient_file::history(&path, V1_ID, inbox, 1).expect("history");
    assert_eq!(first_history.first_received, None, "the first one is new");
    let copy_history = patient_file::history(&path, V1_ID, archives.id, 7).expect("history");
    assert_eq!(
        copy_history.first_received, None,
        "a copy of the same message is not flagged"
    );
    let again = patient_file::history(&path, V1_ID, inbox, 2).expect("history");
    let received = again.first_received.expect("flagged as already received");
    assert_eq!(
        chrono::DateTime::from_timestamp(received, 0)
            .expect("a date")
            .to_rfc3339(),
        "2021-04-09T08:00:00+00:00",
        "with the date it first came"
    );

    let file = patient_file::open(&path, &Ins::parse(INS).expect("INS")).expect("the file");
    let documents = file
        .entries
        .iter()
        .filter(|entry| matches!(entry, FileEntry::Document { .. }))
        .count();
    assert_eq!(documents, 1, "listed once: {:#?}", file.entries);
}
