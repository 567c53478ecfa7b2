//! Exercise 04: the hit counter.
//!
//! Request handlers on many threads share one `HitCounter`. Each call to
//! `record` should count one hit and hand back that hit's number. Users
//! report that the total at the end of a busy day is lower than the number
//! of requests served, and that two requests were sometimes given the same
//! number. Make `record` count every hit exactly once, whatever the threads
//! do at the same time.
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
        // TODO: Two threads can both run the next line before either runs
        // the one after it. Make reading and updating the count one step.
        let seen = self.hits.load(Ordering::Relaxed);
        self.hits.store(seen + 1, Ordering::Relaxed);
        seen + 1
    }

    /// The number of hits counted so far.
    pub fn total(&self) -> usize {
        // Relaxed: the count is read after the threads that updated it have
        // been joined, and the join orders their writes before this read.
        self.hits.load(Ordering::Relaxed)
    }
}
