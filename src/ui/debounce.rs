//! Only the last of a burst: a search as the person types, the layout as a divider is dragged,
//! the replay after ten messages read in a row. Each request takes a [`Ticket`]; its work runs
//! when the pause is over only if no newer ticket was taken meanwhile, and a late answer to an
//! older request is dropped the same way.

use std::time::Duration;

use iced::Task;

/// One request of a burst; current until the next one is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ticket(u64);

/// The tickets of one kind of request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Debouncer {
    latest: Ticket,
}

impl Debouncer {
    /// A new request: every ticket taken before stops being current.
    pub fn take(&mut self) -> Ticket {
        self.latest = Ticket(self.latest.0 + 1);
        self.latest
    }

    /// The newest ticket taken.
    pub fn current(&self) -> Ticket {
        self.latest
    }

    pub fn is_current(&self, ticket: Ticket) -> bool {
        ticket == self.latest
    }
}

/// `message` once `delay` has passed without blocking the window. The timer is made inside the
/// task, on the runtime that runs it: `update` itself may run outside any runtime (tests).
pub fn after<M: Send + 'static>(delay: Duration, message: M) -> Task<M> {
    Task::perform(async move { tokio::time::sleep(delay).await }, move |()| {
        message
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_newest_ticket_is_current() {
        let mut burst = Debouncer::default();
        let first = burst.take();
        assert!(burst.is_current(first));
        let second = burst.take();
        assert!(!burst.is_current(first) && burst.is_current(second));
        assert_eq!(burst.current(), second);
    }
}
