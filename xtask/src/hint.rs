//! `cargo xtask hint`: the next hint for an exercise, one more each time.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::catalog::Catalog;
use crate::progress::Progress;

pub fn run(root: &Path, catalog: &Catalog, name: &str, all: bool) -> Result<ExitCode> {
    let exercise = catalog.find(name)?;
    let mut progress = Progress::load(root);
    let record = progress.record(&exercise.id);
    let total = exercise.hints.len();
    let shown = if all { total } else { (record.hints_shown + 1).min(total) };
    record.hints_shown = record.hints_shown.max(shown);

    for (i, hint) in exercise.hints.iter().enumerate().take(shown) {
        println!("hint {} of {total} for {}:\n  {}\n", i + 1, exercise.id, hint.trim());
    }
    if shown < total {
        println!("run `cargo xtask hint {}` again for the next one.", exercise.id);
    } else {
        println!(
            "that was the last hint; `cargo xtask check {} --solution` shows the reference \
             passing, and solutions/{}/ explains what was wrong.",
            exercise.id, exercise.id
        );
    }
    progress.save(root)?;
    Ok(ExitCode::SUCCESS)
}
