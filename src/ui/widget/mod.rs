//! Widgets iced does not have.

pub mod choice;
pub mod windowed_list;

pub use choice::Choice;
pub use windowed_list::{ListWindow, WheelRows};
