//! `KVNamespace`.

use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(extends = Object)]
    #[derive(Debug, Clone)]
    pub(crate) type KvNamespace;

    #[wasm_bindgen(method, catch)]
    pub(crate) fn get(this: &KvNamespace, key: &str, options: &JsValue)
    -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = get)]
    pub(crate) fn get_many(
        this: &KvNamespace,
        keys: &Array,
        options: &JsValue,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getWithMetadata)]
    pub(crate) fn get_with_metadata(
        this: &KvNamespace,
        key: &str,
        options: &JsValue,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getWithMetadata)]
    pub(crate) fn get_many_with_metadata(
        this: &KvNamespace,
        keys: &Array,
        options: &JsValue,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn put(
        this: &KvNamespace,
        key: &str,
        value: &JsValue,
        options: &JsValue,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn list(this: &KvNamespace, options: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn delete(this: &KvNamespace, key: &str) -> Result<Promise, JsValue>;
}
