//! A multi-producer multi-consumer channel with the part of crossbeam-channel's API that the
//! exercises use, built only from loom's `Mutex`, `Condvar` and `Arc` so that loom sees (and
//! explores) every step a send or receive takes.
//!
//! Every channel is one queue behind one lock. Blocked receivers sleep on one condition
//! variable, blocked senders on another, and a blocked `select!` registers a signal of its own
//! with every channel it watches (see `select.rs`). Speed is no goal here: each lock is a point
//! where loom may switch threads, so fewer and simpler steps mean smaller models.
//!
//! Time does not pass under loom, so `recv_timeout` waits like `recv` and `after` never fires.
//! A model that relies on a timeout to make progress therefore ends in a deadlock report, which
//! is the honest answer: without the timeout the program would hang.

mod error;
mod select;

pub use error::{RecvError, RecvTimeoutError, SendError, TryRecvError, TrySendError};
#[doc(hidden)]
pub use select::__private;

/// `select!` with crossbeam's syntax and its `recv`, `send` and `default` arms.
///
/// It differs from crossbeam's in three ways: among ready arms the first wins (crossbeam picks
/// at random), a `send` arm's message is evaluated up front (crossbeam evaluates only the
/// chosen one), and at most eight channel arms are allowed. A `macro_rules!` macro used by
/// other crates needs `#[macro_export]`; the exported name is hidden and this is its path.
pub use crate::__loom_select as select;

use loom::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::collections::VecDeque;
use std::fmt;
use std::iter::FusedIterator;
use std::time::{Duration, Instant};

/// Creates a channel holding at most `cap` messages; `send` blocks while it is full.
///
/// With `cap == 0` the channel is a rendezvous: `send` returns only once a receiver has taken
/// the message, and `try_send` (or a `select!` send arm) succeeds only while a receiver is
/// blocked in `recv`. Unlike crossbeam, a receiver blocked in `select!` does not count as
/// waiting, so a `select!` send arm never meets a `select!` receive arm on such a channel.
pub fn bounded<T>(cap: usize) -> (Sender<T>, Receiver<T>) {
    pair(new_chan(Some(cap), 1))
}

/// Creates a channel with no capacity limit; `send` never blocks.
pub fn unbounded<T>() -> (Sender<T>, Receiver<T>) {
    pair(new_chan(None, 1))
}

/// Creates a receiver that never delivers a message and never disconnects.
pub fn never<T>() -> Receiver<T> {
    // One sender is counted but no `Sender` handle exists: nobody can send, and nobody can be
    // the last sender to leave.
    Receiver { chan: new_chan(None, 1) }
}

/// Creates a receiver that, in crossbeam, delivers the current time once `duration` has passed.
///
/// Under loom time never passes, so this receiver never delivers: it behaves like `never()`.
pub fn after(duration: Duration) -> Receiver<Instant> {
    let _ = duration;
    never()
}

/// Builds the shared part of a channel counting `senders` sender handles and one receiver.
fn new_chan<T>(cap: Option<usize>, senders: usize) -> Arc<Chan<T>> {
    Arc::new(Chan {
        cap,
        state: Mutex::new(State {
            queue: VecDeque::new(),
            senders,
            receivers: 1,
            taken: 0,
            waiting_receivers: 0,
            selectors: Vec::new(),
        }),
        filled: Condvar::new(),
        drained: Condvar::new(),
    })
}

fn pair<T>(chan: Arc<Chan<T>>) -> (Sender<T>, Receiver<T>) {
    (Sender { chan: Arc::clone(&chan) }, Receiver { chan })
}

/// The shared part of a channel.
struct Chan<T> {
    /// `None` for an unbounded channel, `Some(0)` for a rendezvous channel.
    cap: Option<usize>,
    /// Everything that changes, behind the one lock.
    state: Mutex<State<T>>,
    /// Receivers wait here for a message or for the last sender to leave.
    filled: Condvar,
    /// Senders wait here for room, for a rendezvous partner to take their message, or for the
    /// last receiver to leave.
    drained: Condvar,
}

/// The state of a channel, guarded by `Chan::state`.
struct State<T> {
    /// Messages sent and not yet received, oldest first. A rendezvous channel holds at most
    /// one: the message of the sender currently waiting for a taker.
    queue: VecDeque<T>,
    /// Live sender handles; zero means disconnected for receivers.
    senders: usize,
    /// Live receiver handles; zero means disconnected for senders.
    receivers: usize,
    /// Messages received so far. A rendezvous sender whose message was number `n` knows it
    /// has been taken once `taken > n`.
    taken: u64,
    /// Receivers blocked in `recv` right now; a rendezvous `try_send` needs one.
    waiting_receivers: usize,
    /// Signals of blocked `select!` calls watching this channel, raised on every change.
    selectors: Vec<Arc<select::Signal>>,
}

