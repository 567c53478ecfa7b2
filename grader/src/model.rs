//! Running a loom model with a stated bound and a complete search.

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
    builder.check(f);
}
