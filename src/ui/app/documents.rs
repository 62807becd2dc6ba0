//! Health documents beyond the reader's card: what the store knows of each (received before,
//! replaced, filed), filing one in a patient's file, and the patient's file itself. The store is
//! read on a blocking thread, never while the window draws.

use super::*;
use pli_core::mssante::ins::Ins;
use pli_core::usecase::patient_file;

impl Pli {
    /// Reads what the store knows of the documents of the message on screen.
    pub(super) fn load_document_histories(&self) -> Task<Message> {
        let Some(opened) = self.reader.opened() else {
            return Task::none();
        };
        let documents = opened.documents_with_ids();
        if documents.is_empty() {
            return Task::none();
        }
        let reference = opened.reference.clone();
        let store_path = self.store_path.clone();
        let (folder, uid) = (reference.folder.id, reference.uid);
        Task::perform(
            async move {
                tokio::task::spawn_blocking(move || {
                    documents
                        .into_iter()
                        .filter_map(|(document, cda_id)| {
                            let history =
                                patient_file::history(&store_path, &cda_id, folder, uid).ok()?;
                            Some((document, history))
                        })
                        .collect()
                })
                .await
                .unwrap_or_default()
            },
            move |histories| {
                Message::Reader(reader::Message::Histories(reference.clone(), histories))
            },
        )
    }

    /// "Classer": the document goes in the patient's file; its card then says so.
    pub(super) fn file_document(&mut self, cda_id: String, ins: String) -> Task<Message> {
        let Ok(ins) = Ins::parse(&ins) else {
            return Task::none();
        };
        let store_path = self.store_path.clone();
        let i18n = self.i18n.clone();
        Task::perform(
            async move {
                tokio::task::spawn_blocking(move || patient_file::file(&store_path, &cda_id, &ins))
                    .await
                    .map_err(|error| error.to_string())
                    .and_then(|filed| filed.map_err(|error| error.localize(&i18n)))
            },
            |result| match result {
                Ok(boxes) => Message::Background(Background::DocumentFiled(boxes)),
                Err(reason) => Message::Reader(reader::Message::AttachmentDone(Err(reason))),
            },
        )
    }

    /// A document was filed: its row in the list says so ("classé"), and drops out of a list
    /// filtered to what is left to file.
    pub(super) fn show_filing_in_list(&mut self) {
        if let Some(store) = self.store.as_ref() {
            self.message_list.refresh(store);
        }
    }

    /// Who the store knows under this INS, for matching a document by sight.
    pub(super) fn look_up_patient(&self, ins: String) -> Task<Message> {
        let Ok(parsed) = Ins::parse(&ins) else {
            return Task::none();
        };
        let store_path = self.store_path.clone();
        let i18n = self.i18n.clone();
        Task::perform(
            async move {
                tokio::task::spawn_blocking(move || {
                    patient_file::known_patient(&store_path, &parsed)
                })
                .await
                .map_err(|error| error.to_string())
                .and_then(|known| known.map_err(|error| error.localize(&i18n)))
            },
            move |known| Message::Reader(reader::Message::MatchFound(ins.clone(), known)),
        )
    }

    /// The patient's file of this INS, read off the UI thread.
    pub(super) fn open_patient_file(&mut self, ins: &str) -> Task<Message> {
        let Ok(ins) = Ins::parse(ins) else {
            return Task::none();
        };
        self.patient_file = patient_file_screen(ins.clone());
        self.screen = Screen::PatientFile;
        let store_path = self.store_path.clone();
        let i18n = self.i18n.clone();
        Task::perform(
            async move {
                tokio::task::spawn_blocking(move || patient_file::open(&store_path, &ins))
                    .await
                    .map_err(|error| error.to_string())
                    .and_then(|file| file.map_err(|error| error.localize(&i18n)))
            },
            |result| Message::PatientFile(super::patient_file::Message::Loaded(result)),
        )
    }
}

fn patient_file_screen(ins: Ins) -> PatientFileScreen {
    PatientFileScreen::loading(ins)
}
