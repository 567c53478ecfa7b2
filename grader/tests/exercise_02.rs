//! Grading exercise 02, the fetch that ignores its context: a cancel or a deadline must end a
//! fetch that is waiting for its reply, promptly and without leaving a thread blocked, and every
//! error must name the step that failed. The checks play the backend themselves, so they decide
//! whether and when a reply comes.
#![cfg(any(feature = "ex02", feature = "sol02"))]

#[cfg(feature = "ex02")]
use exercise_02 as subject;
#[cfg(all(feature = "sol02", not(feature = "ex02")))]
use solution_02 as subject;

use subject::FetchError;

/// The error underneath every step a fetch error names: what went wrong in the end. `None` when
/// the fetch succeeded.
fn root_cause(result: &Result<Vec<u8>, FetchError>) -> Option<&FetchError> {
    let mut error = result.as_ref().err()?;
    while let FetchError::During { source, .. } = error {
        error = source;
    }
    Some(error)
}

#[cfg(not(feature = "loom"))]
mod runtime {
    use super::root_cause;
    use super::subject::{Backend, BackendError, Context, FetchError, Request, fetch};
    use grader::threads::Baseline;
    use grader::{ensure, fail};
    use std::error::Error;
    use std::fs;
    use std::panic::{self, AssertUnwindSafe};
    use std::path::Path;
    use std::thread;
    use std::time::{Duration, Instant};

    use interleave_sync::channel::{Receiver, after, select, unbounded};

    /// How long a fetch whose context has ended gets to return. A fetch that watches its context
    /// returns within microseconds; this only bounds the wait for one that does not.
    const PROMPTLY: Duration = Duration::from_secs(2);

    /// How long the context of the deadline check lives: long enough that fetch has surely
    /// sent its request before the deadline, even on a busy machine, so that it meets the
    /// deadline while it waits and not in its first look at the context.
    const DEADLINE: Duration = Duration::from_millis(300);

    /// The deadline of the cancel check's context: never reached while the check runs.
    const FAR_DEADLINE: Duration = Duration::from_secs(600);

    /// The key every fetch asks for.
    const KEY: &str = "user:42";

    /// What a fetch on another thread returned, and when.
    type Outcome = (Result<Vec<u8>, FetchError>, Instant);

    /// Starts `fetch` on a thread named `fetch` and returns a receiver for what it returns. The
    /// thread is never joined here: a fetch that does not return must not stop the check.
    fn fetch_on_a_thread(ctx: Context, backend: Backend) -> Receiver<Outcome> {
        let (outcome, receiver) = unbounded();
        thread::Builder::new()
            .name("fetch".into())
            .spawn(move || {
                let result = fetch(&ctx, &backend, KEY);
                let _ = outcome.send((result, Instant::now()));
            })
            .expect("the grader can start a thread");
        receiver
    }

    /// Takes the request the fetch sent, as the backend thread would. A fetch that returns
    /// instead, before it has sent anything, fails the check with what it returned.
    fn take_request(requests: &Receiver<Request>, outcome: &Receiver<Outcome>) -> Request {
        select! {
            recv(requests) -> request => match request {
                Ok(request) => request,
                Err(_) => fail!(WrongResult, "the backend went away before fetch sent a request"),
            },
            recv(outcome) -> returned => fail!(
                WrongResult,
                "fetch({KEY:?}) returned {:?} before it sent its request, though its context \
                 had not ended",
                returned.map(|(result, _)| result)
            ),
            recv(after(PROMPTLY)) -> _ => fail!(
                WrongResult,
                "fetch({KEY:?}) sent no request to the backend within {} s",
                PROMPTLY.as_secs()
            ),
        }
    }

