//! The error type of every fallible operation in the SDK.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

use wasm_bindgen::{JsCast, JsValue};

/// The result of a fallible SDK operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error from the SDK, the runtime or user code.
///
/// The message states what failed and on which value (`kv put "counter" failed`); when the runtime
/// threw, the original JavaScript error is kept and available through [`Error::js_error`] and
/// [`std::error::Error::source`]. [`Error::kind`] tells the broad class of failure.
///
/// Existing code that writes `Err("message".into())` keeps working: strings convert into an
/// error of kind [`ErrorKind::Message`].
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: Cow<'static, str>,
    source: Option<Source>,
    status: Option<u16>,
}

enum Source {
    Js(JsError),
    Rust(Box<dyn StdError + Send + Sync>),
}

/// The broad class of an [`Error`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A binding is missing from the environment or is not of the expected type.
    Binding,
    /// A call into the JavaScript runtime threw or its promise rejected.
    Js,
    /// A value could not be serialized or deserialized (JSON, query strings, forms).
    Serialization,
    /// A request or response body could not be read or was already read.
    Body,
    /// A route pattern is invalid or conflicts with another route.
    Route,
    /// An argument is outside what the platform accepts: a status code, a header value, a URL,
    /// an expiration.
    InvalidInput,
    /// A message written by user code, such as `Err("not allowed".into())`.
    Message,
    /// A conditional write did not happen because its precondition did not hold, such as an
    /// R2 put with `only_if`.
    PreconditionFailed,
}

impl Error {
    /// Creates an error of the given kind with a message that states what failed.
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                source: None,
                status: None,
            }),
        }
    }

    /// Creates an error with a message, as the established SDK's `Error::RustError` variant
    /// did, so that existing code that constructs one keeps compiling.
    #[doc(hidden)]
    #[allow(non_snake_case)]
    pub fn RustError(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Message, message.into())
    }

    /// Creates an error for a JavaScript call that failed, keeping the thrown value.
    pub(crate) fn js(message: impl Into<Cow<'static, str>>, thrown: JsValue) -> Self {
        Error::new(ErrorKind::Js, message).with_js(thrown)
    }

    /// Attaches the value a JavaScript call threw as the source of this error.
    pub(crate) fn with_js(mut self, thrown: JsValue) -> Self {
        self.inner.source = Some(Source::Js(JsError::from_value(thrown)));
        self
    }

    /// Attaches a Rust error as the source of this error.
    pub(crate) fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Source::Rust(Box::new(source)));
        self
    }

    /// Sets the HTTP status of the response when a fetch handler returns this error, such as
    /// `404` for a missing resource. Without one the status is `500`.
    #[must_use]
    pub fn with_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    /// Returns the HTTP status this error requests, if any. The SDK sets `400` on errors about
    /// the incoming request (a body that is not valid JSON, a query string that does not fit)
    /// and `415` on a body of the wrong media type, so that the client learns it sent
    /// something wrong.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// Returns the broad class of this error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// Returns what failed, without the text of the underlying error.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// Returns the JavaScript error that caused this one, if the runtime threw.
    pub fn js_error(&self) -> Option<&JsError> {
        match &self.inner.source {
            Some(Source::Js(js)) => Some(js),
            _ => None,
        }
    }

    /// Converts this error into a JavaScript value to throw or reject with.
    ///
    /// An error that came from JavaScript gives back the original value, so its `name` and
    /// any extra properties survive a round trip through Rust; other errors become a new
    /// `Error` whose message is this error's text.
    pub fn into_js(self) -> JsValue {
        let text = self.to_string();
        match self.inner.source {
            Some(Source::Js(js)) if self.inner.message.is_empty() => js.value.0,
            // The runtime passes only the built-in error types across RPC, so the new error
            // takes the cause's type: a `TypeError` from the runtime stays a `TypeError`.
            Some(Source::Js(js)) => builtin_error(&js.name, &text),
            _ => js_sys::Error::new(&text).into(),
        }
    }
}

