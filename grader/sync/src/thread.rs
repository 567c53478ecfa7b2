//! Spawning, joining and scoped threads.

#[cfg(not(feature = "loom"))]
pub use std::thread::{
    Builder, JoinHandle, Scope, ScopedJoinHandle, Thread, current, panicking, park, scope, spawn,
    yield_now,
};

#[cfg(feature = "loom")]
pub use loom::thread::{Builder, JoinHandle, Thread, current, panicking, park, spawn, yield_now};

#[cfg(feature = "loom")]
mod loom_scope;
#[cfg(feature = "loom")]
pub use loom_scope::{Scope, ScopedJoinHandle, scope};
