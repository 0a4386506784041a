//! The HTTP response a handler returns or a fetch receives.

use std::fmt;

use futures_core::TryStream;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use crate::http::cors::Cors;
use crate::streams::{ByteStream, read_all, to_readable_stream};
use crate::{Error, ErrorKind, Headers, Result, Url, WebSocket, js};

/// The body of a [`Response`].
pub enum ResponseBody {
    /// No body.
    Empty,
    /// Bytes held in wasm memory.
    Body(Vec<u8>),
    /// A JavaScript stream, such as the body of a fetch or an R2 object. It is passed to the
    /// runtime as it is, without being copied through wasm memory.
    Stream(web_sys::ReadableStream),
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseBody::Empty => f.write_str("Empty"),
            ResponseBody::Body(bytes) => write!(f, "Body({} bytes)", bytes.len()),
            ResponseBody::Stream(_) => f.write_str("Stream"),
        }
    }
}

/// An HTTP response.
///
/// ```no_run
/// use worker::{Response, Result};
///
/// fn hello() -> Result<Response> {
///     Ok(Response::ok("hello")?.with_status(201))
/// }
/// ```
pub struct Response {
    body: ResponseBody,
    headers: Headers,
    status: u16,
    websocket: Option<WebSocket>,
}

impl Response {
    /// Creates a `200 OK` response with `body`.
    ///
    /// # Errors
    ///
    /// Kept fallible for compatibility; building the response itself does not fail.
    pub fn from_body(body: ResponseBody) -> Result<Self> {
        Ok(Response {
            body,
            headers: Headers::new(),
            status: 200,
            websocket: None,
        })
    }

    fn with_content_type(body: Vec<u8>, content_type: &'static str) -> Result<Self> {
        let mut response = Response::from_body(ResponseBody::Body(body))?;
        response.headers.set_static("content-type", content_type)?;
        Ok(response)
    }

    /// Creates a `200 OK` response with a plain text body.
    ///
    /// # Errors
    ///
    /// Kept fallible for compatibility; building the response itself does not fail.
    pub fn ok(body: impl Into<String>) -> Result<Self> {
        Response::with_content_type(body.into().into_bytes(), "text/plain; charset=utf-8")
    }

    /// Creates a `200 OK` response without a body.
    ///
    /// # Errors
    ///
    /// Kept fallible for compatibility; building the response itself does not fail.
    pub fn empty() -> Result<Self> {
        Response::from_body(ResponseBody::Empty)
    }

    /// Creates a response with a plain text message and an error status.
    ///
    /// # Errors
    ///
    /// Fails when `status` is not between 200 and 599.
    pub fn error(message: impl Into<String>, status: u16) -> Result<Self> {
        check_status(status)?;
        Ok(Response::ok(message)?.with_status(status))
    }

    /// Creates a `200 OK` response with `value` serialized as JSON.
    ///
    /// # Errors
    ///
    /// Fails when `value` cannot be serialized.
    pub fn from_json<B: Serialize + ?Sized>(value: &B) -> Result<Self> {
        let body = serde_json::to_vec(value).map_err(|error| {
            Error::new(
                ErrorKind::Serialization,
                "response value cannot be serialized to JSON",
            )
            .with_source(error)
        })?;
        Response::with_content_type(body, "application/json")
    }

    /// Creates a `200 OK` response with an HTML body.
    ///
    /// # Errors
    ///
    /// Kept fallible for compatibility; building the response itself does not fail.
    pub fn from_html(html: impl AsRef<str>) -> Result<Self> {
        Response::with_content_type(
            html.as_ref().as_bytes().to_vec(),
            "text/html; charset=utf-8",
        )
    }

