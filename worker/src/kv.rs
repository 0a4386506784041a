//! Workers KV: a global, eventually consistent key-value store.
//!
//! ```no_run
//! # async fn run(env: worker::Env) -> worker::Result<()> {
//! let kv = env.kv("CACHE")?;
//! kv.put("greeting", "hello")?.expiration_ttl(3600).execute().await?;
//! let greeting: Option<String> = kv.get("greeting").text().await?;
//! # Ok(())
//! # }
//! ```

use std::collections::HashMap;

use js_sys::{Array, Map, Object};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};

use crate::env::{EnvBinding, cast_if_methods};
use crate::error::Quoted;
use crate::streams::ByteStream;
use crate::sys::kv::KvNamespace;
use crate::{Error, ErrorKind, Result, js};

/// The shortest expiration TTL and cache TTL, in seconds, that KV accepts.
pub const MIN_TTL_SECONDS: u64 = 60;

/// A KV namespace binding.
#[derive(Clone)]
pub struct KvStore {
    inner: KvNamespace,
}

impl EnvBinding for KvStore {
    const TYPE_NAME: &'static str = "KV namespace";

    fn from_binding(value: JsValue) -> std::result::Result<Self, JsValue> {
        let methods = ["get", "getWithMetadata", "put", "list", "delete"];
        cast_if_methods(value, &methods).map(|inner| KvStore { inner })
    }
}

impl std::fmt::Debug for KvStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KvStore")
    }
}

impl KvStore {
    /// Starts reading `key`; finish with `.text()`, `.json()`, `.bytes()`, `.stream()` or a
    /// `*_with_metadata` variant.
    pub fn get(&self, key: &str) -> GetOptionsBuilder {
        GetOptionsBuilder {
            store: self.inner.clone(),
            key: key.to_owned(),
            cache_ttl: None,
        }
    }

    /// Starts reading up to 100 keys in one call; finish with `.text()`, `.json()` or a
    /// `*_with_metadata` variant.
    pub fn get_bulk<K: AsRef<str>>(&self, keys: &[K]) -> BulkGetBuilder {
        BulkGetBuilder {
            store: self.inner.clone(),
            keys: keys.iter().map(|key| key.as_ref().to_owned()).collect(),
            cache_ttl: None,
        }
    }

    /// Starts writing `value` to `key`: a string is stored as it is, any other serializable
    /// value as JSON. Finish with `.execute()`.
    ///
    /// # Errors
    ///
    /// Fails when `value` cannot be serialized.
    pub fn put<T: ToRawKvValue>(&self, key: &str, value: T) -> Result<PutOptionsBuilder> {
        let value = value.raw_kv_value().map_err(|error| {
            Error::new(error.kind(), format!("kv put {}: {error}", Quoted(key)))
        })?;
        Ok(self.put_raw(key, value))
    }

    /// Starts writing bytes to `key`. Finish with `.execute()`.
    ///
    /// # Errors
    ///
    /// Kept fallible for symmetry with [`KvStore::put`]; copying the bytes does not fail.
    pub fn put_bytes(&self, key: &str, value: &[u8]) -> Result<PutOptionsBuilder> {
        Ok(self.put_raw(key, js::to_uint8_array(value).into()))
    }

    /// Starts writing the contents of a stream to `key`, without buffering it in wasm memory.
    /// Finish with `.execute()`.
    ///
    /// # Errors
    ///
    /// Kept fallible for symmetry with [`KvStore::put`].
    pub fn put_stream(
        &self,
        key: &str,
        value: web_sys::ReadableStream,
    ) -> Result<PutOptionsBuilder> {
        Ok(self.put_raw(key, value.into()))
    }

    fn put_raw(&self, key: &str, value: JsValue) -> PutOptionsBuilder {
        PutOptionsBuilder {
            store: self.inner.clone(),
            key: key.to_owned(),
            value,
            expiration: None,
            expiration_ttl: None,
            metadata: None,
        }
    }

    /// Starts listing keys; finish with `.execute()`.
    pub fn list(&self) -> ListOptionsBuilder {
        ListOptionsBuilder {
            store: self.inner.clone(),
            options: ListOptions::default(),
        }
    }

    /// Deletes `key`. Deleting a key that does not exist succeeds.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the key (empty, or longer than 512 bytes).
    pub async fn delete(&self, key: &str) -> Result<()> {
        js::settle(self.inner.delete(key))
            .await
            .map_err(|thrown| Error::js(format!("kv delete {} failed", Quoted(key)), thrown))?;
        Ok(())
    }
}

fn check_ttl(what: &str, key: &str, seconds: u64) -> Result<()> {
    if seconds >= MIN_TTL_SECONDS {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::InvalidInput,
        format!(
            "kv {what} of {seconds} seconds for {} is below the minimum of \
             {MIN_TTL_SECONDS} seconds; use {MIN_TTL_SECONDS} or more",
            Quoted(key)
        ),
    ))
}

