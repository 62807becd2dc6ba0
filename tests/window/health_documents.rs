//! The health documents of a message as the reader shows them: one card per document of an
//! `IHE_XDM.ZIP`, its PDF opened from the card, over the demo store (whose discharge report is
//! an archive built by the same code as `pli send --document`).

use crate::common::{
    click_text, deliver, demo_window as window, shows, store_in_doctor_inbox, task_messages,
};

use pli::ui::health_document::DocumentRef;
use pli::ui::{reader, Message};
use pli_core::mssante::ins::{IdentityStatus, Sex};

const DISCHARGE_SUBJECT: &str = "CR hospitalier (séjour) LEFEVRE Jeanne 12/03/1979";

/// ECO.2.1.2: the receiver sees which patient the document is about, from the document itself
/// (its INS grouped, and said to be a demonstration one), with its type, title and author.
#[test]
fn eco_2_1_2_the_reader_shows_a_health_document_card_with_its_patient() {
    let (_folder, mut pli) = window();
    click_text(&mut pli, DISCHARGE_SUBJECT);
    assert!(shows(&pli, "Document de santé"), "the card is shown");
    assert!(shows(&pli, "CR hospitalier (séjour) (34112-3)"), "its type");
    assert!(
        shows(&pli, "Compte rendu d'hospitalisation – cardiologie"),
        "its title"
    );
    assert!(
        shows(
            &pli,
            "LEFEVRE Jeanne Marie, F, 12/03/1979, INS de démonstration 2 79 03 51 215 189 89"
        ),
        "the patient as the document names her, the INS grouped and its kind said"
    );
    assert!(
        shows(&pli, "Antoine ROUX, CHU de Reims – Service de cardiologie"),
        "its author"
    );
    assert!(
        shows(&pli, "Ouvrir le PDF"),
        "a level 1 document opens its PDF"
    );
    assert!(
        !shows(&pli, "Voir le document"),
        "a level 1 document has no structured text to unfold"
    );
}

/// "Ouvrir le PDF" takes the PDF out of the archive (ECO.2.1.5: the one the CDA wraps) and
/// hands it to the system from the profile's `opened` folder, named after the document.
#[test]
fn eco_2_1_5_the_card_opens_the_pdf_the_document_wraps() {
    let (folder, mut pli) = window();
    click_text(&mut pli, DISCHARGE_SUBJECT);
    let archive = pli
        .reader
        .opened()
        .and_then(|opened| opened.content())
        .map(|content| content.documents[0].attachment)
        .expect("the message has an archive");
    let task = pli.update(Message::Reader(reader::Message::OpenDocumentPdf(
        DocumentRef {
            attachment: archive,
            document: 0,
        },
    )));
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    deliver(&mut pli, task_messages(&runtime, task));
    let written = pli_core::profile::Profile::at(folder.path())
        .data_dir()
        .join("opened")
        .join("Compte rendu d'hospitalisation – cardiologie.pdf");
    let pdf = std::fs::read(&written).expect("the PDF is written where it is opened from");
    assert!(pdf.starts_with(b"%PDF-"), "the decoded PDF, not base64");
    assert!(
        pli.reader.notice().is_some(),
        "the person is told it was opened, or why not"
    );
}

/// "Classer" files the document in the file of the patient it names; the card then says it is
/// filed, and the patient's file lists it as filed.
#[test]
fn a_document_with_a_qualified_ins_is_filed_in_one_click() {
    let (_folder, mut pli) = window();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let task = open_discharge_report(&mut pli);
    deliver(&mut pli, task_messages(&runtime, task));
    assert!(shows(&pli, "Classer"), "an unfiled document offers filing");
    let task = pli.update(Message::Reader(reader::Message::FileDocument(
        first_document(&pli),
    )));
    // Filing, then the card read again, as the runtime would chain them.
    let mut messages = task_messages(&runtime, task);
    while let Some(message) = messages.pop() {
        let task = pli.update(message);
        messages.extend(task_messages(&runtime, task));
    }
    assert!(shows(&pli, "Classé dans le dossier du patient"));
    assert!(!shows(&pli, "Classer"));

    let task = pli.update(Message::Reader(reader::Message::OpenPatientFile(
        "279035121518989".into(),
    )));
    deliver(&mut pli, task_messages(&runtime, task));
    assert!(
        shows(&pli, "classé"),
        "the file tells filed documents apart"
    );
}

