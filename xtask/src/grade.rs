//! Grading one subject (an exercise or its solution): build, run every check alone, classify.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::cargo::{self, Built, CompileError, Origin};
use crate::catalog::{Build, Check, Exercise, Subject};
use crate::classify::{Failure, classify};
use crate::facade::{self, Bypass};
use crate::runner;
use grader::Class;

/// How long a check may run when its metadata sets no limit.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How many check processes run at once: one per core on the machines this targets, and
/// never more than two, so that runtime checks are not starved of CPU.
const WORKERS: usize = 2;

/// The verdict of one check.
#[derive(Debug)]
pub struct CheckResult {
    pub check: Check,
    pub failure: Option<Failure>,
    /// For a loom model that ran to the end: how much it explored, such as `819 interleavings,
    /// no preemption bound`.
    pub explored: Option<String>,
}

/// Everything `check` found out about one subject.
#[derive(Debug)]
pub enum Grade {
    /// The subject, or the grader against it, does not build.
    DoesNotCompile(Vec<CompileError>),
    /// The subject reaches around the facade, so its loom checks would prove nothing.
    Bypass(Vec<Bypass>),
    Graded(Vec<CheckResult>),
}

impl Grade {
    /// How many checks pass, and how many there are (none pass when nothing builds).
    pub fn score(&self, exercise: &Exercise) -> (usize, usize) {
        match self {
            Grade::DoesNotCompile(_) | Grade::Bypass(_) => (0, exercise.checks.len()),
            Grade::Graded(results) => {
                (results.iter().filter(|r| r.failure.is_none()).count(), results.len())
            }
        }
    }
}

/// Builds and grades `subject` of `exercise`. `progress` receives one line per step.
pub fn grade(
    root: &Path,
    exercise: &Exercise,
    subject: Subject,
    progress: &cargo::Progress<'_>,
) -> Result<Grade> {
    let builds = exercise.builds();
    if builds.contains(&Build::Loom) {
        let found = facade::bypasses(root, &exercise.dir(subject).join("src"));
        if !found.is_empty() {
            return Ok(Grade::Bypass(found));
        }
    }
    let names: Vec<&str> = builds.iter().map(|b| b.name()).collect();
    progress(&format!("building {} ({})", exercise.package(subject), names.join(" and ")));
    let started = Instant::now();

    // The builds use separate target directories, so they can run side by side.
    let built: Vec<(Build, Result<Built>)> = thread::scope(|s| {
        let handles: Vec<_> = builds
            .iter()
            .map(|&b| (b, s.spawn(move || cargo::build(root, exercise, subject, b, progress))))
            .collect();
        handles.into_iter().map(|(b, h)| (b, h.join().expect("a build thread panicked"))).collect()
    });

    let mut binaries = Vec::new();
    let mut errors: Vec<CompileError> = Vec::new();
    for (build, result) in built {
        match result? {
            Built::Binary(path) => binaries.push((build, path)),
            Built::Failed(found) => {
                for error in found {
                    if !errors.iter().any(|e| e.rendered == error.rendered) {
                        errors.push(error);
                    }
                }
            }
        }
    }
    if errors.iter().any(|e| e.origin == Origin::Tooling) {
        let rendered: Vec<&str> = errors.iter().map(|e| e.rendered.trim_end()).collect();
        bail!(
            "grader defect: Interleave's own code does not compile, so no exercise can be \
             graded; this is not your exercise's fault:\n{}",
            rendered.join("\n")
        );
    }
    // Code that builds normally but not with loom uses something only std offers: the runtime
    // checks can still run, and each model reports what stopped its build.
    let only_loom = binaries.iter().any(|(b, _)| *b == Build::Std)
        && errors.iter().all(|e| e.build == Build::Loom && e.origin == Origin::Subject);
    if !errors.is_empty() && !only_loom {
        return Ok(Grade::DoesNotCompile(errors));
    }
    let unbuilt: Vec<CheckResult> = match errors.first() {
        Some(error) if only_loom => exercise
            .checks
            .iter()
            .filter(|c| c.build == Build::Loom)
            .map(|check| CheckResult {
                check: check.clone(),
                failure: Some(loom_build_failure(error)),
                explored: None,
            })
            .collect(),
        _ => Vec::new(),
    };
    progress(&format!(
        "built in {:.1} s; running {} checks, each in its own process",
        started.elapsed().as_secs_f64(),
        exercise.checks.len()
    ));

    let jobs = jobs(exercise, &binaries)?;
    let subject_dir = exercise.dir(subject).to_string_lossy().into_owned();
    let next = AtomicUsize::new(0);
    type Verdict = Result<(Option<Failure>, Option<String>)>;
    let results: Mutex<Vec<Option<Verdict>>> = Mutex::new(jobs.iter().map(|_| None).collect());
    thread::scope(|s| {
        for _ in 0..WORKERS.min(jobs.len()) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((check, binary)) = jobs.get(i) else {
                        break;
                    };
                    let limit = check.timeout_secs.map_or(DEFAULT_TIMEOUT, Duration::from_secs);
                    let verdict = runner::run_test(binary, &check.test, limit)
                        .map(|outcome| (classify(&outcome, &subject_dir), explored(&outcome)));
                    results.lock().unwrap()[i] = Some(verdict);
                }
            });
        }
    });

    let mut graded = Vec::new();
    for ((check, _), verdict) in jobs.iter().zip(results.into_inner().unwrap()) {
        let (failure, explored) = verdict.expect("every job ran")?;
        graded.push(CheckResult { check: (*check).clone(), failure, explored });
    }
    graded.extend(unbuilt);
    graded.sort_by_key(|r| exercise.checks.iter().position(|c| c.test == r.check.test));
    Ok(Grade::Graded(graded))
}

