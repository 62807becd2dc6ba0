//! `pli --demo`: a temporary profile with three boxes and their mail, so that a newcomer sees
//! every screen without an account — a general practitioner's nominative box (PER), the
//! secretariat of a nursing home (ORG) and a pharmacy (ORG). Everything is invented; nothing is
//! ever connected: the servers of the demo boxes are in `.invalid`, a domain that cannot exist.

use chrono::{DateTime, Duration, Local, TimeZone};

use crate::ui::preferences::Preferences;
use pli_core::mail::account::{save_accounts, Account, AuthKind, BoxKind, Endpoint, Security};
use pli_core::mail::store::{open_profile_store, Flags, PatientKind, Role, Store, StoreError};
use pli_core::mail::sync::envelope_from_header;
use pli_core::profile::Profile;

pub const DOCTOR: &str = "cabinet";
pub const NURSING_HOME: &str = "ehpad";
pub const PHARMACY: &str = "officine";

pub const DOCTOR_ADDRESS: &str = "claire.martin@medecin.mssante.fr";
const NURSING_HOME_ADDRESS: &str = "secretariat@ehpad-lestilleuls.mssante.fr";
const PHARMACY_ADDRESS: &str = "pharmacie.centrale@pharmacien.mssante.fr";

/// The patient who writes to the doctor, and her matricule INS (key checked).
pub const PATIENT_NAME: &str = "Jeanne Lefèvre";
pub const PATIENT_ADDRESS: &str = "279035121518989@patient.mssante.fr";
const PATIENT_INS: &str = "279035121518989";
/// "CR hospitalier (séjour)" in the CI-SIS document types.
const DISCHARGE_REPORT_TYPE: &str = "34112-3";
/// A patient who writes to the doctor without being asked (patients may not start a
/// conversation with a professional; the message is flagged).
const THIRD_PATIENT_ADDRESS: &str = "193127511804266@patient.mssante.fr";
/// The message of the doctor that opened the conversation with Mme Lefèvre.
const DOCTOR_TO_PATIENT: &str = "<resultats-lefevre@medecin.mssante.fr>";
/// A patient who sends a prescription to the pharmacy.
const SECOND_PATIENT_ADDRESS: &str = "185077512345608@patient.mssante.fr";

/// The first message of the thread Dr Noël's request belongs to.
pub const THREAD_START: &str = "<avis-rousseau-1@ch-epernay.mssante.fr>";

/// How many older messages fill the doctor's inbox, so that the list has something to scroll.
const DOCTOR_HISTORY: u32 = 260;

fn account(name: &str, address: &str, kind: BoxKind, display_name: &str) -> Account {
    Account {
        name: name.to_string(),
        address: address.to_string(),
        kind,
        display_name: Some(display_name.to_string()),
        imap: Endpoint::new(format!("imap.{name}.demo.invalid"), 993),
        smtp: Endpoint::new(format!("smtp.{name}.demo.invalid"), 465),
        security: Security::Tls,
        auth: AuthKind::Password,
        login: None,
        certificate: None,
        certificate_key: None,
        ca_file: None,
        // Patients may write first to a pharmacy (the exception of RULES §2).
        pharmacy: name == PHARMACY,
        oidc: None,
        offline_months: None,
    }
}

pub fn accounts() -> Vec<Account> {
    vec![
        account(
            DOCTOR,
            DOCTOR_ADDRESS,
            BoxKind::Personal,
            "Dr_Claire_MARTIN_Cabinet des Tilleuls",
        ),
        account(
            NURSING_HOME,
            NURSING_HOME_ADDRESS,
            BoxKind::Organisational,
            "EHPAD Les Tilleuls",
        ),
        account(
            PHARMACY,
            PHARMACY_ADDRESS,
            BoxKind::Organisational,
            "Pharmacie Centrale de Reims",
        ),
    ]
}

