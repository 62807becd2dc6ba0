//! Widgets iced does not have.

pub mod windowed_list;

pub use windowed_list::{ListWindow, WheelRows};
