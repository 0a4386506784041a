//! The executor that drives every handler future, and the recovery after a trap.
//!
//! Tasks are polled only in calls that the entry shim makes through its `enter` guard: a
//! handler export polls its new task once ([`spawn_entered`]), a promise settlement polls the
//! task waiting for it, and [`drain`] polls queued tasks from a microtask. When such a call
//! throws (a panic, which aborts, or a real trap), the guard restores the stack pointer and calls
//! [`recover`], which fails the one task that was being polled and drains the rest. No `RefCell`
//! of the executor is borrowed while user code runs, so a trap never leaves the executor itself
//! in a broken state. Callbacks that JavaScript calls directly only queue tasks.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;

type TaskFuture = Pin<Box<dyn Future<Output = ()>>>;

/// The callback that settles a task whose poll a trap cut short, given the panic or trap message.
pub(crate) type TrapHandler = Box<dyn FnOnce(&str)>;

struct Task {
    /// `None` while the task is being polled, after it finished, or after it died in a trap.
    future: RefCell<Option<TaskFuture>>,
    queued: Cell<bool>,
    on_trap: Cell<Option<TrapHandler>>,
}

thread_local! {
    static QUEUE: RefCell<VecDeque<Rc<Task>>> = const { RefCell::new(VecDeque::new()) };
    /// True from the moment a drain is scheduled until that drain has emptied the queue.
    static DRAIN_PENDING: Cell<bool> = const { Cell::new(false) };
    static RUNNING: RefCell<Option<Rc<Task>>> = const { RefCell::new(None) };
    /// The shim's function that queues one guarded call of `__worker_drain` in a microtask.
    static SCHEDULER: RefCell<Option<Function>> = const { RefCell::new(None) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Tasks not yet finished plus [`LivePin`]s: while it is above zero, a reset of the instance
    /// would break something that JavaScript still holds.
    static LIVE: Cell<usize> = const { Cell::new(0) };
    /// Traps since the instance was created; each one leaked what its task owned.
    static TRAPS: Cell<u32> = const { Cell::new(0) };
}

/// After this many traps the runtime requests a fresh instance from the shim, at the first moment
/// when nothing is alive on this one. A trap leaks the memory its task owned (there is no
/// unwinding), so without this a worker that panics now and then would grow without bound.
const RESET_AFTER_TRAPS: u32 = 16;

/// Keeps the instance from being reset while a JavaScript object still calls into Rust state
/// outside any task, such as a `ReadableStream` fed by a Rust stream.
pub(crate) struct LivePin(());

impl LivePin {
    pub(crate) fn new() -> Self {
        LIVE.set(LIVE.get() + 1);
        LivePin(())
    }
}

impl Drop for LivePin {
    fn drop(&mut self) {
        LIVE.set(LIVE.get().saturating_sub(1));
    }
}

/// Runs `future` to completion in the background, on the worker's executor.
///
/// `on_trap` runs instead of the rest of the future if a panic or trap interrupts it.
pub(crate) fn spawn(future: impl Future<Output = ()> + 'static, on_trap: Option<TrapHandler>) {
    enqueue(new_task(future, on_trap));
}

/// Creates a task, counted as live until it finishes, without queueing it.
fn new_task(future: impl Future<Output = ()> + 'static, on_trap: Option<TrapHandler>) -> Rc<Task> {
    let task = Rc::new(Task {
        future: RefCell::new(Some(Box::pin(future))),
        queued: Cell::new(false),
        on_trap: Cell::new(on_trap),
    });
    LIVE.set(LIVE.get() + 1);
    task
}

/// Runs `future` on the executor and returns a promise that settles with its result.
///
/// A panic or trap inside the future settles the promise through `on_trap`, which receives the
/// resolve and reject functions and the panic message.
pub(crate) fn spawn_promise<F>(future: F, on_trap: fn(&Function, &Function, &str)) -> Promise
where
    F: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    let (promise, run, trap) = promise_task(future, on_trap);
    spawn(run, Some(trap));
    promise
}

