//! Colours and text sizes shared by the screens. The theme follows the operating system (light
//! or dark) unless the user chose one in the settings.

use iced::widget::container;
use iced::{border, font, Background, Color, Font, Theme};

use super::Pli;

/// Light, dark, or as the operating system says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    /// From the profile's settings (`theme = "light"` or `"dark"`; anything else follows the
    /// system).
    pub fn of(settings: &pli_core::settings::ProfileSettings) -> Self {
        match settings.theme.as_deref() {
            Some("light") => ThemeChoice::Light,
            Some("dark") => ThemeChoice::Dark,
            _ => ThemeChoice::System,
        }
    }

    /// As the profile's settings write it.
    pub fn setting(self) -> Option<String> {
        match self {
            ThemeChoice::System => None,
            ThemeChoice::Light => Some("light".into()),
            ThemeChoice::Dark => Some("dark".into()),
        }
    }
}

/// `None` lets iced follow the system's light or dark preference.
pub fn follow_system(state: &Pli) -> Option<Theme> {
    match state.theme_choice() {
        ThemeChoice::System => None,
        ThemeChoice::Light => Some(Theme::Light),
        ThemeChoice::Dark => Some(Theme::Dark),
    }
}

pub const TITLE_SIZE: f32 = 28.0;
pub const HEADING_SIZE: f32 = 18.0;
pub const BODY_SIZE: f32 = 15.0;
pub const SMALL_SIZE: f32 = 13.0;
pub const TINY_SIZE: f32 = 11.0;

/// Unread messages and titles.
pub const SEMIBOLD: Font = Font {
    weight: font::Weight::Semibold,
    ..super::FONT
};

/// Success and failure colours readable on both light and dark backgrounds.
pub const SUCCESS: Color = Color::from_rgb(0.13, 0.55, 0.27);
pub const DANGER: Color = Color::from_rgb(0.80, 0.17, 0.17);
/// The flag of a flagged message.
pub const FLAG: Color = Color::from_rgb(0.93, 0.55, 0.05);

/// Messages from patients have their own colour (ECO.3.1.1), the one every MSSanté screen
/// uses (`markers::Tone::Patient`).
fn patient_style(theme: &Theme) -> container::Style {
    super::markers::tinted(super::markers::Tone::Patient)(theme)
}

/// The background of a patient's row in the list.
pub fn patient_tint(theme: &Theme) -> Color {
    match patient_style(theme).background {
        Some(Background::Color(colour)) => colour,
        _ => Color::TRANSPARENT,
    }
}

/// The text colour of the patient marker in a list row.
pub fn patient_text(theme: &Theme) -> Color {
    patient_style(theme)
        .text_color
        .unwrap_or(theme.extended_palette().background.base.text)
}

/// The reader's header around a patient's message.
pub fn patient_panel(theme: &Theme) -> container::Style {
    patient_style(theme)
}

/// The background behind the panes and bars.
pub fn bar(theme: &Theme) -> container::Style {
    let palette = theme.extended_palette();
    container::Style {
        background: Some(Background::Color(palette.background.weak.color)),
        ..container::Style::default()
    }
}

/// A pane's own surface.
pub fn pane(theme: &Theme) -> container::Style {
    let palette = theme.extended_palette();
    container::Style {
        background: Some(Background::Color(palette.background.base.color)),
        ..container::Style::default()
    }
}

/// The left column of boxes, a shade apart from the list.
pub fn sidebar(theme: &Theme) -> container::Style {
    let palette = theme.extended_palette();
    container::Style {
        background: Some(Background::Color(palette.background.weakest.color)),
        ..container::Style::default()
    }
}

/// A group of settings or facts: a faint surface with a hairline border.
pub fn card(theme: &Theme) -> container::Style {
    let palette = theme.extended_palette();
    container::Style {
        background: Some(Background::Color(palette.background.weakest.color)),
        border: border::rounded(6)
            .width(1)
            .color(palette.background.weak.color),
        ..container::Style::default()
    }
}

/// An everyday action: outlined, quieter than the primary button.
pub fn action(theme: &Theme, status: iced::widget::button::Status) -> iced::widget::button::Style {
    use iced::widget::button::{Status, Style};
    let palette = theme.extended_palette();
    let background = match status {
        Status::Hovered => palette.background.weak.color,
        Status::Pressed => palette.background.strong.color,
        Status::Active | Status::Disabled => palette.background.base.color,
    };
    let text_color = match status {
        Status::Disabled => palette.background.strong.color,
        _ => palette.background.base.text,
    };
    Style {
        background: Some(Background::Color(background)),
        text_color,
        border: border::rounded(5)
            .width(1)
            .color(palette.background.strong.color),
        ..Style::default()
    }
}

/// An action that removes something: outlined like the others, in the danger colour.
pub fn destructive(
    theme: &Theme,
    status: iced::widget::button::Status,
) -> iced::widget::button::Style {
    iced::widget::button::Style {
        text_color: DANGER,
        ..action(theme, status)
    }
}
