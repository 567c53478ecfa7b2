//! Exercise 03: the message processor that never stops, solved.
//!
//! `Processor` takes messages from a channel and handles each one on a
//! thread of its own. After `shutdown` returns, no thread it started is
//! still running, and every message it took has been handled exactly once.
//!
//! What was wrong: the dispatcher and the handler threads were spawned and
//! forgotten, and `shutdown` only set a flag. The dispatcher checked the flag
//! after each message, so while it waited on an open but quiet channel it
//! never saw it; handlers already spawned kept running after `shutdown`
//! returned. Now cancellation is a channel whose sender `shutdown` drops: the
//! dispatcher waits for a message or the cancellation at once. Handlers run
//! in a thread scope, which joins every one of them before the dispatcher
//! ends, and `shutdown` joins the dispatcher. The processor also stops by
//! itself when the input closes.
#![forbid(unsafe_code)]

use interleave_sync::channel::{Receiver, Sender, bounded, select};
use interleave_sync::thread::{self, JoinHandle};

/// Handles messages from a channel, each on its own thread.
#[derive(Debug)]
pub struct Processor {
    /// Never sent on: dropping it disconnects the dispatcher's receiver,
    /// which is the cancellation.
    cancel: Sender<()>,
    dispatcher: JoinHandle<()>,
}

impl Processor {
    /// Starts taking messages from `input` and calling `handle` on each.
    pub fn start<F>(input: Receiver<String>, handle: F) -> Processor
    where
        F: Fn(String) + Send + Sync + 'static,
    {
        let (cancel, cancelled) = bounded::<()>(1);
        let dispatcher = thread::spawn(move || {
            let handle = &handle;
            thread::scope(|scope| {
                loop {
                    select! {
                        recv(cancelled) -> _ => break,
                        recv(input) -> message => match message {
                            Ok(message) => {
                                scope.spawn(move || handle(message));
                            }
                            Err(_) => break,
                        },
                    }
                }
            });
        });
        Processor { cancel, dispatcher }
    }

    /// Stops taking messages and returns once every thread the processor
    /// started has finished.
    pub fn shutdown(self) {
        drop(self.cancel);
        self.dispatcher.join().expect("a message handler panicked");
    }
}
