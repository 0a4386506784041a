//! The incoming or outgoing HTTP request.

use std::cell::OnceCell;
use std::fmt;

use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;

use crate::error::Quoted;
use crate::http::cf::Cf;
use crate::http::form_data::FormData;
use crate::http::percent::invalid_query_part;
use crate::http::request_init::RequestInit;
use crate::streams::{ByteStream, read_all};
use crate::sys::context::IncomingRequest;
use crate::{Error, ErrorKind, Headers, Method, Result, Url, js};

/// An HTTP request: the one a fetch handler receives, or one built to send with [`crate::Fetch`].
pub struct Request {
    inner: web_sys::Request,
    headers: OnceCell<Headers>,
    cf: OnceCell<Option<Cf>>,
    /// Incoming requests have immutable headers.
    immutable: bool,
}

impl Request {
    /// Creates a request for `url` with `method` and no body.
    ///
    /// # Errors
    ///
    /// Fails when `url` is not an absolute URL.
    pub fn new(url: &str, method: Method) -> Result<Self> {
        Request::new_with_init(url, RequestInit::new().with_method(method))
    }

    /// Creates a request for `url` from `init`: method, headers, body, redirect mode.
    ///
    /// # Errors
    ///
    /// Fails when `url` is not an absolute URL or `init` is invalid (a body on a GET request).
    pub fn new_with_init(url: &str, init: &RequestInit) -> Result<Self> {
        let raw = web_sys::Request::new_with_str_and_init(url, init.to_js()?.unchecked_ref())
            .map_err(|thrown| {
                Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "cannot create a {} request for {}",
                        init.method,
                        Quoted(url)
                    ),
                )
                .with_js(thrown)
            })?;
        Ok(Request::wrap(raw, false))
    }

    fn wrap(inner: web_sys::Request, immutable: bool) -> Self {
        Request {
            inner,
            headers: OnceCell::new(),
            cf: OnceCell::new(),
            immutable,
        }
    }

    /// Returns the request method.
    pub fn method(&self) -> Method {
        Method::from(self.inner.method())
    }

    /// Returns the full URL as sent.
    pub fn url_str(&self) -> String {
        self.inner.url()
    }

    /// Parses the URL.
    ///
    /// # Errors
    ///
    /// Fails when the runtime's URL does not parse, which does not happen for requests the
    /// runtime delivered.
    pub fn url(&self) -> Result<Url> {
        let url = self.inner.url();
        Url::parse(&url).map_err(|error| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("invalid request URL {}", Quoted(&url)),
            )
            .with_source(error)
        })
    }

    /// Returns the path of the URL, percent-encoded as sent, without query or fragment.
    ///
    /// This reads the URL string directly, without a full URL parse.
    pub fn path(&self) -> String {
        String::from(path_of(&self.inner.url()))
    }

    /// Deserializes the query string into `Q`.
    ///
    /// # Errors
    ///
    /// Fails when the query string does not fit `Q` or does not decode to UTF-8.
    pub fn query<Q: DeserializeOwned>(&self) -> Result<Q> {
        let url = self.inner.url();
        if let Some(part) = invalid_query_part(query_of(&url)) {
            return Err(Error::new(
                ErrorKind::Serialization,
                format!(
                    "query string {} is not valid UTF-8 once decoded (at {}); \
                     percent-encode text as UTF-8",
                    Quoted(query_of(&url)),
                    Quoted(part)
                ),
            )
            .with_status(400));
        }
        serde_urlencoded::from_str(query_of(&url)).map_err(|error| {
            Error::new(
                ErrorKind::Serialization,
                format!(
                    "query string {} does not fit the requested type",
                    Quoted(query_of(&url))
                ),
            )
            .with_source(error)
            .with_status(400)
        })
    }

    /// Returns the headers.
    pub fn headers(&self) -> &Headers {
        self.headers
            .get_or_init(|| Headers::from(self.inner.headers()))
    }

    /// Returns the headers for changing them.
    ///
    /// # Errors
    ///
    /// Fails for an incoming request, whose headers are immutable; clone it first with
    /// [`Request::clone_mut`].
    pub fn headers_mut(&mut self) -> Result<&mut Headers> {
        if self.immutable {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "the headers of an incoming request are immutable; \
                 use Request::clone_mut to get a request you can change",
            ));
        }
        self.headers();
        self.headers
            .get_mut()
            .ok_or_else(|| Error::new(ErrorKind::Body, "request headers are unavailable"))
    }

    /// Returns the Cloudflare properties of an incoming request (`request.cf`), or `None` for a
    /// request the worker built.
    pub fn cf(&self) -> Option<&Cf> {
        self.cf
            .get_or_init(|| {
                let raw = self.inner.unchecked_ref::<IncomingRequest>().cf();
                (raw.is_object()).then(|| Cf::from_js(raw))
            })
            .as_ref()
    }

    /// Reads the body as UTF-8 text.
    ///
    /// # Errors
    ///
    /// Fails when the body was already read or is not valid UTF-8.
    pub async fn text(&mut self) -> Result<String> {
        let bytes = self.bytes().await?;
        String::from_utf8(bytes).map_err(|error| {
            Error::new(ErrorKind::Body, "request body is not valid UTF-8")
                .with_source(error)
                .with_status(400)
        })
    }

    /// Reads the body as JSON and deserializes it into `B`.
    ///
    /// # Errors
    ///
    /// Fails when the body was already read or is not JSON that fits `B`.
    pub async fn json<B: DeserializeOwned>(&mut self) -> Result<B> {
        let bytes = self.bytes().await?;
        serde_json::from_slice(&bytes).map_err(|error| {
            Error::new(
                ErrorKind::Serialization,
                "request body is not valid JSON for the requested type",
            )
            .with_source(error)
            .with_status(400)
        })
    }

    /// Reads the whole body into memory.
    ///
    /// # Errors
    ///
    /// Fails when the body was already read or the client broke off the upload.
    pub async fn bytes(&mut self) -> Result<Vec<u8>> {
        match self.body_stream()? {
            Some(stream) => read_all(&stream).await,
            None => Ok(Vec::new()),
        }
    }

    /// Parses the body as a form (`multipart/form-data` or `application/x-www-form-urlencoded`).
    ///
    /// # Errors
    ///
    /// Fails when the body was already read or is not a form of the declared type.
    pub async fn form_data(&mut self) -> Result<FormData> {
        self.ensure_unread()?;
        let content_type = self.headers().get("content-type").ok().flatten();
        let parsed = js::settle(self.inner.form_data()).await.map_err(|thrown| {
            let found = content_type.as_deref().unwrap_or("none");
            form_error(found).with_js(thrown)
        })?;
        Ok(FormData::from(parsed.unchecked_into::<web_sys::FormData>()))
    }

    /// Returns the body as a stream of chunks, without reading it into memory.
    ///
    /// # Errors
    ///
    /// Fails when the body was already read.
    pub fn stream(&mut self) -> Result<ByteStream> {
        match self.body_stream()? {
            Some(stream) => ByteStream::new(&stream),
            None => ByteStream::new(&empty_stream()?),
        }
    }

    fn body_stream(&self) -> Result<Option<web_sys::ReadableStream>> {
        self.ensure_unread()?;
        Ok(self.inner.body())
    }

    fn ensure_unread(&self) -> Result<()> {
        if self.inner.body_used() {
            return Err(Error::new(
                ErrorKind::Body,
                "the request body was already read; clone the request before reading it twice",
            ));
        }
        Ok(())
    }

    /// Copies the request. The copy's headers can be changed.
    ///
    /// # Errors
    ///
    /// Fails when the body was already read.
    pub fn clone_mut(&self) -> Result<Self> {
        self.ensure_unread()?;
        let copy = web_sys::Request::new_with_request(&self.inner)
            .map_err(|thrown| Error::js("copying the request failed", thrown))?;
        Ok(Request::wrap(copy, false))
    }

    /// Returns the underlying JavaScript `Request`.
    pub fn inner(&self) -> &web_sys::Request {
        &self.inner
    }

    /// Clones the request, body included (the runtime tees the body stream).
    ///
    /// # Errors
    ///
    /// Fails when the body was already read.
    #[allow(clippy::should_implement_trait)]
    pub fn clone(&self) -> Result<Self> {
        self.ensure_unread()?;
        let copy = self
            .inner
            .clone()
            .map_err(|thrown| Error::js("cloning the request failed", thrown))?;
        Ok(Request::wrap(copy, self.immutable))
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.inner.method())
            .field("url", &self.inner.url())
            .finish_non_exhaustive()
    }
}

