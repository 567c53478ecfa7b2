//! Grading exercise 03, the message processor: after `shutdown` returns, nothing the processor
//! started may still run, and every message it took is handled exactly once.
#![cfg(any(feature = "ex03", feature = "sol03"))]

#[cfg(feature = "ex03")]
use exercise_03 as subject;
#[cfg(all(feature = "sol03", not(feature = "ex03")))]
use solution_03 as subject;

#[cfg(not(feature = "loom"))]
mod runtime {
    use super::subject::Processor;
    use grader::threads::Baseline;
    use interleave_sync::channel::unbounded;
    use std::sync::{Arc, Condvar, Mutex};
    use std::time::Duration;

    /// How long the messages get to be handled before the check gives up on them.
    const HANDLING_LIMIT: Duration = Duration::from_secs(5);

    /// With the input still open, shutdown leaves no thread of the processor running.
    #[test]
    fn shutdown_with_input_open_leaves_no_thread_behind() {
        let baseline = Baseline::take();
        let handled = Arc::new((Mutex::new(0_usize), Condvar::new()));
        let (input, messages) = unbounded();

        let processor = Processor::start(messages, {
            let handled = Arc::clone(&handled);
            move |_message| {
                *handled.0.lock().unwrap() += 1;
                handled.1.notify_all();
            }
        });
        for i in 0..3 {
            input.send(format!("message {i}")).unwrap();
        }

        // Wait until the three messages were handled, so the processor is idle with its input
        // open: the state a long-lived service is in when it is asked to stop.
        let count = handled.0.lock().unwrap();
        let (count, _) = handled.1.wait_timeout_while(count, HANDLING_LIMIT, |n| *n < 3).unwrap();
        grader::ensure!(
            WrongResult,
            *count == 3,
            "only {} of 3 messages were handled within {} s",
            *count,
            HANDLING_LIMIT.as_secs()
        );
        drop(count);

        processor.shutdown();
        baseline.assert_no_new_threads("shutdown()");
        drop(input);
    }
}

#[cfg(feature = "loom")]
mod models {
    use super::subject::Processor;
    use grader::{ensure, fail};
    use interleave_sync::channel::unbounded;
    use interleave_sync::sync::{Arc, Mutex};

    /// Three threads (the caller, the dispatcher, one handler) and one message: small enough to
    /// explore every interleaving. Measured on the reference solution, dev build: 819
    /// interleavings in 0.06 s.
    const PREEMPTION_BOUND: Option<usize> = None;

    #[derive(Debug, Default)]
    struct Seen {
        handled: usize,
        shutdown_returned: bool,
    }

    /// Whatever the interleaving, once shutdown returns no handler runs any more, and the one
    /// message sent was handled exactly once or is still waiting in the channel.
    #[test]
    fn after_shutdown_no_handler_runs_and_each_message_is_handled_once() {
        grader::model::check(PREEMPTION_BOUND, || {
            let seen = Arc::new(Mutex::new(Seen::default()));
            let (input, messages) = unbounded();
            let unread = messages.clone();

            let processor = Processor::start(messages, {
                let seen = Arc::clone(&seen);
                move |_message| {
                    let mut seen = seen.lock().unwrap();
                    if seen.shutdown_returned {
                        fail!(LeakedThread, "a message handler ran after shutdown() had returned");
                    }
                    seen.handled += 1;
                }
            });
            input.send("only message".to_owned()).unwrap();
            processor.shutdown();

            let mut seen = seen.lock().unwrap();
            seen.shutdown_returned = true;
            let waiting = unread.try_iter().count();
            ensure!(
                WrongResult,
                seen.handled <= 1,
                "one message was sent but it was handled {} times",
                seen.handled
            );
            ensure!(
                LeakedThread,
                seen.handled + waiting == 1,
                "shutdown() returned while the message it had taken was not handled yet: its \
                 handler was still to run"
            );
            drop(input);
        });
    }
}
