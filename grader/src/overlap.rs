//! Observing whether work items really run at the same time, without measuring time.
//!
//! Each item calls [`Overlap::enter`] when it starts and keeps the guard until it ends. An item
//! that enters while no other is in flight waits for a partner: as soon as a second item enters,
//! both go on, and the overlap is recorded. Code that runs items one at a time never lets a
//! second item in while the first waits, so the first gives up after [`PARTNER_WAIT`] and the
//! overlap stays at one. The verdict is a count, not a duration: parallel code passes as soon
//! as its second thread is scheduled, and serial code fails every time.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long a lone item waits for a partner before it goes on alone. Only serial code waits
/// this long, and only once: after one item gave up, the others do not wait.
pub const PARTNER_WAIT: Duration = Duration::from_secs(2);

#[derive(Debug, Default)]
struct State {
    in_flight: usize,
    max_in_flight: usize,
    entered: usize,
    /// Set when a lone item gave up waiting: the code under test is serial, and making every
    /// later item wait as well would only slow the verdict down.
    gave_up: bool,
}

/// Counts the items in flight and the most ever in flight at once.
#[derive(Debug)]
pub struct Overlap {
    state: Mutex<State>,
    changed: Condvar,
    partner_wait: Duration,
    /// How many items in flight at once end the waiting.
    wanted: usize,
}

impl Default for Overlap {
    fn default() -> Overlap {
        Overlap::with_partner_wait(PARTNER_WAIT)
    }
}

/// Marks one item in flight until dropped.
#[derive(Debug)]
pub struct InFlight<'a> {
    overlap: &'a Overlap,
}

impl Overlap {
    pub fn new() -> Overlap {
        Overlap::default()
    }

    /// An overlap counter whose lone items wait `partner_wait` for a partner.
    pub fn with_partner_wait(partner_wait: Duration) -> Overlap {
        Overlap { state: Mutex::default(), changed: Condvar::new(), partner_wait, wanted: 2 }
    }

    /// An overlap counter whose items wait until `wanted` of them are in flight at once, not
    /// just two: for code that must run every item at the same time.
    pub fn wanting(mut self, wanted: usize) -> Overlap {
        self.wanted = wanted;
        self
    }

    /// Marks an item as started and, until enough items are in flight at once (two, unless
    /// [`Overlap::wanting`] says otherwise), waits for more: up to the partner wait in all, and
    /// only until the overlap has been seen once.
    pub fn enter(&self) -> InFlight<'_> {
        let mut state = self.state.lock().unwrap();
        state.in_flight += 1;
        state.entered += 1;
        state.max_in_flight = state.max_in_flight.max(state.in_flight);
        self.changed.notify_all();

        let deadline = Instant::now() + self.partner_wait;
        while state.max_in_flight < self.wanted && !state.gave_up {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                state.gave_up = true;
                break;
            }
            state = self.changed.wait_timeout(state, left).unwrap().0;
        }
        InFlight { overlap: self }
    }

    /// The most items that were ever in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.state.lock().unwrap().max_in_flight
    }

    /// How many items have entered so far.
    pub fn entered(&self) -> usize {
        self.state.lock().unwrap().entered
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut state = self.overlap.state.lock().unwrap();
        state.in_flight -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    #[test]
    fn two_threads_overlap() {
        let overlap = Overlap::new();
        thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| drop(overlap.enter()));
            }
        });
        assert_eq!(overlap.max_in_flight(), 2);
    }

    #[test]
    fn three_threads_wanting_three_all_overlap() {
        let overlap = Overlap::new().wanting(3);
        thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| drop(overlap.enter()));
            }
        });
        assert_eq!(overlap.max_in_flight(), 3);
    }

    #[test]
    fn serial_items_never_overlap() {
        let overlap = Overlap::with_partner_wait(Duration::from_millis(50));
        drop(overlap.enter());
        drop(overlap.enter());
        assert_eq!(overlap.max_in_flight(), 1);
        assert_eq!(overlap.entered(), 2);
    }
}
