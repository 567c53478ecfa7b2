//! Exercise 05: the worker pool.
//!
//! A `Pool` runs jobs on a fixed set of worker threads and sends every
//! result to a channel that a collector reads. Users report that `shutdown`
//! takes its whole grace period even when nothing is left to do, that worker
//! threads are still alive after it returns, and that a collector reading
//! `results()` never finishes. Make `shutdown` stop the pool for good.
#![forbid(unsafe_code)]

use std::time::{Duration, Instant};

use interleave_sync::channel::{self, Receiver, Sender};
use interleave_sync::sync::atomic::{AtomicBool, Ordering};
use interleave_sync::sync::{Arc, Condvar, Mutex};
use interleave_sync::thread;

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
    }
}

/// A fixed set of worker threads sharing one queue of jobs.
pub struct Pool {
    jobs: Sender<Job>,
    jobs_rx: Receiver<Job>,
    // TODO: A loop over `results()` ends only once every sender of the
    // results channel is gone. This one lives as long as the pool does.
    results_tx: Sender<Output>,
    results: Receiver<Output>,
    cancelled: Arc<AtomicBool>,
    running: Arc<Running>,
    work: Work,
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
        let pool = Pool {
            jobs,
            jobs_rx,
            results_tx,
            results,
            cancelled: Arc::new(AtomicBool::new(false)),
            running: Arc::new(Running::default()),
            work: Arc::new(Box::new(work)),
            next_job: 0,
        };
        for id in 0..size {
            pool.spawn_worker(id);
        }
        pool
    }

    fn spawn_worker(&self, id: usize) {
        let worker = Worker {
            id,
            cancelled: Arc::clone(&self.cancelled),
            running: Arc::clone(&self.running),
            jobs: self.jobs_rx.clone(),
            results: self.results_tx.clone(),
            work: Arc::clone(&self.work),
        };
        self.running.add();
        thread::Builder::new()
            .name(format!("worker-{id}"))
            .spawn(move || worker.run())
            .expect("cannot start a worker thread");
    }

    /// Queues `input` for the next free worker and returns its job number.
    pub fn submit(&mut self, input: u64) -> usize {
        let id = self.next_job;
        self.next_job += 1;
        self.jobs
            .send(Job { id, input })
            .expect("the workers hold the queue open");
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
        // TODO: A worker waiting in `recv` for another job never gets one
        // and never sees the cancel flag, and nothing here waits for the
        // workers to stop. Make this keep the promise made above.
        let graceful = self.running.wait(grace);
        if !graceful {
            self.cancel();
        }
        Stopped { graceful }
    }
}