/// Pairs every check with the binary that holds its test, and insists that the metadata and
/// the test files name the same tests: a check that runs no test could never fail.
fn jobs<'a>(
    exercise: &'a Exercise,
    binaries: &[(Build, PathBuf)],
) -> Result<Vec<(&'a Check, PathBuf)>> {
    let mut jobs = Vec::new();
    for (build, binary) in binaries {
        let tests: BTreeSet<String> = runner::list_tests(binary)?.into_iter().collect();
        let checks: Vec<&Check> = exercise.checks.iter().filter(|c| c.build == *build).collect();
        let mut known = BTreeSet::new();
        for check in checks {
            if !tests.contains(&check.test) {
                bail!(
                    "grader defect: check `{}` of {} names no test in the {} build of \
                     `grader/tests/{}.rs`",
                    check.test,
                    exercise.id,
                    build.name(),
                    exercise.test_target()
                );
            }
            known.insert(check.test.clone());
            jobs.push((check, binary.clone()));
        }
        if let Some(extra) = tests.difference(&known).next() {
            bail!(
                "grader defect: test `{extra}` in the {} build of `grader/tests/{}.rs` is not \
                 listed as a check in `grader/meta/{}.toml`",
                build.name(),
                exercise.test_target(),
                exercise.id
            );
        }
    }
    jobs.sort_by_key(|(check, _)| exercise.checks.iter().position(|c| c.test == check.test));
    Ok(jobs)
}

/// What a loom model reported it explored, without the time it took (which varies).
fn explored(outcome: &runner::Outcome) -> Option<String> {
    let line = outcome.output.lines().find_map(|l| {
        let at = l.find(grader::EXPLORED_MARKER)?;
        Some(&l[at + grader::EXPLORED_MARKER.len()..])
    })?;
    Some(line.rsplit_once(", in ").map_or(line, |(scope, _)| scope).to_owned())
}

/// Why code that builds normally can fail to build for the models.
pub const LOOM_OFFERS_LESS: &str = "interleave_sync under loom offers only what loom can check";

/// The verdict of a model whose loom build failed on the learner's code.
fn loom_build_failure(error: &CompileError) -> Failure {
    let plain = anstream::adapter::strip_str(&error.rendered).to_string();
    let first = plain.lines().next().unwrap_or("a compiler error");
    Failure {
        class: Class::DoesNotCompile,
        message: format!(
            "the code builds normally, but not in the loom build this model runs in: {first}\n\
             {LOOM_OFFERS_LESS}; use what both builds have"
        ),
        location: error.location.clone(),
    }
}
