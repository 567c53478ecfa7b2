//! Exercise 01: one channel per item.
//!
//! `map_each` runs a function on every item of a slice, one thread per item,
//! so that a batch of slow items should take about as long as the slowest
//! one. Users report that ten items of one second each take ten seconds, and
//! that only one core is ever busy. Make the items run at the same time, and
//! still return the results in the order of the items.
#![forbid(unsafe_code)]

use interleave_sync::channel;
use interleave_sync::thread;

/// Calls `f` on every item, each call on a thread of its own, and returns
/// the results in the order of `items`.
///
/// # Panics
///
/// If `f` panics on any item.
pub fn map_each<T, U, F>(items: &[T], f: F) -> Vec<U>
where
    T: Sync,
    U: Send,
    F: Fn(&T) -> U + Sync,
{
    let f = &f;
    thread::scope(|s| {
        let mut results = Vec::with_capacity(items.len());
        for item in items {
            // Each item gets its own channel, as each goroutine would in Go,
            // so its result cannot be mistaken for another item's.
            let (tx, rx) = channel::bounded(1);
            s.spawn(move || {
                // The loop below is still holding the receiver, so the send
                // cannot fail.
                let _ = tx.send(f(item));
            });

            // TODO: The loop waits here for this item's result before it
            // starts the thread of the next item, so no two items are ever
            // in flight at once. Let all of them run at the same time, and
            // keep each result in the place of its item.
            results.push(rx.recv().expect("a call of `f` panicked"));
        }
        results
    })
}
