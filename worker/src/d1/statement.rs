//! Prepared statements: binding parameters and running the statement.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Array, Object, Promise};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use super::argument::D1Argument;
use super::result::{D1Result, read_row, row_error};
use super::row::{Cell, CellDeserializer, Row};
use super::transfer;
use crate::error::Quoted;
use crate::sys::d1 as sys;
use crate::{Error, ErrorKind, Result, js};

/// The maximum number of characters of a statement's SQL that error messages quote.
const QUOTED_SQL_CHARS: usize = 80;

/// A statement prepared by [`D1Database::prepare`](super::D1Database::prepare) or a session,
/// with its parameters bound or not.
///
/// Run it with [`all`](Self::all), [`run`](Self::run), [`first`](Self::first) or
/// [`raw`](Self::raw); awaiting the statement itself runs [`run`](Self::run). Binding returns a
/// new statement and leaves this one unchanged, so a statement can be bound many times.
///
/// ```no_run
/// # async fn run(db: worker::D1Database) -> worker::Result<()> {
/// use worker::d1::D1Type;
///
/// #[derive(serde::Deserialize)]
/// struct Note {
///     id: i64,
///     title: String,
/// }
///
/// let statement = db.prepare("SELECT id, title FROM notes WHERE id = ?1");
/// let note: Option<Note> = statement.bind_refs(&D1Type::Integer64(7))?.first(None).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
#[must_use = "a statement does nothing until run with `.all()`, `.run()`, `.first()` or `.raw()`"]
pub struct D1PreparedStatement {
    /// The runtime's statement, or what `prepare` threw, returned by the first call that needs
    /// the statement.
    inner: std::result::Result<sys::D1PreparedStatement, JsValue>,
    sql: Rc<str>,
}

impl D1PreparedStatement {
    pub(crate) fn prepare(target: &sys::D1Queryable, sql: String) -> Self {
        D1PreparedStatement {
            inner: target.prepare(&sql),
            sql: Rc::from(sql),
        }
    }

