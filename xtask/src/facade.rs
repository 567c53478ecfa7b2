//! Finding code that reaches around `interleave_sync`.
//!
//! Loom sees only the threads, locks, atomics and channels that come from the facade. An
//! exercise that imports `std::sync::atomic::AtomicUsize` instead still compiles, but its loom
//! models can no longer see the threads meet and would pass whatever the code does. So before
//! an exercise with loom checks is graded, its sources are searched, as text, for the paths
//! that reach around the facade.

use std::fs;
use std::path::{Path, PathBuf};

/// Paths that reach around the facade, with what to use instead. Where two match, the later,
/// more specific one names what to use.
const AROUND: [(&str, &str); 8] = [
    ("std::sync", "interleave_sync::sync"),
    ("core::sync", "interleave_sync::sync"),
    ("std::thread", "interleave_sync::thread"),
    ("std::cell::UnsafeCell", "interleave_sync::cell::UnsafeCell"),
    ("crossbeam", "interleave_sync::channel"),
    ("parking_lot", "interleave_sync::sync"),
    ("rayon", "interleave_sync::thread::scope"),
    ("std::sync::mpsc", "interleave_sync::channel"),
];

/// Plain types that loom shares with std: naming them through std is harmless.
const HARMLESS: [&str; 4] = [
    "std::sync::atomic::Ordering",
    "std::sync::PoisonError",
    "std::sync::TryLockError",
    "std::sync::LockResult",
];

/// One place where the code reaches around the facade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bypass {
    /// `path:line`, relative to the workspace root.
    pub location: String,
    pub code: String,
    /// What to import instead.
    pub instead: &'static str,
}

/// Every place in the `.rs` files under `dir` (relative to `root`) that reaches around the
/// facade.
pub fn bypasses(root: &Path, dir: &Path) -> Vec<Bypass> {
    let mut found = Vec::new();
    for file in rust_files(&root.join(dir)) {
        let Ok(text) = fs::read_to_string(&file) else { continue };
        let shown = file.strip_prefix(root).unwrap_or(&file).display().to_string();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if let Some(instead) = reaches_around(code) {
                found.push(Bypass {
                    location: format!("{shown}:{}", number + 1),
                    code: line.trim().to_owned(),
                    instead,
                });
            }
        }
    }
    found
}

/// What to use instead, when `code` names a path that reaches around the facade.
fn reaches_around(code: &str) -> Option<&'static str> {
    let mut rest = code.to_owned();
    for harmless in HARMLESS {
        // A harmless path counts only as a whole path, not as the start of a longer one.
        while let Some(at) = rest.find(harmless) {
            let end = at + harmless.len();
            if rest[end..].starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                break;
            }
            rest.replace_range(at..end, "");
        }
    }
    AROUND
        .iter()
        .filter(|(path, _)| {
            rest.match_indices(path).any(|(at, _)| {
                let before = rest[..at].chars().next_back();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            })
        })
        .map(|(_, instead)| *instead)
        .next_back()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return files };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::reaches_around;

    #[test]
    fn std_atomics_reach_around_the_facade() {
        let code = "use std::sync::atomic::{AtomicUsize, Ordering};";
        assert_eq!(reaches_around(code), Some("interleave_sync::sync"));
    }

    #[test]
    fn a_std_channel_is_pointed_at_the_facade_channel() {
        assert_eq!(
            reaches_around("let (tx, rx) = std::sync::mpsc::channel();"),
            Some("interleave_sync::channel")
        );
    }

    #[test]
    fn std_ordering_alone_is_harmless() {
        assert_eq!(reaches_around("use std::sync::atomic::Ordering;"), None);
        assert_eq!(reaches_around("x.load(std::sync::atomic::Ordering::Relaxed)"), None);
        assert!(reaches_around("use std::sync::atomic::OrderingCell;").is_some());
    }

    #[test]
    fn the_facade_itself_and_other_std_paths_are_fine() {
        assert_eq!(reaches_around("use interleave_sync::sync::atomic::AtomicUsize;"), None);
        assert_eq!(reaches_around("use std::time::Instant;"), None);
        assert_eq!(reaches_around("use my_std::thread_pool;"), None);
    }

    #[test]
    fn threads_and_crossbeam_reach_around() {
        assert!(reaches_around("std::thread::scope(|s| {").is_some());
        assert!(reaches_around("use crossbeam_channel::bounded;").is_some());
        assert!(reaches_around("items.par_iter().map(f); use rayon::prelude::*;").is_some());
    }
}
