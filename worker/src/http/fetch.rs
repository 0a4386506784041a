//! Outgoing requests with the runtime's `fetch`.

use wasm_bindgen::JsCast;

use crate::sys::global;
use crate::{AbortSignal, Error, Request, Response, Result, Url, js};

/// An outgoing request: a URL to `GET`, or a full [`Request`].
///
/// ```no_run
/// use worker::{Fetch, Url};
///
/// # async fn run() -> worker::Result<()> {
/// let url = Url::parse("https://example.com/")?;
/// let mut response = Fetch::Url(url).send().await?;
/// let body = response.text().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub enum Fetch {
    /// A `GET` of this URL.
    Url(Url),
    /// This request, with its method, headers and body.
    Request(Request),
}

impl Fetch {
    /// Sends the request and waits for the response headers. The body streams in later.
    ///
    /// # Errors
    ///
    /// Fails when the request cannot be sent or the connection fails.
    pub async fn send(&self) -> Result<Response> {
        self.send_inner(None).await
    }

    /// Sends the request; aborting `signal` cancels it.
    ///
    /// # Errors
    ///
    /// Fails when the request cannot be sent, the connection fails, or `signal` is aborted.
    pub async fn send_with_signal(&self, signal: &AbortSignal) -> Result<Response> {
        self.send_inner(Some(signal)).await
    }

    async fn send_inner(&self, signal: Option<&AbortSignal>) -> Result<Response> {
        let request = match self {
            Fetch::Url(url) => web_sys::Request::new_with_str(url.as_str())
                .map_err(|thrown| Error::js(format!("invalid fetch URL {url}"), thrown))?,
            Fetch::Request(request) => Clone::clone(request.inner()),
        };
        let promise = match signal {
            Some(signal) => {
                let init = js_sys::Object::new();
                js::set_property(&init, "signal", signal.as_js());
                global::fetch_with_init(&request, &init)
            }
            None => global::fetch_with_request(&request),
        };
        let response = js::settle(promise).await.map_err(|thrown| {
            Error::js(
                format!("fetch {} {} failed", request.method(), request.url()),
                thrown,
            )
        })?;
        Ok(Response::from(
            response.unchecked_into::<web_sys::Response>(),
        ))
    }
}
