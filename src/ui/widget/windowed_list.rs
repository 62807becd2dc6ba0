//! A list that draws only the rows on screen. iced has no virtualised list, and a box of
//! 100,000 messages cannot be laid out as 100,000 widgets: the list keeps a window (`offset`,
//! how many rows fit, how many there are), asks the store for exactly those rows, and scrolls
//! by moving the window. The rows are fixed-height so that the window is simple arithmetic.

use iced::mouse::ScrollDelta;
use iced::widget::{column, container, mouse_area, row, sensor, vertical_slider, Space};
use iced::{Element, Length, Size, Theme};

/// Which rows of a long list are on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListWindow {
    /// Index of the first row drawn.
    pub offset: usize,
    /// How many rows fit in the space the list has.
    pub rows: usize,
    /// How many rows the list has in all.
    pub total: usize,
}

impl Default for ListWindow {
    fn default() -> Self {
        // Until the list is measured, assume a common laptop screen.
        Self {
            offset: 0,
            rows: 16,
            total: 0,
        }
    }
}

impl ListWindow {
    /// The largest offset that still fills the screen.
    pub fn max_offset(&self) -> usize {
        self.total.saturating_sub(self.rows)
    }

    /// Moves the window to `offset` (clamped); says whether it moved.
    pub fn scroll_to(&mut self, offset: usize) -> bool {
        let offset = offset.min(self.max_offset());
        let moved = offset != self.offset;
        self.offset = offset;
        moved
    }

    pub fn scroll_by(&mut self, rows: isize) -> bool {
        self.scroll_to(self.offset.saturating_add_signed(rows))
    }

    /// One screen less one row, so that the last row seen stays in sight.
    pub fn page(&self) -> usize {
        self.rows.saturating_sub(1).max(1)
    }

    /// Scrolls as little as possible so that row `index` is on screen; says whether it moved.
    pub fn reveal(&mut self, index: usize) -> bool {
        if index < self.offset {
            self.scroll_to(index)
        } else if index >= self.offset + self.rows {
            self.scroll_to(index + 1 - self.rows.max(1))
        } else {
            false
        }
    }

    /// The list got taller or shorter: as many rows as fit, at least one.
    pub fn set_height(&mut self, height: f32, row_height: f32) -> bool {
        let rows = ((height / row_height).floor() as usize).max(1);
        let changed = rows != self.rows;
        self.rows = rows;
        self.scroll_to(self.offset);
        changed
    }

    pub fn set_total(&mut self, total: usize) {
        self.total = total;
        self.scroll_to(self.offset);
    }

    /// The range of row indices on screen.
    pub fn visible(&self) -> std::ops::Range<usize> {
        self.offset..(self.offset + self.rows).min(self.total)
    }
}

/// Turns wheel and touchpad movements into whole rows. A touchpad sends pixels a few at a time:
/// the remainder is kept so that slow scrolling still moves the list.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WheelRows {
    remainder: f32,
}

/// Rows per notch of a mouse wheel, as in most mail clients.
const ROWS_PER_LINE: f32 = 3.0;

impl WheelRows {
    /// The rows to scroll for `delta` (positive: down the list, towards older messages).
    pub fn rows(&mut self, delta: ScrollDelta, row_height: f32) -> isize {
        let rows = match delta {
            ScrollDelta::Lines { y, .. } => -y * ROWS_PER_LINE,
            ScrollDelta::Pixels { y, .. } => -y / row_height,
        } + self.remainder;
        let whole = rows.trunc();
        self.remainder = rows - whole;
        whole as isize
    }
}

