//! Object metadata besides the bytes: HTTP metadata, checksums, storage classes and listing
//! includes.

use std::fmt;

use js_sys::Object;
use wasm_bindgen::{JsCast, JsValue};

use super::conditional::js_date;
use super::http_date;
use crate::error::Quoted;
use crate::{Date, DateInit, Error, ErrorKind, Headers, Result, js};

/// The HTTP headers stored with an object, which [`Object::write_http_metadata`] writes back to
/// a response.
///
/// [`Object::write_http_metadata`]: super::Object::write_http_metadata
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpMetadata {
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `Content-Language`.
    pub content_language: Option<String>,
    /// `Content-Disposition`.
    pub content_disposition: Option<String>,
    /// `Content-Encoding`.
    pub content_encoding: Option<String>,
    /// `Cache-Control`.
    pub cache_control: Option<String>,
    /// `Expires`.
    pub cache_expiry: Option<Date>,
}

impl HttpMetadata {
    /// Takes the metadata from request headers: `Content-Type`, `Content-Language`,
    /// `Content-Disposition`, `Content-Encoding`, `Cache-Control` and `Expires` (ignored when it
    /// is not a valid HTTP-date), as the runtime does when given a `Headers` object.
    pub fn from_headers(headers: &Headers) -> HttpMetadata {
        let header = |name: &str| headers.get(name).ok().flatten();
        HttpMetadata {
            content_type: header("content-type"),
            content_language: header("content-language"),
            content_disposition: header("content-disposition"),
            content_encoding: header("content-encoding"),
            cache_control: header("cache-control"),
            cache_expiry: header("expires")
                .and_then(|expires| http_date::parse(&expires))
                .map(|millis| Date::new(DateInit::Millis(millis))),
        }
    }

    fn text_fields(&self) -> [(&'static str, &Option<String>); 5] {
        [
            ("contentType", &self.content_type),
            ("contentLanguage", &self.content_language),
            ("contentDisposition", &self.content_disposition),
            ("contentEncoding", &self.content_encoding),
            ("cacheControl", &self.cache_control),
        ]
    }

    /// Converts to the runtime's `R2HTTPMetadata` object.
    pub(crate) fn to_js(&self) -> JsValue {
        let metadata = Object::new();
        for (name, value) in self.text_fields() {
            if let Some(value) = value {
                js::set_property(&metadata, name, &JsValue::from_str(value));
            }
        }
        if let Some(expiry) = self.cache_expiry {
            js::set_property(&metadata, "cacheExpiry", &js_date(expiry));
        }
        metadata.into()
    }

    /// Reads the runtime's `R2HTTPMetadata` object; missing fields stay `None`.
    pub(crate) fn from_js(value: &JsValue) -> HttpMetadata {
        let text = |name: &str| js::property(value, name).as_string();
        let expiry = js::property(value, "cacheExpiry");
        HttpMetadata {
            content_type: text("contentType"),
            content_language: text("contentLanguage"),
            content_disposition: text("contentDisposition"),
            content_encoding: text("contentEncoding"),
            cache_control: text("cacheControl"),
            cache_expiry: date_from_js(&expiry),
        }
    }
}

/// Reads a JavaScript `Date`; `None` for anything else and for times before 1970.
pub(crate) fn date_from_js(value: &JsValue) -> Option<Date> {
    let millis = value.dyn_ref::<js_sys::Date>()?.get_time();
    (millis.is_finite() && millis >= 0.0).then(|| Date::new(DateInit::Millis(millis as u64)))
}

/// The checksums R2 computed or was given for an object. Each is the raw digest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct R2Checksums {
    /// The MD5 digest, 16 bytes. R2 computes it for objects uploaded in one piece.
    pub md5: Option<Vec<u8>>,
    /// The SHA-1 digest, 20 bytes.
    pub sha1: Option<Vec<u8>>,
    /// The SHA-256 digest, 32 bytes.
    pub sha256: Option<Vec<u8>>,
    /// The SHA-384 digest, 48 bytes.
    pub sha384: Option<Vec<u8>>,
    /// The SHA-512 digest, 64 bytes.
    pub sha512: Option<Vec<u8>>,
}

impl R2Checksums {
    /// Reads the runtime's `R2Checksums` object, whose digests are `ArrayBuffer`s.
    pub(crate) fn from_js(value: &JsValue) -> R2Checksums {
        let digest = |name: &str| {
            let digest = js::property(value, name);
            digest.is_object().then(|| js::to_bytes(&digest))
        };
        R2Checksums {
            md5: digest("md5"),
            sha1: digest("sha1"),
            sha256: digest("sha256"),
            sha384: digest("sha384"),
            sha512: digest("sha512"),
        }
    }
}

