//! Grading exercise 03, the message processor: handlers run at the same time, after `shutdown`
//! returns nothing the processor started may still run, and every message it took is handled
//! exactly once.
#![cfg(any(feature = "ex03", feature = "sol03"))]

#[cfg(feature = "ex03")]
use exercise_03 as subject;
#[cfg(all(feature = "sol03", not(feature = "ex03")))]
use solution_03 as subject;

#[cfg(not(feature = "loom"))]
mod runtime {
    use super::subject::Processor;
    use grader::overlap::Overlap;
    use grader::threads::Baseline;
    use interleave_sync::channel::unbounded;
    use std::sync::{Arc, Condvar, Mutex};
    use std::time::Duration;

    /// How long the messages get to be handled before the check gives up on them.
    const HANDLING_LIMIT: Duration = Duration::from_secs(5);

    /// Handlers of different messages overlap, and with the input still open, shutdown leaves
    /// no thread of the processor running.
    #[test]
    fn shutdown_with_input_open_leaves_no_thread_behind() {
        let baseline = Baseline::take();
        let overlap = Arc::new(Overlap::new());
        let handled = Arc::new((Mutex::new(0_usize), Condvar::new()));
        let (input, messages) = unbounded();

        let processor = Processor::start(messages, {
            let (overlap, handled) = (Arc::clone(&overlap), Arc::clone(&handled));
            move |_message| {
                // Each handler waits, while it is alone, for another to start beside it: a
                // processor that handles one message at a time never lets one in.
                drop(overlap.enter());
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
        grader::ensure!(
            LostParallelism,
            overlap.max_in_flight() >= 2,
            "the handlers ran one at a time: each message must be handled on a thread of its \
             own, so that a slow message does not hold up the others"
        );

        processor.shutdown();
        baseline.assert_no_new_threads("shutdown()");
        drop(input);
    }
}

#[cfg(feature = "loom")]
mod models {
    use super::subject::Processor;
    use grader::fail;
    use interleave_sync::channel::unbounded;
    use interleave_sync::sync::{Arc, Mutex};

    /// Three threads (the caller, the dispatcher, one handler) and one message: small enough to
    /// explore every interleaving. Measured on the reference solution, dev build: 819
    /// interleavings in 0.06 s.
    const PREEMPTION_BOUND: Option<usize> = None;

    /// What the handler and the caller saw, checked once more when the last thread lets go of
    /// it: only then is it known whether a message that was taken was ever handled.
    #[derive(Debug, Default)]
    struct Seen {
        handled: usize,
        shutdown_returned: bool,
        /// Messages still in the channel when shutdown returned.
        unread: usize,
    }

    impl Drop for Seen {
        fn drop(&mut self) {
            if self.shutdown_returned && self.handled + self.unread == 0 {
                fail!(
                    WrongResult,
                    "the message was taken from the channel but never handled: it was lost"
                );
            }
        }
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
                    if seen.handled > 1 {
                        fail!(WrongResult, "one message was sent but it was handled twice");
                    }
                }
            });
            input.send("only message".to_owned()).unwrap();
            processor.shutdown();

            let mut seen = seen.lock().unwrap();
            seen.shutdown_returned = true;
            seen.unread = unread.try_iter().count();
            drop(input);
        });
    }
}
