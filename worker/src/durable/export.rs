//! Entry points for the code that `#[durable_object]` generates. Not a public API.
//!
//! The generated exports take the object as a [`DurableObjectHandle`], which the entry shim
//! creates once per JavaScript instance. Every handler queues a task on the executor and returns
//! its promise, so user code runs only inside a guarded drain.

use std::any::Any;
use std::future::Future;
use std::rc::Rc;

use js_sys::{Array, Function, Promise};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::{AlarmInfo, DurableObject, State, WebSocketIncomingMessage, value};
use crate::http::request::FromRequest;
use crate::{Env, Error, Request, Result, WebSocket, console, runtime};

/// Marks a struct that carries `#[durable_object]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is missing the #[durable_object] attribute",
    label = "a Durable Object class needs the attribute on its struct",
    note = "write `#[durable_object]` above `struct {Self}`"
)]
pub trait DurableObjectStruct {}

/// Marks a type whose `impl DurableObject` block carries `#[durable_object]`.
#[diagnostic::on_unimplemented(
    message = "the `impl DurableObject for {Self}` block is missing the #[durable_object] attribute",
    label = "the attribute exports the handlers that the block defines",
    note = "write `#[durable_object]` above `impl DurableObject for {Self}`"
)]
pub trait DurableObjectImpl {}

// One Rust Durable Object, owned by the JavaScript class instance the shim generates.
#[wasm_bindgen(js_name = "__WorkerDurableObject")]
pub struct DurableObjectHandle {
    object: Rc<dyn Any>,
}

/// Creates the Rust object of class `T`.
pub fn construct<T: DurableObject>(state: JsValue, env: JsValue) -> DurableObjectHandle {
    let object = T::new(State::from_js(state), Env::from_js(env));
    DurableObjectHandle {
        object: Rc::new(object),
    }
}

/// Starts `call` on the object and returns the promise of its result. `on_trap` settles the
/// promise after a panic.
fn run<T, F, Fut>(
    handle: &DurableObjectHandle,
    call: F,
    on_trap: fn(&Function, &Function, &str),
) -> JsValue
where
    T: 'static,
    F: FnOnce(Rc<T>) -> Fut + 'static,
    Fut: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    let Ok(object) = handle.object.clone().downcast::<T>() else {
        let message = format!(
            "the Durable Object handle does not hold a {}; the generated index.js does not \
             match the wasm module, so rebuild with worker-build",
            std::any::type_name::<T>()
        );
        return Promise::reject(&js_sys::Error::new(&message)).into();
    };
    runtime::spawn_entered(call(object), on_trap)
}

/// Runs `T::fetch`. An `Err` rejects the caller's fetch; a panic gives a `500` response.
pub fn fetch<T: DurableObject>(handle: &DurableObjectHandle, request: JsValue) -> JsValue {
    let call = |object: Rc<T>| async move {
        let request = Request::from_raw(request.unchecked_into()).map_err(Error::into_js)?;
        let response = object.fetch(request).await.map_err(|error| {
            console::error(&format!("Durable Object fetch handler failed: {error}"));
            error.into_js()
        })?;
        let response = response.into_raw().map_err(|error| {
            let message =
                format!("the Durable Object fetch handler returned an invalid response: {error}");
            JsValue::from(js_sys::Error::new(&message))
        })?;
        Ok(response.into())
    };
    run(handle, call, crate::__private::fetch_on_trap)
}

/// Runs `T::alarm`; an `Err` rejects, which makes the runtime retry the alarm.
pub fn alarm<T: DurableObject>(handle: &DurableObjectHandle, info: JsValue) -> JsValue {
    // The runtime's info object cannot be cloned or kept, so its fields are copied now.
    let info = AlarmInfo::from_js(&info);
    let call = move |object: Rc<T>| async move { settle("alarm", object.alarm(info).await) };
    run(handle, call, crate::context::reject_on_trap)
}

/// Runs `T::websocket_message`.
pub fn websocket_message<T: DurableObject>(
    handle: &DurableObjectHandle,
    ws: JsValue,
    message: JsValue,
) -> JsValue {
    let message = WebSocketIncomingMessage::from_js(&message);
    let call = move |object: Rc<T>| async move {
        let outcome = object
            .websocket_message(WebSocket::from_js(ws), message)
            .await;
        settle("websocket_message", outcome)
    };
    run(handle, call, crate::context::reject_on_trap)
}

/// Runs `T::websocket_close`.
pub fn websocket_close<T: DurableObject>(
    handle: &DurableObjectHandle,
    ws: JsValue,
    code: JsValue,
    reason: JsValue,
    was_clean: JsValue,
) -> JsValue {
    let code = code.as_f64().unwrap_or(0.0) as usize;
    let reason = reason.as_string().unwrap_or_default();
    let was_clean = was_clean.as_bool().unwrap_or(false);
    let call = move |object: Rc<T>| async move {
        let ws = WebSocket::from_js(ws);
        let outcome = object.websocket_close(ws, code, reason, was_clean).await;
        settle("websocket_close", outcome)
    };
    run(handle, call, crate::context::reject_on_trap)
}

/// Runs `T::websocket_error`.
pub fn websocket_error<T: DurableObject>(
    handle: &DurableObjectHandle,
    ws: JsValue,
    error: JsValue,
) -> JsValue {
    let call = move |object: Rc<T>| async move {
        let outcome = object
            .websocket_error(WebSocket::from_js(ws), Error::from(error))
            .await;
        settle("websocket_error", outcome)
    };
    run(handle, call, crate::context::reject_on_trap)
}

fn settle(handler: &str, outcome: Result<()>) -> Result<JsValue, JsValue> {
    match outcome {
        Ok(()) => Ok(JsValue::UNDEFINED),
        Err(error) => {
            console::error(&format!("Durable Object {handler} handler failed: {error}"));
            Err(error.into_js())
        }
    }
}

/// The arguments of one RPC call, as the JavaScript caller passed them.
pub struct RpcArguments {
    method: &'static str,
    values: Array,
}

impl RpcArguments {
    /// Deserializes argument `index` (from 0); a missing argument reads as `null`, so an
    /// `Option` parameter may be left out.
    ///
    /// # Errors
    ///
    /// Fails when the argument does not fit `T`.
    pub fn get<T: DeserializeOwned>(&self, index: u32) -> Result<T> {
        let what = format!("argument {} of RPC method {:?}", index + 1, self.method);
        value::from_js(&self.values.get(index), &what)
    }
}

/// Runs the RPC method `method` of `T`, which takes `arity` arguments: `call` receives the
/// object and the arguments and returns the method's result, which is serialized for the caller.
pub fn rpc<T, F, Fut, R>(
    handle: &DurableObjectHandle,
    method: &'static str,
    arity: u32,
    args: Array,
    call: F,
) -> JsValue
where
    T: DurableObject,
    F: FnOnce(Rc<T>, RpcArguments) -> Fut + 'static,
    Fut: Future<Output = Result<R>> + 'static,
    R: Serialize,
{
    let call = move |object: Rc<T>| async move {
        if args.length() > arity {
            let message = format!(
                "RPC method {method:?} takes {arity} arguments, but {} were passed",
                args.length()
            );
            return Err(js_sys::TypeError::new(&message).into());
        }
        let values = RpcArguments {
            method,
            values: args,
        };
        let result = call(object, values).await.map_err(Error::into_js)?;
        value::to_js(&result, &format!("result of RPC method {method:?}")).map_err(Error::into_js)
    };
    run(handle, call, crate::context::reject_on_trap)
}
