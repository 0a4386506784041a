//! Small conversions between Rust and JavaScript values shared by the bindings.

use std::cell::RefCell;

use js_sys::{JSON, Object, Promise, Reflect, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use crate::{Error, ErrorKind, Result};

/// The largest integer a JavaScript number represents exactly, `Number.MAX_SAFE_INTEGER`.
pub(crate) const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Returns the JavaScript string for `text`, converted once per instance: passing a Rust string
/// to JavaScript decodes its UTF-8 every time, which was a measurable part of a small request.
/// Strings are told apart by address, so only `'static` literals belong here.
pub(crate) fn static_str(text: &'static str) -> JsValue {
    thread_local! {
        static STRINGS: RefCell<Vec<(usize, JsValue)>> = const { RefCell::new(Vec::new()) };
    }
    let address = text.as_ptr() as usize;
    let cached = STRINGS.with(|strings| {
        let strings = strings.borrow();
        let found = strings.iter().find(|(known, _)| *known == address);
        found.map(|(_, value)| value.clone())
    });
    if let Some(value) = cached {
        return value;
    }
    let value = JsValue::from_str(text);
    STRINGS.with(|strings| strings.borrow_mut().push((address, value.clone())));
    value
}

/// Awaits a promise returned by a JavaScript call declared with `catch`.
///
/// A synchronous throw and a rejection both come back as the thrown value.
pub(crate) async fn settle(promise: Result<Promise, JsValue>) -> Result<JsValue, JsValue> {
    crate::promise::PromiseFuture::new(promise?).await
}

/// Reads a property; a getter that throws reads as `undefined`.
pub(crate) fn property(target: &JsValue, name: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// Sets a property on an object created by the SDK, which cannot throw.
pub(crate) fn set_property(target: &Object, name: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(name), value);
}

/// Deserializes a JSON-compatible JavaScript value (a plain object, array, string, number,
/// boolean or null) into `T`, crossing the boundary once as JSON text.
///
/// `what` names the value in the error, such as `metadata of kv key "a"`.
pub(crate) fn from_js<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T> {
    from_json(&json_text(value, what)?, what)
}

/// Deserializes the JSON text of the value `what` into `T`.
pub(crate) fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|error| {
        Error::new(
            ErrorKind::Serialization,
            format!("{what} does not fit the requested type"),
        )
        .with_source(error)
    })
}

/// Returns the JSON text of a JavaScript value; `undefined` reads as `null`.
pub(crate) fn json_text(value: &JsValue, what: &str) -> Result<String> {
    if value.is_undefined() {
        return Ok(String::from("null"));
    }
    match JSON::stringify(value) {
        Ok(text) => Ok(text.as_string().unwrap_or_else(|| String::from("null"))),
        Err(thrown) => Err(Error::new(
            ErrorKind::Serialization,
            format!("{what} cannot be converted to JSON"),
        )
        .with_js(thrown)),
    }
}

/// Serializes `value` to JSON and parses it into a JavaScript value.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T, what: &str) -> Result<JsValue> {
    let text = to_json(value, what)?;
    JSON::parse(&text).map_err(|thrown| Error::js(format!("{what}: JSON.parse failed"), thrown))
}

/// Serializes the value `what` to JSON text.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T, what: &str) -> Result<String> {
    serde_json::to_string(value).map_err(|error| {
        Error::new(
            ErrorKind::Serialization,
            format!("{what} cannot be serialized to JSON"),
        )
        .with_source(error)
    })
}

/// Copies the bytes of an `ArrayBuffer`, typed array or `DataView` into wasm memory.
pub(crate) fn to_bytes(value: &JsValue) -> Vec<u8> {
    if let Some(view) = value.dyn_ref::<Uint8Array>() {
        return view.to_vec();
    }
    Uint8Array::new(value).to_vec()
}

/// Copies `bytes` out of wasm memory into a new `Uint8Array`.
///
/// A view of wasm memory must never be handed to an asynchronous JavaScript API: the memory
/// can grow and move before the runtime reads it.
pub(crate) fn to_uint8_array(bytes: &[u8]) -> Uint8Array {
    Uint8Array::from(bytes)
}

/// Converts any value to text as JavaScript's `String(value)` does; a value whose `toString`
/// throws reads as `[unprintable value]`.
pub(crate) fn to_display_string(value: &JsValue) -> String {
    crate::sys::global::to_string(value).unwrap_or_else(|_| String::from("[unprintable value]"))
}

/// Describes a JavaScript value for an error message: its constructor name or its type.
pub(crate) fn describe(value: &JsValue) -> String {
    if value.is_undefined() {
        return String::from("nothing");
    }
    if value.is_null() {
        return String::from("null");
    }
    if value.is_string() {
        return String::from("a string");
    }
    if value.as_f64().is_some() {
        return String::from("a number");
    }
    if value.as_bool().is_some() {
        return String::from("a boolean");
    }
    let constructor = property(value, "constructor");
    match property(&constructor, "name").as_string() {
        Some(name) if !name.is_empty() && name != "Object" => name,
        _ => String::from("a plain object"),
    }
}
