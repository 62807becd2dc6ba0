//! The screens' actions turned into work: the lock, Pro Santé Connect, dropped files, the first-frame probe, the list, the reader, the patient composer, the settings, and keeping a box alive.

use super::*;

impl Pli {
    pub(super) fn perform_lock(&mut self, action: lock::Action) -> Task<Message> {
        match action {
            lock::Action::None => Task::none(),
            lock::Action::Locked => iced::widget::operation::focus(lock::field::PIN),
            keyring => {
                if self.demo {
                    // No keyring behind the demo: the tests answer in its place.
                    return Task::none();
                }
                let service = self.profile.keyring_service().to_string();
                let i18n = self.i18n.clone();
                let interrupted = self.i18n.t("lock-keyring-interrupted");
                Task::perform(
                    async move {
                        tokio::task::spawn_blocking(move || {
                            match pli_core::mail::secrets::Secrets::os(&service) {
                                Ok(secrets) => lock::run_keyring(&keyring, &secrets, &i18n),
                                Err(error) => Some(lock::Message::KeyringFailed(
                                    pli_core::mail::connect::ConnectError::Secret(error)
                                        .localize(&i18n),
                                )),
                            }
                        })
                        .await
                        .unwrap_or(Some(lock::Message::KeyringFailed(interrupted)))
                    },
                    |answer| match answer {
                        Some(message) => Message::Lock(message),
                        // Only for the actions that need no keyring, which never come here.
                        None => Message::Lock(lock::Message::Tick(chrono::Utc::now())),
                    },
                )
            }
        }
    }

    pub(super) fn perform_psc(&mut self, action: psc::Action) -> Task<Message> {
        match action {
            psc::Action::None => Task::none(),
            psc::Action::Run(task) => task.map(Message::Psc),
            psc::Action::SyncNow(account) => {
                if let Some(worker) = self.workers.get(&account) {
                    worker.sync_now();
                }
                Task::none()
            }
        }
    }

    pub(super) fn files_dropped(&mut self, message: dropped_files::Message) -> Task<Message> {
        let path = match message {
            dropped_files::Message::Hovered => {
                self.dropping = true;
                return Task::none();
            }
            dropped_files::Message::Left => {
                self.dropping = false;
                return Task::none();
            }
            dropped_files::Message::Dropped(path) => path,
        };
        self.dropping = false;
        if self.lock.as_ref().is_some_and(Lock::is_covering) {
            // Nothing of the mail shows behind the lock, and nothing is added to it.
            return Task::none();
        }
        let (opened, id) = match self.active_composer().map(|composer| composer.id()) {
            Some(id) => (Task::none(), id),
            None => {
                let opened = self.new_message();
                match self.active_composer().map(|composer| composer.id()) {
                    Some(id) => (opened, id),
                    // No box to write from yet.
                    None => return opened,
                }
            }
        };
        let i18n = self.i18n.clone();
        let attached = Task::perform(composer::read_attachments(vec![path]), move |result| {
            let result = result
                .map_err(|detail| i18n.t_args("composer-attach-failed", args!["detail" => detail]));
            Message::Composer(id, composer::Message::Attached(result))
        });
        Task::batch([opened, attached])
    }

    /// Listens for frames on behalf of the first-frame benchmark, when it asked.
    pub fn probe_first_frame(&mut self) {
        self.frame_probe = Some(FrameProbe::default());
    }

    /// The benchmark's probe: says when the first frame was drawn, then when the first frame
    /// the person can act on was (the keyring answered: the PIN is asked, or the mail shows),
    /// and closes the window.
    pub(super) fn frame_drawn(&mut self) -> Task<Message> {
        let Some(probe) = self.frame_probe.as_mut() else {
            return Task::none();
        };
        if !probe.first_drawn {
            probe.first_drawn = true;
            println!("first-frame");
        }
        let waiting = self
            .lock
            .as_ref()
            .is_some_and(|lock| lock.phase() == lock::Phase::Starting && lock.problem().is_none());
        if waiting {
            return Task::none();
        }
        let shown = match self.lock.as_ref().map(Lock::phase) {
            Some(lock::Phase::Locked) => "pin-asked",
            Some(lock::Phase::ChoosingPin) => "pin-chosen",
            Some(lock::Phase::Starting) => "keyring-failed",
            Some(lock::Phase::Unlocked) | None => "mail",
        };
        // Linux only; elsewhere the benchmark reads "?".
        let peak =
            pli_core::memory::peak_resident_kib().map_or_else(|| "?".into(), |kib| kib.to_string());
        println!(
            "ready-frame {shown} rows={} vmhwm_kib={peak}",
            self.message_list.visible_rows().len()
        );
        self.frame_probe = None;
        iced::exit()
    }

