//! Exercise 01: one channel per item, solved.
//!
//! `map_each` runs a function on every item of a slice, one thread per item,
//! so that a batch of slow items takes about as long as the slowest one.
//!
//! What was wrong: the loop started one item's thread and then waited on
//! that item's channel before it started the next, so the threads ran one
//! after another. In Go the pattern works when every goroutine is started
//! first and the channels are read afterwards; read inside the loop, the
//! channel turns the threads into a slow loop. Here every thread is started
//! first and writes its result into its own slot, and the scope waits for all
//! of them. No channel is needed: the slot's place is the item's place, so
//! the order comes for free. `rayon`'s `par_iter().map(f).collect()` is an
//! equally good fix that also caps the threads at the number of cores.
#![forbid(unsafe_code)]

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
    let mut slots: Vec<Option<U>> = items.iter().map(|_| None).collect();
    // The scope returns only when every thread has finished, and panics if
    // any of them panicked, so every slot is filled after it.
    thread::scope(|s| {
        for (slot, item) in slots.iter_mut().zip(items) {
            s.spawn(move || *slot = Some(f(item)));
        }
    });
    slots
        .into_iter()
        .map(|slot| slot.expect("the scope joined every thread"))
        .collect()
}
