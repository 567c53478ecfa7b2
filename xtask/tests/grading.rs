//! The graders graded: every untouched exercise fails each of its checks with the class its
//! metadata names, every reference solution passes every check, and the verdict text `check`
//! prints for each untouched exercise is pinned by a snapshot.
//!
//! The exercises are graded one at a time: runtime checks count threads and wait for partners,
//! and a machine loaded with six gradings at once would test the machine, not the code.

use std::sync::{Mutex, PoisonError};

use xtask::catalog::{Catalog, Subject};
use xtask::grade::{Grade, grade};
use xtask::report::render;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn verify(id: &str) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let root = xtask::root();
    let catalog = Catalog::load(&root).unwrap();
    let exercise = catalog.find(id).unwrap();

    let on_exercise = grade(&root, exercise, Subject::Exercise, &|_| {}).unwrap();
    let Grade::Graded(results) = &on_exercise else {
        panic!("{id}: the untouched exercise does not compile: {on_exercise:?}");
    };
    for result in results {
        // The untouched exercise must fail this check, and for the reason it was written for.
        let got = result.failure.as_ref().map(|f| f.class);
        assert_eq!(
            got,
            Some(result.check.expected_class()),
            "{id}: check `{}` did not fail as the untouched exercise must ({:?}). If you have \
             edited exercises/{id}, this is expected: the suite proves the untouched repository",
            result.check.test,
            result.failure
        );
    }
    let text =
        anstream::adapter::strip_str(&render(&root, exercise, Subject::Exercise, &on_exercise))
            .to_string();
    insta::with_settings!({
        snapshot_suffix => id,
        filters => vec![(r"\(tid \d+\)", "(tid [id])")],
    }, {
        insta::assert_snapshot!("verdict", text);
    });

    let on_solution = grade(&root, exercise, Subject::Solution, &|_| {}).unwrap();
    let Grade::Graded(results) = &on_solution else {
        panic!("{id}: the reference solution does not compile: {on_solution:?}");
    };
    for result in results {
        // The reference solution must pass every check.
        assert!(
            result.failure.is_none(),
            "{id}: the solution fails check `{}`: {:?}",
            result.check.test,
            result.failure
        );
    }
}

#[test]
fn exercise_01_fails_as_intended_and_its_solution_passes() {
    verify("exercise-01");
}

#[test]
fn exercise_02_fails_as_intended_and_its_solution_passes() {
    verify("exercise-02");
}

#[test]
fn exercise_03_fails_as_intended_and_its_solution_passes() {
    verify("exercise-03");
}

#[test]
fn exercise_04_fails_as_intended_and_its_solution_passes() {
    verify("exercise-04");
}

#[test]
fn exercise_05_fails_as_intended_and_its_solution_passes() {
    verify("exercise-05");
}

#[test]
fn exercise_06_fails_as_intended_and_its_solution_passes() {
    verify("exercise-06");
}

/// Every exercise in the catalog has a test above, a lesson, a solution and hints.
#[test]
fn every_exercise_is_complete() {
    let root = xtask::root();
    let catalog = Catalog::load(&root).unwrap();
    let this_file = include_str!("grading.rs");
    for exercise in &catalog.exercises {
        let test = format!("fn {}_fails_as_intended", exercise.id.replace('-', "_"));
        assert!(this_file.contains(&test), "{} has no grading test here", exercise.id);
        assert!(root.join(exercise.dir(Subject::Exercise)).join("README.md").is_file());
        assert!(root.join(exercise.source(Subject::Solution)).is_file());
        assert!(exercise.hints.len() >= 2, "{} needs two or more hints", exercise.id);
        assert!(!exercise.checks.is_empty(), "{} has no checks", exercise.id);
    }
}
