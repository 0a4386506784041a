//! `D1Database`, `D1DatabaseSession` and `D1PreparedStatement`.

use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The methods that a database and a session share: `prepare` and `batch`.
    #[wasm_bindgen(extends = Object)]
    #[derive(Debug, Clone)]
    pub(crate) type D1Queryable;

    #[wasm_bindgen(method, catch)]
    pub(crate) fn prepare(this: &D1Queryable, query: &str) -> Result<D1PreparedStatement, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn batch(this: &D1Queryable, statements: &Array) -> Result<Promise, JsValue>;

    #[wasm_bindgen(extends = D1Queryable, extends = Object)]
    #[derive(Debug, Clone)]
    pub(crate) type D1Database;

    #[wasm_bindgen(method, catch)]
    pub(crate) fn exec(this: &D1Database, query: &str) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = withSession)]
    pub(crate) fn with_session(
        this: &D1Database,
        constraint_or_bookmark: &JsValue,
    ) -> Result<D1DatabaseSession, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn dump(this: &D1Database) -> Result<Promise, JsValue>;

    #[wasm_bindgen(extends = D1Queryable, extends = Object)]
    #[derive(Debug, Clone)]
    pub(crate) type D1DatabaseSession;

    /// Returns the latest bookmark as a string, or `null` before the first query.
    #[wasm_bindgen(method, catch, js_name = getBookmark)]
    pub(crate) fn get_bookmark(this: &D1DatabaseSession) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(extends = Object)]
    #[derive(Debug, Clone)]
    pub(crate) type D1PreparedStatement;

    /// `bind(...values)`: throws at once for a value D1 cannot bind.
    #[wasm_bindgen(method, catch, variadic)]
    pub(crate) fn bind(
        this: &D1PreparedStatement,
        values: &Array,
    ) -> Result<D1PreparedStatement, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn first(this: &D1PreparedStatement) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn run(this: &D1PreparedStatement) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn all(this: &D1PreparedStatement) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn raw(this: &D1PreparedStatement, options: &JsValue) -> Result<Promise, JsValue>;
}

// The rows of a result cross into wasm as one JSON text, which for 1000 small rows took 3 to 4.5 ms
// against 5.5 to 7 ms when reading each field through `Reflect`. A BLOB, though, is an array of
// numbers that costs about 3.5 bytes of JSON per byte: 1 MiB took 75 ms that way and 10 to 17 ms
// as a byte array. (Figures from benchmarks/d1-convert.mjs on a shared 2-core machine, with a few
// milliseconds of noise.) So these helpers replace each BLOB in the rows by `{"blob": length}` and
// return `[json, bytes]`, where `bytes` contains every BLOB in the order of the JSON text. An array
// with an element that is not a byte stays in the JSON, where Rust rejects it.
#[wasm_bindgen(inline_js = r#"
function isByte(value) {
  return Number.isInteger(value) && value >= 0 && value <= 255;
}

function moveBlobs(rows, parts) {
  if (!Array.isArray(rows)) return;
  for (const row of rows) {
    if (row === null || typeof row !== "object") continue;
    for (const key of Object.keys(row)) {
      const cell = row[key];
      if (Array.isArray(cell) && cell.every(isByte)) {
        parts.push(cell);
        row[key] = { blob: cell.length };
      }
    }
  }
}

function pack(value, parts) {
  let length = 0;
  for (const part of parts) length += part.length;
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return [JSON.stringify(value), bytes];
}

export function encodeResults(results) {
  const parts = [];
  for (const result of results) {
    if (result !== null && typeof result === "object") moveBlobs(result.results, parts);
  }
  return pack(results, parts);
}

export function encodeRows(rows) {
  const parts = [];
  moveBlobs(rows, parts);
  return pack(rows, parts);
}
"#)]
extern "C" {
    /// Encodes an array of `D1Result` objects.
    #[wasm_bindgen(catch, js_name = encodeResults)]
    pub(crate) fn encode_results(results: &JsValue) -> Result<Array, JsValue>;
    /// Encodes an array of rows, each an object or an array.
    #[wasm_bindgen(catch, js_name = encodeRows)]
    pub(crate) fn encode_rows(rows: &JsValue) -> Result<Array, JsValue>;
}
