//! `select!` for the loom channel: wait until the first of several operations can complete,
//! then complete exactly that one.
//!
//! The macro turns every arm into an `Arm` and hands them to `run`. `run` tries the arms in
//! order and stops at the first that completes; a disconnected channel completes too, with an
//! error. If none can and there is no `default` arm, it has registered one `Signal` with every
//! channel on the way (under each channel's lock, in the same step as its attempt, so no change
//! can slip between a failed attempt and the registration), sleeps on that signal, which any
//! change to any of the channels raises, and tries again. The arm order decides between several
//! ready arms, which keeps loom's runs deterministic; crossbeam picks one at random.
//!
//! The message of a `send` arm is evaluated when the `select!` starts, and dropped if another
//! arm completes; crossbeam evaluates it only for the arm it picks.

use super::{Chan, Receiver, RecvError, SendError, Sender, TryRecvError, TrySendError};
use loom::sync::{Arc, Condvar, Mutex};

/// A flag a blocked `select!` sleeps on.
pub struct Signal {
    /// Raised by a channel on any change; lowered by the sleeper when it wakes.
    raised: Mutex<bool>,
    /// The sleeper waits here for `raised`.
    wake: Condvar,
}

impl Signal {
    fn new() -> Self {
        Signal { raised: Mutex::new(false), wake: Condvar::new() }
    }

    /// Called by a channel, under its own lock, whenever it changes.
    pub(super) fn raise(&self) {
        *self.raised.lock().unwrap_or_else(|p| p.into_inner()) = true;
        // Only the `select!` that owns this signal ever waits on it.
        self.wake.notify_one();
    }

    /// Sleeps until some watched channel has changed since the last call.
    #[track_caller]
    fn wait(&self) {
        let mut raised = self.raised.lock().unwrap_or_else(|p| p.into_inner());
        while !*raised {
            raised = self.wake.wait(raised).unwrap_or_else(|p| p.into_inner());
        }
        *raised = false;
    }
}

impl<T> Chan<T> {
    fn unregister(&self, signal: &Arc<Signal>) {
        self.lock().selectors.retain(|other| !Arc::ptr_eq(other, signal));
    }
}

/// Types and the function the `select!` expansion names. Not part of the API.
pub mod __private {
    pub use super::{Arm, RecvArm, SendArm, run};
}

/// One operation of a `select!`.
pub trait Arm {
    /// Completes the operation if it can without waiting. If it cannot and `signal` is given,
    /// registers the signal with the channel in the same critical section, so that the next
    /// change raises it.
    fn attempt(&mut self, signal: Option<&Arc<Signal>>) -> bool;

    /// Takes back a signal registered by `attempt`.
    fn unregister(&self, signal: &Arc<Signal>);
}

/// A `recv(receiver) -> result` arm.
pub struct RecvArm<'a, T> {
    receiver: &'a Receiver<T>,
    result: Option<Result<T, RecvError>>,
}

impl<'a, T> RecvArm<'a, T> {
    pub fn new(receiver: &'a Receiver<T>) -> Self {
        RecvArm { receiver, result: None }
    }

    /// The result, if this is the arm that completed.
    pub fn into_result(self) -> Option<Result<T, RecvError>> {
        self.result
    }
}

impl<T> Arm for RecvArm<'_, T> {
    fn attempt(&mut self, signal: Option<&Arc<Signal>>) -> bool {
        let chan = &*self.receiver.chan;
        let mut state = chan.lock();
        self.result = match chan.try_pop(&mut state) {
            Ok(msg) => Some(Ok(msg)),
            Err(TryRecvError::Disconnected) => Some(Err(RecvError)),
            Err(TryRecvError::Empty) => {
                if let Some(signal) = signal {
                    state.selectors.push(Arc::clone(signal));
                }
                None
            }
        };
        self.result.is_some()
    }

    fn unregister(&self, signal: &Arc<Signal>) {
        self.receiver.chan.unregister(signal);
    }
}