/// Creates an error of the built-in type called `name`, or a plain `Error` for other names.
fn builtin_error(name: &str, message: &str) -> JsValue {
    match name {
        "TypeError" => js_sys::TypeError::new(message).into(),
        "RangeError" => js_sys::RangeError::new(message).into(),
        "SyntaxError" => js_sys::SyntaxError::new(message).into(),
        "ReferenceError" => js_sys::ReferenceError::new(message).into(),
        "EvalError" => js_sys::EvalError::new(message).into(),
        "URIError" => js_sys::UriError::new(message).into(),
        _ => js_sys::Error::new(message).into(),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = &self.inner.message;
        // The cause is part of the text on purpose: most callers turn an error into a response
        // body or a log line with `to_string()`, and "kv get failed" alone does not say why.
        match &self.inner.source {
            None => f.write_str(message),
            Some(source) if message.is_empty() => fmt::Display::fmt(source, f),
            Some(source) => write!(f, "{message}: {source}"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Error");
        debug.field("kind", &self.inner.kind);
        debug.field("message", &self.inner.message);
        match &self.inner.source {
            Some(Source::Js(js)) => debug.field("js_error", js),
            Some(Source::Rust(source)) => debug.field("source", source),
            None => &mut debug,
        };
        debug.finish()
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Js(js) => fmt::Display::fmt(js, f),
            Source::Rust(source) => fmt::Display::fmt(source, f),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.inner.source {
            Some(Source::Js(js)) => Some(js),
            Some(Source::Rust(source)) => Some(source.as_ref()),
            None => None,
        }
    }
}

/// Text in double quotes for error messages, with quotes, backslashes and control characters
/// escaped as `{:?}` does (other non-printing characters pass through). It leaves out the Unicode
/// tables that `{:?}` pulls into every module.
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        f.write_char('"')?;
        for character in self.0.chars() {
            match character {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                '\0' => f.write_str("\\0")?,
                control if control.is_control() => write!(f, "\\u{{{:x}}}", u32::from(control))?,
                other => f.write_char(other)?,
            }
        }
        f.write_char('"')
    }
}

/// An error thrown by JavaScript: its `name`, its `message` and the original value.
pub struct JsError {
    name: String,
    message: String,
    value: SendJsValue,
}

/// A JavaScript value carried inside a `Send + Sync` error.
struct SendJsValue(JsValue);

// SAFETY: a JsValue is an index into the JS heap of the thread that created it. Workers run
// wasm32-unknown-unknown without the atomics feature, so there is exactly one thread and the
// value can never be used from another one. On other targets no JsValue can be created at all.
unsafe impl Send for SendJsValue {}
// SAFETY: as for Send above; there is no second thread to share the value with.
unsafe impl Sync for SendJsValue {}

impl JsError {
    /// Reads `name` and `message` from a thrown value, whatever its type.
    pub(crate) fn from_value(value: JsValue) -> Self {
        let (name, message) = match value.dyn_ref::<js_sys::Error>() {
            Some(error) => (String::from(error.name()), String::from(error.message())),
            None => match value.as_string() {
                Some(text) => (String::from("Error"), text),
                None => (String::from("Error"), crate::js::to_display_string(&value)),
            },
        };
        JsError {
            name,
            message,
            value: SendJsValue(value),
        }
    }

    /// Returns the error's `name`, such as `TypeError`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the error's `message`.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Returns the value that was thrown.
    pub fn value(&self) -> &JsValue {
        &self.value.0
    }
}

impl fmt::Display for JsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl fmt::Debug for JsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsError")
            .field("name", &self.name)
            .field("message", &self.message)
            .finish()
    }
}

impl StdError for JsError {}

impl From<&str> for Error {
    fn from(message: &str) -> Self {
        Error::new(ErrorKind::Message, String::from(message))
    }
}

impl From<String> for Error {
    fn from(message: String) -> Self {
        Error::new(ErrorKind::Message, message)
    }
}

impl From<JsValue> for Error {
    fn from(thrown: JsValue) -> Self {
        Error::js("", thrown)
    }
}

impl From<js_sys::Error> for Error {
    fn from(thrown: js_sys::Error) -> Self {
        Error::js("", thrown.into())
    }
}

impl From<serde_json::Error> for Error {
    fn from(error: serde_json::Error) -> Self {
        Error::new(ErrorKind::Serialization, "invalid JSON").with_source(error)
    }
}

impl From<url::ParseError> for Error {
    fn from(error: url::ParseError) -> Self {
        Error::new(ErrorKind::InvalidInput, "invalid URL").with_source(error)
    }
}

impl From<std::string::FromUtf8Error> for Error {
    fn from(error: std::string::FromUtf8Error) -> Self {
        Error::new(ErrorKind::Body, "text is not valid UTF-8").with_source(error)
    }
}

impl From<Error> for JsValue {
    fn from(error: Error) -> Self {
        error.into_js()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_converts_to_message_kind() {
        let error = Error::from("not allowed");
        assert_eq!(error.kind(), ErrorKind::Message);
        assert_eq!(error.to_string(), "not allowed");
    }

    #[test]
    fn display_appends_rust_source() {
        let parse = serde_json::from_str::<u8>("{").unwrap_err();
        let error = Error::new(ErrorKind::Serialization, "request body is not valid JSON")
            .with_source(parse);
        let text = error.to_string();
        assert!(
            text.starts_with("request body is not valid JSON: "),
            "{text}"
        );
        assert!(error.source().is_some());
    }

    #[test]
    fn quoted_escapes_like_debug() {
        for text in [
            "plain",
            "with \"quotes\"",
            "a\nb\r\t\0",
            "back\\slash",
            "bell\u{7}",
            "é✓",
        ] {
            assert_eq!(Quoted(text).to_string(), format!("{text:?}"), "{text}");
        }
    }

    #[test]
    fn error_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
    }
}
