//! Attribute macros for the `worker` crate. Use them through `worker`, which re-exports them.
//!
//! Each macro parses its input, validates it, then expands it, in separate steps. Every mistake
//! in user code is a `syn::Error` spanned at the offending tokens; after an error the user's
//! item is still emitted unchanged, so the compiler does not add a cascade of follow-up errors.

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