    pub(super) fn perform_list(&mut self, action: message_list::Action) -> Task<Message> {
        match action {
            message_list::Action::None => Task::none(),
            message_list::Action::Open(reference) => self.open(reference),
            message_list::Action::Close => {
                self.reader.close();
                Task::none()
            }
            message_list::Action::Debounce(ticket) => after(
                SEARCH_DELAY,
                Message::List(message_list::Message::SearchDue(ticket)),
            ),
            message_list::Action::Search {
                ticket,
                accounts,
                filter,
            } => Task::batch([
                Task::perform(
                    message_list::search(self.store_path.clone(), filter.clone()),
                    move |result| Message::List(message_list::Message::Searched { ticket, result }),
                ),
                Task::perform(
                    message_list::search_servers(
                        self.store_path.clone(),
                        self.profile.keyring_service().to_string(),
                        accounts,
                        filter,
                    ),
                    move |(found, unreachable)| {
                        Message::List(message_list::Message::ServerSearched {
                            ticket,
                            found,
                            unreachable,
                        })
                    },
                ),
            ]),
            message_list::Action::AddBox => {
                self.screen = Screen::Welcome;
                Task::none()
            }
            message_list::Action::OpenSettings => self.open_settings(),
            message_list::Action::ShowPrescriptions(account) => {
                self.go(Destination::Prescriptions(account))
            }
            message_list::Action::ShowHandling(account, view) => {
                self.go(Destination::Handling(account, view))
            }
        }
    }

    pub(super) fn perform_reader(&mut self, action: reader::Action) -> Task<Message> {
        match action {
            reader::Action::None => Task::none(),
            reader::Action::Reply { all } => self.reply(all),
            reader::Action::Forward => self.forward(),
            reader::Action::ToggleRead => self.toggle_read(),
            reader::Action::ToggleJunk => self.toggle_junk(),
            reader::Action::Delete => self.delete(),
            reader::Action::SendReadReceipt(to) => self.send_read_receipt(to),
            reader::Action::DeclineReadReceipt => self.decline_read_receipt(),
            reader::Action::OpenAttachment(index) => self.attachment(index, true),
            reader::Action::ShowPicture(index) => self.show_picture(index),
            reader::Action::SaveAttachment(index) => self.attachment(index, false),
            reader::Action::Handle(action) => {
                self.change_handling(super::handling::Change::Handle(action))
            }
            reader::Action::HandleConversation(action) => {
                self.change_handling(super::handling::Change::Conversation(action))
            }
            reader::Action::PrescriptionStep(state) => {
                self.change_handling(super::handling::Change::Prescription(state))
            }
            reader::Action::ReplyWithTemplate(index) => {
                let templates =
                    crate::ui::handling::reply_templates(&self.profile_settings, &self.i18n);
                let Some(template) = templates.get(index) else {
                    return Task::none();
                };
                let id = self.next_composer;
                let task = self.reply(false);
                if let Some(composer) = self.composers.iter_mut().find(|c| c.id() == id) {
                    composer.start_body_with(&template.text);
                }
                task
            }
            reader::Action::FileDocument { cda_id, ins } => self.file_document(cda_id, ins),
            reader::Action::OpenPatientFile(ins) => self.open_patient_file(&ins),
            reader::Action::LookUpPatient(ins) => self.look_up_patient(ins),
            reader::Action::OpenDocumentPdf(document) => self.document_pdf(document, true),
            reader::Action::SaveDocumentPdf(document) => self.document_pdf(document, false),
            reader::Action::Retry => match self.reader.opened() {
                Some(opened) => self.fetch_body(opened.reference.clone()),
                None => Task::none(),
            },
        }
    }

    pub(super) fn perform_patient(&mut self, action: patient::Action) -> Task<Message> {
        match action {
            patient::Action::None => Task::none(),
            patient::Action::Close => {
                self.screen = match self.identity_for.take() {
                    Some(id) if self.composer(id).is_some() => Screen::Composer(id),
                    _ => Screen::Mail,
                };
                Task::none()
            }
            patient::Action::Write { ins, .. } if self.identity_for.is_some() => {
                // Back to the message whose recipient was checked: the identity typed agrees
                // with the matricule and is qualified, the professional confirmed it.
                let Some(id) = self.identity_for.take() else {
                    return Task::none();
                };
                let Some(composer) = self.composers.iter_mut().find(|c| c.id() == id) else {
                    self.screen = Screen::Mail;
                    return Task::none();
                };
                if composer.patients().contains(&ins) {
                    composer.identity_confirmed(ins);
                }
                self.screen = Screen::Composer(id);
                Task::none()
            }
            patient::Action::Write {
                address,
                display_name,
                ins,
            } => {
                // The name goes with the address so the composer shows the patient by name
                // and INS, never by the raw address alone (ECO.3.1.2).
                let to = reader::Person {
                    name: display_name,
                    address,
                }
                .mailbox();
                let opened = self.new_message_to(to);
                // The identity was checked against the matricule and confirmed on that screen.
                if let Screen::Composer(id) = self.screen {
                    if let Some(composer) = self.composers.iter_mut().find(|c| c.id() == id) {
                        composer.identity_confirmed(ins);
                    }
                }
                opened
            }
        }
    }

