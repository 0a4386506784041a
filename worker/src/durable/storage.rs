//! `Storage`: the transactional key-value API of a Durable Object, its alarm, and transactions.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use js_sys::{Array, Map, Object};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use super::SqlStorage;
use super::value;
use crate::sys::durable::{self as sys, DurableObjectStorage};
use crate::{Date, Error, ErrorKind, Result, js, runtime};

/// The storage of one Durable Object.
///
/// Keys are strings, and values are anything serde can serialize. Values are stored as the
/// JavaScript objects, arrays, strings and numbers they serialize to, so JavaScript code of the
/// same object reads them as such. Integers beyond 2^53 are stored as `BigInt` and read back
/// exactly. Each call is atomic on its own, and [`Storage::transaction`] groups several.
///
/// ```no_run
/// # async fn run(state: worker::State) -> worker::Result<()> {
/// let storage = state.storage();
/// let count: i64 = storage.get("count").await?.unwrap_or(0);
/// storage.put("count", count + 1).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Storage {
    inner: DurableObjectStorage,
}

impl Storage {
    pub(crate) fn new(inner: DurableObjectStorage) -> Self {
        Storage { inner }
    }

    /// Reads the value of `key`; `None` when the key does not exist.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the key (too long) or the value does not fit `T`.
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        get(&self.inner, key).await
    }

    /// Reads several keys in one call; keys that do not exist are left out of the result.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects a key or the number of keys (Cloudflare documents 128 as
    /// the maximum), or a value does not fit `T`.
    pub async fn get_multiple<T, K>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<HashMap<String, T>>
    where
        T: DeserializeOwned,
        K: AsRef<str>,
    {
        get_multiple(&self.inner, keys).await
    }

    /// Stores `value` under `key`.
    ///
    /// # Errors
    ///
    /// Fails when `value` cannot be serialized, or the runtime rejects the key or the size of
    /// the value.
    pub async fn put<T: Serialize>(&self, key: &str, value: T) -> Result<()> {
        put(&self.inner, key, &value).await
    }

    /// Stores a JavaScript value under `key` as it is.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the key or cannot store the value.
    pub async fn put_raw(&self, key: &str, value: impl Into<JsValue>) -> Result<()> {
        put_js(&self.inner, key, &value.into()).await
    }

    /// Stores every field of `values`, a struct or map, as its own key, in one call.
    ///
    /// # Errors
    ///
    /// Fails when `values` does not serialize to an object, or the runtime rejects it.
    pub async fn put_multiple<T: Serialize>(&self, values: T) -> Result<()> {
        put_multiple(&self.inner, &values).await
    }

    /// Stores every property of a JavaScript object as its own key.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the object.
    pub async fn put_multiple_raw(&self, values: Object) -> Result<()> {
        put_multiple_js(&self.inner, &values).await
    }

    /// Deletes `key`; returns whether it existed.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the key.
    pub async fn delete(&self, key: &str) -> Result<bool> {
        delete(&self.inner, key).await
    }

    /// Deletes several keys in one call; returns how many existed.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects a key or the number of keys.
    pub async fn delete_multiple<K: AsRef<str>>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<usize> {
        delete_multiple(&self.inner, keys).await
    }

    /// Deletes every key, and the alarm. With SQLite storage this also drops every table.
    ///
    /// # Errors
    ///
    /// Fails when the runtime fails to delete.
    pub async fn delete_all(&self) -> Result<()> {
        let promise = self.inner.delete_all();
        js::settle(promise)
            .await
            .map(drop)
            .map_err(|thrown| Error::js("storage deleteAll failed", thrown))
    }

    /// Returns every key and value, in ascending key order. Use [`Storage::list_with_options`]
    /// to read a range when the object stores much data: all of it is loaded into memory.
    ///
    /// # Errors
    ///
    /// Fails when a value does not fit `T`.
    pub async fn list<T: DeserializeOwned>(&self) -> Result<Vec<(String, T)>> {
        list(&self.inner, ListOptions::new()).await
    }

    /// Returns the keys and values that `options` selects, in key order.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the options or a value does not fit `T`.
    pub async fn list_with_options<T: DeserializeOwned>(
        &self,
        options: ListOptions<'_>,
    ) -> Result<Vec<(String, T)>> {
        list(&self.inner, options).await
    }

    /// Returns the time the alarm is set for, in milliseconds since the Unix epoch; `None`
    /// when no alarm is set.
    ///
    /// # Errors
    ///
    /// Fails when the runtime fails to read it.
    pub async fn get_alarm(&self) -> Result<Option<i64>> {
        get_alarm(&self.inner, &JsValue::UNDEFINED).await
    }

    /// Returns the alarm time as [`Storage::get_alarm`] does, with options.
    ///
    /// # Errors
    ///
    /// Fails when the runtime fails to read it.
    pub async fn get_alarm_with_options(&self, options: GetAlarmOptions) -> Result<Option<i64>> {
        get_alarm(&self.inner, &options.to_js()).await
    }

    /// Sets the alarm, replacing the one set before. At that time the runtime calls
    /// [`DurableObject::alarm`](crate::DurableObject::alarm); a time in the past fires at once.
    ///
    /// `time` is an offset from now (`Duration`, or `i64` milliseconds), a [`Date`] or a
    /// `SystemTime`.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the time or the object has no alarm handler.
    pub async fn set_alarm(&self, time: impl Into<ScheduledTime>) -> Result<()> {
        set_alarm(&self.inner, time.into(), &JsValue::UNDEFINED).await
    }

    /// Sets the alarm as [`Storage::set_alarm`] does, with options.
    ///
    /// # Errors
    ///
    /// As [`Storage::set_alarm`].
    pub async fn set_alarm_with_options(
        &self,
        time: impl Into<ScheduledTime>,
        options: SetAlarmOptions,
    ) -> Result<()> {
        set_alarm(&self.inner, time.into(), &options.to_js()).await
    }

    /// Deletes the alarm, if one is set. An alarm handler already running is not stopped.
    ///
    /// # Errors
    ///
    /// Fails when the runtime fails to delete it.
    pub async fn delete_alarm(&self) -> Result<()> {
        delete_alarm(&self.inner, &JsValue::UNDEFINED).await
    }

    /// Deletes the alarm as [`Storage::delete_alarm`] does, with options.
    ///
    /// # Errors
    ///
    /// Fails when the runtime fails to delete it.
    pub async fn delete_alarm_with_options(&self, options: SetAlarmOptions) -> Result<()> {
        delete_alarm(&self.inner, &options.to_js()).await
    }

    /// Runs `closure` in a transaction: if it returns an `Err`, panics, or calls
    /// [`Transaction::rollback`], none of its writes are kept.
    ///
    /// ```no_run
    /// # async fn run(storage: worker::Storage) -> worker::Result<()> {
    /// storage
    ///     .transaction(|txn| async move {
    ///         let balance: i64 = txn.get("balance").await?.unwrap_or(0);
    ///         if balance < 10 {
    ///             return Err("insufficient balance".into());
    ///         }
    ///         txn.put("balance", balance - 10).await
    ///     })
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Returns the closure's error, or fails when the transaction could not be committed.
    pub async fn transaction<F, Fut>(&self, closure: F) -> Result<()>
    where
        F: FnOnce(Transaction) -> Fut + 'static,
        Fut: Future<Output = Result<()>> + 'static,
    {
        let started = sys::start_transaction(&self.inner)
            .map_err(|thrown| Error::js("storage transaction failed to start", thrown))?;
        let txn = js::settle(Ok(started.transaction()))
            .await
            .map_err(|thrown| Error::js("storage transaction failed to start", thrown))?;
        let transaction = Transaction {
            inner: txn.unchecked_into(),
        };
        // The closure runs as a task of its own, so that a panic inside it rejects only the
        // transaction's body, which rolls the transaction back. Its error is handed back
        // through `failure` so that the caller gets the original `Error`, kind included.
        let failure = Rc::new(RefCell::new(None));
        let report = failure.clone();
        let body = runtime::spawn_promise(
            async move {
                if let Err(error) = closure(transaction).await {
                    let thrown = js_sys::Error::new(&error.to_string());
                    *report.borrow_mut() = Some(error);
                    return Err(thrown.into());
                }
                Ok(JsValue::UNDEFINED)
            },
            crate::context::reject_on_trap,
        );
        started
            .run(&body)
            .map_err(|thrown| Error::js("storage transaction failed", thrown))?;
        let outcome = js::settle(Ok(started.result())).await;
        match (outcome, failure.take()) {
            (Ok(_), _) => Ok(()),
            (Err(_), Some(error)) => Err(error),
            (Err(thrown), None) => Err(Error::js("storage transaction failed", thrown)),
        }
    }

    /// Returns the SQL API of an object whose class uses SQLite storage.
    ///
    /// # Errors
    ///
    /// Fails when the class uses the key-value storage backend, which has no SQL API; declare
    /// it under `new_sqlite_classes` in the migrations of `wrangler.toml`.
    pub fn sql(&self) -> Result<SqlStorage> {
        let sql = self.inner.sql();
        if sql.is_undefined() || sql.is_null() {
            return Err(Error::new(
                ErrorKind::Binding,
                "this Durable Object has no SQL storage; declare its class under \
                 `new_sqlite_classes` in the migrations of wrangler.toml",
            ));
        }
        Ok(SqlStorage::new(sql.unchecked_into()))
    }

    /// Waits until every write made so far is durable.
    ///
    /// # Errors
    ///
    /// Fails when a write failed.
    pub async fn sync(&self) -> Result<()> {
        js::settle(self.inner.sync())
            .await
            .map(drop)
            .map_err(|thrown| Error::js("storage sync failed", thrown))
    }

    /// Returns the underlying JavaScript `DurableObjectStorage`.
    pub fn as_js(&self) -> &JsValue {
        &self.inner
    }
}