/// The patient's file, reached from the patient's chip in the reader: her messages and the
/// documents about her, newest first, from the store; a line opens its message.
#[test]
fn the_patient_s_file_lists_her_messages_and_documents_and_opens_them() {
    let (_folder, mut pli) = window();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    click_text(&mut pli, "Question sur mon traitement");
    let mut ui = iced_test::simulator(pli.view());
    ui.click("Dossier du patient")
        .expect("the patient's chip offers her file");
    let messages: Vec<Message> = ui.into_messages().collect();
    for message in messages {
        let task = pli.update(message);
        deliver(&mut pli, task_messages(&runtime, task));
    }
    assert_eq!(pli.screen, pli::ui::Screen::PatientFile);
    assert!(shows(
        &pli,
        "Dossier du patient — INS 2 79 03 51 215 189 89"
    ));
    let file = pli.patient_file.file().expect("the file is read");
    let subjects: Vec<String> = file
        .entries
        .iter()
        .map(|entry| match entry {
            pli_core::usecase::patient_file::FileEntry::Document { document, .. } => {
                document.title.clone().unwrap_or_default()
            }
            pli_core::usecase::patient_file::FileEntry::Message { envelope, .. } => {
                envelope.subject.clone()
            }
        })
        .collect();
    assert!(
        subjects.contains(&"Compte rendu d'hospitalisation – cardiologie".to_string()),
        "the document about her, from a professional's message: {subjects:?}"
    );
    assert!(
        subjects.contains(&"Question sur mon traitement".to_string()),
        "her own message: {subjects:?}"
    );
    assert!(shows(
        &pli,
        "LEFEVRE Jeanne Marie 12/03/1979 · INS de démonstration"
    ));

    click_text(&mut pli, "Compte rendu d'hospitalisation – cardiologie");
    assert_eq!(pli.screen, pli::ui::Screen::Mail);
    assert!(
        shows(&pli, DISCHARGE_SUBJECT),
        "the line opened its message in the reader"
    );
}

/// Opens the discharge report and returns the task that reads its documents' history.
fn open_discharge_report(pli: &mut pli::ui::Pli) -> iced::Task<Message> {
    let mut ui = iced_test::simulator(pli.view());
    ui.click(DISCHARGE_SUBJECT).expect("the message is listed");
    let messages: Vec<Message> = ui.into_messages().collect();
    iced::Task::batch(messages.into_iter().map(|message| pli.update(message)))
}

fn first_document(pli: &pli::ui::Pli) -> DocumentRef {
    let attachment = pli
        .reader
        .opened()
        .and_then(|opened| opened.content())
        .map(|content| content.documents[0].attachment)
        .expect("the message has an archive");
    DocumentRef {
        attachment,
        document: 0,
    }
}

/// Opens a new message to a colleague with a PDF picked as a health document, its type and its
/// patient typed; `status` is the identity status chosen.
fn compose_with_document(pli: &mut pli::ui::Pli, status: IdentityStatus) -> u64 {
    use pli::ui::composer::Message as C;
    use pli::ui::document_form::{DocumentForm, Message as D};
    let task = pli.update(Message::Go(pli::ui::Destination::NewMessage));
    drop(task);
    let pli::ui::Screen::Composer(id) = pli.screen else {
        panic!("no composer");
    };
    let i18n = crate::common::i18n();
    let mut send = |message: C| {
        let _ = pli.update(Message::Composer(id, message));
    };
    send(C::To(
        "Dr Hélène Noël <helene.noel@ch-epernay.mssante.fr>".into(),
    ));
    send(C::Subject("Pour avis".into()));
    send(C::DocumentPicked(Ok(Some((
        "consultation.pdf".into(),
        b"%PDF-1.4\n% consultation\n%%EOF\n".to_vec(),
    )))));
    let kind = DocumentForm::type_choices()
        .into_iter()
        .find(|choice| choice.value.code == "11488-4")
        .expect("the consultation report type");
    let female = DocumentForm::sex_choices(&i18n)
        .into_iter()
        .find(|choice| choice.value == Sex::Female)
        .expect("female");
    let status = DocumentForm::status_choices(&i18n)
        .into_iter()
        .find(|choice| choice.value == status)
        .expect("the status");
    for message in [
        D::Type(0, kind),
        D::Matricule("279035121518989".into()),
        D::BirthName("LEFEVRE".into()),
        D::FirstNames("Jeanne".into()),
        D::BirthDate("12/03/1979".into()),
        D::Sex(female),
        D::Status(status),
    ] {
        send(C::Document(message));
    }
    id
}