    pub(super) fn perform_settings(&mut self, action: settings::Action) -> Task<Message> {
        match action {
            settings::Action::None => Task::none(),
            settings::Action::Save => self.save_preferences_later(),
            settings::Action::Language => {
                let language = self
                    .profile_settings
                    .language
                    .unwrap_or_else(Language::from_os);
                self.i18n = Arc::new(I18n::new(language));
                // The form holds translated choices: a fresh one speaks the new language.
                self.welcome = welcome::Welcome::new(self.i18n.clone());
                self.save_preferences_later()
            }
            settings::Action::AddBox => {
                self.screen = Screen::Welcome;
                Task::none()
            }
            settings::Action::DirectoryKey(action) => crate::ui::directory_key::task(
                action,
                self.profile.keyring_service(),
                &self.i18n,
                self.demo,
            )
            .map(|message| Message::Settings(settings::Message::DirectoryKey(message))),
            settings::Action::Back => {
                self.screen = Screen::Mail;
                Task::none()
            }
            settings::Action::ChooseExportFile => {
                let cancelled = self.i18n.t("settings-trace-cancelled");
                Task::perform(settings::choose_export_file(), move |chosen| {
                    Message::Settings(match chosen {
                        Some(path) => settings::Message::ExportFileChosen(path),
                        None => settings::Message::TraceExported(Ok(cancelled.clone())),
                    })
                })
            }
            settings::Action::ExportTrace(path) => Task::perform(
                settings::export_trace(self.profile.clone(), path, self.i18n.clone()),
                |result| Message::Settings(settings::Message::TraceExported(result)),
            ),
            settings::Action::ChangeBox(name, change) => {
                let answer = name.clone();
                Task::perform(
                    settings::change_box(self.profile.clone(), name, change, self.i18n.clone()),
                    move |result| {
                        Message::Settings(settings::Message::BoxSaved(answer.clone(), result))
                    },
                )
            }
            settings::Action::BoxChanged(account) => {
                if let Some(known) = self.accounts.iter_mut().find(|a| a.name == account.name) {
                    *known = (*account).clone();
                }
                self.message_list.box_changed(*account);
                Task::none()
            }
        }
    }

    /// "Keep this box": the worker signs in now; the use is recorded once its pass is done
    /// (see `worker_event`). The demo has no server: the use is recorded at once.
    pub(super) fn keep_alive(&mut self, name: String) -> Task<Message> {
        if self.demo {
            return self.record_use(&name);
        }
        if self.workers.keep_alive(name.clone()) {
            return Task::none();
        }
        let reason = self.i18n.t("banner-keep-alive-offline");
        self.inactivity(Inactivity::Banner(
            name,
            banners::Message::KeepAliveFailed(reason),
        ))
    }

    /// Records a use of the box by the person at the keyboard, and tells its banner.
    pub(super) fn record_use(&mut self, name: &str) -> Task<Message> {
        let now = chrono::Utc::now();
        let person = pli_core::mail::store::workstation_user();
        let message = match self
            .store
            .as_ref()
            .map(|store| store.record_use(name, &person, now))
        {
            Some(Ok(())) => banners::Message::Used(LastUse { person, at: now }),
            Some(Err(error)) => banners::Message::KeepAliveFailed(self.i18n.t_args(
                "banner-keep-alive-unrecorded",
                args!["detail" => error.to_string()],
            )),
            None => banners::Message::KeepAliveFailed(self.i18n.t("banner-keep-alive-offline")),
        };
        self.inactivity(Inactivity::Banner(name.to_string(), message))
    }

    pub(super) fn open_patient(&mut self) -> Task<Message> {
        if self.accounts.is_empty() {
            return Task::none();
        }
        self.screen = Screen::Patient;
        iced::widget::operation::focus(patient::field::MATRICULE)
    }