    /// Creates a `200 OK` response with a binary body.
    ///
    /// # Errors
    ///
    /// Kept fallible for compatibility; building the response itself does not fail.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self> {
        Response::with_content_type(bytes, "application/octet-stream")
    }

    /// Creates a `200 OK` response whose body is produced by a Rust stream, chunk by chunk,
    /// as the client reads it.
    ///
    /// # Errors
    ///
    /// Fails when the runtime cannot create the stream.
    pub fn from_stream<S>(stream: S) -> Result<Self>
    where
        S: TryStream + 'static,
        S::Ok: Into<Vec<u8>>,
        S::Error: Into<Error>,
    {
        Response::from_body(ResponseBody::Stream(to_readable_stream(stream)?))
    }

    /// Creates a `302 Found` redirect to `url`.
    ///
    /// # Errors
    ///
    /// Kept fallible for compatibility; building the response itself does not fail.
    pub fn redirect(url: Url) -> Result<Self> {
        Response::redirect_with_status(url, 302)
    }

    /// Creates a redirect to `url` with a redirect status (301, 302, 303, 307 or 308).
    ///
    /// # Errors
    ///
    /// Fails when `status` is not a redirect status.
    pub fn redirect_with_status(url: Url, status: u16) -> Result<Self> {
        if !matches!(status, 301 | 302 | 303 | 307 | 308) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("invalid redirect status {status}: use 301, 302, 303, 307 or 308"),
            ));
        }
        let mut response = Response::empty()?.with_status(status);
        response.headers.set("location", url.as_str())?;
        Ok(response)
    }

    /// Starts a response with the builder, for status and headers before the body.
    pub fn builder() -> ResponseBuilder {
        ResponseBuilder::new()
    }

    /// Sets the status code. An invalid one is reported when the response is sent.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// Replaces the headers.
    pub fn with_headers(mut self, headers: Headers) -> Self {
        self.headers = headers;
        self
    }

    /// Adds the CORS headers that `cors` describes.
    ///
    /// # Errors
    ///
    /// Fails when a configured header value is invalid.
    pub fn with_cors(mut self, cors: &Cors) -> Result<Self> {
        cors.apply_headers(&mut self.headers)?;
        Ok(self)
    }

    /// Creates a `101 Switching Protocols` response that hands `websocket`, the client end of
    /// a [`WebSocketPair`](crate::WebSocketPair), to the caller.
    ///
    /// # Errors
    ///
    /// Kept fallible for compatibility; building the response itself does not fail.
    pub fn from_websocket(websocket: WebSocket) -> Result<Self> {
        Ok(Response::empty()?.with_websocket(Some(websocket)))
    }

    /// Returns the WebSocket of a `101` response, such as the one a Durable Object returned
    /// to [`Stub::fetch_with_request`](crate::Stub::fetch_with_request).
    pub fn websocket(self) -> Option<WebSocket> {
        self.websocket
    }

    /// Attaches the client end of a WebSocket pair; the status becomes `101`.
    pub fn with_websocket(mut self, websocket: Option<WebSocket>) -> Self {
        if websocket.is_some() {
            self.status = 101;
        }
        self.websocket = websocket;
        self
    }

    /// Returns the status code.
    pub fn status_code(&self) -> u16 {
        self.status
    }

    /// Returns the headers.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// Returns the headers for changing them.
    pub fn headers_mut(&mut self) -> &mut Headers {
        &mut self.headers
    }

    /// Returns the body.
    pub fn body(&self) -> &ResponseBody {
        &self.body
    }

    /// Reads the body into memory. A streamed body is read once and kept, so the response can
    /// still be returned afterwards.
    ///
    /// # Errors
    ///
    /// Fails when reading the stream fails.
    pub async fn bytes(&mut self) -> Result<Vec<u8>> {
        let bytes = match &self.body {
            ResponseBody::Empty => Vec::new(),
            ResponseBody::Body(bytes) => return Ok(bytes.clone()),
            ResponseBody::Stream(stream) => read_all(stream).await?,
        };
        self.body = ResponseBody::Body(bytes.clone());
        Ok(bytes)
    }

    /// Reads the body as UTF-8 text.
    ///
    /// # Errors
    ///
    /// Fails when reading fails or the body is not valid UTF-8.
    pub async fn text(&mut self) -> Result<String> {
        let bytes = self.bytes().await?;
        String::from_utf8(bytes).map_err(|error| {
            Error::new(ErrorKind::Body, "response body is not valid UTF-8").with_source(error)
        })
    }

    /// Reads the body as JSON and deserializes it into `B`.
    ///
    /// # Errors
    ///
    /// Fails when reading fails or the body is not JSON that fits `B`.
    pub async fn json<B: DeserializeOwned>(&mut self) -> Result<B> {
        let bytes = self.bytes().await?;
        serde_json::from_slice(&bytes).map_err(|error| {
            Error::new(
                ErrorKind::Serialization,
                "response body is not valid JSON for the requested type",
            )
            .with_source(error)
        })
    }

    /// Returns the body as a stream of chunks.
    ///
    /// # Errors
    ///
    /// Fails when the runtime cannot create the stream.
    pub fn stream(&mut self) -> Result<ByteStream> {
        let body = std::mem::replace(&mut self.body, ResponseBody::Empty);
        let stream = match body {
            ResponseBody::Stream(stream) => stream,
            other => raw_body(other)?
                .body()
                .ok_or_else(|| Error::new(ErrorKind::Body, "the response has no body"))?,
        };
        ByteStream::new(&stream)
    }

    /// Copies the response. A streamed body is split in two with `tee`, so both copies can be
    /// read.
    ///
    /// # Errors
    ///
    /// Fails when the stream cannot be split.
    pub fn cloned(&mut self) -> Result<Self> {
        let body = match &self.body {
            ResponseBody::Empty => ResponseBody::Empty,
            ResponseBody::Body(bytes) => ResponseBody::Body(bytes.clone()),
            ResponseBody::Stream(stream) => {
                let branches = stream.tee();
                self.body = ResponseBody::Stream(branches.get(0).unchecked_into());
                ResponseBody::Stream(branches.get(1).unchecked_into())
            }
        };
        Ok(Response {
            body,
            headers: self.headers.clone(),
            status: self.status,
            websocket: self.websocket.clone(),
        })
    }

    /// Converts the response into the runtime's `Response`.
    ///
    /// # Errors
    ///
    /// Fails when the status is outside 200 to 599 (101 with a WebSocket), or the body is not
    /// allowed with the status (a body on a 204).
    pub fn into_raw(self) -> Result<web_sys::Response> {
        if !(self.status == 101 && self.websocket.is_some()) {
            check_status(self.status)?;
        }
        let init = web_sys::ResponseInit::new();
        init.set_status(self.status);
        init.set_headers(self.headers.as_js());
        if let Some(websocket) = &self.websocket {
            js::set_property(&init, "webSocket", websocket.as_js());
        }
        let status = self.status;
        let body: Option<JsValue> = match self.body {
            ResponseBody::Empty => None,
            ResponseBody::Body(bytes) => Some(js::to_uint8_array(&bytes).into()),
            ResponseBody::Stream(stream) => Some(stream.into()),
        };
        let body = body
            .as_ref()
            .map(|value| value.unchecked_ref::<js_sys::Object>());
        web_sys::Response::new_with_opt_buffer_source_and_init(body, &init).map_err(|thrown| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("invalid response with status {status}"),
            )
            .with_js(thrown)
        })
    }
}

