//! A cancellation signal with an optional deadline, after Go's
//! `context.Context`.
//!
//! A `Context` goes with every blocking call made on someone's behalf. Its
//! `done()` receiver never delivers a message: it disconnects when the context
//! is cancelled, so it can wait in a `select!` beside the real work. The
//! deadline, if there is one, is the moment after which the work is no longer
//! wanted. Only `cancel` ends a context early; dropping a handle does not.

use std::convert::Infallible;
use std::error::Error;
use std::fmt;
use std::time::{Duration, Instant};

use interleave_sync::channel::{self, Receiver, Sender, TryRecvError};
use interleave_sync::sync::{Arc, Mutex};

/// When a blocking call on someone's behalf should give up: once the context
/// is cancelled, or once its deadline has passed. Clones share the signal.
#[derive(Clone, Debug)]
pub struct Context {
    done: Receiver<Infallible>,
    deadline: Option<Instant>,
    /// Keeps the signal's sender alive while any context can still see it,
    /// so that only `cancel` disconnects `done`. `None` for `background()`.
    _signal: Option<Signal>,
}

/// Cancels the contexts it was made with. Clones cancel the same contexts.
#[derive(Clone, Debug)]
pub struct CancelHandle {
    signal: Signal,
}

/// The sender behind `done()`; never used to send. Taking it out and dropping
/// it disconnects every `done()` receiver at once.
type Signal = Arc<Mutex<Option<Sender<Infallible>>>>;

/// Why a context ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContextError {
    /// `cancel` was called.
    Cancelled,
    /// The deadline passed.
    DeadlineExceeded,
}

impl Context {
    /// A context that is never cancelled and has no deadline.
    pub fn background() -> Context {
        Context {
            done: channel::never(),
            deadline: None,
            _signal: None,
        }
    }

    /// A context that ends when the returned handle's `cancel` is called.
    pub fn with_cancel() -> (Context, CancelHandle) {
        let (sender, done) = channel::unbounded();
        let signal = Arc::new(Mutex::new(Some(sender)));
        let context = Context {
            done,
            deadline: None,
            _signal: Some(Arc::clone(&signal)),
        };
        (context, CancelHandle { signal })
    }

    /// A context that ends at `deadline`, or earlier through the handle.
    pub fn with_deadline(deadline: Instant) -> (Context, CancelHandle) {
        let (mut context, handle) = Context::with_cancel();
        context.deadline = Some(deadline);
        (context, handle)
    }

    /// A context that ends `timeout` from now, or earlier through the handle.
    pub fn with_timeout(timeout: Duration) -> (Context, CancelHandle) {
        Context::with_deadline(Instant::now() + timeout)
    }

    /// A receiver that never delivers a message and disconnects when the
    /// context is cancelled. It does not react to the deadline.
    pub fn done(&self) -> &Receiver<Infallible> {
        &self.done
    }

    /// The moment the context ends by itself, if it has one.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Why the context has ended, or `None` while it is still live.
    pub fn err(&self) -> Option<ContextError> {
        if let Err(TryRecvError::Disconnected) = self.done.try_recv() {
            return Some(ContextError::Cancelled);
        }
        match self.deadline {
            Some(deadline) if Instant::now() >= deadline => {
                Some(ContextError::DeadlineExceeded)
            }
            _ => None,
        }
    }
}

impl CancelHandle {
    /// Ends the contexts made with this handle. Calling it again does nothing.
    pub fn cancel(&self) {
        let sender = self.signal.lock().unwrap().take();
        drop(sender);
    }
}

impl fmt::Display for ContextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContextError::Cancelled => f.write_str("cancelled"),
            ContextError::DeadlineExceeded => f.write_str("deadline exceeded"),
        }
    }
}

impl Error for ContextError {}
