//! Durable Objects: single-instance objects with strongly consistent storage.
//!
//! A class is a struct with `#[durable_object]` and an `impl DurableObject` block with the same
//! attribute. The block defines `new` and the handlers the object has; only those are exported
//! to the runtime. Public methods of an inherent `impl` block with `#[durable_object]` become
//! RPC methods that JavaScript callers and [`Stub::call`] reach.
//!
//! ```no_run
//! use std::cell::Cell;
//! use worker::{DurableObject, Env, Request, Response, Result, State, durable_object};
//!
//! #[durable_object]
//! pub struct Counter {
//!     state: State,
//!     count: Cell<i64>,
//! }
//!
//! #[durable_object]
//! impl DurableObject for Counter {
//!     fn new(state: State, _env: Env) -> Self {
//!         Counter { state, count: Cell::new(0) }
//!     }
//!
//!     async fn fetch(&self, _req: Request) -> Result<Response> {
//!         Response::ok(self.count.get().to_string())
//!     }
//! }
//!
//! #[durable_object]
//! impl Counter {
//!     pub async fn add(&self, amount: i64) -> Result<i64> {
//!         self.count.set(self.count.get() + amount);
//!         self.state.storage().put("count", self.count.get()).await?;
//!         Ok(self.count.get())
//!     }
//! }
//! ```
//!
//! `wrangler.toml` binds the class and declares it with SQLite storage:
//!
//! ```toml
//! [[durable_objects.bindings]]
//! name = "COUNTER"
//! class_name = "Counter"
//!
//! [[migrations]]
//! tag = "v1"
//! new_sqlite_classes = ["Counter"]
//! ```

#[doc(hidden)]
pub mod export;
mod namespace;
mod sql;
mod state;
mod storage;
pub(crate) mod value;

use wasm_bindgen::JsValue;

pub use namespace::{ObjectId, ObjectNamespace, Stub};
pub use sql::{SqlCursor, SqlCursorIterator, SqlCursorRawIterator, SqlStorage, SqlStorageValue};
pub use state::{State, WebSocketRequestResponsePair};
pub use storage::{
    GetAlarmOptions, ListOptions, ScheduledTime, SetAlarmOptions, Storage, Transaction,
};

use crate::{Env, Error, Request, Response, Result, WebSocket, js};

/// A Durable Object class. Implement it in a block marked `#[durable_object]`.
///
/// Only `new` is required. The runtime calls a handler only when the block defines it: the
/// attribute exports exactly the handlers written there, so an object without `alarm` has no
/// alarm handler and [`Storage::set_alarm`] fails for it. The default bodies below never run
/// on behalf of the runtime.
///
/// A panic inside a handler fails only that call: a `fetch` gets a `500` response, and other
/// calls reject. The object stays in memory and keeps serving, with its storage as the last
/// completed write left it. State the panicking call held, such as a `RefCell` borrow, stays
/// held, so keep borrows short. After 16 traps anywhere in the worker, the runtime replaces the
/// wasm instance at the next moment nothing is in flight, to return the memory the traps leaked:
/// then every object is created again with [`DurableObject::new`], its fields start over and its
/// storage is kept, as after an eviction.
#[allow(async_fn_in_trait)] // Workers run on one thread, so the futures need not be `Send`.
pub trait DurableObject:
    export::DurableObjectStruct + export::DurableObjectImpl + Sized + 'static
{
    /// Creates the object when the runtime first routes an event to it. Start asynchronous
    /// setup with [`State::block_concurrency_while`].
    fn new(state: State, env: Env) -> Self;

    /// Handles a request sent with [`Stub::fetch_with_request`] or a JavaScript stub's `fetch`.
    ///
    /// An `Err` rejects the caller's fetch with the error's message. This default body never
    /// runs: `#[durable_object]` exports only the handlers the `impl` block writes, so for an
    /// object without `fetch` the caller's fetch fails with the runtime's error, "Handler does
    /// not export a fetch() function".
    async fn fetch(&self, request: Request) -> Result<Response> {
        let _ = request;
        Response::error("this Durable Object has no fetch handler", 501)
    }

    /// Runs when the alarm set with [`Storage::set_alarm`] fires. An `Err` or a panic makes the
    /// runtime retry it later, with [`AlarmInfo::retry_count`] counting the retries.
    async fn alarm(&self, info: AlarmInfo) -> Result<()> {
        let _ = info;
        Ok(())
    }

    /// Receives a message on a WebSocket accepted with [`State::accept_web_socket`].
    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        let _ = (ws, message);
        Ok(())
    }

    /// Runs when a hibernating WebSocket closes; call [`WebSocket::close`] here to complete
    /// the closing handshake.
    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        reason: String,
        was_clean: bool,
    ) -> Result<()> {
        let _ = (ws, code, reason, was_clean);
        Ok(())
    }

    /// Runs when a hibernating WebSocket fails.
    async fn websocket_error(&self, ws: WebSocket, error: Error) -> Result<()> {
        let _ = (ws, error);
        Ok(())
    }
}

/// A message received on a hibernating WebSocket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebSocketIncomingMessage {
    /// A text frame.
    String(String),
    /// A binary frame.
    Binary(Vec<u8>),
}

impl WebSocketIncomingMessage {
    pub(crate) fn from_js(message: &JsValue) -> Self {
        match message.as_string() {
            Some(text) => WebSocketIncomingMessage::String(text),
            None => WebSocketIncomingMessage::Binary(js::to_bytes(message)),
        }
    }
}

/// The information the runtime gives an alarm handler about the invocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AlarmInfo {
    retry_count: u32,
    is_retry: bool,
}

impl AlarmInfo {
    /// Copies the fields out of the runtime's object, which cannot be stored or cloned itself.
    pub(crate) fn from_js(info: &JsValue) -> Self {
        AlarmInfo {
            retry_count: js::property(info, "retryCount").as_f64().unwrap_or(0.0) as u32,
            is_retry: js::property(info, "isRetry").as_bool().unwrap_or(false),
        }
    }

    /// Returns how many times this alarm has been retried after a failed run; 0 on the first.
    pub fn retry_count(&self) -> u32 {
        self.retry_count
    }

    /// Returns whether this run is a retry of a failed one.
    pub fn is_retry(&self) -> bool {
        self.is_retry
    }
}
