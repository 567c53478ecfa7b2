//! `cargo xtask list`: the exercises, with their topic and the learner's progress.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::catalog::{Catalog, Subject};
use crate::progress::{Progress, newest_change};

pub fn run(root: &Path, catalog: &Catalog) -> Result<ExitCode> {
    let progress = Progress::load(root);
    println!("{:<12} {:<20} {:<38} {:<34} status", "id", "slug", "title", "topic");
    for exercise in &catalog.exercises {
        let record = progress.exercises.get(&exercise.id);
        let status = match record.and_then(|r| r.last.zip(r.checked_at)) {
            None => "not checked yet".to_owned(),
            Some(((passed, total), at)) => {
                let edited = newest_change(&root.join(exercise.dir(Subject::Exercise)))
                    .is_some_and(|changed| changed > at);
                let verdict = if passed == total {
                    "done".to_owned()
                } else {
                    format!("{passed}/{total} checks pass")
                };
                if edited { format!("{verdict}, edited since") } else { verdict }
            }
        };
        println!(
            "{:<12} {:<20} {:<38} {:<34} {status}",
            exercise.id, exercise.slug, exercise.title, exercise.topic
        );
    }
    println!("\nstart with `cargo xtask check <id>`; `cargo xtask hint <id>` when stuck.");
    Ok(ExitCode::SUCCESS)
}
