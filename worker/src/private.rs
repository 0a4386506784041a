//! Entry points for the code that `worker-macros` generates. Not a public API.

use std::fmt::Display;
use std::future::Future;

use ::js_sys::Function;
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
/// An `Err` from the handler is logged, and the response has the status the error requests
/// ([`crate::Error::status`]), `500` by default; the body is the error's text when
/// `respond_with_errors` is set, the status's reason phrase otherwise.
pub fn fetch<Req, Resp, E, F, Fut>(
    request: JsValue,
    env: JsValue,
    ctx: JsValue,
    respond_with_errors: bool,
    handler: F,
) -> JsValue
where
    Req: FromRequest,
    Resp: IntoResponse,
    E: Display + 'static,
    F: FnOnce(Req, Env, Context) -> Fut + 'static,
    Fut: Future<Output = Result<Resp, E>> + 'static,
{
    let run = async move {
        let outcome = match Req::from_raw(request.unchecked_into()) {
            Ok(request) => handler(request, Env::from_js(env), Context::from_js(ctx))
                .await
                .map_err(|error| (status_of(&error), error.to_string())),
            Err(error) => Err((500, error.to_string())),
        };
        let response = outcome.and_then(|response| {
            response.into_raw().map_err(|error| {
                let message = format!("the handler returned an invalid response: {error}");
                (500, message)
            })
        });
        Ok(match response {
            Ok(response) => response.into(),
            Err((status, message)) => {
                let line = format!("fetch handler failed with {status}: {message}");
                if status < 500 {
                    console::warn(&line);
                } else {
                    console::error(&line);
                }
                let body = if respond_with_errors {
                    message.as_str()
                } else {
                    reason_phrase(status)
                };
                error_response(status, body).into()
            }
        })
    };
    runtime::spawn_entered(run, fetch_on_trap)
}

/// Returns the status a handler's error requests: the one set on a [`crate::Error`], within
/// 400 to 599, or `500`.
fn status_of<E: 'static>(error: &E) -> u16 {
    let error: &dyn std::any::Any = error;
    error
        .downcast_ref::<crate::Error>()
        .and_then(crate::Error::status)
        .filter(|status| (400..=599).contains(status))
        .unwrap_or(500)
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        status if status < 500 => "Client Error",
        _ => "Internal Server Error",
    }
}

/// Responds with a bare `500` to a request whose handler panicked or trapped.
pub(crate) fn fetch_on_trap(resolve: &Function, _: &Function, _message: &str) {
    let _ = resolve.call1(
        &JsValue::UNDEFINED,
        &error_response(500, "Internal Server Error"),
    );
}

fn error_response(status: u16, body: &str) -> web_sys::Response {
    let init = web_sys::ResponseInit::new();
    init.set_status(status);
    // Creating a response from a string with a valid status does not throw.
    web_sys::Response::new_with_opt_str_and_init(Some(body), &init)
        .unwrap_or_else(|_| JsValue::UNDEFINED.unchecked_into())
}

/// The outcome of a handler that returns no value: `()` or a `Result`.
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
pub fn scheduled<F, Fut>(event: JsValue, env: JsValue, ctx: JsValue, handler: F) -> JsValue
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
    runtime::spawn_entered(run, crate::context::reject_on_trap)
}

// Stores the shim's drain scheduler and promise awaiter, and installs the panic hook.
#[::wasm_bindgen::prelude::wasm_bindgen(js_name = "__worker_init", skip_jsdoc)]
pub fn init(scheduler: Function, awaiter: Option<Function>) {
    runtime::init(scheduler, awaiter);
}

// Delivers the settlement of an awaited promise; `true` requests a fresh instance from the shim.
#[::wasm_bindgen::prelude::wasm_bindgen(js_name = "__worker_settle", skip_jsdoc)]
pub fn settle(slot: u32, fulfilled: bool, value: JsValue) -> bool {
    crate::promise::settle(slot, fulfilled, value)
}

// Polls the queued tasks; `true` requests a fresh instance from the shim (see the runtime).
#[::wasm_bindgen::prelude::wasm_bindgen(js_name = "__worker_drain", skip_jsdoc)]
pub fn drain() -> bool {
    runtime::drain()
}

// Fails the task a trap interrupted and resumes the others. Returning `true` requests a fresh
// instance from the shim.
#[::wasm_bindgen::prelude::wasm_bindgen(js_name = "__worker_recover", skip_jsdoc)]
pub fn recover(trap_message: String) -> bool {
    runtime::recover(trap_message)
}
