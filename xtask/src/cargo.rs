//! Building a grader test binary for one exercise, through one cargo helper.
//!
//! Each build has its own target directory under `target/interleave/`, so the std and loom
//! builds never invalidate each other's cache and can run at the same time.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use cargo_metadata::Message;
use cargo_metadata::diagnostic::{DiagnosticLevel, DiagnosticSpan};

use crate::catalog::{Build, Exercise, Subject};

/// A compiler error, as rustc rendered it, and where it points.
#[derive(Debug, Clone)]
pub struct CompileError {
    pub rendered: String,
    /// `path:line` of the primary span, relative to the workspace root.
    pub location: Option<String>,
    pub origin: Origin,
    /// The build it came from: an error met only in the loom build is code that uses what only
    /// the normal build offers.
    pub build: Build,
}

/// Whose code a compiler error is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The learner's crate.
    Subject,
    /// The grading tests, which failed to compile against the learner's crate (a changed public
    /// API, for instance).
    GraderTests,
    /// Anything else: the facade, the grader's library. A defect of Interleave itself.
    Tooling,
}

/// The outcome of one build.
#[derive(Debug)]
pub enum Built {
    Binary(PathBuf),
    Failed(Vec<CompileError>),
}

/// The target directory of one build.
pub fn target_dir(root: &Path, build: Build) -> PathBuf {
    root.join("target/interleave").join(build.name())
}

/// Builds the grader's tests for `exercise` against `subject`, in `build`.
pub fn build(
    root: &Path,
    exercise: &Exercise,
    subject: Subject,
    build: Build,
    progress: &Progress<'_>,
) -> Result<Built> {
    let mut features = exercise.feature(subject);
    if build == Build::Loom {
        features.push_str(",loom");
    }
    let target = exercise.test_target();
    let args = ["test", "--no-run", "--package", "interleave-grader", "--test", &target];
    let subject_dir = exercise.dir(subject);
    let features = ["--features", features.as_str()];
    run_cargo(root, &args, &features, build, &target, &subject_dir, progress)
}

/// Receives one line per step of long work, for a person watching.
pub type Progress<'a> = dyn Fn(&str) + Sync + 'a;

/// Builds the demo example of `package`, whose crate is in `subject_dir`.
pub fn build_demo(root: &Path, package: &str, subject_dir: &Path) -> Result<Built> {
    let args = ["build", "--package", package, "--example", "demo"];
    run_cargo(root, &args, &[], Build::Std, "demo", subject_dir, &|_| {})
}

/// Runs `cargo <args> <extra>` in the target directory of `build`, and returns the executable
/// built for the target named `wanted`, or the compiler errors. The command is shown, without
/// the plumbing flags, in every error about it.
fn run_cargo(
    root: &Path,
    args: &[&str],
    extra: &[&str],
    build: Build,
    wanted: &str,
    subject_dir: &Path,
    progress: &Progress<'_>,
) -> Result<Built> {
    let shown = format!("cargo {} {}", args.join(" "), extra.join(" "));
    let shown = shown.trim_end();
    let mut child = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(root)
        .args(args)
        .args(extra)
        // No debug info: verdicts need panic locations, which do not depend on it, and
        // linking without it keeps the rebuild after a one-line edit short.
        .args(["--config", "profile.dev.debug=0"])
        .args(["--message-format", "json-diagnostic-rendered-ansi", "--target-dir"])
        .arg(target_dir(root, build))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start `{shown}`"))?;
    let stderr = BufReader::new(child.stderr.take().expect("stderr is piped"));
    let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    std::thread::scope(|s| {
        // Cargo's status lines go to stderr; the compiling ones are passed on as progress, so
        // a first build that takes a minute does not look stuck.
        let stderr_reader = s.spawn(|| {
            let mut text = String::new();
            for line in stderr.lines().map_while(Result::ok) {
                if let Some(what) = line.trim_start().strip_prefix("Compiling ") {
                    let what = what.split(" (").next().unwrap_or(what);
                    progress(&format!("compiling {what} ({} build)", build.name()));
                }
                text.push_str(&line);
                text.push('\n');
            }
            text
        });
        read_messages(child, stdout, stderr_reader, shown, wanted, subject_dir, build)
    })
}

/// Reads cargo's JSON messages from `stdout` and waits for `child` to end.
fn read_messages(
    mut child: std::process::Child,
    stdout: impl BufRead,
    stderr_reader: std::thread::ScopedJoinHandle<'_, String>,
    shown: &str,
    wanted: &str,
    subject_dir: &Path,
    build: Build,
) -> Result<Built> {
    let subject_dir = format!("{}/", subject_dir.display());
    let mut binary = None;
    let mut errors = Vec::new();
    for message in Message::parse_stream(stdout) {
        match message.context("cannot read cargo's output")? {
            Message::CompilerArtifact(artifact) if artifact.target.name == wanted => {
                binary = artifact.executable.map(PathBuf::from);
            }
            Message::CompilerMessage(msg) => {
                let diagnostic = &msg.message;
                if !matches!(diagnostic.level, DiagnosticLevel::Error | DiagnosticLevel::Ice) {
                    continue;
                }
                let span = diagnostic.spans.iter().find(|s| s.is_primary);
                let file = span.map(|s| s.file_name.as_str()).unwrap_or_default();
                // An error inside a macro of the facade, such as `select!`, was still written
                // by the learner: each span is followed back to where its macro was called.
                let in_subject = diagnostic.spans.iter().find_map(|s| place_in(s, &subject_dir));
                let origin = if in_subject.is_some() {
                    Origin::Subject
                } else if file.starts_with("grader/tests/") {
                    Origin::GraderTests
                } else {
                    Origin::Tooling
                };
                let location = in_subject
                    .or_else(|| span.map(|s| format!("{}:{}", s.file_name, s.line_start)));
                errors.push(CompileError {
                    rendered: diagnostic.rendered.clone().unwrap_or_default(),
                    location,
                    origin,
                    build,
                });
            }
            _ => {}
        }
    }
    let status = child.wait().with_context(|| format!("`{shown}` did not finish"))?;
    let stderr = stderr_reader.join().expect("the stderr reader does not panic");

    if status.success() {
        return match binary {
            Some(path) => Ok(Built::Binary(path)),
            None => bail!("`{shown}` built no executable named `{wanted}`"),
        };
    }
    if errors.is_empty() {
        bail!("`{shown}` failed:\n{}", stderr.trim_end());
    }
    Ok(Built::Failed(errors))
}

/// `path:line` of `span`, or of the macro call it was expanded from, when that is in `dir`.
fn place_in(span: &DiagnosticSpan, dir: &str) -> Option<String> {
    if span.file_name.starts_with(dir) {
        return Some(format!("{}:{}", span.file_name, span.line_start));
    }
    place_in(&span.expansion.as_ref()?.span, dir)
}
