//! Small view helpers that mark what is special about patients' messages (ECO.3.1.1: messages
//! from patients look different; ECO.3.1.2: a patient is shown by name and INS), and the tinted
//! notes the MSSanté screens share.
//!
//! The tints are chosen per theme rather than taken from the palette: a chip must read the same
//! in light and dark themes, and the palette's "weak" colours are too close to the background in
//! the dark theme to tell a patient from a colleague at a glance.

use iced::widget::{container, row, text};
use iced::{border, font, Border, Color, Element, Font, Length, Theme};

use super::theme;
use crate::args;
use crate::i18n::I18n;
use pli_core::mail::store::PatientKind;
use pli_core::mssante::address::PATIENT_MESSAGE_SIZE_LIMIT;
use pli_core::mssante::conversation::BounceReason;
use pli_core::mssante::ins::Ins;

/// What a tinted box says about its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tone {
    /// Anything about a patient (Mon espace santé).
    Patient,
    /// A digital prescription a patient sent to a pharmacy.
    Prescription,
    /// Information; nothing to do.
    Notice,
    /// Something to check or to do, not blocking.
    Warning,
    /// Something that stops the action until it is fixed.
    Danger,
}

/// A background and the text colour readable on it.
#[derive(Debug, Clone, Copy)]
struct Tint {
    background: Color,
    text: Color,
}

const fn rgb(hex: u32) -> Color {
    Color::from_rgb(
        ((hex >> 16) & 0xff) as f32 / 255.0,
        ((hex >> 8) & 0xff) as f32 / 255.0,
        (hex & 0xff) as f32 / 255.0,
    )
}

impl Tone {
    /// Each pair has a contrast ratio above 7:1 (WCAG AAA), so small text stays readable.
    fn tint(self, dark: bool) -> Tint {
        let (background, text) = match (self, dark) {
            (Tone::Patient, false) => (0xdcf2ed, 0x0b4f42),
            (Tone::Patient, true) => (0x143d36, 0xc4efe5),
            (Tone::Prescription, false) => (0xece5fa, 0x44267f),
            (Tone::Prescription, true) => (0x2e2347, 0xe0d4ff),
            (Tone::Notice, false) => (0xe8eef6, 0x22344b),
            (Tone::Notice, true) => (0x1f2a38, 0xd6e1ee),
            (Tone::Warning, false) => (0xfff1d0, 0x5c3b00),
            (Tone::Warning, true) => (0x3d2f0f, 0xffe3a6),
            (Tone::Danger, false) => (0xfde3e3, 0x7f1818),
            (Tone::Danger, true) => (0x4a1b1b, 0xffcfcf),
        };
        Tint {
            background: rgb(background),
            text: rgb(text),
        }
    }
}

/// The container style of a tinted box: tinted background, text colour readable on it, and a
/// thin border in the text colour so the box stands out on any window background.
pub fn tinted(tone: Tone) -> impl Fn(&Theme) -> container::Style {
    move |theme: &Theme| {
        let tint = tone.tint(theme.extended_palette().is_dark);
        container::Style {
            background: Some(tint.background.into()),
            text_color: Some(tint.text),
            border: Border {
                color: Color {
                    a: 0.35,
                    ..tint.text
                },
                width: 1.0,
                radius: 6.0.into(),
            },
            ..container::Style::default()
        }
    }
}

/// A button drawn as a tinted box of `tone`, a little darker under the pointer.
pub fn tinted_button(
    tone: Tone,
) -> impl Fn(&Theme, iced::widget::button::Status) -> iced::widget::button::Style {
    move |theme: &Theme, status| {
        let frame = tinted(tone)(theme);
        let hovered = matches!(
            status,
            iced::widget::button::Status::Hovered | iced::widget::button::Status::Pressed
        );
        iced::widget::button::Style {
            background: frame.background,
            text_color: frame.text_color.unwrap_or(Color::BLACK),
            border: Border {
                width: if hovered { 2.0 } else { 1.0 },
                ..frame.border
            },
            ..iced::widget::button::Style::default()
        }
    }
}

/// The text colour of a tone outside a tinted box (status lines), readable on the window's
/// own background.
pub fn tone_text(tone: Tone) -> impl Fn(&Theme) -> text::Style {
    // The text colour of a tint is dark in the light theme and light in the dark one, so it
    // reads on the window's background as well as on its own tinted one.
    move |theme: &Theme| text::Style {
        color: Some(tone.tint(theme.extended_palette().is_dark).text),
    }
}

/// The semibold variant of the interface font, for the words that must catch the eye.
pub fn semibold() -> Font {
    Font {
        weight: font::Weight::Semibold,
        ..super::FONT
    }
}

/// A tinted box holding a sentence that wraps to the width it is given.
pub fn note<'a, M: 'a>(tone: Tone, sentence: String) -> Element<'a, M> {
    container(text(sentence).size(theme::BODY_SIZE))
        .padding([8, 12])
        .width(Length::Fill)
        .style(tinted(tone))
        .into()
}

