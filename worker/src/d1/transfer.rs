//! Moves a D1 result from JavaScript into Rust in two crossings: the rows as one JSON text,
//! and the bytes of every BLOB in them as one byte array (see `encodeRows` in `sys::d1`).

use js_sys::Array;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use super::result::RawResult;
use super::row::{Cell, Row};
use crate::sys::d1 as sys;
use crate::{Error, ErrorKind, Result, js};

/// Decodes an array of `D1Result` objects; `subject` names them in error messages.
pub(crate) fn results(results: &JsValue, subject: &str) -> Result<Vec<RawResult>> {
    decode(sys::encode_results(results), subject)
}

/// Decodes one `D1Result` object.
pub(crate) fn result(result: &JsValue, subject: &str) -> Result<RawResult> {
    let mut results = results(&Array::of1(result), subject)?;
    results
        .pop()
        .ok_or_else(|| Error::new(ErrorKind::Serialization, format!("{subject} is missing")))
}

/// Decodes an array of rows: objects (`Row`, or `Option<Row>` when a row may be `null`) or
/// arrays of values (`Vec<Cell>`).
pub(crate) fn rows<R: DeserializeOwned + Cells>(rows: &JsValue, subject: &str) -> Result<Vec<R>> {
    decode(sys::encode_rows(rows), subject)
}

fn decode<T: DeserializeOwned + Cells>(
    encoded: std::result::Result<Array, JsValue>,
    subject: &str,
) -> Result<Vec<T>> {
    let encoded = encoded
        .map_err(|thrown| Error::js(format!("{subject} cannot be converted to JSON"), thrown))?;
    let Some(text) = encoded.get(0).as_string() else {
        return Err(Error::new(
            ErrorKind::Serialization,
            format!("{subject} cannot be converted to JSON"),
        ));
    };
    let mut values: Vec<T> = serde_json::from_str(&text).map_err(|error| {
        Error::new(
            ErrorKind::Serialization,
            format!("{subject} is not what D1 returns"),
        )
        .with_source(error)
    })?;
    let mut blobs = BlobBytes {
        bytes: js::to_bytes(&encoded.get(1)),
        offset: 0,
    };
    for value in &mut values {
        value.for_each_cell(&mut |cell| blobs.fill(cell, subject))?;
    }
    Ok(values)
}

/// The bytes of every BLOB of a result, taken in the order the JSON text names them.
struct BlobBytes {
    bytes: Vec<u8>,
    offset: usize,
}

impl BlobBytes {
    fn fill(&mut self, cell: &mut Cell, subject: &str) -> Result<()> {
        let Cell::BlobPlaceholder(length) = *cell else {
            return Ok(());
        };
        let end = self.offset.saturating_add(length);
        if end > self.bytes.len() {
            return Err(Error::new(
                ErrorKind::Serialization,
                format!("{subject} names more BLOB bytes than it carries"),
            ));
        }
        *cell = if self.offset == 0 && end == self.bytes.len() {
            // The only BLOB: move the bytes instead of copying them.
            Cell::Blob(std::mem::take(&mut self.bytes))
        } else {
            Cell::Blob(self.bytes[self.offset..end].to_vec())
        };
        self.offset = end;
        Ok(())
    }
}

/// Something that holds cells, visited in the order of its JSON text.
pub(crate) trait Cells {
    fn for_each_cell(&mut self, visit: &mut dyn FnMut(&mut Cell) -> Result<()>) -> Result<()>;
}

impl Cells for Row {
    fn for_each_cell(&mut self, visit: &mut dyn FnMut(&mut Cell) -> Result<()>) -> Result<()> {
        self.0.iter_mut().try_for_each(|(_, cell)| visit(cell))
    }
}

impl Cells for Option<Row> {
    fn for_each_cell(&mut self, visit: &mut dyn FnMut(&mut Cell) -> Result<()>) -> Result<()> {
        self.iter_mut().try_for_each(|row| row.for_each_cell(visit))
    }
}

impl Cells for Vec<Cell> {
    fn for_each_cell(&mut self, visit: &mut dyn FnMut(&mut Cell) -> Result<()>) -> Result<()> {
        self.iter_mut().try_for_each(visit)
    }
}

impl Cells for RawResult {
    fn for_each_cell(&mut self, visit: &mut dyn FnMut(&mut Cell) -> Result<()>) -> Result<()> {
        self.results
            .iter_mut()
            .flatten()
            .try_for_each(|row| row.for_each_cell(visit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_fill_in_order() {
        let mut blobs = BlobBytes {
            bytes: vec![1, 2, 3, 4, 5],
            offset: 0,
        };
        let mut row: Row = serde_json::from_str(
            r#"{"a": {"blob": 2}, "b": "x", "c": {"blob": 0}, "d": {"blob": 3}}"#,
        )
        .unwrap();
        row.for_each_cell(&mut |cell| blobs.fill(cell, "test"))
            .unwrap();
        assert_eq!(row.0[0].1, Cell::Blob(vec![1, 2]));
        assert_eq!(row.0[1].1, Cell::Text(String::from("x")));
        assert_eq!(row.0[2].1, Cell::Blob(Vec::new()));
        assert_eq!(row.0[3].1, Cell::Blob(vec![3, 4, 5]));
    }

    #[test]
    fn single_blob_moves_whole_buffer() {
        let mut blobs = BlobBytes {
            bytes: vec![9; 8],
            offset: 0,
        };
        let mut cell = Cell::BlobPlaceholder(8);
        blobs.fill(&mut cell, "test").unwrap();
        assert_eq!(cell, Cell::Blob(vec![9; 8]));
        assert!(blobs.bytes.is_empty());
    }

    #[test]
    fn placeholder_beyond_bytes_is_an_error() {
        let mut blobs = BlobBytes {
            bytes: vec![1],
            offset: 0,
        };
        let error = blobs
            .fill(&mut Cell::BlobPlaceholder(2), "d1 result")
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "d1 result names more BLOB bytes than it carries"
        );
    }
}
