//! Attribute macros for the `worker` crate. Use them through `worker`, which re-exports them.
//!
//! Each macro parses its input, validates it, then expands it, in separate steps. Every mistake
//! in user code is a `syn::Error` spanned at the offending tokens; after an error the user's
//! item is still emitted unchanged, so the compiler does not add a cascade of follow-up errors.

mod durable_object;
mod event;
mod manifest;

use proc_macro::TokenStream;

/// Marks a function as the handler of a worker event.
///
/// | attribute | signature |
/// |---|---|
/// | `#[event(fetch)]` | `async fn(Request, Env, Context) -> Result<Response>` |
/// | `#[event(fetch, respond_with_errors)]` | the same; an `Err` is answered with its text |
/// | `#[event(scheduled)]` | `async fn(ScheduledEvent, Env, ScheduleContext)`, returning `()` or `Result<()>` |
/// | `#[event(start)]` | `fn()`, run once when the module is instantiated |
///
/// The request and response types of a fetch handler may be any type that implements
/// `FromRequest` and `IntoResponse`, and the error any type that implements `Display`.
#[proc_macro_attribute]
pub fn event(attr: TokenStream, item: TokenStream) -> TokenStream {
    event::expand(attr.into(), item.into()).into()
}

/// Makes a struct a Durable Object class and exports what the runtime calls on it.
///
/// It goes in three places:
///
/// | on | does |
/// |---|---|
/// | `struct Counter { ... }` | marks the class; the struct cannot be generic |
/// | `impl DurableObject for Counter { ... }` | exports the constructor and each handler the block defines (`fetch`, `alarm`, `websocket_message`, `websocket_close`, `websocket_error`), and nothing else |
/// | `impl Counter { ... }` | exports each `pub` method as an RPC method of the same name |
///
/// An RPC method takes `&self` and owned arguments that implement `DeserializeOwned`, may be
/// `async`, and returns `Result<T>` with `T: Serialize`. The JavaScript class is named after the
/// struct, which is the `class_name` of the binding in `wrangler.toml`.
#[proc_macro_attribute]
pub fn durable_object(attr: TokenStream, item: TokenStream) -> TokenStream {
    durable_object::expand(attr.into(), item.into()).into()
}
