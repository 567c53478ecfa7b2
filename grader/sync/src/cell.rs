//! Interior mutability that loom can check for data races.
//!
//! Loom's `UnsafeCell` hands out its pointer only inside a closure, so it can record every
//! access; the normal build offers the same closure-based API around std's `UnsafeCell`.

#[cfg(feature = "loom")]
pub use loom::cell::UnsafeCell;

/// std's `UnsafeCell` with loom's API: reach the value only inside `with` or `with_mut`.
#[cfg(not(feature = "loom"))]
#[derive(Debug, Default)]
pub struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(feature = "loom"))]
impl<T> UnsafeCell<T> {
    pub const fn new(value: T) -> UnsafeCell<T> {
        UnsafeCell(std::cell::UnsafeCell::new(value))
    }

    /// Calls `f` with a pointer for reading the value.
    pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    /// Calls `f` with a pointer for writing the value.
    pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }

    pub fn into_inner(self) -> T {
        self.0.into_inner()
    }
}
