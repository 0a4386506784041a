//! The builders that [`Bucket`] methods return, each finished with `.execute()`.

use std::collections::HashMap;

use js_sys::{Array, Object as JsObject};
use wasm_bindgen::{JsCast, JsValue};

use super::conditional::Conditional;
use super::metadata::{Checksum, HttpMetadata, Include, StorageClass};
use super::multipart::MultipartUpload;
use super::object::{Object, Objects};
use super::range::Range;
use super::{Bucket, Data};
use crate::error::Quoted;
use crate::{Error, ErrorKind, Result, js};

/// Defines the metadata setters that a put and a multipart upload share, on a builder with a
/// `metadata: ObjectMetadata` field; `$object` names what the metadata is stored with.
macro_rules! metadata_setters {
    ($object:literal) => {
        #[doc = concat!("Stores HTTP metadata with ", $object, ".")]
        pub fn http_metadata(mut self, metadata: HttpMetadata) -> Self {
            self.metadata.http = Some(metadata);
            self
        }

        #[doc = concat!("Stores custom metadata, string keys and values, with ", $object, ".")]
        pub fn custom_metadata(mut self, metadata: impl Into<HashMap<String, String>>) -> Self {
            self.metadata.custom = Some(metadata.into());
            self
        }

        #[doc = concat!(
                    "Stores ", $object, " in `storage_class` instead of the bucket's default."
                )]
        pub fn storage_class(mut self, storage_class: StorageClass) -> Self {
            self.metadata.storage_class = Some(storage_class);
            self
        }
    };
}

/// Reads an object. Created by [`Bucket::get`].
#[derive(Debug)]
#[must_use = "an R2 get does nothing until `.execute()` is awaited"]
pub struct GetOptionsBuilder<'bucket> {
    pub(super) bucket: &'bucket Bucket,
    pub(super) key: String,
    pub(super) only_if: Option<Conditional>,
    pub(super) range: Option<Range>,
}

impl GetOptionsBuilder<'_> {
    /// Reads the body only if `conditional` is met. Otherwise the object comes back without a
    /// body.
    pub fn only_if(mut self, conditional: Conditional) -> Self {
        self.only_if = Some(conditional);
        self
    }

    /// Reads only `range` of the body.
    pub fn range(mut self, range: Range) -> Self {
        self.range = Some(range);
        self
    }

    /// Runs the get. Returns `None` when the key does not exist, and an object without a body
    /// ([`Object::body`] is `None`) when the precondition failed.
    ///
    /// # Errors
    ///
    /// Fails when the range is not satisfiable (error 10039), an etag or the key is invalid,
    /// or the runtime fails.
    pub async fn execute(self) -> Result<Option<Object>> {
        let options = JsObject::new();
        if let Some(conditional) = &self.only_if {
            let conditional = conditional
                .to_js()
                .map_err(|error| in_operation("get", &self.key, error))?;
            js::set_property(&options, "onlyIf", &conditional);
        }
        if let Some(range) = self.range {
            let range = range
                .to_js()
                .map_err(|error| in_operation("get", &self.key, error))?;
            js::set_property(&options, "range", &range);
        }
        let object = js::settle(self.bucket.inner.get(&self.key, &options))
            .await
            .map_err(|thrown| failed("get", &self.key, thrown))?;
        Ok((!object.is_null() && !object.is_undefined()).then(|| Object::from_js(object)))
    }
}

/// Writes an object. Created by [`Bucket::put`].
#[derive(Debug)]
#[must_use = "an R2 put does nothing until `.execute()` is awaited"]
pub struct PutOptionsBuilder<'bucket> {
    pub(super) bucket: &'bucket Bucket,
    pub(super) key: String,
    pub(super) value: Data,
    pub(super) metadata: ObjectMetadata,
    pub(super) checksums: Vec<(&'static str, Checksum)>,
    pub(super) only_if: Option<Conditional>,
}

