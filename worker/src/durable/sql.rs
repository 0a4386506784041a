//! The SQLite API of a Durable Object whose class uses SQLite storage.
//!
//! Integers: the runtime passes SQL values as JavaScript numbers, which hold integers exactly
//! only up to 2^53 - 1 in magnitude. A bound [`SqlStorageValue::Integer`] beyond that is an
//! error, and a row value beyond it reaches Rust as a floating-point number, which does not
//! deserialize into an integer type. Such values round-trip exactly as text: bind the decimal
//! string with `CAST(? AS INTEGER)` and select `CAST(column AS TEXT)`.

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use js_sys::{Array, ArrayBuffer, Object, Uint8Array};
use serde::de::DeserializeOwned;
use serde_json::{Map as JsonMap, Number, Value as JsonValue};
use wasm_bindgen::{JsCast, JsValue};

use crate::sys::durable::{SqlStorage as RawSql, SqlStorageCursor};
use crate::{Error, ErrorKind, Result, js};

/// The largest integer magnitude that a JavaScript number represents exactly: 2^53 - 1.
const MAX_SAFE_INTEGER: i64 = crate::js::MAX_SAFE_INTEGER as i64;

/// A value bound to a `?` placeholder or read from a raw row.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlStorageValue {
    /// `NULL`.
    Null,
    /// A boolean, bound as the integer 1 or 0 as SQLite stores booleans.
    Boolean(bool),
    /// An integer. When binding, it must be within ±(2^53 - 1); see the module docs for
    /// larger ones.
    Integer(i64),
    /// A floating-point number.
    Float(f64),
    /// Text.
    String(String),
    /// A blob.
    Blob(Vec<u8>),
}

impl SqlStorageValue {
    /// Creates an [`SqlStorageValue::Integer`], checking that the runtime can bind it exactly.
    ///
    /// # Errors
    ///
    /// Fails when `value` is beyond ±(2^53 - 1).
    pub fn try_from_i64(value: i64) -> Result<Self> {
        check_integer(value, "the integer")?;
        Ok(SqlStorageValue::Integer(value))
    }

    fn to_js(&self, index: usize) -> Result<JsValue> {
        Ok(match self {
            SqlStorageValue::Null => JsValue::NULL,
            SqlStorageValue::Boolean(value) => JsValue::from_f64(f64::from(u8::from(*value))),
            SqlStorageValue::Integer(value) => {
                check_integer(*value, &format!("binding {}", index + 1))?;
                JsValue::from_f64(*value as f64)
            }
            SqlStorageValue::Float(value) => JsValue::from_f64(*value),
            SqlStorageValue::String(value) => JsValue::from_str(value),
            SqlStorageValue::Blob(bytes) => js::to_uint8_array(bytes).buffer().into(),
        })
    }

    fn from_js(value: &JsValue) -> Result<Self> {
        if value.is_null() || value.is_undefined() {
            return Ok(SqlStorageValue::Null);
        }
        if let Some(text) = value.as_string() {
            return Ok(SqlStorageValue::String(text));
        }
        if let Some(number) = value.as_f64() {
            return Ok(match exact_integer(number) {
                Some(integer) => SqlStorageValue::Integer(integer),
                None => SqlStorageValue::Float(number),
            });
        }
        if let Some(flag) = value.as_bool() {
            return Ok(SqlStorageValue::Boolean(flag));
        }
        if value.is_instance_of::<ArrayBuffer>() || value.is_instance_of::<Uint8Array>() {
            return Ok(SqlStorageValue::Blob(js::to_bytes(value)));
        }
        let message = format!("SQL returned an unexpected value: {}", js::describe(value));
        Err(Error::new(ErrorKind::Js, message))
    }
}

fn check_integer(value: i64, what: &str) -> Result<()> {
    if (-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&value) {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::InvalidInput,
        format!(
            "{what} is {value}, beyond ±(2^53 - 1), which the runtime cannot pass to SQLite \
             exactly; bind it as text (`value.to_string()`) and write `CAST(? AS INTEGER)` in \
             the SQL"
        ),
    ))
}

