//! Service bindings and other bindings that serve HTTP requests: `Fetcher`.

use wasm_bindgen::{JsCast, JsValue};

use crate::env::{EnvBinding, cast_if_methods};
use crate::{Error, Request, RequestInit, Response, Result, js};

/// A binding that serves HTTP requests: a service binding to another worker, the static
/// assets binding, or a Browser Run binding.
///
/// A request sent through a service binding never leaves Cloudflare: it goes straight to the
/// other worker's fetch handler, and the response comes back as that handler wrote it, error
/// statuses included.
///
/// ```no_run
/// # async fn run(env: worker::Env) -> worker::Result<()> {
/// let auth = env.service("AUTH")?;
/// let mut response = auth.fetch("https://auth/check", None).await?;
/// let verdict = response.text().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Fetcher {
    inner: FetcherObject,
}

impl EnvBinding for Fetcher {
    const TYPE_NAME: &'static str = "service binding (Fetcher)";

    fn from_binding(value: JsValue) -> std::result::Result<Self, JsValue> {
        cast_if_methods(value, &["fetch"]).map(|inner| Fetcher { inner })
    }
}

impl Fetcher {
    /// Sends a request for `url`, with `init` or as a `GET` without a body.
    ///
    /// # Errors
    ///
    /// Fails when `url` or `init` is invalid, or the binding cannot deliver the request.
    pub async fn fetch(
        &self,
        url: impl Into<String>,
        init: Option<RequestInit>,
    ) -> Result<Response> {
        let url = url.into();
        let request = match init {
            Some(init) => Request::new_with_init(&url, &init)?,
            None => Request::new(&url, crate::Method::Get)?,
        };
        self.fetch_request(request).await
    }

    /// Sends `request`, body included.
    ///
    /// # Errors
    ///
    /// Fails when the binding cannot deliver the request.
    pub async fn fetch_request(&self, request: Request) -> Result<Response> {
        let raw = web_sys::Request::from(request);
        let response = js::settle(self.inner.fetch(&raw)).await.map_err(|thrown| {
            Error::js(
                format!("service fetch {} {} failed", raw.method(), raw.url()),
                thrown,
            )
        })?;
        Ok(Response::from(
            response.unchecked_into::<web_sys::Response>(),
        ))
    }

    /// Returns the underlying JavaScript object, to call methods the SDK does not wrap.
    pub fn as_js(&self) -> &JsValue {
        &self.inner
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// Any object with a `fetch(request)` method.
    #[wasm_bindgen(extends = js_sys::Object)]
    #[derive(Debug, Clone)]
    type FetcherObject;
    #[wasm_bindgen(method, catch)]
    fn fetch(this: &FetcherObject, request: &web_sys::Request) -> Result<js_sys::Promise, JsValue>;
}