/// Lays out the visible rows with a scrollbar beside them. `on_resize` reports the height the
/// rows may take (to size the window), `on_scroll` the wheel, `on_jump` a drag of the scrollbar.
pub fn view<'a, Message: Clone + 'a>(
    rows: impl IntoIterator<Item = Element<'a, Message>>,
    window: ListWindow,
    on_resize: impl Fn(Size) -> Message + 'a,
    on_scroll: impl Fn(ScrollDelta) -> Message + 'a,
    on_jump: impl Fn(usize) -> Message + 'a,
) -> Element<'a, Message> {
    let body = sensor(
        mouse_area(
            container(column(rows))
                .width(Length::Fill)
                .height(Length::Fill)
                .clip(true),
        )
        .on_scroll(on_scroll),
    )
    .on_resize(on_resize);

    let max_offset = window.max_offset();
    let scrollbar: Element<'a, Message> = if max_offset == 0 {
        Space::new().width(SCROLLBAR_WIDTH).into()
    } else {
        // A vertical slider has its maximum at the top; the top of the list is offset 0.
        let max = max_offset as f64;
        vertical_slider(0.0..=max, max - window.offset as f64, move |value| {
            on_jump((max - value).round().max(0.0) as usize)
        })
        .width(SCROLLBAR_WIDTH)
        .style(scrollbar_style)
        .into()
    };
    row![body, scrollbar].height(Length::Fill).into()
}

const SCROLLBAR_WIDTH: f32 = 10.0;

fn scrollbar_style(theme: &Theme, status: vertical_slider::Status) -> vertical_slider::Style {
    use iced::{border, Background};
    let palette = theme.extended_palette();
    let handle = match status {
        vertical_slider::Status::Active => palette.background.strong.color,
        vertical_slider::Status::Hovered | vertical_slider::Status::Dragged => {
            palette.background.stronger.color
        }
    };
    vertical_slider::Style {
        rail: iced::widget::slider::Rail {
            backgrounds: (
                Background::Color(palette.background.weak.color),
                Background::Color(palette.background.weak.color),
            ),
            width: SCROLLBAR_WIDTH - 2.0,
            border: border::rounded(4),
        },
        handle: iced::widget::slider::Handle {
            shape: iced::widget::slider::HandleShape::Rectangle {
                width: 36,
                border_radius: border::radius(4),
            },
            background: Background::Color(handle),
            border_width: 0.0,
            border_color: iced::Color::TRANSPARENT,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(offset: usize, rows: usize, total: usize) -> ListWindow {
        ListWindow {
            offset,
            rows,
            total,
        }
    }

    #[test]
    fn the_window_never_scrolls_past_either_end() {
        let mut list = window(0, 20, 100_000);
        assert!(!list.scroll_by(-5));
        assert!(list.scroll_to(usize::MAX));
        assert_eq!(list.offset, 99_980);
        assert_eq!(list.visible(), 99_980..100_000);
        let mut short = window(0, 20, 5);
        assert!(
            !short.scroll_by(3),
            "a list shorter than the screen does not move"
        );
        assert_eq!(short.visible(), 0..5);
    }

    #[test]
    fn revealing_a_row_scrolls_as_little_as_possible() {
        let mut list = window(100, 10, 1000);
        assert!(!list.reveal(105));
        assert!(list.reveal(110));
        assert_eq!(list.offset, 101, "the row comes in at the bottom");
        assert!(list.reveal(50));
        assert_eq!(list.offset, 50, "the row comes in at the top");
    }

    #[test]
    fn resizing_keeps_the_window_inside_the_list() {
        let mut list = window(95, 5, 100);
        assert!(list.set_height(440.0, 44.0));
        assert_eq!(list.rows, 10);
        assert_eq!(list.offset, 90);
    }

    #[test]
    fn touchpad_pixels_add_up_to_rows() {
        let mut wheel = WheelRows::default();
        let nudge = ScrollDelta::Pixels { x: 0.0, y: -20.0 };
        assert_eq!(wheel.rows(nudge, 44.0), 0);
        assert_eq!(wheel.rows(nudge, 44.0), 0);
        assert_eq!(wheel.rows(nudge, 44.0), 1, "60 pixels down make one row");
        assert_eq!(wheel.rows(ScrollDelta::Lines { x: 0.0, y: 1.0 }, 44.0), -2);
    }
}
