//! Cron Triggers: the event a `#[event(scheduled)]` handler receives.

use std::future::Future;

use wasm_bindgen::{JsCast, JsValue};

use crate::Context;
use crate::sys::context::ScheduledController;

/// A Cron Trigger invocation.
pub struct ScheduledEvent {
    inner: ScheduledController,
}

impl ScheduledEvent {
    #[doc(hidden)]
    pub fn from_js(inner: JsValue) -> Self {
        ScheduledEvent {
            inner: inner.unchecked_into(),
        }
    }

    /// The cron expression that fired, such as `*/5 * * * *`.
    pub fn cron(&self) -> String {
        self.inner.cron()
    }

    /// When the invocation was scheduled, in milliseconds since the Unix epoch.
    pub fn schedule(&self) -> f64 {
        self.inner.scheduled_time()
    }

    /// The event type, always `scheduled`.
    pub fn ty(&self) -> String {
        String::from("scheduled")
    }

    /// Tells the runtime not to retry this invocation if it fails.
    pub fn no_retry(&self) {
        let _ = self.inner.no_retry();
    }
}

impl std::fmt::Debug for ScheduledEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScheduledEvent")
            .field("cron", &self.cron())
            .field("schedule", &self.schedule())
            .finish()
    }
}

/// The execution context of a scheduled event.
#[derive(Clone)]
pub struct ScheduleContext {
    context: Context,
}

impl ScheduleContext {
    #[doc(hidden)]
    pub fn from_js(inner: JsValue) -> Self {
        ScheduleContext {
            context: Context::from_js(inner),
        }
    }

    /// Keeps the worker alive until `future` finishes; see [`Context::wait_until`].
    pub fn wait_until<F>(&self, future: F)
    where
        F: Future<Output = ()> + 'static,
    {
        self.context.wait_until(future);
    }
}