/// Runs `future` for an export that the shim calls through its `enter` guard, polling it once
/// right away. A handler that finishes without waiting returns its value itself (a rejected
/// promise for an `Err`), so there is no promise to settle and no microtask. Its first steps run
/// in the JavaScript context of the event. Otherwise the result is a promise, as from
/// [`spawn_promise`].
///
/// A trap during the first poll reaches `recover` like a trap in a drain, and the export call
/// fails, so the shim responds in its place. A callback that JavaScript calls directly, outside the
/// guard (a timer, a stream's pull), must use [`spawn_promise`].
pub(crate) fn spawn_entered<F>(future: F, on_trap: fn(&Function, &Function, &str)) -> JsValue
where
    F: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    if RUNNING.with(|running| running.borrow().is_some()) {
        return spawn_promise(future, on_trap).into();
    }
    let completion = Rc::new(RefCell::new(Completion::Waiting));
    let finished = completion.clone();
    let run = async move {
        let outcome = future.await;
        let waiting = std::mem::replace(&mut *finished.borrow_mut(), Completion::Taken);
        match waiting {
            // A throwing resolve or reject has no caller to report to: the promise is settled.
            Completion::Promised(resolve, reject) => {
                let _ = match outcome {
                    Ok(value) => resolve.call1(&JsValue::UNDEFINED, &value),
                    Err(error) => reject.call1(&JsValue::UNDEFINED, &error),
                };
            }
            _ => *finished.borrow_mut() = Completion::Done(outcome),
        }
    };
    let task = new_task(run, None);
    poll_task(task.clone());
    let state = std::mem::replace(&mut *completion.borrow_mut(), Completion::Taken);
    match state {
        Completion::Done(Ok(value)) => value,
        Completion::Done(Err(error)) => Promise::reject(&error).into(),
        _ => {
            // Still waiting: from now on the task settles a promise.
            let resolvers = crate::sys::global::promise_with_resolvers();
            let (resolve, reject) = (resolvers.resolve(), resolvers.reject());
            let trap_settle = (resolve.clone(), reject.clone());
            *completion.borrow_mut() = Completion::Promised(resolve, reject);
            task.on_trap.set(Some(Box::new(move |message| {
                on_trap(&trap_settle.0, &trap_settle.1, message);
            })));
            resolvers.promise().into()
        }
    }
}

/// The result slot of a task started by [`spawn_entered`].
enum Completion {
    /// The first poll has not finished the task.
    Waiting,
    /// The task finished during its first poll.
    Done(Result<JsValue, JsValue>),
    /// The task waits, and settles this promise when it finishes.
    Promised(Function, Function),
    /// The result was handed over.
    Taken,
}

/// Queues `future` as [`spawn_promise`] does, but leaves scheduling the drain that first polls
/// it to the caller, who calls [`scheduler`]'s function from the JavaScript context the task
/// must start in.
///
/// The runtime attributes timers and I/O to the context that the polling drain was queued
/// from. Inside `blockConcurrencyWhile`, only work started from its callback may run before the
/// callback's promise settles. A timer set from any other context waits for the object's input
/// gate, which the block holds, and so never fires.
pub(crate) fn spawn_promise_unscheduled<F>(
    future: F,
    on_trap: fn(&Function, &Function, &str),
) -> Promise
where
    F: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    let (promise, run, trap) = promise_task(future, on_trap);
    let task = new_task(run, Some(trap));
    task.queued.set(true);
    QUEUE.with(|queue| queue.borrow_mut().push_back(task));
    promise
}

/// Returns the shim's function that queues a drain in a microtask, when the module was loaded
/// through the shim.
pub(crate) fn scheduler() -> Option<Function> {
    SCHEDULER.with(|scheduler| scheduler.borrow().clone())
}

/// Schedules a drain for tasks queued with [`spawn_promise_unscheduled`] when there is no
/// shim to call.
pub(crate) fn schedule_queued() {
    schedule_drain();
}