impl<T> Chan<T> {
    #[track_caller]
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A panic while holding this lock already fails the model, so poisoning adds nothing.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// True when a message sent now would not have to wait for room.
    fn has_room(&self, state: &State<T>) -> bool {
        match self.cap {
            None => true,
            Some(0) => state.queue.is_empty(),
            Some(cap) => state.queue.len() < cap,
        }
    }

    /// Sends without blocking, the common core of `try_send` and a `select!` send arm.
    fn try_push(&self, state: &mut State<T>, msg: T) -> Result<(), TrySendError<T>> {
        if state.receivers == 0 {
            return Err(TrySendError::Disconnected(msg));
        }
        let partner_waiting = self.cap != Some(0) || state.waiting_receivers > 0;
        if !self.has_room(state) || !partner_waiting {
            return Err(TrySendError::Full(msg));
        }
        self.push(state, msg);
        Ok(())
    }

    /// Appends a message, wakes one receiver and every selector, and returns the message's
    /// number (see `State::taken`).
    fn push(&self, state: &mut State<T>, msg: T) -> u64 {
        let number = state.taken + state.queue.len() as u64;
        state.queue.push_back(msg);
        self.filled.notify_one();
        raise_all(state);
        number
    }

    /// Receives without blocking, the common core of `try_recv`, `recv` and a `select!` arm.
    fn try_pop(&self, state: &mut State<T>) -> Result<T, TryRecvError> {
        let Some(msg) = state.queue.pop_front() else {
            return Err(match state.senders {
                0 => TryRecvError::Disconnected,
                _ => TryRecvError::Empty,
            });
        };
        state.taken += 1;
        if self.cap == Some(0) {
            // Both the sender waiting for this message to be taken and the next sender waiting
            // for the slot sleep on `drained`; waking only one could wake the wrong one.
            self.drained.notify_all();
        } else {
            // Exactly one message slot came free, so one waiting sender can use it.
            self.drained.notify_one();
        }
        raise_all(state);
        Ok(msg)
    }
}

/// Wakes every `select!` blocked on this channel so that it looks again.
fn raise_all<T>(state: &State<T>) {
    for signal in &state.selectors {
        signal.raise();
    }
}

/// The sending half of a channel. Cloning adds a sender; the channel disconnects for receivers
/// when the last one is dropped.
pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

/// The receiving half of a channel. Cloning adds a receiver; the channel disconnects for
/// senders when the last one is dropped.
pub struct Receiver<T> {
    chan: Arc<Chan<T>>,
}

impl<T> Sender<T> {
    /// Sends a message, waiting for room in a full bounded channel (and, in a rendezvous
    /// channel, for a receiver to take it). Fails, handing the message back, once every
    /// receiver is gone.
    #[track_caller]
    pub fn send(&self, msg: T) -> Result<(), SendError<T>> {
        let chan = &*self.chan;
        let mut state = chan.lock();
        while state.receivers > 0 && !chan.has_room(&state) {
            state = chan.drained.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        if state.receivers == 0 {
            return Err(SendError(msg));
        }
        let number = chan.push(&mut state, msg);
        if chan.cap != Some(0) {
            return Ok(());
        }

        // Rendezvous: the message counts as sent only once a receiver has taken it.
        while state.receivers > 0 && state.taken <= number {
            state = chan.drained.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        if state.taken > number {
            return Ok(());
        }
        // The last receiver left first. The slot holds one message, so it is ours.
        let msg = state.queue.pop_front().expect("an untaken rendezvous message is in the slot");
        Err(SendError(msg))
    }

    /// Sends a message if that needs no waiting; otherwise hands it back.
    pub fn try_send(&self, msg: T) -> Result<(), TrySendError<T>> {
        let mut state = self.chan.lock();
        self.chan.try_push(&mut state, msg)
    }

    /// Messages waiting in the channel (always zero for a rendezvous channel, as in crossbeam).
    pub fn len(&self) -> usize {
        queue_len(&self.chan)
    }

    /// True when no message is waiting in the channel.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The channel's capacity; `None` for an unbounded channel.
    pub fn capacity(&self) -> Option<usize> {
        self.chan.cap
    }
}

impl<T> Receiver<T> {
    /// Receives a message, waiting for one. Fails once the channel is empty and every sender
    /// is gone.
    #[track_caller]
    pub fn recv(&self) -> Result<T, RecvError> {
        let chan = &*self.chan;
        let mut state = chan.lock();
        loop {
            match chan.try_pop(&mut state) {
                Ok(msg) => return Ok(msg),
                Err(TryRecvError::Disconnected) => return Err(RecvError),
                Err(TryRecvError::Empty) => {}
            }
            state.waiting_receivers += 1;
            if chan.cap == Some(0) {
                // A `select!` send arm on a rendezvous channel is ready only while a receiver
                // waits, so it must look again now.
                raise_all(&state);
            }
            state = chan.filled.wait(state).unwrap_or_else(|p| p.into_inner());
            state.waiting_receivers -= 1;
        }
    }

    /// Receives a message if one is waiting.
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        let mut state = self.chan.lock();
        self.chan.try_pop(&mut state)
    }

    /// Waits like `recv`. Time does not pass under loom, so this never returns `Timeout`: a
    /// model whose progress depends on the timeout firing is reported as a deadlock.
    #[track_caller]
    pub fn recv_timeout(&self, timeout: Duration) -> Result<T, RecvTimeoutError> {
        let _ = timeout;
        self.recv().map_err(RecvTimeoutError::from)
    }

    /// Iterates over messages, blocking for each, until the channel disconnects.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter { receiver: self }
    }

