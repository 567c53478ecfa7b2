//! Scoped threads for loom builds: `scope`, `Scope` and `ScopedJoinHandle` with the API of
//! `std::thread`'s, which loom does not provide, built on `loom::thread::spawn`.
//!
//! loom spawns only `'static` closures, while a scoped thread borrows from the function that
//! called `scope`. `Scope::spawn` therefore erases the closure's lifetime, and the proof that
//! this is sound is the same as in std: `scope` joins every thread it spawned before it returns,
//! and also before it lets a panic of its closure unwind past it, so no thread outlives a borrow.
//!
//! The bookkeeping (which threads are still unjoined, their results) uses std's `Mutex`, not
//! loom's: it is no part of the code under test, and hiding it from loom keeps models small.
//! All loom threads run on one OS thread, so such a lock must never be held across a loom
//! operation, where loom may switch to another thread that wants it too.

use loom::thread::{JoinHandle, Thread};
use std::any::Any;
use std::io::{self, Write};
use std::marker::PhantomData;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard};

/// Spawns scoped threads that may borrow from outside the scope; every one of them has ended
/// when this returns. If the closure panics, the threads are joined before the panic goes on.
///
/// Unlike std, a panic in a scoped thread is not caught: as with `loom::thread::spawn`, it fails
/// the model at once, with the thread's own message. So `join` never returns `Err` here, and
/// the "a scoped thread panicked" panic of std cannot happen. Catching it would also catch
/// loom's own deadlock report raised inside the thread, and loom, asked to go on after that,
/// fails with an unrelated `Option::unwrap()` panic that hides the report.
pub fn scope<'env, F, T>(f: F) -> T
where
    F: for<'scope> FnOnce(&'scope Scope<'scope, 'env>) -> T,
{
    let scope = Scope { threads: Mutex::new(Vec::new()), scope: PhantomData, env: PhantomData };
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| f(&scope)));

    // Joining panics only when loom reports a failure (a deadlock) on this thread, and loom
    // then cannot run the other threads to their end. Some may still borrow from the caller,
    // so unwinding past this frame would let that borrow dangle if anyone caught the panic;
    // aborting is the only sound way out. Plain loom aborts on most deadlocks anyway.
    if let Err(join_failure) = panic::catch_unwind(AssertUnwindSafe(|| scope.join_all())) {
        let first_failure = outcome.as_ref().err().unwrap_or(&join_failure);
        abort_with_report(first_failure.as_ref());
    }

    match outcome {
        Ok(value) => value,
        Err(payload) => panic::resume_unwind(payload),
    }
}

/// A scope to spawn threads in; see `scope`.
pub struct Scope<'scope, 'env: 'scope> {
    /// One slot per thread spawned in this scope, joined or not, in spawn order.
    threads: Mutex<Vec<Arc<Slot>>>,
    /// `'scope` is invariant, as in std, so that a `&'scope Scope` cannot be shortened.
    scope: PhantomData<&'scope mut &'scope ()>,
    /// `'env` is invariant for the same reason.
    env: PhantomData<&'env mut &'env ()>,
}

/// A thread's loom handle, shared by the scope and the `ScopedJoinHandle` until the first of
/// them takes it to join the thread.
type Slot = Mutex<Option<JoinHandle<()>>>;

/// A handle to join one scoped thread and take its result.
pub struct ScopedJoinHandle<'scope, T> {
    slot: Arc<Slot>,
    /// Filled by the thread when its closure returns.
    result: Arc<Mutex<Option<T>>>,
    thread: Thread,
    scope: PhantomData<&'scope ()>,
}

impl<'scope> Scope<'scope, '_> {
    /// Spawns a thread that may borrow anything that outlives the scope. It is joined at the
    /// end of the scope at the latest.
    pub fn spawn<F, T>(&'scope self, f: F) -> ScopedJoinHandle<'scope, T>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        let result = Arc::new(Mutex::new(None));
        let their_result = Arc::clone(&result);
        let body: Box<dyn FnOnce() + Send + 'scope> = Box::new(move || {
            let value = f();
            *lock(&their_result) = Some(value);
        });
        // SAFETY: only the lifetime changes, from `'scope` to `'static`; the layout of a boxed
        // trait object does not depend on it. The closure and what it borrows live for
        // `'scope`, and the thread running it ends before `'scope` does, because:
        // 1. its handle goes into a slot in `threads` below, before this function returns;
        // 2. `scope` calls `join_all` after the user's closure returns or panics, and aborts
        //    the process if `join_all` cannot finish;
        // 3. `join_all` joins every slot still holding its handle. A handle taken out by
        //    `ScopedJoinHandle::join` is joined by the thread that took it, which is the
        //    closure of `scope` (finished by then) or a scoped thread (joined by `join_all`);
        //    the handle borrows `'scope`, so no other thread can hold it.
        // When loom abandons the model instead (a panic on any thread), it drops the other
        // threads while panicking, and its coroutine library then frees their stacks without
        // running any more of their code; a spawn still queued is dropped before that, while
        // every stack it may borrow from is still there.
        let body: Box<dyn FnOnce() + Send + 'static> = unsafe { std::mem::transmute(body) };

        let handle = loom::thread::spawn(body);
        let thread = handle.thread().clone();
        let slot = Arc::new(Mutex::new(Some(handle)));
        lock(&self.threads).push(Arc::clone(&slot));
        ScopedJoinHandle { slot, result, thread, scope: PhantomData }
    }

    /// Joins every thread not joined yet, including threads that those threads spawned.
    fn join_all(&self) {
        for next in 0.. {
            // Copy the slot out before joining: the thread being joined may itself spawn, and
            // so lock `threads`, before it ends.
            let Some(slot) = lock(&self.threads).get(next).cloned() else {
                return;
            };
            let handle = lock(&slot).take();
            if let Some(handle) = handle {
                // loom's join never returns `Err`: a panicking thread has failed the model.
                let _ = handle.join();
            }
        }
    }
}

impl<T> ScopedJoinHandle<'_, T> {
    /// Waits for the thread to end and returns what its closure returned. Under loom this is
    /// never `Err`: a panicking thread fails the model instead (see `scope`).
    pub fn join(self) -> std::thread::Result<T> {
        // Take the handle out first, so that the std lock is free while loom runs other threads.
        let handle = lock(&self.slot).take();
        let handle = handle.expect("only this handle or the end of its scope joins a thread");
        handle.join()?;
        Ok(lock(&self.result).take().expect("a joined scoped thread has stored its result"))
    }

    /// The thread's loom handle.
    pub fn thread(&self) -> &Thread {
        &self.thread
    }
}

/// Aborts the process after writing the failure loom reported straight to stderr: an abort
/// loses everything the test harness captured, including the panic message itself.
fn abort_with_report(payload: &(dyn Any + Send)) -> ! {
    let message = match (payload.downcast_ref::<String>(), payload.downcast_ref::<&str>()) {
        (Some(message), _) => message.as_str(),
        (None, Some(message)) => message,
        (None, None) => "(a panic without a message)",
    };
    let _ = writeln!(
        io::stderr(),
        "interleave-sync: loom reported a failure while scoped threads were still running: \
         {message}\ninterleave-sync: aborting, since unwinding past `thread::scope` would let \
         those threads outlive what they borrow"
    );
    std::process::abort()
}

/// Locks a bookkeeping mutex. Nothing panics while holding one, so poisoning cannot happen.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
