//! Options for building an outgoing request.

use js_sys::Object;
use wasm_bindgen::JsValue;

use crate::{AbortSignal, Headers, Method, Result, js};

/// How a request follows redirects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestRedirect {
    /// Follow redirects (the default).
    #[default]
    Follow,
    /// Return the redirect response itself.
    Manual,
    /// Fail when the response is a redirect.
    Error,
}

impl RequestRedirect {
    fn as_str(self) -> &'static str {
        match self {
            RequestRedirect::Follow => "follow",
            RequestRedirect::Manual => "manual",
            RequestRedirect::Error => "error",
        }
    }
}

/// The `init` argument of a new request: method, headers, body and redirect mode.
#[derive(Debug, Default)]
pub struct RequestInit {
    /// The method; `GET` by default.
    pub method: Method,
    /// The headers to send.
    pub headers: Headers,
    /// The body: a string, `Uint8Array`, `ReadableStream`, `FormData` or `URLSearchParams`.
    pub body: Option<JsValue>,
    /// How to follow redirects.
    pub redirect: RequestRedirect,
    /// A signal that aborts the request.
    pub signal: Option<AbortSignal>,
}

impl RequestInit {
    /// Creates options for a `GET` request with no headers and no body.
    pub fn new() -> Self {
        RequestInit::default()
    }

    /// Sets the method.
    pub fn with_method(&mut self, method: Method) -> &mut Self {
        self.method = method;
        self
    }

    /// Sets the headers.
    pub fn with_headers(&mut self, headers: Headers) -> &mut Self {
        self.headers = headers;
        self
    }

    /// Sets the body (see [`RequestInit::body`] for the accepted values).
    pub fn with_body(&mut self, body: Option<JsValue>) -> &mut Self {
        self.body = body;
        self
    }

    /// Sets the redirect mode.
    pub fn with_redirect(&mut self, redirect: RequestRedirect) -> &mut Self {
        self.redirect = redirect;
        self
    }

    /// Sets the signal that aborts the request.
    pub fn with_signal(&mut self, signal: Option<&AbortSignal>) -> &mut Self {
        self.signal = signal.cloned();
        self
    }

    pub(crate) fn to_js(&self) -> Result<JsValue> {
        let init = Object::new();
        js::set_property(&init, "method", &JsValue::from_str(self.method.as_str()));
        js::set_property(&init, "headers", self.headers.as_js());
        if let Some(body) = &self.body {
            js::set_property(&init, "body", body);
        }
        js::set_property(
            &init,
            "redirect",
            &JsValue::from_str(self.redirect.as_str()),
        );
        if let Some(signal) = &self.signal {
            js::set_property(&init, "signal", signal.as_js());
        }
        Ok(init.into())
    }
}
