//! loom models of the facade's own loom twins: the bounded, unbounded and rendezvous channel,
//! `select!`, and scoped threads. Each model states its invariant in one line; loom checks it
//! in every interleaving of the threads involved.
//!
//! Run with `cargo test -p interleave-sync --features loom`. Two-thread models are explored
//! completely, and each takes well under 0.1 s in a dev build; three-thread models say what they
//! cost. The model showing that a real bug is found lives in `loom_facade_deadlock.rs`, because
//! a loom deadlock report can abort the test binary.
#![cfg(feature = "loom")]

use interleave_sync::channel::{self, RecvError, SendError, TryRecvError, TrySendError, select};
use interleave_sync::sync::Arc;
use interleave_sync::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use interleave_sync::thread;
use std::time::Duration;

// The handles may cross threads wherever crossbeam's and std's may. loom's `spawn` does not
// ask for `Send`, so the models alone would not notice if they could not.
const _: () = {
    const fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<channel::Sender<Vec<u8>>>();
    send_and_sync::<channel::Receiver<Vec<u8>>>();
    send_and_sync::<thread::Scope<'static, 'static>>();
    send_and_sync::<thread::ScopedJoinHandle<'static, Vec<u8>>>();
};

/// Preemptions explored in the three-thread channel models. Two runs
/// `rendezvous_two_senders_both_complete` in 0.15 s in a dev build (three: 1.4 s; unbounded:
/// 50 s), and already finds the lost wake-up that waking one sender instead of all would cause.
const THREE_THREAD_PREEMPTION_BOUND: usize = 2;

/// A second send into a full one-slot channel waits for a receive; messages arrive in order.
#[test]
fn bounded_send_blocks_until_recv_then_delivers_in_order() {
    loom::model(|| {
        let (tx, rx) = channel::bounded(1);
        let producer = thread::spawn(move || {
            tx.send(1).unwrap();
            tx.send(2).unwrap();
        });

        // The producer may be anywhere; the order and the final disconnect are fixed.
        assert_eq!(rx.recv(), Ok(1));
        assert_eq!(rx.recv(), Ok(2));
        assert_eq!(rx.recv(), Err(RecvError));
        producer.join().unwrap();
    });
}

/// A rendezvous send returns only after a receiver has taken the message.
#[test]
fn rendezvous_send_returns_only_after_the_message_is_taken() {
    loom::model(|| {
        let (tx, rx) = channel::bounded(0);
        let sent = Arc::new(AtomicBool::new(false));
        let producer = thread::spawn({
            let sent = Arc::clone(&sent);
            move || {
                tx.send(7).unwrap();
                // Relaxed is enough to catch an early return: loom lets the load below see
                // any store not ordered after it.
                sent.store(true, Ordering::Relaxed);
            }
        });

        // Nothing has been received yet, so the send cannot have returned.
        assert!(!sent.load(Ordering::Relaxed));
        assert_eq!(rx.recv(), Ok(7));
        producer.join().unwrap();
    });
}

/// A rendezvous sender whose receiver leaves without receiving gets its message back.
#[test]
fn rendezvous_send_gets_message_back_when_receiver_drops() {
    loom::model(|| {
        let (tx, rx) = channel::bounded(0);
        let producer = thread::spawn(move || tx.send(String::from("unsent")));

        drop(rx);
        // The message was never taken, whether or not the sender had already offered it.
        assert_eq!(producer.join().unwrap(), Err(SendError(String::from("unsent"))));
    });
}

/// `try_send` on a rendezvous channel succeeds only while a receiver is blocked in `recv`.
#[test]
fn rendezvous_try_send_needs_a_waiting_receiver() {
    loom::model(|| {
        let (tx, rx) = channel::bounded(0);
        assert_eq!(tx.try_send(1), Err(TrySendError::Full(1)));

        let consumer = thread::spawn(move || rx.recv());
        // Retry until the consumer waits; yielding lets loom run it instead of spinning.
        while let Err(TrySendError::Full(_)) = tx.try_send(2) {
            thread::yield_now();
        }
        assert_eq!(consumer.join().unwrap(), Ok(2));
    });
}

/// A sender blocked on a full channel wakes and gets its message back when the receiver drops.
#[test]
fn send_blocked_on_full_channel_fails_when_receiver_drops() {
    loom::model(|| {
        let (tx, rx) = channel::bounded(1);
        tx.send(1).unwrap();
        let producer = thread::spawn(move || tx.send(2));

        // The producer is blocked, or will find the receiver gone.
        drop(rx);
        assert_eq!(producer.join().unwrap(), Err(SendError(2)));
    });
}

/// Iteration over a receiver ends once the last of two senders is dropped, with every message.
#[test]
fn dropping_last_sender_ends_iteration() {
    loom::model(|| {
        let (tx, rx) = channel::unbounded();
        let tx2 = tx.clone();
        let producer = thread::spawn(move || tx2.send(1).unwrap());
        tx.send(2).unwrap();
        drop(tx);

        // Either order is legal; the iteration must end, and lose nothing.
        let mut got: Vec<i32> = rx.iter().collect();
        got.sort_unstable();
        assert_eq!(got, [1, 2]);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
        producer.join().unwrap();
    });
}

