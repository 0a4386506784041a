//! D1, the SQLite database of the Workers platform. Needs the `d1` feature, which is on by
//! default.
//!
//! ```no_run
//! # async fn run(env: worker::Env) -> worker::Result<()> {
//! use serde::Deserialize;
//! use worker::query;
//!
//! #[derive(Deserialize)]
//! struct Note {
//!     id: i64,
//!     title: String,
//!     body: Option<String>,
//! }
//!
//! let db = env.d1("DB")?;
//! query!(&db, "INSERT INTO notes (title, body) VALUES (?1, ?2)", "groceries", None::<String>)?
//!     .run()
//!     .await?;
//! let notes: Vec<Note> = db.prepare("SELECT id, title, body FROM notes").all().await?.results()?;
//! # Ok(())
//! # }
//! ```
//!
//! # Values at the JavaScript boundary
//!
//! D1 takes and returns JavaScript values, and the SDK converts them exactly or fails:
//!
//! - Integers bind exactly within ±(2^53 − 1) ([`MAX_SAFE_INTEGER`]). Beyond that range a
//!   JavaScript number cannot hold them and D1 rejects `BigInt`, so binding one is an `Err`: bind
//!   it as text and convert it in SQL with `CAST(? AS INTEGER)`. Reading an INTEGER beyond that
//!   range into an integer type is an `Err` too, because D1 has already rounded it: select it as
//!   `CAST(column AS TEXT)`.
//! - `NULL` reads as `None`, and `None` binds `NULL`.
//! - Bytes bind as a BLOB and a BLOB reads back as `Vec<u8>`, byte for byte.
//! - A boolean binds as `1` or `0`, and those read back as `bool`.
//! - Floats bind as they are, except `NaN` and the infinities, which D1 would store as `NULL`
//!   and which are an `Err`. A REAL that is infinite reads back as `NULL`: the runtime returns
//!   it as `null`.
//! - Text, including NUL and any Unicode character, round-trips unchanged.
//!
//! In workerd 1.20260426 (through Miniflare), a JavaScript number bound to a column without a
//! type affinity is stored as a REAL, even when it is integral. A column declared `INTEGER`
//! converts it to an integer.
//!
//! A result crosses from JavaScript as one JSON text, which is parsed in Rust; rows then
//! deserialize into any serde type, and a value that does not fit is an `Err` naming the column.
//!
//! An error from the runtime keeps its text, such as `D1_ERROR: UNIQUE constraint failed:
//! notes.id: SQLITE_CONSTRAINT`, and the thrown value is available through
//! [`Error::js_error`](crate::Error::js_error).

mod argument;
mod macros;
mod result;
mod row;
mod statement;
mod transfer;

use js_sys::{Array, Promise};
use wasm_bindgen::JsValue;

use crate::env::{EnvBinding, cast_if_methods};
use crate::sys::d1 as sys;
use crate::{Error, Result, js};

#[doc(hidden)]
pub use argument::__query_argument;
pub use argument::{D1Argument, D1PreparedArgument, D1Type, MAX_SAFE_INTEGER, serialize_argument};
pub use result::{D1ExecResult, D1Result, D1ResultMeta, D1Timings};
#[doc(hidden)]
pub use statement::__bind_query;
pub use statement::D1PreparedStatement;

/// A D1 database binding, from [`Env::d1`](crate::Env::d1).
#[derive(Clone)]
pub struct D1Database {
    inner: sys::D1Database,
}

impl EnvBinding for D1Database {
    const TYPE_NAME: &'static str = "D1 database";

    fn from_binding(value: JsValue) -> std::result::Result<Self, JsValue> {
        cast_if_methods(value, &["prepare", "batch", "exec"]).map(|inner| D1Database { inner })
    }
}

impl std::fmt::Debug for D1Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("D1Database")
    }
}

impl D1Database {
    /// Prepares a statement; bind its parameters and run it with the methods of
    /// [`D1PreparedStatement`]. Nothing is sent to the database until the statement runs.
    pub fn prepare<T: Into<String>>(&self, query: T) -> D1PreparedStatement {
        D1PreparedStatement::prepare(&self.inner, query.into())
    }

    /// Runs `statements` in order in one transaction and returns their results in the same
    /// order. If one fails, none of their changes are kept.
    ///
    /// # Errors
    ///
    /// Fails with the runtime's error of the first statement that fails, or when `statements`
    /// is empty (`D1_ERROR: No SQL statements detected.`).
    pub async fn batch(&self, statements: Vec<D1PreparedStatement>) -> Result<Vec<D1Result>> {
        batch(&self.inner, statements).await
    }

    /// Runs one or more SQL statements separated by `;` or new lines, without parameters, and
    /// returns how many ran. Meant for migrations and one-off maintenance: prefer prepared
    /// statements for anything that takes input.
    ///
    /// # Errors
    ///
    /// Fails with the runtime's `D1_EXEC_ERROR`, which names the failing statement; the
    /// statements before it stay applied.
    pub async fn exec(&self, query: &str) -> Result<D1ExecResult> {
        let result = js::settle(self.inner.exec(query))
            .await
            .map_err(|thrown| Error::js("d1 exec failed", thrown))?;
        js::from_js(&result, "d1 exec result")
    }

    /// Returns the database file, as D1 `dump()` does.
    ///
    /// # Errors
    ///
    /// Fails with the runtime's error where dumps are not available: locally, Miniflare
    /// returns `D1_DUMP_ERROR`, and on Cloudflare only the retired alpha databases support it.
    pub async fn dump(&self) -> Result<Vec<u8>> {
        let buffer = js::settle(self.inner.dump())
            .await
            .map_err(|thrown| Error::js("d1 dump failed", thrown))?;
        Ok(js::to_bytes(&buffer))
    }

