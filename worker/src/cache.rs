//! The Cache API: storing responses in the data center's cache.

use wasm_bindgen::JsCast;

use crate::error::Quoted;
use crate::sys::global::CACHES;
use crate::{Error, Request, Response, Result, js};

/// A cache of responses: the zone's default cache or a named one.
///
/// ```no_run
/// use worker::{Cache, Response};
///
/// # async fn run() -> worker::Result<()> {
/// let cache = Cache::default();
/// cache.put("https://example.com/a", Response::ok("cached")?).await?;
/// let hit = cache.get("https://example.com/a", false).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Cache {
    inner: web_sys::Cache,
}

/// What a cache lookup is keyed on: a URL or a request.
#[derive(Debug)]
pub enum CacheKey<'a> {
    /// An absolute URL, matched as a `GET`.
    Url(String),
    /// A request; its URL and method are the key.
    Request(&'a Request),
}

/// Whether [`Cache::delete`] found something to delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheDeletionOutcome {
    /// A response was deleted.
    Success,
    /// Nothing was cached under the key.
    ResponseNotFound,
}

impl Default for Cache {
    /// Returns the zone's default cache, `caches.default`.
    fn default() -> Self {
        Cache {
            inner: CACHES.with(|caches| caches.default_cache()),
        }
    }
}

impl Cache {
    /// Opens the cache called `name`.
    ///
    /// # Errors
    ///
    /// Fails when the runtime cannot open the cache.
    pub async fn open(name: String) -> Result<Cache> {
        let promise = CACHES.with(|caches| caches.open(&name));
        let cache = js::settle(Ok(promise)).await.map_err(|thrown| {
            Error::js(format!("opening cache {} failed", Quoted(&name)), thrown)
        })?;
        Ok(Cache {
            inner: cache.unchecked_into(),
        })
    }

    /// Stores `response` under `key`.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the entry: a key that is not a `GET`, a `206` response,
    /// or a response with `Vary: *`.
    pub async fn put<'a, K: Into<CacheKey<'a>>>(&self, key: K, response: Response) -> Result<()> {
        let key = key.into();
        let raw = response.into_raw()?;
        let promise = match &key {
            CacheKey::Url(url) => self.inner.put_with_str(url, &raw),
            CacheKey::Request(request) => self.inner.put_with_request(request.inner(), &raw),
        };
        js::settle(Ok(promise)).await.map_err(|thrown| {
            Error::js(format!("cache put of {} failed", describe(&key)), thrown)
        })?;
        Ok(())
    }

    /// Looks up `key`. With `ignore_method`, a non-`GET` request key matches as a `GET`.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the lookup.
    pub async fn get<'a, K: Into<CacheKey<'a>>>(
        &self,
        key: K,
        ignore_method: bool,
    ) -> Result<Option<Response>> {
        let key = key.into();
        let options = query_options(ignore_method);
        let promise = match &key {
            CacheKey::Url(url) => self.inner.match_with_str_and_options(url, &options),
            CacheKey::Request(request) => self
                .inner
                .match_with_request_and_options(request.inner(), &options),
        };
        let found = js::settle(Ok(promise)).await.map_err(|thrown| {
            Error::js(format!("cache get of {} failed", describe(&key)), thrown)
        })?;
        if found.is_undefined() || found.is_null() {
            return Ok(None);
        }
        Ok(Some(Response::from(
            found.unchecked_into::<web_sys::Response>(),
        )))
    }

    /// Deletes the response stored under `key`.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the deletion.
    pub async fn delete<'a, K: Into<CacheKey<'a>>>(
        &self,
        key: K,
        ignore_method: bool,
    ) -> Result<CacheDeletionOutcome> {
        let key = key.into();
        let options = query_options(ignore_method);
        let promise = match &key {
            CacheKey::Url(url) => self.inner.delete_with_str_and_options(url, &options),
            CacheKey::Request(request) => self
                .inner
                .delete_with_request_and_options(request.inner(), &options),
        };
        let deleted = js::settle(Ok(promise)).await.map_err(|thrown| {
            Error::js(format!("cache delete of {} failed", describe(&key)), thrown)
        })?;
        Ok(if deleted.is_truthy() {
            CacheDeletionOutcome::Success
        } else {
            CacheDeletionOutcome::ResponseNotFound
        })
    }
}

fn query_options(ignore_method: bool) -> web_sys::CacheQueryOptions {
    let options = web_sys::CacheQueryOptions::new();
    options.set_ignore_method(ignore_method);
    options
}

fn describe(key: &CacheKey<'_>) -> String {
    match key {
        CacheKey::Url(url) => format!("{}", Quoted(url)),
        CacheKey::Request(request) => Quoted(&request.inner().url()).to_string(),
    }
}

impl From<&str> for CacheKey<'_> {
    fn from(url: &str) -> Self {
        CacheKey::Url(url.to_owned())
    }
}

impl From<String> for CacheKey<'_> {
    fn from(url: String) -> Self {
        CacheKey::Url(url)
    }
}

impl From<&String> for CacheKey<'_> {
    fn from(url: &String) -> Self {
        CacheKey::Url(url.clone())
    }
}

impl<'a> From<&'a Request> for CacheKey<'a> {
    fn from(request: &'a Request) -> Self {
        CacheKey::Request(request)
    }
}
