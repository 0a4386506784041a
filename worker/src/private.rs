//! Entry points for the code that `worker-macros` generates. Not a public API.

use std::fmt::Display;
use std::future::Future;

use ::js_sys::{Function, Promise};
use ::wasm_bindgen::{JsCast, JsValue};

use crate::http::request::FromRequest;
use crate::http::response::IntoResponse;
use crate::{Context, Env, ScheduleContext, ScheduledEvent, console, runtime};

pub use crate::durable::export as durable;
pub use js_sys;
pub use wasm_bindgen;
pub use web_sys;

/// Runs a fetch handler for one request and returns the promise of its response.
///
/// An `Err` from the handler is logged and answered with `500`; the body is the error's text
/// when `respond_with_errors` is set, `Internal Server Error` otherwise.
pub fn fetch<Req, Resp, E, F, Fut>(
    request: JsValue,
    env: JsValue,
    ctx: JsValue,
    respond_with_errors: bool,
    handler: F,
) -> Promise
where
    Req: FromRequest,
    Resp: IntoResponse,
    E: Display,
    F: FnOnce(Req, Env, Context) -> Fut + 'static,
    Fut: Future<Output = Result<Resp, E>> + 'static,
{
    let run = async move {
        let outcome = match Req::from_raw(request.unchecked_into()) {
            Ok(request) => handler(request, Env::from_js(env), Context::from_js(ctx))
                .await
                .map_err(|error| error.to_string()),
            Err(error) => Err(error.to_string()),
        };
        let response = outcome.and_then(|response| {
            response
                .into_raw()
                .map_err(|error| format!("the handler returned an invalid response: {error}"))
        });
        Ok(match response {
            Ok(response) => response.into(),
            Err(message) => {
                console::error(&format!("fetch handler failed: {message}"));
                let body = if respond_with_errors {
                    message.as_str()
                } else {
                    "Internal Server Error"
                };
                error_response(body).into()
            }
        })
    };
    runtime::spawn_promise_entered(run, fetch_on_trap)
}

/// Answers a request whose handler panicked or trapped with a bare `500`.
pub(crate) fn fetch_on_trap(resolve: &Function, _: &Function, _message: &str) {
    let _ = resolve.call1(
        &JsValue::UNDEFINED,
        &error_response("Internal Server Error"),
    );
}

fn error_response(body: &str) -> web_sys::Response {
    let init = web_sys::ResponseInit::new();
    init.set_status(500);
    // Creating a response from a string with a valid status does not throw.
    web_sys::Response::new_with_opt_str_and_init(Some(body), &init)
        .unwrap_or_else(|_| JsValue::UNDEFINED.unchecked_into())
}

/// The outcome of a handler that answers nothing: `()` or a `Result`.
pub trait HandlerOutcome {
    /// Returns the error message of a failed run.
    fn into_error(self) -> Option<String>;
}

impl HandlerOutcome for () {
    fn into_error(self) -> Option<String> {
        None
    }
}

impl<E: Display> HandlerOutcome for Result<(), E> {
    fn into_error(self) -> Option<String> {
        self.err().map(|error| error.to_string())
    }
}

/// Runs a scheduled handler; an error rejects the promise, so the invocation counts as failed.
pub fn scheduled<F, Fut>(event: JsValue, env: JsValue, ctx: JsValue, handler: F) -> Promise
where
    F: FnOnce(ScheduledEvent, Env, ScheduleContext) -> Fut + 'static,
    Fut: Future + 'static,
    Fut::Output: HandlerOutcome,
{
    let run = async move {
        let event = ScheduledEvent::from_js(event);
        let outcome = handler(event, Env::from_js(env), ScheduleContext::from_js(ctx)).await;
        match outcome.into_error() {
            None => Ok(JsValue::UNDEFINED),
            Some(message) => {
                console::error(&format!("scheduled handler failed: {message}"));
                Err(js_sys::Error::new(&message).into())
            }
        }
    };
    runtime::spawn_promise_entered(run, crate::context::reject_on_trap)
}

/// Stores the shim's drain scheduler and promise awaiter, and installs the panic hook.
#[::wasm_bindgen::prelude::wasm_bindgen(js_name = "__worker_init")]
pub fn init(scheduler: Function, awaiter: Option<Function>) {
    runtime::init(scheduler, awaiter);
}

/// Delivers the settlement of an awaited promise; `true` asks the shim to replace the instance.
#[::wasm_bindgen::prelude::wasm_bindgen(js_name = "__worker_settle")]
pub fn settle(slot: u32, fulfilled: bool, value: JsValue) -> bool {
    crate::promise::settle(slot, fulfilled, value)
}

/// Polls the queued tasks; `true` asks the shim to replace the instance (see the runtime).
#[::wasm_bindgen::prelude::wasm_bindgen(js_name = "__worker_drain")]
pub fn drain() -> bool {
    runtime::drain()
}

/// Fails the task a trap interrupted and resumes the others; `true` asks the shim to replace
/// the instance.
#[::wasm_bindgen::prelude::wasm_bindgen(js_name = "__worker_recover")]
pub fn recover(trap_message: String) -> bool {
    runtime::recover(trap_message)
}
