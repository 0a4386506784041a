//! HTTP headers, backed by the runtime's `Headers` object.

use std::fmt;

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Quoted;
use crate::js;
use crate::sys::global::HeadersExt;
use crate::{Error, ErrorKind, Result};

/// A set of HTTP headers.
///
/// Names are case-insensitive. `Set-Cookie` values are kept apart: [`Headers::get_all`] and
/// [`Headers::entries`] return each one separately, as the Fetch standard requires.
pub struct Headers {
    inner: web_sys::Headers,
}

impl Headers {
    /// Creates an empty set of headers.
    pub fn new() -> Self {
        Headers {
            // `new Headers()` only throws for a malformed init argument, and there is none.
            inner: web_sys::Headers::new().unwrap_or_else(|_| JsValue::UNDEFINED.unchecked_into()),
        }
    }

    /// Returns the value of `name`, with repeated headers joined by `, `.
    ///
    /// # Errors
    ///
    /// Fails when `name` is not a valid header name.
    pub fn get(&self, name: &str) -> Result<Option<String>> {
        check_name(name)?;
        self.inner
            .get(name)
            .map_err(|thrown| invalid_header("name", name, thrown))
    }

    /// Returns every value of `name`. For `Set-Cookie` each cookie is its own value; other
    /// repeated headers were already joined by the runtime and come back as one value.
    ///
    /// # Errors
    ///
    /// Fails when `name` is not a valid header name.
    pub fn get_all(&self, name: &str) -> Result<Vec<String>> {
        if name.eq_ignore_ascii_case("set-cookie") {
            let cookies = self.inner.unchecked_ref::<HeadersExt>().get_set_cookie();
            return Ok(cookies
                .iter()
                .filter_map(|value| value.as_string())
                .collect());
        }
        Ok(self.get(name)?.into_iter().collect())
    }

    /// Tells whether `name` is present.
    ///
    /// # Errors
    ///
    /// Fails when `name` is not a valid header name.
    pub fn has(&self, name: &str) -> Result<bool> {
        check_name(name)?;
        self.inner
            .has(name)
            .map_err(|thrown| invalid_header("name", name, thrown))
    }

    /// Adds a value to `name`, keeping the values already there.
    ///
    /// # Errors
    ///
    /// Fails when the name or value is invalid, or the headers are immutable (those of an
    /// incoming request).
    pub fn append(&mut self, name: &str, value: &str) -> Result<()> {
        check_name(name)?;
        self.inner
            .append(name, value)
            .map_err(|thrown| rejected_write(name, value, thrown))
    }

    /// Sets `name` to `value`, replacing the values already there.
    ///
    /// # Errors
    ///
    /// Fails when the name or value is invalid, or the headers are immutable.
    pub fn set(&mut self, name: &str, value: &str) -> Result<()> {
        check_name(name)?;
        self.inner
            .set(name, value)
            .map_err(|thrown| rejected_write(name, value, thrown))
    }

    /// Sets a header whose name and value are string literals: an SDK default such as a
    /// `content-type`, converted to JavaScript strings once per instance.
    pub(crate) fn set_static(&mut self, name: &'static str, value: &'static str) -> Result<()> {
        let headers = self.inner.unchecked_ref::<HeadersExt>();
        headers
            .set_values(&js::static_str(name), &js::static_str(value))
            .map_err(|thrown| rejected_write(name, value, thrown))
    }

    /// Removes every value of `name`.
    ///
    /// # Errors
    ///
    /// Fails when `name` is invalid or the headers are immutable.
    pub fn delete(&mut self, name: &str) -> Result<()> {
        check_name(name)?;
        self.inner
            .delete(name)
            .map_err(|thrown| rejected_write(name, "", thrown))
    }

    /// Returns every header as a `(name, value)` pair, names lowercase and sorted, each
    /// `Set-Cookie` value as its own pair.
    pub fn entries(&self) -> impl Iterator<Item = (String, String)> + use<> {
        let pairs = Array::from(&self.inner);
        (0..pairs.length()).filter_map(move |index| {
            let pair: Array = pairs.get(index).unchecked_into();
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
    }

    /// Returns every header name, lowercase and sorted.
    pub fn keys(&self) -> impl Iterator<Item = String> + use<> {
        self.entries().map(|(name, _)| name)
    }

    /// Returns every header value, in the order of [`Headers::entries`].
    pub fn values(&self) -> impl Iterator<Item = String> + use<> {
        self.entries().map(|(_, value)| value)
    }

    /// Returns the underlying JavaScript `Headers`.
    pub fn as_js(&self) -> &web_sys::Headers {
        &self.inner
    }
}

/// Checks that `name` is an HTTP token (RFC 9110, section 5.6.2). The runtime checks the
/// characters too, but accepts an empty name and then writes a response no client can parse.
fn check_name(name: &str) -> Result<()> {
    let is_token_char =
        |byte: u8| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte);
    if !name.is_empty() && name.bytes().all(is_token_char) {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::InvalidInput,
        format!(
            "invalid header name {}: use letters, digits and !#$%&'*+-.^_`|~, \
             with at least one character",
            Quoted(name)
        ),
    ))
}

fn invalid_header(part: &str, text: &str, thrown: JsValue) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!("invalid header {part} {}", Quoted(text)),
    )
    .with_js(thrown)
}

fn rejected_write(name: &str, value: &str, thrown: JsValue) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!(
            "cannot set header {} to {} (invalid name or value, \
             or the headers of an incoming request, which are immutable)",
            Quoted(name),
            Quoted(value)
        ),
    )
    .with_js(thrown)
}

impl Default for Headers {
    fn default() -> Self {
        Headers::new()
    }
}

impl Clone for Headers {
    /// Copies the headers into a new, independent `Headers` object.
    fn clone(&self) -> Self {
        let copy = web_sys::Headers::new_with_headers(&self.inner);
        Headers {
            inner: copy.unwrap_or_else(|_| self.inner.clone()),
        }
    }
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries()).finish()
    }
}

impl From<web_sys::Headers> for Headers {
    fn from(inner: web_sys::Headers) -> Self {
        Headers { inner }
    }
}

impl From<Headers> for web_sys::Headers {
    fn from(headers: Headers) -> Self {
        headers.inner
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for Headers {
    /// Collects pairs with [`Headers::append`], skipping invalid ones.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut headers = Headers::new();
        for (name, value) in pairs {
            let _ = headers.append(name.as_ref(), value.as_ref());
        }
        headers
    }
}
