//! The machinery on small fixtures. Each fixture is a copy of the workspace, inside `target/`,
//! whose exercise-04 holds code with one known defect; it is graded exactly as a learner's code
//! would be, and the verdict must name that defect. The copies share one build cache through a
//! `target` link, so after the first only the fixture's own crates are compiled.

use std::fs;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use grader::Class;
use xtask::cargo::Origin;
use xtask::catalog::{Catalog, Subject};
use xtask::grade::{Grade, grade};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Grades a workspace copy whose `exercises/exercise-04/src/lib.rs` is `source`, with every
/// check's time limit set to `timeout_secs`.
fn grade_fixture(source: &str, timeout_secs: u64) -> Grade {
    grade_copy("exercise-04", &[("exercises/exercise-04/src/lib.rs", source)], timeout_secs)
}

/// Grades `id` in a copy of the workspace in which each `(path, text)` of `edits` has been
/// written, with every check's time limit set to `timeout_secs`.
fn grade_copy(id: &str, edits: &[(&str, &str)], timeout_secs: u64) -> Grade {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let root = xtask::root();
    let dir = tempfile::Builder::new().prefix("fixture-").tempdir_in(root.join("target")).unwrap();
    for item in ["Cargo.toml", "Cargo.lock", ".cargo", "grader", "exercises", "solutions", "xtask"]
    {
        copy_tree(&root.join(item), &dir.path().join(item));
    }
    // Cargo names a workspace's build outputs by paths relative to the workspace, so a copy
    // must never build into the real workspace's target directory: its outputs would replace
    // the real ones, which cargo, going by file times, could then take as up to date. The
    // copies share one target directory of their own, and each copy's sources are newer than
    // the last copy's build.
    let shared = root.join("target/fixtures");
    fs::create_dir_all(&shared).unwrap();
    std::os::unix::fs::symlink(&shared, dir.path().join("target")).unwrap();
    for (path, text) in edits {
        fs::write(dir.path().join(path), text).unwrap();
    }
    let meta = dir.path().join(format!("grader/meta/{id}.toml"));
    let text = fs::read_to_string(&meta)
        .unwrap()
        .replace("\nbuild = ", &format!("\ntimeout_secs = {timeout_secs}\nbuild = "));
    fs::write(&meta, text).unwrap();

    let catalog = Catalog::load(dir.path()).unwrap();
    let exercise = catalog.find(id).unwrap();
    grade(dir.path(), exercise, Subject::Exercise, &|_| {}).unwrap()
}

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        fs::copy(from, to).unwrap();
    }
}

/// The class of the first check's failure, and where it was located.
fn first_failure(grade: &Grade) -> (Option<Class>, Option<String>) {
    let Grade::Graded(results) = grade else { panic!("expected a graded result: {grade:?}") };
    let failure = results[0].failure.as_ref();
    eprintln!("first failure: {failure:?}");
    (failure.map(|f| f.class), failure.and_then(|f| f.location.clone()))
}

/// The counter's public API, around a body that each fixture fills in.
const HEAD: &str = "use interleave_sync::sync::{Arc, Mutex};\n\
    use interleave_sync::sync::atomic::{AtomicUsize, Ordering};\n";

fn counter(fields: &str, record: &str) -> String {
    format!(
        "{HEAD}#[derive(Default)]\npub struct HitCounter {{ {fields} }}\n\
         impl HitCounter {{\n\
         pub fn new() -> HitCounter {{ HitCounter::default() }}\n\
         pub fn record(&self) -> usize {{\n{record}\n}}\n\
         pub fn total(&self) -> usize {{ self.hits.load(Ordering::Relaxed) }}\n}}\n\
         #[allow(dead_code)] fn unused(_: Arc<Mutex<()>>) {{}}\n"
    )
}