    /// Cancellation is honoured: cancelling while fetch waits for a reply that never comes ends
    /// it at once with a cancellation error.
    #[test]
    fn cancel_mid_flight_returns_cancelled_at_once() {
        let (backend, requests) = Backend::new();
        // The context also has a deadline, far off: a cancel must end the wait whether or not
        // a deadline is set.
        let (ctx, cancel) = Context::with_deadline(Instant::now() + FAR_DEADLINE);
        let outcome = fetch_on_a_thread(ctx, backend);

        // The request reached the backend, so fetch is past its start and waiting (or about to
        // wait) for the reply. The request is held, unanswered, until the end of the check.
        let _request = take_request(&requests, &outcome);
        cancel.cancel();

        let Ok((result, _)) = outcome.recv_timeout(PROMPTLY) else {
            fail!(
                Hang,
                "the fetch was cancelled while it waited for its reply, and {} s later it was \
                 still waiting: nothing in fetch watches the context once the request is sent",
                PROMPTLY.as_secs()
            );
        };
        ensure!(
            WrongResult,
            matches!(root_cause(&result), Some(FetchError::Cancelled)),
            "the fetch was cancelled and returned {result:?}; it should fail with a cancellation \
             error (FetchError::Cancelled)"
        );
        let said = describe(&result);
        ensure!(
            WrongResult,
            said == "error: waiting for reply: cancelled",
            "the fetch was cancelled while it waited for its reply, and its error reads \
             \"{said}\"; it should name that step: \"error: waiting for reply: cancelled\""
        );
    }

    /// The deadline is honoured: a deadline that passes while fetch waits for a reply that never
    /// comes ends it, not before the deadline, with a deadline error.
    #[test]
    fn a_deadline_passing_mid_flight_ends_the_fetch() {
        let (backend, requests) = Backend::new();
        let deadline = Instant::now() + DEADLINE;
        let (ctx, _cancel) = Context::with_deadline(deadline);
        let outcome = fetch_on_a_thread(ctx, backend);
        // Nobody takes the request from the queue, so its reply channel stays open and no reply
        // comes until the end of the check.
        let _requests = requests;

        let Ok((result, returned_at)) = outcome.recv_timeout(DEADLINE + PROMPTLY) else {
            fail!(
                Hang,
                "the fetch's deadline passed {} ms after it started, and {} s later it was still \
                 waiting for its reply: nothing in fetch watches the deadline once the request is \
                 sent",
                DEADLINE.as_millis(),
                PROMPTLY.as_secs()
            );
        };
        ensure!(
            WrongResult,
            matches!(root_cause(&result), Some(FetchError::DeadlineExceeded)),
            "the fetch's deadline passed and it returned {result:?}; it should fail with a \
             deadline error (FetchError::DeadlineExceeded)"
        );
        ensure!(
            WrongResult,
            returned_at >= deadline,
            "the fetch gave up {} ms before its deadline",
            (deadline - returned_at).as_millis().max(1)
        );
        let said = describe(&result);
        ensure!(
            WrongResult,
            said == "error: waiting for reply: deadline exceeded",
            "the fetch's deadline passed while it waited for its reply, and its error reads \
             \"{said}\"; it should name that step: \"error: waiting for reply: deadline \
             exceeded\""
        );
    }

    /// Nothing is left blocked: once a fetch is cancelled, no thread still waits for its reply,
    /// although the reply channel stays open.
    #[test]
    fn a_cancelled_fetch_leaves_no_thread_behind() {
        let baseline = Baseline::take();
        let (backend, requests) = Backend::new();
        let (ctx, cancel) = Context::with_cancel();
        let outcome = fetch_on_a_thread(ctx, backend);

        // Holding the request keeps its reply channel open: a thread still waiting for the
        // reply stays blocked, and shows up below.
        let _request = take_request(&requests, &outcome);
        cancel.cancel();
        baseline.assert_no_new_threads("cancel()");
    }

    /// Errors name their step: the chain of sources of every error a fetch can meet, as a
    /// caller would print it, recorded from the reference solution.
    #[test]
    fn every_error_names_the_step_that_failed() {
        let scenarios: [(&str, &str, Answer); 4] = [
            ("value found", KEY, |r| {
                let _ = r.reply.send(Ok(b"Ada".to_vec()));
            }),
            ("key with a space", "user 42", drop),
            ("no value for the key", KEY, |r| {
                let _ = r.reply.send(Err(BackendError::NotFound));
            }),
            ("request dropped unanswered", KEY, drop),
        ];

        let mut report = String::new();
        for (name, key, answer) in scenarios {
            let (backend, requests) = Backend::new();
            let result = thread::scope(|s| {
                // The backend answers the one request it may get, and stops when the handle is
                // dropped after the fetch.
                s.spawn(move || {
                    if let Ok(request) = requests.recv() {
                        answer(request);
                    }
                });
                let result = fetch(&Context::background(), &backend, key);
                drop(backend);
                result
            });
            report.push_str(&format!("{name}: {}\n", describe(&result)));
        }

        let (backend, requests) = Backend::new();
        drop(requests);
        let result = fetch(&Context::background(), &backend, KEY);
        report.push_str(&format!("backend stopped: {}\n", describe(&result)));

        // insta judges; its diff goes to the test's output, which a learner does not see, so a
        // mismatch is explained again, line by line, in the verdict.
        let judged = panic::catch_unwind(AssertUnwindSafe(|| {
            insta::assert_snapshot!("error_chains", report);
        }));
        if judged.is_err() {
            fail!(
                WrongResult,
                "the errors fetch returned differ from the reference solution's ({SNAPSHOT}):\n{}",
                differences(&recorded(), &report)
            );
        }
    }