/// Returns `number` as an integer when it is one that a double represents exactly.
fn exact_integer(number: f64) -> Option<i64> {
    let integral = number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER as f64;
    integral.then_some(number as i64)
}

macro_rules! sql_value_from {
    ($($source:ty => $variant:ident($convert:expr)),* $(,)?) => {
        $(
            impl From<$source> for SqlStorageValue {
                fn from(value: $source) -> Self {
                    SqlStorageValue::$variant($convert(value))
                }
            }
        )*
    };
}

sql_value_from! {
    bool => Boolean(std::convert::identity),
    i32 => Integer(i64::from),
    u32 => Integer(i64::from),
    i64 => Integer(std::convert::identity),
    f64 => Float(std::convert::identity),
    String => String(std::convert::identity),
    &str => String(str::to_owned),
    Vec<u8> => Blob(std::convert::identity),
    &[u8] => Blob(<[u8]>::to_vec),
}

impl<T: Into<SqlStorageValue>> From<Option<T>> for SqlStorageValue {
    fn from(value: Option<T>) -> Self {
        value.map_or(SqlStorageValue::Null, Into::into)
    }
}

/// The SQL API: `storage.sql` of a SQLite-backed Durable Object.
///
/// ```no_run
/// # fn run(state: worker::State) -> worker::Result<()> {
/// #[derive(serde::Deserialize)]
/// struct Item {
///     id: i64,
///     name: String,
/// }
///
/// let sql = state.storage().sql()?;
/// sql.exec("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT)", None)?;
/// sql.exec("INSERT INTO items (name) VALUES (?)", vec!["lamp".into()])?;
/// let items: Vec<Item> = sql.exec("SELECT id, name FROM items", None)?.to_array()?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct SqlStorage {
    inner: RawSql,
}

impl SqlStorage {
    pub(crate) fn new(inner: RawSql) -> Self {
        SqlStorage { inner }
    }

    /// Runs `query`, one or more statements, with `bindings` for its `?` placeholders, and
    /// returns a cursor over the rows of the last statement.
    ///
    /// # Errors
    ///
    /// Fails when an integer binding is beyond ±(2^53 - 1), or when SQLite rejects the query
    /// (the error keeps SQLite's message, such as `near "SELEC": syntax error`).
    pub fn exec(
        &self,
        query: &str,
        bindings: impl Into<Option<Vec<SqlStorageValue>>>,
    ) -> Result<SqlCursor> {
        let bindings = bindings.into().unwrap_or_default();
        let array = Array::new();
        for (index, value) in bindings.iter().enumerate() {
            array.push(&value.to_js(index)?);
        }
        self.exec_array(query, &array)
    }

    /// Runs `query` as [`SqlStorage::exec`] does, with JavaScript values as bindings.
    ///
    /// # Errors
    ///
    /// Fails when SQLite rejects the query or a binding.
    pub fn exec_raw(
        &self,
        query: &str,
        bindings: impl Into<Option<Vec<JsValue>>>,
    ) -> Result<SqlCursor> {
        let array: Array = bindings.into().unwrap_or_default().into_iter().collect();
        self.exec_array(query, &array)
    }

    fn exec_array(&self, query: &str, bindings: &Array) -> Result<SqlCursor> {
        let inner = self.inner.exec(query, bindings).map_err(|thrown| {
            Error::js(format!("SQL query failed: {}", abbreviate(query)), thrown)
        })?;
        Ok(SqlCursor {
            inner,
            row: Cell::new(0),
        })
    }

    /// Returns the size of the database, in bytes.
    pub fn database_size(&self) -> usize {
        self.inner.database_size().unwrap_or(0.0) as usize
    }
}

impl fmt::Debug for SqlStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SqlStorage")
    }
}

/// Shortens a query for an error message.
fn abbreviate(query: &str) -> String {
    const LIMIT: usize = 120;
    let query = query.trim();
    match query.char_indices().nth(LIMIT) {
        Some((end, _)) => format!("{}...", &query[..end]),
        None => query.to_owned(),
    }
}

