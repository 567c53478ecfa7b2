//! Exercise 05: the worker pool, solved.
//!
//! A `Pool` runs jobs on a fixed set of worker threads and sends every
//! result to a channel that a collector reads. `shutdown` stops the pool for
//! good: no worker outlives it, and the results channel ends.
//!
//! What was wrong: nothing ever closed the job queue, because the pool kept
//! its sender. A worker with nothing to do waited in `recv` forever, never
//! looked at the cancel flag again, and never counted itself out, so
//! `shutdown` sat out its whole grace period and returned with every worker
//! still alive. The pool also kept a sender of the results channel, so a
//! collector's loop could never end. Now `shutdown` drops the job sender
//! first, which wakes every idle worker with an error once the queue is
//! empty; waits up to `grace`, then cancels; and joins every worker. The
//! pool keeps no results sender: the channel ends when the last worker
//! drops its own.
#![forbid(unsafe_code)]

use std::time::{Duration, Instant};

use interleave_sync::channel::{self, Receiver, Sender};
use interleave_sync::sync::atomic::{AtomicBool, Ordering};
use interleave_sync::sync::{Arc, Condvar, Mutex};
use interleave_sync::thread::{self, JoinHandle};

/// One finished job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Output {
    /// The job's number: jobs are numbered from 0 in the order submitted.
    pub job: usize,
    /// The id of the worker that ran it.
    pub worker: usize,
    /// What the work function returned.
    pub value: u64,
}

/// How a shutdown went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stopped {
    /// True when every worker stopped within the grace period; false when
    /// the grace period ran out and the remaining jobs were cancelled.
    pub graceful: bool,
}

/// A job waiting in the queue.
struct Job {
    id: usize,
    input: u64,
}

/// The function every job runs. (Boxed, so that loom's `Arc`, which cannot
/// hold an unsized value, can share it too.)
type Work = Arc<Box<dyn Fn(u64) -> u64 + Send + Sync>>;

/// Counts the workers still running, like Go's `sync.WaitGroup`.
#[derive(Default)]
struct Running {
    count: Mutex<usize>,
    changed: Condvar,
}

impl Running {
    fn add(&self) {
        *self.count.lock().unwrap() += 1;
    }

    fn done(&self) {
        let mut count = self.count.lock().unwrap();
        *count -= 1;
        self.changed.notify_all();
    }

    /// Waits until no worker is running or `grace` has passed. Returns
    /// true when no worker is running.
    fn wait(&self, grace: Duration) -> bool {
        let deadline = Instant::now() + grace;
        let mut count = self.count.lock().unwrap();
        while *count > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            count = self.changed.wait_timeout(count, left).unwrap().0;
        }
        true
    }
}

/// One worker thread's share of the pool.
struct Worker {
    id: usize,
    cancelled: Arc<AtomicBool>,
    running: Arc<Running>,
    jobs: Receiver<Job>,
    results: Sender<Output>,
    work: Work,
}

impl Worker {
    /// Runs jobs until the queue is closed or the pool is cancelled.
    fn run(self) {
        // Relaxed: the flag carries no data; a worker that sees it late
        // runs at most one more job.
        while !self.cancelled.load(Ordering::Relaxed) {
            let Ok(job) = self.jobs.recv() else {
                break;
            };
            let value = (self.work)(job.input);
            let output = Output {
                job: job.id,
                worker: self.id,
                value,
            };
            if self.results.send(output).is_err() {
                break;
            }
        }
        self.running.done();
        // `self.results` is dropped here: after the last worker, the
        // results channel ends.
    }
}

/// A fixed set of worker threads sharing one queue of jobs.
pub struct Pool {
    /// `None` once `shutdown` has closed the queue.
    jobs: Option<Sender<Job>>,
    results: Receiver<Output>,
    cancelled: Arc<AtomicBool>,
    running: Arc<Running>,
    workers: Vec<JoinHandle<()>>,
    next_job: usize,
}

impl Pool {
    /// Starts `size` workers that run `work` on every submitted input.
    pub fn new<F>(size: usize, work: F) -> Pool
    where
        F: Fn(u64) -> u64 + Send + Sync + 'static,
    {
        let (jobs, jobs_rx) = channel::unbounded();
        let (results_tx, results) = channel::unbounded();
        let cancelled = Arc::new(AtomicBool::new(false));
        let running = Arc::new(Running::default());
        let work: Work = Arc::new(Box::new(work));

        let workers = (0..size)
            .map(|id| {
                let worker = Worker {
                    id,
                    cancelled: Arc::clone(&cancelled),
                    running: Arc::clone(&running),
                    jobs: jobs_rx.clone(),
                    results: results_tx.clone(),
                    work: Arc::clone(&work),
                };
                running.add();
                thread::Builder::new()
                    .name(format!("worker-{id}"))
                    .spawn(move || worker.run())
                    .expect("cannot start a worker thread")
            })
            .collect();

        // `jobs_rx` and `results_tx` are dropped here: only the workers
        // hold them, so the results channel ends with the last worker.
        Pool {
            jobs: Some(jobs),
            results,
            cancelled,
            running,
            workers,
            next_job: 0,
        }
    }

    /// Queues `input` for the next free worker and returns its job number.
    /// A job submitted after `cancel` is never run.
    ///
    /// # Panics
    ///
    /// If the pool has been shut down.
    pub fn submit(&mut self, input: u64) -> usize {
        let jobs = self.jobs.as_ref().expect("the pool has been shut down");
        let id = self.next_job;
        self.next_job += 1;
        // An error means every worker has been cancelled and has stopped;
        // the job is dropped, as a cancelled job is.
        let _ = jobs.send(Job { id, input });
        id
    }

    /// The channel every result is sent to. Iterating over it ends after
    /// the pool has been shut down and the last result has been read.
    pub fn results(&self) -> Receiver<Output> {
        self.results.clone()
    }

    /// Asks every worker to stop before its next job; jobs still queued are
    /// never run. Call `shutdown` to wait for the workers.
    pub fn cancel(&self) {
        // Relaxed: see `Worker::run`.
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Stops the pool. The workers get up to `grace` to finish the jobs
    /// already queued; after that the rest is cancelled. When this returns,
    /// every worker has stopped and the results channel has ended.
    pub fn shutdown(&mut self, grace: Duration) -> Stopped {
        // Close the queue. A worker waiting in `recv` wakes with an error
        // as soon as the queue is empty, and stops.
        drop(self.jobs.take());

        let graceful = self.running.wait(grace);
        if !graceful {
            self.cancel();
        }

        // Every worker is now either stopped or finishing its current job.
        for worker in self.workers.drain(..) {
            worker.join().expect("a worker panicked");
        }
        Stopped { graceful }
    }
}
