//! Exercise 04: the hit counter, solved.
//!
//! Request handlers on many threads share one `HitCounter`. Each call to
//! `record` counts one hit and hands back that hit's number.
//!
//! What was wrong: `record` loaded the count and then stored the count plus
//! one. Between the load and the store another thread could do the same, so
//! both stored the same value: one hit was lost and two callers got the same
//! number. `fetch_add` reads and writes in one indivisible step, so no update
//! can slip in between. A `Mutex<usize>` would be just as correct; the atomic
//! is cheaper.
#![forbid(unsafe_code)]

use interleave_sync::sync::atomic::{AtomicUsize, Ordering};

/// Counts hits from any number of threads.
#[derive(Debug, Default)]
pub struct HitCounter {
    hits: AtomicUsize,
}

impl HitCounter {
    /// A counter at zero.
    pub fn new() -> HitCounter {
        HitCounter::default()
    }

    /// Counts one hit and returns its number: the first hit is 1.
    pub fn record(&self) -> usize {
        // Relaxed: only the count itself is shared, and a read-modify-write
        // always sees the latest value in the counter's modification order,
        // whatever the ordering.
        self.hits.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The number of hits counted so far.
    pub fn total(&self) -> usize {
        // Relaxed: the count is read after the threads that updated it have
        // been joined, and the join orders their writes before this read.
        self.hits.load(Ordering::Relaxed)
    }
}
