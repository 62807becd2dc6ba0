//! A picture attachment shown in the reader (issue 13: the phone photo of a prescription a
//! patient sends a pharmacy): fitted to the pane, zoomed with the wheel and moved by dragging,
//! turned a quarter at a time for a photo taken sideways. The pixels come decoded and upright
//! from the core (`mail::picture`), which refuses a broken or oversized file with a sentence.

use iced::widget::{button, column, container, image, row, text, Space};
use iced::{Alignment, ContentFit, Element, Length};

use super::theme;
use crate::args;
use crate::i18n::I18n;
use pli_core::mail::picture::Picture;

pub struct PictureViewer {
    name: String,
    picture: Picture,
    /// Made once per turn: a new handle is a new upload to the renderer.
    handle: image::Handle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    Turn,
    Close,
}

impl PictureViewer {
    pub fn new(name: String, picture: Picture) -> Self {
        let handle = handle_of(&picture);
        Self {
            name,
            picture,
            handle,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The picture as shown: width and height after the turns.
    pub fn size(&self) -> (u32, u32) {
        (self.picture.width, self.picture.height)
    }

    /// Turns the picture; `Close` is the reader's to act on.
    pub fn turn(&mut self) {
        self.picture = self.picture.turned();
        self.handle = handle_of(&self.picture);
    }

    pub fn view<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let bar = row![
            text(self.name.as_str())
                .size(theme::SMALL_SIZE)
                .font(theme::SEMIBOLD),
            text(i18n.t_args(
                "picture-size",
                args!["width" => self.picture.width, "height" => self.picture.height]
            ))
            .size(theme::SMALL_SIZE)
            .style(text::secondary),
            Space::new().width(Length::Fill),
            button(text(i18n.t("picture-turn")).size(theme::SMALL_SIZE))
                .padding([4, 10])
                .style(theme::action)
                .on_press(Message::Turn),
            button(text(i18n.t("picture-close")).size(theme::SMALL_SIZE))
                .padding([4, 10])
                .style(theme::action)
                .on_press(Message::Close),
        ]
        .spacing(10)
        .align_y(Alignment::Center);
        let viewer = image::viewer(self.handle.clone())
            .content_fit(ContentFit::Contain)
            .width(Length::Fill)
            .height(Length::Fill)
            .min_scale(0.5)
            .max_scale(8.0);
        column![
            bar,
            text(i18n.t("picture-hint"))
                .size(theme::TINY_SIZE)
                .style(text::secondary),
            container(viewer)
                .width(Length::Fill)
                .height(Length::Fill)
                .style(container::rounded_box),
        ]
        .spacing(6)
        .into()
    }
}

fn handle_of(picture: &Picture) -> image::Handle {
    image::Handle::from_rgba(picture.width, picture.height, picture.rgba.clone())
}
