//! Exercise 02: the fetch that ignores its context, solved.
//!
//! `fetch` asks a backend thread for the value of a key and waits for the
//! reply, until the caller's context ends.
//!
//! What was wrong: `fetch` looked at its context once, before it started,
//! and then blocked in `recv()`, which knows nothing about the context. A
//! cancel or a deadline that came later went unnoticed until the backend
//! answered. Now the wait is a `select!` over three receivers: the reply,
//! `ctx.done()`, which disconnects on cancel, and a timer for the deadline
//! (`never()` when there is none); whichever is ready first ends it. And each
//! step wrapped its error in nothing, so "the backend is gone" could mean the
//! send failed or the reply never came. Now every error is wrapped in
//! `FetchError::During` naming its step, with the original as `source()`.
#![forbid(unsafe_code)]

mod backend;
mod context;

use std::error::Error;
use std::fmt;
use std::time::Instant;

use interleave_sync::channel::{self, RecvError, select};

pub use backend::{
    Backend, BackendError, Gone, KeyError, MAX_KEY_LEN, Reply, Request,
};
pub use context::{CancelHandle, Context, ContextError};

/// The steps of a fetch, as its errors name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Checking the key and building the request.
    CreatingRequest,
    /// Handing the request to the backend.
    SendingRequest,
    /// Waiting for the backend's answer.
    WaitingForReply,
}

/// Why a fetch failed.
#[derive(Debug)]
pub enum FetchError {
    /// The key cannot be sent to the backend.
    InvalidKey(KeyError),
    /// The backend answered with an error.
    Backend(BackendError),
    /// The backend is gone, or dropped the request without answering.
    BackendGone,
    /// The context was cancelled.
    Cancelled,
    /// The context's deadline passed.
    DeadlineExceeded,
    /// The error in `source` stopped the fetch during `step`.
    During { step: Step, source: Box<FetchError> },
}

/// Fetches the value stored under `key` from `backend`, on behalf of a
/// caller who may cancel `ctx` or give it a deadline.
pub fn fetch(
    ctx: &Context,
    backend: &Backend,
    key: &str,
) -> Result<Vec<u8>, FetchError> {
    use Step::{CreatingRequest, SendingRequest, WaitingForReply};

    // A context that has already ended needs no request at all.
    if let Some(ended) = ctx.err() {
        return Err(during(CreatingRequest, ended));
    }

    let (request, reply) =
        Request::new(key).map_err(|e| during(CreatingRequest, e))?;
    backend
        .send(request)
        .map_err(|e| during(SendingRequest, e))?;

    let deadline = match ctx.deadline() {
        Some(at) => {
            channel::after(at.saturating_duration_since(Instant::now()))
        }
        None => channel::never(),
    };
    select! {
        recv(reply) -> answer => match answer {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(refused)) => Err(during(WaitingForReply, refused)),
            Err(hung_up) => Err(during(WaitingForReply, hung_up)),
        },
        // `done()` never delivers: it fires only by disconnecting, on cancel.
        recv(ctx.done()) -> _ => {
            Err(during(WaitingForReply, ContextError::Cancelled))
        }
        recv(deadline) -> _ => {
            Err(during(WaitingForReply, ContextError::DeadlineExceeded))
        }
    }
}

/// `error`, met during `step`, as a `FetchError` that names the step and
/// keeps the error as its source.
fn during(step: Step, error: impl Into<FetchError>) -> FetchError {
    FetchError::During {
        step,
        source: Box::new(error.into()),
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::CreatingRequest => "creating request",
            Step::SendingRequest => "sending request",
            Step::WaitingForReply => "waiting for reply",
        })
    }
}

// Each message says what happened at its own level only; the error beneath
// it, if any, is its `source()`, so a report can print the whole chain.
impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::InvalidKey(_) => f.write_str("invalid key"),
            FetchError::Backend(_) => {
                f.write_str("the backend answered with an error")
            }
            FetchError::BackendGone => f.write_str("the backend is gone"),
            FetchError::Cancelled => f.write_str("cancelled"),
            FetchError::DeadlineExceeded => f.write_str("deadline exceeded"),
            FetchError::During { step, .. } => step.fmt(f),
        }
    }
}

impl Error for FetchError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            FetchError::InvalidKey(error) => Some(error),
            FetchError::Backend(error) => Some(error),
            FetchError::During { source, .. } => Some(&**source),
            _ => None,
        }
    }
}

impl From<KeyError> for FetchError {
    fn from(error: KeyError) -> Self {
        FetchError::InvalidKey(error)
    }
}

impl From<BackendError> for FetchError {
    fn from(error: BackendError) -> Self {
        FetchError::Backend(error)
    }
}

impl From<Gone> for FetchError {
    fn from(_: Gone) -> Self {
        FetchError::BackendGone
    }
}

impl From<RecvError> for FetchError {
    fn from(_: RecvError) -> Self {
        FetchError::BackendGone
    }
}

impl From<ContextError> for FetchError {
    fn from(error: ContextError) -> Self {
        match error {
            ContextError::Cancelled => FetchError::Cancelled,
            ContextError::DeadlineExceeded => FetchError::DeadlineExceeded,
        }
    }
}
