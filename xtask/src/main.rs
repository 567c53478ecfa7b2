//! `cargo xtask`: build, grade and explain the Interleave exercises.
//!
//! Exit codes: 0 when everything asked for passed; 1 when a check failed (for `verify`, when an
//! exercise or solution did not get its expected verdict; for `run`, when the demo failed or
//! was stopped); 2 for a usage error, code that does not compile or is not graded because it
//! reaches around interleave_sync, or a failure of the tooling itself.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{catalog, check, demo, hint, list, verify};

/// Concurrency exercises with graders.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version, about, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

const EXIT_CODES: &str = "Exit codes: 0 all passed; 1 a check failed, or a demo failed or was \
                          stopped; 2 usage error, code that does not compile or is not graded \
                          (it reaches around interleave_sync), or a tooling failure.";

#[derive(Debug, Subcommand)]
enum Command {
    /// List the exercises with their topic and your progress.
    List,
    /// Build and grade one exercise, and explain what is still wrong.
    Check {
        /// `exercise-03`, `03`, `3` or the exercise's slug.
        exercise: String,
        /// Grade the reference solution instead of your exercise.
        #[arg(long)]
        solution: bool,
        /// Print the verdicts as one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Show the next hint for an exercise.
    Hint {
        exercise: String,
        /// Show every hint at once.
        #[arg(long)]
        all: bool,
    },
    /// Run an exercise's demo, where it has one.
    Run {
        exercise: String,
        /// Run the reference solution's demo.
        #[arg(long)]
        solution: bool,
    },
    /// Prove that every untouched exercise fails with its intended verdict and every solution
    /// passes.
    Verify {
        /// Only these exercises (default: all).
        exercises: Vec<String>,
        /// Grade each subject this many times; every run must give the same verdicts.
        #[arg(long, default_value_t = 1)]
        repeat: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = xtask::root();
    let result = catalog::Catalog::load(&root).and_then(|catalog| match cli.command {
        Command::List => list::run(&root, &catalog),
        Command::Check { exercise, solution, json } => {
            check::run(&root, &catalog, &exercise, solution, json)
        }
        Command::Hint { exercise, all } => hint::run(&root, &catalog, &exercise, all),
        Command::Run { exercise, solution } => demo::run(&root, &catalog, &exercise, solution),
        Command::Verify { exercises, repeat } => verify::run(&root, &catalog, &exercises, repeat),
    });
    match result {
        Ok(code) => code,
        Err(error) => {
            anstream::eprintln!(
                "{}interleave: {error:#}{}",
                anstyle::AnsiColor::Red.on_default().render(),
                anstyle::Reset.render()
            );
            ExitCode::from(2)
        }
    }
}
