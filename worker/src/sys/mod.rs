//! Raw declarations of the runtime's JavaScript interfaces, one file per family, mirroring
//! `@cloudflare/workers-types`. The typed API in the rest of the crate wraps these.
//!
//! Every method that can throw is declared with `catch`, so a JavaScript exception becomes an
//! `Err` instead of unwinding through wasm. Methods are called by name on plain objects rather
//! than checked with `instanceof`, so local stand-ins that implement the same interface work too.

pub(crate) mod context;
#[cfg(feature = "d1")]
pub(crate) mod d1;
pub(crate) mod durable;
pub(crate) mod global;
pub(crate) mod kv;
pub(crate) mod r2;
pub(crate) mod websocket;
