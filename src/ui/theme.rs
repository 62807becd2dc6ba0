//! Colours and text sizes shared by the screens. The theme follows the operating system (light
//! or dark) unless the user chose one in the settings.

use iced::{Color, Theme};

use super::Pli;

/// `None` lets iced follow the system's light or dark preference.
pub fn follow_system(_state: &Pli) -> Option<Theme> {
    None
}

pub const TITLE_SIZE: f32 = 28.0;
pub const HEADING_SIZE: f32 = 18.0;
pub const BODY_SIZE: f32 = 15.0;
pub const SMALL_SIZE: f32 = 13.0;

/// Success and failure colours readable on both light and dark backgrounds.
pub const SUCCESS: Color = Color::from_rgb(0.13, 0.55, 0.27);
pub const DANGER: Color = Color::from_rgb(0.80, 0.17, 0.17);
