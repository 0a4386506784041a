//! Write Cloudflare Workers in Rust.
//!
//! A worker is a `cdylib` crate with an `#[event(fetch)]` handler. `worker-build --release`
//! compiles it to WebAssembly and writes the JavaScript entry that `wrangler` deploys.
//!
//! ```no_run
//! use worker::*;
//!
//! #[event(fetch)]
//! async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
//!     let kv = env.kv("COUNTERS")?;
//!     let count = kv.get("hits").text().await?.unwrap_or_default();
//!     Response::ok(format!("{} {} (hits: {count})", req.method(), req.path()))
//! }
//! ```
//!
//! Every binding is reached through [`Env`] by the name given in `wrangler.toml`; a missing
//! binding or one of another kind is an `Err` that names both, never a panic.
//!
//! # Features
//!
//! | feature | what it adds |
//! |---|---|
//! | `d1` | `D1Database` and the `d1` module, `Env::d1`, the `query!` macro |
//!
//! A panic in a handler fails only the request it happened in: the runtime answers `500`, the
//! panic message and location are logged, and requests already in flight and later ones are
//! served normally. See `docs/architecture.md` for how.

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod abort;
mod cache;
pub mod console;
mod context;
#[cfg(feature = "d1")]
#[cfg_attr(docsrs, doc(cfg(feature = "d1")))]
pub mod d1;
mod date;
mod delay;
pub mod durable;
mod env;
mod error;
mod fetcher;
mod http;
mod js;
pub mod kv;
mod promise;
pub mod r2;
mod router;
mod runtime;
mod schedule;
mod streams;
mod sys;
mod websocket;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use abort::{AbortController, AbortSignal};
pub use cache::{Cache, CacheDeletionOutcome, CacheKey};
pub use context::Context;
#[cfg(feature = "d1")]
#[cfg_attr(docsrs, doc(cfg(feature = "d1")))]
pub use d1::{D1Database, D1DatabaseSession, D1PreparedStatement, D1Result, D1SessionConstraint};
pub use date::{Date, DateInit};
pub use delay::Delay;
pub use durable::{
    AlarmInfo, DurableObject, GetAlarmOptions, ListOptions, ObjectId, ObjectNamespace,
    ScheduledTime, SetAlarmOptions, SqlCursor, SqlStorage, SqlStorageValue, State, Storage, Stub,
    Transaction, WebSocketIncomingMessage, WebSocketRequestResponsePair,
};
pub use env::{Env, EnvBinding, Secret, Var};
pub use error::{Error, ErrorKind, JsError, Result};
pub use fetcher::Fetcher;
pub use http::cf::Cf;
pub use http::cors::Cors;
pub use http::fetch::Fetch;
pub use http::form_data::{File, FormData, FormEntry};
pub use http::headers::Headers;
pub use http::method::Method;
pub use http::request::{FromRequest, Request};
pub use http::request_init::{RequestInit, RequestRedirect};
pub use http::response::{IntoResponse, Response, ResponseBody, ResponseBuilder};
pub use kv::KvStore;
pub use r2::{
    Bucket, Checksum, Conditional, CreateMultipartUploadOptionsBuilder, Data, GetOptionsBuilder,
    HttpMetadata, Include, ListOptionsBuilder, MultipartUpload, Object, ObjectBody, Objects,
    PutOptionsBuilder, R2Checksums, Range, StorageClass, UploadedPart,
};
pub use router::{RouteContext, Router};
pub use runtime::{RuntimeStats, runtime_stats};
pub use schedule::{ScheduleContext, ScheduledEvent};
pub use streams::{ByteStream, FixedLengthStream};
pub use url::Url;
pub use websocket::{WebSocket, WebSocketPair};

pub use worker_macros::{durable_object, event};

pub use js_sys;
pub use serde_json;
pub use wasm_bindgen;
pub use web_sys;
