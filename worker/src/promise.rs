//! Awaiting JavaScript promises from Rust, with the settlement routed through the shim.
//!
//! `js_sys`'s `JsFuture` builds two wasm-bindgen closures per await and wakes its task through a
//! microtask. Here the shim's `awaitPromise(promise, slot)` attaches two plain JavaScript
//! callbacks that call the `__worker_settle` export through the `enter` guard. The export stores
//! the outcome in the slot and polls the waiting task right away, so an await costs no wasm
//! closure and no extra microtask. A module loaded without the shim falls back to `JsFuture`.

use std::cell::RefCell;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;

type Outcome = Result<JsValue, JsValue>;

/// The state of one await. A slot is reused only after the shim settled it, so a late
/// settlement can never land in the slot of a newer await.
enum Slot {
    Waiting(Option<Waker>),
    Settled(Outcome),
    /// The future was dropped before the promise settled; the settlement frees the slot.
    Abandoned,
    Free,
}

struct Slots {
    slots: Vec<Slot>,
    free: Vec<u32>,
}

thread_local! {
    static SLOTS: RefCell<Slots> = const {
        RefCell::new(Slots { slots: Vec::new(), free: Vec::new() })
    };
    /// The shim's `awaitPromise(promise, slot)`, set by `__worker_init`.
    static AWAITER: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Stores the shim's `awaitPromise` function.
pub(crate) fn init(awaiter: Option<Function>) {
    AWAITER.with(|slot| *slot.borrow_mut() = awaiter);
}

/// A future that resolves when a JavaScript promise settles.
#[must_use = "a promise future does nothing unless awaited"]
pub(crate) enum PromiseFuture {
    Slot(u32),
    Finished,
    Fallback(js_sys::futures::JsFuture),
}

impl PromiseFuture {
    pub(crate) fn new(promise: Promise) -> Self {
        let awaiter = AWAITER.with(|awaiter| awaiter.borrow().clone());
        let Some(awaiter) = awaiter else {
            return PromiseFuture::Fallback(promise.into_future());
        };
        let slot = SLOTS.with(|slots| slots.borrow_mut().take());
        // `awaitPromise` only calls `then`, which does not throw for a real promise. If it does
        // throw, the slot would never settle, so the fallback awaits the promise instead.
        match awaiter.call2(&JsValue::UNDEFINED, &promise, &JsValue::from(slot)) {
            Ok(_) => PromiseFuture::Slot(slot),
            Err(_) => {
                SLOTS.with(|slots| slots.borrow_mut().release(slot));
                PromiseFuture::Fallback(promise.into_future())
            }
        }
    }
}

impl Future for PromiseFuture {
    type Output = Outcome;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome> {
        let slot = match &mut *self {
            PromiseFuture::Slot(slot) => *slot,
            PromiseFuture::Fallback(future) => return Pin::new(future).poll(cx),
            PromiseFuture::Finished => return Poll::Pending,
        };
        let outcome = SLOTS.with(|slots| slots.borrow_mut().poll(slot, cx.waker()));
        if outcome.is_ready() {
            *self = PromiseFuture::Finished;
        }
        outcome
    }
}

impl Drop for PromiseFuture {
    fn drop(&mut self) {
        if let PromiseFuture::Slot(slot) = self {
            SLOTS.with(|slots| slots.borrow_mut().abandon(*slot));
        }
    }
}

impl Slots {
    fn take(&mut self) -> u32 {
        if let Some(slot) = self.free.pop() {
            self.slots[slot as usize] = Slot::Waiting(None);
            return slot;
        }
        self.slots.push(Slot::Waiting(None));
        (self.slots.len() - 1) as u32
    }

    fn release(&mut self, slot: u32) {
        if let Some(entry) = self.slots.get_mut(slot as usize) {
            *entry = Slot::Free;
            self.free.push(slot);
        }
    }

    fn poll(&mut self, slot: u32, waker: &Waker) -> Poll<Outcome> {
        let Some(entry) = self.slots.get_mut(slot as usize) else {
            return Poll::Pending;
        };
        match std::mem::replace(entry, Slot::Free) {
            Slot::Settled(outcome) => {
                self.free.push(slot);
                Poll::Ready(outcome)
            }
            Slot::Waiting(_) => {
                *entry = Slot::Waiting(Some(waker.clone()));
                Poll::Pending
            }
            other => {
                *entry = other;
                Poll::Pending
            }
        }
    }

    fn abandon(&mut self, slot: u32) {
        if let Some(entry) = self.slots.get_mut(slot as usize) {
            match entry {
                Slot::Waiting(_) => *entry = Slot::Abandoned,
                Slot::Settled(_) => self.release(slot),
                Slot::Abandoned | Slot::Free => {}
            }
        }
    }

    /// Records the outcome and returns the waker of the task waiting for it.
    fn settle(&mut self, slot: u32, outcome: Outcome) -> Option<Waker> {
        let entry = self.slots.get_mut(slot as usize)?;
        match std::mem::replace(entry, Slot::Free) {
            Slot::Waiting(waker) => {
                *entry = Slot::Settled(outcome);
                waker
            }
            Slot::Abandoned => {
                self.free.push(slot);
                None
            }
            other => {
                *entry = other;
                None
            }
        }
    }
}

/// Records the settlement of the promise awaited in `slot` and polls the task that waits for
/// it. Returns whether the shim should replace the instance, as a drain does.
pub(crate) fn settle(slot: u32, fulfilled: bool, value: JsValue) -> bool {
    let outcome = if fulfilled { Ok(value) } else { Err(value) };
    let waker = SLOTS.with(|slots| slots.borrow_mut().settle(slot, outcome));
    match waker {
        Some(waker) => crate::runtime::wake_and_drain(waker),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::task::Wake;

    use super::*;

    struct Flag;

    impl Wake for Flag {
        fn wake(self: Arc<Self>) {}
    }

    fn waker() -> Waker {
        Waker::from(Arc::new(Flag))
    }

    #[test]
    fn settled_slot_is_ready_once() {
        let mut slots = Slots {
            slots: Vec::new(),
            free: Vec::new(),
        };
        let slot = slots.take();
        assert!(slots.poll(slot, &waker()).is_pending());
        assert!(slots.settle(slot, Ok(JsValue::UNDEFINED)).is_some());
        assert!(slots.poll(slot, &waker()).is_ready());
        assert_eq!(slots.take(), slot, "the slot is reused after it was read");
    }

    #[test]
    fn abandoned_slot_is_freed_by_settlement() {
        let mut slots = Slots {
            slots: Vec::new(),
            free: Vec::new(),
        };
        let slot = slots.take();
        slots.abandon(slot);
        assert!(
            slots.free.is_empty(),
            "not reused before the promise settles"
        );
        assert!(slots.settle(slot, Ok(JsValue::UNDEFINED)).is_none());
        assert_eq!(slots.take(), slot);
    }

    #[test]
    fn unknown_slot_is_ignored() {
        let mut slots = Slots {
            slots: Vec::new(),
            free: Vec::new(),
        };
        assert!(slots.settle(7, Ok(JsValue::UNDEFINED)).is_none());
        assert!(slots.poll(7, &waker()).is_pending());
    }
}