impl fmt::Debug for Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Storage")
    }
}

/// The storage as seen inside [`Storage::transaction`].
pub struct Transaction {
    inner: DurableObjectStorage,
}

impl Transaction {
    /// Reads `key` as [`Storage::get`] does, inside the transaction.
    ///
    /// # Errors
    ///
    /// As [`Storage::get`].
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        get(&self.inner, key).await
    }

    /// Reads several keys as [`Storage::get_multiple`] does.
    ///
    /// # Errors
    ///
    /// As [`Storage::get_multiple`].
    pub async fn get_multiple<T, K>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<HashMap<String, T>>
    where
        T: DeserializeOwned,
        K: AsRef<str>,
    {
        get_multiple(&self.inner, keys).await
    }

    /// Stores `value` under `key` as [`Storage::put`] does.
    ///
    /// # Errors
    ///
    /// As [`Storage::put`].
    pub async fn put<T: Serialize>(&self, key: &str, value: T) -> Result<()> {
        put(&self.inner, key, &value).await
    }

    /// Stores every field of `values` as [`Storage::put_multiple`] does.
    ///
    /// # Errors
    ///
    /// As [`Storage::put_multiple`].
    pub async fn put_multiple<T: Serialize>(&self, values: T) -> Result<()> {
        put_multiple(&self.inner, &values).await
    }

    /// Deletes `key` as [`Storage::delete`] does.
    ///
    /// # Errors
    ///
    /// As [`Storage::delete`].
    pub async fn delete(&self, key: &str) -> Result<bool> {
        delete(&self.inner, key).await
    }

    /// Deletes several keys as [`Storage::delete_multiple`] does.
    ///
    /// # Errors
    ///
    /// As [`Storage::delete_multiple`].
    pub async fn delete_multiple<K: AsRef<str>>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<usize> {
        delete_multiple(&self.inner, keys).await
    }

    /// Lists keys and values as [`Storage::list_with_options`] does.
    ///
    /// # Errors
    ///
    /// As [`Storage::list_with_options`].
    pub async fn list_with_options<T: DeserializeOwned>(
        &self,
        options: ListOptions<'_>,
    ) -> Result<Vec<(String, T)>> {
        list(&self.inner, options).await
    }

    /// Discards every write of the transaction; the transaction ends without error when the
    /// closure returns.
    ///
    /// # Errors
    ///
    /// Fails when the transaction has already ended.
    pub fn rollback(&self) -> Result<()> {
        self.inner
            .rollback()
            .map_err(|thrown| Error::js("transaction rollback failed", thrown))
    }
}

