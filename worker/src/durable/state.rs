//! `State`: what the runtime gives a Durable Object besides `env`.

use std::fmt;
use std::future::Future;

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

use super::{ObjectId, Storage};
use crate::sys::durable::{self as sys, DurableObjectState};
use crate::sys::websocket::WebSocketRequestResponsePair as RawPair;
use crate::{Error, ErrorKind, Result, WebSocket, runtime};

/// The runtime state of one Durable Object: its id, storage and hibernating WebSockets.
///
/// It is cheap to clone; keep it in the object's struct.
#[derive(Clone)]
pub struct State {
    inner: DurableObjectState,
}

impl State {
    #[doc(hidden)]
    pub fn from_js(inner: JsValue) -> Self {
        State {
            inner: inner.unchecked_into(),
        }
    }

    /// Returns the id of this object.
    pub fn id(&self) -> ObjectId<'static> {
        ObjectId::from_state(self.inner.id())
    }

    /// Returns the name the object was addressed by, when a caller used
    /// [`ObjectNamespace::get_by_name`](crate::ObjectNamespace::get_by_name) or
    /// [`id_from_name`](crate::ObjectNamespace::id_from_name); `None` for a unique id.
    pub fn name(&self) -> Option<String> {
        self.inner.id().name()
    }

    /// Returns the object's storage.
    pub fn storage(&self) -> Storage {
        Storage::new(self.inner.storage())
    }

    /// Keeps the object alive until `future` finishes, also after the response to the current
    /// event. A panic inside `future` fails only this background task.
    pub fn wait_until<F>(&self, future: F)
    where
        F: Future<Output = ()> + 'static,
    {
        let promise = crate::context::spawn_background(future);
        if let Err(thrown) = self.inner.wait_until(&promise) {
            crate::console::error(&format!("waitUntil failed: {}", Error::from(thrown)));
        }
    }

    /// Runs `future` while the runtime holds back every other event for this object, such as
    /// loading state in [`DurableObject::new`](crate::DurableObject::new) before the first
    /// request arrives.
    ///
    /// The future starts at once; there is nothing to await. If it returns an `Err` or
    /// panics, the runtime resets the object and the next event constructs it again.
    ///
    /// ```no_run
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// # fn new(state: worker::State) -> worker::Result<()> {
    /// let count = Rc::new(Cell::new(0_i64));
    /// let (storage, loaded) = (state.storage(), count.clone());
    /// state.block_concurrency_while(async move {
    ///     loaded.set(storage.get("count").await?.unwrap_or(0));
    ///     Ok(())
    /// })?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Fails when the runtime refuses to start the block.
    pub fn block_concurrency_while<F>(&self, future: F) -> Result<()>
    where
        F: Future<Output = Result<()>> + 'static,
    {
        // The first poll has to happen inside the runtime's callback; see
        // `spawn_promise_unscheduled`.
        let promise = runtime::spawn_promise_unscheduled(
            async move {
                future.await.map_err(Error::into_js)?;
                Ok(JsValue::UNDEFINED)
            },
            crate::context::reject_on_trap,
        );
        let schedule = runtime::scheduler();
        if schedule.is_none() {
            runtime::schedule_queued();
        }
        sys::block_concurrency_while(&self.inner, &promise, schedule)
            .map(drop)
            .map_err(|thrown| Error::js("blockConcurrencyWhile failed", thrown))
    }

    /// Accepts a WebSocket with the hibernation API: the object may be evicted from memory
    /// while the connection stays open, and its messages arrive at
    /// [`DurableObject::websocket_message`](crate::DurableObject::websocket_message).
    ///
    /// # Errors
    ///
    /// Fails when the socket was already accepted or the object has too many connections.
    pub fn accept_web_socket(&self, websocket: &WebSocket) -> Result<()> {
        self.accept_websocket_with_tags(websocket, &[])
    }

    /// Accepts a WebSocket as [`State::accept_web_socket`] does, with tags to find it by in
    /// [`State::get_websockets_with_tag`].
    ///
    /// # Errors
    ///
    /// Fails when the socket was already accepted, or when the runtime rejects the tags (it
    /// limits their number and length).
    pub fn accept_websocket_with_tags(&self, websocket: &WebSocket, tags: &[&str]) -> Result<()> {
        let tags: Array = tags.iter().map(|tag| JsValue::from_str(tag)).collect();
        self.inner
            .accept_websocket(websocket.as_js(), &tags)
            .map_err(|thrown| Error::js("acceptWebSocket failed", thrown))
    }

    /// Returns every WebSocket accepted with the hibernation API that is still open.
    pub fn get_websockets(&self) -> Vec<WebSocket> {
        self.websockets(None)
    }

    /// Returns the open hibernating WebSockets accepted with `tag`.
    pub fn get_websockets_with_tag(&self, tag: &str) -> Vec<WebSocket> {
        self.websockets(Some(tag))
    }

    fn websockets(&self, tag: Option<&str>) -> Vec<WebSocket> {
        match self.inner.get_websockets(tag) {
            Ok(sockets) => sockets.iter().map(WebSocket::from_js).collect(),
            Err(thrown) => {
                // The runtime throws here only when called outside a Durable Object.
                let error = Error::js("getWebSockets failed", thrown);
                crate::console::error(&error.to_string());
                Vec::new()
            }
        }
    }

    /// Returns the tags `websocket` was accepted with.
    ///
    /// # Errors
    ///
    /// Fails when the socket was not accepted with the hibernation API.
    pub fn get_tags(&self, websocket: &WebSocket) -> Result<Vec<String>> {
        let tags = self
            .inner
            .get_tags(websocket.as_js())
            .map_err(|thrown| Error::js("getTags failed", thrown))?;
        Ok(tags.iter().filter_map(|tag| tag.as_string()).collect())
    }

    /// Makes the runtime reply to the text frame `pair.request()` with `pair.response()` on
    /// every hibernating WebSocket, without waking the object.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the pair.
    pub fn set_websocket_auto_response(&self, pair: &WebSocketRequestResponsePair) -> Result<()> {
        self.inner
            .set_websocket_auto_response(&pair.inner)
            .map_err(|thrown| Error::js("setWebSocketAutoResponse failed", thrown))
    }

    /// Removes the automatic response.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the call.
    pub fn clear_websocket_auto_response(&self) -> Result<()> {
        self.inner
            .set_websocket_auto_response(&JsValue::UNDEFINED)
            .map_err(|thrown| Error::js("setWebSocketAutoResponse failed", thrown))
    }

    /// Returns the automatic response set with [`State::set_websocket_auto_response`].
    pub fn get_websocket_auto_response(&self) -> Option<WebSocketRequestResponsePair> {
        let pair = self.inner.get_websocket_auto_response().ok()?;
        if pair.is_null() || pair.is_undefined() {
            return None;
        }
        Some(WebSocketRequestResponsePair {
            inner: pair.unchecked_into(),
        })
    }

    /// Returns when the runtime last sent the automatic response on `websocket`, in
    /// milliseconds since the Unix epoch; `None` if it never did.
    ///
    /// # Errors
    ///
    /// Fails when the socket was not accepted with the hibernation API.
    pub fn get_websocket_auto_response_timestamp(
        &self,
        websocket: &WebSocket,
    ) -> Result<Option<f64>> {
        let time = self
            .inner
            .get_websocket_auto_response_timestamp(websocket.as_js())
            .map_err(|thrown| Error::js("getWebSocketAutoResponseTimestamp failed", thrown))?;
        if time.is_null() || time.is_undefined() {
            return Ok(None);
        }
        Ok(js_sys::Date::from(time).get_time().into())
    }

    /// Returns the underlying JavaScript `DurableObjectState`.
    pub fn as_js(&self) -> &JsValue {
        &self.inner
    }
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("State").field("id", &self.id()).finish()
    }
}

/// A text message and the reply the runtime sends to it on its own, for
/// [`State::set_websocket_auto_response`]: typically a `ping` and its `pong`.
#[derive(Clone)]
pub struct WebSocketRequestResponsePair {
    inner: RawPair,
}

impl WebSocketRequestResponsePair {
    /// Creates the pair.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects either string.
    pub fn new(request: &str, response: &str) -> Result<Self> {
        let inner = RawPair::new(request, response).map_err(|thrown| {
            let message =
                format!("invalid WebSocket auto-response pair {request:?} -> {response:?}");
            Error::new(ErrorKind::InvalidInput, message).with_js(thrown)
        })?;
        Ok(WebSocketRequestResponsePair { inner })
    }

    /// Returns the message that triggers the response.
    pub fn request(&self) -> String {
        self.inner.request()
    }

    /// Returns the response.
    pub fn response(&self) -> String {
        self.inner.response()
    }
}

impl fmt::Debug for WebSocketRequestResponsePair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebSocketRequestResponsePair")
            .field("request", &self.request())
            .field("response", &self.response())
            .finish()
    }
}