#[test]
fn a_syntax_error_in_the_exercise_does_not_compile_and_points_at_its_line() {
    let grade = grade_fixture(&counter("hits: AtomicUsize", "let x: usize = \"one\";\nx"), 10);
    let Grade::DoesNotCompile(errors) = grade else { panic!("{grade:?}") };
    assert_eq!(errors[0].origin, Origin::Subject);
    let location = errors[0].location.as_deref().unwrap();
    assert!(location.starts_with("exercises/exercise-04/src/lib.rs:"), "{location}");
}

#[test]
fn a_changed_public_api_is_reported_as_the_grader_failing_to_compile_against_it() {
    let source = counter("hits: AtomicUsize", "0").replace("fn record", "fn record_hit");
    let Grade::DoesNotCompile(errors) = grade_fixture(&source, 10) else { panic!() };
    assert!(errors.iter().all(|e| e.origin == Origin::GraderTests), "{errors:?}");
}

#[test]
fn a_right_but_different_fix_with_a_mutex_passes() {
    let source = counter(
        "hits: AtomicUsize, lock: Mutex<()>",
        "let _guard = self.lock.lock().unwrap();\n\
         let n = self.hits.load(Ordering::Relaxed) + 1;\n\
         self.hits.store(n, Ordering::Relaxed);\nn",
    );
    let Grade::Graded(results) = grade_fixture(&source, 10) else { panic!() };
    assert!(results.iter().all(|r| r.failure.is_none()), "{results:?}");
}

#[test]
fn a_loom_data_race_is_classified_as_a_data_race_at_the_cell() {
    let source = format!(
        "{HEAD}use interleave_sync::cell::UnsafeCell;\n\
         #[derive(Default)] pub struct HitCounter {{ hits: UnsafeCell<usize> }}\n\
         // SAFETY: none; this fixture is the unsound code the grader must catch.\n\
         unsafe impl Sync for HitCounter {{}}\n\
         impl HitCounter {{\n\
         pub fn new() -> HitCounter {{ HitCounter::default() }}\n\
         pub fn record(&self) -> usize {{\n\
         self.hits.with_mut(|n| unsafe {{ *n += 1; *n }})\n}}\n\
         pub fn total(&self) -> usize {{ self.hits.with(|n| unsafe {{ *n }}) }}\n}}\n\
         #[allow(dead_code)] fn unused(_: Arc<Mutex<()>>, _: AtomicUsize, _: Ordering) {{}}\n"
    );
    let (class, location) = first_failure(&grade_fixture(&source, 10));
    assert_eq!(class, Some(Class::DataRace));
    assert!(location.unwrap().starts_with("exercises/exercise-04/src/lib.rs:"));
}

#[test]
fn a_double_lock_is_classified_as_a_deadlock() {
    let source = counter(
        "hits: AtomicUsize, lock: Mutex<()>",
        "let _a = self.lock.lock().unwrap();\nlet _b = self.lock.lock().unwrap();\n\
         self.hits.fetch_add(1, Ordering::Relaxed) + 1",
    );
    assert_eq!(first_failure(&grade_fixture(&source, 10)).0, Some(Class::Deadlock));
}

#[test]
fn a_reference_cycle_is_classified_as_a_leaked_arc() {
    let source = counter(
        "hits: AtomicUsize",
        "struct Node(Mutex<Option<Arc<Node>>>);\n\
         let node = Arc::new(Node(Mutex::new(None)));\n\
         *node.0.lock().unwrap() = Some(Arc::clone(&node));\n\
         self.hits.fetch_add(1, Ordering::Relaxed) + 1",
    );
    assert_eq!(first_failure(&grade_fixture(&source, 10)).0, Some(Class::LeakedArc));
}

#[test]
fn the_learners_own_panic_is_a_panic_at_their_line() {
    let source = counter("hits: AtomicUsize", "panic!(\"counter overflow\")");
    let (class, location) = first_failure(&grade_fixture(&source, 10));
    assert_eq!(class, Some(Class::Panic));
    assert!(location.unwrap().starts_with("exercises/exercise-04/src/lib.rs:"));
}