/// Builds a standalone `web_sys::Response` around a body, to reach its stream.
fn raw_body(body: ResponseBody) -> Result<web_sys::Response> {
    Response::from_body(body)?.into_raw()
}

fn check_status(status: u16) -> Result<()> {
    if (200..=599).contains(&status) {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::InvalidInput,
        format!("invalid status {status}: a response status must be between 200 and 599"),
    ))
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .finish()
    }
}

impl From<web_sys::Response> for Response {
    /// Wraps a runtime response. The body stays a JavaScript stream, and the headers are copied
    /// so that they can be changed (those of a fetched response are immutable).
    fn from(raw: web_sys::Response) -> Self {
        let body = match raw.body() {
            Some(stream) => ResponseBody::Stream(stream),
            None => ResponseBody::Empty,
        };
        let websocket = js::property(&raw, "webSocket");
        let headers = Headers::from(raw.headers()).clone();
        Response {
            body,
            headers,
            status: raw.status(),
            websocket: (!websocket.is_null() && !websocket.is_undefined())
                .then(|| WebSocket::from_js(websocket)),
        }
    }
}

/// A type that a fetch handler can return as its response.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned as the response of a fetch handler",
    label = "the handler must return `Result<T, E>` where `T: IntoResponse`",
    note = "return `worker::Response`, or implement `IntoResponse` for your type"
)]
pub trait IntoResponse {
    /// Converts into the runtime's `Response`.
    ///
    /// # Errors
    ///
    /// Fails when the value is not a valid response.
    fn into_raw(self) -> Result<web_sys::Response>;
}

