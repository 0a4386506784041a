//! Objects read from a bucket: [`Object`], its [`ObjectBody`], and a listing page, [`Objects`].

use std::collections::HashMap;
use std::fmt;

use js_sys::Array;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use super::metadata::{HttpMetadata, R2Checksums, date_from_js};
use super::range::Range;
use crate::error::Quoted;
use crate::streams::ByteStream;
use crate::sys::r2::R2Object;
use crate::{Date, DateInit, Error, ErrorKind, Headers, ResponseBody, Result, js};

/// An object's metadata, and its body when it came from a get whose precondition was met.
///
/// [`Bucket::head`](super::Bucket::head), [`Bucket::put`](super::Bucket::put), listings and a get
/// whose precondition failed give an object without a body.
pub struct Object {
    inner: R2Object,
}

impl Object {
    pub(crate) fn from_js(value: JsValue) -> Object {
        Object {
            inner: value.unchecked_into(),
        }
    }

    fn text(&self, name: &str) -> String {
        js::property(&self.inner, name)
            .as_string()
            .unwrap_or_default()
    }

    /// Returns the object's key.
    pub fn key(&self) -> String {
        self.text("key")
    }

    /// Returns the version id, which changes on every write of the key.
    pub fn version(&self) -> String {
        self.text("version")
    }

    /// Returns the size in bytes of the whole object, also when a range of it was read.
    pub fn size(&self) -> u64 {
        // A float-to-integer cast saturates, and the runtime sends whole numbers below 2^53.
        js::property(&self.inner, "size").as_f64().unwrap_or(0.0) as u64
    }

    /// Returns the etag, without quotes: use it in a [`Conditional`](super::Conditional).
    pub fn etag(&self) -> String {
        self.text("etag")
    }

    /// Returns the etag in quotes, as the `ETag` header of a response carries it.
    pub fn http_etag(&self) -> String {
        self.text("httpEtag")
    }

    /// Returns when the object was written.
    pub fn uploaded(&self) -> Date {
        date_from_js(&js::property(&self.inner, "uploaded"))
            .unwrap_or(Date::new(DateInit::Millis(0)))
    }

    /// Returns the HTTP metadata stored with the object. Objects in a listing without
    /// [`Include::HttpMetadata`](super::Include::HttpMetadata) have none.
    pub fn http_metadata(&self) -> HttpMetadata {
        HttpMetadata::from_js(&js::property(&self.inner, "httpMetadata"))
    }

    /// Returns the custom metadata stored with the object. Objects in a listing without
    /// [`Include::CustomMetadata`](super::Include::CustomMetadata) have none.
    ///
    /// # Errors
    ///
    /// Fails when the runtime's value is not an object of strings, which R2 never returns.
    pub fn custom_metadata(&self) -> Result<HashMap<String, String>> {
        let metadata = js::property(&self.inner, "customMetadata");
        if !metadata.is_object() {
            return Ok(HashMap::new());
        }
        js::from_js(
            &metadata,
            &format!("custom metadata of r2 object {}", Quoted(&self.key())),
        )
    }

    /// Returns the part of the object that a get or head read, resolved to an offset and a
    /// length. Objects from a put, a listing or a completed multipart upload have none.
    pub fn range(&self) -> Option<Range> {
        Range::from_js(&js::property(&self.inner, "range"))
    }

    /// Returns the checksums R2 stored for the object.
    pub fn checksum(&self) -> R2Checksums {
        R2Checksums::from_js(&js::property(&self.inner, "checksums"))
    }

    /// Returns the storage class, `Standard` or `InfrequentAccess`. Local development
    /// (Miniflare) reports an empty string.
    pub fn storage_class(&self) -> String {
        self.text("storageClass")
    }

    /// Returns the body, or `None` when the object has none: it came from a head, a put or a
    /// listing, or from a get whose precondition failed.
    pub fn body(&self) -> Option<ObjectBody<'_>> {
        let body = js::property(&self.inner, "body");
        body.is_object().then(|| ObjectBody {
            object: self,
            stream: body.unchecked_into(),
        })
    }

    /// Tells whether the body was already read; `None` when the object has no body.
    pub fn body_used(&self) -> Option<bool> {
        js::property(&self.inner, "bodyUsed").as_bool()
    }

    /// Writes the object's HTTP metadata into `headers`: `Content-Type`, `Content-Language`,
    /// `Content-Disposition`, `Content-Encoding`, `Cache-Control` and `Expires`.
    ///
    /// ```no_run
    /// use worker::{Headers, Response, ResponseBody};
    ///
    /// # async fn run(bucket: worker::Bucket) -> worker::Result<Response> {
    /// let Some(object) = bucket.get("index.html").execute().await? else {
    ///     return Response::error("not found", 404);
    /// };
    /// let mut headers = Headers::new();
    /// object.write_http_metadata(&mut headers)?;
    /// headers.set("etag", &object.http_etag())?;
    /// let body = match object.body() {
    ///     Some(body) => body.response_body()?,
    ///     None => ResponseBody::Empty,
    /// };
    /// Ok(Response::from_body(body)?.with_headers(headers))
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Fails when `headers` are immutable, such as those of an incoming request.
    pub fn write_http_metadata(&self, headers: &mut Headers) -> Result<()> {
        self.inner
            .write_http_metadata(headers.as_js())
            .map_err(|thrown| {
                Error::js(
                    format!(
                        "writing the HTTP metadata of r2 object {} failed",
                        Quoted(&self.key())
                    ),
                    thrown,
                )
            })
    }
}

