//! The national directory as a screen and as the composer's completion: the pane's actions, and the candidates the composer completes from (known correspondents, kept contacts, directory hits).

use super::*;

impl Pli {
    pub(super) fn perform_directory(&mut self, action: directory::Action) -> Task<Message> {
        match action {
            directory::Action::None => Task::none(),
            directory::Action::Debounce(ticket) => after(
                DIRECTORY_DELAY,
                Message::Directory(directory::Message::SearchDue(ticket)),
            ),
            directory::Action::Search { ticket, text } => Task::perform(
                directory::search(
                    directory::directory_path(&self.profile),
                    text,
                    directory::RESULTS,
                ),
                move |result| Message::Directory(directory::Message::Searched { ticket, result }),
            ),
            directory::Action::SearchOnline { ticket, text } => Task::perform(
                directory::search_online(
                    directory::OnlineRequest {
                        directory: directory::directory_path(&self.profile),
                        base: self.profile_settings.directory_fhir_url.clone(),
                        keyring_service: self.profile.keyring_service().to_string(),
                        text,
                        demo: self.demo,
                    },
                    self.i18n.clone(),
                ),
                move |result| {
                    Message::Directory(directory::Message::OnlineSearched { ticket, result })
                },
            ),
            directory::Action::Write { name, address } => {
                let to = reader::Person { name, address }.mailbox();
                self.new_message_to(to)
            }
            directory::Action::Copy(address) => iced::clipboard::write(address),
            directory::Action::AddContact(contact) => {
                let path = directory::contacts_path(&self.profile);
                Task::perform(
                    async move {
                        tokio::task::spawn_blocking(move || directory::add_contact(&path, contact))
                            .await
                            .map_err(|error| error.to_string())?
                    },
                    |result| Message::Directory(directory::Message::ContactAdded(result)),
                )
            }
            directory::Action::Import => Task::perform(
                directory::import(directory::directory_path(&self.profile)),
                |result| Message::Directory(directory::Message::Imported(result)),
            ),
            directory::Action::Close => {
                self.screen = Screen::Mail;
                Task::none()
            }
        }
    }

    pub(super) fn open_directory(&mut self) -> Task<Message> {
        self.screen = Screen::Directory;
        self.directory
            .allow_online(self.profile_settings.directory_online);
        let path = directory::directory_path(&self.profile);
        Task::batch([
            Task::perform(directory::holding(path), |holding| {
                Message::Directory(directory::Message::Holding(holding))
            }),
            iced::widget::operation::focus(directory::SEARCH_FIELD),
        ])
    }

    /// The names the boxes sign with, read off the UI thread (the directory is a file).
    pub(super) fn load_sender_names(&self) -> Task<Message> {
        let profile = self.profile.clone();
        let accounts = self.accounts.clone();
        Task::perform(
            async move {
                tokio::task::spawn_blocking(move || {
                    accounts
                        .iter()
                        .filter_map(|account| {
                            let name = pli_core::usecase::outbox::sender_name(&profile, account)?;
                            Some((account.name.clone(), name))
                        })
                        .collect()
                })
                .await
                .unwrap_or_default()
            },
            |names| Message::Completion(Completion::SenderNames(names)),
        )
    }

    pub(super) fn load_known(&self) -> Task<Message> {
        Task::perform(
            composer::known_correspondents(self.store_path.clone(), KNOWN_CORRESPONDENTS),
            |known| Message::Completion(Completion::Known(known)),
        )
    }

    /// The composer's completion: a lookup when typing rests, and what the directory and the
    /// store answer (an answer to older letters is dropped).
    pub(super) fn complete(&mut self, message: Completion) -> Task<Message> {
        match message {
            Completion::Lookup(ticket, partial) if self.candidates.lookups.is_current(ticket) => {
                let path = directory::directory_path(&self.profile);
                Task::perform(
                    directory::search(path, partial, COMPLETION_HITS),
                    move |result| {
                        let known = result
                            .unwrap_or_default()
                            .into_iter()
                            .map(|entry| Known::new(entry.display_name(), entry.address))
                            .collect();
                        Message::Completion(Completion::Found(ticket, known))
                    },
                )
            }
            Completion::Found(ticket, known) if self.candidates.lookups.is_current(ticket) => {
                self.candidates.set_directory(known);
                Task::none()
            }
            Completion::Lookup(..) | Completion::Found(..) => Task::none(),
            Completion::Known(known) => {
                self.candidates.set_known(known);
                Task::none()
            }
            Completion::SenderNames(names) => {
                self.candidates.sender_names = names.into_iter().collect();
                Task::none()
            }
        }
    }
}

/// What the composer draws on: the addresses it completes from — the known correspondents first
/// (the people one already writes to), then the kept contacts, then the directory's hits, each
/// address once — and the name each box signs with.
#[derive(Default)]
pub(super) struct Candidates {
    /// Box name → the name its messages carry (ECO.2.2.7).
    sender_names: HashMap<String, String>,
    /// Correspondents of the store's messages.
    known: Vec<Known>,
    /// The contacts the person kept (`contacts.toml`).
    contacts: Vec<Known>,
    /// The directory's answer to the address being typed.
    directory: Vec<Known>,
    merged: Vec<Known>,
    /// Only the directory's answer to the last letters typed completes.
    pub(super) lookups: Debouncer,
}

impl Candidates {
    pub(super) fn with_contacts(contacts: Vec<Known>) -> Self {
        let mut candidates = Self::default();
        candidates.set_contacts(contacts);
        candidates
    }

    /// The From list of the composer.
    pub(super) fn senders(&self, accounts: &[Account]) -> Vec<composer::Sender> {
        accounts
            .iter()
            .map(|account| {
                let signs_as = self.sender_names.get(&account.name).map(String::as_str);
                composer::Sender::of(account, signs_as)
            })
            .collect()
    }

    pub(super) fn merged(&self) -> &[Known] {
        &self.merged
    }

    pub(super) fn set_known(&mut self, known: Vec<Known>) {
        self.known = known;
        self.merge();
    }

    pub(super) fn set_contacts(&mut self, contacts: Vec<Known>) {
        self.contacts = contacts;
        self.merge();
    }

    pub(super) fn set_directory(&mut self, directory: Vec<Known>) {
        self.directory = directory;
        self.merge();
    }

    fn merge(&mut self) {
        let mut merged = self.known.clone();
        for candidate in self.contacts.iter().chain(&self.directory) {
            if !merged
                .iter()
                .any(|known| known.address.eq_ignore_ascii_case(&candidate.address))
            {
                merged.push(candidate.clone());
            }
        }
        self.merged = merged;
    }
}
