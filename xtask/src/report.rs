//! Turning a grade into text for a person.
//!
//! The text is written with ANSI styles; `anstream` removes them when the output is not a
//! terminal (or `NO_COLOR` is set), so pipes, files and snapshots get plain text.

use std::fmt::Write;
use std::path::Path;

use anstyle::{AnsiColor, Style};

use crate::cargo::Origin;
use crate::catalog::{Build, Exercise, Subject};
use crate::grade::{CheckResult, Grade, LOOM_OFFERS_LESS};

const PASS: Style = AnsiColor::Green.on_default().bold();
const FAIL: Style = AnsiColor::Red.on_default().bold();
const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();

/// The width verdicts are wrapped to.
const WIDTH: usize = 100;

/// The verdict text `cargo xtask check` prints.
pub fn render(root: &Path, exercise: &Exercise, subject: Subject, grade: &Grade) -> String {
    let mut out = String::new();
    let whose = match subject {
        Subject::Exercise => "",
        Subject::Solution => " (reference solution)",
    };
    let _ = writeln!(
        out,
        "{BOLD}{} · {}{whose}{BOLD:#}\n{DIM}topic: {}{DIM:#}\n",
        exercise.id, exercise.title, exercise.topic
    );
    let again = match subject {
        Subject::Exercise => format!("cargo xtask check {}", exercise.id),
        Subject::Solution => format!("cargo xtask check {} --solution", exercise.id),
    };

    let results = match grade {
        Grade::DoesNotCompile(errors) => {
            for error in errors {
                let _ = writeln!(out, "{}", error.rendered.trim_end());
            }
            let first = errors.iter().find_map(|e| e.location.clone());
            let _ = writeln!(
                out,
                "\n  {FAIL}FAIL{FAIL:#}  does not compile{}",
                first.map(|l| format!(" at {l}")).unwrap_or_default()
            );
            if errors.iter().all(|e| e.origin != Origin::Subject) {
                let _ = writeln!(
                    out,
                    "        your crate builds, but the grader cannot compile against it: keep \
                     its public API\n        (names, arguments and return types) as given; \
                     rustc's messages above say what the grader expected\n        (where rustc \
                     suggests a change in grader/, change your crate instead)"
                );
            } else if errors.iter().all(|e| e.build == Build::Loom) {
                let _ = writeln!(
                    out,
                    "        this is the loom build the model checks use; if `cargo build` \
                     accepts your code, it uses\n        something only std offers: \
                     {LOOM_OFFERS_LESS}"
                );
            } else {
                let _ = writeln!(out, "        rustc's messages above say what to fix");
            }
            let _ = writeln!(out, "\nno check could run. Fix the build, then run `{again}`.");
            return out;
        }
        Grade::Bypass(found) => {
            let _ = writeln!(
                out,
                "  {FAIL}FAIL{FAIL:#}  threads, locks, atomics and channels come from interleave_sync"
            );
            for bypass in found {
                let _ = writeln!(
                    out,
                    "        {BOLD}reaches around the facade{BOLD:#} at {}",
                    bypass.location
                );
                let _ = writeln!(out, "        {DIM}>{DIM:#} {}", bypass.code);
                let _ = writeln!(out, "        use `{}` instead", bypass.instead);
            }
            let why = "why: loom checks only what comes from interleave_sync; with other types \
                       its models cannot see the threads meet, and would pass whatever the code \
                       does";
            let _ = writeln!(out, "{}", textwrap::fill(why, wrapping("             ")));
            let _ = writeln!(out, "\nnot graded. Change the imports, then run `{again}`.");
            return out;
        }
        Grade::Graded(results) => results,
    };

    for result in results {
        let check = &result.check;
        let Some(failure) = &result.failure else {
            let scope = result.explored.as_ref().map(|e| format!(" {DIM}(loom: {e}){DIM:#}"));
            let _ =
                writeln!(out, "  {PASS}pass{PASS:#}  {}{}", check.title, scope.unwrap_or_default());
            continue;
        };
        let _ = writeln!(out, "  {FAIL}FAIL{FAIL:#}  {}", check.title);
        let place = place(root, exercise, subject, result);
        let _ = writeln!(
            out,
            "        {BOLD}{}{BOLD:#}{}",
            failure.class.label(),
            place.as_ref().map(Place::phrase).unwrap_or_default()
        );
        if let Some(code) = place.as_ref().and_then(|p| source_line(root, &p.at)) {
            let _ = writeln!(out, "        {DIM}>{DIM:#} {code}");
        }
        for line in failure.message.lines() {
            for piece in textwrap::wrap(line, wrapping("").width(WIDTH - 10).initial_indent("")) {
                let _ = writeln!(out, "        {DIM}|{DIM:#} {piece}");
            }
        }
        // The check's own explanation is about the bug it was written for; any other failure
        // gets the general explanation of its class.
        let why = if failure.class == check.expected_class() {
            format!("why: {}", check.why.trim())
        } else {
            format!("why: {}", failure.class.explanation())
        };
        let _ = writeln!(out, "{}", textwrap::fill(&why, wrapping("             ")));
    }

    let (passed, total) = grade.score(exercise);
    let _ = writeln!(out);
    if passed == total {
        let _ = writeln!(out, "{PASS}all {total} checks pass.{PASS:#}");
        if subject == Subject::Exercise {
            let _ = writeln!(
                out,
                "Compare with `{}`: its header explains what was wrong.",
                exercise.source(Subject::Solution).display()
            );
        }
    } else {
        let _ = writeln!(
            out,
            "{passed} of {total} checks pass. Fix the first failing check, then run `{again}`."
        );
        if subject == Subject::Exercise {
            let _ = writeln!(out, "Stuck? `cargo xtask hint {}` gives a hint.", exercise.id);
        }
    }
    out
}

