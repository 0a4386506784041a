//! Statement results: rows with metadata, and the summary of `exec`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use super::argument::MAX_SAFE_INTEGER;
use super::row::{Row, RowDeserializer, RowError};
use crate::{Error, ErrorKind, Result};

/// The result of [`D1PreparedStatement::all`], [`D1PreparedStatement::run`] or one statement
/// of a batch: the rows and the metadata.
///
/// The whole result crossed from JavaScript as one JSON text when the statement finished, so
/// reading it does not call into JavaScript again.
///
/// [`D1PreparedStatement::all`]: super::D1PreparedStatement::all
/// [`D1PreparedStatement::run`]: super::D1PreparedStatement::run
#[derive(Debug, Clone)]
pub struct D1Result {
    raw: RawResult,
}

/// The JSON form of a `D1Result` object.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct RawResult {
    #[serde(default)]
    success: bool,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    meta: Option<serde_json::Value>,
    #[serde(default)]
    pub(crate) results: Option<Vec<Row>>,
}

impl D1Result {
    pub(crate) fn from_raw(raw: RawResult) -> Self {
        D1Result { raw }
    }

    /// Returns whether the statement succeeded. D1 throws on failure, which the SDK returns as
    /// an `Err`, so a result that exists has succeeded.
    pub fn success(&self) -> bool {
        self.raw.success
    }

    /// Returns the error message the result carries, if any.
    pub fn error(&self) -> Option<String> {
        self.raw.error.clone()
    }

    /// Deserializes every row into `T`: a struct whose fields are column names, a
    /// `HashMap<String, _>`, `serde_json::Value`, or a tuple of the columns in order.
    ///
    /// Column values convert as follows: `NULL` reads as `None` (or `()`), numbers as integers
    /// or floats, text as `String` (or a unit enum variant by name), a BLOB as `Vec<u8>`, and
    /// the integers 0 and 1 also as `bool`.
    ///
    /// When two columns have the same name, JavaScript keeps only the last one in a row object;
    /// use [`D1PreparedStatement::raw`](super::D1PreparedStatement::raw) to see both.
    ///
    /// # Errors
    ///
    /// Fails when a value does not fit its field, naming the row and the column. Reading an
    /// integer beyond ±(2^53 − 1) into an integer field fails too, because D1 returns numbers as
    /// JavaScript numbers, so such a value may have been rounded.
    pub fn results<T: DeserializeOwned>(&self) -> Result<Vec<T>> {
        let rows = self.raw.results.as_deref().unwrap_or_default();
        rows.iter()
            .enumerate()
            .map(|(index, row)| read_row(row, index))
            .collect()
    }

    /// Returns the number of rows.
    pub fn len(&self) -> usize {
        self.raw.results.as_ref().map_or(0, Vec::len)
    }

    /// Returns whether the statement returned no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns the metadata: rows read and written, the last row id, the duration.
    ///
    /// Returns `Ok(None)` when the result has no metadata.
    ///
    /// # Errors
    ///
    /// Fails when a count or the last row id is beyond ±(2^53 − 1), because the runtime may
    /// have rounded it, or when a field has an unexpected type.
    pub fn meta(&self) -> Result<Option<D1ResultMeta>> {
        let Some(meta) = &self.raw.meta else {
            return Ok(None);
        };
        D1ResultMeta::deserialize(meta).map(Some).map_err(|error| {
            Error::new(ErrorKind::Serialization, "d1 result metadata is invalid").with_source(error)
        })
    }
}

pub(crate) fn read_row<T: DeserializeOwned>(row: &Row, index: usize) -> Result<T> {
    T::deserialize(RowDeserializer::new(row)).map_err(|error| row_error(index, error))
}

pub(crate) fn row_error(index: usize, error: RowError) -> Error {
    Error::new(
        ErrorKind::Serialization,
        format!("d1 row {index} does not fit the requested type"),
    )
    .with_source(error)
}

/// The metadata of a [`D1Result`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct D1ResultMeta {
    /// Whether the statement changed the database.
    #[serde(default)]
    pub changed_db: Option<bool>,
    /// The number of rows inserted, updated or deleted.
    #[serde(default, deserialize_with = "safe_count")]
    pub changes: Option<usize>,
    /// How long the statement took, in milliseconds.
    #[serde(default)]
    pub duration: Option<f64>,
    /// The rowid of the last inserted row.
    #[serde(default, deserialize_with = "safe_row_id")]
    pub last_row_id: Option<i64>,
    /// The number of rows read.
    #[serde(default, deserialize_with = "safe_count")]
    pub rows_read: Option<usize>,
    /// The number of rows written.
    #[serde(default, deserialize_with = "safe_count")]
    pub rows_written: Option<usize>,
    /// The size of the database after the statement, in bytes.
    #[serde(default, deserialize_with = "safe_count")]
    pub size_after: Option<usize>,
    /// The database instance that ran the statement (`miniflare.db` locally).
    #[serde(default)]
    pub served_by: Option<String>,
    /// The region of the instance that ran the statement.
    #[serde(default)]
    pub served_by_region: Option<String>,
    /// Whether the primary instance ran the statement rather than a read replica.
    #[serde(default)]
    pub served_by_primary: Option<bool>,
    /// Timings measured by the database.
    #[serde(default)]
    pub timings: Option<D1Timings>,
}

