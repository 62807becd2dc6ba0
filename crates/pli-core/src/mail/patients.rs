//! Patient conversations rebuilt from what the box holds on the server, so that every
//! workstation, a fresh install and the operator's webmail agree (issue 13).
//!
//! Whenever sync stores messages with a patient — the patient's, or the box's own to them,
//! found in Sent or in any folder with the box's address as sender, whichever client wrote
//! them — that patient's conversation is replayed from all the messages the store holds with
//! them, oldest first (`mssante::conversation::replay`): which messages the box sent, which
//! closed the conversation (`X-MSS-MES: FIN`, ECO.2.2.8), and each patient message is
//! classified as the conversation stood when it arrived. The `patient_conversation` row that
//! `send::queue` writes is then a cache of that result, never the only truth.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::account::Account;
use super::store::{Envelope, Folder, PatientKind, Result, Role, Store};
use crate::mssante::address::{classify, AddressClass};
use crate::mssante::conversation::{
    replay, Exchange, MailboxRole, PatientMessage, PatientMessageKind,
};
use crate::mssante::ins::Ins;
use crate::mssante::whitelist::TrustList;

/// Rebuilds the conversations of the patients a batch of stored envelopes concerns.
pub fn envelopes_stored(
    store: &Store,
    account: &Account,
    folder: &Folder,
    envelopes: &[Envelope],
) -> Result<()> {
    let mut patients = BTreeMap::new();
    let written_by_box = |envelope: &Envelope| {
        folder.role == Some(Role::Sent)
            || envelope.from_address.eq_ignore_ascii_case(&account.address)
    };
    for envelope in envelopes {
        if let Some(patient) = patient_of(&envelope.from_address) {
            patients.insert(patient.as_str().to_owned(), patient);
        } else if written_by_box(envelope) && folder.role != Some(Role::Drafts) {
            for patient in patients_among(&envelope.recipients) {
                patients.insert(patient.as_str().to_owned(), patient);
            }
        }
    }
    for patient in patients.values() {
        rebuild(store, account, patient)?;
    }
    Ok(())
}

/// Replays one patient's conversation from the store, classifies each of their messages and
/// refreshes the cached conversation.
pub fn rebuild(store: &Store, account: &Account, patient: &Ins) -> Result<()> {
    let role = if account.pharmacy {
        MailboxRole::Pharmacy
    } else {
        MailboxRole::Standard
    };
    let address = patient.patient_address();
    let stored = store.patient_exchanges(&account.name, &account.address, &address)?;

    // A message filed twice (Sent and an archive) counts once; a draft was never sent.
    let mut seen = HashSet::new();
    let stored: Vec<_> = stored
        .into_iter()
        .filter(|exchange| !(exchange.from_box && exchange.draft))
        .filter(|exchange| {
            !exchange.from_box || patients_among(&exchange.recipients).contains(patient)
        })
        .filter(|exchange| match &exchange.message_id {
            Some(id) => seen.insert((exchange.from_box, id.clone())),
            None => true,
        })
        .collect();
    // Oldest first, a reply after what it answers even when the patient's clock is behind or
    // both carry the same second: a message's place is its date, or the date of the box's
    // message it names when that is later; at the same moment the box's message comes first.
    let sent_dates: HashMap<String, i64> = stored
        .iter()
        .filter(|exchange| exchange.from_box)
        .filter_map(|exchange| Some((bare_id(exchange.message_id.as_deref()?), exchange.date)))
        .collect();
    let mut stored = stored;
    stored.sort_by_key(|exchange| {
        let named = exchange
            .in_reply_to
            .iter()
            .chain(exchange.references.iter())
            .flat_map(|ids| ids.split_whitespace())
            .filter_map(|id| sent_dates.get(&bare_id(id)).copied())
            .max();
        let place = if exchange.from_box {
            exchange.date
        } else {
            named.map_or(exchange.date, |named| named.max(exchange.date))
        };
        (place, !exchange.from_box)
    });
    let references: Vec<Vec<&str>> = stored
        .iter()
        .map(|exchange| {
            exchange
                .references
                .as_deref()
                .map(|r| r.split_whitespace().collect())
                .unwrap_or_default()
        })
        .collect();
    let exchanges = stored
        .iter()
        .zip(&references)
        .map(|(exchange, references)| {
            if exchange.from_box {
                Exchange::Sent {
                    message_id: exchange.message_id.as_deref().unwrap_or_default(),
                    closes: exchange.closes_conversation,
                }
            } else {
                Exchange::Received(PatientMessage {
                    message_id: exchange.message_id.as_deref(),
                    in_reply_to: exchange.in_reply_to.as_deref(),
                    references,
                })
            }
        });
    let (conversation, kinds) = replay(exchanges, role);
    let received = stored.iter().filter(|exchange| !exchange.from_box);
    for (exchange, kind) in received.zip(kinds) {
        let kind = match kind {
            PatientMessageKind::Reply => PatientKind::Reply,
            PatientMessageKind::Unsolicited => PatientKind::Unsolicited,
            PatientMessageKind::Prescription => PatientKind::Prescription,
        };
        store.set_patient_kind(exchange.folder, exchange.uid, kind)?;
    }
    store.save_conversation(&account.name, patient, &conversation)
}

fn bare_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned()
}

fn patient_of(address: &str) -> Option<Ins> {
    if !address
        .trim()
        .to_ascii_lowercase()
        .ends_with("@patient.mssante.fr")
    {
        return None;
    }
    match classify(address.trim(), &TrustList::default()) {
        AddressClass::Patient(patient) => Some(patient),
        _ => None,
    }
}

/// The patients among a display list of recipients (`Name <a@b>, c@d`).
fn patients_among(recipients: &str) -> Vec<Ins> {
    recipients
        .split(',')
        .filter_map(|recipient| {
            let address = match recipient.rsplit_once('<') {
                Some((_, rest)) => rest.split('>').next().unwrap_or_default(),
                None => recipient,
            };
            patient_of(address)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patients_are_read_from_display_lists() {
        let found = patients_among(
            "Mme X <279035121518989@patient.mssante.fr>, dr@ch-test.mssante.fr, 279035121518989@Patient.MSSante.fr, 123@patient.mssante.fr",
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].as_str(), "279035121518989");
    }
}
