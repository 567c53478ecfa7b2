//! What a learner has done so far: hints seen and the last verdict of each exercise.
//!
//! Kept in `target/interleave/progress.toml`, inside the workspace, so `cargo clean` forgets it
//! and nothing is written anywhere else.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default)]
    pub exercises: BTreeMap<String, Record>,
}

/// What is known about one exercise.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Record {
    /// How many hints have been shown.
    #[serde(default)]
    pub hints_shown: usize,
    /// Checks passed and checks in all at the last `check`, if any.
    pub last: Option<(usize, usize)>,
    /// When the last `check` ran, in seconds since the Unix epoch.
    pub checked_at: Option<u64>,
}

fn path(root: &Path) -> PathBuf {
    crate::state_dir(root).join("progress.toml")
}

impl Progress {
    /// The saved progress; empty when there is none yet or the file is unreadable.
    pub fn load(root: &Path) -> Progress {
        fs::read_to_string(path(root))
            .ok()
            .and_then(|text| toml::from_str(&text).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, root: &Path) -> Result<()> {
        let path = path(root);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
        }
        let text = toml::to_string(self).context("cannot encode progress")?;
        fs::write(&path, text).with_context(|| format!("cannot write `{}`", path.display()))
    }

    pub fn record(&mut self, id: &str) -> &mut Record {
        self.exercises.entry(id.to_owned()).or_default()
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The newest modification time under `dir`, in seconds since the Unix epoch.
pub fn newest_change(dir: &Path) -> Option<u64> {
    let mut newest = None;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(modified) = entry.metadata().and_then(|m| m.modified()) {
                let secs = modified.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
                newest = newest.max(Some(secs));
            }
        }
    }
    newest
}
