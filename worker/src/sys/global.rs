//! Globals of the Workers runtime: the console, timers, `fetch` and `caches`.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = log)]
    pub(crate) fn console_log(message: &str);
    #[wasm_bindgen(js_namespace = console, js_name = debug)]
    pub(crate) fn console_debug(message: &str);
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    pub(crate) fn console_warn(message: &str);
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    pub(crate) fn console_error(message: &str);

    /// `Promise.withResolvers()`: a pending promise and the functions that settle it.
    #[wasm_bindgen(js_namespace = Promise, js_name = withResolvers)]
    pub(crate) fn promise_with_resolvers() -> PromiseResolvers;
    pub(crate) type PromiseResolvers;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn promise(this: &PromiseResolvers) -> Promise;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn resolve(this: &PromiseResolvers) -> Function;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn reject(this: &PromiseResolvers) -> Function;

    /// `String(value)`.
    #[wasm_bindgen(catch, js_name = String)]
    pub(crate) fn to_string(value: &JsValue) -> Result<String, JsValue>;

    #[wasm_bindgen(js_name = setTimeout)]
    pub(crate) fn set_timeout(callback: &Function, milliseconds: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub(crate) fn clear_timeout(id: &JsValue);

    #[wasm_bindgen(catch, js_name = fetch)]
    pub(crate) fn fetch_with_request(request: &web_sys::Request) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_name = fetch)]
    pub(crate) fn fetch_with_init(
        request: &web_sys::Request,
        init: &JsValue,
    ) -> Result<Promise, JsValue>;

    #[wasm_bindgen(extends = web_sys::Headers)]
    pub(crate) type HeadersExt;
    #[wasm_bindgen(method, catch, js_name = set)]
    pub(crate) fn set_values(
        this: &HeadersExt,
        name: &JsValue,
        value: &JsValue,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, js_name = getSetCookie)]
    pub(crate) fn get_set_cookie(this: &HeadersExt) -> js_sys::Array;

    /// The `caches` global, a `CacheStorage` with the extra `default` cache.
    #[wasm_bindgen(thread_local_v2, js_name = caches)]
    pub(crate) static CACHES: CacheStorage;

    #[wasm_bindgen(extends = web_sys::CacheStorage)]
    pub(crate) type CacheStorage;
    #[wasm_bindgen(method, getter, js_name = default)]
    pub(crate) fn default_cache(this: &CacheStorage) -> web_sys::Cache;
}