/// The rows of a query, read as they are consumed.
///
/// Rows come out as serde structs with [`SqlCursor::to_array`], [`SqlCursor::one`] and
/// [`SqlCursor::next`], or as value lists with [`SqlCursor::raw`]. Each row is read once:
/// after `to_array` the cursor is exhausted.
pub struct SqlCursor {
    inner: SqlStorageCursor,
    /// Rows read so far, to name the row in errors.
    row: Cell<usize>,
}

impl SqlCursor {
    /// Reads the remaining rows into `T`s, matching columns to fields by name.
    ///
    /// # Errors
    ///
    /// Fails when a row does not fit `T`: the message names the row and, for an integer
    /// beyond 2^53, the column and how to read it exactly.
    pub fn to_array<T: DeserializeOwned>(&self) -> Result<Vec<T>> {
        let mut rows = Vec::new();
        while let Some(row) = self.read_row()? {
            rows.push(row);
        }
        Ok(rows)
    }

    /// Reads the only row of the result.
    ///
    /// # Errors
    ///
    /// Fails when the result has no row or more than one, or when the row does not fit `T`.
    pub fn one<T: DeserializeOwned>(&self) -> Result<T> {
        let row = self
            .inner
            .one()
            .map_err(|thrown| Error::js("SQL one() failed", thrown))?;
        row_to_serde(&row, self.row.replace(self.row.get() + 1))
    }

    /// Returns an iterator that reads the remaining rows into `T`s.
    pub fn next<T: DeserializeOwned>(&self) -> SqlCursorIterator<'_, T> {
        SqlCursorIterator {
            cursor: self,
            row_type: PhantomData,
        }
    }

    /// Returns an iterator over the remaining rows as lists of values, in column order.
    /// Unlike the struct forms, it keeps columns that share a name.
    pub fn raw(&self) -> SqlCursorRawIterator {
        let inner = self
            .inner
            .raw()
            .map_err(|thrown| Error::js("SQL raw() failed", thrown));
        SqlCursorRawIterator { inner: Some(inner) }
    }

    /// Returns the names of the result's columns, in order.
    pub fn column_names(&self) -> Vec<String> {
        let names = self.inner.column_names();
        names.iter().filter_map(|name| name.as_string()).collect()
    }

    /// Returns how many rows the query has read so far (rows scanned, not rows returned).
    pub fn rows_read(&self) -> usize {
        self.inner.rows_read() as usize
    }

    /// Returns how many rows the query has written so far.
    pub fn rows_written(&self) -> usize {
        self.inner.rows_written() as usize
    }

    fn read_row<T: DeserializeOwned>(&self) -> Result<Option<T>> {
        let Some(row) = next_value(&self.inner)? else {
            return Ok(None);
        };
        row_to_serde(&row, self.row.replace(self.row.get() + 1)).map(Some)
    }
}

impl fmt::Debug for SqlCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlCursor")
            .field("columns", &self.column_names())
            .finish()
    }
}

/// Iterator over rows deserialized into `T`, from [`SqlCursor::next`].
pub struct SqlCursorIterator<'a, T> {
    cursor: &'a SqlCursor,
    row_type: PhantomData<T>,
}

impl<T: DeserializeOwned> Iterator for SqlCursorIterator<'_, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        self.cursor.read_row().transpose()
    }
}

impl<T> fmt::Debug for SqlCursorIterator<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlCursorIterator").finish()
    }
}

/// Iterator over rows as lists of values, from [`SqlCursor::raw`].
pub struct SqlCursorRawIterator {
    /// The runtime's iterator, or the error of creating it, yielded once.
    inner: Option<Result<js_sys::Iterator>>,
}

impl Iterator for SqlCursorRawIterator {
    type Item = Result<Vec<SqlStorageValue>>;

