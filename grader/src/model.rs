//! Running a loom model with a stated bound and a complete search.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::EXPLORED_MARKER;

/// Explores every interleaving of `f` that needs at most `preemption_bound` preemptions
/// (`None`: every interleaving). A failing interleaving panics with loom's report.
///
/// The search is always complete within the bound: limits on permutations or duration, which
/// would end it quietly and let an unexplored bug pass, are cleared even if the environment
/// sets them.
pub fn check<F>(preemption_bound: Option<usize>, f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = preemption_bound;
    builder.max_permutations = None;
    builder.max_duration = None;

    // Relaxed: the count is only read after `check` returns, on this thread, and loom runs
    // every execution on threads it has joined by then.
    let executions = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&executions);
    let started = Instant::now();
    builder.check(move || {
        counter.fetch_add(1, Ordering::Relaxed);
        f();
    });

    let bound = match preemption_bound {
        Some(bound) => format!("at most {bound} preemptions"),
        None => "no preemption bound".to_owned(),
    };
    println!(
        "{EXPLORED_MARKER}{} interleavings, {bound}, in {:.2} s",
        executions.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
}