    /// Iterates over the messages waiting now, without blocking.
    pub fn try_iter(&self) -> TryIter<'_, T> {
        TryIter { receiver: self }
    }

    /// Messages waiting in the channel (always zero for a rendezvous channel, as in crossbeam).
    pub fn len(&self) -> usize {
        queue_len(&self.chan)
    }

    /// True when no message is waiting in the channel.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The channel's capacity; `None` for an unbounded channel.
    pub fn capacity(&self) -> Option<usize> {
        self.chan.cap
    }
}

fn queue_len<T>(chan: &Chan<T>) -> usize {
    match chan.cap {
        Some(0) => 0,
        _ => chan.lock().queue.len(),
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.chan.lock().senders += 1;
        Sender { chan: Arc::clone(&self.chan) }
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        self.chan.lock().receivers += 1;
        Receiver { chan: Arc::clone(&self.chan) }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut state = self.chan.lock();
        state.senders -= 1;
        if state.senders == 0 {
            // Every blocked receiver must see the disconnect, not just one.
            self.chan.filled.notify_all();
            raise_all(&state);
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut state = self.chan.lock();
        state.receivers -= 1;
        if state.receivers == 0 {
            // Every blocked sender must see the disconnect and take its message back.
            self.chan.drained.notify_all();
            raise_all(&state);
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("Sender { .. }")
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("Receiver { .. }")
    }
}

/// Blocking iterator over a receiver's messages; ends when the channel disconnects.
pub struct Iter<'a, T> {
    receiver: &'a Receiver<T>,
}

/// Non-blocking iterator over the messages waiting in a channel.
pub struct TryIter<'a, T> {
    receiver: &'a Receiver<T>,
}

/// Owning blocking iterator over a receiver's messages; ends when the channel disconnects.
pub struct IntoIter<T> {
    receiver: Receiver<T>,
}

impl<T> Iterator for Iter<'_, T> {
    type Item = T;

    #[track_caller]
    fn next(&mut self) -> Option<T> {
        self.receiver.recv().ok()
    }
}

impl<T> Iterator for TryIter<'_, T> {
    type Item = T;

    #[track_caller]
    fn next(&mut self) -> Option<T> {
        self.receiver.try_recv().ok()
    }
}

impl<T> Iterator for IntoIter<T> {
    type Item = T;

    #[track_caller]
    fn next(&mut self) -> Option<T> {
        self.receiver.recv().ok()
    }
}

// Once disconnected and empty a channel stays so: nobody can add a sender to it.
impl<T> FusedIterator for Iter<'_, T> {}
impl<T> FusedIterator for IntoIter<T> {}

impl<'a, T> IntoIterator for &'a Receiver<T> {
    type Item = T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<T> IntoIterator for Receiver<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;

    fn into_iter(self) -> IntoIter<T> {
        IntoIter { receiver: self }
    }
}

impl<T> fmt::Debug for Iter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("Iter { .. }")
    }
}

impl<T> fmt::Debug for TryIter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("TryIter { .. }")
    }
}

impl<T> fmt::Debug for IntoIter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("IntoIter { .. }")
    }
}
