//! Reading a test process's output back into a verdict.
//!
//! Checks that find a bug panic with a marker naming its class (see `grader::fail!`). Loom's
//! own reports have fixed wording. Anything else that fails is the learner's own panic, or a
//! crash. The order of the rules matters: a loom deadlock is often followed by a second panic
//! while unwinding, and it is the first report that explains the failure.

use grader::Class;

use crate::runner::Outcome;

/// Why a check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub class: Class,
    /// The first lines of the report, without the marker.
    pub message: String,
    /// `path:line` of the panic when it is in `subject_dir`.
    pub location: Option<String>,
}

/// The wording of loom's reports (and insta's), with the class each belongs to.
const KNOWN_REPORTS: [(&str, Class); 3] = [
    ("snapshot assertion for", Class::WrongResult),
    ("Causality violation", Class::DataRace),
    ("Arc leaked", Class::LeakedArc),
];

/// Loom's report of an execution that never ends.
const LOOM_BRANCHES: &str = "Model exceeded maximum number of branches";

/// Panics whose own words would puzzle a learner, with a sentence that says what happened.
const PANIC_NOTES: [(&str, &str); 3] = [
    (
        "self.threads.len() < self.max()",
        "the code started more threads than loom can model (at most 5 at once, the check's own included)",
    ),
    (
        "failed to spawn thread",
        "the operating system refused to start another thread: the code starts threads without bound",
    ),
    (
        "cannot access Loom execution state from outside a Loom model",
        "a loom type was used from a thread loom does not know: something reached around interleave_sync (a std thread, rayon or crossbeam) in code that the model runs",
    ),
];

/// Resident memory that, in a check stopped at its time limit, means the memory was growing
/// rather than the code waiting: no grading test holds anywhere near this much.
const GROWING_MEMORY: u64 = 512 << 20;

/// The most lines of a report a verdict quotes.
const MESSAGE_LINES: usize = 6;

/// The verdict for one test run: `None` when it passed. `subject_dir` is the learner's crate
/// folder relative to the workspace, such as `exercises/exercise-03`.
pub fn classify(outcome: &Outcome, subject_dir: &str) -> Option<Failure> {
    let Some(status) = outcome.status else {
        if let Some(bytes) = outcome.memory_at_limit.filter(|b| *b >= GROWING_MEMORY) {
            return Some(Failure {
                class: Class::MemoryLimit,
                message: format!(
                    "the check did not finish within {} s, and by then it held {} MiB of \
                     memory: something keeps growing without bound",
                    outcome.limit.as_secs(),
                    bytes >> 20
                ),
                location: None,
            });
        }
        return Some(Failure {
            class: Class::Hang,
            message: format!(
                "deadlock or hang suspected: the check did not finish within {} s and was stopped",
                outcome.limit.as_secs()
            ),
            location: None,
        });
    };
    let panics = panics(&outcome.output);

    for class in Class::ALL {
        if let Some(panic) = panics.iter().find(|p| p.message.starts_with(class.marker())) {
            let message = panic.message[class.marker().len()..].to_owned();
            let location = locate(&panic.message, subject_dir);
            return Some(Failure { class, message, location });
        }
    }
    if let Some(panic) = panics.iter().find(|p| p.message.contains("deadlock; threads")) {
        let (message, location) = describe_deadlock(&panic.message, subject_dir);
        return Some(Failure { class: Class::Deadlock, message, location });
    }
    if let Some(panic) = panics.iter().find(|p| p.message.contains(LOOM_BRANCHES)) {
        let message = "loom stopped exploring: a thread kept running without ever waiting (a \
                       busy loop, or a queue that grows without bound), so no interleaving could \
                       end"
        .to_owned();
        let location = locate(&panic.message, subject_dir);
        return Some(Failure { class: Class::Hang, message, location });
    }
    for (wording, class) in KNOWN_REPORTS {
        if let Some(panic) = panics.iter().find(|p| p.message.contains(wording)) {
            let location = locate(&panic.message, subject_dir)
                .or_else(|| locate(&panic.location, subject_dir));
            return Some(Failure { class, message: shorten(&panic.message), location });
        }
    }
    if outcome.output.contains("memory allocation of") {
        return Some(Failure {
            class: Class::MemoryLimit,
            message: format!(
                "the process reached its memory cap of {} GiB and was stopped",
                crate::runner::MEMORY_CAP_BYTES >> 30
            ),
            location: None,
        });
    }
    if let Some(panic) = panics.first() {
        let location = locate(&panic.location, subject_dir);
        let mut message = shorten(&panic.message);
        if let Some((_, note)) = PANIC_NOTES.iter().find(|(text, _)| panic.message.contains(text)) {
            message = format!("{note}\n{message}");
        }
        return Some(Failure { class: Class::Panic, message, location });
    }
    if status.success() && outcome.output.contains("test result: ok. 1 passed") {
        return None;
    }
    let message = if status.success() {
        "the test process exited before the check finished, with no panic: something called \
         `std::process::exit`"
            .to_owned()
    } else {
        format!("the test process ended abnormally ({status})")
    };
    Some(Failure { class: Class::Panic, message, location: None })
}