impl PutOptionsBuilder<'_> {
    metadata_setters!("the object");

    /// Writes the object only if `conditional` is met. When it is not, [`execute`] fails with
    /// [`ErrorKind::PreconditionFailed`] and nothing is written.
    ///
    /// [`execute`]: PutOptionsBuilder::execute
    pub fn only_if(mut self, conditional: Conditional) -> Self {
        self.only_if = Some(conditional);
        self
    }

    fn checksum(mut self, algorithm: &'static str, checksum: Checksum) -> Self {
        self.checksums.push((algorithm, checksum));
        self
    }

    /// Makes R2 check the upload against this MD5 digest (16 bytes).
    pub fn md5(self, checksum: impl Into<Checksum>) -> Self {
        self.checksum("md5", checksum.into())
    }

    /// Makes R2 check the upload against this SHA-1 digest (20 bytes).
    pub fn sha1(self, checksum: impl Into<Checksum>) -> Self {
        self.checksum("sha1", checksum.into())
    }

    /// Makes R2 check the upload against this SHA-256 digest (32 bytes).
    pub fn sha256(self, checksum: impl Into<Checksum>) -> Self {
        self.checksum("sha256", checksum.into())
    }

    /// Makes R2 check the upload against this SHA-384 digest (48 bytes).
    pub fn sha384(self, checksum: impl Into<Checksum>) -> Self {
        self.checksum("sha384", checksum.into())
    }

    /// Makes R2 check the upload against this SHA-512 digest (64 bytes).
    pub fn sha512(self, checksum: impl Into<Checksum>) -> Self {
        self.checksum("sha512", checksum.into())
    }

    /// Writes the object and returns its metadata. Reads that follow return the new object.
    ///
    /// # Errors
    ///
    /// Fails with [`ErrorKind::PreconditionFailed`] when the [`only_if`] condition is not
    /// met. Fails with the runtime's error when a checksum does not match the data (error
    /// 10037 for MD5), a stream has no known length, the key or metadata is invalid, or the
    /// write fails.
    ///
    /// [`only_if`]: PutOptionsBuilder::only_if
    pub async fn execute(self) -> Result<Object> {
        let options = self
            .metadata
            .to_js(&self.key)
            .map_err(|error| in_operation("put", &self.key, error))?;
        for (algorithm, checksum) in &self.checksums {
            let digest = js::to_uint8_array(checksum.as_bytes());
            js::set_property(&options, algorithm, &digest);
        }
        if let Some(conditional) = &self.only_if {
            let conditional = conditional
                .to_js()
                .map_err(|error| in_operation("put", &self.key, error))?;
            js::set_property(&options, "onlyIf", &conditional);
        }
        let value = self
            .value
            .into_js()
            .map_err(|error| in_operation("put", &self.key, error))?;
        let object = js::settle(self.bucket.inner.put(&self.key, &value, &options))
            .await
            .map_err(|thrown| failed("put", &self.key, thrown))?;
        if object.is_null() || object.is_undefined() {
            return Err(Error::new(
                ErrorKind::PreconditionFailed,
                format!(
                    "r2 put {} did not write: the only_if precondition failed",
                    Quoted(&self.key)
                ),
            ));
        }
        Ok(Object::from_js(object))
    }
}

/// Lists objects. Created by [`Bucket::list`].
#[derive(Debug)]
#[must_use = "an R2 list does nothing until `.execute()` is awaited"]
pub struct ListOptionsBuilder<'bucket> {
    pub(super) bucket: &'bucket Bucket,
    pub(super) limit: Option<u32>,
    pub(super) prefix: Option<String>,
    pub(super) cursor: Option<String>,
    pub(super) delimiter: Option<String>,
    pub(super) start_after: Option<String>,
    pub(super) include: Vec<Include>,
}

