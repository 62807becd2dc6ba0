//! The keyboard: a shortcut the widgets did not take, as the screen in view understands it.

use super::*;

impl Pli {
    pub(super) fn shortcut(&mut self, shortcut: Shortcut) -> Task<Message> {
        if self.is_locked() {
            // Behind the lock, keys reach only its PIN field.
            return match shortcut {
                Shortcut::FocusNext => iced::widget::operation::focus_next(),
                Shortcut::FocusPrevious => iced::widget::operation::focus_previous(),
                _ => Task::none(),
            };
        }
        match shortcut {
            Shortcut::FocusNext => return iced::widget::operation::focus_next(),
            Shortcut::FocusPrevious => return iced::widget::operation::focus_previous(),
            Shortcut::NewMessage => return self.new_message(),
            Shortcut::Settings => return self.open_settings(),
            Shortcut::WriteToPatient => return self.open_patient(),
            Shortcut::Directory => return self.open_directory(),
            _ => {}
        }
        match self.screen {
            Screen::Mail => self.mail_shortcut(shortcut),
            Screen::Composer(id) => match shortcut {
                Shortcut::Send => self.update_composer(id, composer::Message::Send),
                Shortcut::Save => self.update_composer(id, composer::Message::Save),
                Shortcut::Escape => self.update_composer(id, composer::Message::Back),
                _ => Task::none(),
            },
            Screen::Directory => match shortcut {
                Shortcut::Escape => self.update(Message::Directory(directory::Message::Close)),
                Shortcut::Next => self.update(Message::Directory(directory::Message::Move(1))),
                Shortcut::Previous => self.update(Message::Directory(directory::Message::Move(-1))),
                Shortcut::SearchOnline => {
                    self.update(Message::Directory(directory::Message::SearchOnline))
                }
                _ => Task::none(),
            },
            Screen::Patient => match shortcut {
                Shortcut::Escape => self.update(Message::Patient(patient::Message::Close)),
                _ => Task::none(),
            },
            Screen::Settings | Screen::Welcome | Screen::PatientFile => match shortcut {
                Shortcut::Escape => self.go(Destination::Mail),
                _ => Task::none(),
            },
        }
    }

    pub(super) fn mail_shortcut(&mut self, shortcut: Shortcut) -> Task<Message> {
        let Some(store) = self.store.as_ref() else {
            return Task::none();
        };
        let page = self.message_list.page_rows();
        let action = match shortcut {
            Shortcut::Next => self.message_list.move_selection(1, store),
            Shortcut::Previous => self.message_list.move_selection(-1, store),
            Shortcut::PageDown => self.message_list.move_selection(page, store),
            Shortcut::PageUp => self.message_list.move_selection(-page, store),
            Shortcut::First => self.message_list.select_first(store),
            Shortcut::Last => self.message_list.select_last(store),
            Shortcut::Reply => return self.reply(false),
            Shortcut::ReplyAll => return self.reply(true),
            Shortcut::Forward => return self.forward(),
            Shortcut::Delete => return self.delete(),
            Shortcut::ToggleRead => return self.toggle_read(),
            Shortcut::Search => {
                return Task::batch([
                    iced::widget::operation::focus(message_list::SEARCH_FIELD),
                    iced::widget::operation::select_all(message_list::SEARCH_FIELD),
                ])
            }
            Shortcut::Escape => self
                .message_list
                .update(message_list::Message::ClearSearch, Some(store)),
            _ => message_list::Action::None,
        };
        self.perform_list(action)
    }
}
