//! What a person does to send, the same from the window and from the command line: send a
//! message, acknowledge one they read, hand what waits to the server. Each use case finds what
//! it needs in the profile — its store, its settings (the product reference for `X-MSS-NIL`),
//! its trust list — and applies the MSSanté rules through [`mail::send`](crate::mail::send), so
//! a face only gathers the input and shows the result; the rules cannot differ between faces.
//!
//! [`send`] and [`acknowledge`] block on SQLite: a window calls them off its UI thread. Once they
//! return `Ok`, the message is in the outbox and is never lost: it leaves with [`deliver`], the
//! box's worker, or `pli sync`, whichever comes first, and exactly once.

use std::path::Path;

use crate::directory::Entry;
use crate::mail::account::Account;
use crate::mail::connect::Credentials;
use crate::mail::send::{self, Draft, OutboxReport, ReadReceipt, SendError, SendPolicy};
use crate::mail::store::{open_profile_store, Store, StoreError, TraceAction};
use crate::mail::trust_list;
use crate::mssante::headers::{sender_display_name, ProductReference, Sender};
use crate::profile::Profile;
use crate::settings::{ProfileSettings, DEFAULT_PRODUCT_REFERENCE};

/// What the person chose about a message, beyond its content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendChoices {
    /// They saw that recipients are outside the trust space and chose to send anyway; the
    /// trace records it.
    pub outside_confirmed: bool,
    /// They close the patient conversation with this message (`X-MSS-MES: FIN`, ECO.2.2.8).
    pub closes_conversation: bool,
    /// They confirmed who each patient among the recipients is, having seen what the
    /// matricule says (sex, birth month and year) — with a qualified identity checked against
    /// it ("Écrire à un patient", a health document's form) or by their explicit word
    /// (ECO.2.2.6, ECO.3.1.5). Without it, no message goes to a patient's address.
    pub patients_confirmed: bool,
    /// They chose to send a health document about a patient whose identity is not qualified,
    /// named by the structure's local identifier, knowing it leaves with `X-MSS-INS: N`
    /// (ECO.2.4.2) and that the receiver cannot match it to an INS.
    pub unqualified_identity_confirmed: bool,
}

/// A message accepted into the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// Its row in the outbox.
    pub outbox_id: i64,
    /// Its Message-ID, angle brackets included, as it will leave.
    pub message_id: String,
}

/// Sends a message from `account`: checks it against the rules of the trust space (recipients
/// outside it, patient addresses, the size Mon espace santé accepts), adds the MSSanté headers
/// and puts it in the outbox, recording the patient conversations it opens or closes.
///
/// `Err(SendError::Blocked)` when a rule stops it, with each issue, and
/// `Err(SendError::PatientIdentityUnconfirmed)` when it goes to a patient whose identity the
/// person has not confirmed; nothing is queued then.
pub fn send(
    profile: &Profile,
    account: &Account,
    draft: &Draft,
    choices: SendChoices,
) -> Result<Queued, SendError> {
    let patients = patient_recipients(draft);
    if !patients.is_empty() && !choices.patients_confirmed {
        return Err(SendError::PatientIdentityUnconfirmed(patients));
    }
    let named;
    let draft = match sender_name(profile, account) {
        Some(name) if draft.from_name.as_deref() != Some(name.as_str()) => {
            named = Draft {
                from_name: Some(name),
                ..draft.clone()
            };
            &named
        }
        _ => draft,
    };
    under_rules(profile, choices, |store, policy| {
        let queued = send::queue(store, account, draft, policy)?;
        if !patients.is_empty() {
            // The count, not the matricules: the trace proves the confirmation without
            // naming the patients.
            store.trace(
                &account.name,
                TraceAction::IdentityConfirmed,
                &format!(
                    "send {} to {} patient(s) whose identity was confirmed",
                    queued.1,
                    patients.len()
                ),
                "confirmed by the user",
                true,
            )?;
        }
        Ok(queued)
    })
    .map(|(outbox_id, message_id, _)| Queued {
        outbox_id,
        message_id,
    })
}

/// The patients among the draft's recipients (valid `<INS>@patient.mssante.fr` addresses),
/// whose identity the person confirms before [`send`] lets the message go (ECO.2.2.6,
/// ECO.3.1.5): the composer and `pli send` show what each matricule says.
pub fn patient_recipients(draft: &Draft) -> Vec<crate::mssante::ins::Ins> {
    let mut patients: Vec<crate::mssante::ins::Ins> = Vec::new();
    for address in draft.to.iter().chain(&draft.cc) {
        if let Ok(ins) = crate::mssante::ins::Ins::from_patient_address(address.trim()) {
            if !patients.contains(&ins) {
                patients.push(ins);
            }
        }
    }
    patients
}