/// Writes the demo boxes into the profile and fills its store. `now` fixes "today".
pub fn prepare(profile: &Profile, now: DateTime<Local>) -> Result<(), String> {
    profile
        .ensure_folders()
        .map_err(|error| error.to_string())?;
    save_accounts(&profile.accounts_file(), &accounts()).map_err(|error| error.to_string())?;
    let mut preferences = Preferences::default();
    preferences.signatures.insert(
        DOCTOR.into(),
        "Dr Claire Martin\nMédecin généraliste – Cabinet des Tilleuls, Reims".into(),
    );
    preferences.signatures.insert(
        NURSING_HOME.into(),
        "Le secrétariat de l'EHPAD Les Tilleuls".into(),
    );
    preferences
        .save(&Preferences::path(profile))
        .map_err(|error| error.to_string())?;
    let mut store = open_profile_store(profile).map_err(|error| error.to_string())?;
    fill(&mut store, now).map_err(|error| error.to_string())?;
    // The health documents read as a worker reads them after a pass, so the list shows them.
    pli_core::usecase::patient_file::catch_up(&mut store).map_err(|error| error.to_string())
}

/// A sample message before it is stored.
struct Sample<'a> {
    from: (&'a str, &'a str),
    to: (&'a str, &'a str),
    cc: Option<(&'a str, &'a str)>,
    subject: &'a str,
    body: &'a str,
    attachments: &'a [(&'a str, &'a str, &'a [u8])],
    date: DateTime<Local>,
    flags: u8,
    /// The Message-ID this one answers (In-Reply-To and References).
    replies_to: Option<&'a str>,
    /// For a patient's message, what the synchronisation would have recorded.
    patient_kind: Option<PatientKind>,
    /// A Message-ID another sample refers to; the others get one of their own.
    message_id: Option<&'a str>,
}

const PDF: &[u8] = b"%PDF-1.4\n% Document de demonstration Pli\n%%EOF\n";
/// A phone photo of a prescription, stored sideways as phones do, upright through its EXIF
/// orientation (made for the demonstration; no real person).
const PRESCRIPTION_PHOTO: &[u8] = include_bytes!("../../assets/demo/ordonnance.jpg");
/// The photo a nursing team sends of a wound (a plain gradient).
const WOUND_PHOTO: &[u8] = include_bytes!("../../assets/demo/plaie.jpg");

/// The cardiology department's discharge report about Mme Lefèvre, as a hospital sends it: a
/// CDA level 1 wrapping the PDF, in an `IHE_XDM.ZIP` built by the same code `pli send
/// --document` uses. Her INS is a demonstration one, and the card says so.
fn discharge_report(written: DateTime<Local>) -> Vec<u8> {
    use pli_core::mssante::ins::{Identity, IdentityStatus, Ins, Sex};
    use pli_core::xdm::build::{self, media, Author, DocumentInput, InsKind, Patient};
    let (Ok(ins), Some(birth_date), Some(kind)) = (
        Ins::parse(PATIENT_INS),
        chrono::NaiveDate::from_ymd_opt(1979, 3, 12),
        build::document_type(DISCHARGE_REPORT_TYPE),
    ) else {
        return Vec::new();
    };
    let patient = Patient::with_ins(
        ins,
        InsKind::Demo,
        Identity {
            birth_name: "LEFEVRE".into(),
            first_names: "Jeanne Marie".into(),
            birth_date,
            sex: Sex::Female,
            status: IdentityStatus::Qualified,
        },
    );
    let author = Author {
        national_id: None,
        title: "Dr".into(),
        given_name: "Antoine".into(),
        family_name: "ROUX".into(),
        organisation: "CHU de Reims – Service de cardiologie".into(),
        address: "cardiologie@chu-reims.mssante.fr".into(),
    };
    let document = DocumentInput {
        pdf: PDF.to_vec(),
        document_type: kind.clone(),
        title: "Compte rendu d'hospitalisation – cardiologie".into(),
        confidentiality: build::CONFIDENTIALITY_NORMAL,
        facility: build::FACILITY_PRACTICE,
        practice_setting: build::PRACTICE_SETTING_AMBULATORY,
    };
    media::build(
        &patient,
        &author,
        &[document],
        &written.fixed_offset(),
        "demo",
    )
    .map(|archive| archive.zip)
    .unwrap_or_default()
}

