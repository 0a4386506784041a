//! Multipart uploads: an object written in parts of at least 5 MiB, possibly over many requests.

use js_sys::{Array, Object as JsObject};
use wasm_bindgen::JsValue;

use super::Data;
use super::object::Object;
use crate::error::Quoted;
use crate::sys::r2::R2MultipartUpload;
use crate::{Error, Result, js};

/// A multipart upload in progress, from
/// [`Bucket::create_multipart_upload`](super::Bucket::create_multipart_upload) or
/// [`Bucket::resume_multipart_upload`](super::Bucket::resume_multipart_upload).
///
/// Every part except the last must be at least 5 MiB, and all but the last must have the same
/// size; R2 checks this when the upload is completed. Holding this value does not mean the
/// upload still exists: another request may have completed or aborted it, and then each method
/// returns the runtime's error.
///
/// ```no_run
/// use worker::UploadedPart;
///
/// # async fn run(bucket: worker::Bucket, chunks: Vec<Vec<u8>>) -> worker::Result<()> {
/// let upload = bucket.create_multipart_upload("backup.tar").execute().await?;
/// let mut parts: Vec<UploadedPart> = Vec::new();
/// for (index, chunk) in chunks.into_iter().enumerate() {
///     parts.push(upload.upload_part(index as u16 + 1, chunk).await?);
/// }
/// let object = upload.complete(parts).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct MultipartUpload {
    inner: R2MultipartUpload,
    key: String,
    upload_id: String,
}

impl MultipartUpload {
    pub(crate) fn from_js(inner: R2MultipartUpload) -> MultipartUpload {
        let text = |name: &str| js::property(&inner, name).as_string().unwrap_or_default();
        MultipartUpload {
            key: text("key"),
            upload_id: text("uploadId"),
            inner,
        }
    }

    /// Returns the key of the object being uploaded.
    pub fn key(&self) -> String {
        self.key.clone()
    }

    /// Returns the upload id; pass it with the key to
    /// [`Bucket::resume_multipart_upload`](super::Bucket::resume_multipart_upload) to continue
    /// the upload in another request.
    pub fn upload_id(&self) -> String {
        self.upload_id.clone()
    }

    fn failed(&self, operation: &str, thrown: JsValue) -> Error {
        Error::js(
            format!(
                "r2 {operation} of {} (upload id {}) failed",
                Quoted(&self.key),
                Quoted(&self.upload_id)
            ),
            thrown,
        )
    }

    /// Uploads part `part_number` (1 to 10000). Uploading a part number again replaces it.
    ///
    /// A stream must have a known length: a request body with `Content-Length`, an R2 object
    /// body, or a [`FixedLengthStream`](crate::FixedLengthStream).
    ///
    /// # Errors
    ///
    /// Fails when the part number is out of range, the upload no longer exists, or the runtime
    /// rejects the value.
    pub async fn upload_part(
        &self,
        part_number: u16,
        value: impl Into<Data>,
    ) -> Result<UploadedPart> {
        let operation = format!("upload of part {part_number}");
        let value = value.into().into_js()?;
        let part = js::settle(self.inner.upload_part(part_number, &value))
            .await
            .map_err(|thrown| self.failed(&operation, thrown))?;
        Ok(UploadedPart::from_js(&part))
    }

    /// Aborts the upload and discards its parts.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the abort, such as for an upload id it does not know.
    pub async fn abort(&self) -> Result<()> {
        js::settle(self.inner.abort())
            .await
            .map_err(|thrown| self.failed("abort", thrown))?;
        Ok(())
    }

    /// Completes the upload from `uploaded_parts` and returns the object, which reads that
    /// follow return. The parts are sent sorted by part number, whatever order they come in:
    /// Miniflare 4.20260426 treats the last part listed as the final one when it checks sizes.
    ///
    /// # Errors
    ///
    /// Fails when a part other than the last is below 5 MiB (error 10011), a part is missing
    /// or has another etag, or the upload no longer exists.
    pub async fn complete(
        self,
        uploaded_parts: impl IntoIterator<Item = UploadedPart>,
    ) -> Result<Object> {
        let mut uploaded_parts: Vec<UploadedPart> = uploaded_parts.into_iter().collect();
        uploaded_parts.sort_by_key(UploadedPart::part_number);
        let parts: Array = uploaded_parts.iter().map(UploadedPart::to_js).collect();
        let object = js::settle(self.inner.complete(&parts))
            .await
            .map_err(|thrown| self.failed("completion", thrown))?;
        Ok(Object::from_js(object))
    }
}

/// A part of a multipart upload: its number and the etag R2 gave it. Keep every part that
/// [`MultipartUpload::upload_part`] returns and pass them all to
/// [`MultipartUpload::complete`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UploadedPart {
    part_number: u16,
    etag: String,
}

impl UploadedPart {
    /// Describes a part uploaded earlier, such as in another request.
    pub fn new(part_number: u16, etag: String) -> Self {
        UploadedPart { part_number, etag }
    }

    /// Returns the part number.
    pub fn part_number(&self) -> u16 {
        self.part_number
    }

    /// Returns the etag R2 gave the part.
    pub fn etag(&self) -> String {
        self.etag.clone()
    }

    fn from_js(value: &JsValue) -> UploadedPart {
        let number = js::property(value, "partNumber").as_f64().unwrap_or(0.0);
        UploadedPart {
            // Part numbers are 1 to 10000, so the saturating cast never changes one.
            part_number: number as u16,
            etag: js::property(value, "etag").as_string().unwrap_or_default(),
        }
    }

    fn to_js(&self) -> JsValue {
        let part = JsObject::new();
        let number = JsValue::from_f64(f64::from(self.part_number));
        js::set_property(&part, "partNumber", &number);
        js::set_property(&part, "etag", &JsValue::from_str(&self.etag));
        part.into()
    }
}