/// Wraps `future` into a task body that settles a new promise, and the trap handler that
/// settles it after a panic.
fn promise_task<F>(
    future: F,
    on_trap: fn(&Function, &Function, &str),
) -> (Promise, impl Future<Output = ()> + 'static, TrapHandler)
where
    F: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    // `withResolvers` instead of `new Promise(executor)` keeps the closure machinery that an
    // executor callback needs out of modules that do not otherwise use it.
    let resolvers = crate::sys::global::promise_with_resolvers();
    let promise = resolvers.promise();
    let settle = Rc::new((resolvers.resolve(), resolvers.reject()));
    let on_trap_settle = settle.clone();
    let run = async move {
        let (resolve, reject) = &*settle;
        // A throwing resolve or reject has no caller to report to, because the promise is settled.
        let _ = match future.await {
            Ok(value) => resolve.call1(&JsValue::UNDEFINED, &value),
            Err(error) => reject.call1(&JsValue::UNDEFINED, &error),
        };
    };
    let trap: TrapHandler = Box::new(move |message| {
        let (resolve, reject) = &*on_trap_settle;
        on_trap(resolve, reject, message);
    });
    (promise, run, trap)
}

fn enqueue(task: Rc<Task>) {
    if task.queued.replace(true) {
        return;
    }
    QUEUE.with(|queue| queue.borrow_mut().push_back(task));
    schedule_drain();
}

fn schedule_drain() {
    if DRAIN_PENDING.replace(true) {
        return;
    }
    let scheduled = SCHEDULER.with(|scheduler| match &*scheduler.borrow() {
        Some(schedule) => schedule.call0(&JsValue::UNDEFINED).is_ok(),
        None => false,
    });
    if !scheduled {
        schedule_fallback();
    }
}

/// Reports a module that runs without the worker-build shim, which is the only caller of
/// `__worker_init`: without it nothing would ever poll the tasks, so they cannot run.
fn schedule_fallback() {
    crate::console::error(
        "worker: the runtime was not initialized, so async handlers cannot run; \
         build the worker with worker-build and load its build/index.js",
    );
}

/// Polls queued tasks until the queue is empty, and returns whether the shim should replace
/// the instance now: after [`RESET_AFTER_TRAPS`] traps, once nothing is alive on it.
///
/// Tasks woken during this drain run in it too, up to a bound, so that a future that keeps
/// waking itself cannot starve the JavaScript promise jobs that the other tasks wait on.
pub(crate) fn drain() -> bool {
    let mut budget = QUEUE.with(|queue| queue.borrow().len()).max(1) * 4;
    while budget > 0 {
        let Some(task) = QUEUE.with(|queue| queue.borrow_mut().pop_front()) else {
            DRAIN_PENDING.set(false);
            return reset_due();
        };
        budget -= 1;
        poll_task(task);
    }
    // The budget ran out with tasks left: continue in a later microtask.
    DRAIN_PENDING.set(false);
    schedule_drain();
    false
}

/// Wakes a task for a settlement that the shim delivered through its guard and polls it right
/// away, unless a drain is already under way or scheduled. Returns what [`drain`] returns.
pub(crate) fn wake_and_drain(waker: Waker) -> bool {
    if RUNNING.with(|running| running.borrow().is_some()) {
        waker.wake();
        return false;
    }
    // Marking a drain as pending keeps the wake from scheduling one in a microtask.
    let already_pending = DRAIN_PENDING.replace(true);
    waker.wake();
    if already_pending {
        return false;
    }
    drain()
}

fn reset_due() -> bool {
    TRAPS.get() >= RESET_AFTER_TRAPS && LIVE.get() == 0
}

fn poll_task(task: Rc<Task>) {
    task.queued.set(false);
    let Some(mut future) = task.future.borrow_mut().take() else {
        return;
    };
    let waker = waker_for(&task);
    RUNNING.with(|running| *running.borrow_mut() = Some(task.clone()));
    let poll = future.as_mut().poll(&mut Context::from_waker(&waker));
    RUNNING.with(|running| running.borrow_mut().take());
    match poll {
        Poll::Pending => *task.future.borrow_mut() = Some(future),
        Poll::Ready(()) => {
            drop(task.on_trap.take());
            LIVE.set(LIVE.get().saturating_sub(1));
        }
    }
}

