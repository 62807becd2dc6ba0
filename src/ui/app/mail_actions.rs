//! What a person does to messages in the list and the reader: flags, delete (with the replay to the server), attachments opened or saved.

use super::*;
use crate::ui::health_document::DocumentRef;

impl Pli {
    /// Sets a flag in the store (queued for the server) and everywhere it shows.
    pub(super) fn set_flag(&mut self, reference: &MessageRef, flag: u8, on: bool) -> Task<Message> {
        let Some(store) = self.store.as_mut() else {
            return Task::none();
        };
        let was_unread = store
            .envelope(reference.folder.id, reference.uid)
            .ok()
            .flatten()
            .is_some_and(|envelope| !envelope.flags.has(Flags::SEEN));
        if let Err(error) = store.set_flag(
            &reference.account,
            &reference.folder,
            reference.uid,
            flag,
            on,
        ) {
            self.banner = Some(Banner::Problem(error.localize(&self.i18n)));
            return Task::none();
        }
        let Ok(Some(envelope)) = store.envelope(reference.folder.id, reference.uid) else {
            return Task::none();
        };
        self.message_list.set_flags(reference, envelope.flags);
        self.reader.flags_changed(reference, envelope.flags);
        let is_unread = !envelope.flags.has(Flags::SEEN);
        self.message_list.adjust_unread(
            reference.folder.id,
            isize::from(is_unread) - isize::from(was_unread),
        );
        self.replay_later(&reference.account)
    }

    /// Asks the box's worker to tell the server, once the user pauses.
    pub(super) fn replay_later(&mut self, account: &str) -> Task<Message> {
        if self.demo {
            return Task::none();
        }
        let ticket = self.workers.replay_later(account);
        after(
            REPLAY_DELAY,
            Message::Background(Background::ReplayDue(ticket)),
        )
    }

    /// The message the actions apply to: the one in the reader, else the selected one.
    pub(super) fn target(&self) -> Option<MessageRef> {
        self.reader
            .opened()
            .map(|opened| opened.reference.clone())
            .or_else(|| self.message_list.selected_ref())
    }

    pub(super) fn toggle_read(&mut self) -> Task<Message> {
        let Some(reference) = self.target() else {
            return Task::none();
        };
        let seen = self
            .store
            .as_ref()
            .and_then(|store| {
                store
                    .envelope(reference.folder.id, reference.uid)
                    .ok()
                    .flatten()
            })
            .is_some_and(|envelope| envelope.flags.has(Flags::SEEN));
        self.set_flag(&reference, Flags::SEEN, !seen)
    }

    /// Marks the message junk, or not junk after all, for every client (`$Junk`/`$NotJunk`,
    /// replayed by the box's worker).
    pub(super) fn toggle_junk(&mut self) -> Task<Message> {
        let Some(reference) = self.target() else {
            return Task::none();
        };
        let Some(store) = self.store.as_mut() else {
            return Task::none();
        };
        let junk = !pli_core::usecase::handling::is_junk(store, &reference.folder, reference.uid)
            .unwrap_or(false);
        if let Err(error) = pli_core::usecase::handling::mark_junk(
            store,
            &reference.account,
            &reference.folder,
            reference.uid,
            junk,
        ) {
            self.banner = Some(Banner::Problem(error.localize(&self.i18n)));
            return Task::none();
        }
        self.reader.junk_changed(&reference, junk);
        self.replay_later(&reference.account)
    }

    /// Moves the message to the box's trash and opens the next one.
    pub(super) fn delete(&mut self) -> Task<Message> {
        let Some(reference) = self.target() else {
            return Task::none();
        };
        let Some(store) = self.store.as_mut() else {
            return Task::none();
        };
        let trash = match store.folder_with_role(&reference.account, Role::Trash) {
            Ok(Some(trash)) if trash.id != reference.folder.id => trash,
            Ok(_) => {
                self.banner = Some(Banner::Problem(self.i18n.t("delete-no-trash")));
                return Task::none();
            }
            Err(error) => {
                self.banner = Some(Banner::Problem(error.localize(&self.i18n)));
                return Task::none();
            }
        };
        let was_unread = store
            .envelope(reference.folder.id, reference.uid)
            .ok()
            .flatten()
            .is_some_and(|envelope| !envelope.flags.has(Flags::SEEN));
        if let Err(error) = store.move_message(
            &reference.account,
            &reference.folder,
            reference.uid,
            &trash.name,
        ) {
            self.banner = Some(Banner::Problem(error.localize(&self.i18n)));
            return Task::none();
        }
        self.message_list.forget(&reference);
        if was_unread {
            self.message_list.adjust_unread(reference.folder.id, -1);
        }
        self.message_list.refresh(store);
        self.reader.close();
        let replay = self.replay_later(&reference.account);
        match self.message_list.selected_ref() {
            Some(next) if next != reference => Task::batch([replay, self.open(next)]),
            _ => replay,
        }
    }