/// One panic report from the output.
#[derive(Debug)]
struct Panic {
    /// The `path:line:column` the panic names.
    location: String,
    message: String,
}

/// The panics in `output`, in order. Libtest writes each as
/// `thread 'name' (id) panicked at path:line:col:` followed by the message, which ends at a
/// `note:` line, a blank line or the next panic.
fn panics(output: &str) -> Vec<Panic> {
    let mut found = Vec::new();
    let mut lines = output.lines().peekable();
    while let Some(line) = lines.next() {
        let Some((_, at)) = line.split_once(" panicked at ") else {
            continue;
        };
        if !line.starts_with("thread ") {
            continue;
        }
        let location = at.trim_end_matches(':').to_owned();
        // Loom starts some reports with a blank line; the message ends at the next one.
        while lines.peek().is_some_and(|next| next.trim().is_empty()) {
            lines.next();
        }
        let mut message = Vec::new();
        while let Some(next) = lines.peek() {
            if next.trim().is_empty()
                || next.starts_with("note: ")
                || next.contains(" panicked at ")
            {
                break;
            }
            message.push(*next);
            lines.next();
        }
        found.push(Panic { location, message: message.join("\n") });
    }
    found
}

/// Loom's deadlock report, `deadlock; threads = [(Id(0), Blocked(Location(Some(Location { file:
/// "f", line: 3, col: 9 })))), (Id(1), Terminated)]`, in words: which thread waits where. Also
/// returns the first place in `subject_dir` where a thread waits.
fn describe_deadlock(report: &str, subject_dir: &str) -> (String, Option<String>) {
    let mut lines =
        vec!["no thread can go on: each one waits for something only another could do".to_owned()];
    let mut first_in_subject = None;
    for part in report.split("(Id(").skip(1) {
        let id: String = part.chars().take_while(char::is_ascii_digit).collect();
        let who =
            if id == "0" { "the check's own thread".to_owned() } else { format!("thread {id}") };
        if !part.contains("Blocked(") {
            continue;
        }
        let place = part.split_once("file: \"").and_then(|(_, rest)| {
            let (file, rest) = rest.split_once('"')?;
            let line: String =
                rest.split_once("line: ")?.1.chars().take_while(char::is_ascii_digit).collect();
            Some(format!("{file}:{line}"))
        });
        match place {
            Some(place) => {
                if first_in_subject.is_none() && place.starts_with(subject_dir) {
                    first_in_subject = Some(place.clone());
                }
                lines.push(format!("{who} waits {}", where_in_words(&place)));
            }
            None => lines.push(format!("{who} waits")),
        }
    }
    lines.push(
        "under loom time never passes, so a wait with a timeout counts as waiting forever".into(),
    );
    (lines.join("\n"), first_in_subject)
}

/// Where a thread waits, in words: the place itself when it is in the workspace, which names
/// the same line on every machine, and otherwise whose code it is in.
fn where_in_words(place: &str) -> String {
    if place.starts_with("grader/sync/") {
        format!("at {place} (inside interleave_sync)")
    } else if place.starts_with("grader/tests/") {
        format!("at {place} (in the check itself)")
    } else if place.starts_with("/rustc/") {
        "inside the standard library".to_owned()
    } else if place.contains("/loom-") {
        "inside loom".to_owned()
    } else if place.starts_with('/') {
        "outside the workspace".to_owned()
    } else {
        format!("at {place}")
    }
}

/// The first `path:line` in `text` that lies in `subject_dir`.
fn locate(text: &str, subject_dir: &str) -> Option<String> {
    let start = text.find(subject_dir)?;
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '`' | ',' | ')' | '"'))
        .unwrap_or(rest.len());
    let mut parts = rest[..end].split(':');
    let path = parts.next()?;
    let line = parts.next().filter(|l| l.chars().all(|c| c.is_ascii_digit()) && !l.is_empty());
    Some(match line {
        Some(line) => format!("{path}:{line}"),
        None => path.to_owned(),
    })
}