impl From<web_sys::Request> for Request {
    fn from(inner: web_sys::Request) -> Self {
        Request::wrap(inner, false)
    }
}

impl From<Request> for web_sys::Request {
    fn from(request: Request) -> Self {
        request.inner
    }
}

/// Describes why a body did not parse as a form: its media type is not a form type (415), or it
/// claims to be a form and is malformed (400).
fn form_error(content_type: &str) -> Error {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    let is_form = essence.eq_ignore_ascii_case("multipart/form-data")
        || essence.eq_ignore_ascii_case("application/x-www-form-urlencoded");
    if is_form {
        let message = format!(
            "request body is not a valid form (content-type: {content_type}): the body is \
             malformed or the boundary parameter is missing or wrong"
        );
        return Error::new(ErrorKind::Body, message).with_status(400);
    }
    let message = format!(
        "request body is not a form (content-type: {content_type}); send \
         multipart/form-data or application/x-www-form-urlencoded"
    );
    Error::new(ErrorKind::Body, message).with_status(415)
}

/// A type that a fetch handler can take as its request argument.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the request argument of a fetch handler",
    label = "the first argument must implement `FromRequest`",
    note = "use `worker::Request`, or implement `FromRequest` for your type"
)]
pub trait FromRequest: Sized {
    /// Converts the request the runtime delivered.
    ///
    /// # Errors
    ///
    /// Fails when the request cannot be represented as `Self`.
    fn from_raw(request: web_sys::Request) -> Result<Self>;
}

