//! Route patterns: parsing, conflict checks and matching.
//!
//! A pattern is a path whose segments are literal text, `:name` (one segment) or, as the last
//! segment, `*name` (the rest of the path, at least one character).

use std::collections::HashMap;

use crate::error::Quoted;
use crate::http::percent::percent_decode;
use crate::{Error, ErrorKind, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
    Rest(String),
}

/// A parsed route pattern.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    text: String,
    segments: Vec<Segment>,
}

impl Pattern {
    /// Parses `text`.
    ///
    /// # Errors
    ///
    /// Fails on a pattern that does not start with `/`, an empty or invalid parameter name, a
    /// repeated parameter name, a `*name` segment that is not the last one, or a `:` or `*`
    /// inside a literal segment.
    pub(crate) fn parse(text: &str) -> Result<Self> {
        let Some(path) = text.strip_prefix('/') else {
            return Err(invalid(text, "a route pattern must start with \"/\""));
        };
        let parts: Vec<&str> = path.split('/').collect();
        let mut segments = Vec::with_capacity(parts.len());
        let mut names: Vec<&str> = Vec::new();
        for (index, part) in parts.iter().enumerate() {
            let segment = parse_segment(text, part, index + 1 == parts.len())?;
            if let Segment::Param(name) | Segment::Rest(name) = &segment {
                if names.contains(&name.as_str()) {
                    let reason = format!("the parameter name {} is used twice", Quoted(name));
                    return Err(invalid(text, &reason));
                }
                names.push(&part[1..]);
            }
            segments.push(segment);
        }
        Ok(Pattern {
            text: text.to_owned(),
            segments,
        })
    }

    /// Returns the pattern as written.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Tells whether the two patterns match exactly the same paths, whatever their parameter
    /// names: then neither could ever be chosen over the other.
    pub(crate) fn conflicts_with(&self, other: &Pattern) -> bool {
        self.segments.len() == other.segments.len()
            && self
                .segments
                .iter()
                .zip(&other.segments)
                .all(|pair| match pair {
                    (Segment::Literal(a), Segment::Literal(b)) => a == b,
                    (Segment::Param(_), Segment::Param(_)) => true,
                    (Segment::Rest(_), Segment::Rest(_)) => true,
                    _ => false,
                })
    }

    /// Matches a percent-encoded path. Returns the parameters, percent-decoded, and a rank:
    /// lower ranks are more specific (literal before parameter before rest, segment by segment).
    pub(crate) fn matches(&self, path: &str) -> Option<(Vec<u8>, HashMap<String, String>)> {
        let path = path.strip_prefix('/')?;
        let mut rest = Some(path);
        let mut params = HashMap::new();
        let mut rank = Vec::with_capacity(self.segments.len());
        for segment in &self.segments {
            let remaining = rest?;
            if let Segment::Rest(name) = segment {
                if remaining.is_empty() {
                    return None;
                }
                params.insert(name.clone(), decode(remaining));
                rank.push(2);
                rest = None;
                break;
            }
            let (part, after) = match remaining.split_once('/') {
                Some((part, after)) => (part, Some(after)),
                None => (remaining, None),
            };
            match segment {
                Segment::Literal(text) if literal_matches(text, part) => rank.push(0),
                Segment::Param(name) if !part.is_empty() => {
                    params.insert(name.clone(), decode(part));
                    rank.push(1);
                }
                _ => return None,
            }
            rest = after;
        }
        rest.is_none().then_some((rank, params))
    }
}

fn parse_segment(pattern: &str, part: &str, last: bool) -> Result<Segment> {
    if let Some(name) = part.strip_prefix(':') {
        check_name(pattern, name)?;
        return Ok(Segment::Param(name.to_owned()));
    }
    if let Some(name) = part.strip_prefix('*') {
        check_name(pattern, name)?;
        if !last {
            let reason = format!("\"*{name}\" matches the rest of the path and must come last");
            return Err(invalid(pattern, &reason));
        }
        return Ok(Segment::Rest(name.to_owned()));
    }
    if part.contains(['?', '#']) {
        let reason = format!(
            "segment {} contains `?` or `#`; a route pattern matches the path only, and the \
             query string is read with Request::query",
            Quoted(part)
        );
        return Err(invalid(pattern, &reason));
    }
    if part.contains([':', '*']) {
        let reason = format!(
            "segment {} mixes text with a parameter; a parameter must be a whole segment",
            Quoted(part)
        );
        return Err(invalid(pattern, &reason));
    }
    // Stored decoded, so that `/café` and `/caf%C3%A9` are the same pattern.
    Ok(Segment::Literal(decode(part)))
}