impl fmt::Debug for Transaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Transaction")
    }
}

/// The key range, order and count that [`Storage::list_with_options`] returns.
#[derive(Debug, Default, Clone)]
#[must_use = "ListOptions does nothing until passed to list_with_options"]
pub struct ListOptions<'a> {
    start: Option<&'a str>,
    start_after: Option<&'a str>,
    end: Option<&'a str>,
    prefix: Option<&'a str>,
    reverse: bool,
    limit: Option<usize>,
}

impl<'a> ListOptions<'a> {
    /// Selects every key.
    pub fn new() -> Self {
        ListOptions::default()
    }

    /// Starts at `key`, inclusive.
    pub fn start(mut self, key: &'a str) -> Self {
        self.start = Some(key);
        self
    }

    /// Starts after `key`, exclusive.
    pub fn start_after(mut self, key: &'a str) -> Self {
        self.start_after = Some(key);
        self
    }

    /// Ends before `key`, exclusive.
    pub fn end(mut self, key: &'a str) -> Self {
        self.end = Some(key);
        self
    }

    /// Keeps only the keys that begin with `prefix`.
    pub fn prefix(mut self, prefix: &'a str) -> Self {
        self.prefix = Some(prefix);
        self
    }

    /// Returns the keys in descending order.
    pub fn reverse(mut self, reverse: bool) -> Self {
        self.reverse = reverse;
        self
    }

