//! Grading exercise 05, the worker pool: `shutdown` must come back as soon as the workers are
//! done, leave no worker thread behind, and end the results channel so that a collector
//! finishes, with the jobs really run by several workers at once. Loom checks that a shutdown,
//! with or without a cancel, does no job twice, returns only once every worker has stopped, and
//! leaves no thread blocked.
#![cfg(any(feature = "ex05", feature = "sol05"))]

#[cfg(feature = "ex05")]
use exercise_05 as subject;
#[cfg(all(feature = "sol05", not(feature = "ex05")))]
use solution_05 as subject;

/// The work every check gives the pool: cheap, and distinct for every input.
fn work(input: u64) -> u64 {
    input * 10 + 1
}

/// Every result carries the value the work function gives for its job.
fn ensure_values(outputs: &[subject::Output]) {
    for output in outputs {
        let expected = work(output.job as u64);
        grader::ensure!(
            WrongResult,
            output.value == expected,
            "job {} came back with value {}, expected {expected}",
            output.job,
            output.value
        );
    }
}

#[cfg(not(feature = "loom"))]
mod runtime {
    use super::subject::{Output, Pool};
    use super::{ensure_values, work};
    use grader::overlap::{Overlap, PARTNER_WAIT};
    use grader::threads::Baseline;
    use grader::{ensure, fail};
    use std::sync::mpsc::{self, RecvTimeoutError};
    use std::sync::{Arc, Mutex};
    use std::thread;
    use std::time::{Duration, Instant};

    const WORKERS: usize = 4;
    const JOBS: usize = 8;

    /// How long a check waits for something that a working pool does at once: every job here
    /// takes microseconds, so only a pool that waits for the impossible takes this long.
    const BOUND: Duration = Duration::from_secs(3);

    /// A grace period far longer than any check may run: a pool with nothing left to do must
    /// not wait it out.
    const LONG_GRACE: Duration = Duration::from_secs(60);

    /// A grace period short enough that a pool which waits it out still returns in time for
    /// the check to look at what it left behind.
    const SHORT_GRACE: Duration = Duration::from_millis(200);

    /// Starts a pool and submits `JOBS` jobs.
    fn busy_pool() -> Pool {
        busy_pool_doing(work)
    }

    /// Starts a pool running `work` and submits `JOBS` jobs.
    fn busy_pool_doing(work: impl Fn(u64) -> u64 + Send + Sync + 'static) -> Pool {
        let mut pool = Pool::new(WORKERS, work);
        for input in 0..JOBS as u64 {
            pool.submit(input);
        }
        pool
    }

    /// Receives `JOBS` results, each within `BOUND`.
    fn receive_every_result(pool: &Pool) -> Vec<Output> {
        let results = pool.results();
        (0..JOBS)
            .map(|i| match results.recv_timeout(BOUND) {
                Ok(output) => output,
                Err(_) => fail!(
                    Hang,
                    "only {i} of {JOBS} results arrived within {} s of each other",
                    BOUND.as_secs()
                ),
            })
            .collect()
    }

    /// Checks that `outputs` holds every job exactly once, each with its right value.
    fn ensure_every_job_once(outputs: &[Output]) {
        let mut jobs: Vec<usize> = outputs.iter().map(|o| o.job).collect();
        jobs.sort_unstable();
        ensure!(
            WrongResult,
            jobs == (0..JOBS).collect::<Vec<_>>(),
            "after submitting jobs 0 to {} the collector got jobs {jobs:?}: every job must be \
             done exactly once",
            JOBS - 1
        );
        ensure_values(outputs);
    }

    /// A pool whose jobs are all done shuts down at once, not at the end of its grace period.
    #[test]
    fn idle_pool_shuts_down_without_waiting_out_its_grace() {
        let mut pool = busy_pool();
        receive_every_result(&pool);

        // Every job is done: the workers have nothing left but to stop.
        let (returned_tx, returned) = mpsc::channel();
        thread::spawn(move || {
            let stopped = pool.shutdown(LONG_GRACE);
            let _ = returned_tx.send(stopped);
            // The pool is dropped on this thread, after the check has its answer.
        });
        match returned.recv_timeout(BOUND) {
            Ok(stopped) => ensure!(
                WrongResult,
                stopped.graceful,
                "shutdown() of a pool with every job done reported graceful: false"
            ),
            Err(RecvTimeoutError::Timeout) => fail!(
                Hang,
                "all {JOBS} jobs were done, but shutdown({} s) had not returned {} s later: it \
                 waits for workers that never stop, so it sits out its whole grace period",
                LONG_GRACE.as_secs(),
                BOUND.as_secs()
            ),
            Err(RecvTimeoutError::Disconnected) => fail!(Panic, "shutdown() panicked"),
        }
    }

