//! The directory pane's online lookup, driven headless (iced_test on tiny-skia) the way a person
//! uses it, against recorded FHIR bundles served from a local HTTP server, with the API key in
//! the real keyring of `tests/run.sh`'s session (gnome-keyring): the key entered in the settings,
//! a name typed, "Chercher en ligne" pressed, the merged rows seen; and the sentences when the
//! lookup cannot be made.
//!
//! The window's tasks run for real here (keyring, HTTP, index), on a Tokio runtime.

use std::sync::Arc;

use crate::common::fhir::{martin_extraction, serve, Answer, KEY};
use iced::widget::Id;
use iced::Task;
use iced_test::selector::Candidate;
use iced_test::simulator;
use pli::i18n::{I18n, Language};
use pli::ui::shortcuts::Shortcut;
use pli::ui::{directory, directory_key, settings, Message, Pli, Screen};
use pli_core::directory::{BoxType, Directory, Origin};
use pli_core::mail::secrets::{Secret, Secrets, WorkstationSecret};
use pli_core::profile::Profile;

/// A window on a fresh profile (not the demo: the demo never reaches the keyring), in French,
/// whose directory holds the MARTINs and whose settings point at `base`.
struct Window {
    folder: tempfile::TempDir,
    pli: Pli,
    runtime: tokio::runtime::Runtime,
}

impl Window {
    fn new(base: &str, online: bool) -> Self {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let profile = Profile::at(folder.path());
        profile.ensure_folders().expect("the folders");
        std::fs::write(
            profile.settings_file(),
            format!("directory_online = {online}\ndirectory_fhir_url = \"{base}\"\n"),
        )
        .expect("the settings");
        let file = folder.path().join("extraction.txt");
        std::fs::write(&file, martin_extraction()).expect("the extraction");
        Directory::open(directory::directory_path(&profile))
            .expect("the directory opens")
            .import_file(&file, |_| std::ops::ControlFlow::Continue(()))
            .expect("imported");
        let pli = Pli::new(profile, Arc::new(I18n::new(Language::Fr)), false);
        Self {
            folder,
            pli,
            runtime: tokio::runtime::Runtime::new().expect("a runtime"),
        }
    }

    fn profile(&self) -> Profile {
        Profile::at(self.folder.path())
    }

    fn secrets(&self) -> Secrets {
        Secrets::os(self.profile().keyring_service()).expect("the Secret Service of run.sh")
    }

    /// Runs a task as the window's runtime would, and every task its messages lead to.
    fn settle(&mut self, task: Task<Message>) {
        let mut pending = vec![task];
        let mut rounds = 0;
        while let Some(task) = pending.pop() {
            rounds += 1;
            assert!(rounds < 200, "the tasks never settle");
            let messages = crate::common::task_messages(&self.runtime, task);
            for message in messages {
                pending.push(self.pli.update(message));
            }
        }
    }

    fn send(&mut self, message: Message) {
        let task = self.pli.update(message);
        self.settle(task);
    }

    fn deliver(&mut self, messages: Vec<Message>) {
        for message in messages {
            self.send(message);
        }
    }

    fn click(&mut self, label: &str) {
        let mut ui = simulator(self.pli.view());
        ui.click(label)
            .unwrap_or_else(|_| panic!("'{label}' is on screen"));
        let messages = ui.into_messages().collect();
        self.deliver(messages);
    }

    fn type_into(&mut self, id: &'static str, value: &str) {
        let mut ui = simulator(self.pli.view());
        ui.click(Id::new(id)).expect("the field is on screen");
        ui.typewrite(value);
        let messages = ui.into_messages().collect();
        self.deliver(messages);
    }

    fn shows(&self, part: &str) -> bool {
        let mut ui = simulator(self.pli.view());
        let part = part.to_string();
        ui.find(move |candidate: Candidate<'_>| match candidate {
            Candidate::Text { content, .. } if content.contains(&part) => Some(()),
            _ => None,
        })
        .is_ok()
    }

    /// Ctrl+D, then the name typed; the local search runs after the typing rests.
    fn search(&mut self, typed: &str) {
        self.send(Message::Shortcut(Shortcut::Directory));
        assert_eq!(self.pli.screen, Screen::Directory);
        self.type_into(directory::SEARCH_FIELD, typed);
    }

    fn addresses(&self) -> Vec<(&str, Origin)> {
        self.pli
            .directory
            .hits()
            .iter()
            .map(|row| (row.entry.address.as_str(), row.origin))
            .collect()
    }
}

/// Removes the profile's key from the keyring when the test ends, passed or not.
struct ForgetKey(Secrets);

impl Drop for ForgetKey {
    fn drop(&mut self) {
        let _ = self
            .0
            .delete_workstation(WorkstationSecret::DirectoryApiKey);
    }
}