fn sent_by_the_doctor(folder: &tempfile::TempDir) -> Vec<String> {
    let store =
        pli_core::mail::store::open_profile_store(&pli_core::profile::Profile::at(folder.path()))
            .expect("the store");
    store
        .outbox(pli::ui::demo::DOCTOR)
        .expect("the outbox")
        .into_iter()
        .map(|queued| String::from_utf8_lossy(&queued.raw).into_owned())
        .collect()
}

/// ECO.2.1.1 / ECO.2.1.3 / ECO.2.4.1 from the window: "Joindre un document de santé" sends the
/// archive and the same PDF beside it, under the XDM subject and with the `X-MSS-*` headers,
/// through the use case `pli send --document` uses.
#[test]
fn eco_2_1_1_the_composer_sends_a_health_document_with_its_archive_subject_and_headers() {
    let (folder, mut pli) = window();
    let id = compose_with_document(&mut pli, IdentityStatus::Qualified);
    assert!(shows(&pli, "consultation.pdf"), "the document's form shows");
    let before = sent_by_the_doctor(&folder).len();
    let task = pli.update(Message::Composer(id, pli::ui::composer::Message::Send));
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    deliver(&mut pli, task_messages(&runtime, task));
    // ch-epernay is not in the list shipped with Pli: the notice shows before the message leaves.
    assert!(shows(&pli, "À vérifier avant l'envoi"));
    let task = pli.update(Message::Composer(
        id,
        pli::ui::composer::Message::Trust(pli::ui::trust::Message::Send),
    ));
    deliver(&mut pli, task_messages(&runtime, task));
    let queued = sent_by_the_doctor(&folder);
    assert_eq!(queued.len(), before + 1, "one message queued");
    // Long headers are folded: read them unfolded.
    let raw = queued.last().expect("the message").replace("\r\n ", " ");
    assert!(
        raw.contains(
            "Subject: XDM/1.0/DDM+CR ou fiche de consultation ou de visite LEFEVRE Jeanne 12/03/1979"
        ),
        "{}",
        &raw[..raw.len().min(2000)]
    );
    assert!(raw.contains("X-MSS-CODECDA: 11488-4"));
    assert!(raw.contains("X-MSS-INS: O"));
    assert!(raw.contains("IHE_XDM.ZIP") && raw.contains("consultation.pdf"));
}

/// A document leaves only with a qualified identity: a validated one is refused with a sentence
/// in the composer, and nothing is queued.
#[test]
fn eco_2_1_1_a_health_document_about_an_unqualified_identity_is_refused_in_the_composer() {
    let (folder, mut pli) = window();
    let id = compose_with_document(&mut pli, IdentityStatus::Validated);
    let before = sent_by_the_doctor(&folder).len();
    let task = pli.update(Message::Composer(id, pli::ui::composer::Message::Send));
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    deliver(&mut pli, task_messages(&runtime, task));
    assert_eq!(sent_by_the_doctor(&folder).len(), before, "nothing queued");
    assert!(
        matches!(
            pli.composer(id).map(|composer| composer.status()),
            Some(pli::ui::composer::Status::Blocked { issues, .. }) if !issues.is_empty()
        ),
        "the composer says why"
    );
}

