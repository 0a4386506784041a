//! Cross-origin resource sharing headers.

use crate::{Headers, Method, Result};

/// The CORS headers to add to a response.
///
/// ```no_run
/// use worker::{Cors, Method, Response};
///
/// # fn run() -> worker::Result<Response> {
/// let cors = Cors::new()
///     .with_origins(["https://example.com"])
///     .with_methods([Method::Get, Method::Post])
///     .with_max_age(86400);
/// Response::ok("hi")?.with_cors(&cors)
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use = "a Cors does nothing until it is applied to a response"]
pub struct Cors {
    credentials: bool,
    max_age: Option<u32>,
    origins: Vec<String>,
    methods: Vec<Method>,
    allowed_headers: Vec<String>,
    exposed_headers: Vec<String>,
}

impl Cors {
    /// Creates a configuration that adds no headers.
    pub fn new() -> Self {
        Cors::default()
    }

    /// Sets `Access-Control-Allow-Credentials: true` when `credentials` is true.
    pub fn with_credentials(mut self, credentials: bool) -> Self {
        self.credentials = credentials;
        self
    }

    /// Sets `Access-Control-Max-Age`, in seconds.
    pub fn with_max_age(mut self, seconds: u32) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// Sets the allowed origins (`*` for any).
    pub fn with_origins<S: Into<String>>(mut self, origins: impl IntoIterator<Item = S>) -> Self {
        self.origins = origins.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the allowed methods.
    pub fn with_methods(mut self, methods: impl IntoIterator<Item = Method>) -> Self {
        self.methods = methods.into_iter().collect();
        self
    }

    /// Sets the request headers a client may send.
    pub fn with_allowed_headers<S: Into<String>>(
        mut self,
        headers: impl IntoIterator<Item = S>,
    ) -> Self {
        self.allowed_headers = headers.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the response headers a client may read.
    pub fn with_exposed_headers<S: Into<String>>(
        mut self,
        headers: impl IntoIterator<Item = S>,
    ) -> Self {
        self.exposed_headers = headers.into_iter().map(Into::into).collect();
        self
    }

    /// Writes the configured headers into `headers`.
    ///
    /// # Errors
    ///
    /// Fails when a configured value is not a valid header value.
    pub fn apply_headers(&self, headers: &mut Headers) -> Result<()> {
        if self.credentials {
            headers.set("access-control-allow-credentials", "true")?;
        }
        if let Some(seconds) = self.max_age {
            headers.set("access-control-max-age", &seconds.to_string())?;
        }
        let methods: Vec<&str> = self.methods.iter().map(Method::as_str).collect();
        let lists = [
            ("access-control-allow-origin", join(&self.origins)),
            ("access-control-allow-methods", methods.join(", ")),
            ("access-control-allow-headers", join(&self.allowed_headers)),
            ("access-control-expose-headers", join(&self.exposed_headers)),
        ];
        for (name, value) in lists {
            if !value.is_empty() {
                headers.set(name, &value)?;
            }
        }
        Ok(())
    }
}

fn join(values: &[String]) -> String {
    values.join(", ")
}