impl fmt::Debug for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Object")
            .field("key", &self.key())
            .field("size", &self.size())
            .field("etag", &self.etag())
            .field("has_body", &self.body().is_some())
            .finish()
    }
}

/// The body of an [`Object`]. It can be read once, by one of its methods.
pub struct ObjectBody<'body> {
    object: &'body Object,
    stream: web_sys::ReadableStream,
}

impl ObjectBody<'_> {
    fn ensure_unread(&self) -> Result<()> {
        if self.stream.locked() || self.object.body_used() == Some(true) {
            return Err(Error::new(
                ErrorKind::Body,
                format!(
                    "the body of r2 object {} was already read; get the object again to read \
                     it a second time",
                    Quoted(&self.object.key())
                ),
            ));
        }
        Ok(())
    }

    /// Returns the body as a stream of chunks.
    ///
    /// # Errors
    ///
    /// Fails when the body was already read.
    pub fn stream(self) -> Result<ByteStream> {
        self.ensure_unread()?;
        ByteStream::new(&self.stream)
    }

    /// Returns the body for a [`Response`](crate::Response). The runtime streams it to the
    /// client without copying it through wasm memory.
    ///
    /// # Errors
    ///
    /// Fails when the body was already read.
    pub fn response_body(self) -> Result<ResponseBody> {
        self.ensure_unread()?;
        Ok(ResponseBody::Stream(self.stream))
    }

    /// Reads the whole body into memory.
    ///
    /// # Errors
    ///
    /// Fails when the body was already read or reading it fails.
    pub async fn bytes(self) -> Result<Vec<u8>> {
        self.ensure_unread()?;
        let buffer = js::settle(self.object.inner.array_buffer())
            .await
            .map_err(|thrown| {
                Error::new(
                    ErrorKind::Body,
                    format!(
                        "reading the body of r2 object {} failed",
                        Quoted(&self.object.key())
                    ),
                )
                .with_js(thrown)
            })?;
        Ok(js::to_bytes(&buffer))
    }

    /// Reads the body as UTF-8 text.
    ///
    /// # Errors
    ///
    /// Fails when reading fails or the body is not valid UTF-8.
    pub async fn text(self) -> Result<String> {
        let key = self.object.key();
        let bytes = self.bytes().await?;
        String::from_utf8(bytes).map_err(|error| {
            Error::new(
                ErrorKind::Body,
                format!("the body of r2 object {} is not valid UTF-8", Quoted(&key)),
            )
            .with_source(error)
        })
    }

    /// Reads the body as JSON and deserializes it into `T`.
    ///
    /// # Errors
    ///
    /// Fails when reading fails or the body is not JSON that fits `T`.
    pub async fn json<T: DeserializeOwned>(self) -> Result<T> {
        let key = self.object.key();
        let bytes = self.bytes().await?;
        serde_json::from_slice(&bytes).map_err(|error| {
            Error::new(
                ErrorKind::Serialization,
                format!(
                    "the body of r2 object {} is not JSON that fits the requested type",
                    Quoted(&key)
                ),
            )
            .with_source(error)
        })
    }
}

impl fmt::Debug for ObjectBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectBody")
            .field("key", &self.object.key())
            .finish_non_exhaustive()
    }
}

/// One page of a listing.
pub struct Objects {
    inner: JsValue,
}

impl Objects {
    pub(crate) fn from_js(inner: JsValue) -> Objects {
        Objects { inner }
    }

    /// Returns the objects of this page, in lexicographic order of their keys. They have no
    /// body.
    pub fn objects(&self) -> Vec<Object> {
        let objects = js::property(&self.inner, "objects");
        let Some(objects) = objects.dyn_ref::<Array>() else {
            return Vec::new();
        };
        objects.iter().map(Object::from_js).collect()
    }

    /// Tells whether more results follow; continue from [`Objects::cursor`].
    pub fn truncated(&self) -> bool {
        js::property(&self.inner, "truncated").is_truthy()
    }

    /// Returns the cursor for the next page when the listing was truncated.
    pub fn cursor(&self) -> Option<String> {
        js::property(&self.inner, "cursor").as_string()
    }

    /// Returns the common prefixes that the delimiter split off, such as `photos/2024/` for a
    /// listing with prefix `photos/` and delimiter `/`.
    pub fn delimited_prefixes(&self) -> Vec<String> {
        let prefixes = js::property(&self.inner, "delimitedPrefixes");
        let Some(prefixes) = prefixes.dyn_ref::<Array>() else {
            return Vec::new();
        };
        prefixes
            .iter()
            .filter_map(|prefix| prefix.as_string())
            .collect()
    }
}

impl fmt::Debug for Objects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Objects")
            .field("objects", &self.objects())
            .field("truncated", &self.truncated())
            .field("cursor", &self.cursor())
            .field("delimited_prefixes", &self.delimited_prefixes())
            .finish()
    }
}