    /// How long after the grace period the pool gets to cancel its queued jobs. A cancel is a
    /// flag or a dropped sender, done in microseconds; the margin only has to outlast a busy
    /// machine's scheduling delays.
    const CANCEL_MARGIN: Duration = Duration::from_millis(500);

    /// When the grace period runs out, shutdown cancels the queued jobs, waits for the job in
    /// progress to end, joins the worker and reports that it was not graceful.
    #[test]
    fn grace_running_out_cancels_queued_jobs_and_waits_for_the_running_one() {
        // Job 0 runs until the check lets it finish; the others would finish at once.
        let gate = Arc::new((Mutex::new((false, false)), std::sync::Condvar::new()));
        let ran = Arc::new(Mutex::new(Vec::new()));
        let mut pool = Pool::new(1, {
            let (gate, ran) = (Arc::clone(&gate), Arc::clone(&ran));
            move |input| {
                ran.lock().unwrap().push(input);
                if input == 0 {
                    let (state, changed) = &*gate;
                    let mut state = state.lock().unwrap();
                    state.0 = true;
                    changed.notify_all();
                    while !state.1 {
                        state = changed.wait(state).unwrap();
                    }
                }
                work(input)
            }
        });
        for input in 0..4 {
            pool.submit(input);
        }
        {
            let (state, changed) = &*gate;
            let state = state.lock().unwrap();
            let (state, _) = changed.wait_timeout_while(state, BOUND, |s| !s.0).unwrap();
            ensure!(
                WrongResult,
                state.0,
                "the pool did not start job 0 within {} s",
                BOUND.as_secs()
            );
        }

        let (returned_tx, returned) = mpsc::channel();
        thread::spawn(move || {
            let stopped = pool.shutdown(SHORT_GRACE);
            let _ = returned_tx.send(stopped);
        });

        // Job 0 is still running, so shutdown may not return until the check lets it finish.
        match returned.recv_timeout(SHORT_GRACE + CANCEL_MARGIN) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(_) => fail!(
                LeakedThread,
                "shutdown({} ms) returned while job 0 was still running: when the grace period \
                 runs out, shutdown must still wait for the jobs in progress and join every \
                 worker",
                SHORT_GRACE.as_millis()
            ),
            Err(RecvTimeoutError::Disconnected) => fail!(Panic, "shutdown() panicked"),
        }
        {
            let (state, changed) = &*gate;
            state.lock().unwrap().1 = true;
            changed.notify_all();
        }
        let stopped = match returned.recv_timeout(BOUND) {
            Ok(stopped) => stopped,
            Err(RecvTimeoutError::Timeout) => fail!(
                Hang,
                "the grace period of {} ms ran out and the last running job finished, but \
                 shutdown had not returned {} s later",
                SHORT_GRACE.as_millis(),
                BOUND.as_secs()
            ),
            Err(RecvTimeoutError::Disconnected) => fail!(Panic, "shutdown() panicked"),
        };

        let ran = ran.lock().unwrap().clone();
        ensure!(
            WrongResult,
            ran == [0],
            "the grace period ran out while job 0 was running, with jobs 1 to 3 still queued, \
             and then jobs {:?} ran: a shutdown whose grace period has run out must cancel the \
             jobs that have not started",
            &ran[1..]
        );
        ensure!(
            WrongResult,
            !stopped.graceful,
            "the grace period ran out with a job still running, and shutdown reported \
             graceful: true"
        );
    }

    /// Shutdown joins: once it returns, none of the pool's worker threads is left running.
    #[test]
    fn shutdown_leaves_no_worker_running() {
        let baseline = Baseline::take();
        let mut pool = busy_pool();
        pool.shutdown(SHORT_GRACE);

        // The pool itself is still alive, as it is in a program that goes on after shutdown.
        baseline.assert_no_new_threads("shutdown()");
        drop(pool);
    }

    /// A collector reading `results()` gets every job exactly once and then finishes, once the
    /// pool has been shut down; and the jobs really ran on workers, two at once.
    #[test]
    fn collector_finishes_after_shutdown() {
        // Jobs 0 and 1 each wait, while alone, for the other to start beside them: two workers
        // let both in at once, a pool that runs jobs one at a time never does.
        let overlap = Arc::new(Overlap::new());
        let mut pool = {
            let overlap = Arc::clone(&overlap);
            busy_pool_doing(move |input| {
                let _in_flight = (input < 2).then(|| overlap.enter());
                work(input)
            })
        };
        let results = pool.results();
        let collected = Arc::new(Mutex::new(Vec::new()));
        let (finished_tx, finished) = mpsc::channel();
        {
            let collected = Arc::clone(&collected);
            thread::spawn(move || {
                for output in results.iter() {
                    collected.lock().unwrap().push(output);
                }
                let _ = finished_tx.send(());
            });
        }

        pool.shutdown(SHORT_GRACE);
        let returned = Instant::now();
        if finished.recv_timeout(BOUND).is_err() {
            let got = collected.lock().unwrap().len();
            fail!(
                Hang,
                "the collector had received {got} of {JOBS} results and was still waiting {:.0} \
                 s after shutdown() returned: its loop over results() ends only when the \
                 results channel closes, and it never did",
                returned.elapsed().as_secs_f64()
            );
        }
        ensure_every_job_once(&collected.lock().unwrap());
        ensure!(
            LostParallelism,
            overlap.max_in_flight() >= 2,
            "jobs 0 and 1 never ran at the same time, though the pool has {WORKERS} workers: \
             each waited {:.0} s for the other to start beside it",
            PARTNER_WAIT.as_secs_f64()
        );
    }
}

