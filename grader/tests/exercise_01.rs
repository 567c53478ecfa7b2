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

    /// The items both checks map. Three, more than the two cores this targets, so a fix that
    /// caps its threads at the number of cores (rayon) still has work to share out.
    const ITEMS: [&str; 3] = ["alpha", "bravo", "charlie"];

    /// How long the first item waits for another item to finish before it gives up. Code that
    /// runs items at the same time finishes another item within microseconds; only serial
    /// code waits this long.
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

    /// Starts rayon's global pool and waits until each of its threads has run once. Its
    /// threads live as long as the process, so they must be in the baseline before the
    /// call, or a solution using rayon would be blamed for them.
    fn start_rayon_pool() {
        rayon::broadcast(|_| ());
    }

    /// Items overlap: of three items, at least two are in flight at once, each result is in
    /// its item's place, and no thread outlives the call.
    #[test]
    fn items_run_at_once_and_leave_no_thread_behind() {
        start_rayon_pool();
        let baseline = Baseline::take();
        let overlap = Overlap::new();

        // Each call waits, while it is alone, for a second call to start beside it: parallel
        // code lets one in at once, serial code never does.
        let results = map_each(&ITEMS, |item| {
            let _in_flight = overlap.enter();
            checksum(item)
        });

        ensure!(
            LostParallelism,
            overlap.max_in_flight() >= 2,
            "only one item was ever in flight: a call of f waited {:.0} s for another to start \
             beside it, and none did, so the {} items ran one after another",
            PARTNER_WAIT.as_secs_f64(),
            overlap.entered()
        );
        ensure!(
            WrongResult,
            overlap.entered() == ITEMS.len(),
            "f was called {} times for {} items; it must be called once per item",
            overlap.entered(),
            ITEMS.len()
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

    /// Order is kept: the first item finishes after another one, and its result still comes
    /// first.
    #[test]
    fn first_item_finishing_late_keeps_its_place() {
        let finished = Mutex::new(0_usize);
        let one_finished = Condvar::new();
        let first_waited_alone = Mutex::new(false);

        let results = map_each(&ITEMS, |item| {
            let sum = checksum(item);
            if *item == ITEMS[0] {
                // Hold the first item back until some other item has finished, so its result
                // is not the first one ready. The wait is bounded so serial code, where no other
                // item can run meanwhile, still gets a verdict.
                let count = finished.lock().unwrap();
                let (_count, waited) =
                    one_finished.wait_timeout_while(count, FIRST_ITEM_WAIT, |n| *n == 0).unwrap();
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
            "the first item waited {:.0} s for any other item to finish while it was still \
             running, and none did: the items ran one after another",
            FIRST_ITEM_WAIT.as_secs_f64()
        );
        let expected = expected();
        ensure!(
            WrongResult,
            results == expected,
            "the first item finished after another one, and map_each returned {results:?}; \
             each result must be in its item's place: {expected:?}"
        );
    }
}