    /// Returns at most `limit` keys.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    fn to_js(&self) -> Object {
        let options = Object::new();
        let strings = [
            ("start", self.start),
            ("startAfter", self.start_after),
            ("end", self.end),
            ("prefix", self.prefix),
        ];
        for (name, value) in strings {
            if let Some(value) = value {
                js::set_property(&options, name, &JsValue::from_str(value));
            }
        }
        if self.reverse {
            js::set_property(&options, "reverse", &JsValue::TRUE);
        }
        if let Some(limit) = self.limit {
            js::set_property(&options, "limit", &JsValue::from_f64(limit as f64));
        }
        options
    }
}

/// When an alarm fires: an offset from now or a point in time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScheduledTime {
    /// Milliseconds since the Unix epoch, or from now.
    millis: f64,
    relative: bool,
}

impl ScheduledTime {
    /// Fires at `date`.
    pub fn new(date: js_sys::Date) -> Self {
        ScheduledTime {
            millis: date.get_time(),
            relative: false,
        }
    }

    fn to_date(self) -> js_sys::Date {
        let millis = match self.relative {
            true => js_sys::Date::now() + self.millis,
            false => self.millis,
        };
        js_sys::Date::new(&JsValue::from_f64(millis))
    }
}

impl From<i64> for ScheduledTime {
    /// Fires `offset` milliseconds from now.
    fn from(offset: i64) -> Self {
        ScheduledTime {
            millis: offset as f64,
            relative: true,
        }
    }
}

impl From<Duration> for ScheduledTime {
    /// Fires `offset` from now.
    fn from(offset: Duration) -> Self {
        ScheduledTime {
            millis: offset.as_millis() as f64,
            relative: true,
        }
    }
}

impl From<Date> for ScheduledTime {
    fn from(date: Date) -> Self {
        ScheduledTime {
            millis: date.as_millis() as f64,
            relative: false,
        }
    }
}

impl From<SystemTime> for ScheduledTime {
    fn from(time: SystemTime) -> Self {
        let millis = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_millis() as f64,
            Err(before) => -(before.duration().as_millis() as f64),
        };
        ScheduledTime {
            millis,
            relative: false,
        }
    }
}

/// Options of [`Storage::get_alarm_with_options`].
#[derive(Debug, Clone, Default)]
pub struct GetAlarmOptions {
    /// Lets other events run while the alarm time is read.
    pub allow_concurrency: Option<bool>,
}

impl GetAlarmOptions {
    fn to_js(&self) -> JsValue {
        alarm_options(self.allow_concurrency, None)
    }
}

/// Options of [`Storage::set_alarm_with_options`] and [`Storage::delete_alarm_with_options`].
#[derive(Debug, Clone, Default)]
pub struct SetAlarmOptions {
    /// Lets other events run while the alarm is written.
    pub allow_concurrency: Option<bool>,
    /// Lets outgoing messages leave before the write is durable.
    pub allow_unconfirmed: Option<bool>,
}

impl SetAlarmOptions {
    fn to_js(&self) -> JsValue {
        alarm_options(self.allow_concurrency, self.allow_unconfirmed)
    }
}

fn alarm_options(allow_concurrency: Option<bool>, allow_unconfirmed: Option<bool>) -> JsValue {
    let options = Object::new();
    for (name, value) in [
        ("allowConcurrency", allow_concurrency),
        ("allowUnconfirmed", allow_unconfirmed),
    ] {
        if let Some(value) = value {
            js::set_property(&options, name, &JsValue::from_bool(value));
        }
    }
    options.into()
}

// The operations below are shared by `Storage` and `Transaction`, whose JavaScript objects
// have the same methods.

async fn get<T: DeserializeOwned>(storage: &DurableObjectStorage, key: &str) -> Result<Option<T>> {
    let value = js::settle(storage.get(&JsValue::from_str(key)))
        .await
        .map_err(|thrown| Error::js(format!("storage get {key:?} failed"), thrown))?;
    if value.is_undefined() {
        return Ok(None);
    }
    value::from_js(&value, &format!("storage value of {key:?}")).map(Some)
}

async fn get_multiple<T, K>(
    storage: &DurableObjectStorage,
    keys: impl IntoIterator<Item = K>,
) -> Result<HashMap<String, T>>
where
    T: DeserializeOwned,
    K: AsRef<str>,
{
    let keys = key_array(keys);
    let count = keys.length();
    let map = js::settle(storage.get(&keys))
        .await
        .map_err(|thrown| Error::js(format!("storage get of {count} keys failed"), thrown))?;
    let mut values = HashMap::new();
    for (key, value) in map_entries(&map)? {
        let what = format!("storage value of {key:?}");
        values.insert(key, value::from_js(&value, &what)?);
    }
    Ok(values)
}