/// A small tinted chip sized to its content.
fn chip<'a, M: 'a>(tone: Tone, label: String, detail: Option<String>) -> Element<'a, M> {
    let mut content = row![text(label).size(theme::SMALL_SIZE).font(semibold())].spacing(4);
    if let Some(detail) = detail {
        content = content.push(text(detail).size(theme::SMALL_SIZE));
    }
    container(content)
        .padding([3, 8])
        .style(tinted(tone))
        .into()
}

/// "Patient · Hélène DUPONT · INS 2 79 03 51 215 189 89": who a patient correspondent is,
/// by name and INS rather than by raw address (ECO.3.1.2), in the patient tint (ECO.3.1.1).
pub fn patient_marker<'a, M: 'a>(i18n: &I18n, ins: &Ins, name: Option<&str>) -> Element<'a, M> {
    chip(
        Tone::Patient,
        i18n.t("marker-patient"),
        Some(patient_marker_detail(i18n, ins, name)),
    )
}

/// The words of [`patient_marker`] after "Patient", for lists that draw their own chip.
pub fn patient_marker_detail(i18n: &I18n, ins: &Ins, name: Option<&str>) -> String {
    let ins = i18n.t_args("marker-ins", args!["ins" => ins.grouped()]);
    match name.map(str::trim).filter(|name| !name.is_empty()) {
        Some(name) => format!("· {name} · {ins}"),
        None => format!("· {ins}"),
    }
}

/// The patient wrote outside a conversation this box opened (SEED: only the professional
/// starts a conversation).
pub fn unsolicited_flag<'a, M: 'a>(i18n: &I18n) -> Element<'a, M> {
    chip(
        Tone::Warning,
        i18n.t("marker-unsolicited"),
        Some(i18n.t("marker-unsolicited-detail")),
    )
}

/// A digital prescription the patient sent to this pharmacy (SEED: the pharmacy exception).
pub fn prescription_badge<'a, M: 'a>(i18n: &I18n) -> Element<'a, M> {
    chip(Tone::Prescription, i18n.t("marker-prescription"), None)
}

/// The flag or badge a patient message carries, if any: an answer inside an open
/// conversation needs none.
pub fn patient_kind_marker<'a, M: 'a>(i18n: &I18n, kind: PatientKind) -> Option<Element<'a, M>> {
    match kind {
        PatientKind::Reply => None,
        PatientKind::Unsolicited => Some(unsolicited_flag(i18n)),
        PatientKind::Prescription => Some(prescription_badge(i18n)),
    }
}

/// Why Mon espace santé sent a message back, in plain words, with what to do.
pub fn bounce_sentence(i18n: &I18n, reason: BounceReason) -> String {
    let id = match reason {
        BounceReason::ConversationClosed => "bounce-conversation-closed",
        BounceReason::MessagingClosed => "bounce-messaging-closed",
        BounceReason::PatientUnknown => "bounce-patient-unknown",
        BounceReason::InvalidAddress => "bounce-invalid-address",
        BounceReason::TooLarge => "bounce-too-large",
        BounceReason::Other => "bounce-other",
    };
    i18n.t_args(id, args!["limit" => PATIENT_MESSAGE_SIZE_LIMIT / 1_000_000])
}

/// [`bounce_sentence`] in a box that says the message did not arrive.
pub fn bounce_note<'a, M: 'a>(i18n: &I18n, reason: BounceReason) -> Element<'a, M> {
    note(Tone::Danger, bounce_sentence(i18n, reason))
}

/// Under a conversation the professional closed (`X-MSS-MES: FIN`, ECO.2.2.8).
pub fn closed_conversation_note<'a, M: 'a>(i18n: &I18n) -> Element<'a, M> {
    note(Tone::Notice, i18n.t("marker-conversation-closed"))
}

/// A rounded border for cards (dialogs, the lock screen), in the theme's own colours.
pub fn card(theme: &Theme) -> container::Style {
    let palette = theme.extended_palette();
    container::Style {
        background: Some(palette.background.base.color.into()),
        text_color: Some(palette.background.base.text),
        border: border::rounded(10)
            .color(palette.background.strong.color)
            .width(1.0),
        ..container::Style::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG relative luminance.
    fn luminance(color: Color) -> f32 {
        let channel = |c: f32| {
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)
    }

    fn contrast(a: Color, b: Color) -> f32 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn eco_3_1_1_every_tint_is_readable_in_light_and_dark_themes() {
        for tone in [
            Tone::Patient,
            Tone::Prescription,
            Tone::Notice,
            Tone::Warning,
            Tone::Danger,
        ] {
            for dark in [false, true] {
                let tint = tone.tint(dark);
                let ratio = contrast(tint.background, tint.text);
                assert!(ratio >= 7.0, "{tone:?} dark={dark}: contrast {ratio:.1}");
            }
        }
    }
}
