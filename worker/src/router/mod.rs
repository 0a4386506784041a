//! A request router with `:param` and `*rest` patterns.
//!
//! ```no_run
//! use worker::{Request, Response, Result, RouteContext, Router};
//!
//! # async fn run(req: Request, env: worker::Env) -> Result<Response> {
//! Router::new()
//!     .get("/", |_, _| Response::ok("home"))
//!     .get_async("/users/:id", |_, ctx| async move {
//!         let id = ctx.param("id").cloned().unwrap_or_default();
//!         Response::ok(format!("user {id}"))
//!     })
//!     .run(req, env)
//!     .await
//! # }
//! ```
//!
//! A request whose path matches no pattern gets `404 Not Found`; one whose path matches only
//! under other methods gets `405 Method Not Allowed` with an `Allow` header. When several
//! patterns match, the most specific wins: at the first segment where they differ, literal text
//! beats `:param`, which beats `*rest`.

mod pattern;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use pattern::Pattern;

use crate::error::Quoted;
use crate::{
    Bucket, Env, Error, ErrorKind, Fetcher, KvStore, Method, ObjectNamespace, Request, Response,
    Result, Secret, Var,
};

type BoxedFuture<'a> = Pin<Box<dyn Future<Output = Result<Response>> + 'a>>;
type Handler<'a, D> = Rc<dyn Fn(Request, RouteContext<D>) -> BoxedFuture<'a> + 'a>;

struct Route<'a, D> {
    /// `None` for a route that serves every method.
    method: Option<Method>,
    pattern: Pattern,
    handler: Handler<'a, D>,
}

/// Routes requests to handlers by method and path.
///
/// Registering an invalid pattern, or one that matches exactly the same paths as an earlier
/// pattern for the same method, does not panic: the router records the error, [`Router::check`]
/// returns it, and [`Router::run`] fails with it before routing.
#[must_use = "a Router does nothing until `.run(req, env)` is awaited"]
pub struct Router<'a, D> {
    data: D,
    routes: Vec<Route<'a, D>>,
    fallbacks: Vec<Route<'a, D>>,
    error: Option<Error>,
}

/// The context a route handler receives besides the request: the router's data, the
/// environment and the path parameters.
pub struct RouteContext<D> {
    /// The data given to [`Router::with_data`].
    pub data: D,
    /// The environment.
    pub env: Env,
    params: HashMap<String, String>,
}

impl<D> RouteContext<D> {
    /// Returns the value of a `:name` or `*name` parameter, percent-decoded.
    pub fn param(&self, name: &str) -> Option<&String> {
        self.params.get(name)
    }

    /// Returns every path parameter.
    pub fn params(&self) -> &HashMap<String, String> {
        &self.params
    }

    /// Returns the router's data.
    pub fn data(&self) -> &D {
        &self.data
    }

    /// Returns the KV namespace bound as `name`; see [`Env::kv`].
    ///
    /// # Errors
    ///
    /// Fails when the binding is missing or not a KV namespace.
    pub fn kv(&self, name: &str) -> Result<KvStore> {
        self.env.kv(name)
    }

    /// Returns the service binding `name`; see [`Env::service`].
    ///
    /// # Errors
    ///
    /// Fails when the binding is missing or cannot serve requests.
    pub fn service(&self, name: &str) -> Result<Fetcher> {
        self.env.service(name)
    }

    /// Returns the R2 bucket bound as `name`; see [`Env::bucket`].
    ///
    /// # Errors
    ///
    /// Fails when the binding is missing or not an R2 bucket.
    pub fn bucket(&self, name: &str) -> Result<Bucket> {
        self.env.bucket(name)
    }

    /// Returns the Durable Object namespace bound as `name`; see [`Env::durable_object`].
    ///
    /// # Errors
    ///
    /// Fails when the binding is missing or not a Durable Object namespace.
    pub fn durable_object(&self, name: &str) -> Result<ObjectNamespace> {
        self.env.durable_object(name)
    }

