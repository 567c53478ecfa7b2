//! Grading exercise 04, the hit counter: loom explores every interleaving of two threads that
//! record hits, and each model checks what every caller can observe.
//!
//! There are no runtime checks: a lost update shows up in a real run only by luck, and loom
//! does not need luck.
#![cfg(all(any(feature = "ex04", feature = "sol04"), feature = "loom"))]

#[cfg(feature = "ex04")]
use exercise_04 as subject;
#[cfg(all(feature = "sol04", not(feature = "ex04")))]
use solution_04 as subject;

mod models {
    use super::subject::HitCounter;
    use grader::ensure;
    use interleave_sync::sync::Arc;
    use interleave_sync::thread;

    /// Two threads, one hit each: small enough to explore every interleaving. Measured on the
    /// reference solution in a dev build: 4 interleavings, under 0.01 s.
    const PREEMPTION_BOUND: Option<usize> = None;

    /// Runs `record` once on each of two threads and returns the two hit numbers and the total.
    fn record_on_two_threads() -> (usize, usize, usize) {
        let counter = Arc::new(HitCounter::new());
        let other = {
            let counter = Arc::clone(&counter);
            thread::spawn(move || counter.record())
        };
        let mine = counter.record();
        let theirs = other.join().unwrap();
        (mine, theirs, counter.total())
    }

    /// Every hit is counted: two threads recording once each leave a total of two.
    #[test]
    fn two_threads_recording_once_each_total_two() {
        grader::model::check(PREEMPTION_BOUND, || {
            let (_, _, total) = record_on_two_threads();
            ensure!(
                WrongResult,
                total == 2,
                "two threads called record() once each, but total() is {total}: in this \
                 interleaving one update was lost"
            );
        });
    }

    /// Hit numbers are unique: two threads recording at once get 1 and 2, in some order.
    #[test]
    fn two_threads_recording_at_once_get_different_numbers() {
        grader::model::check(PREEMPTION_BOUND, || {
            let (mine, theirs, _) = record_on_two_threads();
            let mut numbers = [mine, theirs];
            numbers.sort_unstable();
            ensure!(
                WrongResult,
                numbers == [1, 2],
                "two threads called record() at once and got {mine} and {theirs}; they should \
                 get 1 and 2"
            );
        });
    }
}
