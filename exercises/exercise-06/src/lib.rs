//! Exercise 06: the pipeline.
//!
//! Numbers flow through stages joined by small bounded channels, each stage
//! on a thread of its own: generate, then square, then a consumer such as a
//! sum. Users report that `sum_of_squares` never returns, and that
//! `first_squares`, which needs only the start of an endless stream, never
//! returns either. Make every pipeline end, with every stage stopped.
#![forbid(unsafe_code)]

use interleave_sync::channel::{self, Receiver, Sender, TryRecvError};
use interleave_sync::thread::{self, JoinHandle};

/// How many numbers a channel holds before its sender has to wait.
pub const CAPACITY: usize = 2;

/// The sum of the squares of 1 to `upto`.
pub fn sum_of_squares(upto: u64) -> u64 {
    run(1..=upto, |squares| squares.iter().sum())
}

/// The first `count` squares, 1, 4, 9 and so on, taken from a pipeline
/// whose numbers never run out.
pub fn first_squares(count: usize) -> Vec<u64> {
    run(1.., |squares| squares.iter().take(count).collect())
}

/// Runs `numbers` through a generate stage and a square stage, each on a
/// thread of its own, and hands the channel of squares to `consume` on the
/// calling thread. Returns what `consume` returns, once every stage has
/// stopped.
pub fn run<I, T, F>(numbers: I, consume: F) -> T
where
    I: Iterator<Item = u64> + Send + 'static,
    F: FnOnce(&Receiver<u64>) -> T,
{
    // Nobody ever sends on `stop`: dropping it, which happens when `run`
    // returns or unwinds, tells every stage to stop.
    let (_stop, stopped) = channel::bounded::<()>(0);
    let (numbers_tx, numbers_rx) = channel::bounded(CAPACITY);
    let (squares_tx, squares_rx) = channel::bounded(CAPACITY);

    let generator = {
        let stopped = stopped.clone();
        spawn("generate", move || generate(numbers, numbers_tx, stopped))
    };
    // TODO: A loop over `squares_rx` ends only once every sender of that
    // channel is gone. Count the senders still alive while `consume` runs.
    let squarer = {
        let squares_tx = squares_tx.clone();
        spawn("square", move || square(numbers_rx, squares_tx, stopped))
    };

    let answer = consume(&squares_rx);

    // TODO: A consumer may stop reading long before the numbers run out.
    // Make sure every stage hears about it, wherever it is waiting.
    generator.join().expect("the generate stage panicked");
    squarer.join().expect("the square stage panicked");
    answer
}

/// Starts a stage on a thread named after it.
fn spawn(name: &str, stage: impl FnOnce() + Send + 'static) -> JoinHandle<()> {
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(stage)
        .expect("cannot start a stage thread")
}

/// Sends every number on, until the numbers run out or the pipeline stops.
fn generate<I>(numbers: I, out: Sender<u64>, stopped: Receiver<()>)
where
    I: Iterator<Item = u64>,
{
    for n in numbers {
        if is_stopped(&stopped) {
            return;
        }
        if out.send(n).is_err() {
            return;
        }
    }
}

/// Squares every number it receives, until its input ends or the pipeline
/// stops.
fn square(numbers: Receiver<u64>, out: Sender<u64>, stopped: Receiver<()>) {
    for n in numbers.iter() {
        if is_stopped(&stopped) {
            return;
        }
        if out.send(n * n).is_err() {
            return;
        }
    }
}

// TODO: The stages ask this only between two channel operations, yet a
// stage spends nearly all its time waiting inside one.

/// True once the pipeline has been told to stop: nobody ever sends on the
/// `stopped` channel, so it ends exactly when `stop` is dropped.
fn is_stopped(stopped: &Receiver<()>) -> bool {
    matches!(stopped.try_recv(), Err(TryRecvError::Disconnected))
}
