//! `cargo xtask run`: an exercise's demo, stopped if it hangs.

use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use wait_timeout::ChildExt;

use crate::cargo::{self, Built};
use crate::catalog::{Catalog, Subject};

/// How long a demo may run. The demos finish in well under a second when they work; the broken
/// ones wait forever, which is the point of showing them.
const DEMO_LIMIT: Duration = Duration::from_secs(10);

pub fn run(root: &Path, catalog: &Catalog, name: &str, solution: bool) -> Result<ExitCode> {
    let exercise = catalog.find(name)?;
    if !exercise.has_demo {
        let with_demos: Vec<&str> =
            catalog.exercises.iter().filter(|e| e.has_demo).map(|e| e.id.as_str()).collect();
        if with_demos.is_empty() {
            bail!("{} has no demo, and no exercise has one yet", exercise.id);
        }
        bail!("{} has no demo; these do: {}", exercise.id, with_demos.join(", "));
    }
    let subject = if solution { Subject::Solution } else { Subject::Exercise };
    let package = exercise.package(subject);

    // Every demo is built to the same path, `examples/demo`: two runs at once would start each
    // other's binary, so a second one waits for the first to end.
    let lock_path = root.join("target/interleave/demo.lock");
    fs::create_dir_all(root.join("target/interleave"))
        .with_context(|| format!("cannot create `{}`", root.join("target/interleave").display()))?;
    let lock = fs::File::create(&lock_path)
        .with_context(|| format!("cannot create `{}`", lock_path.display()))?;
    lock.lock().with_context(|| format!("cannot lock `{}`", lock_path.display()))?;

    let binary = match cargo::build_demo(root, &package, &exercise.dir(subject))? {
        Built::Binary(path) => path,
        Built::Failed(errors) => {
            for error in &errors {
                anstream::eprintln!("{}", error.rendered.trim_end());
            }
            eprintln!(
                "interleave: the demo of {package} does not compile; rustc's messages are above"
            );
            return Ok(ExitCode::from(2));
        }
    };
    let mut child = Command::new(&binary)
        .current_dir(root)
        .stdin(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start the demo `{}`", binary.display()))?;
    match child.wait_timeout(DEMO_LIMIT)? {
        Some(status) if status.success() => Ok(ExitCode::SUCCESS),
        Some(status) => {
            eprintln!("interleave: the demo of {package} failed ({status})");
            Ok(ExitCode::from(1))
        }
        None => {
            child.kill().ok();
            child.wait().ok();
            eprintln!(
                "\ninterleave: the demo of {package} did not finish within {} s and was stopped: \
                 something is still waiting (deadlock or hang suspected); `cargo xtask check {}` \
                 says what",
                DEMO_LIMIT.as_secs(),
                exercise.id
            );
            Ok(ExitCode::from(1))
        }
    }
}
