//! A pharmacy's prepared answers to patients ("Votre commande est prête…") in the settings:
//! listed, renamed, rewritten, added and removed. Every change puts the whole list in the
//! profile's settings (`reply_templates`), which the root writes to `settings.toml` as it does
//! every other setting; the reader of a prescription offers them at once.

use iced::widget::{button, column, row, text, text_editor, text_input};
use iced::{Alignment, Element, Length};

use super::theme;
use crate::i18n::I18n;
use pli_core::settings::{ProfileSettings, ReplyTemplate};

/// The id of the editor of the answer of rank `index` (to reach it from the keyboard and tests).
pub fn text_id(index: usize) -> iced::widget::Id {
    iced::widget::Id::from(format!("reply-template-text-{index}"))
}

/// One answer as it is being edited.
struct Editing {
    name: String,
    text: text_editor::Content,
}

#[derive(Default)]
pub struct Templates {
    answers: Vec<Editing>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Name(usize, String),
    Text(usize, text_editor::Action),
    Add,
    Remove(usize),
}

impl Templates {
    /// The answers the reader offers now: the settings' own, else the window's built-in ones
    /// (which become the settings' own at the first change).
    pub fn open(&mut self, settings: &ProfileSettings, i18n: &I18n) {
        self.answers = super::handling::reply_templates(settings, i18n)
            .into_iter()
            .map(|template| Editing {
                name: template.name,
                text: text_editor::Content::with_text(&template.text),
            })
            .collect();
    }

    /// Applies a change; `true` when the settings changed and must be written.
    pub fn update(&mut self, message: Message, settings: &mut ProfileSettings) -> bool {
        match message {
            Message::Name(index, name) => {
                let Some(answer) = self.answers.get_mut(index) else {
                    return false;
                };
                answer.name = name;
            }
            Message::Text(index, action) => {
                let Some(answer) = self.answers.get_mut(index) else {
                    return false;
                };
                let edits = action.is_edit();
                answer.text.perform(action);
                if !edits {
                    return false;
                }
            }
            // Empty until typed in (the fields say what goes there), and kept only then.
            Message::Add => self.answers.push(Editing {
                name: String::new(),
                text: text_editor::Content::new(),
            }),
            Message::Remove(index) => {
                if index >= self.answers.len() {
                    return false;
                }
                self.answers.remove(index);
            }
        }
        settings.reply_templates = self.saved();
        true
    }

    /// The list as the settings keep it: an answer with neither name nor text is not one.
    fn saved(&self) -> Vec<ReplyTemplate> {
        self.answers
            .iter()
            .map(|answer| ReplyTemplate {
                name: answer.name.trim().to_string(),
                text: answer.text.text().trim_end().to_string(),
            })
            .filter(|template| !template.name.is_empty() || !template.text.is_empty())
            .collect()
    }

    pub fn view<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let mut section = column![
            text(i18n.t("settings-templates"))
                .size(theme::HEADING_SIZE)
                .font(theme::SEMIBOLD),
            text(i18n.t("settings-templates-note"))
                .size(theme::SMALL_SIZE)
                .style(text::secondary),
        ]
        .spacing(10);
        for (index, answer) in self.answers.iter().enumerate() {
            let card = column![
                row![
                    text_input(&i18n.t("settings-templates-name-hint"), &answer.name)
                        .on_input(move |name| Message::Name(index, name))
                        .size(theme::SMALL_SIZE)
                        .padding(6),
                    button(text(i18n.t("settings-templates-remove")).size(theme::SMALL_SIZE))
                        .style(button::text)
                        .on_press(Message::Remove(index)),
                ]
                .spacing(8)
                .align_y(Alignment::Center),
                text_editor(&answer.text)
                    .id(text_id(index))
                    .placeholder(i18n.t("settings-templates-text-hint"))
                    .on_action(move |action| Message::Text(index, action))
                    .size(theme::SMALL_SIZE)
                    .height(Length::Fixed(150.0)),
            ]
            .spacing(6);
            section = section.push(
                iced::widget::container(card)
                    .padding(12)
                    .width(Length::Fill)
                    .style(theme::card),
            );
        }
        section
            .push(
                button(text(i18n.t("settings-templates-add")))
                    .style(theme::action)
                    .on_press(Message::Add),
            )
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    #[test]
    fn a_change_puts_the_whole_list_in_the_settings_and_empty_answers_are_dropped() {
        let i18n = I18n::new(Language::Fr);
        let mut settings = ProfileSettings::default();
        let mut templates = Templates::default();
        templates.open(&settings, &i18n);
        let built_in = templates.answers.len();
        assert!(built_in > 0, "the window's own answers are shown");
        assert!(
            settings.reply_templates.is_empty(),
            "opening writes nothing"
        );

        assert!(templates.update(Message::Add, &mut settings));
        assert_eq!(
            settings.reply_templates.len(),
            built_in,
            "no name, no text: not an answer yet"
        );
        assert!(templates.update(Message::Name(built_in, " Livraison ".into()), &mut settings));
        assert_eq!(settings.reply_templates.len(), built_in + 1);
        assert_eq!(settings.reply_templates[built_in].name, "Livraison");
        assert!(templates.update(Message::Remove(0), &mut settings));
        assert_eq!(settings.reply_templates.len(), built_in);
        assert_eq!(settings.reply_templates[0].name, "En préparation");
        assert!(!templates.update(Message::Remove(99), &mut settings));
    }
}
