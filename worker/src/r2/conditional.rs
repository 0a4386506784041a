//! Preconditions of a get or put: [`Conditional`], also built from HTTP request headers.

use js_sys::Object;
use wasm_bindgen::JsValue;

use super::http_date;
use crate::error::Quoted;
use crate::{Date, DateInit, Error, ErrorKind, Headers, Result, js};

/// A precondition for [`Bucket::get`](super::Bucket::get) or [`Bucket::put`](super::Bucket::put):
/// the operation happens only when every condition that is set is met.
///
/// An etag field takes either a bare etag as [`Object::etag`](super::Object::etag) returns it
/// (`bfd3…`), `*` for any object, or the value of an `If-Match` / `If-None-Match` header: one or
/// more quoted entity tags, weak ones included (`"bfd3…", W/"a1"`). When an etag field uses the
/// quoted form, the runtime evaluates the whole condition as HTTP headers, which compares dates
/// to the second.
///
/// ```no_run
/// use worker::{Conditional, Date};
///
/// # async fn run(bucket: worker::Bucket) -> worker::Result<()> {
/// let changed_since = Conditional {
///     etag_does_not_match: Some(String::from("bfd3b1d3d1b6d3e5f1c1a2b3c4d5e6f7")),
///     uploaded_after: Some(Date::now()),
///     ..Conditional::default()
/// };
/// let object = bucket.get("report.pdf").only_if(changed_since).execute().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conditional {
    /// Proceed only if the object's etag matches.
    pub etag_matches: Option<String>,
    /// Proceed only if the object's etag does not match.
    pub etag_does_not_match: Option<String>,
    /// Proceed only if the object was uploaded before this time.
    pub uploaded_before: Option<Date>,
    /// Proceed only if the object was uploaded after this time.
    pub uploaded_after: Option<Date>,
    /// Compare the upload time to the second instead of the millisecond, as HTTP dates do.
    pub seconds_granularity: Option<bool>,
}

impl Conditional {
    /// Builds the precondition of an HTTP request from its `If-Match`, `If-None-Match`,
    /// `If-Modified-Since` and `If-Unmodified-Since` headers; `None` when it has none.
    ///
    /// The headers combine as RFC 9110 (section 13.2.2) specifies: `If-Unmodified-Since` is ignored
    /// when `If-Match` is present, `If-Modified-Since` when `If-None-Match` is, and a date that
    /// is not a valid HTTP-date is ignored. Dates compare to the second.
    ///
    /// When a `get` with this precondition returns an object without a body, respond with `304 Not
    /// Modified` if the request had `If-None-Match` or `If-Modified-Since`, and `412
    /// Precondition Failed` otherwise.
    ///
    /// # Errors
    ///
    /// Fails when `If-Match` or `If-None-Match` is neither `*` nor a comma-separated list of
    /// quoted entity tags.
    pub fn from_headers(headers: &Headers) -> Result<Option<Conditional>> {
        let header = |name: &str| headers.get(name).ok().flatten();
        Conditional::from_header_values(&RequestPreconditions {
            if_match: header("if-match").as_deref(),
            if_none_match: header("if-none-match").as_deref(),
            if_modified_since: header("if-modified-since").as_deref(),
            if_unmodified_since: header("if-unmodified-since").as_deref(),
        })
    }

    fn from_header_values(request: &RequestPreconditions<'_>) -> Result<Option<Conditional>> {
        let etag_matches = request
            .if_match
            .map(|value| check_etag_list("If-Match", value))
            .transpose()?;
        let etag_does_not_match = request
            .if_none_match
            .map(|value| check_etag_list("If-None-Match", value))
            .transpose()?;
        let http_date = |value: Option<&str>| {
            let millis = http_date::parse(value?)?;
            Some(Date::new(DateInit::Millis(millis)))
        };
        let uploaded_before = match etag_matches {
            Some(_) => None,
            None => http_date(request.if_unmodified_since),
        };
        let uploaded_after = match etag_does_not_match {
            Some(_) => None,
            None => http_date(request.if_modified_since),
        };
        let conditional = Conditional {
            etag_matches,
            etag_does_not_match,
            uploaded_before,
            uploaded_after,
            seconds_granularity: Some(true),
        };
        let empty = Conditional {
            seconds_granularity: Some(true),
            ..Conditional::default()
        };
        Ok((conditional != empty).then_some(conditional))
    }

    /// Converts to what the runtime's `onlyIf` option takes: an `R2Conditional` object, or a
    /// `Headers` object when an etag field contains quoted entity tags.
    pub(crate) fn to_js(&self) -> Result<JsValue> {
        let quoted = [&self.etag_matches, &self.etag_does_not_match]
            .into_iter()
            .flatten()
            .any(|etag| etag.contains('"'));
        if quoted {
            return self.to_headers();
        }
        let options = Object::new();
        let etags = [
            ("etagMatches", &self.etag_matches),
            ("etagDoesNotMatch", &self.etag_does_not_match),
        ];
        for (name, etag) in etags {
            if let Some(etag) = etag {
                js::set_property(&options, name, &JsValue::from_str(etag));
            }
        }
        let dates = [
            ("uploadedBefore", self.uploaded_before),
            ("uploadedAfter", self.uploaded_after),
        ];
        for (name, date) in dates {
            if let Some(date) = date {
                js::set_property(&options, name, &js_date(date));
            }
        }
        if let Some(seconds) = self.seconds_granularity {
            js::set_property(&options, "secondsGranularity", &JsValue::from_bool(seconds));
        }
        Ok(options.into())
    }

