//! Demo of exercise 01: four items of a quarter of a second each.
//!
//! Run it with `cargo xtask run exercise-01`. When the items run at the same
//! time the batch takes about a quarter of a second; one after another, a
//! whole second.

use std::time::{Duration, Instant};

fn main() {
    let items = ["north", "east", "south", "west"];
    let started = Instant::now();
    let lengths = exercise_01::map_each(&items, |item| {
        // Stands in for a slow request made for each item.
        std::thread::sleep(Duration::from_millis(250));
        item.len()
    });
    println!(
        "{} items of 0.25 s each took {:.2} s; results {lengths:?}",
        items.len(),
        started.elapsed().as_secs_f64()
    );
}
