//! Running one grading test in a process of its own, with a time limit and a memory cap.
//!
//! One process per test because a loom deadlock can abort the whole test binary, and because a
//! thread count is only meaningful when nothing else runs in the process. The time limit turns
//! a hang into a verdict; the memory cap turns a runaway queue into one, before it takes the
//! machine down.

use std::io::Read;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

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
    /// The resident memory of a process stopped at its time limit, read just before it was.
    pub memory_at_limit: Option<u64>,
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
    let (sender, outputs) = mpsc::channel();
    let pipes: [Option<Box<dyn Read + Send>>; 2] = [
        child.stdout.take().map(|pipe| Box::new(pipe) as _),
        child.stderr.take().map(|pipe| Box::new(pipe) as _),
    ];
    for (i, pipe) in pipes.into_iter().enumerate() {
        let Some(pipe) = pipe else { continue };
        let sender = sender.clone();
        thread::spawn(move || sender.send((i, drain(pipe))));
    }
    drop(sender);

    let (status, memory_at_limit) = match child.wait_timeout(limit)? {
        Some(status) => (Some(status), None),
        None => {
            let memory = resident_memory(child.id());
            child.kill().ok();
            child.wait()?;
            (None, memory)
        }
    };

    // A process the test started may still hold the pipes open after the test itself has ended:
    // give the readers a moment, then go on without what they have not delivered.
    let mut parts = [String::new(), String::new()];
    let deadline = Instant::now() + PIPE_GRACE;
    while let Ok((i, text)) =
        outputs.recv_timeout(deadline.saturating_duration_since(Instant::now()))
    {
        parts[i] = text;
    }
    Ok(Outcome { status, output: parts.concat(), limit, memory_at_limit })
}

/// How long the pipe readers get after the process has ended.
const PIPE_GRACE: Duration = Duration::from_secs(1);

/// How much of a pipe's output is kept from its start, and how much from its end. Verdicts are
/// made from the end (the panic report); the rest is dropped so that a test printing without end
/// cannot fill the grader's memory.
const KEEP_HEAD: usize = 16 << 10;
const KEEP_TAIL: usize = 256 << 10;

/// Reads `pipe` to its end, keeping its first and last bytes.
fn drain(mut pipe: impl Read) -> String {
    let mut head = Vec::new();
    let mut tail = std::collections::VecDeque::new();
    let mut dropped = 0_usize;
    let mut buffer = [0_u8; 8192];
    while let Ok(n) = pipe.read(&mut buffer) {
        if n == 0 {
            break;
        }
        let mut chunk = &buffer[..n];
        if head.len() < KEEP_HEAD {
            let take = chunk.len().min(KEEP_HEAD - head.len());
            head.extend_from_slice(&chunk[..take]);
            chunk = &chunk[take..];
        }
        tail.extend(chunk);
        while tail.len() > KEEP_TAIL {
            let excess = tail.len() - KEEP_TAIL;
            tail.drain(..excess);
            dropped += excess;
        }
    }
    let mut text = String::from_utf8_lossy(&head).into_owned();
    if dropped > 0 {
        text.push_str(&format!("\n[... {dropped} bytes of output left out ...]\n"));
    }
    text.push_str(&String::from_utf8_lossy(tail.make_contiguous()));
    text
}

/// The resident memory of process `pid` in bytes, from `/proc/<pid>/status`.
fn resident_memory(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
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