/// A digest given to a put so that R2 checks the upload against it, from raw bytes or hex.
///
/// ```
/// use worker::Checksum;
///
/// let from_hex = Checksum::from_hex("5eb63bbbe01eeed093cb22bb8f5acdc3")?;
/// assert_eq!(from_hex.as_bytes()[0], 0x5e);
/// let from_bytes = Checksum::from([0x5e_u8; 16]);
/// assert_eq!(from_bytes.to_hex(), "5e".repeat(16));
/// # Ok::<(), worker::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Checksum(Vec<u8>);

impl Checksum {
    /// Parses a digest written in hexadecimal, upper or lower case.
    ///
    /// # Errors
    ///
    /// Fails when `text` has an odd number of characters or a character that is not a
    /// hexadecimal digit.
    pub fn from_hex(text: &str) -> Result<Checksum> {
        let invalid = |reason: String| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("invalid hex checksum {}: {reason}", Quoted(text)),
            )
        };
        if !text.len().is_multiple_of(2) {
            return Err(invalid(format!(
                "{} characters is an odd number; each byte takes two",
                text.len()
            )));
        }
        let digit = |(index, byte): (usize, u8)| {
            (byte as char)
                .to_digit(16)
                .map(|value| value as u8)
                .ok_or_else(|| invalid(format!("position {index} is not a hexadecimal digit")))
        };
        let digits = text
            .bytes()
            .enumerate()
            .map(digit)
            .collect::<Result<Vec<u8>>>()?;
        let bytes = digits
            .chunks(2)
            .map(|pair| pair[0] << 4 | pair[1])
            .collect();
        Ok(Checksum(bytes))
    }

    /// Returns the raw digest.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Returns the digest in lowercase hexadecimal.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|byte| format!("{byte:02x}")).collect()
    }
}

impl From<Vec<u8>> for Checksum {
    fn from(bytes: Vec<u8>) -> Self {
        Checksum(bytes)
    }
}

impl From<&[u8]> for Checksum {
    fn from(bytes: &[u8]) -> Self {
        Checksum(bytes.to_vec())
    }
}

impl<const N: usize> From<[u8; N]> for Checksum {
    fn from(bytes: [u8; N]) -> Self {
        Checksum(bytes.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for Checksum {
    fn from(bytes: &[u8; N]) -> Self {
        Checksum(bytes.to_vec())
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// The storage class of an object; R2's pricing page lists what each one costs.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StorageClass {
    /// Standard storage, the default.
    Standard,
    /// Infrequent Access storage, for data that is rarely read.
    InfrequentAccess,
}

impl StorageClass {
    /// Returns the name the runtime uses: `Standard` or `InfrequentAccess`.
    pub fn as_str(self) -> &'static str {
        match self {
            StorageClass::Standard => "Standard",
            StorageClass::InfrequentAccess => "InfrequentAccess",
        }
    }
}

/// Metadata that a listing includes with each object; without it, listed objects have empty
/// HTTP and custom metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Include {
    /// The objects' [`HttpMetadata`].
    HttpMetadata,
    /// The objects' custom metadata.
    CustomMetadata,
}

impl Include {
    /// Returns the name the runtime uses: `httpMetadata` or `customMetadata`.
    pub fn as_str(self) -> &'static str {
        match self {
            Include::HttpMetadata => "httpMetadata",
            Include::CustomMetadata => "customMetadata",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_parses_both_cases() {
        let checksum = Checksum::from_hex("00ff7Fa0").unwrap();
        assert_eq!(checksum.as_bytes(), &[0x00, 0xff, 0x7f, 0xa0]);
        assert_eq!(checksum.to_hex(), "00ff7fa0");
    }

    #[test]
    fn empty_hex_is_empty_digest() {
        assert!(Checksum::from_hex("").unwrap().as_bytes().is_empty());
    }

    #[test]
    fn odd_hex_length_is_rejected() {
        let error = Checksum::from_hex("abc").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
        assert!(error.to_string().contains("3 characters is an odd number"));
    }

    #[test]
    fn non_hex_character_is_rejected() {
        let error = Checksum::from_hex("0g").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("position 1 is not a hexadecimal digit")
        );
        let error = Checksum::from_hex("é").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("position 0 is not a hexadecimal digit")
        );
    }

    #[test]
    fn bytes_convert_unchanged() {
        assert_eq!(Checksum::from([1_u8, 2]).as_bytes(), &[1, 2]);
        assert_eq!(Checksum::from(vec![3_u8]).as_bytes(), &[3]);
        assert_eq!(Checksum::from(&[4_u8][..]).to_string(), "04");
    }
}