#[test]
fn an_endless_loop_is_stopped_at_its_limit_as_a_hang() {
    let source = counter("hits: AtomicUsize", "loop { std::hint::spin_loop(); }");
    assert_eq!(first_failure(&grade_fixture(&source, 2)).0, Some(Class::Hang));
}

#[test]
fn a_runaway_allocation_is_stopped_at_the_memory_cap() {
    let source = counter(
        "hits: AtomicUsize",
        "let mut queue = Vec::new();\nloop { queue.push([0_u8; 4096]); }",
    );
    assert_eq!(first_failure(&grade_fixture(&source, 30)).0, Some(Class::MemoryLimit));
}

#[test]
fn a_half_edited_exercise_05_does_not_stop_grading_exercise_04() {
    let broken = "pub fn half_written( {";
    let grade = grade_copy("exercise-04", &[("exercises/exercise-05/src/lib.rs", broken)], 10);
    let Grade::Graded(results) = grade else { panic!("{grade:?}") };
    assert!(results.iter().all(|r| r.failure.is_some()), "the untouched exercise-04 still fails");
}

#[test]
fn std_atomics_that_loom_cannot_see_are_not_graded() {
    let source =
        exercise_04().replace("use interleave_sync::sync::atomic", "use std::sync::atomic");
    let Grade::Bypass(found) = grade_fixture(&source, 10) else { panic!("graded anyway") };
    assert!(found[0].location.starts_with("exercises/exercise-04/src/lib.rs:"), "{found:?}");
    assert_eq!(found[0].instead, "interleave_sync::sync");
}

/// The untouched exercise-04.
fn exercise_04() -> String {
    fs::read_to_string(xtask::root().join("exercises/exercise-04/src/lib.rs")).unwrap()
}

#[test]
fn endless_output_is_a_hang_and_does_not_fill_the_graders_memory() {
    let source = counter("hits: AtomicUsize", "loop { println!(\"{}\", \"x\".repeat(10_000)); }");
    let started = std::time::Instant::now();
    assert_eq!(first_failure(&grade_fixture(&source, 2)).0, Some(Class::Hang));
    // Stopped at its limit, not at the end of reading gigabytes of output.
    assert!(started.elapsed().as_secs() < 30, "took {:?}", started.elapsed());
}

#[test]
fn memory_growing_until_the_time_limit_is_the_memory_limit() {
    let source = counter(
        "hits: AtomicUsize",
        "let mut kept = Vec::new();\n\
         loop {\n\
             kept.push(vec![1_u8; 1 << 20]);\n\
             let pause = std::time::Instant::now();\n\
             while pause.elapsed() < std::time::Duration::from_millis(2) {}\n\
         }",
    );
    // At most half a GiB a second: too slow to reach the cap within the time limit, so it is
    // the memory read at the time limit that tells this from a hang.
    let grade = grade_fixture(&source, 3);
    assert_eq!(first_failure(&grade).0, Some(Class::MemoryLimit));
}

#[test]
fn code_that_builds_only_without_loom_still_gets_its_runtime_checks() {
    let path = "exercises/exercise-03/src/lib.rs";
    let mut source = fs::read_to_string(xtask::root().join(path)).unwrap();
    source.push_str(
        "\n/// True once the thread has ended: std has this, loom does not.\n\
         pub fn finished(handle: &interleave_sync::thread::JoinHandle<()>) -> bool {\n\
         handle.is_finished()\n}\n",
    );
    let Grade::Graded(results) = grade_copy("exercise-03", &[(path, &source)], 10) else {
        panic!("the runtime checks did not run");
    };
    for result in &results {
        let class = result.failure.as_ref().map(|f| f.class);
        match result.check.build {
            // The runtime check ran, and found the untouched exercise's leak.
            xtask::catalog::Build::Std => assert_eq!(class, Some(Class::LeakedThread)),
            xtask::catalog::Build::Loom => assert_eq!(class, Some(Class::DoesNotCompile)),
        }
    }
}
