//! R2: object storage with strongly consistent reads after writes.
//!
//! ```no_run
//! use worker::{Conditional, Range, Response};
//!
//! # async fn run(env: worker::Env) -> worker::Result<Response> {
//! let bucket = env.bucket("FILES")?;
//! bucket.put("notes/today.txt", "buy milk").execute().await?;
//! let Some(object) = bucket.get("notes/today.txt").execute().await? else {
//!     return Response::error("not found", 404);
//! };
//! match object.body() {
//!     Some(body) => Response::from_body(body.response_body()?),
//!     None => Response::error("precondition failed", 412),
//! }
//! # }
//! ```
//!
//! Errors from the runtime keep its text, which ends with R2's error code, and name the
//! operation and the key that failed: `r2 put "a.txt" failed: Error: put: The MD5 checksum you
//! specified did not match what we received. … (10037)`.

mod builder;
mod conditional;
mod http_date;
mod metadata;
mod multipart;
mod object;
mod range;

use std::fmt;
use std::ops::Deref;

use js_sys::Array;
use wasm_bindgen::JsValue;

pub use builder::{
    CreateMultipartUploadOptionsBuilder, GetOptionsBuilder, ListOptionsBuilder, PutOptionsBuilder,
};
pub use conditional::Conditional;
pub use metadata::{Checksum, HttpMetadata, Include, R2Checksums, StorageClass};
pub use multipart::{MultipartUpload, UploadedPart};
pub use object::{Object, ObjectBody, Objects};
pub use range::Range;

use crate::env::{EnvBinding, cast_if_methods};
use crate::streams::FixedLengthStream;
use crate::sys::r2::R2Bucket;
use crate::{Error, Result, js};

/// An R2 bucket binding.
#[derive(Clone)]
pub struct Bucket {
    inner: R2Bucket,
}

impl EnvBinding for Bucket {
    const TYPE_NAME: &'static str = "R2 bucket";

    fn from_binding(value: JsValue) -> std::result::Result<Self, JsValue> {
        let methods = [
            "head",
            "get",
            "put",
            "delete",
            "list",
            "createMultipartUpload",
            "resumeMultipartUpload",
        ];
        cast_if_methods(value, &methods).map(|inner| Bucket { inner })
    }
}

impl fmt::Debug for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bucket")
    }
}

impl Bucket {
    /// Reads the metadata of `key` without its body; `None` when the key does not exist.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the key or the read fails.
    pub async fn head(&self, key: impl Into<String>) -> Result<Option<Object>> {
        let key = key.into();
        let object = js::settle(self.inner.head(&key))
            .await
            .map_err(|thrown| builder::failed("head", &key, thrown))?;
        Ok((!object.is_null() && !object.is_undefined()).then(|| Object::from_js(object)))
    }

    /// Starts reading `key` with its body; set a range or precondition, then `.execute()`.
    pub fn get(&self, key: impl Into<String>) -> GetOptionsBuilder<'_> {
        GetOptionsBuilder {
            bucket: self,
            key: key.into(),
            only_if: None,
            range: None,
        }
    }

    /// Starts writing `value` to `key`; set metadata, checksums or a precondition, then
    /// `.execute()`.
    pub fn put(&self, key: impl Into<String>, value: impl Into<Data>) -> PutOptionsBuilder<'_> {
        PutOptionsBuilder {
            bucket: self,
            key: key.into(),
            value: value.into(),
            metadata: Default::default(),
            checksums: Vec::new(),
            only_if: None,
        }
    }

    /// Deletes `key`. Deleting a key that does not exist succeeds.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the key or the delete fails.
    pub async fn delete(&self, key: impl Into<String>) -> Result<()> {
        let key = key.into();
        js::settle(self.inner.delete(&JsValue::from_str(&key)))
            .await
            .map_err(|thrown| builder::failed("delete", &key, thrown))?;
        Ok(())
    }

    /// Deletes up to 1000 keys in one call. Keys that do not exist are skipped.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects a key or the number of keys, or the delete fails.
    pub async fn delete_multiple(&self, keys: Vec<impl Deref<Target = str>>) -> Result<()> {
        let array: Array = keys.iter().map(|key| JsValue::from_str(key)).collect();
        js::settle(self.inner.delete(&array))
            .await
            .map_err(|thrown| {
                Error::js(format!("r2 delete of {} keys failed", keys.len()), thrown)
            })?;
        Ok(())
    }

    /// Starts a listing; set a prefix, delimiter, cursor or limit, then `.execute()`.
    pub fn list(&self) -> ListOptionsBuilder<'_> {
        ListOptionsBuilder {
            bucket: self,
            limit: None,
            prefix: None,
            cursor: None,
            delimiter: None,
            start_after: None,
            include: Vec::new(),
        }
    }

    /// Starts a multipart upload to `key`; set metadata, then `.execute()`.
    pub fn create_multipart_upload(
        &self,
        key: impl Into<String>,
    ) -> CreateMultipartUploadOptionsBuilder<'_> {
        CreateMultipartUploadOptionsBuilder {
            bucket: self,
            key: key.into(),
            metadata: Default::default(),
        }
    }

    /// Continues the multipart upload `upload_id` to `key`, started in an earlier request.
    ///
    /// This does not check that the upload exists; an unknown upload id fails the first part
    /// upload (error 10024), completion or abort.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the arguments.
    pub fn resume_multipart_upload(
        &self,
        key: impl Into<String>,
        upload_id: impl Into<String>,
    ) -> Result<MultipartUpload> {
        let key = key.into();
        let upload = self
            .inner
            .resume_multipart_upload(&key, &upload_id.into())
            .map_err(|thrown| builder::failed("multipart upload resumption", &key, thrown))?;
        Ok(MultipartUpload::from_js(upload))
    }
}