impl ListOptionsBuilder<'_> {
    /// Returns at most `limit` objects (1 to 1000; 1000 by default).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Lists only keys that start with `prefix`.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// Continues a truncated listing from its [`Objects::cursor`].
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    /// Groups keys that contain `delimiter` after the prefix into
    /// [`Objects::delimited_prefixes`] instead of listing them, like directories.
    pub fn delimiter(mut self, delimiter: impl Into<String>) -> Self {
        self.delimiter = Some(delimiter.into());
        self
    }

    /// Lists only keys that sort after `start_after`.
    pub fn start_after(mut self, start_after: impl Into<String>) -> Self {
        self.start_after = Some(start_after.into());
        self
    }

    /// Includes this metadata with each listed object.
    pub fn include(mut self, include: Vec<Include>) -> Self {
        self.include = include;
        self
    }

    fn to_js(&self) -> JsValue {
        let options = JsObject::new();
        if let Some(limit) = self.limit {
            js::set_property(&options, "limit", &JsValue::from_f64(f64::from(limit)));
        }
        let texts = [
            ("prefix", &self.prefix),
            ("cursor", &self.cursor),
            ("delimiter", &self.delimiter),
            ("startAfter", &self.start_after),
        ];
        for (name, value) in texts {
            if let Some(value) = value {
                js::set_property(&options, name, &JsValue::from_str(value));
            }
        }
        if !self.include.is_empty() {
            let include: Array = self
                .include
                .iter()
                .map(|include| JsValue::from_str(include.as_str()))
                .collect();
            js::set_property(&options, "include", &include);
        }
        options.into()
    }

    /// Runs the listing.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the options, such as a limit above 1000 (error 10022).
    pub async fn execute(self) -> Result<Objects> {
        let result = js::settle(self.bucket.inner.list(&self.to_js()))
            .await
            .map_err(|thrown| {
                let prefix = match &self.prefix {
                    Some(prefix) => format!(" with prefix {}", Quoted(prefix)),
                    None => String::new(),
                };
                Error::js(format!("r2 list{prefix} failed"), thrown)
            })?;
        Ok(Objects::from_js(result))
    }
}

/// Starts a multipart upload. Created by [`Bucket::create_multipart_upload`].
#[derive(Debug)]
#[must_use = "an R2 multipart upload does not start until `.execute()` is awaited"]
pub struct CreateMultipartUploadOptionsBuilder<'bucket> {
    pub(super) bucket: &'bucket Bucket,
    pub(super) key: String,
    pub(super) metadata: ObjectMetadata,
}

impl CreateMultipartUploadOptionsBuilder<'_> {
    metadata_setters!("the completed object");

    /// Starts the upload.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the key or metadata.
    pub async fn execute(self) -> Result<MultipartUpload> {
        let options = self
            .metadata
            .to_js(&self.key)
            .map_err(|error| in_operation("multipart upload creation", &self.key, error))?;
        let upload = js::settle(
            self.bucket
                .inner
                .create_multipart_upload(&self.key, &options),
        )
        .await
        .map_err(|thrown| failed("multipart upload creation", &self.key, thrown))?;
        Ok(MultipartUpload::from_js(upload.unchecked_into()))
    }
}

/// The metadata options shared by a put and a multipart upload.
#[derive(Debug, Default)]
pub(super) struct ObjectMetadata {
    http: Option<HttpMetadata>,
    custom: Option<HashMap<String, String>>,
    storage_class: Option<StorageClass>,
}

impl ObjectMetadata {
    fn to_js(&self, key: &str) -> Result<JsObject> {
        let options = JsObject::new();
        if let Some(http) = &self.http {
            js::set_property(&options, "httpMetadata", &http.to_js());
        }
        if let Some(custom) = &self.custom {
            // JSON keeps every key an own property, `__proto__` included.
            let custom = js::to_js(custom, &format!("custom metadata of {}", Quoted(key)))?;
            js::set_property(&options, "customMetadata", &custom);
        }
        if let Some(storage_class) = self.storage_class {
            let name = JsValue::from_str(storage_class.as_str());
            js::set_property(&options, "storageClass", &name);
        }
        Ok(options)
    }
}

/// Builds the error for a call into the runtime that threw, naming the operation and the key and
/// keeping the runtime's own error text.
pub(super) fn failed(operation: &str, key: &str, thrown: JsValue) -> Error {
    Error::js(format!("r2 {operation} {} failed", Quoted(key)), thrown)
}

/// Prefixes an error raised before the runtime was called with the operation and key.
fn in_operation(operation: &str, key: &str, error: Error) -> Error {
    Error::new(
        error.kind(),
        format!("r2 {operation} {}: {error}", Quoted(key)),
    )
}
