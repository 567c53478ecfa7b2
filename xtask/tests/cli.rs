//! The command line as a person meets it: exit codes and the words of its errors.

use std::process::{Command, Output};

/// Runs xtask with its progress kept in a folder of the test's own, never the learner's.
fn xtask_in(state: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("INTERLEAVE_STATE_DIR", state_dir(state))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn xtask(args: &[&str]) -> Output {
    xtask_in("cli", args)
}

fn state_dir(name: &str) -> std::path::PathBuf {
    xtask::root().join("target/interleave-tests").join(name)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn an_unknown_exercise_is_a_usage_error_that_suggests_the_close_match() {
    let output = xtask(&["check", "exercize-03"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
    assert!(stderr.contains("unknown exercise `exercize-03`"), "{stderr}");
    assert!(stderr.contains("did you mean `exercise-03`"), "{stderr}");
    assert!(stderr.contains("cargo xtask list"), "{stderr}");
}

#[test]
fn an_unknown_exercise_with_no_close_match_points_at_the_list() {
    let output = xtask(&["hint", "99"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
    assert!(stderr.contains("unknown exercise `99`"), "{stderr}");
    assert!(!stderr.contains("did you mean"), "{stderr}");
}

#[test]
fn a_missing_argument_is_a_usage_error() {
    assert_eq!(xtask(&["check"]).status.code(), Some(2));
    assert_eq!(xtask(&["no-such-command"]).status.code(), Some(2));
}

#[test]
fn an_exercise_without_a_demo_says_which_have_one() {
    let output = xtask(&["run", "4"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("exercise-04 has no demo; these do:"), "{}", stderr(&output));
}

#[test]
fn list_names_every_exercise() {
    let output = xtask(&["list"]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for n in 1..=6 {
        assert!(stdout.contains(&format!("exercise-0{n}")), "{stdout}");
    }
}

#[test]
fn hints_come_one_more_at_a_time() {
    let _ = std::fs::remove_file(state_dir("hints").join("progress.toml"));
    let hint =
        |name| String::from_utf8_lossy(&xtask_in("hints", &["hint", name]).stdout).to_string();
    let first = hint("thread-per-message");
    assert!(first.contains("hint 1 of"), "{first}");
    assert!(!first.contains("hint 2 of"), "{first}");
    let second = hint("03");
    assert!(second.contains("hint 2 of"), "{second}");
}

#[test]
fn check_exits_1_on_the_untouched_exercise_and_0_on_its_solution() {
    let failing = xtask(&["check", "exercise-04"]);
    assert_eq!(
        failing.status.code(),
        Some(1),
        "the untouched exercise-04 must fail (if you have edited it, this is expected: the suite \
         proves the untouched repository)\n{}",
        stderr(&failing)
    );
    let stdout = String::from_utf8_lossy(&failing.stdout);
    assert!(stdout.contains("FAIL"), "{stdout}");
    assert!(stdout.contains("cargo xtask hint exercise-04"), "{stdout}");

    let passing = xtask(&["check", "exercise-04", "--solution"]);
    assert_eq!(passing.status.code(), Some(0), "{}", stderr(&passing));
}
