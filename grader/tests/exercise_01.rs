//! Grading exercise 01, one channel per item: the items must really run at the same time
//! (observed by counting the items in flight, never by timing them), each result must land in
//! its item's place, and no thread may outlive the call.
//!
//! There is no loom model: the exercise's results are right in every interleaving, and what is
//! wrong with it, that its threads never overlap, is a fact about one real run, not about the
//! set of possible interleavings that loom explores.
#![cfg(all(any(feature = "ex01", feature = "sol01"), not(feature = "loom")))]

#[cfg(feature = "ex01")]
use exercise_01 as subject;
#[cfg(all(feature = "sol01", not(feature = "ex01")))]
use solution_01 as subject;

mod runtime {
    use super::subject::map_each;
    use grader::ensure;
    use grader::overlap::{Overlap, PARTNER_WAIT};
    use grader::threads::Baseline;
    use std::sync::{Condvar, Mutex};
    use std::time::Duration;

    /// The items both checks map: four, more than the two cores this targets, so that a fix
    /// which runs only a core's worth of items at once, or only the first few, is seen.
    const ITEMS: [&str; 4] = ["alpha", "bravo", "charlie", "delta"];

    /// How long the first item waits for every other item to finish before it gives up. Code
    /// that runs items at the same time finishes them within microseconds; only code that
    /// holds some items back waits this long.
    const FIRST_ITEM_WAIT: Duration = Duration::from_secs(2);

    /// The per-item work: a 32-bit FNV-1a checksum of the item's bytes.
    fn checksum(item: &str) -> u32 {
        item.bytes()
            .fold(0x811c_9dc5, |hash, byte| (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193))
    }

    /// The right answer: one checksum per item, in the order of the items.
    fn expected() -> Vec<u32> {
        ITEMS.iter().map(|item| checksum(item)).collect()
    }

    /// Starts rayon's global pool, with a thread for every item, and waits until each of its
    /// threads has run once. A solution using rayon then can run every item at once, as a
    /// thread per item does, whatever the number of cores; and the pool's threads, which live as
    /// long as the process, are in the baseline before the call and not blamed on it.
    fn start_rayon_pool() {
        // Fails only if the pool was started already, by an earlier check in this process.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(ITEMS.len()).build_global();
        rayon::broadcast(|_| ());
    }

    /// Items overlap: all four items are in flight at once, each result is in its item's place,
    /// and no thread outlives the call.
    #[test]
    fn items_run_at_once_and_leave_no_thread_behind() {
        start_rayon_pool();
        let baseline = Baseline::take();
        let overlap = Overlap::new().wanting(ITEMS.len());

        // Each call waits, until every item is in flight, for the others to start beside it:
        // code that runs every item at once lets them all in, code that holds some back never
        // does.
        let results = map_each(&ITEMS, |item| {
            let _in_flight = overlap.enter();
            checksum(item)
        });

        ensure!(
            WrongResult,
            overlap.entered() == ITEMS.len(),
            "f was called {} times for {} items; it must be called once per item",
            overlap.entered(),
            ITEMS.len()
        );
        ensure!(
            LostParallelism,
            overlap.max_in_flight() == ITEMS.len(),
            "the most items in flight at once was {} of {}: a call of f waited {:.0} s for the \
             others to start beside it, and they did not, so some items waited for others to \
             finish",
            overlap.max_in_flight(),
            ITEMS.len(),
            PARTNER_WAIT.as_secs_f64()
        );
        let expected = expected();
        ensure!(
            WrongResult,
            results == expected,
            "map_each returned {results:?}; the checksums of the items, in their order, are \
             {expected:?}"
        );
        baseline.assert_no_new_threads("map_each");
    }

    /// Order is kept: the first item finishes after all the others, and its result still comes
    /// first.
    #[test]
    fn first_item_finishing_late_keeps_its_place() {
        start_rayon_pool();
        let finished = Mutex::new(0_usize);
        let one_finished = Condvar::new();
        let first_waited_alone = Mutex::new(false);

        let results = map_each(&ITEMS, |item| {
            let sum = checksum(item);
            if *item == ITEMS[0] {
                // Hold the first item back until every other item has finished, so its result
                // is the last one ready. The wait is bounded so serial code, where no other item
                // can run meanwhile, still gets a verdict.
                let others = ITEMS.len() - 1;
                let count = finished.lock().unwrap();
                let (_count, waited) = one_finished
                    .wait_timeout_while(count, FIRST_ITEM_WAIT, |n| *n < others)
                    .unwrap();
                if waited.timed_out() {
                    *first_waited_alone.lock().unwrap() = true;
                }
            } else {
                *finished.lock().unwrap() += 1;
                one_finished.notify_all();
            }
            sum
        });

        ensure!(
            LostParallelism,
            !*first_waited_alone.lock().unwrap(),
            "the first item waited {:.0} s for the other items to finish while it was still \
             running, and they did not: some items waited for others to finish before they \
             started",
            FIRST_ITEM_WAIT.as_secs_f64()
        );
        let expected = expected();
        ensure!(
            WrongResult,
            results == expected,
            "the first item finished after all the others, and map_each returned {results:?}; \
             each result must be in its item's place: {expected:?}"
        );
    }
}