    /// Saves an attachment in the Downloads folder, or opens it with the system's program
    /// from a private folder of the profile.
    pub(super) fn attachment(&mut self, index: usize, open: bool) -> Task<Message> {
        let Some((name, _, bytes)) = self
            .opened_raw()
            .and_then(|raw| reader::attachment(&raw, index))
        else {
            return Task::none();
        };
        self.hand_over(name, bytes, open)
    }

    /// A picture attachment decoded off the UI thread (a photo is megabytes of pixels) for the
    /// reader, or the sentence saying why it is not shown.
    pub(super) fn show_picture(&mut self, index: usize) -> Task<Message> {
        let (Some(reference), Some((name, _, bytes))) = (
            self.reader.opened().map(|o| o.reference.clone()),
            self.opened_raw()
                .and_then(|raw| reader::attachment(&raw, index)),
        ) else {
            return Task::none();
        };
        let i18n = self.i18n.clone();
        Task::perform(
            async move {
                tokio::task::spawn_blocking(move || {
                    pli_core::mail::picture::decode(&bytes).map_err(|error| error.localize(&i18n))
                })
                .await
                .unwrap_or_else(|error| Err(error.to_string()))
            },
            move |result| {
                Message::Reader(reader::Message::PictureDecoded(
                    reference.clone(),
                    name.clone(),
                    result,
                ))
            },
        )
    }

    /// The PDF a level 1 health document wraps, taken out of its archive only now, named after
    /// the document's title.
    pub(super) fn document_pdf(&mut self, document: DocumentRef, open: bool) -> Task<Message> {
        let Some(archive) = self
            .opened_raw()
            .and_then(|raw| reader::attachment(&raw, document.attachment))
        else {
            return Task::none();
        };
        let title = self
            .reader
            .opened()
            .and_then(|opened| opened.content())
            .and_then(|content| {
                let archive = content
                    .documents
                    .iter()
                    .find(|archive| archive.attachment == document.attachment)?;
                archive
                    .documents
                    .get(document.document)?
                    .title()
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| self.i18n.t("document-card-badge"));
        match pli_core::xdm::document_pdf(&archive.2, document.document) {
            Ok(Some(pdf)) => self.hand_over(format!("{title}.pdf"), pdf, open),
            Ok(None) => {
                self.reader.say(Err(self.i18n.t("document-no-pdf")));
                Task::none()
            }
            Err(refused) => {
                self.reader.say(Err(refused.localize(&self.i18n)));
                Task::none()
            }
        }
    }

    /// The raw message on screen, from the store.
    fn opened_raw(&self) -> Option<Vec<u8>> {
        let opened = self.reader.opened()?;
        let store = self.store.as_ref()?;
        store
            .raw(opened.reference.folder.id, opened.reference.uid)
            .ok()
            .flatten()
    }

    /// Opens a file with the system's application (from the profile's `opened` folder), or
    /// asks where to save it.
    fn hand_over(&mut self, name: String, bytes: Vec<u8>, open: bool) -> Task<Message> {
        if !open {
            return self.save_attachment_as(name, bytes);
        }
        let folder = self.profile.data_dir().join("opened");
        let i18n = self.i18n.clone();
        Task::perform(
            async move {
                let path = reader::write_attachment(folder, name, bytes).await;
                match path {
                    Ok(path) => reader::open_with_system(&path)
                        .map(|()| {
                            i18n.t_args(
                                "attachment-opened",
                                args!["path" => path.display().to_string()],
                            )
                        })
                        .map_err(|detail| {
                            i18n.t_args("attachment-failed", args!["detail" => detail])
                        }),
                    Err(detail) => Err(i18n.t_args("attachment-failed", args!["detail" => detail])),
                }
            },
            |result| Message::Reader(reader::Message::AttachmentDone(result)),
        )
    }

    /// "Enregistrer sous…": the system's dialog (the XDG portal on Linux) proposes the
    /// Downloads folder and the attachment's name; nothing is written if the person cancels.
    pub(super) fn save_attachment_as(&mut self, name: String, bytes: Vec<u8>) -> Task<Message> {
        let i18n = self.i18n.clone();
        let downloads =
            directories::UserDirs::new().and_then(|dirs| dirs.download_dir().map(PathBuf::from));
        Task::perform(
            async move {
                let mut dialog = rfd::AsyncFileDialog::new()
                    .set_file_name(pli_core::mail::mime::safe_file_name(&name));
                if let Some(folder) = downloads {
                    dialog = dialog.set_directory(folder);
                }
                let Some(handle) = dialog.save_file().await else {
                    return Ok(i18n.t("attachment-not-saved"));
                };
                let path = handle.path().to_path_buf();
                let written = path.clone();
                tokio::task::spawn_blocking(move || std::fs::write(&written, bytes))
                    .await
                    .map_err(|error| error.to_string())
                    .and_then(|result| result.map_err(|error| error.to_string()))
                    .map(|()| {
                        i18n.t_args(
                            "attachment-saved",
                            args!["path" => path.display().to_string()],
                        )
                    })
                    .map_err(|detail| i18n.t_args("attachment-failed", args!["detail" => detail]))
            },
            |result| Message::Reader(reader::Message::AttachmentDone(result)),
        )
    }
}
