//! Files dragged from the desktop onto the window: they join the message being written, or a new
//! message when none is on screen, the way a document is dropped onto a letter.

use std::path::PathBuf;

use iced::widget::{container, text};
use iced::{window, Element, Event, Length, Subscription};

use super::theme;
use crate::i18n::I18n;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Files are held above the window: it says what dropping them does.
    Hovered,
    /// They left without being dropped.
    Left,
    /// One file was dropped (several files arrive one message each).
    Dropped(PathBuf),
}

/// The window's drag-and-drop events.
pub fn subscription() -> Subscription<Message> {
    iced::event::listen_with(|event, _, _| match event {
        Event::Window(window::Event::FileHovered(_)) => Some(Message::Hovered),
        Event::Window(window::Event::FilesHoveredLeft) => Some(Message::Left),
        Event::Window(window::Event::FileDropped(path)) => Some(Message::Dropped(path)),
        _ => None,
    })
}

/// The line shown above the window while files are held over it.
pub fn hint<'a, M: 'a>(composing: bool, i18n: &I18n) -> Element<'a, M> {
    let key = if composing {
        "drop-to-attach"
    } else {
        "drop-to-new-message"
    };
    container(text(i18n.t(key)).size(theme::SMALL_SIZE))
        .padding([8, 16])
        .width(Length::Fill)
        .style(container::rounded_box)
        .into()
}
