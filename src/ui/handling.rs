//! The reader's bar on a shared (organisational) box: who handles the message — "À traiter",
//! "Pris en charge par …", "Traité par …" — with "Je m'en occupe", "Rendre" and "Traité", and
//! for a pharmacy's prescription its step with the next one. What it shows comes from the
//! server's keywords (`pli_core::usecase::handling`), so every workstation shows the same.

use iced::widget::{button, row, text};
use iced::{Alignment, Element};

use super::reader::Message;
use super::theme;
use crate::args;
use crate::i18n::I18n;
use pli_core::mail::keywords::PrescriptionState;
use pli_core::usecase::handling::{HandlingAction, SharedView};

/// The sentence for who handles a message.
pub fn handler_sentence(shared: &SharedView, i18n: &I18n) -> String {
    match (shared.state, &shared.handler) {
        ("taken", Some(name)) => i18n.t_args("handling-taken", args!["name" => name.clone()]),
        ("done", Some(name)) => i18n.t_args("handling-done", args!["name" => name.clone()]),
        _ => i18n.t("handling-open"),
    }
}

/// The step after `state`, none after delivery.
fn next_step(state: PrescriptionState) -> Option<PrescriptionState> {
    match state {
        PrescriptionState::Received => Some(PrescriptionState::Preparing),
        PrescriptionState::Preparing => Some(PrescriptionState::Ready),
        PrescriptionState::Ready => Some(PrescriptionState::Delivered),
        PrescriptionState::Delivered => None,
    }
}

pub fn bar<'a>(shared: &SharedView, with_patient: bool, i18n: &I18n) -> Element<'a, Message> {
    let action = |label: String, message: Message| {
        button(text(label).size(theme::SMALL_SIZE))
            .padding([4, 10])
            .style(theme::action)
            .on_press(message)
    };
    let mut bar = row![text(handler_sentence(shared, i18n)).size(theme::SMALL_SIZE)]
        .spacing(8)
        .align_y(Alignment::Center);
    bar = match shared.state {
        "open" => {
            bar = bar.push(action(
                i18n.t("handling-take"),
                Message::Handle(HandlingAction::Take),
            ));
            // A family that wrote three times is one person to answer.
            if with_patient {
                bar = bar.push(action(
                    i18n.t("handling-take-conversation"),
                    Message::HandleConversation(HandlingAction::Take),
                ));
            }
            bar.push(action(
                i18n.t("handling-mark-done"),
                Message::Handle(HandlingAction::Done),
            ))
        }
        "taken" => bar
            .push(action(
                i18n.t("handling-release"),
                Message::Handle(HandlingAction::Release),
            ))
            .push(action(
                i18n.t("handling-mark-done"),
                Message::Handle(HandlingAction::Done),
            )),
        _ => bar.push(action(
            i18n.t("handling-reopen"),
            Message::Handle(HandlingAction::Release),
        )),
    };
    if let Some(state) = shared.prescription {
        bar = bar.push(
            text(i18n.t(&format!("prescription-state-{}", state.as_str())))
                .size(theme::SMALL_SIZE)
                .color(theme::SUCCESS),
        );
        if let Some(next) = next_step(state) {
            bar = bar.push(action(
                i18n.t(&format!("prescription-to-{}", next.as_str())),
                Message::PrescriptionStep(next),
            ));
        }
    }
    bar.wrap().into()
}

/// A pharmacy's prepared answers to the patient, one button each.
pub fn templates<'a>(names: &[String], i18n: &I18n) -> Element<'a, Message> {
    let mut bar = row![].spacing(6).align_y(Alignment::Center);
    for (index, name) in names.iter().enumerate() {
        bar = bar.push(
            button(
                text(i18n.t_args("template-answer", args!["name" => name.clone()]))
                    .size(theme::SMALL_SIZE),
            )
            .padding([4, 10])
            .style(theme::action)
            .on_press(Message::Template(index)),
        );
    }
    bar.wrap().into()
}

/// The answers the profile's settings give, else the window's own in its language.
pub fn reply_templates(
    settings: &pli_core::settings::ProfileSettings,
    i18n: &I18n,
) -> Vec<pli_core::settings::ReplyTemplate> {
    if !settings.reply_templates.is_empty() {
        return settings.reply_templates.clone();
    }
    ["ready", "preparing", "missing"]
        .iter()
        .map(|key| pli_core::settings::ReplyTemplate {
            name: i18n.t(&format!("template-{key}-name")),
            text: i18n.t(&format!("template-{key}-text")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steps_go_forward_and_stop_at_delivery() {
        let mut state = PrescriptionState::Received;
        let mut steps = 0;
        while let Some(next) = next_step(state) {
            assert!(next > state);
            state = next;
            steps += 1;
        }
        assert_eq!((state, steps), (PrescriptionState::Delivered, 3));
    }
}
