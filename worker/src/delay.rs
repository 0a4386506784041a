//! A sleep that works inside a request, backed by `setTimeout`.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::Closure;

use crate::sys::global;

/// A future that completes after a duration.
///
/// Dropping it before then clears the timer.
///
/// ```no_run
/// use std::time::Duration;
/// # async fn run() {
/// worker::Delay::from(Duration::from_millis(50)).await;
/// # }
/// ```
#[must_use = "a Delay does nothing unless awaited"]
pub struct Delay {
    duration: Duration,
    timer: Option<Timer>,
}

struct Timer {
    id: JsValue,
    state: Rc<TimerState>,
    // Kept alive until the timer fires or is cleared.
    _callback: Closure<dyn FnMut()>,
}

#[derive(Default)]
struct TimerState {
    fired: Cell<bool>,
    waker: Cell<Option<Waker>>,
}

impl From<Duration> for Delay {
    fn from(duration: Duration) -> Self {
        Delay {
            duration,
            timer: None,
        }
    }
}

impl Future for Delay {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let duration = self.duration;
        let timer = self.timer.get_or_insert_with(|| start_timer(duration));
        if timer.state.fired.get() {
            return Poll::Ready(());
        }
        timer.state.waker.set(Some(cx.waker().clone()));
        Poll::Pending
    }
}

fn start_timer(duration: Duration) -> Timer {
    let state = Rc::new(TimerState::default());
    let fired = state.clone();
    let callback = Closure::<dyn FnMut()>::new(move || {
        fired.fired.set(true);
        if let Some(waker) = fired.waker.take() {
            waker.wake();
        }
    });
    let milliseconds = duration.as_secs_f64() * 1000.0;
    let id = global::set_timeout(
        wasm_bindgen::JsCast::unchecked_ref(callback.as_ref()),
        milliseconds,
    );
    Timer {
        id,
        state,
        _callback: callback,
    }
}

impl Drop for Delay {
    fn drop(&mut self) {
        if let Some(timer) = self.timer.as_ref().filter(|timer| !timer.state.fired.get()) {
            global::clear_timeout(&timer.id);
        }
    }
}