/// Fills the store with the folders and messages of the three boxes.
pub fn fill(store: &mut Store, now: DateTime<Local>) -> Result<(), StoreError> {
    let today = |hour: u32, minute: u32| {
        now.date_naive()
            .and_hms_opt(hour, minute, 0)
            .and_then(|naive| Local.from_local_datetime(&naive).single())
            .filter(|date| *date <= now)
            // Early in the morning the sample hours are still to come: keep them in the past,
            // in the same order.
            .unwrap_or_else(|| {
                now - Duration::minutes(i64::from(24 * 60 - hour * 60 - minute) / 10 + 1)
            })
    };
    let days_ago = |days: i64, hour: u32| today(hour, 0) - Duration::days(days);
    // Written a little before the message that carries it.
    let discharge_archive = discharge_report(today(8, 40) - Duration::minutes(25));
    let doctor = ("Dr Claire Martin", DOCTOR_ADDRESS);
    let nursing_home = ("Secrétariat EHPAD Les Tilleuls", NURSING_HOME_ADDRESS);
    let pharmacy = ("Pharmacie Centrale de Reims", PHARMACY_ADDRESS);
    let cardiology = (
        "CHU de Reims – Cardiologie",
        "cardiologie@chu-reims.mssante.fr",
    );
    let laboratory = (
        "Laboratoire BioAnalyse",
        "resultats@labo-bioanalyse.mssante.fr",
    );
    let colleague = ("Dr Hélène Noël", "helene.noel@ch-epernay.mssante.fr");
    let nurse = (
        "Cabinet infirmier Saint-Remi",
        "ide.saintremi@infirmier.mssante.fr",
    );
    let physio = (
        "Marc Dubois, kinésithérapeute",
        "marc.dubois@kine.mssante.fr",
    );

    let inbox_doctor = [
        Sample {
            from: (PATIENT_NAME, PATIENT_ADDRESS),
            to: doctor,
            cc: None,
            subject: "Question sur mon traitement",
            body: "Bonjour docteur,\n\nDepuis que je prends le nouveau traitement pour la tension, j'ai des vertiges le matin en me levant. Est-ce que je dois continuer à le prendre en attendant notre rendez-vous du 3 ?\n\nMerci de votre réponse,\nJeanne Lefèvre",
            attachments: &[],
            date: today(9, 12),
            flags: 0,
            replies_to: Some(DOCTOR_TO_PATIENT),
            patient_kind: Some(PatientKind::Reply),
            message_id: None,
        },
        Sample {
            from: ("Lucas Moreau", THIRD_PATIENT_ADDRESS),
            to: doctor,
            cc: None,
            subject: "Demande de rendez-vous",
            body: "Bonjour docteur,\n\nJe souhaiterais un rendez-vous la semaine prochaine pour renouveler mon traitement.\n\nLucas Moreau",
            attachments: &[],
            date: today(8, 58),
            flags: 0,
            replies_to: None,
            patient_kind: Some(PatientKind::Unsolicited),
            message_id: None,
        },
        Sample {
            from: cardiology,
            to: doctor,
            cc: None,
            subject: "XDM/1.0/DDM+CR hospitalier (séjour) LEFEVRE Jeanne 12/03/1979",
            body: "Chère consœur,\n\nVeuillez trouver ci-joint le compte rendu d'hospitalisation de votre patiente Mme Jeanne LEFEVRE, née le 12/03/1979, hospitalisée du 17 au 21 dans notre service pour une poussée hypertensive.\n\nLe traitement de sortie est détaillé dans le document. Un contrôle tensionnel est souhaitable sous huit jours.\n\nBien confraternellement,\nDr Antoine Roux\nService de cardiologie – CHU de Reims",
            attachments: &[
                ("IHE_XDM.ZIP", "application/zip", &discharge_archive),
                ("CRH_LEFEVRE_Jeanne.pdf", "application/pdf", PDF),
            ],
            date: today(8, 40),
            flags: 0,
            replies_to: None,
            patient_kind: None,
            message_id: None,
        },
        Sample {
            from: laboratory,
            to: doctor,
            cc: None,
            subject: "Résultats d'analyses – M. Paul Garnier",
            body: "Bonjour,\n\nLes résultats du bilan sanguin de M. Paul GARNIER (prélèvement d'hier) sont disponibles en pièce jointe.\n\nValeurs hors normes : glycémie à jeun 1,32 g/L, HbA1c 7,1 %.\n\nLaboratoire BioAnalyse – Reims",
            attachments: &[("Resultats_GARNIER_Paul.pdf", "application/pdf", PDF)],
            date: days_ago(1, 17),
            flags: Flags::FLAGGED,
            replies_to: None,
            patient_kind: None,
            message_id: None,
        },
        Sample {
            from: colleague,
            to: doctor,
            cc: Some(nursing_home),
            subject: "Demande d'avis – patiente commune",
            body: "Bonjour Claire,\n\nJe vois la semaine prochaine Mme Rousseau, résidente des Tilleuls, pour son suivi gériatrique. Pourrais-tu me transmettre ses derniers bilans et la liste à jour de ses traitements ?\n\nMerci et à bientôt,\nHélène",
            attachments: &[],
            date: days_ago(1, 11),
            flags: Flags::SEEN,
            replies_to: Some(THREAD_START),
            patient_kind: None,
            message_id: None,
        },
        Sample {
            from: nursing_home,
            to: doctor,
            cc: None,
            subject: "Renouvellement d'ordonnance – Mme Rousseau",
            body: "Bonjour Docteur,\n\nL'ordonnance de Mme Yvette Rousseau (chambre 12) arrive à échéance vendredi. Pourriez-vous la renouveler lors de votre passage de jeudi ?\n\nCordialement,\nLe secrétariat de l'EHPAD Les Tilleuls",
            attachments: &[],
            date: days_ago(2, 10),
            flags: Flags::SEEN | Flags::ANSWERED,
            replies_to: None,
            patient_kind: None,
            message_id: None,
        },
        Sample {
            from: nurse,
            to: doctor,
            cc: None,
            subject: "Pansement de M. Bernard – photo de la plaie",
            body: "Bonjour Docteur,\n\nVoici la photo de la plaie de M. Bernard prise ce matin. L'évolution est favorable, nous poursuivons les soins comme prévu.\n\nL'équipe du cabinet infirmier Saint-Remi",
            attachments: &[("plaie_Bernard.jpg", "image/jpeg", WOUND_PHOTO)],
            date: days_ago(3, 16),
            flags: Flags::SEEN,
            replies_to: None,
            patient_kind: None,
            message_id: None,
        },
    ];

    let correspondents = [
        cardiology,
        laboratory,
        colleague,
        nurse,
        physio,
        nursing_home,
        pharmacy,
    ];
    let subjects = [
        "Compte rendu de consultation",
        "Résultats d'analyses",
        "Demande de rendez-vous",
        "Bilan de kinésithérapie",
        "Courrier de sortie",
        "Ordonnance à renouveler",
        "Avis spécialisé",
        "Planning des visites",
        "Résultats de radiologie",
        "Suivi post-opératoire",
    ];
    let patients = [
        "M. Garnier",
        "Mme Rousseau",
        "M. Bernard",
        "Mme Petit",
        "M. Moreau",
        "Mme Laurent",
        "M. Simon",
        "Mme Michel",
        "M. Lefebvre",
        "Mme Leroy",
        "M. Roux",
        "Mme David",
    ];
    let mut history = Vec::new();
    for n in 0..DOCTOR_HISTORY {
        let from = correspondents[n as usize % correspondents.len()];
        let subject = subjects[(n as usize * 7) % subjects.len()];
        let patient = patients[(n as usize * 5) % patients.len()];
        history.push((
            from,
            format!("{subject} – {patient}"),
            format!(
                "Bonjour,\n\nVeuillez trouver les éléments concernant {patient}.\n\nBien cordialement,\n{}",
                from.0
            ),
            days_ago(4 + i64::from(n) / 3, 8 + (n % 3) * 4),
            n % 4 == 0,
            n % 17 == 0,
        ));
    }

    let doctor_folders = folders(store, DOCTOR)?;
    let inbox = doctor_folders.inbox;
    let mut uid = 0;
    for (from, subject, body, date, attachment, flagged) in history.iter().rev() {
        uid += 1;
        let attachments: &[(&str, &str, &[u8])] = if *attachment {
            &[("document.pdf", "application/pdf", PDF)]
        } else {
            &[]
        };
        let mut flags = Flags::SEEN;
        if *flagged {
            flags |= Flags::FLAGGED;
        }
        store_sample(
            store,
            inbox,
            uid,
            &Sample {
                from: *from,
                to: doctor,
                cc: None,
                subject,
                body,
                attachments,
                date: *date,
                flags,
                replies_to: None,
                patient_kind: None,
                message_id: None,
            },
        )?;
    }
    for sample in inbox_doctor.iter().rev() {
        uid += 1;
        store_sample(store, inbox, uid, sample)?;
    }
    store_sample(
        store,
        doctor_folders.sent,
        2,
        &Sample {
            from: doctor,
            to: (PATIENT_NAME, PATIENT_ADDRESS),
            cc: None,
            subject: "Votre nouveau traitement",
            body: "Bonjour Madame Lefèvre,\n\nComme convenu, voici votre nouveau traitement contre l'hypertension. N'hésitez pas à m'écrire si vous avez des questions.\n\nDr Claire Martin",
            attachments: &[],
            date: days_ago(6, 18),
            flags: Flags::SEEN,
            replies_to: None,
            patient_kind: None,
            message_id: Some(DOCTOR_TO_PATIENT),
        },
    )?;
    store_sample(
        store,
        doctor_folders.sent,
        1,
        &Sample {
            from: doctor,
            to: nursing_home,
            cc: None,
            subject: "Re: Renouvellement d'ordonnance – Mme Rousseau",
            body: "Bonjour,\n\nC'est noté, je renouvelle l'ordonnance jeudi.\n\nDr Claire Martin",
            attachments: &[],
            date: days_ago(2, 12),
            flags: Flags::SEEN,
            replies_to: None,
            patient_kind: None,
            message_id: None,
        },
    )?;

    let home = folders(store, NURSING_HOME)?;
    let home_inbox = [
        Sample {
            from: cardiology,
            to: nursing_home,
            cc: None,
            subject: "Sortie d'hospitalisation de M. Bernard",
            body: "Bonjour,\n\nM. Henri BERNARD regagnera l'établissement demain en fin de matinée en ambulance. Le courrier de sortie et l'ordonnance sont joints.\n\nLe cadre de santé du service de cardiologie",
            attachments: &[("Sortie_BERNARD_Henri.pdf", "application/pdf", PDF)],
            date: today(10, 5),
            flags: 0,
            replies_to: None,
            patient_kind: None,
            message_id: None,
        },
        Sample {
            from: doctor,
            to: nursing_home,
            cc: None,
            subject: "Passage de jeudi",
            body: "Bonjour,\n\nJe passerai jeudi à partir de 14 h. Merci de me préparer les dossiers de Mme Rousseau et de M. Bernard.\n\nDr Claire Martin",
            attachments: &[],
            date: days_ago(1, 18),
            flags: 0,
            replies_to: None,
            patient_kind: None,
            message_id: None,
        },
        Sample {
            from: pharmacy,
            to: nursing_home,
            cc: None,
            subject: "Livraison des piluliers de la semaine",
            body: "Bonjour,\n\nLes piluliers de la semaine seront livrés lundi matin. Deux traitements ont été modifiés, voir le récapitulatif joint.\n\nPharmacie Centrale de Reims",
            attachments: &[("Recapitulatif_piluliers.pdf", "application/pdf", PDF)],
            date: days_ago(2, 9),
            flags: Flags::SEEN,
            replies_to: None,
            patient_kind: None,
            message_id: None,
        },
        Sample {
            from: physio,
            to: nursing_home,
            cc: None,
            subject: "Planning des séances de kinésithérapie",
            body: "Bonjour,\n\nVoici le planning des séances pour les résidents suivis ce mois-ci.\n\nMarc Dubois",
            attachments: &[],
            date: days_ago(5, 15),
            flags: Flags::SEEN,
            replies_to: None,
            patient_kind: None,
            message_id: None,
        },
    ];
    for (index, sample) in home_inbox.iter().rev().enumerate() {
        store_sample(store, home.inbox, index as u32 + 1, sample)?;
    }

    let shop = folders(store, PHARMACY)?;
    let shop_inbox = [
        Sample {
            from: ("Paul Garnier", SECOND_PATIENT_ADDRESS),
            to: pharmacy,
            cc: None,
            subject: "Ordonnance à préparer",
            body: "Bonjour,\n\nVoici l'ordonnance de mon médecin traitant. Je passerai la chercher demain en fin de journée.\n\nPaul Garnier",
            attachments: &[("ordonnance.jpg", "image/jpeg", PRESCRIPTION_PHOTO)],
            date: today(7, 55),
            flags: 0,
            replies_to: None,
            patient_kind: Some(PatientKind::Prescription),
            message_id: None,
        },
        Sample {
            from: nursing_home,
            to: pharmacy,
            cc: None,
            subject: "Commande de la semaine – EHPAD Les Tilleuls",
            body: "Bonjour,\n\nVeuillez trouver ci-jointe la commande de la semaine pour nos résidents.\n\nLe secrétariat",
            attachments: &[("Commande_semaine.pdf", "application/pdf", PDF)],
            date: days_ago(1, 9),
            flags: Flags::SEEN,
            replies_to: None,
            patient_kind: None,
            message_id: None,
        },
    ];
    for (index, sample) in shop_inbox.iter().rev().enumerate() {
        store_sample(store, shop.inbox, index as u32 + 1, sample)?;
    }
    // The nursing home's box was last opened ten and a half months ago, by a secretary on
    // another session: the window warns before the operator deletes it.
    let now_utc = now.with_timezone(&chrono::Utc);
    store.record_use(DOCTOR, "claire.martin", now_utc)?;
    store.record_use(PHARMACY, "pharmacie", now_utc)?;
    store.record_use(
        NURSING_HOME,
        "secretariat.b",
        now_utc - chrono::TimeDelta::days(320),
    )?;
    Ok(())
}

