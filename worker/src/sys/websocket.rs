//! `WebSocket`, `WebSocketPair` and `WebSocketRequestResponsePair`.

use js_sys::Object;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(extends = Object)]
    #[derive(Clone, PartialEq)]
    pub(crate) type WebSocket;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn accept(this: &WebSocket) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = send)]
    pub(crate) fn send_str(this: &WebSocket, message: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = send)]
    pub(crate) fn send_bytes(this: &WebSocket, message: &js_sys::Uint8Array)
    -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn close(
        this: &WebSocket,
        code: Option<u16>,
        reason: Option<&str>,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = serializeAttachment)]
    pub(crate) fn serialize_attachment(this: &WebSocket, value: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = deserializeAttachment)]
    pub(crate) fn deserialize_attachment(this: &WebSocket) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, js_name = readyState)]
    pub(crate) fn ready_state(this: &WebSocket) -> JsValue;

    /// Indexed `0` (the client end) and `1` (the server end).
    #[wasm_bindgen(extends = Object)]
    pub(crate) type WebSocketPair;
    #[wasm_bindgen(constructor, catch)]
    pub(crate) fn new() -> Result<WebSocketPair, JsValue>;

    #[wasm_bindgen(extends = Object)]
    #[derive(Clone)]
    pub(crate) type WebSocketRequestResponsePair;
    #[wasm_bindgen(constructor, catch)]
    pub(crate) fn new(
        request: &str,
        response: &str,
    ) -> Result<WebSocketRequestResponsePair, JsValue>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn request(this: &WebSocketRequestResponsePair) -> String;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn response(this: &WebSocketRequestResponsePair) -> String;
}