fn check_name(pattern: &str, name: &str) -> Result<()> {
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
    if valid {
        return Ok(());
    }
    let reason = format!(
        "invalid parameter name {}: use letters, digits and underscores",
        Quoted(name)
    );
    Err(invalid(pattern, &reason))
}

fn invalid(pattern: &str, reason: &str) -> Error {
    Error::new(
        ErrorKind::Route,
        format!("invalid route pattern {}: {reason}", Quoted(pattern)),
    )
}

/// Compares a literal segment, stored decoded, with a segment of the percent-encoded path, so
/// that the pattern `/café` matches the path `/caf%C3%A9`.
fn literal_matches(literal: &str, part: &str) -> bool {
    if part.contains('%') {
        decode(part) == literal
    } else {
        part == literal
    }
}

/// Decodes `%XX` escapes; a value that does not decode to UTF-8 is kept as sent.
fn decode(text: &str) -> String {
    match String::from_utf8(percent_decode(text, false)) {
        Ok(decoded) => decoded,
        Err(_) => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pattern: &str, path: &str) -> Option<HashMap<String, String>> {
        Pattern::parse(pattern)
            .unwrap()
            .matches(path)
            .map(|(_, params)| params)
    }

    #[test]
    fn literal_pattern_matches_exactly() {
        assert!(params("/a/b", "/a/b").is_some());
        assert!(params("/a/b", "/a/b/").is_none());
        assert!(params("/a/b", "/a").is_none());
    }

    #[test]
    fn param_captures_one_segment() {
        let found = params("/users/:id", "/users/42").unwrap();
        assert_eq!(found["id"], "42");
        assert!(params("/users/:id", "/users/42/x").is_none());
        assert!(params("/users/:id", "/users/").is_none());
    }

    #[test]
    fn rest_captures_remaining_path() {
        let found = params("/files/*path", "/files/a/b.txt").unwrap();
        assert_eq!(found["path"], "a/b.txt");
        assert!(params("/files/*path", "/files/").is_none());
    }

    #[test]
    fn literal_matches_encoded_path() {
        assert!(params("/café", "/caf%C3%A9").is_some());
        assert!(params("/a b", "/a%20b").is_some());
        assert!(params("/caf%C3%A9", "/caf%C3%A9").is_some());
    }

    #[test]
    fn param_value_is_percent_decoded() {
        let found = params("/say/:word", "/say/hello%20world").unwrap();
        assert_eq!(found["word"], "hello world");
    }

    #[test]
    fn invalid_patterns_are_errors() {
        for pattern in [
            "users",
            "/:",
            "/*",
            "/*rest/more",
            "/a:b",
            "/:a/:a",
            "/:a-b",
        ] {
            let error = Pattern::parse(pattern).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Route, "{pattern}");
            assert!(error.to_string().contains(pattern), "{pattern}: {error}");
        }
    }

    #[test]
    fn same_shape_patterns_conflict() {
        let a = Pattern::parse("/users/:id").unwrap();
        let b = Pattern::parse("/users/:name").unwrap();
        let c = Pattern::parse("/users/me").unwrap();
        assert!(a.conflicts_with(&b));
        assert!(!a.conflicts_with(&c));
    }

    #[test]
    fn literal_ranks_before_param() {
        let literal = Pattern::parse("/users/me").unwrap();
        let param = Pattern::parse("/users/:id").unwrap();
        let (literal_rank, _) = literal.matches("/users/me").unwrap();
        let (param_rank, _) = param.matches("/users/me").unwrap();
        assert!(literal_rank < param_rank);
    }
}
