//! Demo of exercise 05: a pool of workers, a collector, and two shutdowns.
//!
//! Run it with `cargo xtask run exercise-05`. The first pool does six jobs
//! and is shut down once they are queued; the second is cancelled while its
//! only worker is busy. Every line is printed by the main thread in the same
//! order on every run: results are sorted by job before they are shown.

use std::sync::Mutex;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use exercise_05::{Output, Pool};

fn main() {
    finish_the_queue();
    println!();
    cancel_a_busy_pool();
}

/// Six jobs, three workers, a collector, and a shutdown with time to spare.
fn finish_the_queue() {
    println!("pool 1: three workers square six numbers");
    let mut pool = Pool::new(3, |n| n * n);
    let results = pool.results();
    let collector = thread::spawn(move || results.iter().collect::<Vec<_>>());

    for n in 1..=6 {
        let job = pool.submit(n);
        println!("  job {job}: {n} handed to the queue");
    }

    let grace = Duration::from_secs(1);
    println!(
        "  shutting down with a grace period of {} s",
        grace.as_secs()
    );
    let stopped = pool.shutdown(grace);
    if stopped.graceful {
        println!("  shutdown: every worker finished the queue and stopped");
    } else {
        println!(
            "  shutdown: the grace period ran out; the rest was cancelled"
        );
    }

    println!("  waiting for the collector to see the results channel end");
    let outputs = collector.join().expect("the collector panicked");
    show(&outputs);
    println!(
        "  collector: the results channel ended after {} results",
        outputs.len()
    );
}

/// One worker, busy with a job that waits for a go-ahead; three more jobs
/// queued behind it; a cancel while it is busy.
fn cancel_a_busy_pool() {
    println!(
        "pool 2: one worker, busy with a job, three jobs queued behind it"
    );
    let (started_tx, started) = mpsc::channel();
    let (go_tx, go) = mpsc::channel::<()>();
    let go = Mutex::new(go);
    let started_tx = Mutex::new(started_tx);
    let mut pool = Pool::new(1, move |n| {
        if n == 10 {
            // The first job tells the demo it has started, then waits.
            started_tx.lock().unwrap().send(()).unwrap();
            go.lock().unwrap().recv().unwrap();
        }
        n * n
    });
    for n in 10..14 {
        let job = pool.submit(n);
        println!("  job {job}: {n} handed to the queue");
    }

    started.recv().expect("the first job starts");
    println!("  job 0 is running; cancelling the pool");
    pool.cancel();
    go_tx.send(()).unwrap();

    let stopped = pool.shutdown(Duration::from_secs(1));
    println!(
        "  shutdown: the worker stopped{}",
        if stopped.graceful {
            ""
        } else {
            " after the grace period"
        }
    );
    let outputs: Vec<Output> = pool.results().iter().collect();
    show(&outputs);
    let skipped: Vec<String> = (0..4)
        .filter(|job| outputs.iter().all(|o| o.job != *job))
        .map(|job| job.to_string())
        .collect();
    println!(
        "  cancelled before they started: jobs {}",
        skipped.join(", ")
    );
}

/// Prints each result, in job order.
fn show(outputs: &[Output]) {
    let mut outputs = outputs.to_vec();
    outputs.sort_by_key(|o| o.job);
    for output in outputs {
        println!("  job {}: result {}", output.job, output.value);
    }
}