    pub(super) fn open_settings(&mut self) -> Task<Message> {
        let sharing_limited = self
            .accounts
            .iter()
            .filter_map(|account| {
                let store = self.store.as_ref()?;
                let folders =
                    pli_core::usecase::handling::sharing_limited_folders(store, &account.name)
                        .ok()?;
                Some((account.name.clone(), folders))
            })
            .collect();
        self.settings.open(
            self.message_list.boxes(),
            &self.preferences,
            &self.profile_settings,
            sharing_limited,
            pli_core::mail::trust_list::status(&self.profile),
            &self.i18n,
        );
        self.screen = Screen::Settings;
        let check = self.settings.check_directory_key();
        self.perform_settings(settings::Action::DirectoryKey(check))
    }

    /// Another screen or view, as the person asked.
    pub(super) fn go(&mut self, destination: Destination) -> Task<Message> {
        match destination {
            Destination::Mail => {
                self.screen = if self.accounts.is_empty() {
                    Screen::Welcome
                } else {
                    Screen::Mail
                };
                Task::none()
            }
            Destination::NewMessage => self.new_message(),
            Destination::Draft(id) => {
                if self.composer(id).is_some() {
                    self.screen = Screen::Composer(id);
                    return iced::widget::operation::focus(composer::field::TO);
                }
                Task::none()
            }
            Destination::Patient => self.open_patient(),
            Destination::Directory => self.open_directory(),
            Destination::Handling(account, view) => {
                let (Some(store), Ok(person)) = (self.store.as_ref(), self.acting_person()) else {
                    return Task::none();
                };
                match Prescriptions::handling(store, &account, view, &person) {
                    Ok(found) => {
                        self.prescriptions = Some(found);
                        let _ = self
                            .message_list
                            .update(message_list::Message::HandlingShown(account, view), None);
                    }
                    Err(detail) => {
                        let _ = self
                            .message_list
                            .update(message_list::Message::Problem(detail), None);
                    }
                }
                Task::none()
            }
            Destination::PatientFile(ins) => self.open_patient_file(&ins),
            Destination::Prescriptions(account) => {
                let Some(store) = self.store.as_ref() else {
                    return Task::none();
                };
                match Prescriptions::read(store, &account) {
                    Ok(found) => {
                        self.prescriptions = Some(found);
                        let _ = self.message_list.update(
                            message_list::Message::PrescriptionsShown(Some(account)),
                            None,
                        );
                    }
                    Err(detail) => {
                        let _ = self
                            .message_list
                            .update(message_list::Message::Problem(detail), None);
                    }
                }
                Task::none()
            }
        }
    }

    /// The inactivity banners: the clock they count from, and "Garder cette boîte".
    pub(super) fn inactivity(&mut self, message: Inactivity) -> Task<Message> {
        match message {
            Inactivity::Clock(now) => {
                for banner in &mut self.inactivity {
                    let _ = banner.update(banners::Message::Clock(now));
                    self.message_list
                        .set_last_use(banner.mailbox(), banner.box_use());
                }
                Task::none()
            }
            Inactivity::Banner(name, message) => {
                let Some(banner) = self.inactivity.iter_mut().find(|b| b.mailbox() == name) else {
                    return Task::none();
                };
                let action = banner.update(message);
                self.message_list
                    .set_last_use(banner.mailbox(), banner.box_use());
                match action {
                    banners::Action::None => Task::none(),
                    banners::Action::KeepAlive(name) => self.keep_alive(name),
                }
            }
        }
    }

    /// The panes' layout as the person drags it, and the preferences written once the dragging
    /// rests (with the profile's settings, which the settings screen changes in place).
    pub(super) fn layout(&mut self, message: Layout) -> Task<Message> {
        match message {
            Layout::Resized(pane_grid::ResizeEvent { split, ratio }) => {
                self.panes.resize(split, ratio);
                self.preferences.panes = ratios(&self.panes);
                self.save_preferences_later()
            }
            Layout::SaveDue(ticket) if self.saves.is_current(ticket) => {
                let preferences_path = Preferences::path(&self.profile);
                let preferences = self.preferences.clone();
                let settings_path = self.profile.settings_file();
                let settings = self.profile_settings.clone();
                Task::perform(
                    async move {
                        tokio::task::spawn_blocking(move || {
                            preferences.save(&preferences_path)?;
                            settings.save(&settings_path)
                        })
                        .await
                        .map_err(|error| error.to_string())?
                        .map_err(|error| error.to_string())
                    },
                    |written| Message::Layout(Layout::Written(written)),
                )
            }
            Layout::SaveDue(_) | Layout::Written(Ok(())) => Task::none(),
            Layout::Written(Err(detail)) => {
                self.banner = Some(Banner::Problem(
                    self.i18n
                        .t_args("preferences-unwritable", args!["detail" => detail]),
                ));
                Task::none()
            }
        }
    }
}