    /// Returns the SQL text of the statement.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    pub(crate) fn js_statement(&self) -> Result<&sys::D1PreparedStatement> {
        self.inner.as_ref().map_err(|thrown| {
            Error::js(
                format!("d1 prepare failed for {}", quote_sql(&self.sql)),
                thrown.clone(),
            )
        })
    }

    /// Binds `values` to the statement's parameters, in order, and returns the bound statement.
    ///
    /// The values go to D1 as they are. Use [`bind_refs`](Self::bind_refs) with [`D1Type`], the
    /// [`query!`](crate::query) macro or [`serialize_argument`] to convert Rust values exactly.
    ///
    /// D1 supports `?NNN` (numbered) and `?` (anonymous) parameters, not named ones.
    ///
    /// [`D1Type`]: super::D1Type
    /// [`serialize_argument`]: super::serialize_argument
    ///
    /// # Errors
    ///
    /// Fails with the runtime's `D1_TYPE_ERROR` when a value is of a type D1 cannot bind
    /// (`undefined`, `BigInt`, an object), or when preparing the statement failed.
    pub fn bind(self, values: &[JsValue]) -> Result<Self> {
        self.bind_array(&values.iter().collect())
    }

    /// Binds values that convert exactly, such as [`D1Type`](super::D1Type), and returns the
    /// bound statement, leaving this one unchanged for binding again.
    ///
    /// # Errors
    ///
    /// Fails when a value has no exact form that D1 binds (an integer beyond ±(2^53 − 1), a
    /// float that is not finite), naming its position, or when the runtime rejects a value.
    pub fn bind_refs<'a, T, U>(&self, values: T) -> Result<Self>
    where
        T: IntoIterator<Item = &'a U>,
        U: D1Argument + 'a,
    {
        let array = Array::new();
        for (index, value) in values.into_iter().enumerate() {
            let value = value
                .js_value()
                .map_err(|error| argument_error(&self.sql, index + 1, &error, error.kind()))?;
            array.push(&value);
        }
        self.bind_array(&array)
    }

    /// Binds each set of values in turn, giving one statement per set, ready for
    /// [`D1Database::batch`](super::D1Database::batch).
    ///
    /// # Errors
    ///
    /// Fails as [`bind_refs`](Self::bind_refs) does, for the first set that fails.
    pub fn batch_bind<'a, T, U, V>(&self, values: T) -> Result<Vec<Self>>
    where
        T: IntoIterator<Item = U>,
        U: IntoIterator<Item = &'a V>,
        V: D1Argument + 'a,
    {
        values.into_iter().map(|set| self.bind_refs(set)).collect()
    }

    fn bind_array(&self, values: &Array) -> Result<Self> {
        let bound = self.js_statement()?.bind(values).map_err(|thrown| {
            Error::js(
                format!("d1 bind failed for {}", quote_sql(&self.sql)),
                thrown,
            )
        })?;
        Ok(D1PreparedStatement {
            inner: Ok(bound),
            sql: Rc::clone(&self.sql),
        })
    }

    /// Runs the statement and returns its first row, or the value of column `col_name` in it;
    /// `Ok(None)` when there are no rows.
    ///
    /// With a column, a `NULL` value reads as `Ok(Some(None))` when `T` is an `Option`, which
    /// distinguishes it from no rows. Values convert as in [`D1Result::results`].
    ///
    /// # Errors
    ///
    /// Fails with the runtime's error when the statement fails (invalid SQL, a wrong number of
    /// bound values, a constraint violation), when the column does not exist, and when the
    /// value does not fit `T`, naming the column.
    pub async fn first<T: DeserializeOwned>(&self, col_name: Option<&str>) -> Result<Option<T>> {
        let value = self
            .execute("first", sys::D1PreparedStatement::first)
            .await?;
        let rows: Vec<Option<Row>> =
            transfer::rows(&Array::of1(&value), &self.describe("first row"))?;
        let Some(row) = rows.into_iter().next().flatten() else {
            return Ok(None);
        };
        let Some(column) = col_name else {
            return read_row(&row, 0).map(Some);
        };
        let Some(cell) = row.get(column) else {
            let columns: Vec<&str> = row.column_names().collect();
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "d1 column {} is not in the result of {} (its columns: {})",
                    Quoted(column),
                    quote_sql(&self.sql),
                    columns.join(", ")
                ),
            ));
        };
        CellDeserializer::new(cell)
            .read(column)
            .map(Some)
            .map_err(|error| row_error(0, error))
    }

    /// Runs the statement and returns its rows and metadata.
    ///
    /// # Errors
    ///
    /// Fails with the runtime's error when the statement fails (invalid SQL, a wrong number of
    /// bound values, a constraint violation).
    pub async fn all(&self) -> Result<D1Result> {
        let value = self.execute("all", sys::D1PreparedStatement::all).await?;
        self.parse_result(&value)
    }

    /// Runs the statement and returns its metadata, and its rows if it returns any (D1 gives
    /// `run` and [`all`](Self::all) the same result).
    ///
    /// # Errors
    ///
    /// Fails as [`all`](Self::all) does.
    pub async fn run(&self) -> Result<D1Result> {
        let value = self.execute("run", sys::D1PreparedStatement::run).await?;
        self.parse_result(&value)
    }

    /// Runs the statement and returns its rows as arrays of values in column order, which keeps
    /// columns that share a name.
    ///
    /// # Errors
    ///
    /// Fails as [`all`](Self::all) does, and when a value does not fit `T`, naming the row and
    /// the column.
    pub async fn raw<T: DeserializeOwned>(&self) -> Result<Vec<Vec<T>>> {
        self.raw_with_column_names().await.map(|(_, rows)| rows)
    }

    /// Runs the statement and returns the column names and the rows as arrays of values in
    /// column order. The names are there even when no row is.
    ///
    /// # Errors
    ///
    /// Fails as [`raw`](Self::raw) does.
    pub async fn raw_with_column_names<T: DeserializeOwned>(
        &self,
    ) -> Result<(Vec<String>, Vec<Vec<T>>)> {
        let options = Object::new();
        js::set_property(&options, "columnNames", &JsValue::TRUE);
        let value = self
            .execute("raw", |statement| statement.raw(&options))
            .await?;
        let rows: Vec<Vec<Cell>> = transfer::rows(&value, &self.describe("raw rows"))?;
        let mut rows = rows.into_iter();
        let names = column_names(rows.next().unwrap_or_default(), &self.sql)?;
        let rows = rows
            .enumerate()
            .map(|(index, row)| read_raw_row(row, &names, index))
            .collect::<Result<_>>()?;
        Ok((names, rows))
    }

    /// Runs the statement and returns each row as the JavaScript array D1 gives.
    ///
    /// # Errors
    ///
    /// Fails as [`all`](Self::all) does.
    pub async fn raw_js_value(&self) -> Result<Vec<JsValue>> {
        let value = self
            .execute("raw", |statement| statement.raw(&JsValue::UNDEFINED))
            .await?;
        Ok(Array::from(&value).to_vec())
    }

    async fn execute(
        &self,
        method: &str,
        call: impl FnOnce(&sys::D1PreparedStatement) -> std::result::Result<Promise, JsValue>,
    ) -> Result<JsValue> {
        let statement = self.js_statement()?;
        js::settle(call(statement)).await.map_err(|thrown| {
            Error::js(
                format!("d1 {method} failed for {}", quote_sql(&self.sql)),
                thrown,
            )
        })
    }

    fn parse_result(&self, value: &JsValue) -> Result<D1Result> {
        transfer::result(value, &self.describe("result")).map(D1Result::from_raw)
    }

    /// Names a part of this statement's result for an error message.
    fn describe(&self, part: &str) -> String {
        format!("d1 {part} of {}", quote_sql(&self.sql))
    }
}