/// A value that [`KvStore::put`] can store.
pub trait ToRawKvValue {
    /// Converts the value to what KV stores: a string for text, JSON text for anything else.
    ///
    /// # Errors
    ///
    /// Fails when the value cannot be serialized.
    fn raw_kv_value(&self) -> Result<JsValue>;
}

impl ToRawKvValue for str {
    fn raw_kv_value(&self) -> Result<JsValue> {
        Ok(JsValue::from_str(self))
    }
}

impl<T: Serialize> ToRawKvValue for T {
    fn raw_kv_value(&self) -> Result<JsValue> {
        let value = serde_json::to_value(self).map_err(|error| {
            Error::new(
                ErrorKind::Serialization,
                "value cannot be serialized to JSON",
            )
            .with_source(error)
        })?;
        Ok(match value {
            serde_json::Value::String(text) => JsValue::from_str(&text),
            other => JsValue::from_str(&other.to_string()),
        })
    }
}

/// Reads one key. Created by [`KvStore::get`].
#[derive(Debug)]
#[must_use = "a KV read does nothing until finished with `.text()`, `.json()` or `.bytes()`"]
pub struct GetOptionsBuilder {
    store: KvNamespace,
    key: String,
    cache_ttl: Option<u64>,
}

impl GetOptionsBuilder {
    /// Keeps the value cached in the data center for `seconds` (at least 60).
    pub fn cache_ttl(mut self, seconds: u64) -> Self {
        self.cache_ttl = Some(seconds);
        self
    }

    fn options(&self, value_type: &'static str) -> Result<JsValue> {
        let Some(seconds) = self.cache_ttl else {
            return Ok(js::static_str(value_type));
        };
        check_ttl("cache TTL", &self.key, seconds)?;
        let options = Object::new();
        js::set_property(&options, "type", &js::static_str(value_type));
        js::set_property(&options, "cacheTtl", &JsValue::from_f64(seconds as f64));
        Ok(options.into())
    }

    async fn fetch(&self, value_type: &'static str) -> Result<JsValue> {
        let options = self.options(value_type)?;
        js::settle(self.store.get(&self.key, &options))
            .await
            .map_err(|thrown| Error::js(format!("kv get {} failed", Quoted(&self.key)), thrown))
    }

    async fn fetch_with_metadata(&self, value_type: &'static str) -> Result<(JsValue, JsValue)> {
        let options = self.options(value_type)?;
        let result = js::settle(self.store.get_with_metadata(&self.key, &options))
            .await
            .map_err(|thrown| Error::js(format!("kv get {} failed", Quoted(&self.key)), thrown))?;
        Ok((
            js::property(&result, "value"),
            js::property(&result, "metadata"),
        ))
    }

    /// Reads the value as text; `None` when the key does not exist.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the key or the cache TTL.
    pub async fn text(self) -> Result<Option<String>> {
        Ok(self.fetch("text").await?.as_string())
    }

    /// Reads the value as JSON into `T`; `None` when the key does not exist.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the key, or the value is not JSON that fits `T`.
    pub async fn json<T: DeserializeOwned>(self) -> Result<Option<T>> {
        let key = self.key.clone();
        let text = self.text().await?;
        text.map(|text| parse_json(&key, &text)).transpose()
    }

    /// Reads the value as bytes; `None` when the key does not exist.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the key or the cache TTL.
    pub async fn bytes(self) -> Result<Option<Vec<u8>>> {
        let value = self.fetch("arrayBuffer").await?;
        Ok(present(&value).then(|| js::to_bytes(&value)))
    }

    /// Streams the value; `None` when the key does not exist.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the key or the cache TTL.
    pub async fn stream(self) -> Result<Option<ByteStream>> {
        let value = self.fetch("stream").await?;
        if !present(&value) {
            return Ok(None);
        }
        ByteStream::new(value.unchecked_ref()).map(Some)
    }

    /// Reads the value as text together with its metadata.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the key, or the metadata does not fit `M`.
    pub async fn text_with_metadata<M: DeserializeOwned>(
        self,
    ) -> Result<(Option<String>, Option<M>)> {
        let (value, metadata) = self.fetch_with_metadata("text").await?;
        Ok((value.as_string(), parse_metadata(&self.key, &metadata)?))
    }

    /// Reads the value as JSON into `T` together with its metadata.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the key, or the value or metadata do not fit.
    pub async fn json_with_metadata<T: DeserializeOwned, M: DeserializeOwned>(
        self,
    ) -> Result<(Option<T>, Option<M>)> {
        let (value, metadata) = self.fetch_with_metadata("text").await?;
        let value = value
            .as_string()
            .map(|text| parse_json(&self.key, &text))
            .transpose()?;
        Ok((value, parse_metadata(&self.key, &metadata)?))
    }

