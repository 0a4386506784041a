//! Conversions between serde values and the JavaScript values that Durable Object storage,
//! RPC calls and WebSocket attachments carry.
//!
//! Values cross as JSON text, as in [`crate::js`], but through the parser and printer of
//! `durable.js`, which keep integers exact: an `i64` or `u64` beyond 2^53 becomes a `BigInt` on
//! the JavaScript side and comes back with every digit. Byte buffers read back as arrays of
//! numbers, `Map`s as objects and `Set`s as arrays.

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use crate::sys::durable as sys;
use crate::{Error, ErrorKind, Result, js};

/// Serializes `value` into a JavaScript value; `what` names it in the error.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T, what: &str) -> Result<JsValue> {
    let text = js::to_json(value, what)?;
    sys::parse_exact(&text)
        .map_err(|thrown| Error::js(format!("{what}: JSON.parse failed"), thrown))
}

/// Deserializes a JavaScript value into `T`; `what` names it in the error.
pub(crate) fn from_js<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T> {
    js::from_json(&json_text(value, what)?, what)
}

/// Returns the exact JSON text of a JavaScript value; `undefined` reads as `null`.
fn json_text(value: &JsValue, what: &str) -> Result<String> {
    if value.is_undefined() {
        return Ok(String::from("null"));
    }
    let text = sys::stringify_exact(value).map_err(|thrown| {
        Error::new(
            ErrorKind::Serialization,
            format!("{what} cannot be converted to JSON"),
        )
        .with_js(thrown)
    })?;
    Ok(text.as_string().unwrap_or_else(|| String::from("null")))
}
