//! The backend `fetch` talks to: a thread, somewhere else, that takes
//! requests from a queue and answers each on the request's own reply
//! channel.

use std::error::Error;
use std::fmt;

use interleave_sync::channel::{self, Receiver, Sender};

/// What the backend answers: the value, or why it has none.
pub type Reply = Result<Vec<u8>, BackendError>;

/// The longest key the backend accepts, in bytes.
pub const MAX_KEY_LEN: usize = 64;

/// Sends requests to the backend thread. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Backend {
    requests: Sender<Request>,
}

/// One request, as the backend thread receives it.
#[derive(Debug)]
pub struct Request {
    /// The key to look up.
    pub key: String,
    /// Where the answer goes. It holds one reply, so answering never blocks,
    /// even when nobody waits for the answer any more.
    pub reply: Sender<Reply>,
}

/// Why a key cannot be sent to the backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyError {
    /// The key has no characters.
    Empty,
    /// The key is longer than `MAX_KEY_LEN` bytes; this many.
    TooLong(usize),
    /// The key contains a space, a tab or a line break.
    Whitespace,
}

/// Why the backend answered without a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendError {
    /// The store holds nothing under the key.
    NotFound,
    /// The store could not be reached.
    Unavailable,
}

/// The backend is gone: it takes no more requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gone;

impl Backend {
    /// A handle, and the queue of requests a backend thread serves. Dropping
    /// the queue stops the backend.
    pub fn new() -> (Backend, Receiver<Request>) {
        let (requests, queue) = channel::unbounded();
        (Backend { requests }, queue)
    }

    /// Queues `request` for the backend thread.
    pub fn send(&self, request: Request) -> Result<(), Gone> {
        self.requests.send(request).map_err(|_| Gone)
    }
}

impl Request {
    /// The request for `key`, and the receiver its reply will arrive on.
    pub fn new(key: &str) -> Result<(Request, Receiver<Reply>), KeyError> {
        if key.is_empty() {
            return Err(KeyError::Empty);
        }
        if key.len() > MAX_KEY_LEN {
            return Err(KeyError::TooLong(key.len()));
        }
        if key.chars().any(char::is_whitespace) {
            return Err(KeyError::Whitespace);
        }
        let (reply, answer) = channel::bounded(1);
        let request = Request {
            key: key.to_owned(),
            reply,
        };
        Ok((request, answer))
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Empty => f.write_str("the key is empty"),
            KeyError::TooLong(len) => write!(
                f,
                "the key is {len} bytes long, more than {MAX_KEY_LEN}"
            ),
            KeyError::Whitespace => f.write_str("the key contains whitespace"),
        }
    }
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackendError::NotFound => f.write_str("no value for this key"),
            BackendError::Unavailable => {
                f.write_str("the store is unavailable")
            }
        }
    }
}

impl fmt::Display for Gone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the backend is gone")
    }
}

impl Error for KeyError {}
impl Error for BackendError {}
impl Error for Gone {}