async fn put<T: Serialize>(storage: &DurableObjectStorage, key: &str, value: &T) -> Result<()> {
    let value = value::to_js(value, &format!("storage value for {key:?}"))?;
    put_js(storage, key, &value).await
}

async fn put_js(storage: &DurableObjectStorage, key: &str, value: &JsValue) -> Result<()> {
    js::settle(storage.put(&JsValue::from_str(key), value))
        .await
        .map(drop)
        .map_err(|thrown| Error::js(format!("storage put {key:?} failed"), thrown))
}

async fn put_multiple<T: Serialize>(storage: &DurableObjectStorage, values: &T) -> Result<()> {
    let values = value::to_js(values, "storage put_multiple values")?;
    if !values.is_object() || Array::is_array(&values) {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "storage put_multiple takes a struct or map whose fields become the keys",
        ));
    }
    put_multiple_js(storage, values.unchecked_ref()).await
}

async fn put_multiple_js(storage: &DurableObjectStorage, values: &Object) -> Result<()> {
    let count = Object::keys(values).length();
    js::settle(storage.put(values, &JsValue::UNDEFINED))
        .await
        .map(drop)
        .map_err(|thrown| Error::js(format!("storage put of {count} keys failed"), thrown))
}

async fn delete(storage: &DurableObjectStorage, key: &str) -> Result<bool> {
    let existed = js::settle(storage.delete(&JsValue::from_str(key)))
        .await
        .map_err(|thrown| Error::js(format!("storage delete {key:?} failed"), thrown))?;
    Ok(existed.as_bool().unwrap_or(false))
}

async fn delete_multiple<K: AsRef<str>>(
    storage: &DurableObjectStorage,
    keys: impl IntoIterator<Item = K>,
) -> Result<usize> {
    let keys = key_array(keys);
    let count = keys.length();
    let deleted = js::settle(storage.delete(&keys))
        .await
        .map_err(|thrown| Error::js(format!("storage delete of {count} keys failed"), thrown))?;
    Ok(deleted.as_f64().unwrap_or(0.0) as usize)
}

async fn list<T: DeserializeOwned>(
    storage: &DurableObjectStorage,
    options: ListOptions<'_>,
) -> Result<Vec<(String, T)>> {
    let map = js::settle(storage.list(&options.to_js()))
        .await
        .map_err(|thrown| Error::js("storage list failed", thrown))?;
    map_entries(&map)?
        .into_iter()
        .map(|(key, value)| {
            let value = value::from_js(&value, &format!("storage value of {key:?}"))?;
            Ok((key, value))
        })
        .collect()
}

async fn get_alarm(storage: &DurableObjectStorage, options: &JsValue) -> Result<Option<i64>> {
    let time = js::settle(storage.get_alarm(options))
        .await
        .map_err(|thrown| Error::js("storage getAlarm failed", thrown))?;
    Ok(time.as_f64().map(|millis| millis as i64))
}

async fn set_alarm(
    storage: &DurableObjectStorage,
    time: ScheduledTime,
    options: &JsValue,
) -> Result<()> {
    let date = time.to_date();
    js::settle(storage.set_alarm(&date, options))
        .await
        .map(drop)
        .map_err(|thrown| Error::js("storage setAlarm failed", thrown))
}

async fn delete_alarm(storage: &DurableObjectStorage, options: &JsValue) -> Result<()> {
    js::settle(storage.delete_alarm(options))
        .await
        .map(drop)
        .map_err(|thrown| Error::js("storage deleteAlarm failed", thrown))
}

fn key_array<K: AsRef<str>>(keys: impl IntoIterator<Item = K>) -> Array {
    keys.into_iter()
        .map(|key| JsValue::from_str(key.as_ref()))
        .collect()
}

/// Returns the entries of the `Map` that storage returns for several keys.
fn map_entries(map: &JsValue) -> Result<Vec<(String, JsValue)>> {
    let Some(map) = map.dyn_ref::<Map>() else {
        let message = format!("storage returned {} instead of a Map", js::describe(map));
        return Err(Error::new(ErrorKind::Js, message));
    };
    let mut entries = Vec::with_capacity(map.size() as usize);
    map.for_each(&mut |value, key| {
        entries.push((key.as_string().unwrap_or_default(), value));
    });
    Ok(entries)
}
