//! Exercise 02: the fetch that ignores its context.
//!
//! `fetch` asks a backend thread for a key's value and waits for the reply.
//! Users report that a cancelled fetch, or one past its deadline, stays stuck
//! until the backend answers, which may be never, and that its errors do not
//! say which step failed. Make `fetch` give up as soon as its context ends,
//! and make its errors name their step.
#![forbid(unsafe_code)]

mod backend;
mod context;

use std::error::Error;
use std::fmt;

use interleave_sync::channel::RecvError;

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
    if let Some(ended) = ctx.err() {
        return Err(ended.into());
    }

    // TODO: Each `?` in this function hands the caller the error of one step
    // as it is, so the caller cannot tell which step failed.
    let (request, reply) = Request::new(key)?;
    backend.send(request)?;

    // TODO: This waits for the reply however long the backend takes.
    // Cancelling `ctx`, or its deadline passing, does not end the wait.
    let value = reply.recv()??;
    Ok(value)
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