    fn to_headers(&self) -> Result<JsValue> {
        let mut headers = Headers::new();
        let etags = [
            ("if-match", &self.etag_matches),
            ("if-none-match", &self.etag_does_not_match),
        ];
        for (name, etag) in etags {
            if let Some(etag) = etag {
                headers.set(name, etag)?;
            }
        }
        let dates = [
            ("if-unmodified-since", self.uploaded_before),
            ("if-modified-since", self.uploaded_after),
        ];
        for (name, date) in dates {
            if let Some(date) = date {
                headers.set(name, &http_date::format(date.as_millis()))?;
            }
        }
        Ok(web_sys::Headers::from(headers).into())
    }
}

/// The precondition headers of a request, as text.
struct RequestPreconditions<'a> {
    if_match: Option<&'a str>,
    if_none_match: Option<&'a str>,
    if_modified_since: Option<&'a str>,
    if_unmodified_since: Option<&'a str>,
}

/// Converts a [`Date`] into a JavaScript `Date`.
pub(crate) fn js_date(date: Date) -> JsValue {
    js_sys::Date::new(&JsValue::from_f64(date.as_millis() as f64)).into()
}

/// Checks that `value` is `*` or a list of entity tags and returns it trimmed.
fn check_etag_list(header: &str, value: &str) -> Result<String> {
    let value = value.trim();
    if value == "*" || is_etag_list(value) {
        return Ok(value.to_owned());
    }
    Err(Error::new(
        ErrorKind::InvalidInput,
        format!(
            "invalid {header} header {}: expected `*` or a comma-separated list of quoted \
             entity tags such as \"abc\" or W/\"abc\"",
            Quoted(value)
        ),
    ))
}

/// Tells whether `value` is `1#entity-tag`: quoted tags, each optionally prefixed with `W/`,
/// separated by commas and optional whitespace (RFC 9110, sections 8.8.3 and 5.6.1).
fn is_etag_list(value: &str) -> bool {
    let mut found = false;
    for element in value.split(',') {
        let element = element.trim_matches([' ', '\t']);
        // Empty list elements are allowed and ignored.
        if element.is_empty() {
            continue;
        }
        let tag = element.strip_prefix("W/").unwrap_or(element);
        let Some(inner) = tag
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
        else {
            return false;
        };
        // etagc is any visible character except the double quote, or obs-text.
        if !inner
            .bytes()
            .all(|byte| byte == 0x21 || (byte >= 0x23 && byte != 0x7f))
        {
            return false;
        }
        found = true;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(request: RequestPreconditions<'_>) -> Result<Option<Conditional>> {
        Conditional::from_header_values(&request)
    }

    fn none() -> RequestPreconditions<'static> {
        RequestPreconditions {
            if_match: None,
            if_none_match: None,
            if_modified_since: None,
            if_unmodified_since: None,
        }
    }

    #[test]
    fn no_headers_give_none() {
        assert_eq!(parse(none()).unwrap(), None);
    }

    #[test]
    fn etag_headers_are_kept_as_sent() {
        let conditional = parse(RequestPreconditions {
            if_match: Some(" \"a\", W/\"b\" "),
            if_none_match: Some("*"),
            ..none()
        })
        .unwrap()
        .unwrap();
        assert_eq!(conditional.etag_matches.as_deref(), Some("\"a\", W/\"b\""));
        assert_eq!(conditional.etag_does_not_match.as_deref(), Some("*"));
        assert_eq!(conditional.seconds_granularity, Some(true));
    }

    #[test]
    fn dates_become_upload_bounds() {
        let conditional = parse(RequestPreconditions {
            if_modified_since: Some("Sun, 06 Nov 1994 08:49:37 GMT"),
            if_unmodified_since: Some("Sunday, 06-Nov-94 08:49:38 GMT"),
            ..none()
        })
        .unwrap()
        .unwrap();
        let after = conditional.uploaded_after.unwrap();
        let before = conditional.uploaded_before.unwrap();
        assert_eq!(after.as_millis(), 784_111_777_000);
        assert_eq!(before.as_millis(), 784_111_778_000);
    }

    #[test]
    fn etag_headers_override_dates() {
        let conditional = parse(RequestPreconditions {
            if_match: Some("\"a\""),
            if_none_match: Some("\"b\""),
            if_modified_since: Some("Sun, 06 Nov 1994 08:49:37 GMT"),
            if_unmodified_since: Some("Sun, 06 Nov 1994 08:49:37 GMT"),
        })
        .unwrap()
        .unwrap();
        assert_eq!(conditional.uploaded_after, None);
        assert_eq!(conditional.uploaded_before, None);
    }

    #[test]
    fn invalid_date_is_ignored() {
        let request = RequestPreconditions {
            if_modified_since: Some("yesterday"),
            ..none()
        };
        assert_eq!(parse(request).unwrap(), None);
    }

    #[test]
    fn unquoted_etag_is_rejected() {
        let request = RequestPreconditions {
            if_match: Some("abc"),
            ..none()
        };
        let error = parse(request).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
        assert!(
            error
                .to_string()
                .contains("invalid If-Match header \"abc\"")
        );
    }

    #[test]
    fn etag_list_syntax() {
        for valid in [
            "\"\"",
            "\"a\"",
            "W/\"a\"",
            "\"a\",\"b\"",
            "\"a\" ,\t W/\"b\",",
            "\"é\"",
        ] {
            assert!(is_etag_list(valid), "{valid:?}");
        }
        for invalid in [
            "", ",", "a", "\"a", "w/\"a\"", "\"a\"b\"", "\"a b\"", "W/ \"a\"",
        ] {
            assert!(!is_etag_list(invalid), "{invalid:?}");
        }
    }
}