impl FromRequest for Request {
    fn from_raw(request: web_sys::Request) -> Result<Self> {
        Ok(Request::wrap(request, true))
    }
}

impl FromRequest for web_sys::Request {
    fn from_raw(request: web_sys::Request) -> Result<Self> {
        Ok(request)
    }
}

fn empty_stream() -> Result<web_sys::ReadableStream> {
    let response = web_sys::Response::new()
        .map_err(|thrown| Error::js("creating an empty body failed", thrown))?;
    match response.body() {
        Some(stream) => Ok(stream),
        None => web_sys::ReadableStream::new()
            .map_err(|thrown| Error::js("creating an empty body failed", thrown)),
    }
}

/// Returns the path of an absolute URL string, or `/` when it has none.
pub(crate) fn path_of(url: &str) -> &str {
    let after_scheme = match url.find("://") {
        Some(index) => &url[index + 3..],
        None => url,
    };
    let Some(start) = after_scheme.find(['/', '?', '#']) else {
        return "/";
    };
    let rest = &after_scheme[start..];
    if !rest.starts_with('/') {
        return "/";
    }
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

/// Returns the query string of a URL string, without `?` and fragment.
pub(crate) fn query_of(url: &str) -> &str {
    let Some(start) = url.find('?') else {
        return "";
    };
    let query = &url[start + 1..];
    let end = query.find('#').unwrap_or(query.len());
    &query[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_of_plain_url() {
        assert_eq!(path_of("https://example.com/a/b?x=1#f"), "/a/b");
    }

    #[test]
    fn path_of_root_without_slash() {
        assert_eq!(path_of("https://example.com"), "/");
        assert_eq!(path_of("https://example.com?x=1"), "/");
    }

    #[test]
    fn path_keeps_percent_encoding() {
        assert_eq!(path_of("http://h/a%20b/"), "/a%20b/");
    }

    #[test]
    fn query_of_strips_fragment() {
        assert_eq!(query_of("https://h/p?a=1&b=2#frag"), "a=1&b=2");
        assert_eq!(query_of("https://h/p"), "");
    }
}