struct DemoFolders {
    inbox: i64,
    sent: i64,
}

fn folders(store: &Store, account: &str) -> Result<DemoFolders, StoreError> {
    let inbox = store.upsert_folder(account, "INBOX", Some(Role::Inbox))?;
    store.upsert_folder(account, "Brouillons", Some(Role::Drafts))?;
    let sent = store.upsert_folder(account, "Envoyés", Some(Role::Sent))?;
    store.upsert_folder(account, "Archives", Some(Role::Archive))?;
    store.upsert_folder(account, "Corbeille", Some(Role::Trash))?;
    Ok(DemoFolders {
        inbox: inbox.id,
        sent: sent.id,
    })
}

/// Writes a sample as a real message, then stores it the way synchronisation would: the
/// envelope read from the header, the raw message and its text for the search.
fn store_sample(
    store: &mut Store,
    folder: i64,
    uid: u32,
    sample: &Sample<'_>,
) -> Result<(), StoreError> {
    let raw = raw_message(sample, uid);
    let header_end = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map_or(raw.len(), |end| end + 4);
    let mut envelope = envelope_from_header(&raw[..header_end]);
    envelope.uid = uid;
    envelope.flags = Flags(sample.flags);
    envelope.size = raw.len() as u32;
    // The envelope reads multipart/mixed as "has attachments"; say it only when true.
    envelope.has_attachment = !sample.attachments.is_empty();
    store.insert_envelopes(folder, &[envelope])?;
    store.set_raw(folder, uid, &raw, sample.body)?;
    if let Some(kind) = sample.patient_kind {
        store.set_patient_kind(folder, uid, kind)?;
    }
    Ok(())
}

