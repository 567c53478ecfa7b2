//! Grading exercise 06, the pipeline: a sum over the whole stream must end with the right
//! total, and a consumer that stops early must leave no stage blocked or running; loom checks
//! both on the smallest pipelines that show them.
#![cfg(any(feature = "ex06", feature = "sol06"))]

#[cfg(feature = "ex06")]
use exercise_06 as subject;
#[cfg(all(feature = "sol06", not(feature = "ex06")))]
use solution_06 as subject;

#[cfg(not(feature = "loom"))]
mod runtime {
    use super::subject::{run, sum_of_squares};
    use grader::threads::Baseline;
    use grader::{ensure, fail};
    use std::fmt::Write;
    use std::fs;
    use std::sync::mpsc::{self, RecvTimeoutError};
    use std::sync::{Arc, Mutex};
    use std::thread;
    use std::time::Duration;

    /// How long a check waits for a call that a working pipeline finishes in microseconds.
    const BOUND: Duration = Duration::from_secs(3);

    /// The `upto` of every sum the snapshot holds.
    const SUMS: [u64; 6] = [0, 1, 2, 10, 100, 1000];

    /// How many squares the early-stopping check takes: more than a channel holds.
    const FIRST: usize = 5;

    /// Whether the thread `tid` of this process is asleep (state `S`: waiting in the kernel, as
    /// a thread blocked on a lock, a channel or a join is), from `/proc/self/task/<tid>/stat`.
    fn asleep(tid: u32) -> bool {
        let Ok(stat) = fs::read_to_string(format!("/proc/self/task/{tid}/stat")) else {
            return false;
        };
        // The name, in parentheses, may hold spaces; the state follows the last `)`.
        stat.rsplit_once(") ").is_some_and(|(_, rest)| rest.starts_with('S'))
    }

    /// Fails for a `call` that has not returned within `BOUND`. When every thread it started
    /// (and the thread running it) is asleep, nothing can wake them: a deadlock. Otherwise
    /// something is still running: a hang.
    fn not_returned(call: &str, baseline: &Baseline, waiting: &str) -> ! {
        let started = baseline.started();
        let names: Vec<String> = started.values().map(|name| format!("{name:?}")).collect();
        if !started.is_empty() && started.iter().all(|(tid, _)| asleep(*tid)) {
            fail!(
                Deadlock,
                "{call} had not returned after {} s, and every thread it involves is asleep, \
                 waiting for something no thread will do (threads: {}). {waiting}",
                BOUND.as_secs(),
                names.join(", ")
            );
        }
        fail!(
            Hang,
            "{call} had not returned after {} s; threads still busy: {}",
            BOUND.as_secs(),
            names.join(", ")
        );
    }

    /// The sum of the squares of 1 to n is n(n+1)(2n+1)/6; the snapshot was recorded from the
    /// reference solution, and every sum must also agree with the formula.
    #[test]
    fn sums_of_squares_match_the_snapshot() {
        let baseline = Baseline::take();
        let (sum_tx, sums) = mpsc::channel();
        thread::Builder::new()
            .name("caller".into())
            .spawn(move || {
                for upto in SUMS {
                    if sum_tx.send((upto, sum_of_squares(upto))).is_err() {
                        return;
                    }
                }
            })
            .unwrap();

        let mut table = String::new();
        for upto in SUMS {
            let sum = match sums.recv_timeout(BOUND) {
                Ok((_, sum)) => sum,
                Err(RecvTimeoutError::Timeout) => not_returned(
                    &format!("sum_of_squares({upto})"),
                    &baseline,
                    "The sum reads the channel of squares until it ends, and it never does.",
                ),
                Err(RecvTimeoutError::Disconnected) => fail!(Panic, "sum_of_squares panicked"),
            };
            ensure!(
                WrongResult,
                sum == upto * (upto + 1) * (2 * upto + 1) / 6,
                "sum_of_squares({upto}) returned {sum}"
            );
            writeln!(table, "sum_of_squares({upto}) = {sum}").unwrap();
        }
        insta::assert_snapshot!("sums_of_squares", table);
    }

