//! The byte range of a get: [`Range`], also parsed from an HTTP `Range` header.

use std::str::FromStr;

use js_sys::Object;
use wasm_bindgen::JsValue;

use crate::error::Quoted;
// Offsets and lengths above `MAX_SAFE_INTEGER` cannot reach the runtime unchanged, and no R2
// object is that large.
use crate::js::MAX_SAFE_INTEGER;
use crate::{Error, ErrorKind, Headers, Result, js};

/// The bytes of an object that a get reads. Offsets and lengths are in bytes.
///
/// ```no_run
/// use worker::Range;
///
/// # async fn run(bucket: worker::Bucket) -> worker::Result<()> {
/// let first_kib = bucket.get("log.txt").range(Range::Prefix { length: 1024 }).execute().await?;
/// let tail: Range = "bytes=-4096".parse()?;
/// let last_4_kib = bucket.get("log.txt").range(tail).execute().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Range {
    /// `length` bytes starting at `offset`.
    OffsetWithLength {
        /// The first byte to read.
        offset: u64,
        /// How many bytes to read.
        length: u64,
    },
    /// From `offset` to the end of the object.
    OffsetToEnd {
        /// The first byte to read.
        offset: u64,
    },
    /// The first `length` bytes.
    Prefix {
        /// How many bytes to read.
        length: u64,
    },
    /// The last `suffix` bytes.
    Suffix {
        /// How many bytes to read.
        suffix: u64,
    },
}

impl Range {
    /// Parses the `Range` header of a request; `None` when it has none.
    ///
    /// # Errors
    ///
    /// Fails when the header is not a single byte range; see [`Range::from_str`].
    pub fn from_headers(headers: &Headers) -> Result<Option<Range>> {
        match headers.get("range").ok().flatten() {
            Some(value) => value.parse().map(Some),
            None => Ok(None),
        }
    }

    /// Converts to the runtime's `R2Range` object.
    pub(crate) fn to_js(self) -> Result<JsValue> {
        let range = Object::new();
        let fields: &[(&str, u64)] = match &self {
            Range::OffsetWithLength { offset, length } => {
                &[("offset", *offset), ("length", *length)]
            }
            Range::OffsetToEnd { offset } => &[("offset", *offset)],
            Range::Prefix { length } => &[("length", *length)],
            Range::Suffix { suffix } => &[("suffix", *suffix)],
        };
        for (name, value) in fields {
            if *value > MAX_SAFE_INTEGER {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "range {name} {value} is above {MAX_SAFE_INTEGER}, the largest value the \
                         runtime receives exactly"
                    ),
                ));
            }
            js::set_property(&range, name, &JsValue::from_f64(*value as f64));
        }
        Ok(range.into())
    }

    /// Reads the runtime's `R2Range` object; `None` when the value is not one.
    pub(crate) fn from_js(value: &JsValue) -> Option<Range> {
        if !value.is_object() {
            return None;
        }
        let field = |name: &str| {
            js::property(value, name)
                .as_f64()
                .map(|number| number as u64)
        };
        match (field("offset"), field("length"), field("suffix")) {
            (_, _, Some(suffix)) => Some(Range::Suffix { suffix }),
            (Some(offset), Some(length), None) => Some(Range::OffsetWithLength { offset, length }),
            (Some(offset), None, None) => Some(Range::OffsetToEnd { offset }),
            (None, Some(length), None) => Some(Range::Prefix { length }),
            (None, None, None) => None,
        }
    }
}

impl FromStr for Range {
    type Err = Error;