fn raw_message(sample: &Sample<'_>, uid: u32) -> Vec<u8> {
    let mailbox = |(name, address): (&str, &str)| format!("{name} <{address}>");
    let domain = sample
        .from
        .1
        .rsplit_once('@')
        .map_or("demo.invalid", |(_, domain)| domain);
    let mut headers = vec![
        format!("From: {}", mailbox(sample.from)),
        format!("To: {}", mailbox(sample.to)),
    ];
    if let Some(cc) = sample.cc {
        headers.push(format!("Cc: {}", mailbox(cc)));
    }
    headers.push(format!("Subject: {}", sample.subject));
    headers.push(format!("Date: {}", sample.date.to_rfc2822()));
    headers.push(match sample.message_id {
        Some(id) => format!("Message-ID: {id}"),
        None => format!(
            "Message-ID: <demo-{uid}-{}@{domain}>",
            sample.date.timestamp()
        ),
    });
    if let Some(parent) = sample.replies_to {
        headers.push(format!("In-Reply-To: {parent}"));
        headers.push(format!("References: {parent}"));
    }
    headers.push("MIME-Version: 1.0".into());
    let text_part = |body: &str| {
        format!(
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
            body.replace('\n', "\r\n")
        )
    };
    let mut message = headers.join("\r\n");
    if sample.attachments.is_empty() {
        message.push_str("\r\n");
        message.push_str(&text_part(sample.body));
    } else {
        let boundary = format!("pli-demo-{uid}");
        message.push_str(&format!(
            "\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n--{boundary}\r\n"
        ));
        message.push_str(&text_part(sample.body));
        for (name, content_type, bytes) in sample.attachments {
            use base64::Engine;
            let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
            message.push_str(&format!(
                "--{boundary}\r\nContent-Type: {content_type}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n"
            ));
        }
        message.push_str(&format!("--{boundary}--\r\n"));
    }
    message.into_bytes()
}

