//! Exercise 06: the pipeline, solved.
//!
//! Numbers flow through stages joined by small bounded channels, each stage
//! on a thread of its own: generate, then square, then a consumer such as a
//! sum. Every pipeline ends, with every stage stopped.
//!
//! What was wrong: two things kept channels open. `run` cloned the squares
//! sender for the square stage and kept the original, so the channel of
//! squares could never end and a sum over it waited forever. And the stop
//! signal was only dropped when `run` returned, after it had joined the
//! stages; a stage blocked in `send` on a full channel, because the
//! consumer had stopped reading, was never told to stop, so the join waited
//! forever. Now each stage owns the only sender of its output and drops it
//! when it ends, `run` drops `stop` before it joins, and every stage waits
//! with `select!`, so the stop signal reaches it even inside a `send` or a
//! `recv`. (Dropping `squares_rx` before the joins would also stop the
//! stages here, one after the other, since each stops when a send fails.)
#![forbid(unsafe_code)]

use interleave_sync::channel::{self, Receiver, Sender, select};
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
    // Nobody ever sends on `stop`: dropping it tells every stage to stop.
    let (stop, stopped) = channel::bounded::<()>(0);
    let (numbers_tx, numbers_rx) = channel::bounded(CAPACITY);
    let (squares_tx, squares_rx) = channel::bounded(CAPACITY);

    // Each stage takes the only sender of its output, so each channel ends
    // when the stage feeding it does.
    let generator = {
        let stopped = stopped.clone();
        spawn("generate", move || generate(numbers, numbers_tx, stopped))
    };
    let squarer =
        spawn("square", move || square(numbers_rx, squares_tx, stopped));

    let answer = consume(&squares_rx);

    // The consumer may have stopped early: tell every stage to stop before
    // waiting for them.
    drop(stop);
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
        // The stop signal is only ever a disconnect, so its arm fires
        // exactly when `stop` is dropped, even while `out` is full.
        select! {
            recv(stopped) -> _ => return,
            send(out, n) -> sent => if sent.is_err() { return },
        }
    }
}

/// Squares every number it receives, until its input ends or the pipeline
/// stops.
fn square(numbers: Receiver<u64>, out: Sender<u64>, stopped: Receiver<()>) {
    loop {
        let n = select! {
            recv(stopped) -> _ => return,
            recv(numbers) -> n => match n {
                Ok(n) => n,
                Err(_) => return,
            },
        };
        select! {
            recv(stopped) -> _ => return,
            send(out, n * n) -> sent => if sent.is_err() { return },
        }
    }
}