    /// Parses the value of an HTTP `Range` header with a single byte range: `bytes=0-99`,
    /// `bytes=100-` or `bytes=-100`.
    ///
    /// # Errors
    ///
    /// Fails for another unit, several ranges (R2 reads one range at a time), a last byte
    /// before the first, a suffix of zero bytes, or text that is not a range.
    fn from_str(value: &str) -> Result<Range> {
        let invalid = |reason: &str| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("invalid Range header {}: {reason}", Quoted(value)),
            )
        };
        let (unit, set) = value
            .split_once('=')
            .ok_or_else(|| invalid("expected `bytes=first-last`"))?;
        if !unit.trim().eq_ignore_ascii_case("bytes") {
            return Err(invalid("only the `bytes` unit is supported"));
        }
        let mut ranges = set
            .split(',')
            .map(str::trim)
            .filter(|spec| !spec.is_empty());
        let spec = ranges
            .next()
            .ok_or_else(|| invalid("expected a byte range after `bytes=`"))?;
        if ranges.next().is_some() {
            return Err(invalid(
                "R2 reads a single range; request one range at a time",
            ));
        }
        let (first, last) = spec
            .split_once('-')
            .ok_or_else(|| invalid("expected `first-last`, `first-` or `-suffix`"))?;
        let number = |text: &str| {
            let text = text.trim();
            let digits = !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
            digits
                .then(|| text.parse::<u64>().ok())
                .flatten()
                .ok_or_else(|| invalid("positions must be decimal integers below 2^64"))
        };
        match (first.trim().is_empty(), last.trim().is_empty()) {
            (true, true) => Err(invalid("expected `first-last`, `first-` or `-suffix`")),
            (true, false) => match number(last)? {
                0 => Err(invalid("a suffix of 0 bytes selects nothing")),
                suffix => Ok(Range::Suffix { suffix }),
            },
            (false, true) => Ok(Range::OffsetToEnd {
                offset: number(first)?,
            }),
            (false, false) => {
                let (offset, last) = (number(first)?, number(last)?);
                let span = last
                    .checked_sub(offset)
                    .ok_or_else(|| invalid("the last byte comes before the first"))?;
                let length = span
                    .checked_add(1)
                    .ok_or_else(|| invalid("the range is longer than 2^64 - 1 bytes"))?;
                Ok(Range::OffsetWithLength { offset, length })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str) -> Result<Range> {
        value.parse()
    }

    #[test]
    fn parses_each_form() {
        assert_eq!(
            parse("bytes=0-99").unwrap(),
            Range::OffsetWithLength {
                offset: 0,
                length: 100
            }
        );
        assert_eq!(
            parse("bytes=100-").unwrap(),
            Range::OffsetToEnd { offset: 100 }
        );
        assert_eq!(parse("bytes=-50").unwrap(), Range::Suffix { suffix: 50 });
    }

    #[test]
    fn accepts_whitespace_case_and_empty_elements() {
        assert_eq!(
            parse(" Bytes = 5 - 5 ,").unwrap(),
            Range::OffsetWithLength {
                offset: 5,
                length: 1
            }
        );
    }

    #[test]
    fn keeps_large_offsets_exact() {
        let offset = u64::MAX - 1;
        let value = format!("bytes={offset}-{}", u64::MAX - 1);
        assert_eq!(
            parse(&value).unwrap(),
            Range::OffsetWithLength { offset, length: 1 }
        );
    }

    #[test]
    fn rejects_invalid_ranges() {
        let cases = [
            ("items=0-1", "only the `bytes` unit"),
            ("0-1", "expected `bytes=first-last`"),
            ("bytes=", "expected a byte range"),
            ("bytes=0-1,4-5", "a single range"),
            ("bytes=5-2", "the last byte comes before the first"),
            ("bytes=-0", "a suffix of 0 bytes"),
            ("bytes=-", "expected `first-last`"),
            ("bytes=a-b", "decimal integers"),
            ("bytes=+1-2", "decimal integers"),
            ("bytes=0-18446744073709551616", "decimal integers"),
            ("bytes=0-18446744073709551615", "longer than 2^64 - 1 bytes"),
        ];
        for (value, reason) in cases {
            let error = parse(value).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidInput, "{value}");
            let text = error.to_string();
            assert!(text.contains(reason), "{value}: {text}");
            assert!(text.starts_with("invalid Range header"), "{value}: {text}");
        }
    }
}
