//! The demos of the reference solutions, as a person sees them, pinned by snapshots. Durations
//! the demos measure are masked; everything else must come out the same on every run.

use std::process::Command;
use std::sync::{Mutex, PoisonError};

/// Demos build into one target directory and are run from there: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn solution_demo(id: &str) -> String {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["run", id, "--solution"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "the demo of {id} failed: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

fn assert_demo(id: &str) {
    let text = solution_demo(id);
    insta::with_settings!({
        snapshot_suffix => id,
        filters => vec![(r"\b\d+\.\d+ ?s\b", "[duration]")],
    }, {
        insta::assert_snapshot!("solution_demo", text);
    });
}

#[test]
fn exercise_01_demo() {
    assert_demo("exercise-01");
}

#[test]
fn exercise_02_demo() {
    assert_demo("exercise-02");
}

#[test]
fn exercise_05_demo() {
    assert_demo("exercise-05");
}

#[test]
fn exercise_06_demo() {
    assert_demo("exercise-06");
}
