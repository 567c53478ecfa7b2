//! `cargo xtask check`: grade one exercise and print the verdicts.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use crate::catalog::{Catalog, Subject};
use crate::grade::{Grade, grade};
use crate::progress::{Progress, now};
use crate::report::render;

pub fn run(
    root: &Path,
    catalog: &Catalog,
    name: &str,
    solution: bool,
    json: bool,
) -> Result<ExitCode> {
    let exercise = catalog.find(name)?;
    let subject = if solution { Subject::Solution } else { Subject::Exercise };
    let started = Instant::now();
    let grade = grade(root, exercise, subject, &|step| {
        let dim = anstyle::Style::new().dimmed();
        anstream::eprintln!("{dim}{step}...{dim:#}");
    })?;
    anstream::eprintln!("done in {:.1} s\n", started.elapsed().as_secs_f64());
    if json {
        println!("{:#}", crate::json::grade(root, exercise, subject, &grade));
    } else {
        anstream::print!("{}", render(root, exercise, subject, &grade));
    }

    let (passed, total) = grade.score(exercise);
    if subject == Subject::Exercise {
        let mut progress = Progress::load(root);
        let record = progress.record(&exercise.id);
        record.last = Some((passed, total));
        record.checked_at = Some(now());
        progress.save(root)?;
    }
    Ok(match grade {
        Grade::DoesNotCompile(_) | Grade::Bypass(_) => ExitCode::from(2),
        Grade::Graded(_) if passed == total => ExitCode::SUCCESS,
        Grade::Graded(_) => ExitCode::from(1),
    })
}