/// The value of a put or of a multipart part.
///
/// A stream must have a length known in advance: a request or response body with a
/// `Content-Length`, the body of another R2 object, or a [`FixedLengthStream`]. A JavaScript
/// stream is handed to the runtime as it is, so its bytes never pass through wasm memory.
///
/// ```no_run
/// use worker::{Data, Request};
///
/// # async fn run(bucket: worker::Bucket, req: Request) -> worker::Result<()> {
/// bucket.put("a.txt", "text").execute().await?;
/// bucket.put("b.bin", vec![0_u8, 1, 2]).execute().await?;
/// if let Some(body) = req.inner().body() {
///     bucket.put("upload.bin", Data::ReadableStream(body)).execute().await?;
/// }
/// # Ok(())
/// # }
/// ```
pub enum Data {
    /// A JavaScript stream, such as a request body.
    ReadableStream(web_sys::ReadableStream),
    /// A Rust stream of known length.
    Stream(FixedLengthStream),
    /// UTF-8 text.
    Text(String),
    /// Bytes, copied out of wasm memory once.
    Bytes(Vec<u8>),
    /// No bytes: an empty object.
    Empty,
}

impl Data {
    pub(crate) fn into_js(self) -> Result<JsValue> {
        Ok(match self {
            Data::ReadableStream(stream) => stream.into(),
            Data::Stream(stream) => stream.into_readable_stream()?.into(),
            Data::Text(text) => JsValue::from_str(&text),
            Data::Bytes(bytes) => js::to_uint8_array(&bytes).into(),
            Data::Empty => JsValue::NULL,
        })
    }
}

impl fmt::Debug for Data {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Data::ReadableStream(_) => f.write_str("ReadableStream"),
            Data::Stream(stream) => fmt::Debug::fmt(stream, f),
            Data::Text(text) => write!(f, "Text({} bytes)", text.len()),
            Data::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            Data::Empty => f.write_str("Empty"),
        }
    }
}

impl From<String> for Data {
    fn from(text: String) -> Self {
        Data::Text(text)
    }
}

impl From<&str> for Data {
    fn from(text: &str) -> Self {
        Data::Text(text.to_owned())
    }
}

impl From<Vec<u8>> for Data {
    fn from(bytes: Vec<u8>) -> Self {
        Data::Bytes(bytes)
    }
}

impl From<&[u8]> for Data {
    fn from(bytes: &[u8]) -> Self {
        Data::Bytes(bytes.to_vec())
    }
}

impl From<FixedLengthStream> for Data {
    fn from(stream: FixedLengthStream) -> Self {
        Data::Stream(stream)
    }
}

impl From<web_sys::ReadableStream> for Data {
    fn from(stream: web_sys::ReadableStream) -> Self {
        Data::ReadableStream(stream)
    }
}