/// A document naming its patient by a local identifier only, with a lab's IPP.
fn document_without_ins() -> Vec<u8> {
    let cda = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"1.2.250.1.999.1\" extension=\"IPP-77\"/>\
        <code code=\"11502-2\" displayName=\"CR d'examens biologiques\" codeSystem=\"2.16.840.1.113883.6.1\"/>\
        <title>Bilan sanguin</title><effectiveTime value=\"20261201101500+0100\"/>\
        <recordTarget><patientRole><id root=\"1.2.250.1.999.2\" extension=\"IPP-4242\"/>\
        <patient><name><family qualifier=\"BR\">LEFEVRE</family><given>Jeanne</given></name>\
        <administrativeGenderCode code=\"F\"/><birthTime value=\"19790312\"/></patient></patientRole></recordTarget>\
        <component><nonXMLBody><text mediaType=\"application/pdf\" representation=\"B64\">JVBERi0xLjQKJSVFT0YK</text></nonXMLBody></component>\
        </ClinicalDocument>";
    let archive =
        pli_testkit::xdm::xdm_around(cda.as_bytes(), "IPP-4242^^^&1.2.250.1.999.2&ISO^PI");
    pli_testkit::xdm::message_with_archive(
        "resultats@labo-bioanalyse.mssante.fr",
        &format!(
            "Message-ID: <bilan-sans-ins@labo>\r\nDate: {}\r\n",
            chrono::Local::now().to_rfc2822()
        ),
        &archive,
        "application/zip",
    )
}

/// Clicks `label` and runs what the window asks for, as the iced runtime would, to the end.
fn click_and_run(pli: &mut pli::ui::Pli, runtime: &tokio::runtime::Runtime, label: &str) {
    let mut ui = iced_test::simulator(pli.view());
    ui.click(label)
        .unwrap_or_else(|_| panic!("'{label}' is on screen"));
    let mut messages: Vec<Message> = ui.into_messages().collect();
    run_all(pli, runtime, &mut messages);
}

fn run_all(pli: &mut pli::ui::Pli, runtime: &tokio::runtime::Runtime, messages: &mut Vec<Message>) {
    while !messages.is_empty() {
        let message = messages.remove(0);
        let task = pli.update(message);
        messages.extend(task_messages(runtime, task));
    }
}

/// A document whose patient has no qualified INS is matched by sight before it is filed: the
/// INS typed, the document's identity beside the one the store knows under it, then filed; the
/// patient's file then holds it.
#[test]
fn a_document_without_a_qualified_ins_is_matched_by_sight_then_filed() {
    let raw = document_without_ins();
    let (_folder, mut pli) = crate::common::demo_window_with(|store| {
        store_in_doctor_inbox(store, 9_001, &raw);
    });
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    click_and_run(
        &mut pli,
        &runtime,
        "CR d'imagerie PAT-TROIS DOMINIQUE 28/03/1979",
    );
    assert!(
        shows(&pli, "Sans INS"),
        "the card says the document has no INS"
    );
    assert!(
        !shows(&pli, "Classer"),
        "no one-click filing without an INS"
    );
    click_and_run(&mut pli, &runtime, "Rapprocher d'un patient…");
    let mut messages = vec![Message::Reader(reader::Message::MatchIns(
        "279035121518989".into(),
    ))];
    run_all(&mut pli, &runtime, &mut messages);
    assert!(
        shows(&pli, "LEFEVRE Jeanne Marie"),
        "the identity the store knows under the INS, beside the document's"
    );
    assert!(shows(&pli, "LEFEVRE Jeanne"), "the document's own identity");
    click_and_run(&mut pli, &runtime, "Classer chez ce patient");
    assert!(shows(&pli, "Classé dans le dossier du patient"));

    let mut messages = vec![Message::Reader(reader::Message::OpenPatientFile(
        "279035121518989".into(),
    ))];
    run_all(&mut pli, &runtime, &mut messages);
    let file = pli.patient_file.file().expect("the file");
    assert!(
        file.entries.iter().any(|entry| matches!(
            entry,
            pli_core::usecase::patient_file::FileEntry::Document { document, .. }
                if document.title.as_deref() == Some("Bilan sanguin") && document.filed_in.is_some()
        )),
        "the matched document is in her file, filed"
    );
}

