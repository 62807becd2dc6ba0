//! A pharmacy's prepared answers (issue 13) written in the settings and used from a
//! prescription: the settings write them to `settings.toml` through the core, and the reader's
//! "Répondre : …" puts the text in the composer.

use crate::common::*;
use pli::ui::{Message, Pli, Screen};
use pli_core::profile::Profile;
use pli_core::settings::ProfileSettings;

/// Feeds the interface's messages to the window, then runs the tasks the last one starts, as
/// iced would: each change asks for the settings to be written after a short rest, and only the
/// latest ask writes, so the earlier ones are let go.
fn deliver_all(runtime: &tokio::runtime::Runtime, pli: &mut Pli, messages: Vec<Message>) {
    let mut pending = messages;
    while let Some(last) = pending.pop() {
        for message in pending.drain(..) {
            let _ = pli.update(message);
        }
        let task = pli.update(last);
        pending = task_messages(runtime, task);
    }
}

/// The settings on a tall screen (they scroll, and what is below the fold is not found).
fn tall(pli: &Pli) -> iced_test::Simulator<'_, Message> {
    iced_test::Simulator::with_size(
        iced::Settings::default(),
        iced::Size::new(1280.0, 3200.0),
        pli.view(),
    )
}

#[test]
fn issue_13_a_reply_template_written_in_the_settings_is_offered_on_a_prescription() {
    let (folder, mut pli) = demo_window();
    let profile = Profile::at(folder.path());
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    click_text(&mut pli, "Paramètres");
    assert_eq!(pli.screen, Screen::Settings);
    // The demo has a pharmacy: its answers are listed, the window's own until one is changed.
    assert!(shows(&pli, "Réponses de l'officine aux patients"));

    let mut ui = tall(&pli);
    ui.click("+ Ajouter une réponse").expect("the add button");
    let messages = ui.into_messages().collect();
    deliver_all(&runtime, &mut pli, messages);

    let mut ui = tall(&pli);
    ui.click("Nom du bouton, par exemple Commande prête")
        .expect("the new answer's name field");
    ui.typewrite("Livraison demain");
    let messages = ui.into_messages().collect();
    deliver_all(&runtime, &mut pli, messages);
    let mut ui = tall(&pli);
    ui.click(pli::ui::settings_templates::text_id(3))
        .expect("the new answer's text");
    ui.typewrite("Bonjour, nous livrons demain matin.");
    let messages = ui.into_messages().collect();
    deliver_all(&runtime, &mut pli, messages);

    // Written to settings.toml (by the core's ProfileSettings::save), the built-in answers with it.
    let (saved, problems) = ProfileSettings::load(&profile.settings_file());
    assert!(problems.is_empty(), "{problems:?}");
    let names: Vec<&str> = saved
        .reply_templates
        .iter()
        .map(|template| template.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Commande prête",
            "En préparation",
            "Ordonnance illisible",
            "Livraison demain"
        ]
    );
    assert_eq!(
        saved.reply_templates[3].text,
        "Bonjour, nous livrons demain matin."
    );

    // Used from a prescription's reply.
    let _ = pli.update(Message::Settings(pli::ui::settings::Message::Back));
    click_text(&mut pli, "Ordonnances");
    click_text(&mut pli, "Ordonnance à préparer");
    click_text(&mut pli, "Répondre : Livraison demain");
    let composer = pli.active_composer().expect("the reply is open");
    assert!(
        composer
            .body_text()
            .starts_with("Bonjour, nous livrons demain matin."),
        "{}",
        composer.body_text()
    );
    assert!(composer.to().contains("@patient.mssante.fr"));

    // Removing an answer is written too.
    let _ = pli.update(Message::Go(pli::ui::Destination::Mail));
    click_text(&mut pli, "Paramètres");
    deliver_all(
        &runtime,
        &mut pli,
        vec![Message::Settings(pli::ui::settings::Message::Templates(
            pli::ui::settings_templates::Message::Remove(3),
        ))],
    );
    let (saved, _) = ProfileSettings::load(&profile.settings_file());
    assert_eq!(saved.reply_templates.len(), 3);
}
