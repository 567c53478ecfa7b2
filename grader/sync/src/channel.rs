//! Multi-producer multi-consumer channels with crossbeam-channel's API.
//!
//! A normal build re-exports crossbeam-channel itself. A loom build uses a small channel built
//! on loom's `Mutex` and `Condvar`, with the subset of the API the exercises use.

#[cfg(not(feature = "loom"))]
pub use crossbeam_channel::{
    IntoIter, Iter, Receiver, RecvError, RecvTimeoutError, SendError, Sender, TryIter,
    TryRecvError, TrySendError, after, bounded, never, select, unbounded,
};

#[cfg(feature = "loom")]
mod loom_channel;
#[cfg(feature = "loom")]
pub use loom_channel::*;