#[cfg(feature = "loom")]
mod models {
    use super::subject::{Output, Pool};
    use super::{ensure_values, work};
    use grader::{ensure, fail};
    use interleave_sync::sync::Arc;
    use std::time::Duration;

    /// Two workers and two jobs on top of the main thread. Measured in a dev build: 0.4 s for
    /// the plain shutdown, 0.9 s with the cancel; a bound of 3 takes 10 s and 25 s. Two
    /// preemptions are enough to put a worker to sleep in `recv` before the cancel, and to let
    /// `shutdown` return between a worker counting itself out and its thread ending.
    const PREEMPTION_BOUND: Option<usize> = Some(2);

    /// Never runs out under loom, where time does not pass; a long grace also keeps a real-time
    /// deadline from changing the path of a run.
    const GRACE: Duration = Duration::from_secs(3600);

    /// Starts a pool of two workers doing `work`, and submits jobs 0 and 1. The work function
    /// holds a clone of `probe`, so the probe's count tells whether anything, a worker or the
    /// pool, still holds the work function.
    fn pool_with_two_jobs(probe: &Arc<()>) -> Pool {
        let held = Arc::clone(probe);
        let mut pool = Pool::new(2, move |input| {
            let _ = &held;
            work(input)
        });
        pool.submit(0);
        pool.submit(1);
        pool
    }

    /// Shuts `pool` down and returns the job numbers the results channel held, sorted, after
    /// reading it to its end. With a `probe`, also checks that no worker is still running once
    /// the pool is dropped.
    fn shut_down_and_collect(mut pool: Pool, probe: Option<&Arc<()>>) -> Vec<usize> {
        let results = pool.results();
        pool.shutdown(GRACE);
        drop(pool);
        if probe.is_some_and(|probe| Arc::strong_count(probe) != 1) {
            fail!(
                LeakedThread,
                "shutdown() returned, and the pool was dropped, while a worker was still \
                 running (it still held the work function): shutdown must join every worker"
            );
        }

        let outputs: Vec<Output> = results.iter().collect();
        ensure_values(&outputs);
        let mut jobs: Vec<usize> = outputs.iter().map(|o| o.job).collect();
        jobs.sort_unstable();
        jobs
    }

    /// After a shutdown every job is done exactly once, no worker is left running, and no
    /// thread is left blocked.
    #[test]
    fn shutdown_does_every_job_once_and_blocks_no_thread() {
        grader::model::check(PREEMPTION_BOUND, || {
            let probe = Arc::new(());
            let pool = pool_with_two_jobs(&probe);
            let jobs = shut_down_and_collect(pool, Some(&probe));
            ensure!(
                WrongResult,
                jobs == [0, 1],
                "after submitting jobs 0 and 1 and shutting down, the results held jobs {jobs:?}"
            );
        });
    }

    /// A cancel followed by a shutdown does no job twice, and leaves no thread blocked.
    #[test]
    fn cancel_then_shutdown_blocks_no_thread() {
        grader::model::check(PREEMPTION_BOUND, || {
            let probe = Arc::new(());
            let pool = pool_with_two_jobs(&probe);
            pool.cancel();
            // No probe: a worker that stops when cancelled, and is not joined, is the plain
            // shutdown's concern. This model asks whether the cancel reaches every worker.
            let jobs = shut_down_and_collect(pool, None);
            let mut unique = jobs.clone();
            unique.dedup();
            ensure!(
                WrongResult,
                unique == jobs && jobs.iter().all(|&job| job < 2),
                "after submitting jobs 0 and 1, cancelling and shutting down, the results held \
                 jobs {jobs:?}: a job may be skipped once cancelled, but never done twice"
            );
        });
    }
}
