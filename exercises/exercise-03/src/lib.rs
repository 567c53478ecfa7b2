//! Exercise 03: the message processor that never stops.
//!
//! `Processor` takes messages from a channel and handles each one on a
//! thread of its own. Users report that after `shutdown` returns, handlers
//! are still running, and that a service which starts and stops processors
//! slowly piles up threads until it runs out. After `shutdown` returns, no
//! thread the processor started may still be running, and every message it
//! took must have been handled exactly once.
#![forbid(unsafe_code)]

use interleave_sync::channel::Receiver;
use interleave_sync::sync::Arc;
use interleave_sync::sync::atomic::{AtomicBool, Ordering};
use interleave_sync::thread;

/// Handles messages from a channel, each on its own thread.
#[derive(Debug)]
pub struct Processor {
    stop: Arc<AtomicBool>,
}

impl Processor {
    /// Starts taking messages from `input` and calling `handle` on each.
    pub fn start<F>(input: Receiver<String>, handle: F) -> Processor
    where
        F: Fn(String) + Send + Sync + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let handle = Arc::new(handle);
        let flag = Arc::clone(&stop);

        // TODO: Nobody keeps track of this thread or of the ones it spawns,
        // and it only looks at the stop flag after a message arrives.
        thread::spawn(move || {
            for message in input.iter() {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                let handle = Arc::clone(&handle);
                thread::spawn(move || handle(message));
            }
        });
        Processor { stop }
    }

    /// Stops taking messages and returns once every thread the processor
    /// started has finished.
    pub fn shutdown(self) {
        // TODO: Setting a flag asks the threads to stop, but nothing here
        // waits for them to do so.
        self.stop.store(true, Ordering::Relaxed);
    }
}