/// A blocked `select!` wakes when a cancel channel's only sender is dropped, and reports it.
#[test]
fn select_sees_disconnect_of_cancel_channel() {
    loom::model(|| {
        let (_work_tx, work_rx) = channel::unbounded::<i32>();
        let (cancel_tx, cancel_rx) = channel::bounded::<()>(1);
        let canceller = thread::spawn(move || drop(cancel_tx));

        // No work ever arrives, so only the disconnect can end this select.
        let cancelled = select! {
            recv(work_rx) -> _ => false,
            recv(cancel_rx) -> msg => msg == Err(RecvError),
        };
        assert!(cancelled);
        canceller.join().unwrap();
    });
}

/// A blocked `select!` takes a message sent on either channel, and exactly once.
#[test]
fn select_takes_message_from_the_channel_that_got_it() {
    loom::model(|| {
        let (tx1, rx1) = channel::unbounded::<i32>();
        let (tx2, rx2) = channel::unbounded::<i32>();
        let producer = thread::spawn(move || {
            tx2.send(2).unwrap();
            drop(tx1);
        });

        // Arm order breaks ties: once `tx1` is gone its disconnect wins over the message.
        let got = select! {
            recv(rx1) -> msg => msg.ok(),
            recv(rx2) -> msg => msg.ok(),
        };
        assert!(got == Some(2) || (got.is_none() && rx2.recv() == Ok(2)));
        producer.join().unwrap();
    });
}

/// A `select!` send arm on a full channel waits until a receive makes room.
#[test]
fn select_send_arm_waits_for_room() {
    loom::model(|| {
        let (tx, rx) = channel::bounded(1);
        tx.send(1).unwrap();
        let consumer = thread::spawn(move || (rx.recv(), rx.recv()));

        select! {
            send(tx, 2) -> res => assert_eq!(res, Ok(())),
            recv(channel::after(Duration::from_secs(1))) -> _ => unreachable!("time stands still"),
        }
        assert_eq!(consumer.join().unwrap(), (Ok(1), Ok(2)));
    });
}

/// `select!` with a `default` arm never blocks and takes the default only if nothing is ready.
#[test]
fn select_with_default_does_not_block() {
    loom::model(|| {
        let (tx, rx) = channel::unbounded();
        let producer = thread::spawn(move || tx.send(1).unwrap());

        // The message may or may not be there yet, but it is never lost.
        let early = select! {
            recv(rx) -> msg => msg.ok(),
            default => None,
        };
        producer.join().unwrap();
        assert_eq!(early.or_else(|| rx.try_recv().ok()), Some(1));
    });
}

/// `scope` returns only after every thread it spawned has finished, joined or not.
///
/// Three threads, explored completely: under 10 ms in a dev build.
#[test]
fn scope_joins_all_threads_before_returning() {
    loom::model(|| {
        let done = AtomicUsize::new(0);
        let names = vec!["a", "b"];

        let first = thread::scope(|s| {
            let a = s.spawn(|| {
                done.fetch_add(1, Ordering::Relaxed);
                names[0]
            });
            s.spawn(|| {
                done.fetch_add(1, Ordering::Relaxed);
            });
            a.join().unwrap()
        });

        // Relaxed suffices: the scope's joins order both increments before this load.
        assert_eq!(done.load(Ordering::Relaxed), 2);
        assert_eq!(first, "a");
        drop(names);
    });
}

/// A scoped thread may spawn into its scope; `scope` still waits for the grandchild.
#[test]
fn scope_waits_for_threads_spawned_by_scoped_threads() {
    loom::model(|| {
        let done = AtomicBool::new(false);
        thread::scope(|s| {
            s.spawn(|| {
                s.spawn(|| done.store(true, Ordering::Relaxed));
            });
        });
        // Relaxed suffices: joining the grandchild ordered its store before this load.
        assert!(done.load(Ordering::Relaxed));
    });
}

/// Two senders on a rendezvous channel both finish, and each message is received once.
#[test]
fn rendezvous_two_senders_both_complete() {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(THREE_THREAD_PREEMPTION_BOUND);
    builder.check(|| {
        let (tx, rx) = channel::bounded(0);
        let tx2 = tx.clone();
        let first = thread::spawn(move || tx.send(1).unwrap());
        let second = thread::spawn(move || tx2.send(2).unwrap());

        // Each sender waits for its own message to be taken; both must be released.
        let mut got = [rx.recv().unwrap(), rx.recv().unwrap()];
        got.sort_unstable();
        assert_eq!(got, [1, 2]);
        first.join().unwrap();
        second.join().unwrap();
    });
}

/// A timed default never fires under loom: the select waits for the channel instead.
#[test]
fn timed_default_waits_for_the_message_under_loom() {
    loom::model(|| {
        let (tx, rx) = channel::bounded::<i32>(1);
        let sender = thread::spawn(move || tx.send(7).unwrap());
        let got = channel::select! {
            recv(rx) -> msg => msg.unwrap(),
            default(std::time::Duration::from_millis(1)) => -1,
        };
        assert_eq!(got, 7);
        sender.join().unwrap();
    });
}