    /// A consumer that stops after the first few squares of an endless stream gets them, the
    /// numbers are generated on a thread of their own, and once `run` returns no stage is left
    /// blocked or running.
    #[test]
    fn consumer_stopping_early_leaves_no_stage_behind() {
        let baseline = Arc::new(Baseline::take());

        // The thread the generate stage takes its numbers on.
        let generator = Arc::new(Mutex::new(None));
        let numbers = {
            let generator = Arc::clone(&generator);
            (1..).inspect(move |_| {
                generator.lock().unwrap().get_or_insert(thread::current().id());
            })
        };
        // How many threads the pipeline has while the consumer reads: the caller's, and one
        // per stage. The numbers never run out, so no stage can have ended by then.
        let while_reading = Arc::new(Mutex::new(0));
        let (first_tx, first) = mpsc::channel();
        let caller = thread::Builder::new()
            .name("caller".into())
            .spawn({
                let (baseline, while_reading) = (Arc::clone(&baseline), Arc::clone(&while_reading));
                move || {
                    let squares = run(numbers, |squares| {
                        *while_reading.lock().unwrap() = baseline.extra().len();
                        squares.iter().take(FIRST).collect()
                    });
                    let _ = first_tx.send((squares, thread::current().id()));
                }
            })
            .unwrap();

        let call = format!("run(1.., take {FIRST})");
        let (squares, caller_id): (Vec<u64>, _) = match first.recv_timeout(BOUND) {
            Ok(answer) => answer,
            Err(RecvTimeoutError::Timeout) => not_returned(
                &call,
                &baseline,
                "Once the consumer had its squares, the stages filled their channels and \
                 blocked in send, and the caller waits to join them.",
            ),
            Err(RecvTimeoutError::Disconnected) => fail!(Panic, "{call} panicked"),
        };
        caller.join().unwrap();

        let expected: Vec<u64> = (1..=FIRST as u64).map(|n| n * n).collect();
        ensure!(
            WrongResult,
            squares == expected,
            "{call} returned {squares:?}, expected {expected:?}"
        );
        ensure!(
            LostParallelism,
            *generator.lock().unwrap() != Some(caller_id),
            "the numbers were generated on the thread that consumed the squares: each stage \
             must run on a thread of its own"
        );
        let stages = while_reading.lock().unwrap().saturating_sub(1);
        ensure!(
            LostParallelism,
            stages >= 2,
            "while the consumer read, the pipeline had {stages} thread(s) besides the caller's: \
             generate and square must each run on a thread of its own"
        );
        baseline.assert_no_new_threads(&call);
    }
}

#[cfg(feature = "loom")]
mod models {
    use super::subject::{run, sum_of_squares};
    use grader::{ensure, fail};
    use interleave_sync::sync::Arc;

    /// The main thread and two stages. Measured in a dev build: the sum in 0.1 s, the early
    /// stop in 2.8 s; with a bound of 3, 1.8 s and 85 s. Two preemptions already find the
    /// stop signal that is checked only between sends (the stop dropped while a stage is
    /// about to block in `send`).
    const PREEMPTION_BOUND: Option<usize> = Some(2);

    /// A sum over a finished stream ends: the squares of 1 and 2 sum to 5 in every
    /// interleaving, and no thread is left blocked.
    #[test]
    fn sum_of_two_squares_is_five_and_blocks_no_thread() {
        grader::model::check(PREEMPTION_BOUND, || {
            let sum = sum_of_squares(2);
            ensure!(WrongResult, sum == 5, "sum_of_squares(2) returned {sum}, expected 5");
        });
    }

    /// A consumer that takes one square from an endless stream gets 1, and every stage stops
    /// before `run` returns: no interleaving leaves a stage blocked on a full channel, or
    /// still running.
    #[test]
    fn first_square_stops_every_stage() {
        grader::model::check(PREEMPTION_BOUND, || {
            // The numbers hold a clone of `probe` until the generate stage drops them.
            let probe = Arc::new(());
            let held = Arc::clone(&probe);
            let numbers = (1..).inspect(move |_| {
                let _ = &held;
            });

            let first: Vec<u64> = run(numbers, |squares| squares.iter().take(1).collect());
            ensure!(WrongResult, first == [1], "run(1.., take 1) returned {first:?}, expected [1]");
            if Arc::strong_count(&probe) != 1 {
                fail!(
                    LeakedThread,
                    "run(1.., take 1) returned while the generate stage was still running (it \
                     still held its numbers): run must wait for every stage to stop"
                );
            }
        });
    }
}