    /// Reads the value as bytes together with its metadata.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the key, or the metadata does not fit `M`.
    pub async fn bytes_with_metadata<M: DeserializeOwned>(
        self,
    ) -> Result<(Option<Vec<u8>>, Option<M>)> {
        let (value, metadata) = self.fetch_with_metadata("arrayBuffer").await?;
        let bytes = present(&value).then(|| js::to_bytes(&value));
        Ok((bytes, parse_metadata(&self.key, &metadata)?))
    }
}

fn present(value: &JsValue) -> bool {
    !value.is_null() && !value.is_undefined()
}

fn parse_json<T: DeserializeOwned>(key: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|error| {
        Error::new(
            ErrorKind::Serialization,
            format!(
                "kv value of {} is not JSON that fits the requested type",
                Quoted(key)
            ),
        )
        .with_source(error)
    })
}

fn parse_metadata<M: DeserializeOwned>(key: &str, metadata: &JsValue) -> Result<Option<M>> {
    if !present(metadata) {
        return Ok(None);
    }
    js::from_js(metadata, &format!("metadata of kv key {}", Quoted(key))).map(Some)
}

/// Reads several keys in one call. Created by [`KvStore::get_bulk`].
#[derive(Debug)]
#[must_use = "a KV bulk read does nothing until finished with `.text()` or `.json()`"]
pub struct BulkGetBuilder {
    store: KvNamespace,
    keys: Vec<String>,
    cache_ttl: Option<u64>,
}

impl BulkGetBuilder {
    /// Keeps the values cached in the data center for `seconds` (at least 60).
    pub fn cache_ttl(mut self, seconds: u64) -> Self {
        self.cache_ttl = Some(seconds);
        self
    }

    async fn fetch(&self, with_metadata: bool) -> Result<Map> {
        let keys: Array = self.keys.iter().map(|key| JsValue::from_str(key)).collect();
        let options = Object::new();
        js::set_property(&options, "type", &js::static_str("text"));
        if let Some(seconds) = self.cache_ttl {
            check_ttl("cache TTL", &self.keys.join(","), seconds)?;
            js::set_property(&options, "cacheTtl", &JsValue::from_f64(seconds as f64));
        }
        let promise = if with_metadata {
            self.store.get_many_with_metadata(&keys, &options)
        } else {
            self.store.get_many(&keys, &options)
        };
        let map = js::settle(promise).await.map_err(|thrown| {
            Error::js(
                format!("kv bulk get of {} keys failed", self.keys.len()),
                thrown,
            )
        })?;
        Ok(map.unchecked_into())
    }

    /// Reads every key as text. Missing keys map to `None`.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the keys (more than 100, or an invalid one).
    pub async fn text(self) -> Result<HashMap<String, Option<String>>> {
        let map = self.fetch(false).await?;
        Ok(map_entries(&map)
            .map(|(key, value)| (key, value.as_string()))
            .collect())
    }

    /// Reads every key as JSON into `T`. Missing keys map to `None`.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the keys or a value does not fit `T`.
    pub async fn json<T: DeserializeOwned>(self) -> Result<HashMap<String, Option<T>>> {
        let map = self.fetch(false).await?;
        map_entries(&map)
            .map(|(key, value)| {
                let parsed = value.as_string().map(|text| parse_json(&key, &text));
                Ok((key, parsed.transpose()?))
            })
            .collect()
    }

    /// Reads every key as text with its metadata.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the keys or metadata does not fit `M`.
    pub async fn text_with_metadata<M: DeserializeOwned>(
        self,
    ) -> Result<HashMap<String, (Option<String>, Option<M>)>> {
        let map = self.fetch(true).await?;
        map_entries(&map)
            .map(|(key, entry)| {
                let value = js::property(&entry, "value").as_string();
                let metadata = parse_metadata(&key, &js::property(&entry, "metadata"))?;
                Ok((key, (value, metadata)))
            })
            .collect()
    }
}

fn map_entries(map: &Map) -> impl Iterator<Item = (String, JsValue)> + use<> {
    let mut entries = Vec::with_capacity(map.size() as usize);
    map.for_each(&mut |value, key| {
        if let Some(key) = key.as_string() {
            entries.push((key, value));
        }
    });
    entries.into_iter()
}

/// Writes one key. Created by [`KvStore::put`] and its variants.
#[derive(Debug)]
#[must_use = "a KV write does nothing until `.execute()` is awaited"]
pub struct PutOptionsBuilder {
    store: KvNamespace,
    key: String,
    value: JsValue,
    expiration: Option<u64>,
    expiration_ttl: Option<u64>,
    metadata: Option<JsValue>,
}

