//! HTTP request methods.

use std::fmt;

/// An HTTP request method.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Method {
    /// `HEAD`
    Head,
    /// `GET`
    #[default]
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `OPTIONS`
    Options,
    /// `CONNECT`
    Connect,
    /// `TRACE`
    Trace,
    /// `REPORT`
    Report,
    /// Any other method, such as WebDAV's `PROPFIND`, kept as sent.
    Other(String),
}

impl Method {
    /// Returns every method with a variant of its own, in a fixed order.
    pub fn all() -> [Method; 10] {
        [
            Method::Head,
            Method::Get,
            Method::Post,
            Method::Put,
            Method::Patch,
            Method::Delete,
            Method::Options,
            Method::Connect,
            Method::Trace,
            Method::Report,
        ]
    }

    /// Returns the method's name as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Head => "HEAD",
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Connect => "CONNECT",
            Method::Trace => "TRACE",
            Method::Report => "REPORT",
            Method::Other(name) => name,
        }
    }
}

impl From<&str> for Method {
    /// Parses a method name; the standard ones are matched without regard to case.
    fn from(name: &str) -> Self {
        let known = Method::all()
            .into_iter()
            .find(|method| method.as_str().eq_ignore_ascii_case(name));
        known.unwrap_or_else(|| Method::Other(name.to_owned()))
    }
}

impl From<String> for Method {
    fn from(name: String) -> Self {
        Method::from(name.as_str())
    }
}

impl AsRef<str> for Method {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_ignores_case() {
        assert_eq!(Method::from("post"), Method::Post);
    }

    #[test]
    fn parse_keeps_unknown_method() {
        assert_eq!(
            Method::from("PROPFIND"),
            Method::Other(String::from("PROPFIND"))
        );
    }
}
