//! Locks, condition variables, atomics and reference counting.

#[cfg(not(feature = "loom"))]
pub use std::sync::{
    Arc, Condvar, LockResult, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard,
    RwLockWriteGuard, TryLockError, TryLockResult, WaitTimeoutResult, Weak,
};

#[cfg(feature = "loom")]
pub use loom::sync::{
    Arc, Condvar, LockResult, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard,
    TryLockResult, WaitTimeoutResult,
};
#[cfg(feature = "loom")]
pub use std::sync::{PoisonError, TryLockError};

/// Atomic integers and flags.
pub mod atomic {
    #[cfg(not(feature = "loom"))]
    pub use std::sync::atomic::{
        AtomicBool, AtomicI32, AtomicI64, AtomicU32, AtomicU64, AtomicUsize, Ordering, fence,
    };

    #[cfg(feature = "loom")]
    pub use loom::sync::atomic::{
        AtomicBool, AtomicI32, AtomicI64, AtomicU32, AtomicU64, AtomicUsize, Ordering, fence,
    };
}