/// What the rules of the trust space say of the draft's recipients with the profile's list, for
/// the faces to show before the message is queued: notably an `mssante.fr` domain missing from
/// the list, a notice that does not stop [`send`] and that the person must see before the
/// message leaves. The size is not looked at here; [`send`] checks it on the built message.
pub fn check_recipients(profile: &Profile, draft: &Draft) -> crate::mssante::address::SendCheck {
    let (trust_list, _) = trust_list::load(profile);
    crate::mssante::address::check_send(
        draft.to.iter().chain(&draft.cc).map(String::as_str),
        0,
        &trust_list,
    )
}

/// Acknowledges a message the person displayed and chose to answer with a read notification
/// (RFC 8098, ECO.3.1.6), through the same rules and outbox as any message. `Ok(None)` when a
/// receipt for it was queued (or declined) before: a message is acknowledged at most once.
pub fn acknowledge(
    profile: &Profile,
    account: &Account,
    receipt: &ReadReceipt<'_>,
) -> Result<Option<Queued>, SendError> {
    let queued = under_rules(profile, SendChoices::default(), |store, policy| {
        send::read_receipt(store, account, receipt, policy)
    })?;
    Ok(queued.map(|(outbox_id, message_id)| Queued {
        outbox_id,
        message_id,
    }))
}

/// The sender's display name (ECO.2.2.7): when this workstation holds the national directory
/// and it lists the box's own address, the name it gives, written as the rule asks —
/// `<Titre>_<Prénom>_<NOM>_<Entité>` for a person, `<Entité>` for a structure; otherwise the
/// name set for the box, as the person wrote it. The composer shows it as the From line.
pub fn sender_name(profile: &Profile, account: &Account) -> Option<String> {
    match directory_entry(profile, account) {
        Some(entry) => Some(sender_display_name(&sender_of(&entry))),
        None => account.display_name.clone(),
    }
}

/// The national directory's entry for the box's own address, when this workstation holds the
/// directory and it lists the box.
pub(crate) fn directory_entry(profile: &Profile, account: &Account) -> Option<Entry> {
    let path = crate::directory::refresh::directory_file(profile.data_dir());
    // Opening a directory that was never imported would create an empty one in the profile.
    path.exists()
        .then(|| crate::directory::Directory::open(&path).ok())
        .flatten()
        .and_then(|directory| directory.lookup(&account.address).ok().flatten())
        .map(|hit| hit.entry)
}

/// The directory's entry as the display name format reads it: the civility as a title (`DR` →
/// `Dr`, `PR` → `Pr`; `M`/`MME` are no title), the structure as the entity.
fn sender_of(entry: &Entry) -> Sender<'_> {
    if !entry.names_a_person() {
        return Sender::Structure {
            entity: &entry.structure,
        };
    }
    let title = match entry.civility.to_ascii_uppercase().as_str() {
        "DR" => "Dr",
        "PR" => "Pr",
        _ => "",
    };
    Sender::Person {
        title,
        first_name: &entry.first_name,
        last_name: &entry.last_name,
        entity: &entry.structure,
    }
}

/// Hands what waits in the outbox of `account` to its server now, then copies it to Sent.
pub async fn deliver(
    profile: &Profile,
    account: &Account,
    credentials: &Credentials,
) -> Result<OutboxReport, SendError> {
    let mut store = open_apart(profile).await?;
    send::flush_outbox(account, credentials, &mut store).await
}

/// The profile's store, opened on a thread where blocking is allowed.
async fn open_apart(profile: &Profile) -> Result<Store, StoreError> {
    let profile = profile.clone();
    tokio::task::spawn_blocking(move || open_profile_store(&profile))
        .await
        .unwrap_or_else(|error| Err(StoreError::Interrupted(error.to_string())))
}

