//! `ExecutionContext`, `ScheduledController` and the incoming request's `cf` object.

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(extends = Object)]
    #[derive(Clone)]
    pub(crate) type ExecutionContext;
    #[wasm_bindgen(method, catch, js_name = waitUntil)]
    pub(crate) fn wait_until(this: &ExecutionContext, promise: &Promise) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = passThroughOnException)]
    pub(crate) fn pass_through_on_exception(this: &ExecutionContext) -> Result<(), JsValue>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn props(this: &ExecutionContext) -> JsValue;

    #[wasm_bindgen(extends = Object)]
    pub(crate) type ScheduledController;
    #[wasm_bindgen(method, getter, js_name = scheduledTime)]
    pub(crate) fn scheduled_time(this: &ScheduledController) -> f64;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn cron(this: &ScheduledController) -> String;
    #[wasm_bindgen(method, catch, js_name = noRetry)]
    pub(crate) fn no_retry(this: &ScheduledController) -> Result<(), JsValue>;

    #[wasm_bindgen(extends = web_sys::Request)]
    pub(crate) type IncomingRequest;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn cf(this: &IncomingRequest) -> JsValue;
}