    fn next(&mut self) -> Option<Self::Item> {
        let iterator = match self.inner.take()? {
            Ok(iterator) => iterator,
            Err(error) => return Some(Err(error)),
        };
        let row = match next_value(&iterator) {
            Ok(row) => row?,
            Err(error) => return Some(Err(error)),
        };
        self.inner = Some(Ok(iterator));
        let values = Array::from(&row);
        Some(
            values
                .iter()
                .map(|value| SqlStorageValue::from_js(&value))
                .collect(),
        )
    }
}

impl fmt::Debug for SqlCursorRawIterator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlCursorRawIterator").finish()
    }
}

/// Advances a JavaScript iterator; `None` when it is done.
fn next_value(iterator: &js_sys::Iterator) -> Result<Option<JsValue>> {
    let next = iterator
        .next()
        .map_err(|thrown| Error::js("reading the next SQL row failed", thrown))?;
    Ok((!next.done()).then(|| next.value()))
}

/// Deserializes a row object, keeping integers exact: a whole number beyond 2^53 becomes a
/// floating-point JSON number, so that it cannot silently fill an integer field.
fn row_to_serde<T: DeserializeOwned>(row: &JsValue, index: usize) -> Result<T> {
    let mut fields = JsonMap::new();
    let mut inexact = Vec::new();
    for entry in Object::entries(row.unchecked_ref()).iter() {
        let entry = Array::from(&entry);
        let column = entry.get(0).as_string().unwrap_or_default();
        let value = entry.get(1);
        if let Some(number) = value.as_f64()
            && number.fract() == 0.0
            && exact_integer(number).is_none()
        {
            inexact.push(column.clone());
        }
        fields.insert(column, json_value(&value)?);
    }
    serde_json::from_value(JsonValue::Object(fields)).map_err(|error| {
        let mut message = format!("SQL row {index} does not fit the requested type");
        if !inexact.is_empty() {
            message.push_str(&format!(
                " (column {} holds an integer beyond 2^53, which reaches Rust as a \
                 floating-point number; select it with CAST(column AS TEXT) to read it exactly)",
                inexact.join(", ")
            ));
        }
        Error::new(ErrorKind::Serialization, message).with_source(error)
    })
}

fn json_value(value: &JsValue) -> Result<JsonValue> {
    Ok(match SqlStorageValue::from_js(value)? {
        SqlStorageValue::Null => JsonValue::Null,
        SqlStorageValue::Boolean(flag) => JsonValue::Bool(flag),
        SqlStorageValue::Integer(integer) => JsonValue::Number(integer.into()),
        SqlStorageValue::Float(number) => {
            Number::from_f64(number).map_or(JsonValue::Null, JsonValue::Number)
        }
        SqlStorageValue::String(text) => JsonValue::String(text),
        SqlStorageValue::Blob(bytes) => bytes.into_iter().map(JsonValue::from).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_integer_limits() {
        assert_eq!(
            exact_integer(9_007_199_254_740_991.0),
            Some(MAX_SAFE_INTEGER)
        );
        assert_eq!(
            exact_integer(-9_007_199_254_740_991.0),
            Some(-MAX_SAFE_INTEGER)
        );
        assert_eq!(exact_integer(9_007_199_254_740_992.0), None);
        assert_eq!(exact_integer(1.5), None);
    }

    #[test]
    fn integer_binding_beyond_safe_range_is_an_error() {
        let error = check_integer(1 << 53, "binding 2").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
        let text = error.to_string();
        assert!(text.starts_with("binding 2 is 9007199254740992"), "{text}");
        assert!(text.contains("CAST(? AS INTEGER)"), "{text}");
        assert!(check_integer(MAX_SAFE_INTEGER, "x").is_ok());
        assert!(check_integer(-MAX_SAFE_INTEGER, "x").is_ok());
    }

    #[test]
    fn abbreviate_long_query() {
        let query = "SELECT ".repeat(40);
        let short = abbreviate(&query);
        assert_eq!(short.chars().count(), 123);
        assert!(short.ends_with("..."));
        assert_eq!(abbreviate(" SELECT 1 "), "SELECT 1");
    }
}
