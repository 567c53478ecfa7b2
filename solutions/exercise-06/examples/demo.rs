//! Demo of exercise 06: two pipelines, generate, square and a consumer.
//!
//! Run it with `cargo xtask run exercise-06`. The first pipeline sums the
//! squares of 1 to 5; the second takes three squares from numbers that never
//! run out. The main thread prints what the consumer sees as it sees it; what
//! the generate stage did is recorded on its thread and printed afterwards,
//! so the output is the same on every run.

use std::sync::{Arc, Mutex};

use solution_06::run;

/// The numbers a generate stage has taken from its source, and whether the
/// source ran out.
#[derive(Default)]
struct Taken {
    numbers: Vec<u64>,
    ran_out: bool,
}

/// Wraps `numbers` so that every number the generate stage takes, and the
/// end of the numbers, is written down in `taken`.
fn recorded(
    mut numbers: impl Iterator<Item = u64> + Send + 'static,
    taken: &Arc<Mutex<Taken>>,
) -> impl Iterator<Item = u64> + Send + 'static {
    let taken = Arc::clone(taken);
    std::iter::from_fn(move || {
        let next = numbers.next();
        let mut taken = taken.lock().unwrap();
        match next {
            Some(n) => taken.numbers.push(n),
            None => taken.ran_out = true,
        }
        next
    })
}

fn main() {
    sum_to_the_end();
    println!();
    stop_early();
}

/// generate 1 to 5, square, sum: every channel ends on its own.
fn sum_to_the_end() {
    println!("pipeline 1: generate 1 to 5, square each, sum the squares");
    let taken = Arc::new(Mutex::new(Taken::default()));
    let total = run(recorded(1..=5, &taken), |squares| {
        let mut total = 0;
        for square in squares.iter() {
            total += square;
            println!("  sum       received {square:>2}, total {total:>2}");
        }
        println!("  sum       `squares` has ended: the square stage is done");
        total
    });

    let taken = taken.lock().unwrap();
    let sent: Vec<String> = taken.numbers.iter().map(u64::to_string).collect();
    println!("  generate  sent {}", sent.join(", "));
    if taken.ran_out {
        println!("  generate  ran out of numbers and ended `numbers`");
    }
    println!("  square    ended `squares` after its input ended");
    println!("  result    {total}");
}

/// An endless generate, square, and a consumer that wants three squares.
fn stop_early() {
    println!("pipeline 2: generate 1, 2, 3, ... forever, square each, take 3");
    let first = run(1.., |squares| {
        let mut first = Vec::new();
        for square in squares.iter().take(3) {
            println!("  take      received {square}");
            first.push(square);
        }
        println!("  take      has enough and stops reading");
        first
    });

    // How far the generate stage got before it stopped depends on timing,
    // so it is not shown; that it stopped is: `run` has joined it.
    println!("  stages    generate and square have stopped and been joined");
    println!("  result    {first:?}");
}
