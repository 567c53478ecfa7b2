//! The library behind `cargo xtask`: finding exercises, building and running their grading
//! tests, classifying failures and explaining them. The binary in `main.rs` is only the command
//! line; tests drive the same functions directly.

pub mod cargo;
pub mod catalog;
pub mod check;
pub mod classify;
pub mod demo;
pub mod facade;
pub mod grade;
pub mod hint;
pub mod json;
pub mod list;
pub mod progress;
pub mod report;
pub mod runner;
pub mod verify;

use std::path::{Path, PathBuf};

/// The workspace root: the folder above this crate.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").into()
}

/// Where xtask keeps the learner's progress: `target/interleave` in the workspace, or
/// `INTERLEAVE_STATE_DIR` when that is set (tests use it to keep their progress apart from a
/// learner's).
pub fn state_dir(root: &Path) -> PathBuf {
    match std::env::var_os("INTERLEAVE_STATE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => root.join("target/interleave"),
    }
}