    /// Starts a session for read replication: the queries of a session see the database in
    /// order, each at least as new as the one before.
    ///
    /// `constraint_or_bookmark` is either a bookmark from [`D1DatabaseSession::get_bookmark`]
    /// (of this or an earlier request), to read at least that version, or a constraint as text
    /// (`"first-primary"`, `"first-unconstrained"`). `None` starts unconstrained.
    ///
    /// ```no_run
    /// # async fn run(db: worker::D1Database, req: worker::Request) -> worker::Result<()> {
    /// let bookmark = req.headers().get("x-d1-bookmark")?;
    /// let session = db.with_session(bookmark.as_deref())?;
    /// let count: Option<i64> = session
    ///     .prepare("SELECT count(*) AS n FROM notes")
    ///     .first(Some("n"))
    ///     .await?;
    /// let next_bookmark = session.get_bookmark()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the argument.
    pub fn with_session(&self, constraint_or_bookmark: Option<&str>) -> Result<D1DatabaseSession> {
        let argument = constraint_or_bookmark.map_or(JsValue::UNDEFINED, JsValue::from_str);
        self.start_session(&argument)
    }

    /// Starts a session whose first query runs where `constraint` requires; see
    /// [`with_session`](Self::with_session).
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the constraint.
    pub fn with_session_constraint(
        &self,
        constraint: D1SessionConstraint,
    ) -> Result<D1DatabaseSession> {
        self.start_session(&JsValue::from_str(constraint.as_str()))
    }

    fn start_session(&self, argument: &JsValue) -> Result<D1DatabaseSession> {
        let inner = self
            .inner
            .with_session(argument)
            .map_err(|thrown| Error::js("d1 withSession failed", thrown))?;
        Ok(D1DatabaseSession { inner })
    }
}

impl AsRef<JsValue> for D1Database {
    fn as_ref(&self) -> &JsValue {
        &self.inner
    }
}

async fn batch(
    target: &sys::D1Queryable,
    statements: Vec<D1PreparedStatement>,
) -> Result<Vec<D1Result>> {
    let array = Array::new();
    for statement in &statements {
        array.push(statement.js_statement()?);
    }
    let count = statements.len();
    let promise: std::result::Result<Promise, JsValue> = target.batch(&array);
    let results = js::settle(promise)
        .await
        .map_err(|thrown| Error::js(format!("d1 batch of {count} statements failed"), thrown))?;
    let results = transfer::results(&results, "d1 batch results")?;
    Ok(results.into_iter().map(D1Result::from_raw).collect())
}

/// The database instance that may run the first query of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum D1SessionConstraint {
    /// The primary database runs the first query, so it reads every earlier write.
    FirstPrimary,
    /// Any replica may run the first query, however stale. This is the default.
    FirstUnconstrained,
}

impl D1SessionConstraint {
    /// Returns the constraint as the runtime names it: `first-primary` or
    /// `first-unconstrained`.
    pub fn as_str(self) -> &'static str {
        match self {
            D1SessionConstraint::FirstPrimary => "first-primary",
            D1SessionConstraint::FirstUnconstrained => "first-unconstrained",
        }
    }
}

/// A bookmark: the version of the database a session has seen, to start a later session from.
pub type D1SessionBookmark = String;

/// A read-replication session, from [`D1Database::with_session`]. Its queries see the
/// database in order; [`get_bookmark`](Self::get_bookmark) gives the version reached.
#[derive(Clone)]
pub struct D1DatabaseSession {
    inner: sys::D1DatabaseSession,
}

impl D1DatabaseSession {
    /// Prepares a statement that runs in this session.
    pub fn prepare<T: Into<String>>(&self, query: T) -> D1PreparedStatement {
        D1PreparedStatement::prepare(&self.inner, query.into())
    }

    /// Runs `statements` in one transaction in this session; see [`D1Database::batch`].
    ///
    /// # Errors
    ///
    /// Fails as [`D1Database::batch`] does.
    pub async fn batch(&self, statements: Vec<D1PreparedStatement>) -> Result<Vec<D1Result>> {
        batch(&self.inner, statements).await
    }

    /// Returns the bookmark of the latest query of this session, or `None` before the first
    /// query (unless the session started from a bookmark).
    ///
    /// # Errors
    ///
    /// Fails when the runtime throws or returns something other than a string or `null`.
    pub fn get_bookmark(&self) -> Result<Option<D1SessionBookmark>> {
        let bookmark = self
            .inner
            .get_bookmark()
            .map_err(|thrown| Error::js("d1 getBookmark failed", thrown))?;
        if bookmark.is_null() || bookmark.is_undefined() {
            return Ok(None);
        }
        bookmark.as_string().map(Some).ok_or_else(|| {
            Error::new(
                crate::ErrorKind::Js,
                format!(
                    "d1 getBookmark returned {} instead of a string",
                    js::describe(&bookmark)
                ),
            )
        })
    }
}

impl std::fmt::Debug for D1DatabaseSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("D1DatabaseSession")
    }
}

impl AsRef<JsValue> for D1DatabaseSession {
    fn as_ref(&self) -> &JsValue {
        &self.inner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_use_runtime_names() {
        assert_eq!(D1SessionConstraint::FirstPrimary.as_str(), "first-primary");
        assert_eq!(
            D1SessionConstraint::FirstUnconstrained.as_str(),
            "first-unconstrained"
        );
    }
}
