//! The machinery every grading test shares.
//!
//! A grading test is an ordinary `#[test]` in `grader/tests/exercise_NN.rs`. It runs alone in
//! its own process (xtask's runner sees to that), so process-wide facts such as the number of
//! live threads mean something. When it finds a bug it panics through [`fail!`], whose message
//! starts with a marker naming the bug's [`Class`]; xtask reads the marker back and turns it
//! into a verdict. Loom's own reports (deadlocks, races, leaked `Arc`s) and plain panics are
//! recognised by xtask without a marker.

mod class;
#[cfg(feature = "loom")]
pub mod model;
pub mod overlap;
pub mod threads;

pub use class::Class;

/// The start of the line a finished loom model prints: how many interleavings it explored.
pub const EXPLORED_MARKER: &str = "[interleave:explored] ";

/// Panics with a message that xtask classifies as `class`.
///
/// `fail!(WrongResult, "expected {} items, got {}", 3, 2)`
#[macro_export]
macro_rules! fail {
    ($class:ident, $($arg:tt)+) => {
        ::std::panic!("{}{}", $crate::Class::$class.marker(), ::std::format_args!($($arg)+))
    };
}

/// Fails with `class` unless `cond` holds.
#[macro_export]
macro_rules! ensure {
    ($class:ident, $cond:expr, $($arg:tt)+) => {
        if !$cond {
            $crate::fail!($class, $($arg)+);
        }
    };
}