impl fmt::Debug for D1PreparedStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("D1PreparedStatement")
            .field("sql", &self.sql)
            .finish_non_exhaustive()
    }
}

/// Awaiting a statement runs it with [`D1PreparedStatement::run`].
impl IntoFuture for D1PreparedStatement {
    type Output = Result<D1Result>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<D1Result>>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.run().await })
    }
}

fn column_names(header: Vec<Cell>, sql: &str) -> Result<Vec<String>> {
    header
        .into_iter()
        .map(|cell| match cell {
            Cell::Text(name) => Ok(name),
            other => Err(Error::new(
                ErrorKind::Serialization,
                format!(
                    "d1 raw result of {} has a column name that is not text ({})",
                    quote_sql(sql),
                    other.kind()
                ),
            )),
        })
        .collect()
}

fn read_raw_row<T: DeserializeOwned>(
    row: Vec<Cell>,
    names: &[String],
    index: usize,
) -> Result<Vec<T>> {
    row.iter()
        .enumerate()
        .map(|(position, cell)| {
            let name = names.get(position).map_or("?", String::as_str);
            CellDeserializer::new(cell)
                .read(name)
                .map_err(|error| row_error(index, error))
        })
        .collect()
}

/// Binds the converted arguments of [`query!`](crate::query), or returns the first conversion
/// error.
#[doc(hidden)]
pub fn __bind_query<const N: usize>(
    statement: D1PreparedStatement,
    arguments: [Result<JsValue>; N],
) -> Result<D1PreparedStatement> {
    let values = arguments.into_iter().collect::<Result<Vec<_>>>()?;
    statement.bind(&values)
}

/// Quotes the start of `sql` for an error message.
pub(crate) fn quote_sql(sql: &str) -> String {
    match sql.char_indices().nth(QUOTED_SQL_CHARS) {
        Some((end, _)) => Quoted(&format!("{}…", &sql[..end])).to_string(),
        None => Quoted(sql).to_string(),
    }
}

/// Builds the error for argument `position` (counted from 1) of the statement `sql`.
pub(crate) fn argument_error(
    sql: &str,
    position: usize,
    error: &dyn fmt::Display,
    kind: ErrorKind,
) -> Error {
    Error::new(
        kind,
        format!("d1 argument {position} of {}: {error}", quote_sql(sql)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_sql_is_shortened() {
        let sql = "SELECT ".repeat(40);
        let quoted = quote_sql(&sql);
        assert!(quoted.ends_with("…\""), "{quoted}");
        assert_eq!(quoted.chars().count(), QUOTED_SQL_CHARS + 3);
    }

    #[test]
    fn short_sql_is_quoted_whole() {
        assert_eq!(quote_sql("SELECT 1"), "\"SELECT 1\"");
    }

    #[test]
    fn header_of_text_gives_names() {
        let names = column_names(
            vec![Cell::Text(String::from("a")), Cell::Text(String::from("b"))],
            "SELECT",
        )
        .unwrap();
        assert_eq!(names, ["a", "b"]);
        assert!(column_names(vec![Cell::Integer(1)], "SELECT").is_err());
    }

    #[test]
    fn raw_row_error_names_column() {
        let names = [String::from("a"), String::from("b")];
        let row = vec![Cell::Integer(1), Cell::Text(String::from("x"))];
        let error = read_raw_row::<i64>(row, &names, 4).unwrap_err();
        assert_eq!(
            error.to_string(),
            "d1 row 4 does not fit the requested type: column \"b\": invalid type: string \
             \"x\", expected i64"
        );
    }
}