/// Runs `queue` on the profile's store under the rules the profile's settings and trust list
/// make.
fn under_rules<T>(
    profile: &Profile,
    choices: SendChoices,
    queue: impl FnOnce(&Store, &SendPolicy<'_>) -> Result<T, SendError>,
) -> Result<T, SendError> {
    let store = open_profile_store(profile)?;
    // A setting that does not read was reported when the profile was opened; its default holds.
    let (settings, _) = ProfileSettings::load(&profile.settings_file());
    let product_reference = ProductReference::new(&settings.product_reference)
        .or_else(|_| ProductReference::new(DEFAULT_PRODUCT_REFERENCE))
        .map_err(|error| SendError::Build(error.to_string()))?;
    let (trust_list, _) = trust_list::load(profile);
    let policy = SendPolicy {
        product_reference: &product_reference,
        trust_list: &trust_list,
        outside_confirmed: choices.outside_confirmed,
        closes_conversation: choices.closes_conversation,
    };
    queue(&store, &policy)
}

/// A file to attach, read whole: its name, its content type (from its extension), its bytes.
pub fn attachment_from_file(path: &Path) -> std::io::Result<(String, String, Vec<u8>)> {
    let bytes = std::fs::read(path)?;
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let content_type = content_type_of(&name).to_string();
    Ok((name, content_type, bytes))
}

/// The content type of the documents a practice attaches, from the extension; anything else
/// travels as bytes.
pub fn content_type_of(name: &str) -> &'static str {
    let extension = name
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "pdf" => "application/pdf",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "txt" => "text/plain",
        "xml" => "application/xml",
        "zip" => "application/zip",
        "hl7" | "hpr" => "text/plain",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::account::example_doctor;
    use crate::mail::store::TraceAction;

    fn draft_to(to: &str) -> Draft {
        Draft {
            to: vec![to.to_string()],
            subject: "Compte rendu".into(),
            body: "Bonjour".into(),
            ..Draft::from_box(&example_doctor())
        }
    }

    #[test]
    fn a_message_in_the_trust_space_is_queued_with_the_profiles_product_reference() {
        let folder = tempfile::tempdir().unwrap();
        let profile = Profile::at(folder.path());
        let settings = ProfileSettings {
            product_reference: "ANS-PLI-0042".into(),
            ..ProfileSettings::default()
        };
        settings.save(&profile.settings_file()).unwrap();
        let doctor = example_doctor();
        let queued = send(
            &profile,
            &doctor,
            &draft_to("helene.noel@medecin.mssante.fr"),
            SendChoices::default(),
        )
        .unwrap();
        let store = open_profile_store(&profile).unwrap();
        let outbox = store.outbox(&doctor.name).unwrap();
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].id, queued.outbox_id);
        assert_eq!(outbox[0].message_id, queued.message_id);
        let raw = String::from_utf8_lossy(&outbox[0].raw);
        assert!(raw.contains("X-MSS-NIL: ANS-PLI-0042"), "{raw}");
    }

    #[test]
    fn outside_the_trust_space_nothing_is_queued_until_the_person_confirms() {
        let folder = tempfile::tempdir().unwrap();
        let profile = Profile::at(folder.path());
        let doctor = example_doctor();
        let outside = draft_to("cousin.dupont@gmail.com");
        let refused = send(&profile, &doctor, &outside, SendChoices::default());
        assert!(
            matches!(&refused, Err(SendError::Blocked(check)) if check.needs_confirmation()),
            "{refused:?}"
        );
        let store = open_profile_store(&profile).unwrap();
        assert!(store.outbox(&doctor.name).unwrap().is_empty());

        let confirmed = SendChoices {
            outside_confirmed: true,
            ..SendChoices::default()
        };
        send(&profile, &doctor, &outside, confirmed).unwrap();
        assert_eq!(store.outbox(&doctor.name).unwrap().len(), 1);
        let overrides: Vec<_> = store
            .trace_since(None)
            .unwrap()
            .into_iter()
            .filter(|line| line.action == TraceAction::Override.as_str())
            .collect();
        assert_eq!(overrides.len(), 1, "the confirmation is in the trace");
        assert!(
            !overrides[0].request.contains("cousin.dupont"),
            "the trace names the domain, not the person: {}",
            overrides[0].request
        );
    }

    #[test]
    fn a_wrong_patient_address_is_refused_even_when_confirmed() {
        let folder = tempfile::tempdir().unwrap();
        let profile = Profile::at(folder.path());
        let wrong_key = draft_to("279035121518988@patient.mssante.fr");
        let confirmed = SendChoices {
            outside_confirmed: true,
            ..SendChoices::default()
        };
        let refused = send(&profile, &example_doctor(), &wrong_key, confirmed);
        assert!(matches!(refused, Err(SendError::Blocked(_))), "{refused:?}");
    }

    #[test]
    fn a_message_is_acknowledged_once() {
        let folder = tempfile::tempdir().unwrap();
        let profile = Profile::at(folder.path());
        let to = vec!["helene.noel@medecin.mssante.fr".to_string()];
        let receipt = ReadReceipt {
            original: "<cr-42@medecin.mssante.fr>",
            original_message_id: Some("<cr-42@medecin.mssante.fr>"),
            original_subject: "Compte rendu",
            to: &to,
        };
        let doctor = example_doctor();
        assert!(acknowledge(&profile, &doctor, &receipt).unwrap().is_some());
        assert_eq!(acknowledge(&profile, &doctor, &receipt).unwrap(), None);
    }

    #[test]
    fn attached_files_get_the_type_of_their_extension() {
        assert_eq!(content_type_of("CR_consultation.PDF"), "application/pdf");
        assert_eq!(content_type_of("plaie.jpeg"), "image/jpeg");
        assert_eq!(
            content_type_of("sans-extension"),
            "application/octet-stream"
        );
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("ordonnance.pdf");
        std::fs::write(&path, b"%PDF-1.4").unwrap();
        let (name, content_type, bytes) = attachment_from_file(&path).unwrap();
        assert_eq!(
            (name.as_str(), content_type.as_str()),
            ("ordonnance.pdf", "application/pdf")
        );
        assert_eq!(bytes, b"%PDF-1.4");
        assert!(attachment_from_file(&folder.path().join("absent.pdf")).is_err());
    }
}
