//! Proof that the loom build finds a real bug: a consumer that iterates until the channel
//! disconnects blocks forever while a forgotten clone of the sender is still alive. Under std
//! the program hangs; loom must report a deadlock.
//!
//! A loom deadlock report can abort the test binary (the unwinding drops loom objects, which
//! panic again), so `#[should_panic]` cannot catch it. The test therefore runs its own binary
//! again, with an environment variable set, to run only the model in a child process, and
//! checks that the child failed and said "deadlock".
#![cfg(feature = "loom")]

use interleave_sync::channel;
use interleave_sync::thread;
use std::env;
use std::process::Command;

/// Set in the child process: run the model instead of checking a child.
const RUN_MODEL: &str = "INTERLEAVE_SYNC_RUN_DEADLOCK_MODEL";

/// A consumer waiting for the disconnect never ends while a sender clone lives: loom reports
/// a deadlock.
#[test]
fn kept_sender_clone_blocks_consumer_and_loom_reports_deadlock() {
    if env::var_os(RUN_MODEL).is_some() {
        model_with_kept_sender_clone();
        return;
    }

    let this_test = "kept_sender_clone_blocks_consumer_and_loom_reports_deadlock";
    let binary = env::current_exe().expect("the test binary knows its own path");
    let child = Command::new(binary)
        .args(["--exact", this_test, "--nocapture", "--test-threads=1"])
        .env(RUN_MODEL, "1")
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the test binary can run itself");

    // The child fails (by a panic or an abort) and loom names the bug.
    let stderr = String::from_utf8_lossy(&child.stderr);
    assert!(!child.status.success(), "loom missed the deadlock; child stderr:\n{stderr}");
    assert!(stderr.contains("deadlock"), "the child failed without a deadlock report:\n{stderr}");
}

/// The bug: `keep` is a clone of the sender that nobody drops before joining the consumer.
fn model_with_kept_sender_clone() {
    loom::model(|| {
        let (tx, rx) = channel::unbounded::<i32>();
        let keep = tx.clone();
        let consumer = thread::spawn(move || rx.iter().sum::<i32>());

        tx.send(1).unwrap();
        drop(tx);
        // `keep` is still alive, so the consumer's iteration never ends.
        let total = consumer.join().unwrap();
        drop(keep);
        assert_eq!(total, 1);
    });
}