    /// Where the reference solution's error chains are recorded, relative to the workspace.
    const SNAPSHOT: &str = "grader/tests/snapshots/exercise_02__runtime__error_chains.snap";

    /// The recorded report: the snapshot file without insta's header.
    fn recorded() -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(SNAPSHOT);
        let text = fs::read_to_string(&path).unwrap_or_default();
        // The header is a YAML block between two `---` lines.
        text.splitn(3, "---\n").nth(2).unwrap_or_default().to_owned()
    }

    /// The scenarios whose line in `got` differs from `expected`, each with both outcomes.
    fn differences(expected: &str, got: &str) -> String {
        let expected: Vec<&str> = expected.lines().collect();
        let got: Vec<&str> = got.lines().collect();
        let mut text = String::new();
        for i in 0..expected.len().max(got.len()) {
            let (want, have) = (expected.get(i).copied(), got.get(i).copied());
            if want == have {
                continue;
            }
            let (name, want) = split(want);
            let (_, have) = split(have);
            text.push_str(&format!("{name}\n  got:      {have}\n  expected: {want}\n"));
        }
        text
    }

    /// A report line's scenario and outcome; no scenario name holds a colon.
    fn split(line: Option<&str>) -> (&str, &str) {
        match line {
            Some(line) => line.split_once(": ").unwrap_or(("?", line)),
            None => ("?", "(nothing)"),
        }
    }

    /// What the backend does with the one request it gets.
    type Answer = fn(Request);

    /// A result as a caller would log it: the value, or each error of the chain, outermost
    /// first, joined by ": ".
    fn describe(result: &Result<Vec<u8>, FetchError>) -> String {
        let error = match result {
            Ok(value) => return format!("ok {:?}", String::from_utf8_lossy(value)),
            Err(error) => error,
        };
        let mut chain = vec![error.to_string()];
        let mut source = error.source();
        while let Some(inner) = source {
            chain.push(inner.to_string());
            source = inner.source();
        }
        format!("error: {}", chain.join(": "))
    }
}

#[cfg(feature = "loom")]
mod models {
    use super::root_cause;
    use super::subject::{Backend, Context, FetchError, fetch};
    use grader::ensure;
    use interleave_sync::thread;

    /// Two threads (the caller and the fetch) and the channels' own locks: every interleaving,
    /// unbounded. Measured on the reference solution in a dev build: 28 interleavings, under
    /// 0.01 s.
    const PREEMPTION_BOUND: Option<usize> = None;

    /// Cancel racing the fetch, with no reply ever coming: whether the cancel lands before the
    /// fetch starts, before it sends, or while it waits, fetch returns a cancellation error and
    /// no thread stays blocked.
    #[test]
    fn cancel_racing_fetch_with_no_reply_ends_it() {
        grader::model::check(PREEMPTION_BOUND, || {
            let (backend, requests) = Backend::new();
            let (ctx, cancel) = Context::with_cancel();
            let fetching = thread::spawn(move || fetch(&ctx, &backend, "user:42"));

            cancel.cancel();
            // Joining while `requests` (and so the request's reply channel) is still held: a
            // fetch that ignores the cancel never returns, and loom reports both threads blocked.
            let result = fetching.join().unwrap();
            ensure!(
                WrongResult,
                matches!(root_cause(&result), Some(FetchError::Cancelled)),
                "the fetch was cancelled, with no reply coming, and returned {result:?}; it should \
                 fail with a cancellation error"
            );
            drop(requests);
        });
    }
}
