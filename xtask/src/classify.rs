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
const KNOWN_REPORTS: [(&str, Class); 5] = [
    ("snapshot assertion for", Class::WrongResult),
    ("Causality violation", Class::DataRace),
    ("deadlock; threads", Class::Deadlock),
    ("Arc leaked", Class::LeakedArc),
    ("Model exceeded maximum number of branches", Class::Hang),
];

/// The most lines of a report a verdict quotes.
const MESSAGE_LINES: usize = 6;

/// The verdict for one test run: `None` when it passed. `subject_dir` is the learner's crate
/// folder relative to the workspace, such as `exercises/exercise-03`.
pub fn classify(outcome: &Outcome, subject_dir: &str) -> Option<Failure> {
    let Some(status) = outcome.status else {
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
        return Some(Failure { class: Class::Panic, message: shorten(&panic.message), location });
    }
    if status.success() && outcome.output.contains("test result: ok. 1 passed") {
        return None;
    }
    Some(Failure {
        class: Class::Panic,
        message: format!("the test process ended abnormally ({status})"),
        location: None,
    })
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

/// The first `path:line` in `text` that lies in `subject_dir`.
fn locate(text: &str, subject_dir: &str) -> Option<String> {
    let start = text.find(subject_dir)?;
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '`' || c == ',' || c == ')')
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
