//! The keyboard: every action of the day has a key. Keys typed into a field are the field's
//! (iced reports only the events no widget captured), so J and K navigate the list but type
//! letters in the search box.
//!
//! | keys | action |
//! |---|---|
//! | Ctrl+N | new message |
//! | Ctrl+R / Ctrl+Shift+R | reply / reply to all |
//! | Ctrl+L or Ctrl+Shift+F | forward |
//! | Delete | move to the trash |
//! | J or ↓ / K or ↑ | next / previous message |
//! | Page Down / Page Up, Home / End | a screen further / back, first / last message |
//! | Ctrl+F or / | search |
//! | Ctrl+U or Ctrl+I | mark read / unread |
//! | Ctrl+Enter | send |
//! | Ctrl+S | save the draft |
//! | Escape | back (leave the composer or the settings, clear the search) |
//! | Tab / Shift+Tab | next / previous field |
//! | Ctrl+, | settings |
//! | Ctrl+Shift+P | write to a patient |
//! | Ctrl+D | the national directory |
//! | Ctrl+E | in the directory: search the online Annuaire Santé too |

use iced::keyboard::{self, key::Named, Key};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shortcut {
    NewMessage,
    Reply,
    ReplyAll,
    Forward,
    Delete,
    Next,
    Previous,
    PageDown,
    PageUp,
    First,
    Last,
    Search,
    ToggleRead,
    Send,
    /// Save the draft being written.
    Save,
    Escape,
    FocusNext,
    FocusPrevious,
    Settings,
    WriteToPatient,
    Directory,
    /// In the directory: ask the online Annuaire Santé too ("en ligne").
    SearchOnline,
}

/// The shortcut a key press means, if any.
pub fn shortcut_for(event: &keyboard::Event) -> Option<Shortcut> {
    let keyboard::Event::KeyPressed {
        key,
        modified_key,
        modifiers,
        ..
    } = event
    else {
        return None;
    };
    if modifiers.alt() {
        return None;
    }
    let command = modifiers.command();
    let shift = modifiers.shift();
    match key.as_ref() {
        Key::Named(Named::Enter) if command => Some(Shortcut::Send),
        Key::Named(_) if command => None,
        Key::Named(Named::Delete) => Some(Shortcut::Delete),
        Key::Named(Named::ArrowDown) => Some(Shortcut::Next),
        Key::Named(Named::ArrowUp) => Some(Shortcut::Previous),
        Key::Named(Named::PageDown) => Some(Shortcut::PageDown),
        Key::Named(Named::PageUp) => Some(Shortcut::PageUp),
        Key::Named(Named::Home) => Some(Shortcut::First),
        Key::Named(Named::End) => Some(Shortcut::Last),
        Key::Named(Named::Escape) => Some(Shortcut::Escape),
        Key::Named(Named::Tab) if shift => Some(Shortcut::FocusPrevious),
        Key::Named(Named::Tab) => Some(Shortcut::FocusNext),
        Key::Character(letter) if command => match (letter.to_lowercase().as_str(), shift) {
            ("n", false) => Some(Shortcut::NewMessage),
            ("r", false) => Some(Shortcut::Reply),
            ("r", true) => Some(Shortcut::ReplyAll),
            ("l", false) | ("f", true) => Some(Shortcut::Forward),
            ("f", false) => Some(Shortcut::Search),
            ("u", false) | ("i", false) => Some(Shortcut::ToggleRead),
            (",", false) => Some(Shortcut::Settings),
            ("p", true) => Some(Shortcut::WriteToPatient),
            ("d", false) => Some(Shortcut::Directory),
            ("e", false) => Some(Shortcut::SearchOnline),
            ("s", false) => Some(Shortcut::Save),
            _ => None,
        },
        // "/" is Shift+: on a French keyboard: look at the key as typed.
        _ if matches!(modified_key.as_ref(), Key::Character("/")) => Some(Shortcut::Search),
        Key::Character("j") if !shift => Some(Shortcut::Next),
        Key::Character("k") if !shift => Some(Shortcut::Previous),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iced::keyboard::{key::Physical, Location, Modifiers};

    fn press(key: Key, modified: Key, modifiers: Modifiers) -> keyboard::Event {
        keyboard::Event::KeyPressed {
            key,
            modified_key: modified,
            physical_key: Physical::Unidentified(keyboard::key::NativeCode::Unidentified),
            location: Location::Standard,
            modifiers,
            text: None,
            repeat: false,
        }
    }

    fn letter(letter: &str, modifiers: Modifiers) -> keyboard::Event {
        press(
            Key::Character(letter.into()),
            Key::Character(letter.into()),
            modifiers,
        )
    }

    #[test]
    fn control_letters_are_the_mail_actions() {
        let ctrl = Modifiers::CTRL;
        let ctrl_shift = Modifiers::CTRL | Modifiers::SHIFT;
        assert_eq!(shortcut_for(&letter("n", ctrl)), Some(Shortcut::NewMessage));
        assert_eq!(shortcut_for(&letter("r", ctrl)), Some(Shortcut::Reply));
        assert_eq!(
            shortcut_for(&letter("R", ctrl_shift)),
            Some(Shortcut::ReplyAll)
        );
        assert_eq!(shortcut_for(&letter("l", ctrl)), Some(Shortcut::Forward));
        assert_eq!(
            shortcut_for(&letter("F", ctrl_shift)),
            Some(Shortcut::Forward)
        );
        assert_eq!(shortcut_for(&letter("f", ctrl)), Some(Shortcut::Search));
        assert_eq!(shortcut_for(&letter("u", ctrl)), Some(Shortcut::ToggleRead));
        assert_eq!(shortcut_for(&letter("i", ctrl)), Some(Shortcut::ToggleRead));
        assert_eq!(
            shortcut_for(&press(
                Key::Named(Named::Enter),
                Key::Named(Named::Enter),
                ctrl
            )),
            Some(Shortcut::Send)
        );
        assert_eq!(
            shortcut_for(&letter("e", ctrl)),
            Some(Shortcut::SearchOnline)
        );
        assert_eq!(shortcut_for(&letter("z", ctrl)), None);
    }

    #[test]
    fn plain_keys_move_through_the_list() {
        let none = Modifiers::empty();
        assert_eq!(shortcut_for(&letter("j", none)), Some(Shortcut::Next));
        assert_eq!(shortcut_for(&letter("k", none)), Some(Shortcut::Previous));
        assert_eq!(shortcut_for(&letter("J", Modifiers::SHIFT)), None);
        let named = |key| shortcut_for(&press(Key::Named(key), Key::Named(key), none));
        assert_eq!(named(Named::ArrowDown), Some(Shortcut::Next));
        assert_eq!(named(Named::ArrowUp), Some(Shortcut::Previous));
        assert_eq!(named(Named::Delete), Some(Shortcut::Delete));
        assert_eq!(named(Named::PageDown), Some(Shortcut::PageDown));
        assert_eq!(named(Named::Enter), None, "Enter alone is the fields'");
    }

    #[test]
    fn slash_searches_on_a_french_keyboard_too() {
        let azerty = press(
            Key::Character(":".into()),
            Key::Character("/".into()),
            Modifiers::SHIFT,
        );
        assert_eq!(shortcut_for(&azerty), Some(Shortcut::Search));
    }
}