#[test]
fn ann_the_key_entered_in_the_settings_finds_online_boxes_merged_with_the_files() {
    let (base, requests) = serve(Answer::Bundles);
    let mut window = Window::new(&base, false);
    let _forget = ForgetKey(window.secrets());

    // The settings: no key yet; the key typed in the masked field goes to the keyring.
    window.send(Message::Shortcut(Shortcut::Settings));
    assert_eq!(window.pli.screen, Screen::Settings);
    assert!(window.shows("Aucune clé n'est enregistrée."));
    window.type_into(directory_key::KEY_FIELD, KEY);
    assert!(!window.shows(KEY), "the key is never shown");
    window.click("Enregistrer la clé");
    assert!(window.shows("Une clé est enregistrée dans le trousseau du système."));
    assert!(!window.shows(KEY));
    let stored = window
        .secrets()
        .find_workstation(WorkstationSecret::DirectoryApiKey)
        .expect("the keyring answers");
    assert_eq!(stored, Some(Secret::new(KEY)), "in the real keyring");

    // Online lookup allowed; written to settings.toml, the key nowhere in the profile's files.
    window.send(Message::Settings(settings::Message::DirectoryKey(
        directory_key::Message::Online(true),
    )));
    let written = std::fs::read_to_string(window.profile().settings_file()).expect("written");
    assert!(written.contains("directory_online = true"), "{written}");
    for file in walk(window.folder.path()) {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !bytes.windows(KEY.len()).any(|part| part == KEY.as_bytes()),
            "the key is in {}",
            file.display()
        );
    }

    // The file's two MARTINs, then the online lookup.
    window.search("martin");
    assert_eq!(
        window.addresses(),
        [
            ("jean.martin@ch-lens.mssante.fr", Origin::File),
            ("paul.martin@ch-lens.mssante.fr", Origin::File)
        ]
    );
    assert!(
        requests.lock().expect("lock").is_empty(),
        "nothing online yet"
    );
    let started = std::time::Instant::now();
    window.click("Chercher en ligne");
    // Three requests (two pages of practitioners, one of organisations), paced at 17 a second.
    eprintln!("online lookup through the window: {:?}", started.elapsed());
    let rows = window.addresses();
    assert_eq!(
        rows,
        [
            ("jean.martin@ch-lens.mssante.fr", Origin::Confirmed),
            ("paul.martin@ch-lens.mssante.fr", Origin::File),
            ("zoe.martin@medecin.mssante.fr", Origin::Online),
            ("dpi@msp-saint-martin.mssante.fr", Origin::Online),
        ],
        "the duplicate is one row; the boxes the file lacks are added"
    );
    let jean = &window.pli.directory.hits()[0].entry;
    assert_eq!(jean.civility, "DR", "the online data is fresher");
    assert_eq!(jean.town, "LENS", "the file's town is kept");
    let app = &window.pli.directory.hits()[3].entry;
    assert_eq!(app.box_type, BoxType::Other("APP".into()));
    assert!(window.shows("confirmée en ligne"));
    assert!(window.shows("dpi@msp-saint-martin.mssante.fr"));
    assert!(window.shows("Boîte APP"));
    assert!(window.shows("Maison de santé Saint-Martin — Logiciel de dossier patient"));
    assert!(window.shows("1 boîte confirmée, 2 boîtes absentes du fichier ajoutées"));
    let seen = requests.lock().expect("lock").clone();
    assert!(
        seen.iter().all(|(_, has_key)| *has_key),
        "the stored key is sent: {seen:?}"
    );

    // The added APP box is used like any other.
    window.send(Message::Directory(directory::Message::Copy(3)));
    assert!(window.shows("Adresse copiée : dpi@msp-saint-martin.mssante.fr"));

    // Removed from the settings: the keyring no longer has it.
    window.send(Message::Shortcut(Shortcut::Settings));
    assert!(window.shows("Une clé est enregistrée"));
    window.click("Retirer la clé");
    assert!(window.shows("Aucune clé n'est enregistrée."));
    assert_eq!(
        window
            .secrets()
            .find_workstation(WorkstationSecret::DirectoryApiKey)
            .expect("the keyring answers"),
        None
    );
}

#[test]
fn ann_each_reason_the_online_lookup_fails_is_a_sentence_and_the_files_rows_stay() {
    let (good, _) = serve(Answer::Bundles);
    let (html, _) = serve(Answer::Html);
    let cases: [(&str, bool, Option<&str>, &str); 5] = [
        (&good, false, Some(KEY), "n'est pas autorisée sur ce poste"),
        (&good, true, None, "Aucune clé d'API de l'Annuaire Santé"),
        (
            &good,
            true,
            Some("wrong-key"),
            "a refusé la clé d'API (statut 401)",
        ),
        (
            &html,
            true,
            Some(KEY),
            "par une page web au lieu de données",
        ),
        (
            "http://127.0.0.1:1/fhir/v2",
            true,
            Some(KEY),
            "L'Annuaire Santé en ligne ne répond pas",
        ),
    ];
    for (base, online, key, sentence) in cases {
        let mut window = Window::new(base, online);
        let secrets = window.secrets();
        let _forget = ForgetKey(window.secrets());
        if let Some(key) = key {
            secrets
                .set_workstation(WorkstationSecret::DirectoryApiKey, &Secret::new(key))
                .expect("stored");
        }
        window.search("martin");
        // Ctrl+E, the keyboard's way.
        window.send(Message::Shortcut(Shortcut::SearchOnline));
        assert!(window.shows(sentence), "'{sentence}' for {base}");
        assert_eq!(window.pli.directory.hits().len(), 2, "the file's rows stay");
        assert!(!window.pli.directory.searching_online());
    }
}

fn walk(folder: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
