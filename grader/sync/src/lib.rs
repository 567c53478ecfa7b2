//! The one door through which exercises and solutions reach threads, locks, atomics and
//! channels.
//!
//! In a normal build every item is the standard library's (or crossbeam-channel's). With the
//! `loom` feature every item is its loom-instrumented twin, so the same exercise code can be
//! run under `loom::model`, which explores every interleaving of its threads. Loom lacks a few
//! things the exercises need, bounded channels, `select!` and scoped threads, so this crate
//! supplies instrumented versions of those with the same API as the originals.
//!
//! Exercise code must import from here and nowhere else: a `std::sync::Mutex` reached around
//! the facade is invisible to loom, and a model using it would prove nothing.

pub mod cell;
pub mod channel;
pub mod sync;
pub mod thread;

/// True when this build is the loom-instrumented one.
pub const MODEL_CHECKING: bool = cfg!(feature = "loom");
