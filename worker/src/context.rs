//! The execution context of an event: `wait_until` and friends.

use std::future::Future;

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use crate::sys::context::ExecutionContext;
use crate::{Error, Result, js, runtime};

/// The execution context of a fetch, queue, email or tail event.
#[derive(Clone)]
pub struct Context {
    inner: ExecutionContext,
}

impl Context {
    #[doc(hidden)]
    pub fn from_js(inner: JsValue) -> Self {
        use wasm_bindgen::JsCast;
        Context {
            inner: inner.unchecked_into(),
        }
    }

    /// Keeps the worker alive until `future` finishes, after the response has been sent.
    ///
    /// A panic inside `future` is logged and fails only this background task.
    pub fn wait_until<F>(&self, future: F)
    where
        F: Future<Output = ()> + 'static,
    {
        let promise = spawn_background(future);
        if let Err(thrown) = self.inner.wait_until(&promise) {
            crate::console::error(&format!("waitUntil failed: {}", Error::from(thrown)));
        }
    }

    /// Lets the request fall through to the origin if the worker throws an exception.
    pub fn pass_through_on_exception(&self) {
        let _ = self.inner.pass_through_on_exception();
    }

    /// Deserializes the `props` that a service binding or entrypoint configuration passed in.
    ///
    /// # Errors
    ///
    /// Fails when the props do not fit `T`.
    pub fn props<T: DeserializeOwned>(&self) -> Result<T> {
        js::from_js(&self.inner.props(), "ctx.props")
    }

    /// Returns the underlying JavaScript `ExecutionContext`.
    pub fn as_js(&self) -> &JsValue {
        &self.inner
    }
}

/// Runs `future` on the executor and returns a promise for `waitUntil`; a panic rejects it.
pub(crate) fn spawn_background<F>(future: F) -> js_sys::Promise
where
    F: Future<Output = ()> + 'static,
{
    runtime::spawn_promise(
        async move {
            future.await;
            Ok(JsValue::UNDEFINED)
        },
        reject_on_trap,
    )
}

/// Rejects a background task's promise with the panic message.
pub(crate) fn reject_on_trap(_: &js_sys::Function, reject: &js_sys::Function, message: &str) {
    let error = js_sys::Error::new(message);
    let _ = reject.call1(&JsValue::UNDEFINED, &error);
}