/// A generated extraction of the national directory in the demo profile, so the directory
/// screen has someone to find. Invented names and addresses, like everything in the demo.
pub fn prepare_directory(profile: &Profile) -> Result<(), String> {
    use pli_core::directory::fixture::{Fixture, FixtureOptions};
    let file = profile.data_dir().join("demo-extraction.csv");
    Fixture::new(FixtureOptions {
        rows: 2_000,
        ..FixtureOptions::default()
    })
    .write_file(&file)
    .map_err(|error| error.to_string())?;
    let directory = pli_core::directory::Directory::open(super::directory::directory_path(profile))
        .map_err(|error| error.to_string())?;
    directory
        .import_file(&file, |_| std::ops::ControlFlow::Continue(()))
        .map_err(|error| error.to_string())?;
    let _ = std::fs::remove_file(&file);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::reader;

    #[test]
    fn the_demo_has_three_boxes_a_patient_and_an_xdm_subject() {
        let mut store = Store::in_memory().unwrap();
        let afternoon = Local::now().date_naive().and_hms_opt(15, 0, 0).unwrap();
        fill(&mut store, Local.from_local_datetime(&afternoon).unwrap()).unwrap();
        for account in accounts() {
            assert!(store
                .folder_with_role(&account.name, Role::Inbox)
                .unwrap()
                .is_some());
        }
        let inbox = store
            .folder_with_role(DOCTOR, Role::Inbox)
            .unwrap()
            .unwrap();
        assert_eq!(store.count(inbox.id).unwrap(), DOCTOR_HISTORY as usize + 7);
        let newest = store.page(inbox.id, 0, 3).unwrap();
        assert_eq!(newest[0].from_address, PATIENT_ADDRESS);
        assert_eq!(
            store.patient_kind(inbox.id, newest[1].uid).unwrap(),
            Some(PatientKind::Unsolicited)
        );
        assert!(newest[2].subject.starts_with("XDM/1.0/DDM+"));
        let raw = store.raw(inbox.id, newest[2].uid).unwrap().unwrap();
        let content = reader::read(&raw);
        assert_eq!(content.attachments.len(), 2);
        assert!(content.body.contains("compte rendu d'hospitalisation"));
        assert_eq!(content.from[0].name, "CHU de Reims – Cardiologie");
    }
}