/// The trimmed line of code that `place` (`path:line`) points at.
fn source_line(root: &Path, place: &str) -> Option<String> {
    let (path, line) = place.rsplit_once(':')?;
    let line: usize = line.parse().ok()?;
    let text = std::fs::read_to_string(root.join(path)).ok()?;
    let code = text.lines().nth(line.checked_sub(1)?)?.trim();
    (!code.is_empty()).then(|| code.to_owned())
}

/// Where a failed check points in the learner's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// `path:line`, relative to the workspace root.
    pub at: String,
    /// The text the check is about, when the failure named no line itself and the place was
    /// found by looking for it: then it is where to start looking, not where the failure was.
    pub focus: Option<String>,
}

impl Place {
    /// How a verdict names the place, after the class: ` at lib.rs:12` or
    /// `, in the code around lib.rs:40 (fn shutdown)`.
    fn phrase(&self) -> String {
        match &self.focus {
            None => format!(" at {}", self.at),
            Some(focus) => format!(", in the code around {} ({focus})", self.at),
        }
    }
}

/// Where a failed check points: the place the failure itself names, or else the line the check
/// is about.
pub fn place(
    root: &Path,
    exercise: &Exercise,
    subject: Subject,
    result: &CheckResult,
) -> Option<Place> {
    let failure = result.failure.as_ref()?;
    if let Some(at) = &failure.location {
        return Some(Place { at: at.clone(), focus: None });
    }
    result.check.focus.iter().find_map(|focus| {
        let at = find_line(root, &exercise.source(subject), focus)?;
        Some(Place { at, focus: Some(focus.clone()) })
    })
}

/// How verdict text is wrapped: to [`WIDTH`], indented under its check, breaking lines only at
/// spaces so that paths and names stay whole.
fn wrapping(subsequent_indent: &str) -> textwrap::Options<'_> {
    textwrap::Options::new(WIDTH)
        .initial_indent("        ")
        .subsequent_indent(subsequent_indent)
        .break_words(false)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
}

/// The `path:line` of the first line of `source` (relative to `root`) containing `needle`.
fn find_line(root: &Path, source: &Path, needle: &str) -> Option<String> {
    let text = std::fs::read_to_string(root.join(source)).ok()?;
    let line = text.lines().position(|l| l.contains(needle))?;
    Some(format!("{}:{}", source.display(), line + 1))
}