/// The list shows a document's type and patient in its message's row, before it is opened.
#[test]
fn the_list_row_of_a_message_with_a_health_document_names_its_type_and_patient() {
    let (_folder, pli) = window();
    assert!(shows(
        &pli,
        "CR hospitalier (séjour) · LEFEVRE Jeanne Marie"
    ));
}

/// An ANS sample CDA in an archive, in a message with this subject, received `minutes_ago`.
fn ans_message(file: &str, test: &str, subject: &str, minutes_ago: i64) -> Option<Vec<u8>> {
    let cda = pli_testkit::shared::shared_bytes(&format!("xdm-cda/{file}"), test)?;
    let archive =
        pli_testkit::xdm::xdm_around(&cda, "279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH");
    let date = (chrono::Local::now() - chrono::Duration::minutes(minutes_ago)).to_rfc2822();
    let raw = pli_testkit::xdm::message_with_archive(
        "radiologie@ch-test.mssante.fr",
        &format!("Message-ID: <{minutes_ago}.{subject}@test>\r\nDate: {date}\r\n"),
        &archive,
        "application/zip",
    );
    // The helper's subject is replaced by this one, so the test can find the message.
    let text = String::from_utf8(raw).expect("ASCII message");
    Some(
        text.replacen(
            "Subject: XDM/1.0/DDM+CR d'imagerie PAT-TROIS DOMINIQUE 28/03/1979",
            &format!("Subject: {subject}"),
            1,
        )
        .into_bytes(),
    )
}

/// The ANS replacement pair: v2's card says which document it replaces and when; v1's card says
/// a newer version arrived.
#[test]
fn the_card_of_a_replacement_names_the_document_it_replaces() {
    let test = "the_card_of_a_replacement_names_the_document_it_replaces";
    let (Some(v1), Some(v2)) = (
        ans_message(
            "ans-mss-lps/CR_Radio_CDAN1_v1.XML",
            test,
            "Radio version 1",
            20,
        ),
        ans_message(
            "ans-mss-lps/CR_Radio_CDAN1_v2.XML",
            test,
            "Radio version 2",
            10,
        ),
    ) else {
        return;
    };
    let (_folder, mut pli) = crate::common::demo_window_with(|store| {
        store_in_doctor_inbox(store, 9_101, &v1);
        store_in_doctor_inbox(store, 9_102, &v2);
    });
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    click_and_run(&mut pli, &runtime, "Radio version 2");
    assert!(
        shows(&pli, "Ce document remplace celui du 11/04/2005 10:33"),
        "v2 names the version it replaces, by its date"
    );
    click_and_run(&mut pli, &runtime, "Radio version 1");
    assert!(
        shows(
            &pli,
            "Une version plus récente de ce document est arrivée le"
        ),
        "v1 says it was replaced"
    );
}

/// A structured (level 3) document unfolds its sections as text in its card, headings and all.
#[test]
fn a_level_3_document_shows_its_sections_in_its_card() {
    let test = "a_level_3_document_shows_its_sections_in_its_card";
    let Some(letter) = ans_message("ans-cda/LDL-SES_2022.01.xml", test, "Lettre de sortie", 5)
    else {
        return;
    };
    let (_folder, mut pli) = crate::common::demo_window_with(|store| {
        store_in_doctor_inbox(store, 9_201, &letter);
    });
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    click_and_run(&mut pli, &runtime, "Lettre de sortie");
    assert!(
        !shows(&pli, "Synthèse médicale du séjour"),
        "folded at first"
    );
    assert!(
        !shows(&pli, "Ouvrir le PDF"),
        "a level 3 document wraps no PDF"
    );
    click_and_run(&mut pli, &runtime, "Voir le document");
    assert!(shows(&pli, "Motif de l'hospitalisation"));
    assert!(shows(&pli, "Synthèse médicale du séjour"));
    click_and_run(&mut pli, &runtime, "Masquer le document");
    assert!(!shows(&pli, "Synthèse médicale du séjour"));
}