impl IntoResponse for Response {
    fn into_raw(self) -> Result<web_sys::Response> {
        Response::into_raw(self)
    }
}

impl IntoResponse for web_sys::Response {
    fn into_raw(self) -> Result<web_sys::Response> {
        Ok(self)
    }
}

/// Builds a [`Response`]: status and headers first, then a method that sets the body.
#[derive(Debug)]
#[must_use = "a ResponseBuilder does nothing until a body method such as `ok` or `body` is called"]
pub struct ResponseBuilder {
    status: u16,
    headers: Headers,
    websocket: Option<WebSocket>,
}

impl ResponseBuilder {
    /// Starts a `200 OK` response with no headers.
    pub fn new() -> Self {
        ResponseBuilder {
            status: 200,
            headers: Headers::new(),
            websocket: None,
        }
    }

    /// Sets the status code.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// Sets a header.
    ///
    /// # Errors
    ///
    /// Fails when the name or value is invalid.
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self> {
        self.headers.set(name, value)?;
        Ok(self)
    }

    /// Replaces the headers.
    pub fn with_headers(mut self, headers: Headers) -> Self {
        self.headers = headers;
        self
    }

    /// Adds CORS headers.
    ///
    /// # Errors
    ///
    /// Fails when a configured header value is invalid.
    pub fn with_cors(mut self, cors: &Cors) -> Result<Self> {
        cors.apply_headers(&mut self.headers)?;
        Ok(self)
    }

    /// Attaches the client end of a WebSocket pair; the status becomes `101`.
    pub fn with_websocket(mut self, websocket: WebSocket) -> Self {
        self.status = 101;
        self.websocket = Some(websocket);
        self
    }

    /// Finishes with `body`.
    pub fn body(self, body: ResponseBody) -> Response {
        Response {
            body,
            headers: self.headers,
            status: self.status,
            websocket: self.websocket,
        }
    }

    /// Finishes with a binary body.
    pub fn fixed(self, bytes: Vec<u8>) -> Response {
        self.body(ResponseBody::Body(bytes))
    }

    /// Finishes without a body.
    pub fn empty(self) -> Response {
        self.body(ResponseBody::Empty)
    }

    /// Finishes with a plain text body (setting `content-type` unless already set).
    pub fn ok(mut self, text: impl Into<String>) -> Response {
        self.default_content_type("text/plain; charset=utf-8");
        self.fixed(text.into().into_bytes())
    }

    /// Finishes with an HTML body.
    pub fn from_html(mut self, html: impl AsRef<str>) -> Response {
        self.default_content_type("text/html; charset=utf-8");
        self.fixed(html.as_ref().as_bytes().to_vec())
    }

    /// Finishes with `value` serialized as JSON.
    ///
    /// # Errors
    ///
    /// Fails when `value` cannot be serialized.
    pub fn from_json<B: Serialize + ?Sized>(mut self, value: &B) -> Result<Response> {
        let body = serde_json::to_vec(value).map_err(|error| {
            Error::new(
                ErrorKind::Serialization,
                "response value cannot be serialized to JSON",
            )
            .with_source(error)
        })?;
        self.default_content_type("application/json");
        Ok(self.fixed(body))
    }

    /// Finishes with a body streamed from a Rust stream.
    ///
    /// # Errors
    ///
    /// Fails when the runtime cannot create the stream.
    pub fn from_stream<S>(self, stream: S) -> Result<Response>
    where
        S: TryStream + 'static,
        S::Ok: Into<Vec<u8>>,
        S::Error: Into<Error>,
    {
        Ok(self.body(ResponseBody::Stream(to_readable_stream(stream)?)))
    }

    /// Finishes with a plain text error message and `status`.
    ///
    /// # Errors
    ///
    /// Fails when `status` is not between 200 and 599.
    pub fn error(self, message: impl Into<String>, status: u16) -> Result<Response> {
        check_status(status)?;
        Ok(self.with_status(status).ok(message))
    }

    fn default_content_type(&mut self, content_type: &'static str) {
        if !matches!(self.headers.has("content-type"), Ok(true)) {
            let _ = self.headers.set_static("content-type", content_type);
        }
    }
}

impl Default for ResponseBuilder {
    fn default() -> Self {
        ResponseBuilder::new()
    }
}