/// Fails the task that a trap interrupted and drains the others. Returns whether the shim
/// should replace the instance now, as [`drain`] does.
///
/// `trap_message` is the text of the exception the shim caught; the panic message recorded by
/// the hook, when there is one, is more specific and is used instead.
pub(crate) fn recover(trap_message: String) -> bool {
    let interrupted = RUNNING.with(|running| running.borrow_mut().take());
    let message = LAST_PANIC.with(|last| last.borrow_mut().take());
    let message = match message {
        Some(panic) => panic,
        None => {
            // Without a panic message the trap came from wasm itself; these two are how a
            // stack overflow shows, the Rust stack running below address 0 or V8's own limit.
            // `starts_with` rather than `contains`: a substring search adds 1.7 KiB to every module.
            let hint = if trap_message.starts_with("RuntimeError: memory access out of bounds")
                || trap_message.starts_with("RangeError: Maximum call stack size exceeded")
            {
                " (possibly a stack overflow: deep recursion or a large value on the stack)"
            } else {
                ""
            };
            crate::console::error(&format!("the worker trapped: {trap_message}{hint}"));
            trap_message
        }
    };
    TRAPS.set(TRAPS.get().saturating_add(1));
    if let Some(task) = interrupted {
        // The future was moved out of its slot for the poll and is gone with the trapped stack.
        task.future.borrow_mut().take();
        LIVE.set(LIVE.get().saturating_sub(1));
        if let Some(on_trap) = task.on_trap.take() {
            on_trap(&message);
        }
    }
    DRAIN_PENDING.set(false);
    if QUEUE.with(|queue| !queue.borrow().is_empty()) {
        schedule_drain();
    }
    reset_due()
}

/// Figures about the runtime of this wasm instance, for health checks and leak hunting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct RuntimeStats {
    /// The size of the wasm linear memory, in bytes. It only grows: the high-water mark.
    pub wasm_memory_bytes: usize,
    /// JavaScript values that Rust code currently keeps references to (request, response and
    /// binding objects, closures), counted by wasm-bindgen.
    pub live_js_values: u32,
    /// Tasks not yet finished, plus Rust streams that JavaScript is still reading.
    pub live_tasks: usize,
    /// Traps (panics and real ones) since this instance started.
    pub traps: u32,
}

/// Returns figures about the runtime of this instance. They serialize to JSON, for a health
/// endpoint.
///
/// ```no_run
/// let stats = worker::runtime_stats();
/// worker::console_log!("{} bytes of wasm memory", stats.wasm_memory_bytes);
/// let report = worker::Response::from_json(&stats);
/// ```
pub fn runtime_stats() -> RuntimeStats {
    RuntimeStats {
        wasm_memory_bytes: memory_bytes(),
        live_js_values: wasm_bindgen::externref_heap_live_count(),
        live_tasks: LIVE.get(),
        traps: TRAPS.get(),
    }
}

#[cfg(target_arch = "wasm32")]
fn memory_bytes() -> usize {
    core::arch::wasm32::memory_size(0) * 65536
}

#[cfg(not(target_arch = "wasm32"))]
fn memory_bytes() -> usize {
    0
}

/// Stores the shim's scheduler and installs the panic hook.
pub(crate) fn init(scheduler: Function, awaiter: Option<Function>) {
    SCHEDULER.with(|slot| *slot.borrow_mut() = Some(scheduler));
    crate::promise::init(awaiter);
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        crate::console::error(&message);
        LAST_PANIC.with(|last| *last.borrow_mut() = Some(message));
    }));
}

fn waker_for(task: &Rc<Task>) -> Waker {
    let data = Rc::into_raw(task.clone()).cast::<()>();
    // SAFETY: `data` comes from `Rc::into_raw` of an `Rc<Task>`, which is what every function of
    // the vtable expects, and the waker owns that one strong count.
    unsafe { Waker::from_raw(RawWaker::new(data, &VTABLE)) }
}