    /// Returns the D1 database bound as `name`; see [`Env::d1`].
    ///
    /// # Errors
    ///
    /// Fails when the binding is missing or not a D1 database.
    #[cfg(feature = "d1")]
    #[cfg_attr(docsrs, doc(cfg(feature = "d1")))]
    pub fn d1(&self, name: &str) -> Result<crate::D1Database> {
        self.env.d1(name)
    }

    /// Returns the string variable `name`; see [`Env::var`].
    ///
    /// # Errors
    ///
    /// Fails when the variable is missing or not a string.
    pub fn var(&self, name: &str) -> Result<Var> {
        self.env.var(name)
    }

    /// Returns the secret `name`; see [`Env::secret`].
    ///
    /// # Errors
    ///
    /// Fails when the secret is missing.
    pub fn secret(&self, name: &str) -> Result<Secret> {
        self.env.secret(name)
    }
}

impl Router<'_, ()> {
    /// Creates a router without data.
    pub fn new() -> Self {
        Router::with_data(())
    }
}

impl Default for Router<'_, ()> {
    fn default() -> Self {
        Router::new()
    }
}

macro_rules! method_routes {
    ($($(#[$doc:meta])* $sync:ident, $async_name:ident => $method:expr;)*) => {
        $(
            $(#[$doc])*
            pub fn $sync(
                self,
                pattern: &str,
                handler: impl Fn(Request, RouteContext<D>) -> Result<Response> + 'a,
            ) -> Self {
                self.add(Some($method), pattern, sync_handler(handler))
            }

            $(#[$doc])*
            ///
            /// The handler is asynchronous.
            pub fn $async_name<T>(
                self,
                pattern: &str,
                handler: impl Fn(Request, RouteContext<D>) -> T + 'a,
            ) -> Self
            where
                T: Future<Output = Result<Response>> + 'a,
            {
                self.add(Some($method), pattern, async_handler(handler))
            }
        )*
    };
}

impl<'a, D: 'a> Router<'a, D> {
    /// Creates a router whose handlers receive `data` in their [`RouteContext`].
    pub fn with_data(data: D) -> Self {
        Router {
            data,
            routes: Vec::new(),
            fallbacks: Vec::new(),
            error: None,
        }
    }

    method_routes! {
        /// Routes `HEAD` requests that match `pattern` to `handler`.
        head, head_async => Method::Head;
        /// Routes `GET` requests that match `pattern` to `handler`.
        get, get_async => Method::Get;
        /// Routes `POST` requests that match `pattern` to `handler`.
        post, post_async => Method::Post;
        /// Routes `PUT` requests that match `pattern` to `handler`.
        put, put_async => Method::Put;
        /// Routes `PATCH` requests that match `pattern` to `handler`.
        patch, patch_async => Method::Patch;
        /// Routes `DELETE` requests that match `pattern` to `handler`.
        delete, delete_async => Method::Delete;
        /// Routes `OPTIONS` requests that match `pattern` to `handler`.
        options, options_async => Method::Options;
        /// Routes `REPORT` requests that match `pattern` to `handler`.
        report, report_async => Method::Report;
    }

    /// Routes requests of every method that match `pattern` to `handler`.
    pub fn on(
        self,
        pattern: &str,
        handler: impl Fn(Request, RouteContext<D>) -> Result<Response> + 'a,
    ) -> Self {
        self.add(None, pattern, sync_handler(handler))
    }

    /// Routes requests of every method that match `pattern` to an asynchronous `handler`.
    pub fn on_async<T>(
        self,
        pattern: &str,
        handler: impl Fn(Request, RouteContext<D>) -> T + 'a,
    ) -> Self
    where
        T: Future<Output = Result<Response>> + 'a,
    {
        self.add(None, pattern, async_handler(handler))
    }

    /// Routes requests that match `pattern` and no method-specific route to `handler`,
    /// whatever their method.
    pub fn or_else_any_method(
        mut self,
        pattern: &str,
        handler: impl Fn(Request, RouteContext<D>) -> Result<Response> + 'a,
    ) -> Self {
        if let Some(route) = self.new_route(None, pattern, sync_handler(handler), true) {
            self.fallbacks.push(route);
        }
        self
    }

    /// Routes like [`Router::or_else_any_method`], with an asynchronous handler.
    pub fn or_else_any_method_async<T>(
        mut self,
        pattern: &str,
        handler: impl Fn(Request, RouteContext<D>) -> T + 'a,
    ) -> Self
    where
        T: Future<Output = Result<Response>> + 'a,
    {
        if let Some(route) = self.new_route(None, pattern, async_handler(handler), true) {
            self.fallbacks.push(route);
        }
        self
    }

    fn add(mut self, method: Option<Method>, pattern: &str, handler: Handler<'a, D>) -> Self {
        if let Some(route) = self.new_route(method, pattern, handler, false) {
            self.routes.push(route);
        }
        self
    }

    /// Parses and checks a route, recording the first error instead of returning it.
    fn new_route(
        &mut self,
        method: Option<Method>,
        pattern: &str,
        handler: Handler<'a, D>,
        fallback: bool,
    ) -> Option<Route<'a, D>> {
        let parsed = match Pattern::parse(pattern) {
            Ok(parsed) => parsed,
            Err(error) => {
                self.error.get_or_insert(error);
                return None;
            }
        };
        let existing = if fallback {
            &self.fallbacks
        } else {
            &self.routes
        };
        let clash = existing.iter().find(|route| {
            // A route for every method and one for a single method may share a pattern: the
            // single-method route wins for its method.
            let same_method = route.method == method;
            same_method && route.pattern.conflicts_with(&parsed)
        });
        if let Some(route) = clash {
            let error = Error::new(
                ErrorKind::Route,
                format!(
                    "route pattern {} conflicts with {}: both match the same paths \
                     for the same method; remove one or make them differ",
                    Quoted(pattern),
                    Quoted(route.pattern.text())
                ),
            );
            self.error.get_or_insert(error);
            return None;
        }
        Some(Route {
            method,
            pattern: parsed,
            handler,
        })
    }

    /// Returns the first invalid or conflicting pattern registered, if any.
    ///
    /// # Errors
    ///
    /// Returns that error.
    pub fn check(&self) -> Result<()> {
        match &self.error {
            Some(error) => Err(Error::new(error.kind(), error.message().to_owned())),
            None => Ok(()),
        }
    }

    /// Routes `request` to its handler and returns the handler's response.
    ///
    /// # Errors
    ///
    /// Fails when a registered pattern was invalid or conflicting, or when the handler fails.
    pub async fn run(self, request: Request, env: Env) -> Result<Response> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let method = request.method();
        let path = request.path();
        // HEAD is GET without the body (RFC 9110, section 9.3.2): without a HEAD route, the GET
        // route handles it, and the runtime leaves out the body.
        let chosen = best_match(&self.routes, Some(&method), &path)
            .or_else(|| {
                let head = method == Method::Head;
                head.then(|| best_match(&self.routes, Some(&Method::Get), &path))
                    .flatten()
            })
            .or_else(|| best_match(&self.fallbacks, None, &path));
        if let Some((route, params)) = chosen {
            let handler = route.handler.clone();
            let context = RouteContext {
                data: self.data,
                env,
                params,
            };
            return handler(request, context).await;
        }
        let allowed = allowed_methods(&self.routes, &path);
        if allowed.is_empty() {
            return Response::error("Not Found", 404);
        }
        let mut response = Response::error("Method Not Allowed", 405)?;
        response.headers_mut().set("allow", &allowed.join(", "))?;
        Ok(response)
    }
}

type Match<'r, 'a, D> = (&'r Route<'a, D>, HashMap<String, String>);

/// The specificity of a match, lower first: the pattern's rank, then whether the route serves
/// every method.
type Specificity = (Vec<u8>, bool);

fn best_match<'r, 'a, D>(
    routes: &'r [Route<'a, D>],
    method: Option<&Method>,
    path: &str,
) -> Option<Match<'r, 'a, D>> {
    // Ranked by the pattern first, then a route for the request's method before one for every
    // method.
    let mut best: Option<(Specificity, Match<'r, 'a, D>)> = None;
    for route in routes {
        let method_fits = match (&route.method, method) {
            (Some(wanted), Some(actual)) => wanted == actual,
            _ => true,
        };
        if !method_fits {
            continue;
        }
        let Some((rank, params)) = route.pattern.matches(path) else {
            continue;
        };
        let rank = (rank, route.method.is_none());
        if best.as_ref().is_none_or(|(best_rank, _)| rank < *best_rank) {
            best = Some((rank, (route, params)));
        }
    }
    best.map(|(_, found)| found)
}