/// ECO.2.1.1 / ECO.2.4.1 from the window: a second document about the same patient is added
/// from the form with its own PDF, type and title, a third one removed before sending; the
/// message leaves with one archive holding both CDAs, both PDFs beside it, the subject after the
/// first document and both codes in `X-MSS-CODECDA`.
#[test]
fn eco_2_1_1_the_composer_sends_two_documents_about_one_patient_in_one_archive() {
    use pli::ui::composer::Message as C;
    use pli::ui::document_form::{DocumentForm, Message as D};
    let (folder, mut pli) = window();
    let id = compose_with_document(&mut pli, IdentityStatus::Qualified);
    let send = |pli: &mut pli::ui::Pli, message: C| {
        // "Ajouter un document" hands back the file dialog's task: the test picks instead.
        drop(pli.update(Message::Composer(id, message)));
    };
    assert!(shows(&pli, "Ajouter un document (même patient)"));
    let lab = DocumentForm::type_choices()
        .into_iter()
        .find(|choice| choice.value.code == "11502-2")
        .expect("the lab report type");
    let lab_pdf = b"%PDF-1.4\n% biologie\n%%EOF\n".to_vec();
    for (name, pdf) in [
        ("biologie.pdf", lab_pdf.clone()),
        ("brouillon.pdf", lab_pdf),
    ] {
        send(&mut pli, C::Document(D::AddAnother));
        send(&mut pli, C::DocumentPicked(Ok(Some((name.into(), pdf)))));
    }
    send(&mut pli, C::Document(D::Type(1, lab)));
    send(
        &mut pli,
        C::Document(D::Title(1, "Bilan du 3 décembre".into())),
    );
    assert!(shows(&pli, "consultation.pdf") && shows(&pli, "brouillon.pdf"));
    send(&mut pli, C::Document(D::Remove(2)));
    assert!(
        !shows(&pli, "brouillon.pdf"),
        "the removed document is gone"
    );
    assert_eq!(
        pli.composer(id)
            .and_then(|composer| composer.document())
            .map(|form| form.file_names()),
        Some(vec!["consultation.pdf", "biologie.pdf"])
    );

    let before = sent_by_the_doctor(&folder).len();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let task = pli.update(Message::Composer(id, C::Send));
    deliver(&mut pli, task_messages(&runtime, task));
    let task = pli.update(Message::Composer(
        id,
        C::Trust(pli::ui::trust::Message::Send),
    ));
    deliver(&mut pli, task_messages(&runtime, task));
    let queued = sent_by_the_doctor(&folder);
    assert_eq!(queued.len(), before + 1, "one message for both documents");
    let raw = queued.last().expect("the message").clone();
    let message = mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .expect("a message");
    assert_eq!(
        message.subject(),
        Some("XDM/1.0/DDM+CR ou fiche de consultation ou de visite LEFEVRE Jeanne 12/03/1979 - Pour avis")
    );
    assert_eq!(
        message
            .header_raw("X-MSS-CODECDA")
            .map(|value| value.trim().to_owned()),
        Some("11488-4,11502-2".to_owned())
    );
    use mail_parser::MimeHeaders;
    let names: Vec<&str> = message
        .attachments()
        .filter_map(|part| part.attachment_name())
        .collect();
    assert_eq!(names, ["IHE_XDM.ZIP", "consultation.pdf", "biologie.pdf"]);
    let zip = message
        .attachments()
        .find(|part| part.attachment_name() == Some("IHE_XDM.ZIP"))
        .expect("the archive")
        .contents()
        .to_vec();
    let reading = pli_core::xdm::read_archive(&zip).expect("the archive reads back");
    let titles: Vec<Option<&str>> = reading
        .documents
        .iter()
        .map(|document| document.title())
        .collect();
    assert_eq!(
        titles,
        [
            Some("CR ou fiche de consultation ou de visite"),
            Some("Bilan du 3 décembre")
        ]
    );
}