/// A `send(sender, message) -> result` arm.
pub struct SendArm<'a, T> {
    sender: &'a Sender<T>,
    /// The message, until it is sent or handed back in a `SendError`.
    msg: Option<T>,
    result: Option<Result<(), SendError<T>>>,
}

impl<'a, T> SendArm<'a, T> {
    pub fn new(sender: &'a Sender<T>, msg: T) -> Self {
        SendArm { sender, msg: Some(msg), result: None }
    }

    /// The result, if this is the arm that completed.
    pub fn into_result(self) -> Option<Result<(), SendError<T>>> {
        self.result
    }
}

impl<T> Arm for SendArm<'_, T> {
    fn attempt(&mut self, signal: Option<&Arc<Signal>>) -> bool {
        let chan = &*self.sender.chan;
        let mut state = chan.lock();
        let msg = self.msg.take().expect("a send arm attempts only until it completes");
        self.result = match chan.try_push(&mut state, msg) {
            Ok(()) => Some(Ok(())),
            Err(TrySendError::Disconnected(msg)) => Some(Err(SendError(msg))),
            Err(TrySendError::Full(msg)) => {
                self.msg = Some(msg);
                if let Some(signal) = signal {
                    state.selectors.push(Arc::clone(signal));
                }
                None
            }
        };
        self.result.is_some()
    }

    fn unregister(&self, signal: &Arc<Signal>) {
        self.sender.chan.unregister(signal);
    }
}

/// Completes the first arm, in order, that can complete. With `block` it waits for one;
/// without (a `default` arm exists) it returns at once, possibly having completed none.
#[track_caller]
pub fn run(arms: &mut [&mut dyn Arm], block: bool) {
    if !block {
        for arm in arms.iter_mut() {
            if arm.attempt(None) {
                return;
            }
        }
        return;
    }

    let signal = Arc::new(Signal::new());
    loop {
        // Every arm before the one that completes (or every arm, if none does) has registered
        // the signal and must take it back.
        let mut registered = 0;
        let completed = arms.iter_mut().any(|arm| {
            let done = arm.attempt(Some(&signal));
            registered += usize::from(!done);
            done
        });
        if !completed {
            signal.wait();
        }
        for arm in &arms[..registered] {
            arm.unregister(&signal);
        }
        if completed {
            return;
        }
    }
}

