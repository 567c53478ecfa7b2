//! Running one grading test in a process of its own, with a time limit and a memory cap.
//!
//! One process per test because a loom deadlock can abort the whole test binary, and because a
//! thread count is only meaningful when nothing else runs in the process. The time limit turns
//! a hang into a verdict; the memory cap turns a runaway queue into one, before it takes the
//! machine down.

use std::io::Read;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use wait_timeout::ChildExt;

/// The address space a test process may use. Generous, because every thread reserves stack
/// and malloc arenas it never touches, yet far below the machine: a queue that grows without
/// bound reaches it within seconds.
pub const MEMORY_CAP_BYTES: u64 = 4 << 30;

/// What one test process did.
#[derive(Debug)]
pub struct Outcome {
    /// `None` when the process was stopped at its time limit.
    pub status: Option<ExitStatus>,
    /// Standard output followed by standard error.
    pub output: String,
    pub limit: Duration,
}

/// The names of the tests in a libtest binary.
pub fn list_tests(binary: &Path) -> Result<Vec<String>> {
    let output = Command::new(binary)
        .args(["--list", "--format", "terse"])
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot list the tests in `{}`", binary.display()))?;
    if !output.status.success() {
        bail!("`{} --list` failed: {}", binary.display(), String::from_utf8_lossy(&output.stderr));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_owned)
        .collect())
}

/// Runs the test `name` of `binary` alone, stopping it after `limit`.
pub fn run_test(binary: &Path, name: &str, limit: Duration) -> Result<Outcome> {
    let mut command = Command::new(binary);
    command
        .args([name, "--exact", "--nocapture", "--test-threads", "1"])
        .env("RUST_BACKTRACE", "0")
        .env("LOOM_LOCATION", "1")
        .env_remove("LOOM_MAX_PREEMPTIONS")
        .env_remove("LOOM_MAX_BRANCHES")
        .env_remove("LOOM_MAX_PERMUTATIONS")
        .env_remove("LOOM_MAX_DURATION")
        .env_remove("LOOM_LOG")
        // A mismatching snapshot fails the check; it never writes a `.snap.new` beside the
        // grader's snapshots, and nothing may force it to pass.
        .env("INSTA_UPDATE", "no")
        .env_remove("INSTA_FORCE_PASS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cap_memory(&mut command);
    run(command, limit)
        .with_context(|| format!("cannot run test `{name}` of `{}`", binary.display()))
}

/// Runs `command` with its output captured, stopping it after `limit`.
pub fn run(mut command: Command, limit: Duration) -> Result<Outcome> {
    let mut child = command.spawn()?;

    // Both pipes are drained on their own threads, so a chatty child never blocks on a full pipe
    // while we wait for it.
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);

    let status = match child.wait_timeout(limit)? {
        Some(status) => Some(status),
        None => {
            child.kill().ok();
            child.wait()?;
            None
        }
    };
    let mut output = String::new();
    for reader in [stdout, stderr].into_iter().flatten() {
        output.push_str(&reader.join().unwrap_or_default());
    }
    Ok(Outcome { status, output, limit })
}

fn drain<R: Read + Send + 'static>(mut pipe: R) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Limits the address space of the process `command` starts.
fn cap_memory(command: &mut Command) {
    use std::os::unix::process::CommandExt;

    // SAFETY: the closure runs in the child between fork and exec, where only async-signal-safe
    // calls are allowed. It makes one `setrlimit` system call, which is async-signal-safe, and
    // neither allocates nor takes a lock.
    unsafe {
        command.pre_exec(|| {
            rlimit::setrlimit(rlimit::Resource::AS, MEMORY_CAP_BYTES, MEMORY_CAP_BYTES)
        });
    }
}