fn allowed_methods<D>(routes: &[Route<'_, D>], path: &str) -> Vec<String> {
    let mut allowed: Vec<String> = Vec::new();
    for route in routes {
        let Some(method) = &route.method else {
            continue;
        };
        if route.pattern.matches(path).is_none() {
            continue;
        }
        // A GET route handles HEAD too.
        let names: &[&str] = match method {
            Method::Get => &["GET", "HEAD"],
            other => &[other.as_str()],
        };
        for name in names {
            if !allowed.iter().any(|seen| seen == name) {
                allowed.push((*name).to_owned());
            }
        }
    }
    allowed
}

fn sync_handler<'a, D: 'a>(
    handler: impl Fn(Request, RouteContext<D>) -> Result<Response> + 'a,
) -> Handler<'a, D> {
    Rc::new(move |request, context| {
        let result = handler(request, context);
        Box::pin(std::future::ready(result))
    })
}

fn async_handler<'a, D: 'a, T>(
    handler: impl Fn(Request, RouteContext<D>) -> T + 'a,
) -> Handler<'a, D>
where
    T: Future<Output = Result<Response>> + 'a,
{
    Rc::new(move |request, context| Box::pin(handler(request, context)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicting_route_is_recorded() {
        let router = Router::new()
            .get("/users/:id", |_, _| Response::empty())
            .get("/users/:name", |_, _| Response::empty());
        let error = router.check().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Route);
        assert!(error.to_string().contains("conflicts with"), "{error}");
    }

    #[test]
    fn same_pattern_on_other_method_is_allowed() {
        let router = Router::new()
            .get("/users/:id", |_, _| Response::empty())
            .post("/users/:id", |_, _| Response::empty());
        assert!(router.check().is_ok());
    }

    #[test]
    fn every_method_route_beside_get_is_allowed() {
        let router = Router::new()
            .on("/x", |_, _| Response::empty())
            .get("/x", |_, _| Response::empty());
        assert!(router.check().is_ok());
        let (route, _) = best_match(&router.routes, Some(&Method::Get), "/x").unwrap();
        assert_eq!(route.method, Some(Method::Get));
        let (route, _) = best_match(&router.routes, Some(&Method::Post), "/x").unwrap();
        assert_eq!(route.method, None);
    }

    #[test]
    fn get_route_allows_head() {
        let router = Router::new().get("/x", |_, _| Response::empty());
        assert_eq!(allowed_methods(&router.routes, "/x"), ["GET", "HEAD"]);
    }

    #[test]
    fn invalid_pattern_is_recorded() {
        let router = Router::new().get("no-slash", |_, _| Response::empty());
        let error = router.check().unwrap_err();
        assert!(error.to_string().contains("must start with"), "{error}");
    }

    #[test]
    fn best_match_prefers_literal() {
        let router = Router::new()
            .get("/users/:id", |_, _| Response::empty())
            .get("/users/me", |_, _| Response::empty());
        let (route, _) = best_match(&router.routes, Some(&Method::Get), "/users/me").unwrap();
        assert_eq!(route.pattern.text(), "/users/me");
    }
}