/// Timings in [`D1ResultMeta`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct D1Timings {
    /// The time the database spent running SQL, in milliseconds.
    #[serde(default)]
    pub sql_duration_ms: Option<f64>,
}

fn exact_integer<'de, D: Deserializer<'de>>(
    deserializer: D,
    hint: &str,
) -> std::result::Result<Option<i64>, D::Error> {
    let Some(number) = Option::<serde_json::Number>::deserialize(deserializer)? else {
        return Ok(None);
    };
    match number.as_i64() {
        Some(value) if value.unsigned_abs() <= MAX_SAFE_INTEGER as u64 => Ok(Some(value)),
        _ => Err(serde::de::Error::custom(format!(
            "{number} is not an integer within ±{MAX_SAFE_INTEGER}, so the runtime may have \
             rounded it{hint}"
        ))),
    }
}

fn safe_row_id<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<i64>, D::Error> {
    exact_integer(
        deserializer,
        "; return the row id as text from the statement (RETURNING CAST(rowid AS TEXT))",
    )
}

fn safe_count<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<usize>, D::Error> {
    let Some(value) = exact_integer(deserializer, "")? else {
        return Ok(None);
    };
    usize::try_from(value)
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("count {value} is negative")))
}

/// The result of [`D1Database::exec`](super::D1Database::exec).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct D1ExecResult {
    #[serde(default)]
    count: Option<u32>,
    #[serde(default)]
    duration: Option<f64>,
}

impl D1ExecResult {
    /// Returns the number of statements that ran.
    pub fn count(&self) -> Option<u32> {
        self.count
    }

    /// Returns how long the statements took, in milliseconds.
    pub fn duration(&self) -> Option<f64> {
        self.duration
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> D1Result {
        D1Result::from_raw(serde_json::from_str(json).unwrap())
    }

    #[test]
    fn result_parses_runtime_shape() {
        let result = parse(
            r#"{"success":true,"meta":{"served_by":"miniflare.db","duration":0,"changes":1,
            "last_row_id":3,"changed_db":true,"size_after":12288,"rows_read":1,"rows_written":1},
            "results":[{"id":1,"name":"a"},{"id":2,"name":null}]}"#,
        );
        assert!(result.success());
        assert_eq!(result.error(), None);
        assert_eq!(result.len(), 2);
        let rows: Vec<(i64, Option<String>)> = result.results().unwrap();
        assert_eq!(rows, vec![(1, Some(String::from("a"))), (2, None)]);
        let meta = result.meta().unwrap().unwrap();
        assert_eq!(meta.changes, Some(1));
        assert_eq!(meta.last_row_id, Some(3));
        assert_eq!(meta.size_after, Some(12288));
        assert_eq!(meta.served_by.as_deref(), Some("miniflare.db"));
        assert_eq!(meta.changed_db, Some(true));
        assert_eq!(meta.timings, None);
    }

    #[test]
    fn row_error_names_row_and_column() {
        let result = parse(r#"{"success":true,"results":[{"n":1},{"n":"x"}]}"#);
        let error = result
            .results::<std::collections::HashMap<String, i64>>()
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Serialization);
        assert_eq!(
            error.to_string(),
            "d1 row 1 does not fit the requested type: column \"n\": invalid type: string \
             \"x\", expected i64"
        );
    }

    #[test]
    fn missing_results_read_as_empty() {
        let result = parse(r#"{"success":true}"#);
        assert!(result.is_empty());
        assert!(result.results::<serde_json::Value>().unwrap().is_empty());
        assert_eq!(result.meta().unwrap(), None);
    }

    #[test]
    fn unsafe_last_row_id_is_an_error() {
        let result = parse(r#"{"success":true,"meta":{"last_row_id":1152921504606847000}}"#);
        let error = result.meta().unwrap_err().to_string();
        assert!(
            error.contains("1152921504606847000 is not an integer"),
            "{error}"
        );
        assert!(error.contains("may have rounded it"), "{error}");
        assert!(error.contains("RETURNING CAST(rowid AS TEXT)"), "{error}");
    }

    #[test]
    fn meta_reads_replica_fields() {
        let result = parse(
            r#"{"success":true,"meta":{"served_by_region":"WEUR","served_by_primary":false,
            "timings":{"sql_duration_ms":0.25}}}"#,
        );
        let meta = result.meta().unwrap().unwrap();
        assert_eq!(meta.served_by_region.as_deref(), Some("WEUR"));
        assert_eq!(meta.served_by_primary, Some(false));
        assert_eq!(meta.timings.and_then(|t| t.sql_duration_ms), Some(0.25));
    }

    #[test]
    fn exec_result_parses() {
        let result: D1ExecResult = serde_json::from_str(r#"{"count":2,"duration":1.5}"#).unwrap();
        assert_eq!(result.count(), Some(2));
        assert_eq!(result.duration(), Some(1.5));
    }
}
