//! `cargo xtask verify`: every untouched exercise must fail each check with the class its
//! metadata names, and every reference solution must pass every check.
//!
//! This is what keeps the graders honest: a check that cannot fail, or fails for the wrong
//! reason, shows up here as a mismatch.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};
use grader::Class;

use crate::catalog::{Catalog, Exercise, Subject};
use crate::grade::{Grade, grade};

/// What one check gave on one subject: `None` for a pass.
type Verdicts = Vec<Option<Class>>;

pub fn run(root: &Path, catalog: &Catalog, names: &[String], repeat: usize) -> Result<ExitCode> {
    let exercises: Vec<&Exercise> = if names.is_empty() {
        catalog.exercises.iter().collect()
    } else {
        names.iter().map(|n| catalog.find(n)).collect::<Result<_>>()?
    };

    let started = Instant::now();
    let mut mismatches = 0;
    // The widest cell of each column: the longest test name, and the longest verdict with the
    // "(ok)" that follows it.
    let name = exercises.iter().flat_map(|e| &e.checks).map(|c| c.test.len()).max().unwrap_or(5);
    let verdict = Class::ALL.iter().map(|c| c.label().len()).max().unwrap_or(0) + " (ok)".len();
    println!("{:<12} {:<name$} {:<verdict$} solution", "exercise", "check", "untouched exercise");
    for exercise in exercises {
        let on_exercise = verdicts(root, exercise, Subject::Exercise, repeat)?;
        let on_solution = verdicts(root, exercise, Subject::Solution, repeat)?;
        for (i, check) in exercise.checks.iter().enumerate() {
            let expected = Some(check.expected_class());
            let (exercise_cell, exercise_ok) = cell(&on_exercise, i, expected);
            let (solution_cell, solution_ok) = cell(&on_solution, i, None);
            if !exercise_ok || !solution_ok {
                mismatches += 1;
            }
            println!(
                "{:<12} {:<name$} {exercise_cell:<verdict$} {solution_cell}",
                exercise.id, check.test
            );
        }
    }

    println!("\nverified in {:.0} s", started.elapsed().as_secs_f64());
    if mismatches == 0 {
        println!("every exercise fails as intended and every solution passes");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{mismatches} check(s) did not give the intended verdict");
        Ok(ExitCode::from(1))
    }
}

/// The verdicts of `subject`'s checks, once per repetition.
fn verdicts(
    root: &Path,
    exercise: &Exercise,
    subject: Subject,
    repeat: usize,
) -> Result<Vec<Verdicts>> {
    let mut runs = Vec::new();
    for _ in 0..repeat.max(1) {
        let grade = grade(root, exercise, subject, &|step| eprintln!("{}: {step}", exercise.id))?;
        runs.push(match grade {
            Grade::DoesNotCompile(_) => vec![Some(Class::DoesNotCompile); exercise.checks.len()],
            Grade::Bypass(found) => bail!(
                "{} ({subject:?}) reaches around interleave_sync at {}, so it cannot be graded",
                exercise.id,
                found[0].location
            ),
            Grade::Graded(results) => {
                results.iter().map(|r| r.failure.as_ref().map(|f| f.class)).collect()
            }
        });
    }
    Ok(runs)
}

/// The table cell for check `i` over every run, and whether it is as `expected` every time.
fn cell(runs: &[Verdicts], i: usize, expected: Option<Class>) -> (String, bool) {
    let seen: Vec<Option<Class>> = runs.iter().map(|run| run[i]).collect();
    let name = |v: Option<Class>| v.map_or("pass", Class::label);
    if seen.iter().any(|v| *v != seen[0]) {
        let all: Vec<&str> = seen.iter().map(|v| name(*v)).collect();
        return (format!("MISMATCH: varies ({})", all.join(", ")), false);
    }
    if seen[0] == expected {
        (format!("{} (ok)", name(seen[0])), true)
    } else {
        (format!("MISMATCH: {} (wanted {})", name(seen[0]), name(expected)), false)
    }
}
