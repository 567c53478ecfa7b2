//! Demo of exercise 02: four fetches from a backend that answers two keys
//! and sits on every other request.
//!
//! Run it with `cargo xtask run exercise-02 --solution`. The last fetch has a
//! deadline of 0.3 s; when `fetch` honours it, the demo ends right after.

use std::error::Error;
use std::thread;
use std::time::{Duration, Instant};

use solution_02::{Backend, BackendError, Context, fetch};

fn main() {
    let (backend, requests) = Backend::new();
    thread::spawn(move || {
        // Requests for unknown keys are kept, unanswered, for as long as the
        // backend runs: a backend that has stalled.
        let mut stalled = Vec::new();
        for request in requests {
            let answer = match request.key.as_str() {
                "user:1" => Ok(b"Ada".to_vec()),
                "user:2" => Err(BackendError::NotFound),
                _ => {
                    stalled.push(request);
                    continue;
                }
            };
            let _ = request.reply.send(answer);
        }
    });

    let background = Context::background();
    for key in ["user:1", "user:2", "user 3"] {
        println!("{key:?}: {}", outcome(fetch(&background, &backend, key)));
    }

    let (ctx, _cancel) = Context::with_timeout(Duration::from_millis(300));
    let started = Instant::now();
    let result = fetch(&ctx, &backend, "user:4");
    println!(
        "\"user:4\" with a 0.3 s deadline, after {:.2} s: {}",
        started.elapsed().as_secs_f64(),
        outcome(result)
    );
}

/// The value, or the whole chain of the error, as a log line would show it.
fn outcome(result: Result<Vec<u8>, impl Error>) -> String {
    let error = match result {
        Ok(value) => {
            return format!("ok {:?}", String::from_utf8_lossy(&value));
        }
        Err(error) => error,
    };
    let mut text = format!("error: {error}");
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    text
}
