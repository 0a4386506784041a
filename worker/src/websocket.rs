//! WebSockets: the pair a worker creates to accept a connection, and the socket itself.
//!
//! ```no_run
//! use worker::{Response, Result, WebSocketPair};
//!
//! fn upgrade() -> Result<Response> {
//!     let pair = WebSocketPair::new()?;
//!     pair.server.accept()?;
//!     pair.server.send_with_str("welcome")?;
//!     Response::from_websocket(pair.client)
//! }
//! ```

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use crate::durable::value;
use crate::sys::websocket as sys;
use crate::{Error, Result, js};

/// One end of a WebSocket connection.
///
/// Inside a Durable Object a server end accepted with
/// [`State::accept_web_socket`](crate::State::accept_web_socket) survives hibernation: its
/// messages arrive at [`DurableObject::websocket_message`](crate::DurableObject::websocket_message)
/// and an [attachment](WebSocket::serialize_attachment) travels with it.
#[derive(Clone, PartialEq)]
pub struct WebSocket {
    inner: sys::WebSocket,
}

/// A new connection: `client` goes into the `101` response, `server` stays in the worker.
#[derive(Debug)]
pub struct WebSocketPair {
    /// The end returned to the client with [`Response::from_websocket`](crate::Response::from_websocket).
    pub client: WebSocket,
    /// The end the worker accepts and talks through.
    pub server: WebSocket,
}

impl WebSocketPair {
    /// Creates a connected pair.
    ///
    /// # Errors
    ///
    /// Fails outside the Workers runtime, where `WebSocketPair` does not exist.
    pub fn new() -> Result<Self> {
        let pair = sys::WebSocketPair::new()
            .map_err(|thrown| Error::js("creating a WebSocketPair failed", thrown))?;
        let end = |index: &str| WebSocket::from_js(js::property(&pair, index));
        Ok(WebSocketPair {
            client: end("0"),
            server: end("1"),
        })
    }
}

impl WebSocket {
    pub(crate) fn from_js(value: JsValue) -> Self {
        WebSocket {
            inner: value.unchecked_into(),
        }
    }

    /// Starts handling the connection in this worker, without hibernation.
    ///
    /// # Errors
    ///
    /// Fails when the socket was already accepted.
    pub fn accept(&self) -> Result<()> {
        self.inner
            .accept()
            .map_err(|thrown| Error::js("WebSocket accept failed", thrown))
    }

    /// Sends a text frame.
    ///
    /// # Errors
    ///
    /// Fails when the socket is not open.
    pub fn send_with_str(&self, message: impl AsRef<str>) -> Result<()> {
        self.inner
            .send_str(message.as_ref())
            .map_err(|thrown| Error::js("WebSocket send failed", thrown))
    }

    /// Sends a binary frame; the bytes are copied out of wasm memory first.
    ///
    /// # Errors
    ///
    /// Fails when the socket is not open.
    pub fn send_with_bytes(&self, message: impl AsRef<[u8]>) -> Result<()> {
        let bytes = js::to_uint8_array(message.as_ref());
        self.inner
            .send_bytes(&bytes)
            .map_err(|thrown| Error::js("WebSocket send failed", thrown))
    }

    /// Sends `value` as a JSON text frame.
    ///
    /// # Errors
    ///
    /// Fails when `value` cannot be serialized or the socket is not open.
    pub fn send<T: Serialize>(&self, value: &T) -> Result<()> {
        let text = serde_json::to_string(value)?;
        self.send_with_str(text)
    }

    /// Closes the connection with an optional status code (1000, or 3000 to 4999) and reason.
    ///
    /// # Errors
    ///
    /// Fails when the code is not one the protocol allows or the reason is longer than 123
    /// bytes.
    pub fn close(&self, code: Option<u16>, reason: Option<&str>) -> Result<()> {
        self.inner.close(code, reason).map_err(|thrown| {
            Error::js(format!("WebSocket close with code {code:?} failed"), thrown)
        })
    }

    /// Keeps `value` with the socket, so that it is still there after the Durable Object
    /// hibernates. Integers keep every digit, as with [`Storage::put`](crate::Storage::put).
    ///
    /// # Errors
    ///
    /// Fails when `value` cannot be serialized or is larger than the runtime allows
    /// (2,048 bytes serialized, in workerd 2026-04).
    pub fn serialize_attachment<T: Serialize>(&self, value: T) -> Result<()> {
        let value = value::to_js(&value, "WebSocket attachment")?;
        self.inner
            .serialize_attachment(&value)
            .map_err(|thrown| Error::js("WebSocket serializeAttachment failed", thrown))
    }

    /// Reads the value kept with [`WebSocket::serialize_attachment`]; `None` when there is none.
    ///
    /// # Errors
    ///
    /// Fails when the attachment does not fit `T`.
    pub fn deserialize_attachment<T: DeserializeOwned>(&self) -> Result<Option<T>> {
        let value = self
            .inner
            .deserialize_attachment()
            .map_err(|thrown| Error::js("WebSocket deserializeAttachment failed", thrown))?;
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        value::from_js(&value, "WebSocket attachment").map(Some)
    }

    /// Returns the underlying JavaScript `WebSocket`.
    pub fn as_js(&self) -> &JsValue {
        &self.inner
    }
}

impl std::fmt::Debug for WebSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.inner.ready_state().as_f64();
        f.debug_struct("WebSocket")
            .field("ready_state", &state)
            .finish()
    }
}

impl AsRef<JsValue> for WebSocket {
    fn as_ref(&self) -> &JsValue {
        &self.inner
    }
}

impl From<WebSocket> for JsValue {
    fn from(websocket: WebSocket) -> Self {
        websocket.inner.into()
    }
}