/// The first lines of a long report.
fn shorten(message: &str) -> String {
    let lines: Vec<&str> = message.lines().collect();
    if lines.len() <= MESSAGE_LINES {
        return message.to_owned();
    }
    format!("{}\n...", lines[..MESSAGE_LINES].join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;
    use std::time::Duration;

    const SUBJECT: &str = "exercises/exercise-09";

    fn outcome(code: Option<i32>, output: &str) -> Outcome {
        Outcome {
            status: code.map(|c| ExitStatus::from_raw(c << 8)),
            output: output.to_owned(),
            limit: Duration::from_secs(10),
            memory_at_limit: None,
        }
    }

    fn class_of(code: Option<i32>, output: &str) -> Option<Class> {
        classify(&outcome(code, output), SUBJECT).map(|f| f.class)
    }

    #[test]
    fn a_passing_test_has_no_failure() {
        let output = "running 1 test\ntest a ... ok\n\ntest result: ok. 1 passed; 0 failed\n";
        assert_eq!(class_of(Some(0), output), None);
    }

    #[test]
    fn a_test_that_ran_nothing_is_not_a_pass() {
        let output = "running 0 tests\n\ntest result: ok. 0 passed; 0 failed\n";
        assert_eq!(class_of(Some(0), output), Some(Class::Panic));
    }

    #[test]
    fn a_stopped_process_is_a_hang() {
        assert_eq!(class_of(None, "running 1 test\n"), Some(Class::Hang));
    }

    #[test]
    fn a_loom_race_is_a_data_race_located_in_the_subject() {
        let output = "thread 'm' (7) panicked at /cargo/loom-0.7.2/src/rt/location.rs:115:9:\n\n\
            Causality violation: Concurrent write accesses to `UnsafeCell`.\n    \
            created: exercises/exercise-09/src/lib.rs:12:20\n\
            note: run with `RUST_BACKTRACE=1`\n";
        let failure = classify(&outcome(Some(101), output), SUBJECT).unwrap();
        assert_eq!(failure.class, Class::DataRace);
        assert_eq!(failure.location.as_deref(), Some("exercises/exercise-09/src/lib.rs:12"));
    }

    #[test]
    fn a_loom_deadlock_is_a_deadlock_even_when_the_binary_aborts() {
        let output = "thread 'm' panicked at /cargo/loom/src/rt/execution.rs:80:5:\n\
            deadlock; threads = [(Id(0), Blocked(..)), (Id(1), Blocked(..))]\n\n\
            thread 'm' panicked at /cargo/loom/src/sync/arc.rs:10:1:\nArc leaked.\n\
            fatal runtime error: failed to initiate panic\n";
        assert_eq!(class_of(Some(134), output), Some(Class::Deadlock));
    }

    #[test]
    fn a_loom_deadlock_names_where_each_thread_waits() {
        let output = "thread 'm' panicked at /cargo/loom/src/rt/execution.rs:80:5:\n\
            deadlock; threads = [(Id(0), Blocked(Location(Some(Location { file: \
            \"exercises/exercise-09/src/lib.rs\", line: 52, col: 9 })))), (Id(1), Blocked(\
            Location(Some(Location { file: \"grader/sync/src/channel/loom_channel.rs\", \
            line: 266, col: 9 })))), (Id(2), Terminated)]\n";
        let failure = classify(&outcome(Some(134), output), SUBJECT).unwrap();
        assert_eq!(failure.class, Class::Deadlock);
        assert_eq!(failure.location.as_deref(), Some("exercises/exercise-09/src/lib.rs:52"));
        assert!(
            failure
                .message
                .contains("the check's own thread waits at exercises/exercise-09/src/lib.rs:52"),
            "{}",
            failure.message
        );
        assert!(failure.message.contains("thread 1 waits at grader/sync/src/channel/loom_channel.rs:266 (inside interleave_sync)"), "{}", failure.message);
        assert!(!failure.message.contains("thread 2"), "{}", failure.message);
    }

    #[test]
    fn a_loom_execution_that_never_ends_is_a_hang() {
        let output = "thread 'm' panicked at /cargo/loom/src/rt/path.rs:1:1:\n\
            Model exceeded maximum number of branches. This is often caused by an algorithm \
            requiring the processor to make progress, e.g. spin locks.\n";
        let failure = classify(&outcome(Some(101), output), SUBJECT).unwrap();
        assert_eq!(failure.class, Class::Hang);
        assert!(failure.message.contains("busy loop"), "{}", failure.message);
    }

    #[test]
    fn a_leaked_loom_arc_is_leaked_memory() {
        let output = "thread 'm' panicked at /cargo/loom/src/rt/arc.rs:1:1:\nArc leaked.\n";
        assert_eq!(class_of(Some(101), output), Some(Class::LeakedArc));
    }

    #[test]
    fn a_marked_assertion_takes_the_class_it_names() {
        let output = "thread 'main' (9) panicked at grader/tests/exercise_09.rs:40:13:\n\
            [interleave:wrong-result] total is 1, expected 2\nnote: run with\n";
        let failure = classify(&outcome(Some(101), output), SUBJECT).unwrap();
        assert_eq!(failure.class, Class::WrongResult);
        assert_eq!(failure.message, "total is 1, expected 2");
        assert_eq!(failure.location, None, "the grader's own file is not the learner's");
    }

    #[test]
    fn the_learners_own_panic_is_a_panic_at_their_line() {
        let output = "thread '<unnamed>' (3) panicked at exercises/exercise-09/src/lib.rs:7:9:\n\
            called `Option::unwrap()` on a `None` value\n";
        let failure = classify(&outcome(Some(101), output), SUBJECT).unwrap();
        assert_eq!(failure.class, Class::Panic);
        assert_eq!(failure.location.as_deref(), Some("exercises/exercise-09/src/lib.rs:7"));
    }

    #[test]
    fn an_allocation_failure_is_the_memory_limit() {
        let output = "memory allocation of 8589934592 bytes failed\n";
        assert_eq!(class_of(Some(134), output), Some(Class::MemoryLimit));
    }
}
