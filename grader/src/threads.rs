//! Counting the threads of this process, to catch threads left running after a call returns.
//!
//! Linux lists a process's threads in `/proc/self/task`; the name a thread was given (cut to 15
//! bytes) is in `comm`. A count only means something when the test runs alone in its process,
//! which is how xtask's runner runs every check. A thread that was told to stop can take a
//! moment to exit, so, like Go's goleak, the check polls with a growing pause before it calls
//! the thread leaked. The pause is a deadline on an observation, not synchronisation: a clean
//! run passes on the first look.

use std::collections::BTreeMap;
use std::fs;
use std::thread;
use std::time::{Duration, Instant};

/// How long threads get to exit after they were told to stop. Joining code passes at the first
/// look; only a leak waits this long.
pub const SETTLE: Duration = Duration::from_millis(500);

/// The live threads of this process by id, with their names.
pub fn live_threads() -> BTreeMap<u32, String> {
    let mut threads = BTreeMap::new();
    let Ok(entries) = fs::read_dir("/proc/self/task") else {
        return threads;
    };
    for entry in entries.flatten() {
        let Some(tid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let name = fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
        threads.insert(tid, name.trim_end().to_owned());
    }
    threads
}

/// The threads that were alive when it was taken.
#[derive(Debug)]
pub struct Baseline {
    threads: BTreeMap<u32, String>,
    /// Names a thread gets when it was not given one: Linux copies the name of the thread that
    /// spawned it, which is the process's or the test's.
    inherited: [String; 2],
}

fn comm(path: &str) -> String {
    fs::read_to_string(path).unwrap_or_default().trim_end().to_owned()
}

impl Baseline {
    /// Records the threads alive now. Take it before the code under test starts anything.
    pub fn take() -> Baseline {
        Baseline {
            threads: live_threads(),
            inherited: [comm("/proc/self/comm"), comm("/proc/thread-self/comm")],
        }
    }

    /// The threads alive now that were not alive at the baseline, by id, with the names the
    /// kernel gives them.
    pub fn started(&self) -> BTreeMap<u32, String> {
        live_threads().into_iter().filter(|(tid, _)| !self.threads.contains_key(tid)).collect()
    }

    /// The threads alive now that were not alive at the baseline, by name: `"worker-2"` or
    /// `an unnamed thread`.
    pub fn extra(&self) -> Vec<String> {
        self.started()
            .into_values()
            .map(|name| {
                if self.inherited.contains(&name) {
                    "an unnamed thread".to_owned()
                } else {
                    format!("{name:?}")
                }
            })
            .collect()
    }

    /// Fails with a leaked-thread verdict unless every thread started since the baseline has
    /// exited within [`SETTLE`]. `after` says what had just returned, for the message.
    pub fn assert_no_new_threads(&self, after: &str) {
        let deadline = Instant::now() + SETTLE;
        let mut pause = Duration::from_millis(1);
        loop {
            let extra = self.extra();
            if extra.is_empty() {
                return;
            }
            if Instant::now() >= deadline {
                let (count, names) = describe(&extra);
                crate::fail!(
                    LeakedThread,
                    "{count} still running {:.1} s after {after} returned: {names}",
                    SETTLE.as_secs_f64(),
                );
            }
            thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(100));
        }
    }
}

/// `names` in words: how many threads, and which, counting repeated names once each, such as
/// `("3 threads", "2 unnamed threads, \"worker\"")`.
fn describe(names: &[String]) -> (String, String) {
    let mut counts = BTreeMap::new();
    for name in names {
        *counts.entry(name.as_str()).or_insert(0_usize) += 1;
    }
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
    };
    let listed: Vec<String> = counts
        .into_iter()
        .map(|(name, n)| match (name, n) {
            (_, 1) => name.to_owned(),
            ("an unnamed thread", n) => format!("{n} unnamed threads"),
            (name, n) => format!("{n} threads named {name}"),
        })
        .collect();
    (plural(names.len(), "thread", "threads"), listed.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn leaked_threads_are_counted_by_name() {
        let names = ["an unnamed thread", "\"worker\"", "an unnamed thread"].map(String::from);
        let (count, listed) = describe(&names);
        assert_eq!(count, "3 threads");
        assert_eq!(listed, "\"worker\", 2 unnamed threads");
        assert_eq!(describe(&names[..1]).0, "1 thread");
    }

    #[test]
    fn a_joined_thread_is_not_a_leak() {
        let baseline = Baseline::take();
        thread::spawn(|| ()).join().unwrap();
        baseline.assert_no_new_threads("the joined spawn");
    }

    #[test]
    fn a_blocked_detached_thread_is_a_leak() {
        let baseline = Baseline::take();
        let (tx, rx) = mpsc::channel::<()>();
        let leaked = thread::Builder::new()
            .name("stuck-worker".into())
            .spawn(move || {
                let _ = rx.recv();
            })
            .unwrap();
        let outcome = std::panic::catch_unwind(|| baseline.assert_no_new_threads("the call"));
        drop(tx);
        leaked.join().unwrap();

        let message = *outcome.unwrap_err().downcast::<String>().unwrap();
        assert!(message.starts_with(crate::Class::LeakedThread.marker()), "{message}");
        assert!(message.contains("stuck-worker"), "{message}");
    }
}