impl PutOptionsBuilder {
    /// Expires the key at this time, in seconds since the Unix epoch (at least 60 seconds
    /// from now).
    pub fn expiration(mut self, seconds_since_epoch: u64) -> Self {
        self.expiration = Some(seconds_since_epoch);
        self
    }

    /// Expires the key after this many seconds (at least 60).
    pub fn expiration_ttl(mut self, seconds: u64) -> Self {
        self.expiration_ttl = Some(seconds);
        self
    }

    /// Attaches metadata, serialized as JSON (at most 1024 bytes).
    ///
    /// # Errors
    ///
    /// Fails when the metadata cannot be serialized.
    pub fn metadata<T: Serialize>(mut self, metadata: T) -> Result<Self> {
        let what = format!("metadata of kv key {}", Quoted(&self.key));
        self.metadata = Some(js::to_js(&metadata, &what)?);
        Ok(self)
    }

    /// Writes the value.
    ///
    /// # Errors
    ///
    /// Fails when the TTL is below 60 seconds, or the runtime rejects the key, value,
    /// expiration or metadata.
    pub async fn execute(self) -> Result<()> {
        let options = Object::new();
        if let Some(seconds) = self.expiration_ttl {
            check_ttl("expiration TTL", &self.key, seconds)?;
            js::set_property(
                &options,
                "expirationTtl",
                &JsValue::from_f64(seconds as f64),
            );
        }
        if let Some(seconds) = self.expiration {
            js::set_property(&options, "expiration", &JsValue::from_f64(seconds as f64));
        }
        if let Some(metadata) = &self.metadata {
            js::set_property(&options, "metadata", metadata);
        }
        js::settle(self.store.put(&self.key, &self.value, &options))
            .await
            .map_err(|thrown| Error::js(format!("kv put {} failed", Quoted(&self.key)), thrown))?;
        Ok(())
    }
}

#[derive(Debug, Default, Serialize)]
struct ListOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<String>,
}

/// Lists keys. Created by [`KvStore::list`].
#[derive(Debug)]
#[must_use = "a KV list does nothing until `.execute()` is awaited"]
pub struct ListOptionsBuilder {
    store: KvNamespace,
    options: ListOptions,
}

impl ListOptionsBuilder {
    /// Returns at most `limit` keys (1 to 1000; 1000 by default).
    pub fn limit(mut self, limit: u64) -> Self {
        self.options.limit = Some(limit);
        self
    }

    /// Continues a previous listing from its cursor.
    pub fn cursor(mut self, cursor: String) -> Self {
        self.options.cursor = Some(cursor);
        self
    }

    /// Lists only keys that start with `prefix`.
    pub fn prefix(mut self, prefix: String) -> Self {
        self.options.prefix = Some(prefix);
        self
    }

    /// Runs the listing.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the options (a limit above 1000, an invalid cursor).
    pub async fn execute(self) -> Result<ListResponse> {
        let options = js::to_js(&self.options, "kv list options")?;
        let result = js::settle(self.store.list(&options))
            .await
            .map_err(|thrown| Error::js("kv list failed", thrown))?;
        js::from_js(&result, "kv list result")
    }
}

/// One page of a key listing.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ListResponse {
    /// The keys, in lexicographic order of their UTF-8 bytes.
    pub keys: Vec<Key>,
    /// Whether this is the last page.
    pub list_complete: bool,
    /// The cursor for the next page, when there is one.
    #[serde(default)]
    pub cursor: Option<String>,
    /// Whether the listing came from the data center's cache (`HIT`, `MISS`, ...).
    #[serde(default, rename = "cacheStatus")]
    pub cache_status: Option<String>,
}

/// A key in a listing.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Key {
    /// The key's name.
    pub name: String,
    /// When the key expires, in seconds since the Unix epoch.
    #[serde(default)]
    pub expiration: Option<u64>,
    /// The key's metadata.
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_below_minimum_is_rejected() {
        let error = check_ttl("expiration TTL", "k", 10).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
        assert!(error.to_string().contains("minimum of 60 seconds"));
    }

    #[test]
    fn ttl_at_minimum_is_accepted() {
        assert!(check_ttl("expiration TTL", "k", 60).is_ok());
    }

    #[test]
    fn list_response_parses_runtime_shape() {
        let text = r#"{"keys":[{"name":"a","expiration":1700000000,"metadata":{"x":1}}],
            "list_complete":false,"cursor":"c1","cacheStatus":null}"#;
        let page: ListResponse = serde_json::from_str(text).unwrap();
        assert_eq!(page.keys[0].name, "a");
        assert_eq!(page.keys[0].expiration, Some(1_700_000_000));
        assert_eq!(page.cursor.as_deref(), Some("c1"));
        assert!(!page.list_complete);
    }
}
