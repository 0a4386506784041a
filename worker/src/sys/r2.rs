//! `R2Bucket`, `R2Object`/`R2ObjectBody` and `R2MultipartUpload`.
//!
//! Object properties are read with `js::property` rather than declared getters, because a getter
//! declared here would trap instead of returning an error if it threw.

use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(extends = Object)]
    #[derive(Debug, Clone)]
    pub(crate) type R2Bucket;

    #[wasm_bindgen(method, catch)]
    pub(crate) fn head(this: &R2Bucket, key: &str) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn get(this: &R2Bucket, key: &str, options: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn put(
        this: &R2Bucket,
        key: &str,
        value: &JsValue,
        options: &JsValue,
    ) -> Result<Promise, JsValue>;
    /// Deletes one key (a string) or many (an array of strings).
    #[wasm_bindgen(method, catch)]
    pub(crate) fn delete(this: &R2Bucket, keys: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn list(this: &R2Bucket, options: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = createMultipartUpload)]
    pub(crate) fn create_multipart_upload(
        this: &R2Bucket,
        key: &str,
        options: &JsValue,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = resumeMultipartUpload)]
    pub(crate) fn resume_multipart_upload(
        this: &R2Bucket,
        key: &str,
        upload_id: &str,
    ) -> Result<R2MultipartUpload, JsValue>;

    /// An `R2Object`, or an `R2ObjectBody` when it has a `body`.
    #[wasm_bindgen(extends = Object)]
    #[derive(Debug, Clone)]
    pub(crate) type R2Object;

    #[wasm_bindgen(method, catch, js_name = writeHttpMetadata)]
    pub(crate) fn write_http_metadata(
        this: &R2Object,
        headers: &web_sys::Headers,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = arrayBuffer)]
    pub(crate) fn array_buffer(this: &R2Object) -> Result<Promise, JsValue>;

    #[wasm_bindgen(extends = Object)]
    #[derive(Debug, Clone)]
    pub(crate) type R2MultipartUpload;

    #[wasm_bindgen(method, catch, js_name = uploadPart)]
    pub(crate) fn upload_part(
        this: &R2MultipartUpload,
        part_number: u16,
        value: &JsValue,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn abort(this: &R2MultipartUpload) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn complete(this: &R2MultipartUpload, parts: &Array) -> Result<Promise, JsValue>;
}