// The waker counts references with `Rc`, not `Arc`: workers run on a single thread
// (wasm32-unknown-unknown without atomics), so a waker can never reach another thread.
static VTABLE: RawWakerVTable = RawWakerVTable::new(clone_waker, wake, wake_by_ref, drop_waker);

unsafe fn clone_waker(data: *const ()) -> RawWaker {
    // SAFETY: `data` is a live `Rc<Task>` pointer owned by the waker being cloned.
    unsafe { Rc::increment_strong_count(data.cast::<Task>()) };
    RawWaker::new(data, &VTABLE)
}

unsafe fn wake(data: *const ()) {
    // SAFETY: waking by value consumes the waker's own strong count.
    let task = unsafe { Rc::from_raw(data.cast::<Task>()) };
    enqueue(task);
}

unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: `data` is a live `Rc<Task>` pointer; the count is raised before the new `Rc` is
    // made, so the waker keeps its own.
    let task = unsafe {
        Rc::increment_strong_count(data.cast::<Task>());
        Rc::from_raw(data.cast::<Task>())
    };
    enqueue(task);
}

unsafe fn drop_waker(data: *const ()) {
    // SAFETY: dropping the waker releases the strong count it owns.
    unsafe { Rc::decrement_strong_count(data.cast::<Task>()) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    /// A future that is pending until its flag is set, and registers its waker.
    struct Gate {
        open: Rc<Cell<bool>>,
        waker: Rc<RefCell<Option<Waker>>>,
    }

    impl Future for Gate {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.open.get() {
                Poll::Ready(())
            } else {
                *self.waker.borrow_mut() = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }

    // The host tests drive `drain` by hand; `DRAIN_PENDING` is set so that no JS scheduling
    // is attempted, as there is no JavaScript engine here.
    fn with_drain_pending<T>(body: impl FnOnce() -> T) -> T {
        DRAIN_PENDING.set(true);
        let result = body();
        DRAIN_PENDING.set(false);
        result
    }

    #[test]
    fn woken_task_runs_to_completion() {
        with_drain_pending(|| {
            let open = Rc::new(Cell::new(false));
            let waker = Rc::new(RefCell::new(None));
            let done = Rc::new(Cell::new(false));
            let gate = Gate {
                open: open.clone(),
                waker: waker.clone(),
            };
            let finished = done.clone();
            spawn(
                async move {
                    gate.await;
                    finished.set(true);
                },
                None,
            );
            drain();
            DRAIN_PENDING.set(true);
            assert!(!done.get());
            open.set(true);
            waker.borrow_mut().take().unwrap().wake();
            drain();
            assert!(done.get());
        });
    }

    #[test]
    fn recover_fails_only_running_task() {
        with_drain_pending(|| {
            let failed = Rc::new(RefCell::new(None::<String>));
            let record = failed.clone();
            let task = Rc::new(Task {
                future: RefCell::new(None),
                queued: Cell::new(false),
                on_trap: Cell::new(Some(Box::new(move |message: &str| {
                    *record.borrow_mut() = Some(message.to_owned());
                }))),
            });
            let other_done = Rc::new(Cell::new(false));
            let other = other_done.clone();
            spawn(async move { other.set(true) }, None);
            RUNNING.with(|running| *running.borrow_mut() = Some(task));
            LAST_PANIC.with(|last| *last.borrow_mut() = Some("panicked at x.rs:1:1".into()));
            DRAIN_PENDING.set(true);
            // `recover` clears the pending flag and would schedule through JavaScript; keep the
            // queue for the manual drain below by marking a drain as pending again first.
            let queued = QUEUE.with(|queue| std::mem::take(&mut *queue.borrow_mut()));
            let reset = recover("RuntimeError: unreachable".into());
            assert!(!reset, "one trap must not ask for a reset");
            QUEUE.with(|queue| *queue.borrow_mut() = queued);
            DRAIN_PENDING.set(true);
            assert_eq!(failed.borrow().as_deref(), Some("panicked at x.rs:1:1"));
            drain();
            assert!(other_done.get());
        });
    }
}
