//! Wall-clock time from the runtime.

use std::fmt;

use crate::error::Quoted;

/// A point in time, in milliseconds since the Unix epoch.
///
/// Inside a Worker the clock only advances between I/O operations, as a defence against timing
/// attacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    millis: u64,
}

/// How to create a [`Date`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateInit {
    /// Milliseconds since the Unix epoch.
    Millis(u64),
    /// A date string that JavaScript's `Date` parses, such as an RFC 3339 timestamp.
    String(String),
}

impl Date {
    /// Creates a date.
    ///
    /// A string that does not parse gives the epoch; use [`Date::parse`] to get an error
    /// instead.
    pub fn new(init: DateInit) -> Self {
        match init {
            DateInit::Millis(millis) => Date { millis },
            DateInit::String(text) => Date::parse(&text).unwrap_or(Date { millis: 0 }),
        }
    }

    /// Parses a date string with JavaScript's `Date`.
    ///
    /// # Errors
    ///
    /// Fails when the string is not a date.
    pub fn parse(text: &str) -> crate::Result<Self> {
        let millis = js_sys::Date::parse(text);
        if millis.is_nan() || millis < 0.0 {
            return Err(crate::Error::new(
                crate::ErrorKind::InvalidInput,
                format!("invalid date {}: use an RFC 3339 timestamp", Quoted(text)),
            ));
        }
        Ok(Date {
            millis: millis as u64,
        })
    }

    /// Returns the current time.
    pub fn now() -> Self {
        Date {
            millis: js_sys::Date::now() as u64,
        }
    }

    /// Returns the milliseconds since the Unix epoch.
    pub fn as_millis(&self) -> u64 {
        self.millis
    }
}

impl From<DateInit> for Date {
    fn from(init: DateInit) -> Self {
        Date::new(init)
    }
}

impl fmt::Display for Date {
    /// Formats as an ISO 8601 timestamp in UTC, such as `2026-12-04T16:30:00.000Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let date = js_sys::Date::new(&(self.millis as f64).into());
        f.write_str(&String::from(date.to_iso_string()))
    }
}
