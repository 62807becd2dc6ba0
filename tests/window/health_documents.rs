//! The health documents of a message as the reader shows them: one card per document of an
//! `IHE_XDM.ZIP`, its PDF opened from the card, over the demo store (whose discharge report is
//! an archive built by the same code as `pli send --document`).

use crate::common::{click_text, deliver, demo_window as window, shows, task_messages};

use pli::ui::health_document::DocumentRef;
use pli::ui::{reader, Message};

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
        .opened
        .as_ref()
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
        pli.reader.notice.is_some(),
        "the person is told it was opened, or why not"
    );
}