/// The loom twin of `crossbeam_channel::select!`; use it as `interleave_sync::channel::select`.
///
/// Supported arms: `recv(r) -> pat => body`, `send(s, msg) -> pat => body`, `default => body`
/// and `default(timeout) => body` (which never fires: time does not pass under loom), bodies being blocks or expressions, commas as in crossbeam, up to eight
/// channel arms. `pat` binds a `Result<T, RecvError>` or a `Result<(), SendError<T>>`.
#[doc(hidden)]
#[macro_export]
macro_rules! __loom_select {
    // The state threaded through the rules is `([arms done] [names left] [default body])`.
    // Reads one arm's head and hands the rest to `@body`.
    (@arm $state:tt recv($r:expr) -> $p:pat => $($rest:tt)*) => {
        $crate::__loom_select!(@body $state
            (($crate::channel::__private::RecvArm::new(&$r)) ($p)) $($rest)*)
    };
    (@arm $state:tt send($s:expr, $m:expr) -> $p:pat => $($rest:tt)*) => {
        $crate::__loom_select!(@body $state
            (($crate::channel::__private::SendArm::new(&$s, $m)) ($p)) $($rest)*)
    };
    // A timed default fires once its timeout has passed, and under loom time never passes: it
    // is a channel arm that never becomes ready.
    (@arm $state:tt default($t:expr) => $($rest:tt)*) => {
        $crate::__loom_select!(@body $state
            (($crate::channel::__private::RecvArm::new(
                &{ let _ = $t; $crate::channel::never::<()>() })) (_)) $($rest)*)
    };
    (@arm $state:tt default => $($rest:tt)*) => {
        $crate::__loom_select!(@body $state (default) $($rest)*)
    };
    (@arm $state:tt) => {
        $crate::__loom_select!(@emit $state)
    };
    (@arm $state:tt $($rest:tt)*) => {
        ::core::compile_error!(
            "expected `recv(r) -> pat => body`, `send(s, msg) -> pat => body`, `default => body` \
             or `default(timeout) => body`"
        )
    };

    // Reads one arm's body: a block with an optional comma, or an expression and a comma
    // unless it is the last arm.
    (@body $state:tt $head:tt $body:block , $($rest:tt)*) => {
        $crate::__loom_select!(@push $state $head ($body) $($rest)*)
    };
    (@body $state:tt $head:tt $body:block $($rest:tt)*) => {
        $crate::__loom_select!(@push $state $head ($body) $($rest)*)
    };
    (@body $state:tt $head:tt $body:expr , $($rest:tt)*) => {
        $crate::__loom_select!(@push $state $head ($body) $($rest)*)
    };
    (@body $state:tt $head:tt $body:expr) => {
        $crate::__loom_select!(@push $state $head ($body))
    };

    // Records the arm. A channel arm takes the next name: the names come from the entry rule,
    // so every rule that uses them sees the same identifiers.
    (@push ($done:tt $names:tt []) (default) $body:tt $($rest:tt)*) => {
        $crate::__loom_select!(@arm ($done $names [$body]) $($rest)*)
    };
    (@push ($done:tt $names:tt [$old:tt]) (default) $($rest:tt)*) => {
        ::core::compile_error!("a select! may have only one default arm")
    };
    (@push ([$($done:tt)*] [$name:ident $($names:ident)*] $default:tt) ($new:tt $p:tt)
        $body:tt $($rest:tt)*) => {
        $crate::__loom_select!(@arm ([$($done)* ($name $new $p $body)] [$($names)*] $default)
            $($rest)*)
    };
    (@push ($done:tt [] $default:tt) $($rest:tt)*) => {
        ::core::compile_error!("the loom select! supports at most eight channel arms")
    };

    // Builds the expression. The arms live in the scrutinee of a `match`, so temporaries such
    // as `recv(after(d))` live until it ends; they are consumed before the bodies run, so a
    // body may move the channel it used.
    (@emit ([$(($name:ident ($($new:tt)*) ($($p:tt)*) ($($body:tt)*)))*] $names:tt [])) => {
        match ($($($new)*,)*) {
            ($(mut $name,)*) => {
                $crate::channel::__private::run(
                    &mut [$(&mut $name as &mut dyn $crate::channel::__private::Arm),*],
                    true,
                );
                $(let $name = $name.into_result();)*
                $(if let ::core::option::Option::Some(result) = $name {
                    let $($p)* = result;
                    $($body)*
                } else)* {
                    ::core::unreachable!("a blocking select! returned without completing an arm")
                }
            }
        }
    };
    (@emit ([$(($name:ident ($($new:tt)*) ($($p:tt)*) ($($body:tt)*)))*] $names:tt
        [($($default:tt)*)])) => {
        match ($($($new)*,)*) {
            ($(mut $name,)*) => {
                $crate::channel::__private::run(
                    &mut [$(&mut $name as &mut dyn $crate::channel::__private::Arm),*],
                    false,
                );
                $(let $name = $name.into_result();)*
                $(if let ::core::option::Option::Some(result) = $name {
                    let $($p)* = result;
                    $($body)*
                } else)* {
                    $($default)*
                }
            }
        }
    };

    // Entry point.
    ($($arms:tt)*) => {
        $crate::__loom_select!(@arm ([] [arm0 arm1 arm2 arm3 arm4 arm5 arm6 arm7] [])
            $($arms)*)
    };
}
